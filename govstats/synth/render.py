"""``render(spec, fmt)``: one entry point for every output format."""
from __future__ import annotations

from typing import Optional

from .html import render_html
from .spec import FORMATS, ReportSpec
from .text import render_text

EXTENSIONS = {"txt": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def render(spec: ReportSpec, fmt: Optional[str] = None) -> bytes:
    """The report as file bytes: "txt" (UTF-8, tables in ``spec.layout``), "html", "docx" or "pdf".
    The default is the layout's own format (``spec.natural_format``)."""
    fmt = fmt or spec.natural_format
    if fmt == "txt":
        return render_text(spec).encode("utf-8")
    if fmt == "html":
        return render_html(spec).encode("utf-8")
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(spec)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(spec)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
