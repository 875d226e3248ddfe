"""Validation: every check of DESIGN.md, each result pass / fail / uncertain / not_assessable.

Checks warn; they never reject a report or alter a printed value. The rules live in
``govstats.checks``: ``identities`` (勾稽关系 of the 2019/2021 tables and the legacy 统计表, plus the
derived group totals the forms do not print) and ``narrative`` (prose vs table, stated percentages).
Cross-year checks need several reports and run in ``govstats.dataset``.
"""
from __future__ import annotations

from typing import Optional

from .model import Check, Document, Meta, Value


def derive(values: list[Value]) -> list[Value]:
    """Values the form does not print but that follow from printed ones (``source="derived"``)."""
    from .checks.identities import derive_values

    return derive_values(values)


def validate(values: list[Value], meta: Meta, doc: Optional[Document] = None) -> list[Check]:
    from .checks import identities, narrative

    return identities.check_identities(values, meta) + narrative.check_narrative(values, meta, doc)
