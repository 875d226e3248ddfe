"""PDF reports -> RawDocument with pdfplumber: per page, text outside tables and ruled tables.

Per page:

1. Rulings: lines, curves, stroked rectangles and thin filled rectangles (borders drawn as bars).
   Filled rectangles without a stroke are shading (a cell or paragraph background) and are
   ignored: paragraph shading otherwise turns every line of prose into a "table".
   A table broken by a page break often lacks its closing border; when several vertical rulings
   end (or start) at the same height without a horizontal ruling there, one is added.
2. Tables: ``find_tables`` on those rulings. Each becomes a grid: the cell pdfplumber leaves out
   (``None``) because a merged cell covers it gets ``spans`` pointing at the covering cell, found by
   the cells' geometry; a position that no cell covers (a hole in the rulings) gets the text found
   there, so no text is lost. A "table" that ``grid.looks_like_layout`` (a single column of prose
   lines, a framed paragraph) is rejected and its text read as text.
3. Text: the characters outside the accepted tables, as lines in reading order, interleaved with
   the tables by vertical position. Justification gaps inside Chinese lines (< 0.6 em) do not
   become spaces; wider gaps do.
4. Continuation: a table that starts the next page (nothing but page furniture above it) and has
   the same number of columns as the table that ended the previous page (nothing but page
   furniture below it) gets ``continues=True``; header rows repeated on the new page are dropped.

Warnings: pages without a text layer (scanned images; OCR is out of scope; when no page has text
``UnreadableInput`` is raised), ``(cid:NN)`` glyphs without a Unicode mapping, a missing ``%%EOF``.
Encrypted PDFs that need a password and corrupt or truncated files raise ``UnreadableInput``.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils import extract_text as chars_to_text
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import UnreadableInput
from ..model import RawBlock, RawDocument
from .grid import GridBuilder, looks_like_layout

#: a gap between two characters wider than this share of the font size is a space
SPACE_GAP_EM = 0.6
#: rulings closer than this (points) are the same ruling
TOLERANCE = 3.0
#: a filled, unstroked rectangle thinner than this (points) is a ruling, thicker ones are shading
RULE_MAX_THICKNESS = 2.0
#: top and bottom share of the page where page furniture (headers, page numbers) lives
MARGIN_SHARE = 0.12
#: text lines longer than this are content, not page furniture
FURNITURE_MAX_CHARS = 30
#: a cell of at least this many lines of one or two characters is vertical writing
VERTICAL_MIN_LINES = 4
#: share of (cid:NN) glyphs that makes a text layer unusable
CID_WARN_SHARE = 0.02

TEXT_SETTINGS: dict[str, Any] = {"x_tolerance_ratio": SPACE_GAP_EM, "y_tolerance": 3}
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": TOLERANCE,
    "join_tolerance": TOLERANCE,
    "intersection_tolerance": TOLERANCE,
}

_CID = re.compile(r"\(cid:\d+\)")
_BBox = tuple[float, float, float, float]


@dataclass
class _Table:
    block: RawBlock
    bbox: _BBox
    col_xs: list[float]  # left edges of the grid columns, then the right edge of the table


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, Union[str, _Table]]] = field(default_factory=list)  # (top, line | table)


# --------------------------------------------------------------------------- rulings
def _is_ruling_or_text(obj: dict[str, Any]) -> bool:
    if obj.get("object_type") != "rect":
        return True
    return bool(obj.get("stroke")) or min(obj["width"], obj["height"]) <= RULE_MAX_THICKNESS


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges where >= 2 vertical rulings end (or start) together with no ruling there."""
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    extra: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        groups: list[list[dict[str, Any]]] = []
        for e in sorted(verticals, key=lambda e: e[key]):
            if groups and abs(e[key] - groups[-1][0][key]) <= TOLERANCE:
                groups[-1].append(e)
            else:
                groups.append([e])
        for group in groups:
            if len(group) < 2:
                continue
            y = group[0][key]
            x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
            covered = sum(
                max(0.0, min(h["x1"], x1) - max(h["x0"], x0))
                for h in horizontals
                if abs(h["top"] - y) <= TOLERANCE
            )
            if covered < 0.9 * (x1 - x0):
                extra.append(
                    {"object_type": "synthetic_edge", "orientation": "h", "x0": x0, "x1": x1,
                     "width": x1 - x0, "top": y, "bottom": y, "height": 0.0}
                )
    return extra


# --------------------------------------------------------------------------- tables
def _centre_in(obj: dict[str, Any], bbox: _BBox) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= cx < bbox[2] and bbox[1] <= cy < bbox[3]


def _cell_text(chars: list[dict[str, Any]], bbox: _BBox) -> str:
    """The text in a cell; a narrow cell written top to bottom (one or two characters a line:
    三 / 、 / 本 / 年 …) is one line."""
    inside = [c for c in chars if _centre_in(c, bbox)]
    if not inside:
        return ""
    text = chars_to_text(inside, **TEXT_SETTINGS).strip()
    lines = text.split("\n")
    if len(lines) >= VERTICAL_MIN_LINES and all(len(line.strip()) <= 2 for line in lines):
        return "".join(line.strip() for line in lines)
    return text


def _table_grid(table: Table, chars: list[dict[str, Any]], page_no: int) -> Optional[_Table]:
    """The table as a grid block (spans from cell geometry), or None when it is layout."""
    cells: list[_BBox] = table.cells
    xs = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    x1, bottom = table.bbox[2], table.bbox[3]
    col_edges = xs + [x1]
    row_edges = tops + [bottom]
    index = {(c[1], c[0]): c for c in cells}
    table_chars = [c for c in chars if _centre_in(c, table.bbox)]
    grid = GridBuilder()
    for r, top in enumerate(tops):
        for k, x in enumerate(xs):
            cell = index.get((top, x))
            if cell is not None:
                grid.place(r, k, _cell_text(table_chars, cell))
                continue
            cx, cy = (x + col_edges[k + 1]) / 2, (top + row_edges[r + 1]) / 2
            cover = next((c for c in cells if c[0] <= cx < c[2] and c[1] <= cy < c[3]), None)
            if cover is not None:
                grid.cover(r, k, (tops.index(cover[1]), xs.index(cover[0])))
            else:  # a hole in the rulings: keep whatever text is there
                grid.place(r, k, _cell_text(table_chars, (x, top, col_edges[k + 1], row_edges[r + 1])))
    block = grid.block(page=page_no)
    if not block.rows or looks_like_layout(block.rows):
        return None
    return _Table(block=block, bbox=table.bbox, col_xs=col_edges)


def _page_tables(ruled: Page, page_no: int) -> list[_Table]:
    edges = ruled.edges
    settings = dict(TABLE_SETTINGS)
    extra = _closing_edges(edges)
    if extra:
        settings["explicit_horizontal_lines"] = extra
    found = ruled.find_tables(table_settings=settings)
    chars = ruled.chars
    return [t for t in (_table_grid(table, chars, page_no) for table in found) if t is not None]


# --------------------------------------------------------------------------- pages
def _read_page(page: Page, page_no: int) -> _Page:
    ruled = page.filter(_is_ruling_or_text)
    tables = _page_tables(ruled, page_no)
    boxes = [t.bbox for t in tables]
    outside = ruled.filter(lambda o: o.get("object_type") != "char" or not any(_centre_in(o, b) for b in boxes))
    out = _Page(number=page_no, height=float(page.height))
    for line in outside.extract_text_lines(return_chars=False, **TEXT_SETTINGS):
        text = line["text"].strip()
        if text:
            out.items.append((line["top"], text))
    for t in tables:
        out.items.append((t.bbox[1], t))
    out.items.sort(key=lambda item: item[0])
    return out


def _is_furniture(top: float, text: str, page: _Page) -> bool:
    in_margin = top < MARGIN_SHARE * page.height or top > (1 - MARGIN_SHARE) * page.height
    return in_margin and len(text) <= FURNITURE_MAX_CHARS


def _edge_table(page: _Page, last: bool) -> Optional[_Table]:
    """The table that ends (last=True) or starts the page, with only furniture beyond it."""
    items = reversed(page.items) if last else iter(page.items)
    for top, item in items:
        if isinstance(item, _Table):
            return item
        if not _is_furniture(top, item, page):
            return None
    return None


def _drop_repeated_header(block: RawBlock, head: RawBlock) -> None:
    """Drop the leading rows of a continuation that repeat the first rows of the table it continues
    (a header repeated on each page), unless a span of a kept row reaches into them."""
    k = 0
    while k < min(len(block.rows) - 1, len(head.rows)) and any(block.rows[k]) and block.rows[k] == head.rows[k]:
        k += 1
    if k == 0 or any(r >= k and origin[0] < k for (r, _), origin in block.spans.items()):
        return
    block.rows = block.rows[k:]
    block.spans = {(r - k, c): (o_r - k, o_c) for (r, c), (o_r, o_c) in block.spans.items() if r >= k}


def _mark_continuations(pages: list[_Page]) -> None:
    head_of: dict[int, RawBlock] = {}  # id(table block) -> first block of its chain of pages
    for prev, page in zip(pages, pages[1:]):
        if page.number != prev.number + 1:
            continue
        before, after = _edge_table(prev, last=True), _edge_table(page, last=False)
        if before is not None and after is not None and len(before.col_xs) == len(after.col_xs):
            after.block.continues = True
            head = head_of.get(id(before.block), before.block)
            head_of[id(after.block)] = head
            _drop_repeated_header(after.block, head)


def _blocks(pages: list[_Page]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for page in pages:
        lines: list[str] = []
        for _, item in page.items:
            if isinstance(item, str):
                lines.append(item)
                continue
            if lines:
                blocks.append(RawBlock(kind="text", text="\n".join(lines), page=page.number))
                lines = []
            blocks.append(item.block)
        if lines:
            blocks.append(RawBlock(kind="text", text="\n".join(lines), page=page.number))
    return blocks


# --------------------------------------------------------------------------- document
def _decode_info(value: Any) -> Optional[str]:
    """A PDF info string: UTF-16 with either BOM (some producers write little-endian), else
    PDFDocEncoding (close enough to latin-1 for a title)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes):
        return None
    for bom, enc in ((b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")):
        if value.startswith(bom):
            return value[2:].decode(enc, errors="replace")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


_FILE_TITLE = re.compile(r"^(?:Microsoft Word - )?(.*?)(?:\.(?:docx?|wps|pdf|txt))?$", re.I)
#: titles producers write when the author gave none
_PLACEHOLDER_TITLES = frozenset(("(anonymous)", "untitled", "无标题", "title"))


def _title(pdf: pdfplumber.PDF) -> Optional[str]:
    info = pdf.doc.info[0] if pdf.doc.info else {}
    raw = info.get("Title")
    title = _decode_info(getattr(raw, "resolve", lambda: raw)())
    if not title:
        return None
    title = _FILE_TITLE.sub(r"\1", title.replace("\x00", "").strip()).strip()
    return title if title and title.lower() not in _PLACEHOLDER_TITLES else None


def _is_cut_off(data: bytes) -> bool:
    return b"%%EOF" not in data[-2048:]


def _broken(path: str, data: bytes, detail: str) -> UnreadableInput:
    what = "truncated PDF (no %%EOF marker: the file is cut off)" if _is_cut_off(data) else "corrupt PDF"
    return UnreadableInput(f"{path}: {what}: {detail}")


def _open(data: bytes, path: str) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise UnreadableInput(f"{path}: encrypted PDF that needs a password (or an unsupported encryption)") from None
        raise _broken(path, data, f"{type(cause).__name__}: {cause}") from None


def _text_warnings(pages: list[_Page], empty: list[int], n_pages: int, path: str) -> list[str]:
    warnings: list[str] = []
    if empty:
        if len(empty) == n_pages:
            raise UnreadableInput(f"{path}: PDF has no text layer (scanned image?): OCR is out of scope")
        listed = ", ".join(map(str, empty[:20])) + (" ..." if len(empty) > 20 else "")
        warnings.append(f"PDF pages {listed} have no text layer (scanned image?): OCR is out of scope")
    text = "".join(
        item if isinstance(item, str) else "".join(c or "" for row in item.block.rows for c in row)
        for page in pages
        for _, item in page.items
    )
    n_cid = len(_CID.findall(text))
    if n_cid and n_cid * 8 > CID_WARN_SHARE * max(1, len(text)):
        warnings.append(f"PDF text layer is unusable: glyphs without Unicode mapping ((cid:NN), {n_cid} of them)")
    return warnings


def load_pdf(data: bytes, path: str, sha: str) -> RawDocument:
    """Load a PDF (see the module doc)."""
    # junk before the header shifts every offset of the cross-reference table: drop it
    data = data[max(0, data.find(b"%PDF-")) :]
    warnings: list[str] = []
    if _is_cut_off(data):
        warnings.append("PDF has no %%EOF marker at its end: the file may be cut off")
    with _open(data, path) as pdf:
        try:
            raw_pages = pdf.pages
        except Exception as e:  # pdfminer raises many kinds on a broken page tree
            raise _broken(path, data, f"cannot read its pages ({type(e).__name__}: {e})") from None
        if not raw_pages:
            raise _broken(path, data, "no pages")
        pages: list[_Page] = []
        empty: list[int] = []
        for no, page in enumerate(raw_pages, start=1):
            try:
                if not any(not c["text"].isspace() for c in page.chars):
                    empty.append(no)
                    continue
                pages.append(_read_page(page, no))
            except Exception as e:  # one broken content stream must not lose the other pages
                warnings.append(f"PDF page {no} could not be read ({type(e).__name__}: {e})")
            finally:
                page.close()
        warnings += _text_warnings(pages, empty, len(raw_pages), path)
        _mark_continuations(pages)
        title = _title(pdf)
        n_pages = len(raw_pages)
    return RawDocument(
        path=path, sha256=sha, kind="pdf", blocks=_blocks(pages), n_pages=n_pages, title=title, warnings=warnings
    )
