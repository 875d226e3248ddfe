"""Validation: every check of DESIGN.md, each result pass / fail / uncertain / not_assessable.

Checks warn; they never reject a report or alter a printed value. The rules live in
``govstats.checks``: ``identities`` (勾稽关系 of the 2019/2021 tables and the legacy 统计表, plus the
derived group totals the forms do not print) and ``narrative`` (prose vs table, stated percentages).
Cross-year checks need several reports and run in ``govstats.dataset``.
"""
from __future__ import annotations

from typing import Optional

from .checks import identities, narrative
from .checks.identities import TablePool
from .model import Check, Document, Meta, Value


def table_pool(values: list[Value]) -> TablePool:
    """The table values of a report pooled once for ``derive`` and ``validate`` (optional: each
    pools ``values`` itself when not given one)."""
    return TablePool(values)


def derive(values: list[Value], pooled: Optional[TablePool] = None) -> list[Value]:
    """Values the form does not print but that follow from printed ones (``source="derived"``).

    ``pooled``: ``table_pool(values)``, to be given to ``validate`` next."""
    return identities.derive_values(values) if pooled is None else pooled.derive()


def validate(values: list[Value], meta: Meta, doc: Optional[Document] = None, pooled: Optional[TablePool] = None) -> list[Check]:
    """``pooled``: the pool that gave the derived values in ``values`` (see ``derive``)."""
    return identities.check_identities(values, meta, pooled) + narrative.check_narrative(values, meta, doc)
