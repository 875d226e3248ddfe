"""Building table blocks, shared by the HTML, DOCX and PDF loaders.

``GridBuilder`` places cells with row and column spans into a rectangular grid with the
``RawBlock`` conventions: a position covered by another cell's span is ``None`` in ``rows`` and
``spans[(r, c)] = (origin_r, origin_c)``; a position no cell reaches (a short row) is ``""``.

``looks_like_layout`` tells a data table from a table used for page layout (a frame around the
report, a column of prose lines), which loaders emit as text instead.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..model import RawBlock

#: a cell with more characters than this is prose, not a label or a number
PROSE_CELL_CHARS = 100
#: a table whose text is mostly prose cells is layout, not data
PROSE_SHARE = 0.5
#: spans larger than this are clamped (HTML allows colspan up to 1000; nobody needs more)
MAX_SPAN = 1000


class GridBuilder:
    """Collects cells row by row, honouring rowspan/colspan, and yields a table ``RawBlock``."""

    def __init__(self) -> None:
        self._text: dict[tuple[int, int], str] = {}
        self._covered: dict[tuple[int, int], tuple[int, int]] = {}

    def free_col(self, row: int, col: int = 0) -> int:
        """The first column at or after ``col`` in ``row`` that no cell occupies yet."""
        while (row, col) in self._text or (row, col) in self._covered:
            col += 1
        return col

    def place(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1,
              max_row: Optional[int] = None) -> int:
        """Put a cell at the first free column >= ``col``; return the column after it.

        ``max_row`` (exclusive) clamps the row span, e.g. to the rows the table really has.
        """
        col = self.free_col(row, col)
        self._text[(row, col)] = text
        if rowspan == 1 and colspan == 1:
            return col + 1
        rowspan = max(1, min(rowspan, MAX_SPAN))
        colspan = max(1, min(colspan, MAX_SPAN))
        if max_row is not None:
            rowspan = max(1, min(rowspan, max_row - row))
        for dr in range(rowspan):
            for dc in range(colspan):
                pos = (row + dr, col + dc)
                if (dr or dc) and pos not in self._text and pos not in self._covered:
                    self._covered[pos] = (row, col)
        return col + colspan

    def cover(self, row: int, col: int, origin: tuple[int, int]) -> None:
        """Mark one position as covered by the cell at ``origin`` (DOCX vertical merges)."""
        if (row, col) not in self._text:
            self._covered[(row, col)] = origin

    def origin(self, row: int, col: int) -> Optional[tuple[int, int]]:
        """The cell occupying (row, col): itself, the origin of a span over it, or None."""
        if (row, col) in self._text:
            return (row, col)
        return self._covered.get((row, col))

    def block(self, page: Optional[int] = None) -> RawBlock:
        """A rectangular table block.

        Rows and columns that only spans reach (an overlong colspan/rowspan) are not kept.
        """
        n_rows = 1 + max((r for r, _ in self._text), default=-1)
        n_cols = 1 + max((c for _, c in self._text), default=-1)
        rows: list[list[Optional[str]]] = []
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for r in range(n_rows):
            row: list[Optional[str]] = []
            for c in range(n_cols):
                if (r, c) in self._text:
                    row.append(self._text[(r, c)])
                elif (r, c) in self._covered:
                    row.append(None)
                    spans[(r, c)] = self._covered[(r, c)]
                else:
                    row.append("")
            rows.append(row)
        return RawBlock(kind="table", rows=rows, spans=spans, page=page)


def looks_like_layout(rows: Sequence[Sequence[Optional[str]]]) -> bool:
    """True when a table is page layout rather than data.

    Layout: fewer than two columns carry text (a frame, a column of prose lines), no row has two
    filled cells, or most of the table's text sits in prose-sized cells (> ``PROSE_CELL_CHARS``).
    """
    filled_cols: set[int] = set()
    multi_rows = 0
    total = prose = 0
    for row in rows:
        n_filled = 0
        for c, cell in enumerate(row):
            if cell and cell.strip():
                n_filled += 1
                filled_cols.add(c)
                n = len(cell)
                total += n
                if n > PROSE_CELL_CHARS:
                    prose += n
        multi_rows += n_filled >= 2
    if len(filled_cols) < 2 or multi_rows == 0:
        return True
    return prose > PROSE_SHARE * total
