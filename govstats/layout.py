"""Table-shaped text -> grids. (Filled in by the tables work; see ``find_grids``.)"""
from __future__ import annotations

from .model import Document, Grid


def find_grids(doc: Document) -> list[Grid]:
    """Grids found in the normalized text of ``doc``, outside regions already covered by ``doc.grids``."""
    return []
