"""The data model shared by every stage of the pipeline.

Flow (one direction only)::

    load      bytes            -> RawDocument   (blocks of raw text and raw table grids)
    normalize RawDocument      -> Document      (normalized text; grids whose cells carry spans)
    meta      Document         -> Meta
    layout    Document         -> Grid[]        (table-shaped text -> grids; HTML/PDF/DOCX bring grids)
    extract   Document, Grid[] -> Value[]
    validate  Value[]          -> Check[]
    parse     path             -> ParseResult   (the whole chain; contract 1 of DESIGN.md)

Every stage is a plain function over these dataclasses, so each can be called alone.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

#: applicant values of contract 1, in the column order of table 三
APPLICANTS = ("natural_person", "business", "research", "social_org", "legal_service", "other_org")
APPLICANT_VALUES = ("total",) + APPLICANTS + ("legal_entities",)

EDITIONS = ("legacy", "gov2019", "gov2021", "narrative")
DOC_KINDS = ("annual_report", "self_check", "other")
SOURCES = ("table", "narrative", "derived", "correction")
CHECK_STATUSES = ("pass", "fail", "uncertain", "not_assessable")


# --------------------------------------------------------------------------- loading
@dataclass(slots=True)
class RawBlock:
    """One piece of a loaded document, in document order.

    kind "text": ``text`` holds a run of lines (a paragraph, a page of PDF text, a whole .txt file).
    kind "table": ``rows`` holds a rectangular grid of cell strings; a cell covered by a rowspan or
    colspan of another cell is ``None`` in ``rows`` and its origin is recorded in ``spans``
    (``(row, col) -> (origin_row, origin_col)``), so extractors can tell a copy from a real cell.
    """

    kind: str  # "text" | "table"
    text: str = ""
    rows: list[list[Optional[str]]] = field(default_factory=list)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    page: Optional[int] = None  # 1-based page number (PDF), else None
    continues: bool = False  # table block that continues the previous table block (next PDF page)


@dataclass
class RawDocument:
    """What a loader returns: blocks in document order plus provenance."""

    path: str
    sha256: str
    kind: str  # "text" | "html" | "pdf" | "docx"
    blocks: list[RawBlock]
    encoding: Optional[str] = None  # the decoding used (text/html)
    n_pages: Optional[int] = None
    title: Optional[str] = None  # <title> or PDF/DOCX metadata title, if any
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- normalized
@dataclass(slots=True)
class Cell:
    text: str  # normalized cell text ("" for an empty cell)
    start: int  # span in Document.text
    end: int
    origin: Optional[tuple[int, int]] = None  # set when this cell is a rowspan/colspan copy


@dataclass(slots=True)
class Grid:
    """A table as rows of cells. Built by loaders (HTML/PDF/DOCX) or by layout (text)."""

    rows: list[list[Optional[Cell]]]
    source: str  # "html" | "pdf" | "docx" | "text:<layout>"
    page: Optional[int] = None
    start: int = 0  # span of the whole table in Document.text
    end: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A normalized document. ``text`` is what ``govstats parse FILE --text`` prints; spans index it."""

    text: str
    grids: list[Grid]
    path: str
    sha256: str
    kind: str
    script: str  # script of the original: "simplified" | "traditional" | "unknown"
    encoding: Optional[str] = None
    n_pages: Optional[int] = None
    pages: list[tuple[int, int, int]] = field(default_factory=list)  # (page, start, end)
    title: Optional[str] = None
    header_meta: dict[str, str] = field(default_factory=dict)  # 索引号, 发布机构, 发布时间, 文号 ...
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, removed text) audit trail
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- results
@dataclass
class Meta:
    agency: Optional[str] = None
    year: Optional[int] = None
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None
    level: Optional[str] = None  # national | province | city | county
    edition: Optional[str] = None
    doc_kind: Optional[str] = None
    script: Optional[str] = None
    source: Optional[str] = None
    sha256: Optional[str] = None
    region_code: Optional[str] = None  # stable gazetteer id of the most specific region
    agency_key: Optional[str] = None  # canonical agency + region, stable across years
    title: Optional[str] = None
    published: Optional[str] = None  # publication date when stated (ISO), not the covered year
    evidence: dict[str, str] = field(default_factory=dict)  # field -> text it was read from


@dataclass(slots=True)
class Value:
    indicator: str
    value: Optional[float | int]
    applicant: str = "total"
    unit: Optional[str] = None
    source: str = "table"
    approximate: bool = False
    label: Optional[str] = None
    evidence: Optional[str] = None
    span: Optional[tuple[int, int]] = None
    note: Optional[str] = None  # "blank" | "not_applicable" | free text
    raw: Optional[str] = None  # the cell / phrase exactly as printed
    table: Optional[str] = None  # which table/section it came from (e.g. "sec3", "legacy")
    stated_share: Optional[float] = None  # a percentage printed with the number ("占2.73%"), as printed
    share_of: Optional[str] = None  # key of the total that percentage refers to (e.g. "requests.new")

    def key(self) -> str:
        return self.indicator if self.applicant == "total" else f"{self.indicator}@{self.applicant}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span) if self.span else None
        return d


@dataclass(slots=True)
class Check:
    check: str
    status: str  # pass | fail | uncertain | not_assessable
    applicant: str = "total"
    expected: Optional[float] = None
    observed: Optional[float] = None
    message: str = ""
    evidence: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParseResult:
    meta: Meta
    values: list[Value]
    checks: list[Check]
    warnings: list[str]
    document: Optional[Document] = None

    def to_json(self) -> dict[str, Any]:
        m = asdict(self.meta)
        return {
            "meta": m,
            "values": [v.to_json() for v in self.values],
            "checks": [c.to_json() for c in self.checks],
            "warnings": list(self.warnings),
        }
