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
import itertools
import math
import operator
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Optional

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
#: a value's table (the grouping of ``_by_table``; elsewhere attributes are read in comprehensions,
#: faster than operator.attrgetter maps on Python 3.11)
_TABLE = operator.attrgetter("table")


def _pool(values: Iterable[Value]) -> dict[_Key, Value]:
    """Printed table values and derived values by (table, indicator, applicant); the first wins."""
    pooled = [v for v in values if v.source in ("table", "derived") and v.table and v.indicator != "extra"]
    keys = [(v.table, v.indicator, v.applicant) for v in pooled]
    pool = dict(zip(keys, pooled))  # each key in the place of its first value, with its last value
    if len(pool) < len(pooled):  # a key given twice: the first value wins
        pool = {}
        for k, v in zip(keys, pooled):
            pool.setdefault(k, v)
    return pool


#: the pool of one table: its values in pool order
_TableItems = list[Value]


def _by_table(pool: dict[_Key, Value]) -> dict[str, _TableItems]:
    """The pool split by table, each in pool order (a value's table is the first part of its key)."""
    out: dict[str, _TableItems] = {}
    for t, vs in itertools.groupby(pool.values(), _TABLE):
        items = out.get(t)
        if items is None:
            out[t] = list(vs)
        else:
            items.extend(vs)
    return out


def _applicants(present: set[str]) -> list[str]:
    """The applicant columns of ``present``, in contract order."""
    return [a for a in APPLICANT_VALUES if a in present]


def _number(x: float) -> float | int:
    if type(x) is int:  # a sum of counts (most sums): already what the rest gives
        return x
    return int(x) if float(x).is_integer() else round(x, 6)


@functools.lru_cache(maxsize=1)
def _sums() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(indicator, parts) of the indicators the codebook derives from a sum (editions ``derived``)."""
    return tuple((ind.code, ind.sum_of) for ind in codebook.indicators().values() if "derived" in ind.editions and ind.sum_of)


@functools.lru_cache(maxsize=1)
def _groups() -> tuple[tuple[str, dict[str, tuple[_Key, ...]]], ...]:
    """(group, applicant column -> pool keys of the group's rows) of the Section 三 groups of labels.csv."""
    return tuple(
        (group, {a: tuple(("sec3", k, a) for k in kids) for a in APPLICANT_VALUES})
        for group, kids in label_books()["sec3"].children.items()
    )


class _Row(NamedTuple):
    """The pool keys and term names of a Section 三 row's cells."""

    total: _Key
    six_keys: tuple[_Key, ...]  # the six applicant columns
    six_names: tuple[str, ...]  # 总计 then the six columns
    legal_entities: _Key
    five_keys: tuple[_Key, ...]  # the five 法人或其他组织 columns
    five_names: tuple[str, ...]  # 法人或其他组织小计 then its five columns


@functools.lru_cache(maxsize=1024)
def _row_terms(indicator: str) -> _Row:
    """The pool keys and term names of a Section 三 row's cells."""
    return _Row(
        ("sec3", indicator, "total"),
        tuple(("sec3", indicator, a) for a in APPLICANTS),
        (indicator,) + tuple(f"{indicator}@{a}" for a in APPLICANTS),
        ("sec3", indicator, "legal_entities"),
        tuple(("sec3", indicator, a) for a in LEGAL_ENTITY_COLUMNS),
        (indicator,) + tuple(f"{indicator}@{a}" for a in LEGAL_ENTITY_COLUMNS),
    )


def _derived(indicator: str, applicant: str, table: str, parts: list[Value]) -> Value:
    nums = [p.value for p in parts]
    total = _number(sum(nums))  # type: ignore[arg-type]
    unit = _unit(indicator)
    value = float(total) if unit == "万元" else total
    evidence = _sum_evidence(tuple([p.label or p.indicator for p in parts])) % tuple(nums)
    note = _sum_note(len(parts))
    # positional, in the field order of model.Value (tests/test_identities.py checks it): keyword
    # arguments make this constructor 2.5x slower
    return Value(indicator, value, applicant, unit, "derived", False, None, evidence, None, note, None, table)


@functools.lru_cache(maxsize=None)
def _unit(indicator: str) -> Optional[str]:
    """``codebook.unit`` (the codebook does not change while a process runs)."""
    return codebook.unit(indicator)


@functools.lru_cache(maxsize=4096)
def _sum_evidence(names: tuple[str, ...]) -> str:
    """The evidence of a derived value as a ``%`` template: "name %s" per part, joined by " + "."""
    return " + ".join([name.replace("%", "%%") + " %s" for name in names])


@functools.lru_cache(maxsize=None)
def _sum_note(n: int) -> str:
    return f"sum of {n} printed values"


def derive_values(values: list[Value]) -> list[Value]:
    """Group totals the form does not print, from their printed parts (``source="derived"``)."""
    return TablePool(values).derive()


class TablePool:
    """The printed table values of one report pooled once, for ``derive_values`` and then
    ``check_identities`` (both would pool and split the values by table again).

    ``derive()`` adds the derived values to the pool (once; later calls return the same list), so
    the pool is then that of the report's values with its derived values appended.
    """

    __slots__ = ("pool", "tables", "_derived")

    def __init__(self, values: Iterable[Value]) -> None:
        self.pool = _pool(values)
        self.tables = _by_table(self.pool)
        self._derived: Optional[list[Value]] = None

    def derive(self) -> list[Value]:
        """The derived values (``derive_values``), added to the pool."""
        if self._derived is None:
            self._derived = _derive(self.pool, self.tables)
        return self._derived


def _derive(pool: dict[_Key, Value], tables: dict[str, _TableItems]) -> list[Value]:
    """``derive_values`` of the values pooled in ``pool`` (split by table in ``tables``); the derived
    values are added to both."""
    out: list[Value] = []
    get = pool.get

    def add(v: Value) -> None:
        out.append(v)
        pool[(v.table or "", v.indicator, v.applicant)] = v
        tables.setdefault(v.table or "", []).append(v)

    def complete(keys: Iterable[_Key]) -> Optional[list[Value]]:
        """The values of every key, or None unless each is in the pool with a number."""
        parts = []
        for k in keys:
            p = get(k)
            if p is None or p.value is None:
                return None
            parts.append(p)
        return parts

    sec3_applicants = _applicants({v.applicant for v in tables.get("sec3", ())})
    for group, keys in _groups():
        for a in sec3_applicants:
            if ("sec3", group, a) not in pool:
                parts = complete(keys[a])
                if parts:
                    add(_derived(group, a, "sec3", parts))
    for code, sum_of in _sums():
        first = sum_of[0]
        for t in sorted([t for t, items in tables.items() if first in [v.indicator for v in items]]):
            if not any((t2, code, "total") in pool for t2 in tables):
                parts = complete([(t, p, "total") for p in sum_of])
                if parts:
                    add(_derived(code, "total", t, parts))
    for indicator in list(dict.fromkeys([v.indicator for v in tables.get("sec3", ())])):
        if ("sec3", indicator, "legal_entities") not in pool:
            parts = complete(_row_terms(indicator).five_keys)
            if parts:
                add(_derived(indicator, "legal_entities", "sec3", parts))
    return out


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Plan:
    """An identity ready to evaluate: per applicant column, its terms as pool keys."""

    ident: Identity
    #: applicant -> (pool keys of the observed then the expected terms, their names, number observed);
    #: None when a term is a wildcard (``prefix.*``: the terms depend on what the table prints)
    terms: Optional[dict[str, tuple[tuple[_Key, ...], tuple[str, ...], int]]]
    what: dict[str, str]  # applicant -> the head of the message


@functools.lru_cache(maxsize=1)
def _plans() -> tuple[_Plan, ...]:
    plans = []
    for ident in identities():
        columns = APPLICANT_VALUES if ident.per_applicant else ("total",)
        names = ident.observed + ident.expected
        terms = None
        if not any(name.endswith(".*") for name in names):
            terms = {a: (tuple((ident.table, name, a) for name in names), names, len(ident.observed)) for a in columns}
        plans.append(_Plan(ident, terms, {a: f"{ident.description} [{a}]" for a in columns}))
    return tuple(plans)


def check_identities(values: list[Value], meta: Meta, pooled: Optional[TablePool] = None) -> list[Check]:
    """Every table identity, each pass / fail / uncertain / not_assessable, with evidence.

    ``pooled``: the ``TablePool`` of ``values`` that gave their derived values (or of ``values``
    before any were derived), so that they are not pooled again.
    """
    if pooled is None:
        pooled = TablePool(values)
        if not any(v.source == "derived" for v in reversed(values)):  # a caller that did not derive (derived values come last)
            pooled.derive()
    else:
        pooled.derive()  # (once: a pool that gave the derived values holds them already)
    pool, tables = pooled.pool, pooled.tables
    get = pool.get
    # the printed values (source "table") of each table, in pool order
    printed = {t: [v for v in items if v.source == "table"] for t, items in tables.items()}
    checks: list[Check] = []
    columns: dict[str, list[str]] = {}
    for plan in _plans():
        ident = plan.ident
        items = tables.get(ident.table)
        if not items:
            continue  # nothing of the table printed: no term can be observed
        if ident.per_applicant and ident.table not in columns:
            columns[ident.table] = _applicants({v.applicant for v in printed[ident.table]})
        for a in columns[ident.table] if ident.per_applicant else ["total"]:
            if plan.terms is None:
                observed = _terms(ident.observed, ident.table, a, pool, items)
                expected = _terms(ident.expected, ident.table, a, pool, items)
                if observed is None or expected is None:
                    continue
                names = tuple([name for name, _ in observed + expected])
                terms = [v for _, v in observed + expected]
                n_observed = len(observed)
            else:
                keys, names, n_observed = plan.terms[a]  # type: ignore[assignment]
                terms = list(map(get, keys))
            if all([v is None for v in terms[:n_observed]]):
                continue
            checks.append(_compare(ident.check, a, terms, names, n_observed, ident.op, ident.on_mismatch, plan.what[a]))
    checks += _row_sums(pool, printed.get("sec3", []))
    checks += _cell_checks(printed)
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
            hits = [(v.indicator, v) for v in items if v.applicant == applicant and v.indicator.startswith(prefix)]
            if not hits:
                return None
            out += hits
        else:
            out.append((name, pool.get((table, name, applicant))))
    return out


def _compare(
    check: str,
    applicant: str,
    terms: list[Optional[Value]],
    names: tuple[str, ...],
    n_observed: int,
    op: str,
    on_mismatch: str,
    what: str,
) -> Check:
    """Σ observed terms (the first ``n_observed``) vs Σ expected terms (the rest); ``terms``: their
    values, None for a term the pool lacks (not printed). ``names``: the term names, indicators in
    the column ``applicant``, or ``indicator@column`` (the cells of a row after its 总计 or 小计 in
    the column ``applicant``): with ``applicant`` they say the indicator and column of each term
    (every term is a value of the pool under its own key)."""
    try:
        nums = [v.value for v in terms]  # type: ignore[union-attr]
    except AttributeError:  # a term the pool lacks (None)
        nums = [None]
    if None in nums:  # (numbers and None only: no Value is compared)
        return _not_assessable(check, applicant, list(zip(names, terms)), what)
    # what names a term: the label of a printed value, (label, source) of another one
    named = tuple([v.label if v.source == "table" else (v.label, v.source) for v in terms])  # type: ignore[union-attr]
    evidence = _evidence(names, applicant, named) % tuple(nums)
    obs = _number(sum(nums[:n_observed]))
    exp = _number(sum(nums[n_observed:]))
    ok = obs == exp or math.isclose(obs, exp, rel_tol=1e-9, abs_tol=1e-6) or (op == "<=" and obs <= exp)
    status = "pass" if ok else on_mismatch
    relation = ("=" if op == "=" else "<=") if ok else ("≠" if op == "=" else ">")
    return Check(check, status, applicant, exp, obs, f"{what}: observed {obs} {relation} expected {exp}", evidence)


@functools.lru_cache(maxsize=4096)
def _evidence(names: tuple[str, ...], applicant: str, named: tuple[Optional[str] | tuple[Optional[str], str], ...]) -> str:
    """The evidence of a comparison as a ``%`` template: "name = %s" per term (``%s`` prints a
    number as ``str.format`` would, faster), from the label and source of its value (``named``: the
    label of a printed value, (label, source) of another) and its indicator and column (``names``
    and ``applicant``, see ``_compare``), as ``_term_name`` names it."""
    out = []
    for name, term_named in zip(names, named):
        label, source = term_named if isinstance(term_named, tuple) else (term_named, "table")
        indicator, _, column = name.partition("@")
        term = _value_name(label or _form_label(indicator), source == "derived", column or applicant)
        out.append(term.replace("%", "%%") + " = %s")
    return "; ".join(out)


def _not_assessable(check: str, applicant: str, terms: list[tuple[str, Optional[Value]]], what: str) -> Check:
    """The result of ``_compare`` when a term is not printed, blank or not applicable."""
    shown: list[str] = []  # "name = value" per term (evidence)
    missing: list[str] = []
    blank: list[str] = []
    for i, v in terms:
        term = _term_name(i, v)
        if v is None:
            missing.append(i)
            shown.append(f"{term} = not printed")
        else:
            if v.value is None:
                blank.append(term)
            shown.append(f"{term} = {v.value}")
    why = []
    if missing:
        why.append("not printed: " + ", ".join(missing))
    if blank:
        why.append("blank or not applicable: " + ", ".join(blank))
    return Check(check, "not_assessable", applicant, None, None, f"{what}: {'; '.join(why)}", "; ".join(shown))


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

    ``sec3``: the printed values of Section 三, in pool order.
    """
    checks: list[Check] = []
    get = pool.get
    for indicator in dict.fromkeys([v.indicator for v in sec3]):
        row = _row_terms(indicator)
        total = get(row.total)
        if total is not None and total.source == "table":
            parts = list(map(get, row.six_keys))
            if any([v is not None and v.source == "table" for v in parts]):
                checks.append(
                    _compare(
                        f"sec3.row_sum.{indicator}", "total", [total] + parts, row.six_names, 1, "=", "fail",
                        f"{total.label or indicator}: the applicant columns sum to 总计",
                    )
                )
        sub = get(row.legal_entities)
        if sub is not None and sub.source == "table":
            checks.append(
                _compare(
                    f"sec3.legal_entities_sum.{indicator}", "legal_entities", [sub] + list(map(get, row.five_keys)),
                    row.five_names, 1, "=", "fail",
                    f"{sub.label or indicator}: 法人或其他组织小计 = Σ its five columns",
                )
            )
    return checks


def _cell_checks(printed_by_table: dict[str, _TableItems]) -> list[Check]:
    """Every printed cell of Sections 三 and 四 is a non-negative integer (I6); ``printed_by_table``:
    the printed values of each table, in pool order."""
    checks: list[Check] = []
    for table in ("sec3", "sec4"):
        printed = printed_by_table.get(table, [])
        if not printed:
            continue
        bad = [
            v for v in printed
            if (x := v.value) is not None and (x < 0 or (type(x) is not int and not float(x).is_integer()))
        ]
        status = "fail" if bad else "pass"
        detail = "; ".join(f"{v.key()} = {v.raw}" for v in bad[:10])
        msg = f"{table}: every cell is a non-negative integer" + (f" — {len(bad)} are not: {detail}" if bad else "")
        checks.append(Check(f"{table}.non_negative_integers", status, "total", 0, len(bad), msg, detail or None))
    return checks
