"""Word rendering (python-docx): paragraphs and real Word tables with merged cells."""
from __future__ import annotations

import io

from .document import Table, build, translator
from .spec import ReportSpec


def _add_table(doc, table: Table) -> None:
    t = doc.add_table(rows=len(table.rows), cols=table.n_cols)
    t.style = "Table Grid"
    cells = [list(row.cells) for row in t.rows]
    for row in table.origins():
        for r, c, cell in row:
            target = cells[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
            if cell.text:
                target.text = cell.text


def render_docx(spec: ReportSpec) -> bytes:
    """The report as a .docx file."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.core_properties.title = translator(spec)(spec.meta["title"] or spec.meta["agency"])
    for block in build(spec):
        if block.table is not None:
            _add_table(doc, block.table)
        elif block.kind == "heading":
            doc.add_heading(block.text, level=2)
        else:
            p = doc.add_paragraph(block.text)
            if block.kind == "title":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.runs[0].bold = True
            elif block.kind == "signature":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
