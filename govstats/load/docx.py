"""Word (.docx) reports -> RawDocument: paragraphs and tables in body order.

- The body XML is walked in order (paragraphs, tables, content controls), so text and tables
  interleave as printed. Paragraph text includes hyperlinks, tracked insertions and text boxes
  (once: the ``mc:Fallback`` copy is skipped); deleted text and field codes are left out;
  ``<w:br/>`` is a newline, ``<w:tab/>`` a tab.
- Automatic list numbers (一、 （一） 1. ...) that Word renders from ``numbering.xml`` are put in
  front of the paragraph text, since labels and headings depend on them.
- Tables: ``gridSpan`` (columns) and ``vMerge`` (rows) become ``None`` positions with ``spans``;
  ``gridBefore`` leaves empty cells. Cell paragraphs are joined with ``\\n``. A table that contains
  another table, or that ``grid.looks_like_layout``, is page layout: its cells are walked as text
  and inner tables are judged on their own.
- Title: the core property ``title``.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any, Callable, Iterator, Optional

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ..errors import EmptyInput, UnreadableInput
from ..model import RawBlock, RawDocument
from .grid import GridBuilder, looks_like_layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent", W + "customXml"
)
_T, _TAB, _BR, _CR, _NB_HYPHEN = W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"
#: subtrees whose text is not printed (or printed elsewhere)
_SKIP = frozenset((MC_FALLBACK, W + "moveFrom", W + "del", W + "pPr", W + "rPr", W + "instrText"))
_CONTAINERS = frozenset((_SDT_CONTENT, _CUSTOM_XML, W + "smartTag"))

_CN_DIGITS = "〇一二三四五六七八九"


# --------------------------------------------------------------------------- numbering
def _chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (counting style of Word lists)."""
    if n <= 0:
        return str(n)
    if n >= 1000:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = _CN_DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in a Word ``numFmt`` (decimal, chineseCounting, upperRoman ...)."""
    if fmt.startswith(("chineseCounting", "ideographTraditional", "japaneseCounting", "taiwaneseCounting")):
        return _chinese_number(n)
    if fmt in ("ideographDigital", "chineseLegalSimplified", "taiwaneseDigital"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    return str(n)


class _Numbering:
    """Renders Word's automatic paragraph numbers, counting as Word does."""

    def __init__(self, numbering: Optional[etree._Element], styles: Optional[etree._Element]) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> (start, fmt, text)
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            for style in styles.iter(W + "style"):
                num = _num_pr(style.find(W + "pPr"))
                if num is not None and style.get(W + "styleId"):
                    self.style_num[style.get(W + "styleId")] = num

    def _read_numbering(self, numbering: etree._Element) -> None:
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in numbering.iter(W + "abstractNum"):
            abstract[an.get(W + "abstractNumId", "")] = {
                int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in an.iter(W + "lvl")
            }
        for num in numbering.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            levels = dict(abstract.get(ref.get(W + "val", "") if ref is not None else "", {}))
            for override in num.iter(W + "lvlOverride"):
                ilvl = int(override.get(W + "ilvl", "0"))
                start = override.find(W + "startOverride")
                if start is not None and ilvl in levels:
                    _, fmt, text = levels[ilvl]
                    levels[ilvl] = (int(start.get(W + "val", "1")), fmt, text)
            self.levels[num.get(W + "numId", "")] = levels

    def label(self, p: etree._Element) -> str:
        """The rendered number of paragraph ``p`` ("一、", "（二）", "3."), or ""."""
        ppr = p.find(W + "pPr")
        num = _num_pr(ppr)
        if num is None and ppr is not None:
            style = ppr.find(W + "pStyle")
            num = self.style_num.get(style.get(W + "val", "")) if style is not None else None
        if num is None or num[0] not in self.levels:
            return ""
        num_id, ilvl = num
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""
        for k in range(ilvl + 1):
            if f"%{k + 1}" in text and k in levels:
                value = counters.get(k, levels[k][0])
                text = text.replace(f"%{k + 1}", format_number(value, levels[k][1]))
        return text


def _level(lvl: etree._Element) -> tuple[int, str, str]:
    def val(tag: str, default: str) -> str:
        el = lvl.find(W + tag)
        return el.get(W + "val", default) if el is not None else default

    return int(val("start", "1") or 1), val("numFmt", "decimal"), val("lvlText", "")


def _num_pr(ppr: Optional[etree._Element]) -> Optional[tuple[str, int]]:
    if ppr is None:
        return None
    num_pr = ppr.find(W + "numPr")
    if num_pr is None:
        return None
    num_id = num_pr.find(W + "numId")
    ilvl = num_pr.find(W + "ilvl")
    if num_id is None or num_id.get(W + "val") in (None, "0"):
        return None
    return num_id.get(W + "val"), int(ilvl.get(W + "val", "0")) if ilvl is not None else 0


# --------------------------------------------------------------------------- text
def paragraph_text(p: etree._Element) -> str:
    """The printed text of one ``w:p`` (without its list number)."""
    out: list[str] = []
    walker = etree.iterwalk(p, events=("start",))
    for _, el in walker:
        tag = el.tag
        if tag in _SKIP:
            walker.skip_subtree()
        elif tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif tag == _P and el is not p:
            out.append("\n")  # a paragraph inside a text box
    return "".join(out)


def _int_val(parent: Optional[etree._Element], tag: str) -> int:
    el = parent.find(W + tag) if parent is not None else None
    try:
        return int(el.get(W + "val", "0")) if el is not None else 0
    except ValueError:
        return 0


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The ``tag`` children of ``parent`` (rows of a table, cells of a row), also those wrapped
    in content controls or custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            yield from child.iter(tag)


class _BodyWalker:
    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[RawBlock] = []
        self.lines: list[str] = []

    def flush(self) -> None:
        """End the current text block (before a table, at the end of the document)."""
        if self.lines:
            self.blocks.append(RawBlock(kind="text", text="\n".join(self.lines)))
            self.lines = []

    def _paragraph(self, p: etree._Element) -> str:
        return (self.numbering.label(p) + paragraph_text(p)).strip()

    def walk(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                text = self._paragraph(child)
                if text:
                    self.lines.append(text)
            elif tag == _TBL:
                self._table(child)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.walk(content)
            elif tag in _CONTAINERS:
                self.walk(child)

    def _cell_text(self, tc: etree._Element) -> str:
        sub = _BodyWalker(self.numbering)
        sub.walk(tc)
        return "\n".join(sub.lines)

    def _table(self, tbl: etree._Element) -> None:
        block = None if tbl.find(".//" + _TBL) is not None else self._grid(tbl)
        if block is None:  # layout: the cells are text, inner tables are judged on their own
            for tr in _children(tbl, _TR):
                for tc in _children(tr, _TC):
                    self.walk(tc)
            return
        self.flush()
        self.blocks.append(block)

    def _grid(self, tbl: etree._Element) -> Optional[RawBlock]:
        grid = GridBuilder()
        for r, tr in enumerate(_children(tbl, _TR)):
            col = _int_val(tr.find(W + "trPr"), "gridBefore")
            for tc in _children(tr, _TC):
                tc_pr = tc.find(W + "tcPr")
                span = max(1, _int_val(tc_pr, "gridSpan"))
                v_merge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
                col = grid.free_col(r, col)
                if v_merge is not None and v_merge.get(W + "val", "continue") == "continue" and r > 0:
                    origin = grid.origin(r - 1, col)
                    if origin is not None:
                        for dc in range(span):
                            grid.cover(r, col + dc, origin)
                        col += span
                        continue
                col = grid.place(r, col, self._cell_text(tc), 1, span)
        block = grid.block()
        if not block.rows or looks_like_layout(block.rows):
            return None
        return block


# --------------------------------------------------------------------------- entry
def _open(data: bytes, path: str) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, OSError) as e:
        raise UnreadableInput(f"{path}: not a readable Word document ({type(e).__name__}: {e})") from None


def _part_element(getter: Callable[[], Any]) -> Optional[etree._Element]:
    try:
        return getter().element
    except (NotImplementedError, KeyError, AttributeError):
        return None


def load_docx(data: bytes, path: str, sha: str) -> RawDocument:
    """Load a .docx (see the module doc). Raises ``UnreadableInput`` for a broken package and
    ``EmptyInput`` when the document has no text."""
    document = _open(data, path)
    numbering = _Numbering(
        _part_element(lambda: document.part.numbering_part),
        _part_element(lambda: document.styles),
    )
    walker = _BodyWalker(numbering)
    walker.walk(document.element.body)
    walker.flush()
    if not walker.blocks:
        raise EmptyInput(f"{path}: the Word document has no text")
    title = (document.core_properties.title or "").strip() or None
    return RawDocument(path=path, sha256=sha, kind="docx", blocks=walker.blocks, title=title)
