"""Table identities (勾稽关系) and derived group totals. (Being written by the tables work.)"""
from __future__ import annotations

from ..model import Check, Meta, Value


def derive_values(values: list[Value]) -> list[Value]:
    return []


def check_identities(values: list[Value], meta: Meta) -> list[Check]:
    return []
