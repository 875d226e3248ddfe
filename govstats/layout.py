"""Table-shaped text -> grids (``find_grids``).

HTML, PDF and DOCX loaders bring real grids (``Document.grids``); this module finds the tables that
survive only as text, in every layout seen in real reports (templates.md §5):

- one cell per line, no delimiter (``规章`` / ``0`` / ``0`` / ``0``);
- one cell per line ending in `` |``, with pipe-only filler lines (``|||``) left by row/col spans
  (dropped) and `` |`` lines for empty cells;
- whitespace-indented cells separated by blank lines, with a unit column (``件`` / ``0``) and
  blank-for-empty cells: one blank line more than usual between two cells is an empty cell
  (``2.兼职人员数`` / ``人`` / *nothing*);
- pipe rows, one table row per line (``三、本年度办理结果 | (一)予以公开 | 2 | 1 | …``), also
  Markdown tables with a ``|---|`` separator;
- tab-separated rows;
- space-separated rows (``规章 0 0 0``), including PDF text lines where values are printed on the
  line before (or after) their wrapped label (``4 0 0 0 0 0 4`` then ``计其他情形)``).

Each line is classified once (blank, filler, separator, single cell, row, prose). A table region is
a run of non-prose lines holding at least two value cells; page marks are already gone after
normalization, so a table continues across pages. Inside a region, single-cell lines are grouped
into rows (label cells, then the value and unit cells that follow them); row lines stay rows of
their own, and label-only lines become label-only rows, so an extractor can attach a wrapped label
to the value row before or after it (in regions printing a row per line, a value alone on a line is
a row of its own too). Nothing here knows what the table is (a table caption only lets a region
with a single value count as a table): classification and label matching belong to
``govstats.extract.tables``.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, Optional, TypeVar

from .extract.cells import BLANK as BLANK_CELL, NA, NUMBER, TEXT, UNIT, parse_cell
from .extract.labels import header_book
from .model import Cell, Document, Grid

#: a label cell longer than this (whitespace removed) is prose, not a table cell
MAX_LABEL = 60
#: a line longer than this is prose whatever it ends with
_MAX_ROW = 400
#: a table region needs at least this many value cells (one is enough under a table caption)
MIN_VALUES = 2

_PIPE_ONLY = re.compile(r"^\|+$")
_MD_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_SENTENCE = re.compile(r"[。;!?]")
_TOKEN = re.compile(r"\S+")
_WS = re.compile(r"\s+")

# line kinds
BLANK, FILLER, SEP, CELL, ROW, PROSE = "blank", "filler", "sep", "cell", "row", "prose"


@dataclass(slots=True)
class _Line:
    start: int
    kind: str
    style: str  # lines | pipe-lines | pipe | markdown | tab | spaced
    cells: list[Cell]
    kinds: list[str]  # parse_cell kind of each cell
    n_values: int = field(init=False, default=0)  # value cells (numbers, not-applicable marks)

    def __post_init__(self) -> None:
        self.n_values = self.kinds.count(NUMBER) + self.kinds.count(NA)  # the _VALUE_KINDS


def _bare(start: int, kind: str, style: str = "") -> _Line:
    """A line without cells (blank, filler, separator, prose)."""
    return _Line(start, kind, style, [], [])


def _row(start: int, style: str, cells: list[Cell]) -> _Line:
    return _Line(start, ROW, style, cells, [parse_cell(c.text).kind for c in cells])


_VALUE_KINDS = (NUMBER, NA)
_T = TypeVar("_T")
#: a run holds each line as (offset of the line in the text, the line classified at offset 0)
_Run = list[tuple[int, _Line]]
#: lines up to this length are classified once per text (see ``_classified_cached``); longer ones are prose
#: or rare, and would only crowd the cache
_MAX_CACHED_LINE = 256


def find_grids(doc: Document) -> list[Grid]:
    """Grids found in the normalized text of ``doc``, outside regions already covered by ``doc.grids``."""
    covered = sorted((g.start, g.end) for g in doc.grids)
    grids: list[Grid] = []
    for run in _runs(doc.text, covered):
        grid = _build_grid(run, doc)
        if grid is not None:
            grids.append(grid)
    return grids


# --------------------------------------------------------------------------- lines


def _is_label(text: str) -> bool:
    if _SENTENCE.search(text):
        return False
    return len(text) <= MAX_LABEL or len(_WS.sub("", text)) <= MAX_LABEL


def _cell(seg: str, start: int) -> Cell:
    """The stripped text of a piece of a line as a cell; ``start``: the piece's document offset."""
    txt = seg.strip()
    s = start + (len(seg) - len(seg.lstrip()) if txt else 0)
    return Cell(txt, s, s + len(txt))


def _split(line: str, base: int, sep: str) -> list[Cell]:
    cells, a = [], base
    for piece in line.split(sep):
        cells.append(_cell(piece, a))
        a += len(piece) + 1
    return cells


def _classify_line(line: str, base: int) -> _Line:
    s = line.strip()
    if not s:
        return _bare(base, BLANK)
    if "|" in s:
        if s == "|" and line[0].isspace():  # " |": an empty cell of the one-cell-per-line layout
            pos = base + line.index("|")
            return _Line(base, CELL, "pipe-lines", [Cell("", pos, pos)], [BLANK_CELL])
        if _PIPE_ONLY.match(s):
            return _bare(base, FILLER)
        if s.endswith("|") and s.count("|") == 1:  # one cell per line: "商业 企业 |"
            return _single(_cell(line[: line.rindex("|")], base), "pipe-lines")
        if _MD_SEP.match(s):
            return _bare(base, SEP, "markdown")
        cells = _split(line, base, "|")
        # "| a | b |" (markdown) opens with a pipe; " | 0 | 0 |" (cells joined by " | ") opens with an
        # EMPTY first cell: keep that one, so the row's values stay under their columns
        markdown = s.startswith("|") and not line[0].isspace()
        if markdown:
            cells = cells[1:]
        if s.endswith("|"):
            cells = cells[:-1]
        if not any(c.text for c in cells):
            return _bare(base, FILLER)
        if len(cells) == 1:
            return _single(cells[0], "pipe-lines")
        return _row(base, "markdown" if markdown else "pipe", cells)
    if "\t" in s:
        cells = _split(line, base, "\t")
        if len(cells) > 1:
            return _row(base, "tab", cells)
    return _spaced(line, base)


def _single(cell: Cell, style: str) -> _Line:
    kind = parse_cell(cell.text).kind
    if kind == TEXT and not _is_label(cell.text):
        return _bare(cell.start, PROSE, style)
    return _Line(cell.start, CELL, style, [cell], [kind])


def _spaced(line: str, base: int) -> _Line:
    """A line without delimiters: a single cell, a space-separated row, or prose."""
    if len(line) > _MAX_ROW or _SENTENCE.search(line):
        return _bare(base, PROSE, "lines")  # a row's label would hold the sentence: prose either way
    head_last = line.rsplit(None, 1)
    if len(head_last) == 1:  # one token: a cell of the one-cell-per-line layout
        return _single(_cell(line, base), "lines")
    last = parse_cell(head_last[1]).kind
    if last == UNIT:
        return _unit_row(line, base)
    if last not in _VALUE_KINDS:
        return _single(_cell(line, base), "lines")
    toks = list(_TOKEN.finditer(line))
    n_val = 0
    while n_val < len(toks) and parse_cell(toks[-1 - n_val].group()).kind in _VALUE_KINDS:
        n_val += 1
    cut = len(toks) - n_val
    if cut > 0 and parse_cell(toks[cut - 1].group()).kind == UNIT:
        cut -= 1
    value_cells = [Cell(t.group(), base + t.start(), base + t.end()) for t in toks[cut:]]
    if cut == 0:
        return _row(base, "spaced", value_cells)
    label = _cell(line[: toks[cut - 1].end()], base)
    if not _is_label(label.text):
        return _bare(base, PROSE, "spaced")
    return _row(base, "spaced", [label] + value_cells)


def _unit_row(line: str, base: int) -> _Line:
    """``4.信函申请数 件``: a label and its unit with an empty value cell (PDF text drops it)."""
    toks = list(_TOKEN.finditer(line))
    if len(toks) < 2 or parse_cell(toks[-2].group()).kind != TEXT:
        return _single(_cell(line, base), "lines")
    label = _cell(line[: toks[-2].end()], base)
    if not _is_label(label.text):
        return _bare(base, PROSE, "spaced")
    unit = toks[-1]
    return _row(base, "spaced", [label, Cell(unit.group(), base + unit.start(), base + unit.end())])


# --------------------------------------------------------------------------- regions
@functools.lru_cache(maxsize=8192)
def _classified_cached(line: str) -> _Line:
    """``line`` classified at offset 0 (``_build_grid`` shifts its cells to the line's offset). A line's class depends on its text only,
    and table lines recur in every report, so short lines are classified once (do not mutate)."""
    return _classify_line(line, 0)


def _runs(text: str, covered: list[tuple[int, int]]) -> Iterator[_Run]:
    """Runs of classified lines between prose lines and lines of ``covered`` (start, end) regions,
    ``covered`` sorted by start: a line is covered when it starts inside the last region starting
    at or before it."""
    run: _Run = []
    pos = 0
    n_covered = len(covered)
    passed = 0  # the regions starting at or before the line: covered[:passed] (lines come in order)
    cover_end = -1  # the end of the last of them
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        while passed < n_covered and covered[passed][0] <= start:
            cover_end = covered[passed][1]
            passed += 1
        if start < cover_end:
            if run:
                yield run
            run = []
            continue
        ln = _classified_cached(line) if len(line) <= _MAX_CACHED_LINE else _classify_line(line, 0)
        if ln.kind == PROSE:
            if run:
                yield run
            run = []
        else:
            run.append((start, ln))
    if run:
        yield run


def _value_count(run: _Run) -> int:
    return sum([ln.n_values for _, ln in run])


def _row_mode(run: _Run) -> bool:
    """Whether the region prints a row per line (then a value alone on a line is a row of its own).

    In PDF text a wrapped label spreads over several lines and its values sit on one of them,
    often the line before; grouping a lone value with the label above would then be wrong.
    """
    labelled_rows = sum(1 for _, ln in run if ln.kind == ROW and ln.kinds[0] == TEXT)
    lone_values = sum(1 for _, ln in run if ln.kind == CELL and ln.kinds[0] != TEXT)
    return labelled_rows >= max(2, lone_values)


def _has_caption(run: _Run) -> bool:
    """A table caption or header start (第二十条第(八)项, 信息内容, 统计指标 …) in the region."""
    book = header_book()
    return any(t.role in ("start", "reset") for _, ln in run for c in ln.cells for t in book.lookup(c.text))


def _usual_gap(run: _Run) -> Optional[int]:
    """The number of blank lines that usually separates two single-cell lines of the region.

    In one-cell-per-line layouts an empty cell is one more blank line than usual: none usually
    (``规章`` / ``0`` / *blank* / ``0``), or one in the indented 统计表 layout (``2.兼职人员数`` /
    *blank* / ``人`` / *blank* / *blank*). None when the region has too few single cells to tell.
    """
    gaps: list[int] = []
    blank, seen = 0, False
    for _, ln in run:
        if ln.kind == BLANK:
            blank += 1
        elif ln.kind == CELL:
            if seen:
                gaps.append(blank)
            blank, seen = 0, True
    if len(gaps) < 4:
        return None
    gap, n = _most_common(gaps)
    return gap if n >= 0.6 * len(gaps) else None


def _build_grid(run: _Run, doc: Document) -> Optional[Grid]:
    """Rows of a region: single cells grouped as label cells + value cells, row lines kept whole."""
    n_values = _value_count(run)
    if n_values < MIN_VALUES and not (n_values and _has_caption(run)):
        return None
    row_mode = _row_mode(run)
    gap = None if row_mode else _usual_gap(run)
    rows: list[list[Optional[Cell]]] = []
    cur: list[Cell] = []
    cur_has_value = False
    fillers = 0
    blanks: list[int] = []  # offsets of the blank lines since the last cell
    for base, ln in run:
        if ln.kind == BLANK:
            blanks.append(base + ln.start)
            continue
        if gap is not None and ln.kind == CELL and len(blanks) > gap and cur:
            cur += [Cell("", pos, pos) for pos in blanks[gap:]]  # the surplus blank lines: empty cells
            cur_has_value = True
        if blanks:
            blanks = []
        if ln.kind == SEP:
            continue
        if ln.kind == FILLER:
            fillers += 1
            continue
        if ln.kind == ROW:
            if cur:
                rows.append(cur)
            cur, cur_has_value = [], False
            rows.append([Cell(c.text, base + c.start, base + c.end) for c in ln.cells])  # at the line's offset
            continue
        c = ln.cells[0]
        cell = Cell(c.text, base + c.start, base + c.end)
        if ln.kinds[0] == TEXT:
            if cur_has_value:
                rows.append(cur)
                cur, cur_has_value = [], False
            cur.append(cell)
        elif row_mode and not cur_has_value:
            if cur:
                rows.append(cur)
            cur, cur_has_value = [cell], True
        else:
            cur.append(cell)
            cur_has_value = True
    if cur:
        rows.append(cur)
    cells = [c for row in rows for c in row if c is not None]
    if not cells:
        return None
    style, _ = _most_common([ln.style for _, ln in run if ln.style])
    start, end = cells[0].start, max([c.end for c in cells])
    notes = [f"{fillers} filler lines dropped"] if fillers else []
    return Grid(rows=rows, source=f"text:{style}", page=_page_of(doc, start), start=start, end=end, notes=notes)


def _most_common(items: list[_T]) -> tuple[_T, int]:
    """The most frequent item (the first seen among equals) and its count; ``items`` not empty."""
    counts = Counter(items)  # in the order first seen
    best = max(counts, key=counts.__getitem__)
    return best, counts[best]


def _page_of(doc: Document, pos: int) -> Optional[int]:
    for page, s, e in doc.pages:
        if s <= pos < e:
            return page
    return None
