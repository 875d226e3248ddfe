"""Grids -> values, matched by label through the codebook. (Filled in by the tables work.)"""
from __future__ import annotations

from ..model import Document, Grid, Meta, Value


def extract_tables(doc: Document, grids: list[Grid], meta: Meta) -> tuple[list[Value], list[str]]:
    return [], []
