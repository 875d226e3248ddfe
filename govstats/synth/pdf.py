"""PDF rendering (reportlab, built-in CID font STSong-Light): flowing paragraphs, ruled tables
with spans that pdfplumber finds, tables breaking across pages, ``- n -`` page footers."""
from __future__ import annotations

import functools
import io
from xml.sax.saxutils import escape

from .document import Table, build, translator
from .spec import ReportSpec

FONT = "STSong-Light"
_WIDTH = 465.0  # usable width of an A4 page with the default margins, in points


@functools.lru_cache(maxsize=1)
def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    return {
        "para": body,
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=TA_CENTER, firstLineIndent=0,
                                spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=20, firstLineIndent=0, spaceBefore=4),
        "signature": ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK"),
    }


def _col_widths(table: Table) -> list[float]:
    if table.name == "sec3":
        return [18.0, 70.0, 110.0] + [(_WIDTH - 198.0) / 7] * 7
    if table.name == "legacy":
        return [_WIDTH - 150.0, 50.0, 100.0]
    first = 150.0
    return [first] + [(_WIDTH - first) / (table.n_cols - 1)] * (table.n_cols - 1)


def _flowable_table(table: Table):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    cell_style = _styles()["cell"]
    data = [["" for _ in range(table.n_cols)] for _ in table.grid]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (0, 0), (-1, -1), FONT, 7.5)]
    for row in table.origins():
        for r, c, cell in row:
            data[r][c] = Paragraph(escape(cell.text).replace("\n", "<br/>"), cell_style) if cell.text else ""
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    return RLTable(data, colWidths=_col_widths(table), style=commands, splitByRow=1)


def render_pdf(spec: ReportSpec) -> bytes:
    """The report as a PDF file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    story = []
    for block in build(spec):
        if block.table is not None:
            story += [Spacer(1, 4), _flowable_table(block.table), Spacer(1, 6)]
        else:
            style = styles.get(block.kind, styles["plain"] if block.kind in ("chrome", "meta", "notice") else styles["para"])
            story.append(Paragraph(escape(block.text), style))

    def footer(canvas, doc) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    title = translator(spec)(spec.meta["title"] or spec.meta["agency"])
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=title, author=translator(spec)(spec.meta["agency"]),
                      invariant=1).build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
