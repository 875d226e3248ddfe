"""The prose of a document, ready for phrase matching: tables left out, wrapped lines joined, no whitespace.

``prose_view(doc, table_values)`` returns a :class:`ProseView` whose ``text`` is "compact prose":

* lines that belong to a table are left out: lines inside ``doc.grids``, lines holding the span of
  a table value, lines that are just a number or a cell (``3334``, ``49万元``, ``行政许可 550``),
  rows of three or more bare numbers (PDF table text), ``|``-separated rows, lines without Chinese;
* lines of one paragraph wrapped by a PDF (``…共受理政府信息公开申请 3119 件，答`` / ``复 3050 件``)
  are joined; a blank line, a left-out line, a line ending a sentence or a section heading ends a
  block; blocks are separated by ``"\\n"`` in ``text``;
* whitespace is removed (``0 件`` -> ``0件``, ``1 234`` -> ``1234``).

``to_doc`` maps an offset of ``text`` back to ``Document.text``, so spans of extracted values index
the normalized text. ``headings`` lists the top-level section headings (``二、主动公开政府信息情况``)
with their position, for ranking statements by section. ``resets`` lists the block starts where a
new paragraph or item begins (after a blank or table line, at a heading, at ``(一)``/``1.``/``一是``):
a context such as "the review cases" does not carry over such a start.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..model import Document, Value

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_SPACE = re.compile(r"\S+")
_WS_RUN = re.compile(r"\s+")
_CELL = re.compile(r"^\s*[-+]?\d[\d,.]*\s*(?:万元|元|%|[件条项宗例篇次期份场个人])?\s*$")
_NUMBER_ROW = re.compile(r"(?:^|\s)[-+]?\d[\d,.]*(?:\s+[-+]?\d[\d,.]*){2,}\s*$")
_ENDS_WITH_NUMBER = re.compile(r"\d[\d,.]*\s*(?:万元|元|%)?\s*$")
_NUMBER_ENDS = frozenset("0123456789元%件条项宗例篇次期份场个人")
_CLAUSE_PUNCT = re.compile(r"[,，。;；:：、!?！？]")
_TERMINAL = tuple("。！？!?;；:：")
_MIN_WRAPPED = 16  # shortest line taken for a line of prose wrapped by a PDF (they run ~25-40 characters)
#: a top-level section heading: 一、总体情况 / 三、收到和处理政府信息公开申请情况
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")
#: a line opening a new item: (一)… / 1.… / 一是…
_ITEM_START = re.compile(r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|[一二三四五六七八九十]是)")


_ITEM_FIRST = frozenset("(（0123456789一二三四五六七八九十")


@dataclass
class ProseView:
    text: str
    headings: list[tuple[int, str]] = field(default_factory=list)
    resets: list[int] = field(default_factory=list)
    _cstarts: list[int] = field(default_factory=list)
    _ostarts: list[int] = field(default_factory=list)

    def to_doc(self, i: int) -> int:
        """Offset in ``text`` -> offset in ``Document.text``."""
        k = bisect.bisect_right(self._cstarts, i) - 1
        return self._ostarts[k] + (i - self._cstarts[k]) if k >= 0 else 0

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``text`` (end exclusive) -> the span of the same characters in ``Document.text``."""
        k = bisect.bisect_right(self._cstarts, start) - 1
        if k >= 0 and start < end and (k + 1 == len(self._cstarts) or end - 1 < self._cstarts[k + 1]):
            # the span lies in one piece (the usual case): one lookup
            delta = self._ostarts[k] - self._cstarts[k]
            return start + delta, end + delta
        return self.to_doc(start), self.to_doc(end - 1) + 1


_NUMERAL_START = frozenset("一二三四五六七八九十")


def is_heading(line: str) -> bool:
    s = line.strip()
    return s[:1] in _NUMERAL_START and len(s) <= 40 and bool(_HEADING.match(s)) and "。" not in s[:-1]


def _merged_regions(doc: Document) -> tuple[list[int], list[int]]:
    """The text spans of ``doc.grids`` as sorted, disjoint (starts, ends): overlapping or adjacent
    spans become one region."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted((g.start, g.end) for g in doc.grids if g.end > g.start):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _looks_like_table_row(line: str, continuing: bool) -> bool:
    """Does this line look like a table row? ``continuing``: the line before broke off mid-sentence."""
    if "|" in line or not _CJK.search(line):
        return True
    if line[-1] not in _NUMBER_ENDS:  # (trailing whitespace is stripped by normalization)
        return False
    if _NUMBER_ROW.search(line):
        return True
    if continuing:  # the rest of a wrapped sentence may end with its figure: 点或重大舆情 12 次(…计 1
        return False
    # a cell (3334 / 49万元) or a label and its number (行政许可 550): no clause punctuation, ends with a number
    return bool(_CELL.match(line)) or (not _CLAUSE_PUNCT.search(line) and bool(_ENDS_WITH_NUMBER.search(line)))


def _line_start(text: str, p: int) -> int:
    """The first line start at or after ``p`` (``len(text) + 1`` when there is none)."""
    if p == 0 or text[p - 1] == "\n":
        return p
    k = text.find("\n", p)
    return k + 1 if k >= 0 else len(text) + 1


def _outside_regions(text: str, starts: list[int], ends: list[int]) -> list[tuple[int, str]]:
    """The runs of lines of ``text`` that do not start inside a region (``_merged_regions``), as
    (offset, lines joined by "\n"); between two runs lies at least one line left out."""
    runs: list[tuple[int, str]] = []
    pos = 0  # start of the next line that may be kept
    for start, end in zip(starts, ends):
        first = _line_start(text, start)  # the first line starting inside the region, if any
        if first >= end:
            continue  # no line starts inside it
        if first > pos:
            runs.append((pos, text[pos : first - 1]))
        pos = _line_start(text, end)
    if pos <= len(text):
        runs.append((pos, text[pos:]))
    return runs


def prose_view(doc: Document, table_values: list[Value]) -> ProseView:
    """Build the compact prose of ``doc`` (see the module doc)."""
    # table lines: lines starting inside a grid (left out run by run), lines holding the start of a
    # table value, lines that look like table rows. Lines come in order, so the sorted value starts
    # are walked once (vi); they end with a position after the text, so the walk needs no bound check.
    text = doc.text
    values = sorted([span[0] for v in table_values if (span := v.span)])
    values.append(len(text) + 1)
    vi = 0
    buf: list[str] = []
    cstarts: list[int] = []
    ostarts: list[int] = []
    headings: list[tuple[int, str]] = []
    resets: list[int] = [0]
    size = 0
    open_block = False  # the previous prose line continues into the next one
    gap = True  # a blank or table line since the last prose line
    for offset, run in _outside_regions(text, *_merged_regions(doc)):
        open_block, gap = False, True  # (lines inside a grid were left out before this run)
        pos = offset
        for line in run.split("\n"):
            start = pos
            pos += len(line) + 1
            stripped = line.strip()
            if not stripped:
                open_block, gap = False, True
                continue
            while values[vi] < start:
                vi += 1
            if values[vi] < pos - 1 or _looks_like_table_row(line, open_block):
                open_block, gap = False, True
                continue
            first = stripped[0]
            heading = first in _NUMERAL_START and is_heading(stripped)
            item = first in _ITEM_FIRST and bool(_ITEM_START.match(line))
            if heading or item or not open_block:
                if size:
                    buf.append("\n")
                    size += 1
                if heading:
                    headings.append((size, _WS_RUN.sub("", stripped)))
                if gap or heading or item:
                    resets.append(size)
            gap = False
            if " " not in stripped and "\t" not in stripped and "\u3000" not in stripped:
                cstarts.append(size)
                ostarts.append(start + len(line) - len(line.lstrip()))
                buf.append(stripped)
                size += len(stripped)
            else:
                for m in _NON_SPACE.finditer(line):
                    cstarts.append(size)
                    ostarts.append(start + m.start())
                    buf.append(m.group())
                    size += m.end() - m.start()
            # a line continues into the next one when it breaks off a long line of prose mid-sentence;
            # a short line without a full stop is a label or a table cell (one cell per line), not prose
            open_block = not heading and len(stripped) >= _MIN_WRAPPED and not stripped.endswith(_TERMINAL)
    return ProseView(text="".join(buf), headings=headings, resets=resets, _cstarts=cstarts, _ostarts=ostarts)


__all__ = ["ProseView", "prose_view", "is_heading"]
