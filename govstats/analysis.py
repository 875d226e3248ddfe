"""Tidy analyses over the dataset frames of contract 2 (reports, values, checks, manifest, harmonized).

Every function takes DataFrames and returns a new long ("tidy") DataFrame; none reads files, so the
functions work the same on ``govstats.load_values(...)`` output and on frames built in a test.

Rules kept throughout:

- NA is never turned into 0. A category that a report does not state is NA; shares are computed over
  the categories that *are* available and every result says how many were missing (``n_missing``).
- Outcome categories of the 2008-era form (``legacy`` edition, and narrative reports before 2019) are
  not the 2019+ categories. :func:`outcome_counts` therefore keeps only comparable reports; legacy
  years enter a cross-year analysis only through the harmonized table
  (:func:`harmonized_outcome_counts`), where the crosswalk says a legacy figure is comparable.
- When a report states one indicator twice (a table cell and a sentence), the value is chosen as
  the harmonized table does (:func:`govstats.harmonize.select_values`: correction, table, derived,
  narrative), and one report represents an agency-year (:func:`govstats.harmonize.primary_reports`).
"""
from __future__ import annotations

import functools
import re
from typing import Mapping, Optional, Sequence, Union

import pandas as pd

from . import gazetteer
from .codebook import indicators as _indicators, read_csv
from .harmonize import LEGACY, QUALITIES, era, primary_reports, select_values

#: the 2019+ outcome groups of table 三, in form order
OUTCOME_CATEGORIES = ("granted", "partial", "denied", "unable", "not_processed", "other")
#: channels of proactive disclosure (``channel.<name>`` indicators), most common first
CHANNELS = ("website", "weibo", "wechat", "app", "toutiao", "douyin", "news_media", "gazette", "other")
#: results of administrative review and litigation (the total is kept apart)
RESULTS = ("upheld", "corrected", "other", "pending")
#: review / litigation procedures, keyed by the indicator prefix
PROCEDURES = {
    "review": "review",
    "litigation.direct": "litigation_direct",
    "litigation.after_review": "litigation_after_review",
    "litigation": "litigation",
}
#: request volumes: name -> indicator
REQUEST_VOLUMES = {
    "new": "requests.new",
    "carried_over": "requests.carried_over",
    "handled": "outcome.total",
    "carried_forward": "requests.carried_forward",
}
#: crosswalk qualities accepted for legacy years in cross-year outcome figures: the comparable ones
#: plus judgement mappings (flagged in captions); "approximate" totals and "none" stay out
CROSSWALK_QUALITIES = ("exact", "near_exact", "close", "judgement")
#: first report year of the 2019 regulation and forms
MODERN_FROM_YEAR = 2019
#: manifest statuses and check statuses in display order
MANIFEST_STATUSES = ("ok", "warning", "failed", "skipped")
CHECK_STATUSES = ("pass", "fail", "uncertain", "not_assessable")
PROBLEM_STATUSES = ("fail", "uncertain")

IndicatorSpec = Union[None, str, Sequence[str]]


# --------------------------------------------------------------------------- basics
def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("Float64")


def _keys(df: pd.DataFrame, wanted: Sequence[str]) -> list[str]:
    return [c for c in wanted if c in df.columns]


def _with_agency_key(df: pd.DataFrame) -> pd.DataFrame:
    """Frames built by hand may lack ``agency_key``; the agency name then stands in for it."""
    if "agency_key" in df.columns or "agency" not in df.columns:
        return df
    return df.assign(agency_key=df["agency"])


def _with_synthetic(df: pd.DataFrame) -> pd.DataFrame:
    if "synthetic" in df.columns:
        return df.assign(synthetic=df["synthetic"].fillna(False).astype(bool))
    return df.assign(synthetic=False)


def match_indicators(codes: pd.Series, spec: IndicatorSpec) -> pd.Series:
    """Boolean mask of ``codes`` matching ``spec``: None (all), a code, a prefix ``"outcome.*"``, or a list of those."""
    if spec is None:
        return pd.Series(True, index=codes.index)
    specs = [spec] if isinstance(spec, str) else list(spec)
    mask = pd.Series(False, index=codes.index)
    for s in specs:
        if s.endswith("*"):
            mask |= codes.str.startswith(s[:-1]).fillna(False).astype(bool)
        else:
            mask |= (codes == s).fillna(False).astype(bool)
    return mask


def is_modern(edition: pd.Series, year: pd.Series) -> pd.Series:
    """True where a report uses the 2019+ outcome categories (:func:`govstats.harmonize.era`)."""
    return era(edition, year) != LEGACY


def pick_values(values: pd.DataFrame, applicant: Optional[str] = "total") -> pd.DataFrame:
    """One row per (report, indicator, applicant), chosen by :func:`govstats.harmonize.select_values`.

    ``applicant=None`` keeps every applicant column. ``value`` is returned as ``Float64``.
    """
    v = _with_synthetic(_with_agency_key(values))
    if applicant is not None:
        v = v[v["applicant"] == applicant]
    v = v.assign(value=_num(v["value"]))
    return select_values(v).sort_index()


def attach_reports(frame: pd.DataFrame, reports: Optional[pd.DataFrame], columns: Sequence[str] = (
    "edition", "level", "province", "city", "county", "doc_kind", "lineage_key",
)) -> pd.DataFrame:
    """Add report-level columns (edition, level, region, doc kind …) to a frame keyed by ``report_id``."""
    if reports is None or "report_id" not in frame.columns:
        return frame
    cols = [c for c in columns if c in reports.columns and c not in frame.columns]
    if not cols:
        return frame
    return frame.merge(reports[["report_id", *cols]].drop_duplicates("report_id"), on="report_id", how="left")


# --------------------------------------------------------------------------- categories
def _worst_quality(q: pd.Series) -> object:
    ranks = [QUALITIES.index(x) for x in q.dropna() if x in QUALITIES]
    return QUALITIES[max(ranks)] if ranks else pd.NA


def _category_counts(v: pd.DataFrame, codes: Mapping[str, str], unit_keys: Sequence[str],
                     from_parts: bool) -> pd.DataFrame:
    """Per unit (report, or agency-year) and category: the count, how it was obtained, and its parts.

    ``v`` holds one row per unit and indicator. A category's count is its own indicator when stated;
    otherwise, with ``from_parts``, the sum of its stated sub-rows (``outcome.denied.*``), which the
    2019/2021 forms print without a subtotal cell. Every unit gets every category (NA when absent).
    """
    cat_of = {code: cat for cat, code in codes.items()}
    has_q = "quality" in v.columns
    direct = v[v["indicator"].isin(cat_of)].assign(category=lambda d: d["indicator"].map(cat_of))
    direct = direct.assign(basis=direct["source"] if "source" in direct.columns else "stated")
    cols = [*unit_keys, "category", "value", "basis"] + (["quality"] if has_q else [])
    direct = direct[cols].rename(columns={"value": "count"})

    out = direct
    if from_parts:
        frames = []
        for cat, code in codes.items():
            p = v[v["indicator"].str.startswith(code + ".").fillna(False).astype(bool)]
            if len(p):
                frames.append(p.assign(category=cat))
        if frames:
            parts = pd.concat(frames, ignore_index=True)
            agg = {"count": ("value", lambda s: s.sum(min_count=1)), "n_parts": ("value", "count"),
                   "n_parts_na": ("value", lambda s: int(s.isna().sum()))}
            if has_q:
                agg["quality"] = ("quality", _worst_quality)
            summed = parts.groupby([*unit_keys, "category"], dropna=False, sort=False).agg(**agg).reset_index()
            summed = summed.assign(count=summed["count"].astype("Float64"), basis="sum_of_parts")
            out = direct.merge(summed, on=[*unit_keys, "category"], how="outer", suffixes=("", "_parts"))
            use_parts = out["count"].isna() & out["count_parts"].notna()
            out["count"] = out["count"].where(~use_parts, out["count_parts"])
            out["basis"] = out["basis"].where(~use_parts, out["basis_parts"])
            if has_q:
                out["quality"] = out["quality"].where(~use_parts, out["quality_parts"])
            out = out.drop(columns=[c for c in out.columns if c.endswith("_parts") and c != "n_parts"])
    for c in ("n_parts", "n_parts_na"):
        if c not in out.columns:
            out[c] = 0
        out[c] = out[c].fillna(0).astype("int64")

    # complete the grid: every unit x every category
    units = v[list(unit_keys)].drop_duplicates()
    grid = units.merge(pd.DataFrame({"category": list(codes)}), how="cross")
    out = grid.merge(out, on=[*unit_keys, "category"], how="left")
    out["count"] = out["count"].astype("Float64")
    out["basis"] = out["basis"].where(out["count"].notna(), "missing")
    out[["n_parts", "n_parts_na"]] = out[["n_parts", "n_parts_na"]].fillna(0).astype("int64")
    out["category"] = pd.Categorical(out["category"], categories=list(codes), ordered=True)
    return out.sort_values([*unit_keys, "category"], kind="stable").reset_index(drop=True)


def add_shares(counts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Share of each category within each group of ``by``, over the categories that are not NA.

    Adds ``denominator`` (sum of the available counts), ``share`` (NA when the count is NA or the
    denominator is NA or 0) and ``n_missing`` (categories of the group whose count is NA).
    """
    g = counts.groupby(list(by), dropna=False, sort=False, observed=True)["count"]
    denom = g.transform(lambda s: s.sum(min_count=1)).astype("Float64")
    n_missing = g.transform(lambda s: int(s.isna().sum())).astype("int64")
    share = (counts["count"] / denom.where(denom != 0)).astype("Float64")
    return counts.assign(denominator=denom, share=share, n_missing=n_missing)


def aggregate_counts(counts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum per-unit category counts (report or agency-year) over groups ``by`` (e.g. ``["year"]``).

    A category sum is NA only when no unit states it; ``n_units`` counts the units that do and
    ``n_units_missing`` those that do not. ``synthetic`` / ``crosswalk`` are true when any unit is.
    Shares are recomputed on the sums (:func:`add_shares`).
    """
    by = list(by)
    c = counts.assign(_stated=counts["count"].notna())
    agg = {
        "count": ("count", lambda s: s.sum(min_count=1)),
        "n_units": ("_stated", "sum"),
        "n_units_missing": ("_stated", lambda s: int((~s).sum())),
    }
    for flag in ("synthetic", "crosswalk"):
        if flag in c.columns:
            agg[flag] = (flag, "any")
    if "quality" in c.columns:
        agg["quality"] = ("quality", _worst_quality)
    out = c.groupby([*by, "category"], dropna=False, sort=True, observed=True).agg(**agg).reset_index()
    out["count"] = out["count"].astype("Float64")
    out["n_units"] = out["n_units"].astype("int64")
    return add_shares(out, by)


# --------------------------------------------------------------------------- outcomes
def _outcome_codes() -> dict[str, str]:
    return {c: f"outcome.{c}" for c in OUTCOME_CATEGORIES}


def outcome_counts(values: pd.DataFrame, reports: Optional[pd.DataFrame] = None,
                   applicant: str = "total") -> pd.DataFrame:
    """Outcome counts and shares per report, in the 2019+ categories, for 2019+ reports only.

    Returns one row per (report, category): ``report_id, agency, agency_key, year, edition,
    synthetic, category, count, basis`` (table / narrative / derived / correction / sum_of_parts /
    missing), ``n_parts, n_parts_na, denominator, share, n_missing``. Reports of the 2008-era
    categories are left out; use :func:`harmonized_outcome_counts` for them. The edition comes
    from ``values`` (values.parquet carries it) or from ``reports``.
    """
    v = attach_reports(pick_values(values, applicant), reports, ("edition",))
    if "edition" not in v.columns:
        raise ValueError("outcome_counts needs the edition (in values or reports) to tell 2019+ reports from legacy ones")
    v = v[is_modern(v["edition"], v["year"])]
    keys = _keys(v, ("report_id", "agency", "agency_key", "year", "edition", "synthetic"))
    v = v[v["indicator"].str.startswith("outcome.").fillna(False).astype(bool)]
    counts = _category_counts(v, _outcome_codes(), keys, from_parts=True)
    return add_shares(counts.assign(crosswalk=False), ["report_id"])


def legacy_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports whose outcome categories are not the 2019+ ones (what :func:`outcome_counts` leaves out)."""
    return reports[~is_modern(reports["edition"], reports["year"])]


def _crosswalk_rows(harmonized: pd.DataFrame, strict: bool, applicant: str = "total") -> pd.DataFrame:
    """Harmonized outcome rows usable in a cross-year figure (see :func:`harmonized_outcome_counts`)."""
    h = _with_synthetic(_with_agency_key(harmonized))
    h = h[(h["applicant"] == applicant) & h["indicator"].str.startswith("outcome.").fillna(False).astype(bool)]
    if strict:
        return h[h["comparable"].fillna(False).astype(bool)]
    return h[h["quality"].isin(CROSSWALK_QUALITIES).fillna(False).astype(bool)]


def harmonized_outcome_counts(harmonized: pd.DataFrame, strict: bool = False,
                              applicant: str = "total") -> pd.DataFrame:
    """Outcome counts per agency-year from the harmonized table (legacy years through the crosswalk).

    A harmonized row enters when its crosswalk quality is in :data:`CROSSWALK_QUALITIES` (exact,
    near_exact, close, or a judgement mapping that captions name, see :func:`crosswalk_judgements`);
    with ``strict`` only rows the crosswalk marks ``comparable`` (exact / near_exact) enter. The
    other categories of a year stay NA (counted in ``n_missing``); an approximate legacy total
    (不同意公开) is replaced by the sum of its mapped sub-reasons. ``crosswalk`` is true for
    legacy-era years; ``quality`` is the worst crosswalk quality used.
    """
    h = _crosswalk_rows(harmonized, strict, applicant)
    h = h.assign(value=_num(h["value"]), source="harmonized").drop_duplicates(["agency_key", "year", "indicator"])
    keys = _keys(h, ("agency_key", "agency", "year", "edition", "synthetic"))
    counts = _category_counts(h, _outcome_codes(), keys, from_parts=True)
    if "edition" in counts.columns:
        crosswalk = ~is_modern(counts["edition"], counts["year"])
    else:
        crosswalk = pd.Series(False, index=counts.index)
    basis = counts["basis"].where(~crosswalk | counts["count"].isna(), "crosswalk")
    counts = counts.assign(crosswalk=crosswalk, basis=basis)
    return add_shares(counts, ["agency_key", "year"])


def crosswalk_judgements(harmonized: pd.DataFrame, strict: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """The judgement mappings behind legacy-year outcome counts: ``(target indicator, legacy codes)``.

    Only mappings that gave a number and that :func:`harmonized_outcome_counts` uses (a category's
    own row, or its sub-rows when the category row is not usable) are listed, for figure captions.
    """
    if not len(harmonized):
        return []
    h = _crosswalk_rows(harmonized, strict)
    h = h[h["value"].notna() & ~is_modern(h["edition"], h["year"])]
    top = h["indicator"].str.count(r"\.") == 1
    has_top = set(zip(h.loc[top, "agency_key"], h.loc[top, "year"], h.loc[top, "indicator"]))
    parent = h["indicator"].str.extract(r"^(outcome\.[a-z_]+)", expand=False)
    used = top | ~pd.Series([k in has_top for k in zip(h["agency_key"], h["year"], parent)], index=h.index)
    j = h[used & (h["quality"] == "judgement")]
    parts = j["parts"] if "parts" in j.columns else j["indicator"]
    pairs = {(ind, tuple(str(p).split("+")) if isinstance(p, str) and p else (ind,)) for ind, p in zip(j["indicator"], parts)}
    order = {c: i for i, c in enumerate(_indicators())}
    return sorted(pairs, key=lambda t: order.get(t[0], len(order)))


# --------------------------------------------------------------------------- channels
def channel_counts(values: pd.DataFrame) -> pd.DataFrame:
    """Proactive-disclosure counts per report and channel, with shares of the stated channels.

    Channels are not parts of ``proactive.total`` (one item published on several channels counts
    once there), so shares are of the sum of the channels a report states, never of the total.
    """
    v = pick_values(values)
    v = v[v["indicator"].str.startswith("channel.").fillna(False).astype(bool)]
    keys = _keys(v, ("report_id", "agency", "agency_key", "year", "synthetic"))
    counts = _category_counts(v, {c: f"channel.{c}" for c in CHANNELS}, keys, from_parts=False)
    return add_shares(counts, ["report_id"])


# --------------------------------------------------------------------------- review and litigation
def _procedure_of(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    prefix = codes.str.rsplit(".", n=1).str[0]
    result = codes.str.rsplit(".", n=1).str[-1]
    return prefix.map(PROCEDURES), result


def review_litigation(values: pd.DataFrame, combine_litigation: bool = True) -> pd.DataFrame:
    """Administrative review and litigation counts per report, procedure and result.

    Result is one of :data:`RESULTS` or ``total``. With ``combine_litigation`` the two 2019+
    litigation blocks (direct / after review) are summed per result into ``litigation`` (the
    legacy form's single block, crosswalk quality "approximate"); a sum is NA only when both are.
    """
    v = pick_values(values)
    v = v[match_indicators(v["indicator"], ["review.*", "litigation.*"])]
    procedure, result = _procedure_of(v["indicator"])
    v = v.assign(procedure=procedure, result=result)
    v = v[v["procedure"].notna() & v["result"].isin((*RESULTS, "total"))]
    keys = _keys(v, ("report_id", "agency", "agency_key", "year", "synthetic"))
    out = v[[*keys, "procedure", "result", "value", *_keys(v, ("source",))]].rename(columns={"value": "count"})
    if combine_litigation:
        lit = out["procedure"].str.startswith("litigation").fillna(False).astype(bool)
        split = out[lit & (out["procedure"] != "litigation")]
        stated = out[lit & (out["procedure"] == "litigation")]
        summed = (split.groupby([*keys, "result"], dropna=False).agg(count=("count", lambda s: s.sum(min_count=1)))
                  .reset_index().assign(procedure="litigation", source="derived"))
        # a stated combined figure wins over the sum of the two blocks
        summed = summed.merge(stated[[*keys, "result"]], on=[*keys, "result"], how="left", indicator=True)
        summed = summed[summed["_merge"] == "left_only"].drop(columns="_merge")
        out = pd.concat([out[~lit], stated, summed], ignore_index=True)
    out["count"] = out["count"].astype("Float64")
    order = {r: i for i, r in enumerate((*RESULTS, "total"))}
    return out.sort_values([*keys, "procedure", "result"], key=lambda s: s.map(order) if s.name == "result" else s,
                           kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- series
def _primary_ids(reports: pd.DataFrame) -> set[str]:
    if "primary" in reports.columns:
        return set(reports.loc[reports["primary"].fillna(False).astype(bool), "report_id"])
    return set(primary_reports(reports)["report_id"])


def indicator_series(values: pd.DataFrame, indicators: IndicatorSpec = None,
                     reports: Optional[pd.DataFrame] = None, applicant: str = "total") -> pd.DataFrame:
    """Indicator values per agency and year (long): ``agency_key, agency, year, indicator, value, unit, source …``.

    When an agency has several reports for one year, the primary one represents it (the
    ``primary`` column of reports.parquet, else :func:`govstats.harmonize.primary_reports`);
    without ``reports`` the report stating more values wins.
    """
    v = pick_values(values, applicant)
    v = v[match_indicators(v["indicator"], indicators)]
    v = attach_reports(v, reports, ("edition",))
    if reports is not None and len(reports):
        v = v[v["report_id"].isin(_primary_ids(reports))]
    elif len(v):
        n_stated = v.groupby("report_id")["value"].transform("count")
        v = v.assign(_n=n_stated).sort_values("_n", ascending=False, kind="stable")
        best = v.drop_duplicates(["agency_key", "year"])[["agency_key", "year", "report_id"]]
        v = v.merge(best, on=["agency_key", "year", "report_id"]).drop(columns="_n")
    if "unit" not in v.columns:
        v = v.assign(unit=v["indicator"].map(lambda c: _indicators().get(c).unit if c in _indicators() else None))
    cols = _keys(v, ("agency_key", "agency", "year", "indicator", "applicant", "value", "unit", "source",
                     "approximate", "evidence", "report_id", "edition", "synthetic"))
    return v[cols].sort_values(["agency_key", "indicator", "year"], kind="stable").reset_index(drop=True)


def indicator_groups(series: Optional[pd.DataFrame] = None) -> dict[str, list[str]]:
    """Indicator codes by codebook group, in codebook order; with ``series``, only codes stated in it."""
    stated = None if series is None else set(series.loc[series["value"].notna(), "indicator"])
    out: dict[str, list[str]] = {}
    for code, ind in _indicators().items():
        if stated is None or code in stated:
            out.setdefault(ind.group, []).append(code)
    return out


def indicator_table(series: pd.DataFrame) -> pd.DataFrame:
    """Wide view of :func:`indicator_series` for one agency: one row per indicator, one column per year."""
    if not len(series):
        return pd.DataFrame()
    t = series.pivot_table(index="indicator", columns="year", values="value", aggfunc="first", dropna=False)
    order = {c: i for i, c in enumerate(_indicators())}
    return t.loc[sorted(t.index, key=lambda c: order.get(c, len(order)))]


def request_volumes(values: pd.DataFrame, reports: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Requests received, carried over, handled and carried forward per agency-year (long, ``measure`` column)."""
    s = indicator_series(values, list(REQUEST_VOLUMES.values()), reports)
    measure = {code: name for name, code in REQUEST_VOLUMES.items()}
    return s.assign(measure=s["indicator"].map(measure))


def requests_by_applicant(values: pd.DataFrame) -> pd.DataFrame:
    """New requests per report and applicant type, with shares over the applicant types stated."""
    v = pick_values(values, applicant=None)
    v = v[(v["indicator"] == "requests.new") & (v["applicant"] != "total")]
    keys = _keys(v, ("report_id", "agency", "agency_key", "year", "synthetic"))
    counts = v[[*keys, "applicant", "value"]].rename(columns={"value": "count", "applicant": "category"})
    return add_shares(counts, ["report_id"])


# --------------------------------------------------------------------------- peer groups
@functools.lru_cache(maxsize=1)
def _abbreviations() -> tuple[tuple[str, str], ...]:
    rows = read_csv("org_suffixes.csv")
    return tuple(sorted(((r["suffix"], r["full"]) for r in rows if r.get("full")), key=lambda p: -len(p[0])))


_SUB_COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,8}?(镇|乡|街道)(?=人民政府|政府|办事处|党政|党委)")


def agency_kind(agency: Optional[str], agency_key: Optional[str] = None) -> Optional[str]:
    """The kind of body an agency is, without its region: 南通市海门区市场监管局 -> 市场监督管理局.

    Uses the organ part of ``agency_key`` (``<region id>:<organ>``) when given, else strips the
    leading region names; abbreviations are expanded (codebook ``org_suffixes.csv``) and a township
    or sub-district name is dropped (某某镇人民政府 -> 镇人民政府).
    """
    if isinstance(agency_key, str) and ":" in agency_key:
        organ = agency_key.split(":", 1)[1]
    elif isinstance(agency, str) and agency:
        organ = agency[len("".join(gazetteer.region_chain(agency))):] or agency
    else:
        return None
    for short, full in _abbreviations():
        if organ.endswith(short) and not organ.endswith(full):
            organ = organ[: -len(short)] + full
            break
    m = _SUB_COUNTY.match(organ)
    if m:
        organ = m.group(1) + organ[m.end():]
    return organ or None


def peer_groups(reports: pd.DataFrame, by: Sequence[str] = ("level", "province", "agency_kind")) -> pd.DataFrame:
    """Reports with ``agency_kind``, ``peer_group`` (the ``by`` values joined by " / ") and ``peer_size`` (agencies)."""
    r = _with_agency_key(reports)
    kinds = [agency_kind(a, k) for a, k in zip(r["agency"], r["agency_key"])]
    r = r.assign(agency_kind=pd.Series(kinds, index=r.index, dtype="string"))
    parts = [r[c].astype("string").fillna("?") for c in by]
    group = parts[0]
    for p in parts[1:]:
        group = group + " / " + p
    r = r.assign(peer_group=group)
    size = r.groupby("peer_group")["agency_key"].transform("nunique")
    return r.assign(peer_size=size.astype("int64"))


def filter_agencies(frame: pd.DataFrame, region: Optional[str] = None, kind: Optional[str] = None) -> pd.DataFrame:
    """Rows of agencies in ``region`` (a province, city or county name, or part of the agency name)
    and of ``kind`` (:func:`agency_kind`, abbreviations allowed: 市场监管局 = 市场监督管理局). None = any."""
    f = _with_agency_key(frame)
    mask = pd.Series(True, index=f.index)
    if region:
        cols = [c for c in ("province", "city", "county") if c in f.columns]
        hit = f["agency"].str.contains(region, regex=False).fillna(False).astype(bool)
        for c in cols:
            hit |= (f[c] == region).fillna(False).astype(bool)
        mask &= hit
    if kind:
        wanted = agency_kind(kind) or kind
        pairs = f[["agency", "agency_key"]].drop_duplicates()
        kinds = {k: agency_kind(a, k) for a, k in zip(pairs["agency"], pairs["agency_key"])}
        mask &= f["agency_key"].map(kinds).eq(wanted).fillna(False).astype(bool)
    return f[mask]


def peers(reports: pd.DataFrame, agency_key: str, by: Sequence[str] = ("level", "province", "agency_kind")) -> pd.DataFrame:
    """Reports of every agency in the same peer group as ``agency_key`` (itself included)."""
    r = peer_groups(reports, by)
    groups = set(r.loc[r["agency_key"] == agency_key, "peer_group"])
    return r[r["peer_group"].isin(groups)]


# --------------------------------------------------------------------------- checks and quality
def check_summary(checks: pd.DataFrame, by: Sequence[str] = ("check",)) -> pd.DataFrame:
    """Check results counted by ``by`` and status (one column per status), plus ``n_reports_failing``."""
    if not len(checks):
        return pd.DataFrame(columns=[*by, *CHECK_STATUSES, "n_reports_failing"])
    t = checks.pivot_table(index=list(by), columns="status", values="message", aggfunc="size", fill_value=0)
    t = t.reindex(columns=list(CHECK_STATUSES), fill_value=0).astype("int64")
    failing = checks[checks["status"] == "fail"].groupby(list(by))["report_id"].nunique()
    t["n_reports_failing"] = failing.reindex(t.index).fillna(0).astype("int64")
    return t.reset_index().sort_values(["fail", "uncertain"], ascending=False, kind="stable").reset_index(drop=True)


def failed_checks(checks: pd.DataFrame, statuses: Sequence[str] = PROBLEM_STATUSES) -> pd.DataFrame:
    """Checks with a problem status, with their expected/observed values and evidence, worst first."""
    c = checks[checks["status"].isin(statuses)]
    order = {s: i for i, s in enumerate(statuses)}
    c = c.assign(_o=c["status"].map(order))
    c = c.sort_values(_keys(c, ("_o", "year", "agency", "check", "applicant")), kind="stable")
    cols = _keys(c, ("agency", "year", "check", "applicant", "status", "expected", "observed", "message",
                     "evidence", "report_id"))
    return c[cols].reset_index(drop=True)


def manifest_summary(manifest: pd.DataFrame) -> pd.DataFrame:
    """Input files per manifest status (every status listed, 0 included: these are file counts, not data)."""
    counts = manifest["status"].value_counts()
    statuses = list(MANIFEST_STATUSES) + sorted(set(counts.index) - set(MANIFEST_STATUSES))
    out = pd.DataFrame({"status": statuses, "n_files": [int(counts.get(s, 0)) for s in statuses]})
    total = out["n_files"].sum()
    return out.assign(share=(out["n_files"] / total) if total else pd.NA)


def coverage_by_edition(reports: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Share of reports per edition with at least one stated value in each indicator group.

    One row per (edition, group): ``n_reports`` (reports of the edition), ``n_with_values`` and
    ``share``; groups are the ``group`` column of the indicator codebook.
    """
    groups = {c: ind.group for c, ind in _indicators().items()}
    v = values.assign(value=_num(values["value"]))
    v = v[v["value"].notna()].assign(group=lambda d: d["indicator"].map(groups))
    v = v[v["group"].notna()]
    stated = v[["report_id", "group"]].drop_duplicates().merge(reports[["report_id", "edition"]], on="report_id")
    editions = reports["edition"].fillna("unknown")
    n_reports = editions.value_counts()
    group_names = list(dict.fromkeys(groups.values()))
    grid = pd.MultiIndex.from_product([sorted(n_reports.index), group_names], names=["edition", "group"])
    n_with = stated.assign(edition=stated["edition"].fillna("unknown")).groupby(["edition", "group"]).size()
    out = pd.DataFrame(index=grid).assign(n_with_values=n_with.reindex(grid).fillna(0).astype("int64")).reset_index()
    out["n_reports"] = out["edition"].map(n_reports).astype("int64")
    out["share"] = out["n_with_values"] / out["n_reports"]
    return out


def values_per_report(reports: pd.DataFrame) -> pd.DataFrame:
    """Median and range of stated values per report, by edition (extraction coverage at a glance)."""
    r = reports.assign(edition=reports["edition"].fillna("unknown"), n_values=_num(reports["n_values"]))
    return (r.groupby("edition")["n_values"].agg(n_reports="size", median="median", min="min", max="max")
            .reset_index())


__all__ = [
    "OUTCOME_CATEGORIES", "CHANNELS", "RESULTS", "PROCEDURES", "REQUEST_VOLUMES", "CROSSWALK_QUALITIES",
    "match_indicators", "is_modern", "pick_values", "attach_reports", "add_shares",
    "aggregate_counts", "outcome_counts", "legacy_reports", "harmonized_outcome_counts", "crosswalk_judgements",
    "channel_counts", "review_litigation", "indicator_series", "indicator_table",
    "indicator_groups", "request_volumes", "requests_by_applicant", "agency_kind", "peer_groups", "peers",
    "filter_agencies", "check_summary",
    "failed_checks", "manifest_summary", "coverage_by_edition", "values_per_report",
]
