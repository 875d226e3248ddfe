"""Harmonized series: values of every edition on the 2019+ scale (``harmonized.parquet``).

The crosswalk is DATA (``codebook/crosswalk.csv``, from spec/templates.md §3): one rule per 2019+
target indicator, naming the legacy codes whose values make it and the quality of the mapping
(exact / near_exact / close / approximate / judgement / none). Its targets are the harmonized
series: requests, outcomes, review and litigation (sections 三 and 四 of the 2019+ forms).

- Reports of the 2019+ era (editions gov2019 / gov2021, or narrative reports of 2019 onward) give
  each target by identity (``rule="identity"``, quality exact).
- Reports of the legacy era (edition legacy, or narrative reports up to 2018) get one row per
  target: the sum of the rule's legacy values when ALL of them are present, else NA; a target with
  no legacy equivalent is NA (never 0). ``rule="crosswalk:<rule id>"``, ``parts`` names the legacy
  codes used.
- ``comparable`` is True for exact / near_exact mappings (so for every 2019+ value) unless the
  value itself is approximate ("200多件").

One report represents each (agency_key, year): ``primary_reports`` picks it (real over synthetic,
annual report over other kinds, tabular over narrative editions, most values, then path). Within
a report one value per (indicator, applicant) is used: a correction first, then the printed table
value, a derived value, a narrative statement; a missing (NA) value only when there is no number.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codebook import indicators, read_csv

QUALITIES = ("exact", "near_exact", "close", "approximate", "judgement", "none")
COMPARABLE_QUALITIES = frozenset({"exact", "near_exact"})
#: which value of one (report, indicator, applicant) is used; lower wins
SOURCE_PRIORITY = {"correction": 0, "table": 1, "derived": 2, "narrative": 3}
LEGACY, MODERN = "legacy", "2019+"
_EDITION_RANK = {"gov2021": 0, "gov2019": 0, "legacy": 1, "narrative": 2}
#: columns of a report that every harmonized row carries
REPORT_COLUMNS = ("report_id", "agency_key", "lineage_key", "agency", "province", "city", "county", "level",
                  "region_code", "year", "edition", "synthetic")
COLUMNS = ("agency_key", "lineage_key", "agency", "province", "city", "county", "level", "region_code", "year",
           "indicator", "applicant", "value", "count", "unit", "rule", "quality", "comparable", "approximate",
           "parts", "edition", "report_id", "synthetic")


@dataclass(frozen=True)
class Rule:
    rule: str
    target: str  # "" = the legacy codes have no 2019+ equivalent
    parts: tuple[str, ...]  # legacy codes summed; () = no legacy equivalent
    quality: str
    note: str


@functools.lru_cache(maxsize=1)
def crosswalk() -> tuple[Rule, ...]:
    """The rules of ``codebook/crosswalk.csv``, validated against the indicator codebook."""
    known = indicators()
    rules: list[Rule] = []
    seen: set[str] = set()
    for r in read_csv("crosswalk.csv"):
        rule = Rule(r["rule"], r["target"], tuple(p for p in r["legacy"].split("+") if p), r["quality"], r["note"])
        unknown = [c for c in (rule.target, *rule.parts) if c and c not in known]
        if rule.quality not in QUALITIES or unknown or (rule.target and rule.target in seen):
            raise ValueError(f"crosswalk.csv: bad rule {rule.rule!r} (quality {rule.quality!r}, unknown codes {unknown})")
        if rule.target:
            seen.add(rule.target)
        rules.append(rule)
    return tuple(rules)


@functools.lru_cache(maxsize=1)
def targets() -> frozenset[str]:
    """The harmonized indicators (2019+ codes)."""
    return frozenset(r.target for r in crosswalk() if r.target)


def era(edition: pd.Series, year: pd.Series) -> pd.Series:
    """"legacy" for the legacy form and narrative reports up to 2018, else "2019+"."""
    y = pd.to_numeric(year, errors="coerce")
    legacy = (edition == "legacy") | (edition.isin(["narrative"]) | edition.isna()) & (y <= 2018)
    return pd.Series(np.where(legacy.fillna(False), LEGACY, MODERN), index=edition.index)


# --------------------------------------------------------------------------- selection
def primary_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """One report per (agency_key, year): the one harmonized series and cross-year checks use."""
    r = reports[reports["agency_key"].notna() & reports["year"].notna()]
    if r.empty:
        return r
    order = pd.DataFrame({
        "synthetic": r["synthetic"].fillna(False).astype(bool),
        "kind": (r["doc_kind"] != "annual_report").fillna(True).astype(bool),
        "edition": r["edition"].map(_EDITION_RANK).fillna(3),
        "n_values": -r["n_values"].fillna(0).astype("int64"),
        "path": r["source_path"].astype(str),
    }, index=r.index)
    ranked = order.sort_values(list(order.columns), kind="stable").index
    return r.loc[ranked].drop_duplicates(["agency_key", "year"]).sort_values(["agency_key", "year"])


def select_values(values: pd.DataFrame) -> pd.DataFrame:
    """One value per (report_id, indicator, applicant), by ``SOURCE_PRIORITY``; numbers before NA."""
    if values.empty:
        return values
    order = pd.DataFrame({
        "report_id": values["report_id"], "indicator": values["indicator"], "applicant": values["applicant"],
        "na": values["value"].isna().astype(bool),
        "prio": values["source"].astype(object).map(SOURCE_PRIORITY).fillna(9),
        "span": (pd.to_numeric(values["span_start"], errors="coerce").to_numpy(dtype="float64", na_value=np.inf)
                 if "span_start" in values else 0.0),
    }, index=values.index)
    ranked = order.sort_values(list(order.columns), kind="stable")
    keep = ~ranked.duplicated(["report_id", "indicator", "applicant"])
    return values.loc[ranked.index[keep.to_numpy()]]


# --------------------------------------------------------------------------- harmonize
def _rule_parts() -> pd.DataFrame:
    rows = [(r.rule, r.target, p, r.quality, len(r.parts)) for r in crosswalk() if r.target for p in r.parts]
    return pd.DataFrame(rows, columns=["rule", "target", "part", "quality", "n_parts"])


def _modern(sel: pd.DataFrame) -> pd.DataFrame:
    m = sel[sel["indicator"].isin(targets())]
    return pd.DataFrame({
        "report_id": m["report_id"], "indicator": m["indicator"], "applicant": m["applicant"],
        "value": m["value"].astype("Float64"), "approximate": m["approximate"].fillna(False).astype(bool),
        "rule": "identity", "quality": "exact", "parts": m["indicator"],
    })


def _legacy(sel: pd.DataFrame, report_ids: pd.Series) -> pd.DataFrame:
    """One row per (legacy report, target rule), applicant total: the sum of all parts, else NA."""
    rules = pd.DataFrame([(r.rule, r.target, r.quality, "+".join(r.parts)) for r in crosswalk() if r.target],
                         columns=["rule", "indicator", "quality", "parts"])
    grid = pd.merge(pd.DataFrame({"report_id": report_ids.unique()}), rules, how="cross")
    vals = sel[sel["applicant"] == "total"].merge(_rule_parts(), left_on="indicator", right_on="part")
    if vals.empty:
        sums = pd.DataFrame(columns=["report_id", "rule", "value", "approximate"])
    else:
        vals = vals.assign(present=vals["value"].notna(), approx=vals["approximate"].fillna(False).astype(bool))
        g = vals.groupby(["report_id", "rule"], sort=False)
        complete = g["present"].sum() == g["n_parts"].first()
        sums = pd.DataFrame({"value": g["value"].sum(min_count=1).where(complete), "approximate": g["approx"].any()})
        sums = sums.reset_index()
    out = grid.merge(sums, on=["report_id", "rule"], how="left")
    return pd.DataFrame({
        "report_id": out["report_id"], "indicator": out["indicator"], "applicant": "total",
        "value": pd.array(out["value"], dtype="Float64"),
        "approximate": out["approximate"].astype("boolean").fillna(False).astype(bool),
        "rule": "crosswalk:" + out["rule"], "quality": out["quality"], "parts": out["parts"].replace("", pd.NA),
    })


def harmonize(values: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Harmonized rows for ``reports`` (normally ``primary_reports``) from their ``values``.

    ``values`` needs report_id, indicator, applicant, value, source, approximate (span_start
    optional); ``reports`` the ``REPORT_COLUMNS``.
    """
    return harmonize_selected(select_values(values[values["report_id"].isin(reports["report_id"])]), reports)


def harmonize_selected(selected: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """``harmonize`` of values already reduced by ``select_values``."""
    rep = reports[list(REPORT_COLUMNS)].copy()
    rep["_era"] = era(rep["edition"], rep["year"])
    sel = selected.merge(rep[["report_id", "_era"]], on="report_id")
    parts = [
        _modern(sel[sel["_era"] == MODERN]),
        _legacy(sel[sel["_era"] == LEGACY], rep.loc[rep["_era"] == LEGACY, "report_id"]),
    ]
    rows = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) else parts[0]
    out = rows.merge(rep.drop(columns="_era"), on="report_id")
    units = {c: ind.unit for c, ind in indicators().items()}
    out["unit"] = out["indicator"].astype(object).map(units)
    out["count"] = _as_count(out["value"], out["unit"])
    out["comparable"] = out["quality"].isin(COMPARABLE_QUALITIES) & ~out["approximate"]
    return out[list(COLUMNS)].sort_values(["agency_key", "year", "indicator", "applicant"], ignore_index=True)


def _as_count(value: pd.Series, unit: pd.Series) -> pd.Series:
    """``value`` as a nullable integer where it is a whole count (not money), else NA."""
    v = pd.array(value, dtype="Float64")
    whole = (unit != "万元").to_numpy() & np.asarray((v == v.round()).fillna(False), dtype=bool)
    out = pd.array(np.where(whole, v.fillna(0).to_numpy(dtype="float64"), 0).astype("int64"), dtype="Int64")
    out[~whole] = pd.NA
    return pd.Series(out, index=value.index)


# --------------------------------------------------------------------------- lineage
def by_lineage(harmonized: pd.DataFrame) -> pd.DataFrame:
    """Harmonized rows summed over the agencies of one lineage (e.g. 工商 + 质监 + 食药监 -> 市场监管).

    A sum is NA when any member's value is NA. ``n_agencies`` and ``agencies`` say who was summed
    (only agencies present in the dataset); quality is the worst of the members'. ``agency_key``
    holds the lineage key, so code written for per-agency frames groups by lineage unchanged.
    """
    h = harmonized.assign(_q=harmonized["quality"].map({q: i for i, q in enumerate(QUALITIES)}),
                          _na=harmonized["value"].isna())
    keys = ["lineage_key", "year", "indicator", "applicant"]
    g = h.groupby(keys, sort=True, dropna=False)
    out = g.agg(value=("value", lambda s: s.sum(min_count=1)), n_na=("_na", "sum"), _q=("_q", "max"),
                comparable=("comparable", "all"), approximate=("approximate", "any"), synthetic=("synthetic", "any"),
                unit=("unit", "first"), n_agencies=("agency_key", "nunique"),
                agencies=("agency", lambda s: "; ".join(sorted(set(s.dropna())))),
                edition=("edition", lambda s: ";".join(sorted(set(s.dropna())))),
                report_id=("report_id", lambda s: ";".join(s)))
    out["value"] = pd.array(out["value"], dtype="Float64")
    out.loc[out["n_na"] > 0, "value"] = pd.NA
    out["quality"] = out["_q"].map(dict(enumerate(QUALITIES)))
    out["count"] = _as_count(out["value"], out["unit"])
    out = out.drop(columns=["n_na", "_q"]).reset_index()
    out.insert(0, "agency_key", out["lineage_key"])
    return out


__all__ = ["COLUMNS", "QUALITIES", "Rule", "by_lineage", "crosswalk", "era", "harmonize", "harmonize_selected",
           "primary_reports", "select_values", "targets"]
