"""Assembling the output tables from the cache parts, streamed part by part (memory stays flat).

Per part: its values (plus corrections) get the report context columns and are appended to
``values.parquet``; its primary reports are harmonized into ``harmonized.parquet``; the few values
cross-year checks read are kept aside. Its checks go to ``checks.parquet``, then the cross-year
checks. ``reports.parquet`` and ``manifest.parquet`` (one row per report / input) are small and
written whole. Everything is written to temp files of a ``Staged`` group; the caller commits it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd
import pyarrow.parquet as pq

from .. import harmonize as hz
from ..checks import cross_year
from . import corrections as corr
from .cache import Cache
from .files import Staged
from .inputs import InputFile
from .schema import CHECKS, CONTEXT, HARMONIZED, MANIFEST, PARSED, REPORTS, VALUES, to_frame

PARSED_OK = ("ok", "warning")
_CONTEXT = [c for c, _ in CONTEXT]


@dataclass
class Assembled:
    statuses: Counter = field(default_factory=Counter)  # manifest status -> files
    n_values: int = 0
    n_failed_checks: int = 0
    warnings: list[str] = field(default_factory=list)


def _parsed_rows(cache: Cache, live: set[str], uncached: dict[str, dict]) -> pd.DataFrame:
    tables = [cache.read(part, "parsed", shas) for part, shas in cache.live_by_part(live).items()]
    frames = [to_frame(t) for t in tables]
    if uncached:
        frames.append(to_frame(PARSED.from_rows(list(uncached.values()))))
    if not frames:
        return to_frame(PARSED.empty())
    return pd.concat(frames, ignore_index=True).drop_duplicates("sha256", keep="last")


def _manifest(files: list[InputFile], parsed: pd.DataFrame, cached: set[str]) -> pd.DataFrame:
    by_sha = parsed.set_index("sha256").to_dict("index")
    rows = []
    for f in files:
        row = {"source_path": f.source_path, "sha256": f.sha256, "size": f.size, "mtime_ns": f.mtime_ns,
               "status": f.status, "error": f.error, "report_id": f.report_id, "synthetic": f.synthetic,
               "cached": False}
        if f.to_parse and f.sha256 in by_sha:
            p = by_sha[f.sha256]
            row.update(status=p["status"], error=p["error"], seconds=p["seconds"], n_values=p["n_values"],
                       n_warnings=p["n_warnings"], parser_version=p["parser_version"], cached=f.sha256 in cached)
        elif f.to_parse:
            row.update(status="failed", error="no parse result (internal error)")
        rows.append(row)
    return pd.DataFrame(rows, columns=MANIFEST.names)


def _reports(files: list[InputFile], parsed: pd.DataFrame) -> pd.DataFrame:
    where = pd.DataFrame([(f.sha256, f.source_path, f.synthetic) for f in files if f.to_parse and f.sha256],
                         columns=["sha256", "source_path", "synthetic"])
    ok = parsed[parsed["status"].isin(PARSED_OK)]
    rep = ok.merge(where, on="sha256", how="inner")
    rep["synthetic"] = rep["synthetic"].astype("boolean")
    primary = hz.primary_reports(rep)
    rep["primary"] = rep["report_id"].isin(primary["report_id"])
    return rep.sort_values("source_path", ignore_index=True)


class _Writer:
    """A Parquet writer onto a staged temp file, fed with frames."""

    def __init__(self, staged: Staged, name: str, schema) -> None:
        self.schema = schema
        self.writer = pq.ParquetWriter(staged.temp(f"{name}.parquet"), schema.arrow, compression="zstd")
        self.rows = 0

    def write(self, df: pd.DataFrame) -> None:
        if len(df):
            self.writer.write_table(self.schema.from_frame(df))
            self.rows += len(df)

    def close(self) -> None:
        self.writer.close()


def _stream_values(cache: Cache, by_part: dict[str, list[str]], reports: pd.DataFrame,
                   fixes: dict[str, list[corr.Correction]], staged: Staged) -> tuple[int, pd.DataFrame]:
    """Write values.parquet and harmonized.parquet; return (value rows, values kept for cross-year checks)."""
    ctx = reports[_CONTEXT]
    primary = reports[reports["primary"]]
    values_out = _Writer(staged, "values", VALUES)
    harmonized_out = _Writer(staged, "harmonized", HARMONIZED)
    keep: list[pd.DataFrame] = []
    try:
        for part, shas in by_part.items():
            pv = to_frame(cache.read(part, "values", shas))
            fixed = corr.correction_rows(pv, fixes)
            if len(fixed):
                fixed = fixed.astype({c: pv[c].dtype for c in fixed.columns if c in pv.columns} | {"original_value": "Float64"})
                pv = pd.concat([pv, fixed], ignore_index=True)
            values_out.write(pv.merge(ctx, on="report_id", how="inner"))
            mine = primary[primary["sha256"].isin(shas)]
            if len(mine):
                pv_primary = pv[pv["report_id"].isin(mine["report_id"])]
                harmonized_out.write(hz.harmonize(pv_primary, mine))
                wanted = pv_primary[pv_primary["indicator"].isin(cross_year.INDICATORS)]
                keep.append(hz.select_values(wanted)[["report_id", "indicator", "applicant", "value"]])
    finally:
        values_out.close()
        harmonized_out.close()
    kept = pd.concat(keep, ignore_index=True) if keep else pd.DataFrame(columns=["report_id", "indicator", "applicant", "value"])
    return values_out.rows, kept


def _stream_checks(cache: Cache, by_part: dict[str, list[str]], reports: pd.DataFrame, cross: pd.DataFrame,
                   staged: Staged) -> int:
    """Write checks.parquet (report checks, then cross-year checks); return the failed ones."""
    ctx = reports[_CONTEXT]
    out = _Writer(staged, "checks", CHECKS)
    failed = 0
    try:
        for part, shas in by_part.items():
            pc = to_frame(cache.read(part, "checks", shas)).merge(ctx, on="report_id", how="inner")
            failed += int((pc["status"] == "fail").sum())
            out.write(pc.assign(scope="report"))
        xc = cross.merge(ctx, on="report_id", how="inner")
        failed += int((xc["status"] == "fail").sum())
        out.write(xc.assign(scope="cross_year"))
    finally:
        out.close()
    return failed


def assemble(files: list[InputFile], cache: Cache, cached: set[str], uncached: dict[str, dict],
             fixes: Iterable[corr.Correction], staged: Staged) -> Assembled:
    """Write the five tables (staged) from ``files`` and their cached parse results.

    ``cached``: sha256s whose results came from an earlier build; ``uncached``: parsed rows kept out
    of the cache (worker crashes, retried next time).
    """
    live = {f.sha256 for f in files if f.to_parse and f.sha256}
    parsed = _parsed_rows(cache, live, uncached)
    manifest = _manifest(files, parsed, cached)
    reports = _reports(files, parsed)
    resolved, warnings = corr.resolve(fixes, reports)
    ok_shas = set(reports["sha256"])
    by_part = {p: [s for s in shas if s in ok_shas] for p, shas in cache.live_by_part(ok_shas).items()}
    n_values, kept = _stream_values(cache, by_part, reports, resolved, staged)
    primary = reports[reports["primary"]]
    cross = cross_year.cross_year_checks(kept, primary)
    n_failed = _stream_checks(cache, by_part, reports, cross, staged)
    pq.write_table(REPORTS.from_frame(reports), staged.temp("reports.parquet"), compression="zstd")
    pq.write_table(MANIFEST.from_frame(manifest), staged.temp("manifest.parquet"), compression="zstd")
    return Assembled(Counter(manifest["status"]), n_values, n_failed, warnings)


__all__ = ["Assembled", "assemble"]
