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
from typing import Iterable, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import harmonize as hz
from ..checks import cross_year
from . import corrections as corr
from .cache import Cache
from .files import Staged
from .inputs import InputFile
from .schema import CHECKS, CONTEXT, HARMONIZED, MANIFEST, PARSED, REPORTS, VALUES, TableSchema, to_frame

PARSED_OK = ("ok", "warning")
CONTEXT_TABLE = TableSchema("context", CONTEXT)
_SELECT = ["report_id", "indicator", "applicant", "value", "source", "approximate", "span_start"]  # what harmonizing reads
_KEEP = ["report_id", "indicator", "applicant", "value"]  # what cross-year checks read
HARMONIZE_BATCH = 250  # reports harmonized together


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
    cols = ["sha256", "status", "error", "seconds", "n_values", "n_warnings", "parser_version"]
    by_sha = parsed[cols].set_index("sha256").to_dict("index")
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
    """A Parquet writer onto a staged temp file, fed with Arrow tables or frames of its schema."""

    def __init__(self, staged: Staged, name: str, schema: TableSchema) -> None:
        self.schema = schema
        self.writer = pq.ParquetWriter(staged.temp(f"{name}.parquet"), schema.arrow, compression="zstd")
        self.rows = 0

    def write(self, data: pa.Table | pd.DataFrame) -> None:
        table = data if isinstance(data, pa.Table) else self.schema.from_frame(data)
        if table.num_rows:
            self.writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()


def _with_context(part: pa.Table, ctx: pa.Table, schema: TableSchema, **constants: str) -> pa.Table:
    """``part`` rows as ``schema`` rows: the report columns taken from ``ctx`` by report_id (an Arrow
    join: no pandas round trip), the others from ``part``, ``constants`` filled in, the rest null."""
    idx = pc.index_in(part.column("report_id"), value_set=ctx.column("report_id"))
    known = pc.is_valid(idx)
    if not pc.all(known).as_py():
        part, idx = part.filter(known), idx.filter(known)
    arrays = []
    for name, typ in schema.columns:
        if name in ctx.column_names and name != "report_id":
            arrays.append(ctx.column(name).take(idx))
        elif name in part.column_names:
            arrays.append(part.column(name))
        elif name in constants:
            arrays.append(pa.array([constants[name]] * part.num_rows, typ))
        else:
            arrays.append(pa.nulls(part.num_rows, typ))
    return pa.Table.from_arrays(arrays, schema=schema.arrow)


def _corrected(table: pa.Table, fixes: dict[str, list[corr.Correction]], ctx: pa.Table) -> Optional[pa.Table]:
    """The correction rows (``VALUES`` schema) of the reports in this part's ``table``, if any."""
    ids = set(pc.unique(table.column("report_id")).to_pylist())
    if not ids & fixes.keys():
        return None
    rows = corr.correction_rows(to_frame(table), fixes)
    return _with_context(VALUES.from_frame(rows), ctx, VALUES)


def _stream_values(cache: Cache, by_part: dict[str, list[str]], reports: pd.DataFrame, ctx: pa.Table,
                   fixes: dict[str, list[corr.Correction]], staged: Staged) -> tuple[int, pd.DataFrame]:
    """Write values.parquet and harmonized.parquet; return (value rows, values kept for cross-year checks)."""
    primary = reports[reports["primary"]]
    paired = set(cross_year.paired_reports(primary))
    values_out = _Writer(staged, "values", VALUES)
    harmonized_out = _Writer(staged, "harmonized", HARMONIZED)
    keep: list[pd.DataFrame] = []
    try:
        for part, shas in by_part.items():
            table = cache.read(part, "values", shas)
            values_out.write(_with_context(table, ctx, VALUES))
            fixed = _corrected(table, fixes, ctx)
            if fixed is not None:
                values_out.write(fixed)
            mine = primary[primary["sha256"].isin(shas)]
            core = pa.concat_tables([t.select(_SELECT).replace_schema_metadata(None)
                                     for t in (table, fixed) if t is not None])
            for start in range(0, len(mine), HARMONIZE_BATCH):  # slices keep the pandas working set small
                batch = mine.iloc[start : start + HARMONIZE_BATCH]
                ids = pa.array(batch["report_id"].tolist(), pa.string())
                selected = hz.select_values(to_frame(core.filter(pc.is_in(core.column("report_id"), ids))))
                harmonized_out.write(hz.harmonize_selected(selected, batch))
                wanted = selected["indicator"].isin(cross_year.INDICATORS) & selected["report_id"].isin(paired)
                keep.append(selected.loc[wanted, _KEEP])
    finally:
        values_out.close()
        harmonized_out.close()
    kept = pd.concat(keep, ignore_index=True) if keep else pd.DataFrame(columns=_KEEP)
    return values_out.rows, kept


def _stream_checks(cache: Cache, by_part: dict[str, list[str]], ctx: pa.Table, cross: pd.DataFrame,
                   staged: Staged) -> int:
    """Write checks.parquet (report checks, then cross-year checks); return the failed ones."""
    out = _Writer(staged, "checks", CHECKS)
    failed = 0
    try:
        for part, shas in by_part.items():
            table = _with_context(cache.read(part, "checks", shas), ctx, CHECKS, scope="report")
            failed += pc.sum(pc.equal(table.column("status"), "fail")).as_py() or 0
            out.write(table)
        xc = _with_context(CHECKS.from_frame(cross.assign(scope="cross_year")), ctx, CHECKS)
        failed += pc.sum(pc.equal(xc.column("status"), "fail")).as_py() or 0
        out.write(xc)
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
    ctx = CONTEXT_TABLE.from_frame(reports)
    n_values, kept = _stream_values(cache, by_part, reports, ctx, resolved, staged)
    cross = cross_year.cross_year_checks(kept, reports[reports["primary"]])
    n_failed = _stream_checks(cache, by_part, ctx, cross, staged)
    pq.write_table(REPORTS.from_frame(reports), staged.temp("reports.parquet"), compression="zstd")
    pq.write_table(MANIFEST.from_frame(manifest), staged.temp("manifest.parquet"), compression="zstd")
    return Assembled(Counter(manifest["status"]), n_values, n_failed, warnings)


__all__ = ["Assembled", "assemble"]
