"""HTML rendering: a page with real ``<table>`` markup (rowspan/colspan, ``&nbsp;`` for blank
cells, ``<br />`` inside wrapped header cells), as in templates.md §5(e)."""
from __future__ import annotations

from html import escape

from .document import Block, Table, TCell, build, translator
from .spec import ReportSpec

_TAGS = {"notice": ('<p class="notice">', "</p>"), "chrome": ('<div class="crumb">', "</div>"),
         "meta": ('<div class="meta">', "</div>"), "title": ("<h1>", "</h1>"), "heading": ("<h2>", "</h2>"),
         "para": ("<p>", "</p>"), "signature": ('<p style="text-align:right">', "</p>")}


def _cell(cell: TCell) -> str:
    attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    body = "<br />".join(escape(line) for line in cell.text.split("\n")) if cell.text else "&nbsp;"
    if cell.kind in ("header", "caption"):
        body = f"<p>{body}</p>"
    return f"<td{attrs}>{body}</td>"


def table_html(table: Table) -> str:
    rows = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>\n" for row in table.rows)
    return f'<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n{rows}</tbody>\n</table>\n'


def _block(block: Block) -> str:
    if block.table is not None:
        return table_html(block.table)
    start, end = _TAGS[block.kind]
    return f"{start}{escape(block.text)}{end}\n"


def render_html(spec: ReportSpec) -> str:
    """The report as an HTML page (UTF-8)."""
    title = spec.meta["title"] or spec.meta["agency"]
    head = (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(translator(spec)(title))}</title>\n</head>\n<body>\n")
    return head + "".join(_block(b) for b in build(spec)) + "</body>\n</html>\n"
