"""Grids -> values, matched by label through the codebook (``extract_tables``).

All grids of a document (loader grids and text grids found by ``govstats.layout``) are read in
document order as one stream of rows, so a table that continues on the next page (or in the next
grid) keeps its kind and columns. A table is recognised by its header fingerprint
(``codebook/headers.csv``: the ``第二十条第(X)项`` captions and ``信息内容`` headers of Section 二,
the ``勾稽关系`` / ``申请人情况`` header of Section 三, ``行政复议`` / ``行政诉讼`` of Section 四,
``统计指标`` / ``统计表`` of the legacy 统计表), or failing that by a row label that only one kind
of table has. Then:

- Section 二 (``sec2``): each row label names a row prefix (labels.csv), each header cell a column
  (headers.csv); the indicator is ``<prefix>.<column>`` (``rules.regulations.made`` …). Signed
  changes (``-1``, ``+8``, ``减4``) and money with a unit in the cell (``49万元``, ``251000元``) are
  read as printed, money in 万元.
- Section 三 (``sec3``): columns come from the header (a multi-level header read in order:
  ``自然人 | 法人或其他组织 | 总计 | 商业企业 …`` -> the leaves), so an invented
  ``法人或其他组织小计`` column or a missing column is seen in the header; the official 7 columns
  are assumed only when the header cannot be read (PDF text) and the rows print 7 numbers. Rows are
  matched to the form's rows by label (see ``govstats.extract.rows``); a 2021 report that keeps the
  single 2019 ``(六)其他处理`` row yields ``outcome.other``, not the sub-rows.
- Section 四 (``sec4``): the 15 numbers after the header, mapped by the header columns or, when the
  header is unreadable, by the official order.
- legacy 统计表 (``legacy``): rows matched by label (national and provincial rows), the unit column
  read (元 -> 万元 for money rows); a row the codebook does not know is kept as indicator ``extra``
  with its label.

A blank cell gives value None with note "blank", ``-`` ``/`` ``—`` give None with note
"not_applicable", ``0`` gives 0; a printed number is kept even when it is wrong. A table printed
twice is read once (the first), with a warning. Malformed tables give warnings and only the values
whose place is certain; nothing here raises on odd input.
"""
from __future__ import annotations

import functools
import operator
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Sequence

from .. import codebook
from ..model import Cell, Document, Grid, Meta, Value
from .cells import BLANK, VALUE_KINDS, CellValue, cell_kind, parse_cell, unit_info
from .labels import HeaderToken, LabelBook, canon, header_book, header_tokens, label_books, standard_leaves
from .rows import Match, Row, align, attach_context, row_matches, split_row

#: grids whose column indexes line header cells up with value cells (rectangular tables)
_POSITIONAL_SOURCES = frozenset({"html", "pdf", "docx", "text:pipe", "text:markdown", "text:tab"})
#: minimum score for a Section 二 row label
SEC2_MIN = 0.8
#: minimum score for a legacy row matched out of the expected order
LEGACY_OUT_OF_ORDER_MIN = 0.85

#: a leaf column of a multi-level header: (column path, standard, (row width, column) or None)
_Leaf = tuple[tuple[str, ...], bool, Optional[tuple[int, int]]]


def extract_tables(doc: Document, grids: list[Grid], meta: Meta) -> tuple[list[Value], list[str]]:
    """Values of every statistical table in ``grids``, in document order, plus warnings."""
    reader = _Reader()
    trouble: list[str] = []
    for grid in sorted(grids, key=lambda g: g.start):
        positional = grid.source in _POSITIONAL_SOURCES
        open_end = grid.source == "text:tab"  # trailing tabs went with trailing whitespace
        try:
            for cells in grid.rows:
                reader.feed(split_row(cells, positional, open_end))
        except Exception as e:  # odd content must never stop the parse: report it and go on
            trouble.append(f"a {grid.source} table at {grid.start} was not fully read ({type(e).__name__}: {e})")
    values, warnings = _dedupe(reader.tables)
    return values, trouble + warnings


# --------------------------------------------------------------------------- the stream
class _Reader:
    """Reads rows in order, opening a table at each fingerprint and routing rows to it."""

    def __init__(self) -> None:
        self.tables: list[_Table] = []
        self.current: Optional[_Table] = None

    def feed(self, row: Row) -> None:
        rest: list[Cell] = []
        cells = row.labels
        i = 0
        while i < len(cells):
            if i + 1 == len(cells) and _header_reading(cells[i].text) is None:
                rest.append(cells[i])  # the last cell, alone, reads as no header: a row label
                break
            before = self.current
            used = self._header_cells(row, cells, i)
            if not used:
                rest.append(cells[i])
                i += 1
                continue
            i += used
            if self.current is not before and rest:
                # a table opened mid-row: the labels before its caption end the previous table
                if before is not None:
                    before.add(Row(rest, [], cells=list(rest)))
                rest = []
        row.labels = rest
        if row.is_data and row.labels:
            self._switch_by_label(row)
        if self.current is not None:
            self.current.add(row)

    def _header_cells(self, row: Row, cells: list[Cell], i: int) -> int:
        """How many cells from ``i`` on form one header cell (0: a row label).

        A header cell wrapped over two or three lines (``本年新`` / ``制作数量``) counts once.
        """
        cell = cells[i]
        reading = _header_reading(cell.text)
        if reading is not None:
            if reading.whole is not None:
                if self._tokens(cell.text, reading.whole, _place(row, cell)):
                    return 1
            else:
                for part, toks in reading.parts:
                    self._tokens(part, toks, None)
                return 1
        for k in (2, 3):
            if i + k <= len(cells):
                joined = "".join([c.text for c in cells[i : i + k]])
                toks = _exact_header_tokens(joined)
                if toks is not None and self._tokens(joined, toks, None):
                    return k
        return 0

    def _open(self, kind: str) -> None:
        prev = self.current
        self.current = _BUILDERS[kind]()
        if isinstance(prev, _Sec2) and isinstance(self.current, _Sec2):
            # a caption without its own header row (scrapes that print repeated headers once) keeps
            # the previous columns until a header cell of its own replaces them
            self.current.columns = list(prev.columns)
            self.current.header_texts = list(prev.header_texts)
            self.current.places = list(prev.places)
            self.current.fresh = False
        self.tables.append(self.current)

    def _tokens(self, text: str, toks: _CellTokens, where: Optional[tuple[int, int]]) -> bool:
        """Route the header tokens of one cell; False when they belong to no table here."""
        if toks.footer:
            self.current = None
            return True
        mine = toks.by_kind.get(self.current.kind) if self.current is not None else None
        if not mine:
            if toks.opener is None:
                return False
            self._open(toks.opener)
        elif any(t.role == "start" for t in mine) and self.current is not None and self.current.restart_on_start(mine):
            self._open(mine[0].kind)
        assert self.current is not None
        self.current.header(text, toks.by_kind.get(self.current.kind, ()), where)
        return True

    def _switch_by_label(self, row: Row) -> None:
        kinds = _row_label_kinds(row.labels[-1].text)
        if not kinds:
            return
        if self.current is None or self.current.kind not in kinds:
            self._open(sorted(kinds)[0])


def _place(row: Row, cell: Cell) -> Optional[tuple[int, int]]:
    """(row width, column) of a cell in a rectangular grid, else None."""
    col = row.column_of(cell) if row.width else None
    return (row.width, col) if col is not None else None


def _strong_column(t: HeaderToken) -> bool:
    """A column header that by itself says which table this is (自然人, 结果维持, 本年制发件数 …)."""
    if t.role != "column" or len(t.token) < 3:
        return False
    return {x.kind for x in header_book().exact.get(t.token, [])} == {t.kind}


@functools.lru_cache(maxsize=1)
def _kinds_by_label_body() -> dict[str, set[str]]:
    """Row labels that tell a table kind by themselves (Section 二 row labels are too generic:
    行政许可, 规章 also head prose; a Section 二 table is always announced by its caption)."""
    out: dict[str, set[str]] = {}
    for kind, book in label_books().items():
        if kind == "sec2":
            continue
        for e in book.entries:
            if e.role != "heading" and len(e.canon.body) >= 2:
                out.setdefault(e.canon.body, set()).add(kind)
    return out


@functools.lru_cache(maxsize=16384)
def _row_label_kinds(text: str) -> frozenset[str]:
    """The table kinds a row label tells by itself (see ``_kinds_by_label_body``)."""
    body = canon(text).body
    return frozenset(_kinds_by_label_body().get(body, ())) if body else frozenset()


@dataclass(frozen=True)
class _CellTokens:
    """The header tokens of one cell text, arranged for routing them to a table."""

    footer: bool  # a footer token: the cell ends the current table
    by_kind: dict[str, tuple[HeaderToken, ...]]  # the tokens of each table kind, in order
    opener: Optional[str]  # the kind of the first token that opens a table (start, reset, strong column)


def _cell_tokens(toks: list[HeaderToken]) -> Optional[_CellTokens]:
    if not toks:
        return None
    by_kind: dict[str, list[HeaderToken]] = {}
    for t in toks:
        by_kind.setdefault(t.kind, []).append(t)
    opener = next((t.kind for t in toks if t.role in ("start", "reset") or _strong_column(t)), None)
    return _CellTokens(any(t.role == "footer" for t in toks), {k: tuple(v) for k, v in by_kind.items()}, opener)


class _Reading(NamedTuple):
    """How a cell text reads as header cells."""

    whole: Optional[_CellTokens]  # the header tokens the text is or contains (see HeaderBook.lookup)
    parts: tuple[tuple[str, _CellTokens], ...]  # else: (part, tokens) of its whitespace-separated
    # parts that are header cells (several header cells printed in one cell)


@functools.lru_cache(maxsize=16384)
def _header_reading(text: str) -> Optional[_Reading]:
    """How a cell text reads as header cells; None for a row label."""
    whole = _cell_tokens(header_tokens(text))
    if whole is not None:
        return _Reading(whole, ())
    parts = text.split()
    if len(parts) <= 1 or any(_row_label_kinds(p) for p in parts):
        return None
    found = tuple((p, toks) for p in parts if (toks := _cell_tokens(header_tokens(p))) is not None)
    return _Reading(None, found) if found else None


@functools.lru_cache(maxsize=16384)
def _exact_header_tokens(text: str) -> Optional[_CellTokens]:
    """The header tokens a text is exactly (no fingerprint it merely contains); None for none."""
    return _cell_tokens([t for t in header_tokens(text) if t.mode == "exact"])


# --------------------------------------------------------------------------- tables
@dataclass
class _Table:
    kind: str = ""
    rows: list[Row] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def header(self, text: str, toks: Sequence[HeaderToken], where: Optional[tuple[int, int]]) -> None:
        """A header cell of this table kind; ``where``: (row width, column) in a rectangular grid."""

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def restart_on_start(self, toks: Sequence[HeaderToken]) -> bool:
        """Whether a start token of the same kind opens a new table (a second copy)."""
        return any(r.is_data for r in self.rows)

    def finish(self) -> None:
        """Turn the collected rows into ``values`` / ``warnings``."""

    def warn(self, msg: str) -> None:
        self.warnings.append(f"{self.kind}: {msg}")


@dataclass
class _Sec2(_Table):
    kind: str = "sec2"
    columns: list[tuple[str, Optional[tuple[str, float]]]] = field(default_factory=list)  # (key, unit)
    header_texts: list[str] = field(default_factory=list)
    places: list[Optional[tuple[int, int]]] = field(default_factory=list)  # (width, column) per column
    fresh: bool = True  # False once the columns were used by a data row (or inherited)
    snapshots: dict[int, tuple[list, list, tuple]] = field(default_factory=dict)  # id(data row) -> columns
    _snapshot: Optional[tuple[list, list, tuple]] = field(default=None, repr=False)  # of the columns now

    def header(self, text: str, toks: Sequence[HeaderToken], where: Optional[tuple[int, int]]) -> None:
        self._snapshot = None
        if any(t.role == "reset" for t in toks) or not self.fresh:
            self.columns, self.header_texts, self.places, self.fresh = [], [], [], True
        for t in toks:
            if t.role == "column":
                self.columns.append((t.key, unit_info(text)))
                self.header_texts.append(text)
                self.places.append(where)
                break

    def restart_on_start(self, toks: Sequence[HeaderToken]) -> bool:
        return True  # every caption is a table of its own

    def add(self, row: Row) -> None:
        self.rows.append(row)
        if row.is_data:
            self.fresh = False
            if self._snapshot is None:  # the columns change only in header(): one copy for the rows under them
                self._snapshot = (list(self.columns), list(self.header_texts), tuple(self.places))
            self.snapshots[id(row)] = self._snapshot

    def finish(self) -> None:
        data = attach_context(self.rows)
        book = label_books()["sec2"]
        matched = align([[m for m in row_matches(r, book) if m.score >= SEC2_MIN] for r in data])
        for r, m in zip(data, matched):
            if m is None:
                self.warn(f"row {_row_label(r) or r.text()!r} matches no row of the form; not read")
                continue
            columns, heads, places = self.snapshots[id(r)]
            cells = _pick(r, len(columns), places)
            if cells is None:
                self.warn(f"row {m.label!r} prints {len(r.values)} values for {len(columns)} columns; not read")
                continue
            evidence = _evidence(r, m.label)
            for (key, unit), cell, head in zip(columns, cells, heads):
                indicator = f"{m.entry.indicator}.{key}"
                if indicator not in codebook.indicators():
                    self.warn(f"no indicator {indicator} for {m.label!r} x {head!r}")
                    continue
                self.values.append(_value(indicator, cell, label=m.label, evidence=evidence, table="sec2", unit=unit))


@dataclass
class _ColumnTable(_Table):
    """A table whose columns are the leaves of a multi-level header (Sections 三 and 四)."""

    tokens: list[HeaderToken] = field(default_factory=list)
    token_places: list[Optional[tuple[int, int]]] = field(default_factory=list)
    token_texts: list[str] = field(default_factory=list)
    places: tuple[Optional[tuple[int, int]], ...] = ()  # of the resolved columns
    _leaves: Optional[tuple[_Leaf, ...]] = field(default=None, repr=False)  # _flatten of the tokens, once

    def header(self, text: str, toks: Sequence[HeaderToken], where: Optional[tuple[int, int]]) -> None:
        # a header repeated after a page break adds nothing: its tokens find their places taken
        merged = _merge_tokens(toks)
        self.tokens.extend(merged)
        self.token_places.extend([where] * len(merged))
        self.token_texts.append(text)
        self._leaves = None

    def leaves(self) -> tuple[_Leaf, ...]:
        """The leaf columns of the header read so far (see ``_flatten``)."""
        if self._leaves is None:
            shape = tuple((t.key, t.parents, t.standard) for t in self.tokens)
            self._leaves = _flatten(self.kind, shape, tuple(self.token_places))
        return self._leaves

    def columns(self, n_values: int, rows: list[Row]) -> Optional[list[tuple[str, ...]]]:
        """Column paths for rows of (mostly) ``n_values`` cells: by the header when its columns fit
        the rows; the form's own columns only when the header cannot be read (PDF text) and the
        rows fit them; else None and a warning."""
        leaves = self.leaves()
        paths = [p for p, _, _ in leaves]
        places = tuple(w for _, _, w in leaves)
        if paths and all(_is_leaf_key(self.kind, p) for p in paths):
            if len(paths) == n_values or 2 * sum(_pick(r, len(paths), places) is not None for r in rows) >= len(rows) > 0:
                self.places = places
                return paths
        standard = list(standard_leaves(self.kind))
        if n_values == len(standard) and all(std for _, std, _ in leaves):
            return standard
        header = " ".join(self.token_texts)
        self.warn(f"header columns {[p[-1] for p in paths]} ({header!r}) do not fit rows of {n_values} values; table not read")
        return None


@dataclass
class _Sec3(_ColumnTable):
    kind: str = "sec3"

    def restart_on_start(self, toks: Sequence[HeaderToken]) -> bool:
        return any(r.is_data for r in self.rows) and any(t.mode == "contains" for t in toks)

    def finish(self) -> None:
        data = attach_context(self.rows)
        if not data:
            return
        widths = Counter(len(r.values) for r in data if r.values)
        columns = self.columns(widths.most_common(1)[0][0] if widths else 0, data)
        if columns is None:
            return
        applicants = [path[-1] for path in columns]
        book = label_books()["sec3"]
        rows, assigned = _chunk_rows(self, data, len(columns), book)
        matched = align([row_matches(r, book) if r.labels or r.prev_ctx or r.next_ctx else [] for r in rows])
        for r, m in zip(rows, matched):
            m = assigned.get(id(r), m)
            if m is None:
                if r.values:
                    self.warn(f"row {_row_label(r)!r} matches no row of the form; not read")
                continue
            cells = _pick(r, len(columns), self.places)
            if cells is None:
                self.warn(f"row {m.label!r} prints {len(r.values)} values for {len(columns)} columns; not read")
                continue
            self.values += _row_values(m.entry.indicator, cells, applicants, m.label, _evidence(r, m.label), "sec3")


@dataclass
class _Sec4(_ColumnTable):
    kind: str = "sec4"

    def add(self, row: Row) -> None:
        if row.is_data:
            self.rows.append(row)

    def _cells(self) -> list[Cell]:
        """The value cells of the first rows that make up one row of the table (15 in the form)."""
        widths = {len(self.leaves()), len(standard_leaves("sec4"))}
        cells: list[Cell] = []
        for r in self.rows:
            cells += r.values
            if len(cells) in widths:
                return cells
        return cells

    def finish(self) -> None:
        cells = self._cells()
        if not cells:
            return
        n = len(cells)
        if len(self.rows) == 1 and self.rows[0].open_end:
            n = max(n, len(self.leaves()))  # trailing blanks stripped away
        columns = self.columns(n, self.rows[:1])
        if columns is None:
            return
        if len(self.rows) == 1:
            cells = _pick(self.rows[0], len(columns), self.places) or cells
        evidence = " | ".join([c.text for c in cells])
        for path, cell in zip(columns, cells):
            indicator = f"{path[-2]}.{path[-1]}"
            label = " ".join(_header_name("sec4", k) for k in path)
            self.values.append(_value(indicator, cell, label=label, evidence=evidence, table="sec4"))


@dataclass
class _Legacy(_Table):
    kind: str = "legacy"
    roles: list[str] = field(default_factory=list)  # label | unit | code | value | period | cumulative

    def header(self, text: str, toks: Sequence[HeaderToken], where: Optional[tuple[int, int]]) -> None:
        for t in toks:
            if t.key in ("label", "unit", "code") + _VALUE_ROLES:
                self.roles.append(t.key)
                break

    def restart_on_start(self, toks: Sequence[HeaderToken]) -> bool:
        return any(r.is_data for r in self.rows) and any(t.key == "label" or t.mode == "contains" for t in toks)

    def finish(self) -> None:
        data = attach_context(self.rows)
        if not data:
            return
        book = label_books()["legacy"]
        all_matches = [row_matches(r, book) for r in data]
        matched = align(all_matches)
        used = {m.entry.position for m in matched if m is not None}
        n_value_cols = max(1, sum(self.roles.count(r) for r in _VALUE_ROLES))
        roles = [x for x in self.roles if x != "label"]
        several = False
        for r, m, ms in zip(data, matched, all_matches):
            if m is None:
                m = next((x for x in ms if x.entry.position not in used and x.score >= LEGACY_OUT_OF_ORDER_MIN), None)
                if m is not None:
                    used.add(m.entry.position)
            values, unit_cell = self._columns(r, n_value_cols, roles)
            several = several or len(values) > n_value_cols
            cell = values[0] if values else None
            unit = unit_info(unit_cell.text) if unit_cell is not None else None
            if m is None or m.entry.indicator in ("", "extra"):
                label = m.label if m is not None else _row_label(r)
                if not label:
                    self.warn(f"values without a row label ignored: {r.text()}")
                    continue
                self.values.append(_value("extra", cell, label=label, evidence=_evidence(r, label), table="legacy", unit=unit))
                continue
            self.values.append(_value(m.entry.indicator, cell, label=m.label, evidence=_evidence(r, m.label), table="legacy", unit=unit))
        if several:
            read = next((r for r in _VALUE_ROLES if r in self.roles), "value")
            self.warn(f"rows print several values; the {read} column was read")

    def _columns(self, r: Row, n_value_cols: int, roles: list[str]) -> tuple[list[Cell], Optional[Cell]]:
        """Value cells and unit cell of a row: by the header's columns (``roles``: the header roles
        after the label column) when the row fills them."""
        if roles and len(r.tail) == len(roles):
            value_slots, unit_slots = _role_slots(tuple(roles))
            tail = r.tail
            values = [tail[i] for i in value_slots]
            unit = next((tail[i] for i in unit_slots if tail[i].text), None)
            return values, unit
        values = list(r.values)
        if "code" in self.roles and len(values) > n_value_cols:
            values = values[1:]
        while len(values) > n_value_cols and cell_kind(values[0].text) == BLANK:
            values.pop(0)  # an empty unit column
        while len(values) > n_value_cols and cell_kind(values[-1].text) == BLANK:
            values.pop()  # empty lines after the last cell of the row
        return values, r.unit


_BUILDERS = {"sec2": _Sec2, "sec3": _Sec3, "sec4": _Sec4, "legacy": _Legacy}
#: value columns of a legacy table, in the order of preference (headers.csv keys)
_VALUE_ROLES = ("value", "period", "cumulative")


@functools.lru_cache(maxsize=256)
def _role_slots(roles: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The places of the value columns (in the order of preference) and of the unit columns
    among the header ``roles`` of a legacy table."""
    ranked = sorted((_VALUE_ROLES.index(role), i) for i, role in enumerate(roles) if role in _VALUE_ROLES)
    return tuple(i for _, i in ranked), tuple(i for i, role in enumerate(roles) if role == "unit")


# --------------------------------------------------------------------------- columns
@functools.lru_cache(maxsize=None)
def _header_name(kind: str, key: str) -> str:
    """The form's header text of a column-tree key (行政复议, 结果维持 …)."""
    return next((t.token for t in header_book().tokens if t.kind == kind and t.key == key), key)


def _merge_tokens(toks: Sequence[HeaderToken]) -> list[HeaderToken]:
    """Tokens of one header cell: those with a key, the same key merged (parents united)."""
    keyed = [t for t in toks if t.key]
    if len(keyed) <= 1:
        return keyed
    parents: list[str] = []
    for t in keyed:
        parents += [p for p in t.parents if p not in parents]
    first = keyed[0]
    return [HeaderToken(first.kind, first.token, first.mode, first.key, tuple(parents), first.role, any(t.standard for t in keyed))]


@functools.lru_cache(maxsize=4096)
def _flatten(
    kind: str, tokens: tuple[tuple[str, tuple[str, ...], bool], ...], places: tuple[Optional[tuple[int, int]], ...]
) -> tuple[_Leaf, ...]:
    """Leaf column paths of a multi-level header read cell by cell, with a "standard" flag and
    the (row width, column) of the leaf's header cell in a rectangular grid (else None).

    ``tokens``: (key, parents, standard) of the header tokens of a table of ``kind``, in order;
    ``places``: the (row width, column) of each token's header cell. Cached: the same headers
    recur in every report.

    A child goes to the deepest parent already seen that does not have it yet (the sub-headers of
    ``复议`` come before those of ``直接起诉``); a parent none of whose children were seen is a leaf.
    """
    if not tokens:
        return ()
    tree = _tree(kind)
    seen: list[str] = []
    parent_of: dict[str, Optional[str]] = {}
    place_of: dict[str, Optional[tuple[int, int]]] = {}
    children: dict[str, list[tuple[str, bool, Optional[tuple[int, int]]]]] = {}

    def appear(key: str, parent: Optional[str]) -> None:
        if key not in seen:
            seen.append(key)
            parent_of[key] = parent

    def free(p: str, key: str) -> bool:
        return all(k != key for k, _, _ in children.get(p, []))

    for (key, parents, standard), where in zip(tokens, places):
        if not parents:
            appear(key, None)
            place_of.setdefault(key, where)
            continue
        options = [p for p in parents if p in seen and free(p, key)]
        if not options:
            options = [p for p in parents if free(p, key)]
            if not options:
                continue  # a header cell repeated (page break): its place is taken
            appear(options[0], None)
        parent = max(options, key=lambda p: (tree.depth.get(p, 0), -seen.index(p)))
        children.setdefault(parent, []).append((key, standard, where))
        if key in tree.parents:
            appear(key, parent)
    out: list[_Leaf] = []

    def walk(key: str, path: tuple[str, ...], standard: bool, where: Optional[tuple[int, int]]) -> None:
        kids = children.get(key, [])
        if not kids:
            out.append((path, standard, where))
        for k, std, w in kids:
            walk(k, path + (k,), std, w)

    for key in seen:
        if parent_of[key] is None:
            walk(key, (key,), True, place_of.get(key))
    return tuple(out)


@dataclass(frozen=True)
class _Tree:
    depth: dict[str, int]
    parents: frozenset[str]  # keys that are the parent of some column


@functools.lru_cache(maxsize=None)
def _tree(kind: str) -> _Tree:
    """The column tree of a table kind as declared in headers.csv."""
    decl: dict[str, set[str]] = {}
    for t in header_book().tokens:
        if t.kind == kind and t.key and t.role in ("start", "column"):
            decl.setdefault(t.key, set()).update(t.parents)
    depth: dict[str, int] = {}

    def d(key: str, guard: int = 0) -> int:
        if key not in depth:
            ps = decl.get(key, set())
            depth[key] = 0 if not ps or guard > 8 else 1 + min(d(p, guard + 1) for p in ps)
        return depth[key]

    for key in decl:
        d(key)
    return _Tree(depth, frozenset(p for ps in decl.values() for p in ps))


def _is_leaf_key(kind: str, path: tuple[str, ...]) -> bool:
    """A complete column path: Section 三 an applicant, Section 四 an indicator."""
    if kind == "sec3":
        return len(path) >= 2 and path[-1] not in ("legal_group", "applicants")
    return len(path) >= 2 and f"{path[-2]}.{path[-1]}" in codebook.indicators()


def _chunk_rows(table: _Table, data: list[Row], ncols: int, book: LabelBook) -> tuple[list[Row], dict[int, Match]]:
    """Split rows printing several rows' worth of values (a group label followed by all its rows).

    When the label is a group label and the chunks are as many as its rows, chunk k is its k-th row
    (the form's order; the case of a scrape that lost the sub-row labels); other chunks stay
    unlabelled and are reported unless neighbouring labels place them.
    """
    rows: list[Row] = []
    assigned: dict[int, Match] = {}
    for r in data:
        n = len(r.values)
        if ncols and n > ncols and n % ncols == 0:
            k = n // ncols
            chunks = [Row(r.labels if i == 0 else [], r.values[i * ncols : (i + 1) * ncols], None, r.cells) for i in range(k)]
            chunks[0].prev_ctx, chunks[-1].next_ctx = r.prev_ctx, r.next_ctx
            group = next((e for e in book.exact(r.labels[-1].text) if e.role == "group"), None) if r.labels else None
            kids = book.children.get(group.indicator, []) if group else []
            if group and len(kids) == k:
                entries = {e.indicator: e for e in book.entries if e.indicator in kids}
                for chunk, kid in zip(chunks, kids):
                    assigned[id(chunk)] = Match(entries[kid], 1.0, f"{r.labels[-1].text} [{kids.index(kid) + 1}]")
                table.warn(f"{k} rows under {r.labels[-1].text!r} print no labels; read in the form's order")
            rows += chunks
        else:
            rows.append(r)
    return rows, assigned


# --------------------------------------------------------------------------- values
def _pick(r: Row, n: int, places: Sequence[Optional[tuple[int, int]]]) -> Optional[list[Cell]]:
    """The value cells of a row for ``n`` columns.

    By the columns of the header cells when header and row come from one rectangular grid and
    every printed value of the row sits under a header cell (a Markdown or tab rendering whose
    empty label cells and empty value cells are alike blank); else in order when the row prints
    exactly ``n`` cells (spanning copies are gone: the 2019 (五)/(六) HTML tables, whose header and
    data rows span different columns, are mapped by order); else with surplus blanks dropped.
    """
    by_column = _by_column(r, n, places)
    if by_column is not None:
        return by_column
    if len(r.values) == n:
        return list(r.values)
    return _fit(r.values, n)


def _by_column(r: Row, n: int, places: Sequence[Optional[tuple[int, int]]]) -> Optional[list[Cell]]:
    if not r.width or not n or len(places) != n:
        return None
    cols = _grid_columns(tuple(places), r.width, r.open_end)
    if cols is None:
        return None
    cells: list[Cell] = []
    for col in cols:
        cell = r.cols.get(col)
        if cell is None:
            if not (r.open_end and col >= r.width):
                return None
            end = max(c.end for c in r.cols.values())
            cell = Cell("", end, end)  # a trailing empty cell the tab row lost
        cells.append(cell)
    if len(cells) == len(r.values) and all(map(operator.is_, cells, r.values)):
        return cells  # the row's own value cells (all of a value kind), in order: no value left out
    if any(cell_kind(c.text) not in VALUE_KINDS for c in cells):
        return None
    taken = set(map(id, cells))
    missed = (c for c in r.values if id(c) not in taken)
    return None if any(cell_kind(c.text) != BLANK for c in missed) else cells


@functools.lru_cache(maxsize=4096)
def _grid_columns(places: tuple[Optional[tuple[int, int]], ...], width: int, open_end: bool) -> Optional[tuple[int, ...]]:
    """The grid columns of header places, for a row of ``width`` cells: None unless every place
    is a distinct column of such a row."""
    cols = tuple(w[1] for w in places if w is not None and (w[0] == width or open_end))
    return cols if len(cols) == len(places) and len(set(cols)) == len(cols) else None


def _fit(values: list[Cell], n: int) -> Optional[list[Cell]]:
    """The value cells of a row for ``n`` columns, surplus blank cells dropped.

    Blanks go in this order: at the start (empty label sub-columns), right after a printed value
    (what a text rendering leaves of a colspan: the 2019 本年增/减 header spans two columns and the
    first value of the data rows does), then at the end (empty columns of a grid).
    """
    cells = list(values)
    blank = [cell_kind(c.text) == BLANK for c in cells]
    surplus = len(cells) - n
    drop: list[int] = []
    i = 0
    while len(drop) < surplus and i < len(cells) and blank[i]:
        drop.append(i)
        i += 1
    for j in range(i + 1, len(cells)):
        if len(drop) < surplus and blank[j] and not blank[j - 1] and any(not b for b in blank[j + 1 :]):
            drop.append(j)
    for j in range(len(cells) - 1, -1, -1):
        if len(drop) < surplus and blank[j] and j not in drop:
            drop.append(j)
    if len(cells) - len(drop) != n or n <= 0:
        return None
    return [c for j, c in enumerate(cells) if j not in drop]


def _evidence(row: Row, label: str) -> str:
    """The row as printed; a label found on neighbouring lines (PDF text) is put in front."""
    text = row.text()
    return text if label and label in text else f"{label} | {text}"


def _row_label(row: Row) -> str:
    """The innermost label of a row (with the cell before it when the last is only a qualifier)."""
    if not row.labels:
        return ""
    last = row.labels[-1].text
    if not canon(last).body and len(row.labels) > 1:
        return row.labels[-2].text + last
    return last


def _row_values(indicator: str, cells: list[Cell], applicants: list[str], label: str, evidence: str, table: str) -> list[Value]:
    """The values of one row's cells, one per applicant column (``_value`` for each cell, in one pass)."""
    ind_unit = _indicator_unit(indicator)
    readings = [_reading(ind_unit, c.text, None) for c in cells]
    return [
        Value(indicator, value, app, unit, "table", approximate, label, evidence, (c.start, c.end), note, c.text, table)
        for app, c, (value, unit, approximate, note) in zip(applicants, cells, readings)
    ]


def _value(
    indicator: str,
    cell: Optional[Cell],
    *,
    label: str,
    evidence: str,
    table: str,
    applicant: str = "total",
    unit: Optional[tuple[str, float]] = None,
) -> Value:
    """A table value from one cell (None cell: the row prints no value cell at all -> blank)."""
    ind_unit = _indicator_unit(indicator)
    if cell is None:
        value, out_unit, approximate, note = _reading(ind_unit, "", unit)
        span = raw = None
    else:
        value, out_unit, approximate, note = _reading(ind_unit, cell.text, unit)
        span, raw = (cell.start, cell.end), cell.text
    # positional, in the field order of model.Value (tests/test_tables.py checks it): keyword
    # arguments make this constructor 2.5x slower, and it runs for every cell of every table
    return Value(indicator, value, applicant, out_unit, "table", approximate, label, evidence, span, note, raw, table)


@functools.lru_cache(maxsize=16384)
def _reading(
    ind_unit: Optional[str], text: str, unit: Optional[tuple[str, float]]
) -> tuple[Optional[float | int], Optional[str], bool, Optional[str]]:
    """(value, unit, approximate, note) of a cell text read for an indicator reported in
    ``ind_unit`` (``_indicator_unit``; None: no unit); ``unit``: the row's unit column or the
    column's (单位:元) header. Keyed by the indicator's unit, not the indicator, and cached: the
    same cells recur in every report and under every indicator of a unit."""
    cv: CellValue = parse_cell(text)
    value = cv.value
    out_unit = ind_unit
    if value is not None:
        if cv.unit == "%":
            out_unit = "%"
        elif cv.unit is None and unit is not None and (ind_unit is None or unit[0] == ind_unit):
            value = value * unit[1]  # a unit column or a (单位:元) header
            out_unit = unit[0]
        elif cv.unit is not None and ind_unit is None:
            out_unit = cv.unit
        if out_unit == "万元":
            value = round(float(value), 10)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
    elif ind_unit is None and unit is not None:
        out_unit = unit[0]
    return value, out_unit, cv.approximate, cv.note


_indicator_unit = functools.lru_cache(maxsize=None)(codebook.unit)


def _dedupe(tables: list[_Table]) -> tuple[list[Value], list[str]]:
    """Finish every table; a value already read from an earlier copy of the table is dropped."""
    values: list[Value] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str, str, str], Value] = {}
    for t in tables:
        try:
            t.finish()
        except Exception as e:  # a malformed table must never stop the parse
            warnings.append(f"{t.kind}: table not read ({type(e).__name__}: {e})")
            continue
        warnings += t.warnings
        dup = same = 0
        keys = [(v.table or "", v.indicator, v.applicant, v.label if v.indicator == "extra" else "") for v in t.values]
        for key, v in zip(keys, t.values):
            if key in seen:
                dup += 1
                same += seen[key].value == v.value
                continue
            seen[key] = v
            values.append(v)
        if dup:
            how = "the same values" if same == dup else f"{dup - same} different values"
            warnings.append(f"{t.kind}: a table printed again ({dup} values, {how}); the first copy was kept")
    return values, warnings
