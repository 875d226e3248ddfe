"""Researchers' corrections (``data/corrections.csv``), applied on every build, never lost.

Columns: ``report`` (report_id, sha256 or a prefix of at least 8 hex digits, source path, or the end
of a source path such as ``raw/x.txt``), ``indicator``, ``applicant`` (default total), ``value``
(empty = the value is missing), ``reason``, ``who``.

A correction adds a row to ``values.parquet`` with ``source="correction"``, the corrected value,
``original_value`` (the printed value it replaces, kept in its own row too: nothing printed is
lost), ``note="correction: <reason>"`` and ``corrected_by``. Harmonized series and cross-year
checks use the corrected value; the report's own checks keep judging the printed numbers.
A correction whose report matches nothing (or several reports), or whose indicator is unknown,
is not applied and is reported as a build warning.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from ..codebook import indicators, unit as unit_of
from ..harmonize import select_values

COLUMNS = ("report", "indicator", "applicant", "value", "reason", "who")
REQUIRED = ("report", "indicator", "value")
_HEX = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass(frozen=True)
class Correction:
    line: int
    report: str
    indicator: str
    applicant: str
    value: Optional[float]
    reason: str
    who: str

    def describe(self) -> str:
        return f"correction line {self.line} (report {self.report!r}, {self.indicator}@{self.applicant})"


def read(path: Optional[Path]) -> tuple[list[Correction], list[str]]:
    """The corrections of ``path`` (none when it does not exist) and warnings for malformed rows."""
    if path is None or not path.is_file():
        return [], []
    out: list[Correction] = []
    warnings: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            return [], [f"{path}: no column {', '.join(missing)} (columns: {', '.join(COLUMNS)}); no correction applied"]
        for n, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(row.values()):
                continue
            raw_value = row.get("value", "").replace(",", "")
            try:
                value = float(raw_value) if raw_value else None
            except ValueError:
                warnings.append(f"{path}: line {n}: value {raw_value!r} is not a number; correction not applied")
                continue
            c = Correction(n, row.get("report", ""), row.get("indicator", ""), row.get("applicant") or "total",
                           value, row.get("reason", ""), row.get("who", ""))
            if not c.report or c.indicator not in indicators():
                warnings.append(f"{path}: {c.describe()}: unknown indicator or no report; not applied")
                continue
            out.append(c)
    return out, warnings


def _matches(key: str, reports: pd.DataFrame) -> pd.Series:
    paths = reports["source_path"].astype(str)
    m = (reports["report_id"] == key) | (paths == key) | paths.str.endswith("/" + key.lstrip("/"))
    if _HEX.match(key):
        m |= reports["sha256"].astype(str).str.startswith(key)
    return m.fillna(False).astype(bool)


def named_reports(corrections: Iterable[Correction], reports: pd.DataFrame) -> set[str]:
    """report_ids of ``reports`` (report_id, source_path, sha256) that some correction names (a
    superset of what ``resolve`` applies: it is known before any report is parsed)."""
    out: set[str] = set()
    for c in corrections:
        out.update(reports.loc[_matches(c.report, reports), "report_id"])
    return out


def resolve(corrections: Iterable[Correction], reports: pd.DataFrame) -> tuple[dict[str, list[Correction]], list[str]]:
    """report_id -> its corrections (later lines win on the same value), and warnings for the others."""
    by_report: dict[str, dict[tuple[str, str], Correction]] = {}
    warnings: list[str] = []
    for c in corrections:
        hits = reports.loc[_matches(c.report, reports), "report_id"].unique()
        if len(hits) != 1:
            what = "matches no report" if len(hits) == 0 else f"matches {len(hits)} reports"
            warnings.append(f"{c.describe()} {what}; not applied")
            continue
        slot = by_report.setdefault(str(hits[0]), {})
        if (c.indicator, c.applicant) in slot:
            warnings.append(f"{c.describe()} overrides line {slot[(c.indicator, c.applicant)].line}")
        slot[(c.indicator, c.applicant)] = c
    return {rid: list(cs.values()) for rid, cs in by_report.items()}, warnings


def correction_rows(values: pd.DataFrame, by_report: dict[str, list[Correction]]) -> pd.DataFrame:
    """Rows (``PART_VALUES`` columns + original_value, corrected_by) for the corrections of the reports in ``values``."""
    todo = [(rid, c) for rid in values["report_id"].unique() for c in by_report.get(rid, ())]
    if not todo:
        return pd.DataFrame()
    printed = select_values(values[values["source"] != "correction"]).set_index(["report_id", "indicator", "applicant"])
    rows = []
    for rid, c in todo:
        key = (rid, c.indicator, c.applicant)
        orig = printed.loc[key] if key in printed.index else None
        unit = unit_of(c.indicator)
        rows.append({
            "report_id": rid, "indicator": c.indicator, "applicant": c.applicant, "value": c.value,
            "count": int(c.value) if c.value is not None and unit != "万元" and float(c.value).is_integer() else None,
            "unit": unit, "source": "correction", "approximate": False,
            "label": None if orig is None else orig["label"], "evidence": None if orig is None else orig["evidence"],
            "span_start": None if orig is None else orig["span_start"], "span_end": None if orig is None else orig["span_end"],
            "table": None if orig is None else orig["table"], "raw": None if orig is None else orig["raw"],
            "original_value": None if orig is None else orig["value"],
            "note": f"correction: {c.reason}" if c.reason else "correction", "corrected_by": c.who or None,
        })
    return pd.DataFrame(rows)


__all__ = ["COLUMNS", "REQUIRED", "Correction", "correction_rows", "named_reports", "read", "resolve"]
