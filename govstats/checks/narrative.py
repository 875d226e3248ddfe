"""Checks on numbers stated in prose: prose vs table, prose vs prose, printed percentages, parts vs totals.

Check names (``Check.check``); the message always starts with the indicator key:

- ``narrative_vs_table``: an indicator stated in prose and printed in a table (or derived from table
  values, like litigation.total from the two kinds of lawsuit). Equal, or an approximate
  prose figure (余/多/约 …) within 20 % of the table -> pass. Different -> fail, or uncertain when the
  prose names a different scope (``区政府办代表区政府受理…17件`` vs the district table). The table
  value always stands; both evidences are given.
- ``narrative_vs_narrative``: one indicator stated in prose with different figures (a website figure
  in the overview and another in section 二). Uncertain; the first figure (the statement in the
  indicator's own section) is the one taken.
- ``stated_percentage``: a printed share (``信函申请16件,占2.73%``) recomputed as count / total and
  rounded to the printed precision. Equal -> pass; off by one unit in the last printed place and
  explained by truncation (1.818 printed 1.81) -> uncertain; otherwise -> fail.
- ``narrative_parts_vs_total``: prose breakdowns that should add up (requests by channel or by
  applicant vs requests received; outcomes vs answered; review results vs review cases). Equal ->
  pass; otherwise uncertain (real reports' breakdowns often leave parts out).

Checks never change a value.
"""
from __future__ import annotations

import math
import re
from typing import Optional

from ..model import Check, Document, Meta, Value

_PCT = re.compile(r"(\d+(?:\.\d+)?)%")
_APPROX_TOLERANCE = 0.2

#: total key -> alternative lists of part keys (the first list whose keys are stated is used);
#: a part given as a tuple is a group: its total when stated, else the sum of its members
_PARTS: dict[str, tuple[tuple[str | tuple[str, ...], ...], ...]] = {
    "requests.new": (
        (
            "requests.by_channel.online",
            "requests.by_channel.letter",
            "requests.by_channel.in_person",
            "requests.by_channel.fax",
            "requests.by_channel.other",
        ),
        ("requests.new@natural_person", "requests.new@legal_entities"),
    ),
    "outcome.total": (
        (
            "outcome.granted",
            "outcome.partial",
            "outcome.denied",
            ("outcome.unable", "outcome.unable.not_held", "outcome.unable.need_create", "outcome.unable.unclear"),
            "outcome.not_processed",
            "outcome.other",
            "outcome.already_public",
            "outcome.not_exist",
            "outcome.not_this_agency",
            "outcome.correction_requested",
            "outcome.other_route",
        ),
    ),
    "review.total": (("review.upheld", "review.corrected", "review.other", "review.pending"),),
}


def _num(v: Value) -> float:
    return float(v.value) if v.value is not None else math.nan


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _stated(v: Value) -> str:
    """A prose figure as printed with the phrase that named it: "3宗 (被撤销或纠错)", "0 (未发生…行政复议)"."""
    printed = v.raw if v.raw and any(map(str.isdigit, v.raw)) else _fmt(_num(v))
    return f"{printed}{v.unit or '' if printed == v.raw else ''} ({v.label})"


def _first_by_key(values: list[Value]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for v in values:
        out.setdefault(v.key(), v)
    return out


def _by_key(values: list[Value]) -> dict[str, list[Value]]:
    out: dict[str, list[Value]] = {}
    for v in values:
        out.setdefault(v.key(), []).append(v)
    return out


def _scope(v: Value) -> Optional[str]:
    for part in (v.note or "").split(";"):
        part = part.strip()
        if part.startswith("scope:"):
            return part[len("scope:") :].strip()
    return None


# --------------------------------------------------------------------------- prose vs table
def _vs_table(prose: dict[str, list[Value]], table: dict[str, Value]) -> list[Check]:
    out: list[Check] = []
    for key, vs in prose.items():
        t = table.get(key)
        if t is None:
            continue
        for v in vs:
            pv, tv = _num(v), _num(t)
            evidence = f"prose: {v.evidence} | table: {t.label or ''} {t.raw or _fmt(tv)}".strip()
            base = f"{key}: prose states {_stated(v)}, the table prints {t.raw or _fmt(tv)}"
            if math.isclose(pv, tv, rel_tol=1e-9, abs_tol=1e-9):
                status, msg = "pass", f"{key}: prose and table agree ({_fmt(tv)})"
            elif v.approximate and abs(pv - tv) <= _APPROX_TOLERANCE * max(abs(tv), 1):
                status, msg = "pass", base + "; they agree as far as the approximate prose figure goes"
            elif _scope(v):
                status, msg = "uncertain", base + f"; the prose figure is about a different scope ({_scope(v)}); the table value stands"
            else:
                status, msg = "fail", base + "; the table value stands"
            out.append(Check("narrative_vs_table", status, v.applicant, tv, pv, msg, evidence))
    return out


# --------------------------------------------------------------------------- prose vs prose
def _vs_narrative(prose: dict[str, list[Value]]) -> list[Check]:
    out: list[Check] = []
    for key, vs in prose.items():
        taken = vs[0]
        for other in vs[1:]:
            if math.isclose(_num(other), _num(taken), rel_tol=1e-9, abs_tol=1e-9):
                continue
            msg = (
                f"{key}: prose states {_stated(taken)} and {_stated(other)}; "
                f"{_fmt(_num(taken))} is taken (the statement in its own section comes first)"
            )
            evidence = f"{taken.evidence} | {other.evidence}"
            out.append(Check("narrative_vs_narrative", "uncertain", taken.applicant, _num(taken), _num(other), msg, evidence))
    return out


# --------------------------------------------------------------------------- printed percentages
def _decimals(v: Value) -> int:
    """Decimals of the share as printed (found again in the evidence: 1.60% has 2, not 1)."""
    best = None
    for m in _PCT.finditer(v.evidence or ""):
        if v.stated_share is not None and math.isclose(float(m.group(1)), v.stated_share):
            d = len(m.group(1).partition(".")[2])
            best = d if best is None else max(best, d)
    if best is not None:
        return best
    s = repr(v.stated_share)
    return 0 if s.endswith(".0") else len(s.partition(".")[2])


def _percentages(prose: list[Value], totals: dict[str, Value]) -> list[Check]:
    out: list[Check] = []
    for v in prose:
        if v.stated_share is None or not v.share_of:
            continue
        key = f"{v.indicator}" if v.applicant == "total" else v.key()
        t = totals.get(v.share_of)
        if t is None or not _num(t):
            out.append(
                Check("stated_percentage", "not_assessable", v.applicant, None, v.stated_share,
                      f"{key}: printed {v.stated_share:g}% of {v.share_of}, which is not stated", v.evidence)
            )
            continue
        d = _decimals(v)
        true = _num(v) / _num(t) * 100
        rounded = round(true, d)
        unit = 10.0**-d
        truncated = math.floor(true / unit + 1e-9) * unit
        msg = f"{key}: {v.raw} of {t.raw or _fmt(_num(t))} is {rounded:.{d}f}%, printed {v.stated_share:.{d}f}%"
        if math.isclose(rounded, v.stated_share, abs_tol=unit / 10):
            status = "pass"
        elif math.isclose(truncated, v.stated_share, abs_tol=unit / 10):
            status, msg = "uncertain", msg + " (truncated instead of rounded?)"
        else:
            status = "fail"
        out.append(Check("stated_percentage", status, v.applicant, rounded, v.stated_share, msg, v.evidence))
    return out


# --------------------------------------------------------------------------- parts vs total
def _part_value(part: str | tuple[str, ...], stated: dict[str, Value]) -> Optional[float]:
    if isinstance(part, str):
        return _num(stated[part]) if part in stated else None
    group, *members = part
    if group in stated:
        return _num(stated[group])
    found = [_num(stated[m]) for m in members if m in stated]
    return sum(found) if found else None


def _parts(stated: dict[str, Value]) -> list[Check]:
    out: list[Check] = []
    for total_key, alternatives in _PARTS.items():
        total = stated.get(total_key)
        if total is None:
            continue
        for parts in alternatives:
            found = [(p if isinstance(p, str) else p[0], x) for p in parts if (x := _part_value(p, stated)) is not None]
            if len(found) < 2:
                continue
            s = sum(x for _, x in found)
            names = " + ".join(f"{k.split('.')[-1].split('@')[-1]} {_fmt(x)}" for k, x in found)
            if math.isclose(s, _num(total), abs_tol=1e-9):
                status, msg = "pass", f"{total_key}: {names} = {_fmt(s)}"
            else:
                status, msg = "uncertain", f"{total_key}: the parts stated in prose ({names}) sum to {_fmt(s)}, the total stated is {_fmt(_num(total))}"
            out.append(Check("narrative_parts_vs_total", status, "total", _num(total), s, msg, total.evidence))
    return out


def check_narrative(values: list[Value], meta: Meta, doc: Optional[Document] = None) -> list[Check]:
    """Every narrative check over the values of one report (see the module doc)."""
    prose = [v for v in values if v.source == "narrative" and v.value is not None]
    if not prose:
        return []
    by_key = _by_key(prose)
    # printed table values, else values derived from them (litigation.total = the two lawsuit totals);
    # only the indicators prose states or refers to are looked up
    wanted = {v.indicator for v in prose} | {k.partition("@")[0] for v in prose if (k := v.share_of)}
    known = [v for v in values if v.indicator in wanted and v.source != "narrative" and v.value is not None]
    derived = _first_by_key([v for v in known if v.source == "derived"])
    table = {**derived, **_first_by_key([v for v in known if v.source == "table"])}
    first = {k: vs[0] for k, vs in by_key.items()}
    totals = {**table, **first}
    return _vs_table(by_key, table) + _vs_narrative(by_key) + _percentages(prose, totals) + _parts(first)


__all__ = ["check_narrative"]
