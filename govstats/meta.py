"""Report metadata: agency, year, region, level, edition, doc kind, script. (Being written.)"""
from __future__ import annotations

import re

from .model import Document, Grid, Meta

_REPORT_WORDS = re.compile(r"信息公开|政务公开|政府信息|依申请公开|主动公开")


def looks_like_report(doc: Document) -> tuple[bool, str]:
    if not doc.text.strip():
        return False, "no text"
    if not _REPORT_WORDS.search(doc.text):
        return False, "no information-disclosure vocabulary (信息公开/政务公开) in the text"
    return True, ""


def extract_meta(doc: Document, grids: list[Grid]) -> Meta:
    return Meta(script=doc.script, source=doc.path, sha256=doc.sha256)
