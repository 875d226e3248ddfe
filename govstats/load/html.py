"""HTML pages -> RawDocument: text blocks interleaved with table blocks, in document order.

- Encoding: the declared charset (``<meta charset>``, ``http-equiv`` content type, XML
  declaration) is passed to ``encoding.decode``, which overrules it with a warning when the bytes
  say otherwise.
- Chrome: comments, scripts and styles go; so do the elements and class/id tokens listed in
  ``codebook/html_chrome.csv`` (nav, header, footer, breadcrumb, share bars ...) and hidden
  elements (``display:none``, ``visibility:hidden``, ``hidden``: the usual hiding place of injected
  spam). An element is kept anyway when it holds most of the page's text (an ASP.NET ``<form>``
  around the whole page) or a metadata header (索引号, 发布机构 ...: the ``keep`` rows).
- Text: block-level elements and ``<br>`` end lines; whitespace runs (``&nbsp;``, ideographic
  spaces) collapse to one space; ``<pre>`` keeps its lines.
- Tables: every ``<table>`` becomes a table block whose grid honours rowspan/colspan (covered
  positions ``None`` with ``spans``); cell text keeps the lines of ``<br>``/``<p>`` as ``\\n``; an
  ``&nbsp;`` cell is ``""``. A table used for page layout is walked as text instead: a table that
  contains another table (a container: each inner table is judged on its own and becomes its own
  block when it holds data), or one that ``grid.looks_like_layout`` (one column, prose cells).
- Title: ``<title>``, else the first ``<h1>``.

Out of scope: HTML embedded as JSON-escaped strings inside JavaScript (pages whose report is
rendered by a script); such a page yields little or no text.
"""
from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from typing import Optional

from lxml import etree

from ..codebook import read_csv
from ..errors import EmptyInput, UnreadableInput
from ..model import RawBlock, RawDocument
from .encoding import decode
from .grid import GridBuilder, looks_like_layout

#: bytes searched for a charset declaration
DECLARATION_BYTES = 4096
#: a chrome element holding more than this share of the page's text is content after all
CHROME_MAX_SHARE = 0.4

#: on the lower-cased head (bytes.lower keeps every offset): a case-sensitive pattern with a
#: literal start is found much faster than a case-insensitive one
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_BYTES = bytes(b for b in range(0x80) if _BAD_CHARS.match(chr(b)))  # the same, as UTF-8 bytes
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_LEADING_INT = re.compile(r"\s*(\d+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_DIGITS = "0123456789"

_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr html legend li main ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
#: structural table elements never dropped for their class/id (a header cell may be class="header")
_TABLE_PARTS = frozenset("td th tr thead tbody tfoot caption colgroup col".split())
_ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))
_TAG = operator.attrgetter("tag")

_CELL_TAGS = frozenset(("td", "th"))
#: removed before anything else (their text is never content and must not count as page text)
_NEVER_CONTENT = ("script", "style", "noscript", "template", "head")


@dataclass(frozen=True)
class _ChromeRules:
    tags: frozenset[str]
    tokens: frozenset[str]
    keep: Optional[re.Pattern[str]]


@functools.lru_cache(maxsize=1)
def _chrome_rules() -> _ChromeRules:
    rows = read_csv("html_chrome.csv")
    keep = [r["value"] for r in rows if r["kind"] == "keep"]
    return _ChromeRules(
        tags=frozenset(r["value"] for r in rows if r["kind"] == "tag"),
        tokens=frozenset(r["value"] for r in rows if r["kind"] == "token"),
        keep=re.compile("|".join(keep)) if keep else None,
    )


def declared_charset(data: bytes) -> Optional[str]:
    """The charset an HTML/XML document declares in its first bytes, if any."""
    head = data[:DECLARATION_BYTES]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head.lower())
    return head[m.start(1) : m.end(1)].decode("ascii") if m else None


_STRING = etree.XPath("string()", smart_strings=False)


def _text_of(el: etree._Element) -> str:
    """All text in ``el`` (an XPath string value: computed in C)."""
    return _STRING(el)


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _one_space(s: str) -> str:
    """Every whitespace run of ``s`` (not blank) as one space, at the ends too: ``\\s+`` -> " ",
    done by str.split (which splits on the same whitespace), several times faster than the regex."""
    out = " ".join(s.split())
    if s[0].isspace():
        out = " " + out
    if s[-1].isspace():
        out += " "
    return out


def _visible_chars(s: str) -> int:
    """Characters of ``s`` that are not whitespace."""
    return sum(map(len, s.split()))


def _int_attr(el: etree._Element, name: str) -> Optional[int]:
    value = el.get(name)
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    m = _LEADING_INT.match(value)
    return int(m.group(1)) if m else None


def _has_chrome_token(el: etree._Element, tokens: frozenset[str]) -> bool:
    attr = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not attr.strip():
        return False
    words = _TOKEN_SPLIT.split(_CAMEL.sub(" ", attr).lower())
    return any(w.rstrip(_DIGITS) in tokens for w in words if w)


def _is_hidden(el: etree._Element) -> bool:
    if not el.keys():  # most elements have no attributes at all
        return False
    style = el.get("style")
    return el.get("hidden") is not None or bool(style and _HIDDEN_STYLE.search(style))


def _is_one_line(cell: etree._Element, chrome_tags: frozenset[str]) -> bool:
    """A cell whose text is one line: at most one block element, no <br>, nothing hidden or dropped."""
    blocks = 0
    for el in cell.iterdescendants():
        tag = el.tag
        if tag == "br" or tag == "pre" or tag in chrome_tags or _is_hidden(el):
            return False
        if tag in _BLOCK_TAGS:
            blocks += 1
            if blocks > 1:
                return False
    return True


def _one_line_text(cell: etree._Element, chrome_tags: frozenset[str]) -> Optional[str]:
    """The collapsed text of a one-line cell (see ``_is_one_line``), or None when it has more lines.

    The usual cells (text only, or one element holding the text: ``<td><p>12</p></td>``) are
    read from their nodes directly; others are checked element by element.
    """
    n = len(cell)
    if n == 0:
        text = cell.text
        return _collapse(text) if text else ""
    if n == 1:
        child = cell[0]
        if not len(child):
            tag = child.tag
            if tag == "br" or tag == "pre" or tag in chrome_tags or _is_hidden(child):
                return None
            return _collapse(f"{cell.text or ''}{child.text or ''}{child.tail or ''}")
    return _collapse(_text_of(cell)) if _is_one_line(cell, chrome_tags) else None


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    """The td/th children of a table row."""
    cells = tr[:]
    if not _CELL_TAGS.issuperset(map(_TAG, cells)):
        cells = [c for c in cells if c.tag in _CELL_TAGS]
    return cells


def _table_rows(table: etree._Element) -> list[list[etree._Element]]:
    """The cells (td/th) of each row of ``table``: its own rows and those of thead/tbody/tfoot."""
    rows: list[list[etree._Element]] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(_row_cells(child))
        elif tag in _ROW_GROUPS:
            for tr in child:
                if tr.tag == "tr":
                    rows.append(_row_cells(tr))
    return rows


class _PageChars:
    """The visible characters of a whole page, counted when first asked for (most pages have no
    chrome element whose share of the text must be judged). The walk never changes the tree."""

    def __init__(self, root: etree._Element) -> None:
        self._root: Optional[etree._Element] = root
        self._n = 0

    def __int__(self) -> int:
        if self._root is not None:
            self._n = _visible_chars(_text_of(self._root))
            self._root = None
        return self._n


class _Walker:
    """Walks an element tree once, producing text lines and (optionally) table blocks."""

    def __init__(self, rules: _ChromeRules, page_chars: _PageChars, tables: bool) -> None:
        self.rules = rules
        self.page_chars = page_chars
        self.tables = tables  # False inside a data-table cell: only text is wanted there
        self.blocks: list[RawBlock] = []
        self.lines: list[str] = []
        self._buf: list[str] = []
        self._pre = 0

    # ----------------------------------------------------------------- text
    def _add(self, s: Optional[str]) -> None:
        if s:
            self._buf.append(s if self._pre else " " if s.isspace() else _one_space(s))

    def _newline(self) -> None:
        if self._buf:
            for line in "".join(self._buf).split("\n"):
                line = line.strip()
                if line:
                    self.lines.append(line)
            self._buf = []

    def flush_text(self) -> None:
        """End the current text block (before a table, at the end of the page)."""
        self._newline()
        if self.lines:
            self.blocks.append(RawBlock(kind="text", text="\n".join(self.lines)))
            self.lines = []

    # ----------------------------------------------------------------- decisions
    def _skip(self, el: etree._Element) -> bool:
        tag = el.tag
        by_tag = tag in self.rules.tags
        if not el.keys():  # no attributes (most elements): neither hidden nor with a chrome class/id
            if not by_tag:
                return False
        elif _is_hidden(el):
            return True
        elif not by_tag and (not self.tables or tag in _TABLE_PARTS or not _has_chrome_token(el, self.rules.tokens)):
            return False
        text = _text_of(el)
        if self.rules.keep is not None and self.rules.keep.search(text):
            return False
        return _visible_chars(text) <= CHROME_MAX_SHARE * int(self.page_chars)

    def _data_table(self, table: etree._Element) -> Optional[RawBlock]:
        """The table as a grid block, or None when it is page layout."""
        if next(table.iterdescendants("table"), None) is not None:
            return None
        rows = _table_rows(table)
        grid = GridBuilder()
        n_rows = len(rows)
        for r, cells in enumerate(rows):
            texts: list[str] = []
            spans: Optional[dict[int, tuple[int, int]]] = None
            for cell in cells:
                if len(cell):
                    text = self._cell_text(cell)
                else:  # text only (the usual cell): _collapse inlined
                    text = cell.text
                    text = " ".join(text.split()) if text else ""
                if cell.keys():  # rowspan / colspan are the only attributes that matter here
                    rowspan = _int_attr(cell, "rowspan")
                    rowspan = n_rows - r if rowspan == 0 else (rowspan or 1)
                    colspan = _int_attr(cell, "colspan") or 1
                    if rowspan != 1 or colspan != 1:
                        if spans is None:
                            spans = {}
                        spans[len(texts)] = (rowspan, colspan)
                texts.append(text)
            grid.add_row(r, texts, spans, max_row=n_rows)
        block = grid.block()
        if not block.rows or looks_like_layout(block.rows):
            return None
        return block

    def _cell_text(self, cell: etree._Element) -> str:
        text = _one_line_text(cell, self.rules.tags)
        if text is not None:
            return text
        sub = _Walker(self.rules, self.page_chars, tables=False)
        sub.walk(cell)
        return "\n".join(sub.lines)

    # ----------------------------------------------------------------- walk
    def walk(self, root: etree._Element) -> None:
        """Walk ``root``'s subtree: lines go to ``lines``, data tables (when enabled) to ``blocks``."""
        chrome_tags = self.rules.tags
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if event == "start":
                # (an element without attributes whose tag is not chrome is never skipped: most are)
                if (tag in chrome_tags or el.keys()) and el is not root and self._skip(el):
                    walker.skip_subtree()
                    continue
                if tag == "table" and self.tables:
                    block = self._data_table(el)
                    if block is not None:
                        caption = el.find("caption")
                        if caption is not None:
                            self._newline()
                            self._add(_text_of(caption))
                        self.flush_text()
                        self.blocks.append(block)
                        walker.skip_subtree()
                        continue
                if self._buf and (tag in _BLOCK_TAGS or tag == "br"):
                    self._newline()
                if tag == "pre":
                    self._pre += 1
                text = el.text
                if text:
                    self._add(text)
            else:
                if self._buf and tag in _BLOCK_TAGS:
                    self._newline()
                if tag == "pre":
                    self._pre = max(0, self._pre - 1)
                if el is not root:
                    tail = el.tail
                    if tail:
                        self._add(tail)
        self._newline()


def _parse(text: str, path: str) -> etree._Element:
    text = _XML_DECL.sub("", text, count=1)
    if _has_bad_chars(text):
        text = _BAD_CHARS.sub("", text)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.LxmlError, ValueError) as e:
        raise UnreadableInput(f"{path}: HTML that cannot be parsed ({e})") from None
    if root is None:
        raise EmptyInput(f"{path}: empty HTML page (no markup or text)")
    return root


def _has_bad_chars(text: str) -> bool:
    """Does ``text`` hold control characters libxml2 rejects? (Tested on the UTF-8 bytes, where each
    is one byte that no other character's encoding contains: much faster than a regex search.)"""
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw.translate(None, _BAD_BYTES)) != len(raw)


def _title(root: etree._Element) -> Optional[str]:
    for el in root.iter("title", "h1"):
        t = _collapse(_text_of(el))
        if t:
            return t
    return None


def load_html(data: bytes, path: str, sha: str) -> RawDocument:
    """Load an HTML page (see the module doc). Raises ``EmptyInput`` when the page has no text."""
    text, encoding, warnings = decode(data, declared_charset(data))
    root = _parse(text, path)
    title = _title(root)
    etree.strip_elements(root, *_NEVER_CONTENT, with_tail=False)
    walker = _Walker(_chrome_rules(), _PageChars(root), tables=True)
    walker.walk(root)
    walker.flush_text()
    if not walker.blocks:
        raise EmptyInput(f"{path}: no text in the HTML page")
    return RawDocument(
        path=path,
        sha256=sha,
        kind="html",
        blocks=walker.blocks,
        encoding=encoding,
        title=title,
        warnings=warnings,
    )
