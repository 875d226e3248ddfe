"""The whole chain for one report: load -> normalize -> layout -> meta -> extract -> validate.

``parse_file(path)`` is contract 1 of DESIGN.md (``govstats parse FILE --json``). Each stage is a
function of its own module and can be called alone; this module only wires them together.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import layout, meta as meta_mod, validate
from .errors import NotAReport
from .extract import narrative, tables
from .load import load, load_bytes
from .model import Document, ParseResult, RawDocument
from .normalize import normalize


def parse_document(doc: Document) -> ParseResult:
    """Parse an already normalized document."""
    ok, reason = meta_mod.looks_like_report(doc)
    if not ok:
        raise NotAReport(f"{doc.path}: not a government information-disclosure report ({reason})")
    grids = list(doc.grids) + layout.find_grids(doc)
    meta = meta_mod.extract_meta(doc, grids)
    warnings: list[str] = list(doc.warnings)
    tvalues, tw = tables.extract_tables(doc, grids, meta)
    nvalues, nw = narrative.extract_narrative(doc, meta, tvalues)
    warnings += tw + nw
    values = tvalues + nvalues
    pooled = validate.table_pool(values)  # pooled once for derive and validate
    values += validate.derive(values, pooled)
    checks = validate.validate(values, meta, doc, pooled)
    return ParseResult(meta=meta, values=values, checks=checks, warnings=_dedupe(warnings), document=doc)


def parse_raw(raw: RawDocument) -> ParseResult:
    return parse_document(normalize(raw))


def parse_file(path: str | Path) -> ParseResult:
    return parse_raw(load(path))


def parse_bytes(data: bytes, path: str = "<bytes>") -> ParseResult:
    return parse_raw(load_bytes(data, path))


def parse_text(text: str, path: str = "<text>") -> ParseResult:
    return parse_bytes(text.encode("utf-8"), path)


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for w in items:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def normalized_text(path: str | Path) -> str:
    """What ``govstats parse FILE --text`` prints: the normalized text that spans index."""
    return normalize(load(path)).text


__all__ = ["parse_file", "parse_bytes", "parse_text", "parse_document", "parse_raw", "normalized_text"]
