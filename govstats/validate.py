"""Identities (勾稽关系), narrative vs table, stated percentages. (Filled in by the tables work.)"""
from __future__ import annotations

from typing import Optional

from .model import Check, Document, Meta, Value


def derive(values: list[Value]) -> list[Value]:
    return []


def validate(values: list[Value], meta: Meta, doc: Optional[Document] = None) -> list[Check]:
    return []
