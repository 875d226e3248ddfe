"""``govstats check``: failed checks of a built dataset, by rule and by agency, as text."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..errors import InputMissing
from .schema import to_frame

_STATUS_ORDER = ["fail", "uncertain", "not_assessable", "pass"]


def _table(df: pd.DataFrame) -> str:
    return df.to_string() if len(df) else "  (none)"


def check_report(folder: Path, top: int = 20) -> str:
    """Counts of check results by rule (all statuses) and failed checks by agency (the ``top`` most)."""
    path = folder / "checks.parquet"
    if not path.is_file():
        raise InputMissing(f"{path}: no such file (run `govstats build` first)")
    checks = to_frame(pq.read_table(path, columns=["check", "status", "agency", "agency_key", "scope"]))
    failed = checks[checks["status"] == "fail"]
    lines = [f"{len(checks)} check results, {len(failed)} failed ({path})", ""]
    by_rule = checks.pivot_table(index="check", columns="status", aggfunc="size", fill_value=0)
    by_rule = by_rule.reindex(columns=[s for s in _STATUS_ORDER if s in by_rule.columns])
    if "fail" in by_rule.columns:
        by_rule = by_rule.sort_values("fail", ascending=False, kind="stable")
    lines += ["check results by rule:", _table(by_rule), ""]
    by_agency = (failed.assign(agency=failed["agency"].fillna("(unknown agency)"))
                 .groupby(["agency", "agency_key"], dropna=False).size().rename("failed")
                 .sort_values(ascending=False, kind="stable").head(top).reset_index())
    lines += [f"failed checks by agency (top {top}):", _table(by_agency.set_index("agency")), ""]
    return "\n".join(lines)


__all__ = ["check_report"]
