"""GridBuilder (shared by the HTML, DOCX and PDF loaders) against a naive model of its conventions;
looks_like_layout on data and layout tables."""
from __future__ import annotations

from typing import Optional

from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.load.grid import MAX_SPAN, GridBuilder, looks_like_layout


class _Model:
    """The documented conventions, position by position in dicts (slow and obvious)."""

    def __init__(self) -> None:
        self.text: dict[tuple[int, int], str] = {}
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}

    def place(self, row: int, col: int, text: str, rowspan: int, colspan: int, max_row: Optional[int]) -> int:
        while (row, col) in self.text or (row, col) in self.covered:
            col += 1
        self.text[(row, col)] = text
        rowspan = max(1, min(rowspan, MAX_SPAN))
        colspan = max(1, min(colspan, MAX_SPAN))
        if max_row is not None:
            rowspan = max(1, min(rowspan, max_row - row))
        for dr in range(rowspan):
            for dc in range(colspan):
                pos = (row + dr, col + dc)
                if (dr or dc) and pos not in self.text and pos not in self.covered:
                    self.covered[pos] = (row, col)
        return col + colspan

    def block(self) -> tuple[list[list[Optional[str]]], list[tuple[tuple[int, int], tuple[int, int]]]]:
        n_rows = 1 + max((r for r, _ in self.text), default=-1)
        n_cols = 1 + max((c for _, c in self.text), default=-1)
        rows, spans = [], []
        for r in range(n_rows):
            row: list[Optional[str]] = []
            for c in range(n_cols):
                if (r, c) in self.text:
                    row.append(self.text[(r, c)])
                elif (r, c) in self.covered:
                    row.append(None)
                    spans.append(((r, c), self.covered[(r, c)]))
                else:
                    row.append("")
            rows.append(row)
        return rows, spans


_SPAN = st.sampled_from([1, 1, 1, 1, 2, 3, 0, -1, 5, MAX_SPAN + 7])
_ROW = st.lists(st.tuples(_SPAN, _SPAN), max_size=5)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=6), by_row=st.lists(st.booleans(), min_size=6, max_size=6),
       clamp=st.booleans())
def test_grid_builder_matches_the_model(rows: list[list[tuple[int, int]]], by_row: list[bool], clamp: bool) -> None:
    """Cells placed one by one (place) or a row at a time (add_row) end where the model puts them."""
    grid, model = GridBuilder(), _Model()
    max_row = len(rows) if clamp else None
    for r, cells in enumerate(rows):
        texts = [f"r{r}c{i}" for i in range(len(cells))]
        col = 0
        for text, (rowspan, colspan) in zip(texts, cells):
            col = model.place(r, col, text, rowspan, colspan, max_row)
        if by_row[r]:
            spans = {i: span for i, span in enumerate(cells) if span != (1, 1)}
            grid.add_row(r, texts, spans, max_row=max_row)
        else:
            col = 0
            for text, (rowspan, colspan) in zip(texts, cells):
                col = grid.place(r, col, text, rowspan, colspan, max_row=max_row)
    block = grid.block()
    rows_expected, spans_expected = model.block()
    assert block.rows == rows_expected
    assert list(block.spans.items()) == spans_expected  # row-major order, like the rows


def test_covered_positions_free_columns_and_origins() -> None:
    grid = GridBuilder()
    assert grid.place(0, 0, "label", rowspan=2) == 1
    assert grid.place(0, 1, "2019", colspan=2) == 3
    assert grid.free_col(1) == 1  # (1, 0) is covered by the label
    grid.cover(1, 1, (0, 1))  # a DOCX vertical merge of "2019"
    assert grid.free_col(1) == 2
    grid.place(1, 2, "5")
    assert grid.origin(1, 0) == (0, 0) and grid.origin(0, 2) == (0, 1) and grid.origin(1, 1) == (0, 1)
    assert grid.origin(1, 2) == (1, 2) and grid.origin(3, 3) is None
    block = grid.block()
    assert block.rows == [["label", "2019", None], [None, None, "5"]]
    assert list(block.spans.items()) == [((0, 2), (0, 1)), ((1, 0), (0, 0)), ((1, 1), (0, 1))]


def test_rows_and_columns_only_spans_reach_are_cut() -> None:
    grid = GridBuilder()
    grid.add_row(0, ["a", "b"], {1: (3, 4)})  # no max_row: the span reaches rows 1-2 and columns 2-4
    grid.add_row(1, ["c"])
    block = grid.block()
    assert block.rows == [["a", "b"], ["c", None]]
    assert block.spans == {(1, 1): (0, 1)}


def test_block_does_not_share_rows_with_the_builder() -> None:
    grid = GridBuilder()
    grid.add_row(0, ["a", "b"])
    first = grid.block()
    first.rows[0][0] = "changed"
    grid.add_row(0, ["c"])  # more cells in the same row
    assert grid.block().rows == [["a", "b", "c"]]


def test_looks_like_layout() -> None:
    data = [["信息内容", "本年新制作数量"], ["规章", "0"], ["规范性文件", " "]]
    assert not looks_like_layout(data)
    assert looks_like_layout([["本年度政府信息公开工作情况如下。"], ["一、总体情况"]])  # one column
    assert looks_like_layout([["甲", None], [" ", "乙"]])  # no row with two filled cells
    prose = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》" * 5  # > 100 characters
    assert looks_like_layout([[prose, prose], ["1", "2"]])
    assert not looks_like_layout([[prose, "1"], ["2", "3"]] + [["标签" * 30, "4"]] * 3)
