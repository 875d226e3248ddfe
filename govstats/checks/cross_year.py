"""Checks across the years of one agency (run by ``govstats build`` over the primary reports).

Pairs are the primary reports (``govstats.harmonize.primary_reports``) of one agency key in
consecutive years Y-1 and Y; each check row belongs to the report of year Y (``report_id``) and
names the other one (``other_report_id``); the evidence quotes both reports' numbers and paths.

- ``cross_year.carry`` (templates.md I7), per applicant: requests.carried_forward of Y-1 (结转下年度)
  = requests.carried_over of Y (上年结转). not_assessable when only one side states it.
- ``cross_year.valid_rolls`` (I12), for rules.regulations and rules.normative_docs, both years in the
  2021 format: valid(Y) ≈ valid(Y-1) + made(Y) - repealed(Y). Equal: pass; off by at most
  ``roll_tolerance`` (2, or 5%) (amendments, mergers): uncertain; else fail. A 2019 -> 2021 pair is
  not_assessable (对外公开总数量 is not 现行有效件数).
- ``cross_year.items_roll`` (I11), both years in the 2019 format: items_prev(Y) = items_prev(Y-1) +
  items_change(Y-1) for licensing, other services, penalties, coercion and fees.
- ``cross_year.jump``: a key indicator (``JUMP_INDICATORS``, applicant total) more than 5x or less
  than 0.2x the previous year's: fail; within: pass; both below ``JUMP_MIN``: not_assessable.

Checks warn; they never alter a value.
"""
from __future__ import annotations

import functools
import math
from typing import Optional

import pandas as pd

from ..model import Check

CARRY, VALID_ROLLS, ITEMS_ROLL, JUMP = "cross_year.carry", "cross_year.valid_rolls", "cross_year.items_roll", "cross_year.jump"
JUMP_INDICATORS = ("requests.new", "outcome.total", "outcome.granted", "review.total", "litigation.total",
                   "proactive.total")
JUMP_FACTOR = 5.0
JUMP_MIN = 10
RULE_KINDS = ("regulations", "normative_docs")
ITEM_KINDS = ("licensing", "other_services", "penalties", "coercion", "fees")


def roll_tolerance(expected: float) -> float:
    """How far valid(Y) may drift from the roll-forward before the check fails."""
    return max(2.0, 0.05 * abs(expected))


#: every indicator a cross-year check reads (the build collects only these)
INDICATORS = frozenset(
    ("requests.carried_forward", "requests.carried_over", *JUMP_INDICATORS)
    + tuple(f"rules.{k}.{f}" for k in RULE_KINDS for f in ("valid", "made", "repealed"))
    + tuple(f"{k}.{f}" for k in ITEM_KINDS for f in ("items_prev", "items_change"))
)

Values = dict[tuple[str, str], float]  # (indicator, applicant) -> value of one report


@functools.lru_cache(maxsize=4096)
def _fmt(v: Optional[float]) -> str:
    if v is None:
        return "NA"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


class _Pair:
    """Reports of one agency in years Y-1 (prev) and Y (cur) with their selected values."""

    def __init__(self, prev: dict, cur: dict, pv: Values, cv: Values) -> None:
        self.prev, self.cur, self.pv, self.cv = prev, cur, pv, cv
        self._where = {side: f"{r['source_path']} ({int(r['year'])})" for side, r in (("prev", prev), ("cur", cur))}

    def where(self, side: str) -> str:
        return self._where[side]

    def row(self, check: Check) -> dict:
        return {**check.to_json(), "report_id": self.cur["report_id"], "other_report_id": self.prev["report_id"]}


def _carry(p: _Pair) -> list[Check]:
    apps = sorted({a for (i, a) in p.pv if i == "requests.carried_forward"} | {a for (i, a) in p.cv if i == "requests.carried_over"})
    out = []
    for a in apps:
        e, o = p.pv.get(("requests.carried_forward", a)), p.cv.get(("requests.carried_over", a))
        ev = f"{p.where('prev')}: requests.carried_forward = {_fmt(e)}; {p.where('cur')}: requests.carried_over = {_fmt(o)}"
        if e is None or o is None:
            out.append(Check(CARRY, "not_assessable", a, e, o, "only one of the two years states the carried-over requests", ev))
        else:
            ok = e == o
            msg = "carried forward = carried over" if ok else f"carried forward {_fmt(e)} last year but {_fmt(o)} carried over this year"
            out.append(Check(CARRY, "pass" if ok else "fail", a, e, o, msg, ev))
    return out


def _valid_rolls(p: _Pair) -> list[Check]:
    out = []
    for k in RULE_KINDS:
        base = f"rules.{k}"
        prev_valid, valid = p.pv.get((f"{base}.valid", "total")), p.cv.get((f"{base}.valid", "total"))
        made, repealed = p.cv.get((f"{base}.made", "total")), p.cv.get((f"{base}.repealed", "total"))
        if prev_valid is None and valid is None:
            continue
        ev = (f"{p.where('prev')}: {base}.valid = {_fmt(prev_valid)}; {p.where('cur')}: made = {_fmt(made)}, "
              f"repealed = {_fmt(repealed)}, valid = {_fmt(valid)}")
        editions = (p.prev["edition"], p.cur["edition"])
        if editions != ("gov2021", "gov2021"):
            msg = (f"{base}: 2019 -> 2021 transition: 对外公开总数量 is not 现行有效件数" if editions == ("gov2019", "gov2021")
                   else f"{base}: editions {editions[0]} -> {editions[1]}: only 2021-format years roll forward")
            out.append(Check(VALID_ROLLS, "not_assessable", "total", None, valid, msg, ev))
            continue
        if None in (prev_valid, valid, made, repealed):
            out.append(Check(VALID_ROLLS, "not_assessable", "total", None, valid, f"{base}: a number of the roll-forward is missing", ev))
            continue
        expected = prev_valid + made - repealed
        diff = abs(valid - expected)
        status = "pass" if diff == 0 else "uncertain" if diff <= roll_tolerance(expected) else "fail"
        out.append(Check(VALID_ROLLS, status, "total", expected, valid, f"{base}: valid(Y-1) + made - repealed = {_fmt(expected)}, valid(Y) = {_fmt(valid)}", ev))
    return out


def _items_roll(p: _Pair) -> list[Check]:
    if (p.prev["edition"], p.cur["edition"]) != ("gov2019", "gov2019"):
        return []
    out = []
    for k in ITEM_KINDS:
        prev_items, change, items = (p.pv.get((f"{k}.items_prev", "total")), p.pv.get((f"{k}.items_change", "total")),
                                     p.cv.get((f"{k}.items_prev", "total")))
        if items is None and prev_items is None:
            continue
        ev = (f"{p.where('prev')}: {k}.items_prev = {_fmt(prev_items)}, items_change = {_fmt(change)}; "
              f"{p.where('cur')}: {k}.items_prev = {_fmt(items)}")
        if None in (prev_items, change, items):
            out.append(Check(ITEMS_ROLL, "not_assessable", "total", None, items, f"{k}: a number of the roll-forward is missing", ev))
            continue
        expected = prev_items + change
        out.append(Check(ITEMS_ROLL, "pass" if items == expected else "fail", "total", expected, items,
                         f"{k}: items last year + change = {_fmt(expected)}, items stated this year = {_fmt(items)}", ev))
    return out


def _jumps(p: _Pair) -> list[Check]:
    out = []
    for ind in JUMP_INDICATORS:
        e, o = p.pv.get((ind, "total")), p.cv.get((ind, "total"))
        if e is None or o is None:
            continue
        ev = f"{p.where('prev')}: {ind} = {_fmt(e)}; {p.where('cur')}: {ind} = {_fmt(o)}"
        if max(e, o) < JUMP_MIN:
            out.append(Check(JUMP, "not_assessable", "total", e, o, f"{ind}: both years below {JUMP_MIN}: not compared", ev))
            continue
        ratio = math.inf if e == 0 else o / e
        jump = ratio > JUMP_FACTOR or ratio < 1 / JUMP_FACTOR
        change = f"went from 0 to {_fmt(o)}" if e == 0 else f"changed {ratio:.2f}x ({_fmt(e)} -> {_fmt(o)})"
        msg = f"{ind} {change}" + (f": more than {JUMP_FACTOR:g}x up or down" if jump else "")
        out.append(Check(JUMP, "fail" if jump else "pass", "total", e, o, msg, ev))
    return out


def _by_report(values: pd.DataFrame) -> dict[str, Values]:
    out: dict[str, Values] = {}
    v = values[values["indicator"].isin(INDICATORS) & values["value"].notna()]
    cols = (v[c].tolist() for c in ("report_id", "indicator", "applicant", "value"))
    for rid, ind, app, val in zip(*cols):
        out.setdefault(rid, {})[(ind, app)] = float(val)
    return out


#: the report columns a pair needs (merging only these is several times cheaper than whole report rows)
_PAIR_COLUMNS = ["agency_key", "year", "report_id", "edition", "source_path"]


def _pairs(reports: pd.DataFrame) -> pd.DataFrame:
    """Rows of (Y, Y-1) report pairs of one agency: the ``_PAIR_COLUMNS`` of year Y, and those of Y-1
    suffixed _prev."""
    r = reports[_PAIR_COLUMNS].dropna(subset=["agency_key", "year"])
    return r.merge(r.assign(year=r["year"] + 1), on=["agency_key", "year"], suffixes=("", "_prev"))


def paired_reports(reports: pd.DataFrame) -> list[str]:
    """report_ids of the reports (one per agency-year) that a cross-year check compares."""
    p = _pairs(reports)
    return sorted(set(p["report_id"]) | set(p["report_id_prev"]))


def cross_year_checks(values: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Check rows for consecutive years of each agency.

    ``reports``: one row per (agency_key, year) (the primary reports) with report_id, agency_key,
    year, edition, source_path. ``values``: one selected value per (report_id, indicator,
    applicant) (``govstats.harmonize.select_values``); only ``INDICATORS`` are read.
    Returns one row per check: report_id, other_report_id and the ``Check`` fields.
    """
    by_report = _by_report(values)
    pairs = _pairs(reports)
    rows: list[dict] = []
    cols = ["report_id", "edition", "source_path"]
    for pr in pairs.to_dict("records"):
        cur = {c: pr[c] for c in cols} | {"year": pr["year"]}
        before = {c: pr[f"{c}_prev"] for c in cols} | {"year": pr["year"] - 1}
        pair = _Pair(before, cur, by_report.get(before["report_id"], {}), by_report.get(cur["report_id"], {}))
        for check in _carry(pair) + _valid_rolls(pair) + _items_roll(pair) + _jumps(pair):
            rows.append(pair.row(check))
    columns = ["report_id", "other_report_id", "check", "status", "applicant", "expected", "observed", "message", "evidence"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["CARRY", "INDICATORS", "ITEMS_ROLL", "JUMP", "JUMP_INDICATORS", "VALID_ROLLS", "cross_year_checks",
           "paired_reports"]
