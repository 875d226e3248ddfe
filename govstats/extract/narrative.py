"""Numbers stated in prose -> values. (Filled in by the narrative work.)"""
from __future__ import annotations

from ..model import Document, Meta, Value


def extract_narrative(doc: Document, meta: Meta, table_values: list[Value]) -> tuple[list[Value], list[str]]:
    return [], []
