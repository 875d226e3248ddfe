"""Table identities (勾稽关系) and the derived group totals the forms do not print.

``derive_values(values)`` adds ``source="derived"`` values, only where every part is printed and
the value itself is not:

- the Section 三 group totals (三)不予公开 / (四)无法提供 / (五)不予处理 and, in 2021, (六)其他处理,
  per applicant column, as the sums of their rows (the groups of ``codebook/labels.csv``);
- indicators whose codebook editions include ``derived`` (``litigation.total`` = 直接起诉 总计 +
  复议后起诉 总计), from their ``sum_of``;
- the ``legal_entities`` column of every Section 三 row: the sum of the five 法人或其他组织 columns.

``check_identities(values, meta)`` evaluates every identity of ``codebook/identities.csv``
(Section 三 balance and outcome total per applicant column, Section 四 block totals, the legacy
统计表 sums and "其中" bounds, the 2019 Section 二 plausibility bound 本年新公开 <= 对外公开总数)
plus three families made in code:

- ``sec3.row_sum.<indicator>``: the six applicant columns of a printed Section 三 row sum to its
  总计 (the row's indicator is part of the check name, so each row is its own check);
- ``sec3.legal_entities_sum.<indicator>``: a printed 法人或其他组织小计 column equals the sum of
  the five columns it covers (only when a report prints such a column);
- ``sec3.non_negative_integers`` / ``sec4.non_negative_integers``: every printed cell is a
  non-negative integer (the number of offending cells is ``observed``).

A check reads printed table values and derived values only (never narrative ones). A term that is
blank or not applicable makes the check ``not_assessable`` (never computed with 0); a check whose
printed side is absent from the report is not made at all. ``expected`` is the side computed from
parts (or the request side of the balance), ``observed`` the printed total it is compared with.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Iterable, Optional

from .. import codebook
from ..extract.labels import header_book, label_books
from ..model import APPLICANT_VALUES, APPLICANTS, Check, Meta, Value

#: the five applicant columns under 法人或其他组织
LEGAL_ENTITY_COLUMNS = APPLICANTS[1:]

_Key = tuple[str, str, str]  # (table, indicator, applicant)


@dataclass(frozen=True)
class Identity:
    """One line of identities.csv."""

    check: str
    table: str
    observed: tuple[str, ...]
    op: str  # "=" | "<="
    expected: tuple[str, ...]
    per_applicant: bool
    on_mismatch: str
    description: str


@functools.lru_cache(maxsize=1)
def identities() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            check=r["check"],
            table=r["table"],
            observed=tuple(r["observed"].split("+")),
            op=r["op"],
            expected=tuple(r["expected"].split("+")),
            per_applicant=r["per_applicant"] == "yes",
            on_mismatch=r["on_mismatch"],
            description=r["description"],
        )
        for r in codebook.read_csv("identities.csv")
    )


# --------------------------------------------------------------------------- value pool
def _pool(values: Iterable[Value]) -> dict[_Key, Value]:
    """Printed table values and derived values by (table, indicator, applicant); the first wins."""
    out: dict[_Key, Value] = {}
    for v in values:
        if v.source in ("table", "derived") and v.table and v.indicator != "extra":
            out.setdefault((v.table, v.indicator, v.applicant), v)
    return out


#: the pool of one table: (indicator, applicant, value) in pool order
_TableItems = list[tuple[str, str, Value]]


def _by_table(pool: dict[_Key, Value]) -> dict[str, _TableItems]:
    """The pool split by table, each in pool order."""
    out: dict[str, _TableItems] = {}
    for (t, i, a), v in pool.items():
        items = out.get(t)
        if items is None:
            items = out[t] = []
        items.append((i, a, v))
    return out


def _applicants(present: set[str]) -> list[str]:
    """The applicant columns of ``present``, in contract order."""
    return [a for a in APPLICANT_VALUES if a in present]


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


@functools.lru_cache(maxsize=1)
def _sums() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(indicator, parts) of the indicators the codebook derives from a sum (editions ``derived``)."""
    return tuple((ind.code, ind.sum_of) for ind in codebook.indicators().values() if "derived" in ind.editions and ind.sum_of)


def _derived(indicator: str, applicant: str, table: str, parts: list[Value]) -> Value:
    total = _number(sum([p.value for p in parts]))  # type: ignore[misc]
    unit = codebook.unit(indicator)
    value = float(total) if unit == "万元" else total
    evidence = " + ".join([f"{p.label or p.indicator} {p.value}" for p in parts])
    note = f"sum of {len(parts)} printed values"
    # positional, in the field order of model.Value (tests/test_identities.py checks it): keyword
    # arguments make this constructor 2.5x slower
    return Value(indicator, value, applicant, unit, "derived", False, None, evidence, None, note, None, table)


def derive_values(values: list[Value]) -> list[Value]:
    """Group totals the form does not print, from their printed parts (``source="derived"``)."""
    pool = _pool(values)
    out: list[Value] = []

    def add(v: Value) -> None:
        out.append(v)
        pool[(v.table or "", v.indicator, v.applicant)] = v

    def complete(keys: Iterable[_Key]) -> Optional[list[Value]]:
        """The values of every key, or None unless each is in the pool with a number."""
        parts = []
        for k in keys:
            p = pool.get(k)
            if p is None or p.value is None:
                return None
            parts.append(p)
        return parts

    sec3_applicants = _applicants({a for (t, _, a) in pool if t == "sec3"})
    for group, kids in label_books()["sec3"].children.items():
        for a in sec3_applicants:
            if ("sec3", group, a) not in pool:
                parts = complete([("sec3", k, a) for k in kids])
                if parts:
                    add(_derived(group, a, "sec3", parts))
    for code, sum_of in _sums():
        tables = {t for (t, i, _) in pool if i == sum_of[0]}
        for t in sorted(tables):
            if not any(i == code and a == "total" for (_, i, a) in pool):
                parts = complete([(t, p, "total") for p in sum_of])
                if parts:
                    add(_derived(code, "total", t, parts))
    sec3_indicators = list(dict.fromkeys(i for (t, i, _) in pool if t == "sec3"))
    for indicator in sec3_indicators:
        if ("sec3", indicator, "legal_entities") not in pool:
            parts = complete([("sec3", indicator, a) for a in LEGAL_ENTITY_COLUMNS])
            if parts:
                add(_derived(indicator, "legal_entities", "sec3", parts))
    return out


# --------------------------------------------------------------------------- checks
def check_identities(values: list[Value], meta: Meta) -> list[Check]:
    """Every table identity, each pass / fail / uncertain / not_assessable, with evidence."""
    pool = _pool(values)
    if not any(v.source == "derived" for v in values):  # a caller that did not derive
        for v in derive_values(values):
            pool.setdefault((v.table or "", v.indicator, v.applicant), v)
    tables = _by_table(pool)
    checks: list[Check] = []
    columns: dict[str, list[str]] = {}
    for ident in identities():
        items = tables.get(ident.table)
        if not items:
            continue  # nothing of the table printed: no term can be observed
        if ident.per_applicant and ident.table not in columns:
            columns[ident.table] = _applicants({a for _, a, v in items if v.source == "table"})
        for a in columns[ident.table] if ident.per_applicant else ["total"]:
            c = _evaluate(ident, a, pool, items)
            if c is not None:
                checks.append(c)
    checks += _row_sums(pool, tables.get("sec3", []))
    checks += _cell_checks(tables)
    return checks


def _terms(
    names: tuple[str, ...], table: str, applicant: str, pool: dict[_Key, Value], items: _TableItems
) -> Optional[list[tuple[str, Optional[Value]]]]:
    """(indicator, value or None when not printed) per term; None when a wildcard matches nothing.

    ``items``: the pool of ``table`` (see ``_by_table``).
    """
    out: list[tuple[str, Optional[Value]]] = []
    for name in names:
        if name.endswith(".*"):
            prefix = name[:-1]
            hits = [(i, v) for i, a, v in items if a == applicant and i.startswith(prefix)]
            if not hits:
                return None
            out += hits
        else:
            out.append((name, pool.get((table, name, applicant))))
    return out


def _evaluate(ident: Identity, applicant: str, pool: dict[_Key, Value], items: _TableItems) -> Optional[Check]:
    observed = _terms(ident.observed, ident.table, applicant, pool, items)
    expected = _terms(ident.expected, ident.table, applicant, pool, items)
    if observed is None or expected is None or all(v is None for _, v in observed):
        return None
    return _compare(
        ident.check, applicant, observed, expected, ident.op, ident.on_mismatch, f"{ident.description} [{applicant}]"
    )


def _compare(
    name: str,
    applicant: str,
    observed: list[tuple[str, Optional[Value]]],
    expected: list[tuple[str, Optional[Value]]],
    op: str,
    on_mismatch: str,
    what: str,
) -> Check:
    shown: list[str] = []  # "name = value" per term (evidence)
    missing: list[str] = []
    blank: list[str] = []
    for i, v in observed + expected:
        term = _term_name(i, v)
        if v is None:
            missing.append(i)
            shown.append(f"{term} = not printed")
        else:
            if v.value is None:
                blank.append(term)
            shown.append(f"{term} = {v.value}")
    evidence = "; ".join(shown)
    if missing or blank:
        why = []
        if missing:
            why.append("not printed: " + ", ".join(missing))
        if blank:
            why.append("blank or not applicable: " + ", ".join(blank))
        return Check(name, "not_assessable", applicant, None, None, f"{what}: {'; '.join(why)}", evidence)
    obs = _number(sum(v.value for _, v in observed))  # type: ignore[misc]
    exp = _number(sum(v.value for _, v in expected))  # type: ignore[misc]
    ok = math.isclose(obs, exp, rel_tol=1e-9, abs_tol=1e-6) or (op == "<=" and obs <= exp)
    status = "pass" if ok else on_mismatch
    relation = ("=" if op == "=" else "<=") if ok else ("≠" if op == "=" else ">")
    return Check(name, status, applicant, exp, obs, f"{what}: observed {obs} {relation} expected {exp}", evidence)


def _term_name(indicator: str, v: Optional[Value]) -> str:
    """How a term reads in evidence: its printed label (or its form label when derived) and column."""
    if v is None:
        return _form_label(indicator.split("@")[0])
    return _value_name(v.label or _form_label(indicator.split("@")[0]), v.source == "derived", v.applicant)


@functools.lru_cache(maxsize=4096)
def _value_name(label: str, derived: bool, applicant: str) -> str:
    name = label + " (sum of its rows)" if derived else label
    return name if applicant == "total" else f"{name} [{_column_name(applicant)}]"


@functools.lru_cache(maxsize=None)
def _form_label(indicator: str) -> str:
    """The codebook label of an indicator (labels.csv first, indicators.csv otherwise)."""
    for book in label_books().values():
        for e in book.entries:
            if e.indicator == indicator:
                return e.label
    ind = codebook.indicators().get(indicator)
    return ind.label_zh.split(" | ")[0] if ind else indicator


@functools.lru_cache(maxsize=None)
def _column_name(applicant: str) -> str:
    """The Section 三 header of an applicant column (自然人, 商业企业 …)."""
    return next((t.token for t in header_book().tokens if t.kind == "sec3" and t.key == applicant), applicant)


def _row_sums(pool: dict[_Key, Value], sec3: _TableItems) -> list[Check]:
    """Per printed Section 三 row: Σ six applicant columns = 总计; a printed 小计 = Σ its five columns.

    ``sec3``: the pool of Section 三 (see ``_by_table``).
    """
    checks: list[Check] = []
    rows = list(dict.fromkeys(i for i, _, v in sec3 if v.source == "table"))
    for indicator in rows:
        total = pool.get(("sec3", indicator, "total"))
        if total is not None and total.source == "table":
            parts = [(name, pool.get(key)) for name, key in _column_terms(indicator, APPLICANTS)]
            if any(v is not None and v.source == "table" for _, v in parts):
                checks.append(
                    _compare(
                        f"sec3.row_sum.{indicator}", "total", [(indicator, total)], parts, "=", "fail",
                        f"{total.label or indicator}: the applicant columns sum to 总计",
                    )
                )
        sub = pool.get(("sec3", indicator, "legal_entities"))
        if sub is not None and sub.source == "table":
            parts = [(name, pool.get(key)) for name, key in _column_terms(indicator, LEGAL_ENTITY_COLUMNS)]
            checks.append(
                _compare(
                    f"sec3.legal_entities_sum.{indicator}", "legal_entities", [(indicator, sub)], parts, "=", "fail",
                    f"{sub.label or indicator}: 法人或其他组织小计 = Σ its five columns",
                )
            )
    return checks


@functools.lru_cache(maxsize=1024)
def _column_terms(indicator: str, applicants: tuple[str, ...]) -> tuple[tuple[str, _Key], ...]:
    """(term name, pool key) of a Section 三 row's cells in the given applicant columns."""
    return tuple((f"{indicator}@{a}", ("sec3", indicator, a)) for a in applicants)


def _cell_checks(tables: dict[str, _TableItems]) -> list[Check]:
    """Every printed cell of Sections 三 and 四 is a non-negative integer (I6); ``tables``: the pool
    split by table (see ``_by_table``)."""
    checks: list[Check] = []
    for table in ("sec3", "sec4"):
        printed = [v for _, _, v in tables.get(table, []) if v.source == "table"]
        if not printed:
            continue
        bad = [v for v in printed if v.value is not None and (v.value < 0 or not float(v.value).is_integer())]
        status = "fail" if bad else "pass"
        detail = "; ".join(f"{v.key()} = {v.raw}" for v in bad[:10])
        msg = f"{table}: every cell is a non-negative integer" + (f" — {len(bad)} are not: {detail}" if bad else "")
        checks.append(Check(f"{table}.non_negative_integers", status, "total", 0, len(bad), msg, detail or None))
    return checks
