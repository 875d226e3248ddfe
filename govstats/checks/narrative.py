"""Prose vs table and stated-percentage checks. (Being written by the narrative work.)"""
from __future__ import annotations

from typing import Optional

from ..model import Check, Document, Meta, Value


def check_narrative(values: list[Value], meta: Meta, doc: Optional[Document] = None) -> list[Check]:
    return []
