"""Rows of a grid as label cells + value cells, and their alignment with the codebook rows.

A grid row (from a loader or from ``govstats.layout``) is split into its label cells (the text
cells on the left), an optional unit cell and its value cells (the maximal run of numbers,
not-applicable marks, blanks and units on the right). Copies of spanning cells (``Cell.origin``)
are dropped first, so a colspan never yields a second value and cells are mapped by order.

Matching rows to codebook labels (``align``) works for every layout: each data row proposes
candidate label texts (its own label cells, whitespace-split suffixes of them, and for PDF text the
label-only lines printed just before or after it, where wrapped labels end up), each candidate is
scored against the labels of the table kind, and a monotone alignment (the rows of a form follow
the form's order) picks one codebook row per data row, maximising the total score. The order only
decides between labels that match equally well (``(二)被依法纠错数`` of 复议 vs 诉讼); a row is
never placed by its position alone.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..model import Cell
from .cells import NA, NUMBER, TEXT, UNIT, cell_kind
from .labels import LabelBook, LabelEntry, label_books

#: weight of a candidate taken from neighbouring label-only lines (PDF text)
CONTEXT_WEIGHT = 0.95
#: weight of a candidate that is not the row's last (innermost) label cell
OUTER_WEIGHT = 0.9
#: a group label reached only through neighbouring lines is weak evidence
GROUP_CONTEXT_WEIGHT = 0.8
#: a score at or above this counts as an exact match (fast path)
EXACT = 0.99


@dataclass(slots=True)
class Row:
    """A grid row split into label cells, a unit cell and value cells."""

    labels: list[Cell]
    values: list[Cell]  # cells of a value kind only (cells.VALUE_KINDS: numbers, marks, blanks)
    unit: Optional[Cell] = None
    cells: list[Cell] = field(default_factory=list)  # the row's cells as printed, empty ones included
    tail: list[Cell] = field(default_factory=list)  # unit and value cells in printed order
    prev_ctx: list[Cell] = field(default_factory=list)  # label-only lines just before (data rows only)
    next_ctx: list[Cell] = field(default_factory=list)  # label-only lines just after
    cols: dict[int, Cell] = field(default_factory=dict)  # column index -> cell, rows of rectangular grids
    width: int = 0  # columns of the grid row when positions mean something (else 0)
    open_end: bool = False  # trailing empty cells may be missing (tab rows lose them to whitespace stripping)
    _column_index: Optional[dict[int, int]] = field(default=None, init=False, repr=False, compare=False)  # id(cell) -> column

    @property
    def is_data(self) -> bool:
        return bool(self.values) or self.unit is not None

    def text(self) -> str:
        """The row as printed, cells joined by `` | `` (evidence)."""
        return " | ".join([c.text for c in self.cells if c.text])

    def column_of(self, cell: Cell) -> Optional[int]:
        """The column index of one of the row's cells (rectangular grids only)."""
        if self._column_index is None:
            self._column_index = {}
            for j, c in self.cols.items():
                self._column_index.setdefault(id(c), j)
        return self._column_index.get(id(cell))


def split_row(cells: list[Optional[Cell]], positional: bool = False, open_end: bool = False) -> Row:
    """Label cells, unit cell and value cells of one grid row (spanning copies dropped).

    ``positional``: the grid is rectangular (a loader grid, pipe/Markdown/tab rows), so column
    indexes can tie value cells to header cells; ``open_end``: its rows may have lost trailing
    empty cells.
    """
    own = [c for c in cells if c is not None and c.origin is None]
    kinds = [cell_kind(c.text) for c in own]
    # the label cells run up to the last text cell; unit and value cells follow it
    i = len(kinds) - kinds[::-1].index(TEXT) if TEXT in kinds else 0
    tail, tail_kinds = own[i:], kinds[i:]
    unit = tail[tail_kinds.index(UNIT)] if UNIT in tail_kinds else None
    if unit is not None:
        values = [c for c, kind in zip(tail, tail_kinds) if kind != UNIT]
    elif NUMBER in tail_kinds or NA in tail_kinds:
        values = list(tail)
    else:
        values = []  # only blank cells: a label-only row
    if not (values or unit):
        tail = []
    labels = [c for c in own[:i] if c.text]
    if not positional:
        return Row(labels, values, unit, own, tail)
    if len(own) == len(cells):  # no empty place, no spanning copy: the cells are the columns
        cols = dict(enumerate(own))
    else:
        cols = {j: c for j, c in enumerate(cells) if c is not None and c.origin is None}
    return Row(labels, values, unit, own, tail, [], [], cols, len(cells), open_end)


def attach_context(rows: list[Row]) -> list[Row]:
    """The data rows, each with the label cells of the label-only rows around it (the lines
    between two data rows are one list, shared as the first's next and the second's previous
    context: read only)."""
    data: list[Row] = []
    pending: list[Cell] = []
    for r in rows:
        if r.is_data:
            if data:
                data[-1].next_ctx = pending
            r.prev_ctx = pending
            pending = []
            data.append(r)
        else:
            pending.extend(r.labels)
    if data:
        data[-1].next_ctx = pending
    return data


# --------------------------------------------------------------------------- candidates
def _suffixes(text: str) -> list[str]:
    parts = text.split()
    return [" ".join(parts[k:]) for k in range(1, len(parts))]


def candidate_texts(
    labels: Sequence[str], prev_ctx: Sequence[str], next_ctx: Sequence[str], book: LabelBook, use_context: bool = True
) -> list[tuple[str, float, bool]]:
    """(text, weight, indirect) label candidates of a data row, most direct first.

    ``labels``, ``prev_ctx``, ``next_ctx``: the texts of the row's label cells and of the
    label-only lines before and after it (see ``Row``).

    ``indirect``: the text is not the row's innermost label (an outer cell of the row, or
    neighbouring lines), where a group label is weak evidence.

    A section heading glued to a row (a lone value grouped with the heading above it) is no label
    of the row: it then counts as a neighbouring line.
    """
    out: list[tuple[str, float, bool]] = []
    own = list(labels)
    prev = list(prev_ctx)
    while own and _is_heading(own[-1], book):
        prev.append(own.pop())
    if own:
        last = own[-1]
        out.append((last, 1.0, False))
        out += [(s, 1.0, False) for s in _suffixes(last)]
        for k in (2, 3):
            if len(own) >= k:
                out.append(("".join(own[-k:]), 1.0, False))
        out += [(t, OUTER_WEIGHT, True) for t in own[:-1]]  # outer cells: group labels, like neighbours
    if not use_context:
        return out
    # neighbouring label-only lines: up to two before and two after, joined around the own label
    p = [t for t in prev if not _is_heading(t, book)][-2:]
    n = list(next_ctx[:2])
    o = own[-1] if own else ""
    for before in range(len(p) + 1):
        for after in range(len(n) + 1):
            if before == after == 0:
                continue
            weight = CONTEXT_WEIGHT * (OUTER_WEIGHT if before > 1 or after > 1 else 1.0)
            out.append(("".join(p[len(p) - before :]) + o + "".join(n[:after]), weight, True))
    if not own:  # a neighbouring line may carry a letter of a vertical group label: "本 3.危及…"
        out += [(s, CONTEXT_WEIGHT, True) for t in (n[:1] + p[-1:]) for s in _suffixes(t)]
    return out


def _is_heading(text: str, book: LabelBook) -> bool:
    hits = book.exact(text)
    return bool(hits) and all(e.role == "heading" for e in hits)


@dataclass(frozen=True, slots=True)
class Match:
    """A data row matched to a codebook row."""

    entry: LabelEntry
    score: float
    label: str  # the label as printed (the candidate text that matched)


def row_matches(row: Row, book: LabelBook) -> Sequence[Match]:
    """Best match per codebook row for one data row, best first.

    Depends only on the texts of the row's labels and neighbouring label lines, so it is cached
    by those texts (the same rows recur in every report).
    """
    return _row_matches(
        book.kind,
        tuple([c.text for c in row.labels]),
        tuple([c.text for c in row.prev_ctx]) if row.prev_ctx else (),
        tuple([c.text for c in row.next_ctx[:2]]) if row.next_ctx else (),
    )


@functools.lru_cache(maxsize=16384)
def _row_matches(kind: str, labels: tuple[str, ...], prev: tuple[str, ...], nxt: tuple[str, ...]) -> tuple[Match, ...]:
    book = label_books()[kind]
    best: dict[int, Match] = {}

    def consider(cands: list[tuple[str, float, bool]]) -> None:
        for text, weight, indirect in cands:
            for entry, s in book.scored(text):
                score = s * weight * (GROUP_CONTEXT_WEIGHT if indirect and entry.role == "group" else 1.0)
                pos = entry.position
                if pos not in best or score > best[pos].score:
                    best[pos] = Match(entry, score, text)

    direct = candidate_texts(labels, prev, nxt, book, use_context=False)
    consider(direct)
    if not best or max(m.score for m in best.values()) < EXACT:
        consider(candidate_texts(labels, prev, nxt, book)[len(direct) :])
    return tuple(sorted(best.values(), key=lambda m: -m.score))


# --------------------------------------------------------------------------- alignment
def align(matches: Sequence[Sequence[Match]]) -> list[Optional[Match]]:
    """One codebook row per data row (or None), positions strictly increasing, total score maximal."""
    fast = _align_exact(matches)
    if fast is not None:
        return fast
    items = [(i, m) for i, ms in enumerate(matches) for m in ms]
    items.sort(key=lambda it: (it[0], it[1].entry.position))
    positions = [m.entry.position for _, m in items]
    score = [m.score for _, m in items]
    back: list[int] = [-1] * len(items)
    row_start = 0  # the first item of the current row: the items before it are of earlier rows
    for k, (i, m) in enumerate(items):
        if i != items[row_start][0]:
            row_start = k
        pos, own, best = positions[k], m.score, score[k]
        for j in range(row_start):
            if positions[j] < pos and score[j] + own > best:
                best, back[k] = score[j] + own, j
        score[k] = best
    out: list[Optional[Match]] = [None] * len(matches)
    if not items:
        return out
    k = max(range(len(items)), key=lambda x: score[x])
    while k >= 0:
        i, m = items[k]
        out[i] = m
        k = back[k]
    return out


def _align_exact(matches: Sequence[Sequence[Match]]) -> Optional[list[Optional[Match]]]:
    """Every row has an exact match and taking the first one after the previous row works."""
    out: list[Optional[Match]] = []
    last = -1
    for ms in matches:
        nxt: Optional[Match] = None  # the exact match of the lowest position after the last one
        for m in ms:
            pos = m.entry.position
            if m.score >= EXACT and pos > last and (nxt is None or pos < nxt.entry.position):
                nxt = m
        if nxt is None:
            return None
        out.append(nxt)
        last = nxt.entry.position
    return out
