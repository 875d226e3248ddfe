"""Building table blocks, shared by the HTML, DOCX and PDF loaders.

``GridBuilder`` places cells with row and column spans into a rectangular grid with the
``RawBlock`` conventions: a position covered by another cell's span is ``None`` in ``rows`` and
``spans[(r, c)] = (origin_r, origin_c)``; a position no cell reaches (a short row) is ``""``.

``looks_like_layout`` tells a data table from a table used for page layout (a frame around the
report, a column of prose lines), which loaders emit as text instead.
"""
from __future__ import annotations

import itertools
from typing import Optional, Sequence

from ..model import RawBlock

#: a cell with more characters than this is prose, not a label or a number
PROSE_CELL_CHARS = 100
#: a table whose text is mostly prose cells is layout, not data
PROSE_SHARE = 0.5
#: spans larger than this are clamped (HTML allows colspan up to 1000; nobody needs more)
MAX_SPAN = 1000


class _Free:
    """The value of a grid position no cell has reached yet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FREE"


_FREE = _Free()


class GridBuilder:
    """Collects cells row by row, honouring rowspan/colspan, and yields a table ``RawBlock``.

    Each row is kept as the list ``block()`` returns: a cell's text, ``None`` for a position a span
    covers (its origin in ``_spans``) or ``_FREE`` (becomes ``""``), so the usual rows need no
    per-cell work at the end.
    """

    def __init__(self) -> None:
        self._grid: list[list[Optional[str] | _Free]] = []  # rows grow as cells and spans arrive
        self._spans: dict[tuple[int, int], tuple[int, int]] = {}
        self._n_rows = 0  # 1 + the last row and column holding a cell
        self._n_cols = 0

    def _row(self, row: int, width: int) -> list[Optional[str] | _Free]:
        """Row ``row`` of the grid, at least ``width`` positions wide."""
        grid = self._grid
        while len(grid) <= row:
            grid.append([])
        slots = grid[row]
        if len(slots) < width:
            slots.extend([_FREE] * (width - len(slots)))
        return slots

    def free_col(self, row: int, col: int = 0) -> int:
        """The first column at or after ``col`` in ``row`` that no cell occupies yet."""
        if row < len(self._grid):
            slots = self._grid[row]
            while col < len(slots) and slots[col] is not _FREE:
                col += 1
        return col

    def place(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1,
              max_row: Optional[int] = None) -> int:
        """Put a cell at the first free column >= ``col``; return the column after it.

        ``max_row`` (exclusive) clamps the row span, e.g. to the rows the table really has.
        """
        spans = {0: (rowspan, colspan)} if rowspan != 1 or colspan != 1 else None
        return self._fill(row, col, (text,), spans, max_row)

    def add_row(self, row: int, texts: Sequence[str], spans: Optional[dict[int, tuple[int, int]]] = None,
                max_row: Optional[int] = None) -> None:
        """``place`` the cells ``texts`` in ``row``, left to right from column 0.

        ``spans`` maps the index of a cell with a row or column span to its (rowspan, colspan).
        """
        self._fill(row, 0, texts, spans, max_row)

    def _fill(self, row: int, col: int, texts: Sequence[str], spans: Optional[dict[int, tuple[int, int]]],
              max_row: Optional[int]) -> int:
        """Place ``texts`` in ``row`` from column ``col`` on; return the column after the last one."""
        if not texts:
            return col
        slots = self._grid[row] if row < len(self._grid) else self._row(row, 0)
        if col <= len(slots) and _FREE not in slots:
            # the usual row: every position is taken (earlier spans, if any, cover a prefix), so
            # the cells go at its end; a cell's own span fills the positions it adds
            if spans:
                start = last = 0
                for i in sorted(spans):
                    slots.extend(texts[start : i + 1])
                    last = len(slots) - 1
                    rowspan, colspan = spans[i]
                    if rowspan == 1 and 1 < colspan <= MAX_SPAN:
                        # a span within the row (the usual one): the positions it covers come next
                        slots.extend([None] * (colspan - 1))
                        origin = (row, last)
                        for c in range(last + 1, last + colspan):
                            self._spans[(row, c)] = origin
                    else:
                        self._cover_span(row, last, rowspan, colspan, max_row)
                    start = i + 1
                if start < len(texts):
                    slots.extend(texts[start:])
                    last = len(slots) - 1
            else:
                slots.extend(texts)
                last = len(slots) - 1
            col = len(slots)
        else:
            last = col
            for i, text in enumerate(texts):
                n = len(slots)
                while col < n and slots[col] is not _FREE:
                    col += 1
                if col < n:
                    slots[col] = text
                else:
                    if col > n:
                        slots.extend([_FREE] * (col - n))
                    slots.append(text)
                last = col
                col += self._cover_span(row, col, *spans[i], max_row) if spans and i in spans else 1
        if row >= self._n_rows:
            self._n_rows = row + 1
        if last >= self._n_cols:
            self._n_cols = last + 1
        return col

    def _cover_span(self, row: int, col: int, rowspan: int, colspan: int, max_row: Optional[int]) -> int:
        """Mark the positions the span of the cell at (row, col) covers; return its (clamped) colspan.

        Spans are clamped to 1 .. ``MAX_SPAN`` and row spans to ``max_row`` (hot path: no min/max).
        """
        if rowspan > MAX_SPAN:
            rowspan = MAX_SPAN
        if max_row is not None and rowspan > max_row - row:
            rowspan = max_row - row
        if rowspan < 1:
            rowspan = 1
        colspan = MAX_SPAN if colspan > MAX_SPAN else 1 if colspan < 1 else colspan
        origin = (row, col)
        end = col + colspan
        grid = self._grid
        while len(grid) < row + rowspan:
            grid.append([])
        for r in range(row, row + rowspan):
            slots = grid[r]
            if len(slots) < end:
                slots.extend([_FREE] * (end - len(slots)))
            for c in range(col + 1 if r == row else col, end):
                if slots[c] is _FREE:
                    slots[c] = None
                    self._spans[(r, c)] = origin
        return colspan

    def cover(self, row: int, col: int, origin: tuple[int, int]) -> None:
        """Mark one position as covered by the cell at ``origin`` (DOCX vertical merges)."""
        slots = self._row(row, col + 1)
        if not isinstance(slots[col], str):
            slots[col] = None
            self._spans[(row, col)] = origin

    def origin(self, row: int, col: int) -> Optional[tuple[int, int]]:
        """The cell occupying (row, col): itself, the origin of a span over it, or None."""
        if row < len(self._grid) and col < len(self._grid[row]) and isinstance(self._grid[row][col], str):
            return (row, col)
        return self._spans.get((row, col))

    def block(self, page: Optional[int] = None) -> RawBlock:
        """A rectangular table block.

        Rows and columns that only spans reach (an overlong colspan/rowspan) are not kept.
        """
        n_rows, n_cols = self._n_rows, self._n_cols
        rows: list[list[Optional[str]]] = []
        for slots in self._grid[:n_rows]:
            slots = slots[:n_cols]  # (a copy: the builder keeps its own rows)
            if len(slots) < n_cols:
                slots += [_FREE] * (n_cols - len(slots))
            rows.append(slots if _FREE not in slots else ["" if s is _FREE else s for s in slots])  # type: ignore[misc]
        spans = {pos: self._spans[pos] for pos in sorted(self._spans) if pos[0] < n_rows and pos[1] < n_cols}
        return RawBlock(kind="table", rows=rows, spans=spans, page=page)


def looks_like_layout(rows: Sequence[Sequence[Optional[str]]]) -> bool:
    """True when a table is page layout rather than data.

    Layout: no row has two filled cells (then fewer than two columns carry text either: a frame, a
    column of prose lines), or most of the table's text sits in prose-sized cells
    (> ``PROSE_CELL_CHARS``).
    """
    if not any(map(_has_two_filled, rows)):
        return True
    if max(map(len, filter(None, itertools.chain.from_iterable(rows))), default=0) <= PROSE_CELL_CHARS:
        return False  # no prose-sized cell (the usual data table): no need to count characters
    lengths = [len(cell) for row in rows for cell in row if cell and not cell.isspace()]
    prose = sum([n for n in lengths if n > PROSE_CELL_CHARS])
    return prose > PROSE_SHARE * sum(lengths)


def _has_two_filled(row: Sequence[Optional[str]]) -> bool:
    """Does ``row`` hold two cells that are not blank?"""
    filled = list(filter(None, row))  # (no None, no "")
    if len(filled) < 2:
        return False
    return not any(map(str.isspace, filled)) or sum(not cell.isspace() for cell in filled) >= 2
