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

The rules are implemented once, on Arrow tables (``select_table``, ``harmonize_table``: what
``govstats build`` runs, batch by batch); ``select_values``, ``harmonize`` and ``era`` are the same
rules for pandas frames.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .codebook import indicators, read_csv
from .dataset.schema import CONTEXT, HARMONIZED, TableSchema, encoded_schema, take_encoded, to_frame

QUALITIES = ("exact", "near_exact", "close", "approximate", "judgement", "none")
COMPARABLE_QUALITIES = frozenset({"exact", "near_exact"})
#: which value of one (report, indicator, applicant) is used; lower wins
SOURCE_PRIORITY = {"correction": 0, "table": 1, "derived": 2, "narrative": 3}
UNRANKED_SOURCE = 9
LEGACY, MODERN = "legacy", "2019+"
_EDITION_RANK = {"gov2021": 0, "gov2019": 0, "legacy": 1, "narrative": 2}
#: columns of a report that every harmonized row carries
REPORT_COLUMNS = ("report_id", "agency_key", "lineage_key", "agency", "province", "city", "county", "level",
                  "region_code", "year", "edition", "synthetic")
COLUMNS = tuple(HARMONIZED.names)
#: the value columns selection and harmonizing read
VALUE_COLUMNS = ("report_id", "indicator", "applicant", "value", "source", "approximate", "span_start")
_KEYS = ["report_id", "indicator", "applicant"]
_REPORTS = TableSchema("reports", tuple(c for c in CONTEXT if c[0] in REPORT_COLUMNS))


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


@functools.lru_cache(maxsize=1)
def read_indicators() -> frozenset[str]:
    """Every indicator code harmonizing reads: the targets and the legacy codes summed into them."""
    return targets() | {p for r in crosswalk() if r.target for p in r.parts}


# --------------------------------------------------------------------------- Arrow helpers
@functools.lru_cache(maxsize=1)
def _codebook_units() -> tuple[pa.Array, pa.Array]:
    codes = indicators()
    return pa.array(list(codes), pa.string()), pa.array([i.unit for i in codes.values()], pa.string())


def indicator_units(indicator: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The codebook unit of each indicator code (null for codes the codebook lacks)."""
    codes, units = _codebook_units()
    return pc.take(units, pc.index_in(indicator, value_set=codes))


def counts(value: pa.Array | pa.ChunkedArray, unit: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``value`` as int64 where it is a whole count (finite, integral, unit not 万元), else null."""
    v = pc.cast(value, pa.float64())
    whole = pc.and_(pc.fill_null(pc.and_(pc.is_finite(v), pc.equal(pc.floor(v), v)), False),
                    pc.invert(pc.fill_null(pc.equal(unit, "万元"), False)))
    return pc.if_else(whole, pc.cast(pc.if_else(whole, v, 0.0), pa.int64()), pa.scalar(None, pa.int64()))


def legacy_era(edition: pa.Array | pa.ChunkedArray, year: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """True for reports of the legacy era: the legacy form, and narrative (or unknown) editions up to 2018."""
    early = pc.fill_null(pc.less_equal(year, 2018), False)
    narrative = pc.fill_null(pc.equal(edition, "narrative"), True)
    return pc.or_(pc.fill_null(pc.equal(edition, "legacy"), False), pc.and_(narrative, early))


# --------------------------------------------------------------------------- selection
def _ordinal(a: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Integers that sort like the values of ``a`` (nulls last)."""
    enc = pc.dictionary_encode(a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a)
    if not len(enc.dictionary):
        return np.zeros(len(a), dtype=np.int64)
    rank = pc.rank(enc.dictionary, sort_keys="ascending").to_numpy().astype(np.int64)
    if not enc.null_count:
        return rank[enc.indices.to_numpy()]
    codes = enc.indices.to_numpy(zero_copy_only=False)  # float with NaN where null
    return np.where(np.isnan(codes), len(rank) + 1, rank[np.nan_to_num(codes).astype(np.int64)])


def _selected(keys: pa.Table) -> np.ndarray:
    """Positions of the rows kept, in (report_id, indicator, applicant) order: per key, a number
    before NA, then by ``SOURCE_PRIORITY``, then the earliest span. ``keys``: report_id, indicator,
    applicant, missing (bool), source, span (float64, null = no span)."""
    sources = pa.array(list(SOURCE_PRIORITY), pa.string())
    ranks = pa.array(list(SOURCE_PRIORITY.values()), pa.int8())
    rank = pc.fill_null(pc.take(ranks, pc.index_in(keys["source"], value_set=sources)), UNRANKED_SOURCE)
    group = np.zeros(keys.num_rows, dtype=np.int64)
    for k in _KEYS:  # one integer per (report_id, indicator, applicant), in their sort order
        codes = _ordinal(keys[k])
        base = int(codes.max(initial=0)) + 1
        if int(group.max(initial=0)) >= 2**62 // base:  # keep the combined codes within int64
            group = np.unique(group, return_inverse=True)[1].astype(np.int64)
        group = group * base + codes
    tie = keys["missing"].to_numpy(zero_copy_only=False) * (UNRANKED_SOURCE + 1) + rank.to_numpy()
    order = np.lexsort((pc.fill_null(keys["span"], math.inf).to_numpy(), tie, group))
    ordered = group[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return order[first]


def select_table(values: pa.Table) -> pa.Table:
    """One row per (report_id, indicator, applicant) of an Arrow values table (the ``select_values``
    rule): a correction first, then table, derived, narrative values; numbers before NA."""
    if not values.num_rows:
        return values
    span = (pc.cast(values["span_start"], pa.float64()) if "span_start" in values.column_names
            else pa.nulls(values.num_rows, pa.float64()))
    keys = pa.table({**{k: values[k] for k in _KEYS}, "missing": pc.is_null(values["value"]),
                     "source": values["source"], "span": span})
    return values.take(_selected(keys))


def _arrow(s: pd.Series) -> pa.Array:
    a = pa.array(s, from_pandas=True)
    return a.dictionary_decode() if pa.types.is_dictionary(a.type) else a


def select_values(values: pd.DataFrame) -> pd.DataFrame:
    """One value per (report_id, indicator, applicant), by ``SOURCE_PRIORITY``; numbers before NA
    (the rows of ``values`` kept, sorted by report_id, indicator, applicant)."""
    if values.empty:
        return values
    span = (pd.to_numeric(values["span_start"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            if "span_start" in values else np.full(len(values), np.nan))
    keys = pa.table({**{k: _arrow(values[k]) for k in _KEYS},
                     "missing": pa.array(values["value"].isna().to_numpy(dtype=bool)),
                     "source": _arrow(values["source"].astype(object)), "span": pa.array(span, from_pandas=True)})
    return values.iloc[_selected(keys)]


# --------------------------------------------------------------------------- selection of reports
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


def era(edition: pd.Series, year: pd.Series) -> pd.Series:
    """"legacy" for the legacy form and narrative reports up to 2018, else "2019+"."""
    legacy = legacy_era(pa.array(edition.astype(object), pa.string(), from_pandas=True),
                        pa.array(pd.to_numeric(year, errors="coerce"), pa.float64(), from_pandas=True))
    return pd.Series(np.where(legacy.to_numpy(zero_copy_only=False), LEGACY, MODERN), index=edition.index)


# --------------------------------------------------------------------------- harmonize
@functools.lru_cache(maxsize=1)
def _target_rules() -> tuple[Rule, ...]:
    return tuple(r for r in crosswalk() if r.target)


@functools.lru_cache(maxsize=1)
def _part_rules() -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """Legacy codes and the target rules each is a part of, as CSR arrays: (codes, start, count, rule index)."""
    by_part: dict[str, list[int]] = {}
    for i, r in enumerate(_target_rules()):
        for p in r.parts:
            by_part.setdefault(p, []).append(i)
    count = np.array([len(v) for v in by_part.values()], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    flat = np.array([i for v in by_part.values() for i in v], dtype=np.int64)
    return pa.array(list(by_part), pa.string()), start, count, flat


def _rows(report_pos: np.ndarray, indicator: pa.Array, applicant: pa.Array, value: pa.Array, approximate: pa.Array,
          rule: pa.Array, quality: pa.Array, parts: pa.Array) -> pa.Table:
    return pa.table({"report_pos": pa.array(report_pos, pa.int64()), "indicator": indicator, "applicant": applicant,
                     "value": value, "approximate": approximate, "rule": rule, "quality": quality, "parts": parts})


def _modern_rows(sel: pa.Table, pos: np.ndarray, legacy_row: np.ndarray) -> pa.Table:
    """Identity rows: the selected target values of 2019+ reports."""
    keep = ~legacy_row & pc.is_in(sel["indicator"], value_set=pa.array(sorted(targets()))).to_numpy(zero_copy_only=False)
    m = sel.filter(keep)
    n = m.num_rows
    return _rows(pos[keep], m["indicator"], m["applicant"], pc.cast(m["value"], pa.float64()),
                 pc.fill_null(m["approximate"], False), pa.repeat("identity", n), pa.repeat("exact", n), m["indicator"])


def _legacy_rows(sel: pa.Table, pos: np.ndarray, legacy_row: np.ndarray, legacy_reports: np.ndarray,
                 n_reports: int) -> pa.Table:
    """One row per (legacy report, target rule), applicant total: the sum of all parts, else NA."""
    rules = _target_rules()
    n_rules = len(rules)
    codes, start, count, flat = _part_rules()
    part = pc.index_in(sel["indicator"], value_set=codes)
    use = legacy_row & pc.fill_null(pc.equal(sel["applicant"], "total"), False).to_numpy(zero_copy_only=False)
    use &= pc.is_valid(part).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(use)
    k = pc.take(part, pa.array(rows)).to_numpy(zero_copy_only=False).astype(np.int64)
    n = count[k]
    row = np.repeat(rows, n)  # one row per (value, rule it is a part of)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    rule = flat[np.repeat(start[k], n) + within]
    slot = np.full(n_reports, -1, dtype=np.int64)
    slot[legacy_reports] = np.arange(len(legacy_reports))
    cell = slot[pos[row]] * n_rules + rule
    values = sel["value"].to_numpy(zero_copy_only=False).astype("float64")[row] if len(row) else np.zeros(0)
    present = ~np.isnan(values)
    cells = len(legacy_reports) * n_rules
    stated = np.bincount(cell, weights=present, minlength=cells)
    total = np.bincount(cell, weights=np.where(present, values, 0.0), minlength=cells)
    approx = pc.fill_null(sel["approximate"], False).to_numpy(zero_copy_only=False)[row] if len(row) else np.zeros(0, bool)
    approximate = np.bincount(cell, weights=approx, minlength=cells) > 0
    n_parts = np.tile([len(r.parts) for r in rules], len(legacy_reports))
    complete = (stated > 0) & (stated == n_parts)
    m = len(legacy_reports)
    return _rows(np.repeat(legacy_reports, n_rules), pa.array(np.tile([r.target for r in rules], m), pa.string()),
                 pa.repeat("total", cells), pa.array(total, pa.float64(), mask=~complete), pa.array(approximate, pa.bool_()),
                 pa.array(np.tile([f"crosswalk:{r.rule}" for r in rules], m), pa.string()),
                 pa.array(np.tile([r.quality for r in rules], m), pa.string()),
                 pa.array(np.tile(["+".join(r.parts) or None for r in rules], m), pa.string()))


#: a harmonized row without its report's columns (``harmonized_rows``; ``with_reports`` adds them)
ROW_SCHEMA = pa.schema([(c, HARMONIZED.arrow.field(c).type) for c in
                        ("report_id", "indicator", "applicant", "value", "count", "unit", "rule", "quality",
                         "comparable", "approximate", "parts")])


def harmonized_rows(selected: pa.Table, reports: pa.Table) -> pa.Table:
    """The harmonized rows (``ROW_SCHEMA``) of ``reports`` (columns report_id, edition, year) from
    ``selected``, their values reduced by ``select_table`` (report_id, indicator, applicant, value,
    approximate), in no particular order."""
    legacy = legacy_era(reports["edition"], reports["year"]).to_numpy(zero_copy_only=False)
    at = pc.index_in(selected["report_id"], value_set=reports["report_id"])
    known = pc.is_valid(at)
    sel = selected.filter(known)
    pos = at.filter(known).to_numpy(zero_copy_only=False).astype(np.int64)
    legacy_row = legacy[pos]
    rows = pa.concat_tables([
        _modern_rows(sel, pos, legacy_row),
        _legacy_rows(sel, pos, legacy_row, np.flatnonzero(legacy), reports.num_rows),
    ])
    unit = indicator_units(rows["indicator"])
    computed = {
        "report_id": reports["report_id"].take(rows["report_pos"]), "count": counts(rows["value"], unit), "unit": unit,
        "comparable": pc.and_(pc.is_in(rows["quality"], value_set=pa.array(sorted(COMPARABLE_QUALITIES))),
                              pc.invert(rows["approximate"])),
    }
    return pa.Table.from_arrays([computed[c] if c in computed else rows[c] for c in ROW_SCHEMA.names], schema=ROW_SCHEMA)


#: the string report columns ``with_reports(encoded=True)`` gives as dictionary arrays
ENCODED_REPORT_COLUMNS = frozenset(c for c in REPORT_COLUMNS if c != "report_id" and HARMONIZED.arrow.field(c).type == pa.string())
#: the string row columns ``with_reports(encoded=True)`` dictionary-encodes (few distinct values)
ENCODED_ROW_COLUMNS = frozenset(("indicator", "applicant", "unit", "rule", "quality", "parts"))
#: every column ``with_reports(encoded=True)`` gives as a dictionary array
ENCODED_COLUMNS = ENCODED_REPORT_COLUMNS | ENCODED_ROW_COLUMNS


def with_reports(rows: pa.Table, reports: pa.Table, ordered: bool = True, encoded: bool = False) -> pa.Table:
    """``HARMONIZED`` rows: ``rows`` (``ROW_SCHEMA``) of the ``reports`` given (their other rows are
    dropped) with those reports' ``REPORT_COLUMNS``; sorted by agency_key, year, indicator,
    applicant unless ``ordered`` is False (the order of rows is no part of the dataset).
    ``encoded``: the ``ENCODED_COLUMNS`` as dictionary arrays (the report columns by
    ``schema.take_encoded``): what ``govstats build`` spills while it parses, so that the Parquet
    writer, at the end, has no string to hash."""
    at = pc.index_in(rows["report_id"], value_set=reports["report_id"])
    known = pc.is_valid(at)
    if not pc.all(known).as_py():
        rows, at = rows.filter(known), at.filter(known)
    if ordered:
        order = _harmonized_order(rows, at.to_numpy(zero_copy_only=False).astype(np.int64), reports)
        rows, at = rows.take(order), pc.take(at, pa.array(order))
    if encoded:  # the dictionaries hold the reports of these rows only (a Parquet row group stores them whole)
        used, at = np.unique(at.to_numpy(zero_copy_only=False).astype(np.int64), return_inverse=True)
        reports, at = reports.take(used), pa.array(at.astype(np.int32))
        return pa.Table.from_arrays(
            [(pc.dictionary_encode(rows[c]) if c in ENCODED_ROW_COLUMNS else rows[c]) if c in ROW_SCHEMA.names
             else take_encoded(reports[c], at) for c in COLUMNS],
            schema=encoded_schema(HARMONIZED, ENCODED_COLUMNS))
    return pa.Table.from_arrays([rows[c] if c in ROW_SCHEMA.names else reports[c].take(at) for c in COLUMNS],
                                schema=HARMONIZED.arrow)


def harmonize_table(selected: pa.Table, reports: pa.Table, ordered: bool = True) -> pa.Table:
    """Harmonized rows (``HARMONIZED`` columns) of ``reports`` (normally the primary reports; columns
    ``REPORT_COLUMNS``) from ``selected`` (see ``harmonized_rows``), sorted unless ``ordered`` is False."""
    return with_reports(harmonized_rows(selected, reports), reports, ordered)


def _harmonized_order(rows: pa.Table, at: np.ndarray, reports: pa.Table) -> np.ndarray:
    """The order of harmonized rows (of the reports at positions ``at``): by agency_key, year,
    indicator, applicant (stable)."""
    agency, year = _ordinal(reports["agency_key"]), _ordinal(reports["year"])
    report_rank = agency * (int(year.max(initial=0)) + 1) + year
    return np.lexsort((_ordinal(rows["applicant"]), _ordinal(rows["indicator"]), report_rank[at]))


def harmonize(values: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Harmonized rows for ``reports`` (normally ``primary_reports``) from their ``values``.

    ``values`` needs report_id, indicator, applicant, value, source, approximate (span_start
    optional); ``reports`` the ``REPORT_COLUMNS``.
    """
    selected = select_values(values[values["report_id"].isin(reports["report_id"])])
    sel = pa.table({**{k: _arrow(selected[k].astype(object)) for k in _KEYS},
                    "value": pa.array(selected["value"], pa.float64(), from_pandas=True),
                    "approximate": pa.array(selected["approximate"], pa.bool_(), from_pandas=True)})
    return to_frame(harmonize_table(sel, _REPORTS.from_frame(reports)))


# --------------------------------------------------------------------------- lineage
def _as_count(value: pd.Series, unit: pd.Series) -> pd.Series:
    """``value`` as a nullable integer where it is a whole count (not money), else NA."""
    out = counts(pa.array(value, pa.float64(), from_pandas=True), pa.array(unit.astype(object), pa.string(), from_pandas=True))
    return pd.Series(out.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=value.index)


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


__all__ = ["COLUMNS", "QUALITIES", "ROW_SCHEMA", "Rule", "by_lineage", "counts", "crosswalk", "era", "harmonize",
           "harmonize_table", "harmonized_rows", "indicator_units", "legacy_era", "primary_reports", "read_indicators",
           "select_table", "select_values", "targets", "with_reports", "ENCODED_COLUMNS", "ENCODED_REPORT_COLUMNS",
           "ENCODED_ROW_COLUMNS"]
