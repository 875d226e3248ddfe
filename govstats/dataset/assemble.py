"""Assembling the output tables while the inputs are parsed: one pass, memory flat.

Every batch of parse results (a cache part as it is written, or the live rows of an earlier part)
goes straight to the outputs (``Assembler.add``): its values and checks get the report context
columns and are appended to ``values.parquet`` / ``checks.parquet``; its reports are harmonized
(``govstats.harmonize.harmonized_rows``) and the rows spilled to a temp Arrow stream in OUT, since
which report represents an agency-year is known only at the end (the rows get their report
columns before they are spilled, so the end has only to drop the rows of other reports); the few
values cross-year checks read are kept aside, and so are the values of the reports a correction names.

At the end (``Assembler.finish``) the primary reports are known: the spilled rows of the primary
reports make ``harmonized.parquet`` (in a thread, beside the rest);
the reports a correction names get their correction rows, harmonized rows and cross-year values;
the cross-year checks are appended to checks.parquet; ``reports.parquet`` and ``manifest.parquet``
(one row per report / input, small) are written whole. Everything is written to temp files of a
``Staged`` group; the caller commits it. All of it is Arrow except the small per-report tables
(primary reports, corrections, cross-year pairs), which are pandas.
"""
from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import harmonize as hz
from ..checks import cross_year
from . import corrections as corr
from .files import Staged, temp_for
from .inputs import InputFile
from .schema import (CHECKS, CONTEXT, HARMONIZED, MANIFEST, PARSED, PART_VALUES, REPORTS, STR, STR_LIST, VALUES,
                     TableSchema, encoded_schema, take_encoded, to_frame)
from .worker import ChunkResult

PARSED_OK = ("ok", "warning")
_OUTCOME = ["status", "error", "seconds", "n_values", "n_warnings", "parser_version"]  # manifest columns from parsing
CONTEXT_TABLE = TableSchema("context", CONTEXT)
_KEEP = ["report_id", "indicator", "applicant", "value"]  # what cross-year checks read


@dataclass
class Assembled:
    statuses: Counter = field(default_factory=Counter)  # manifest status -> files
    n_values: int = 0
    n_failed_checks: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # spent assembling batches as they came (in the parse phase)


def _stats_columns(schema: TableSchema) -> list[str]:
    """The columns whose min/max statistics a big table keeps: all but the string ones. The tables
    are written a batch of reports at a time, so the range of a string column in a row group (ids
    that are hashes, names, indicator codes, text) is nearly the whole range and prunes nothing,
    while those statistics cost about a quarter of the Parquet encoding."""
    return [name for name, typ in schema.columns if typ not in (STR, STR_LIST)]


class _Writer:
    """A Parquet writer onto a staged temp file, fed with Arrow tables of its schema whose
    ``encoded`` string columns are dictionary arrays (``schema.take_encoded``).

    The file does not store the Arrow schema (``store_schema=False``; its pandas metadata is added
    back), so it reads back as ``schema``: plain string columns, nullable pandas dtypes.
    """

    def __init__(self, staged: Staged, name: str, schema: TableSchema, encoded: frozenset[str]) -> None:
        self.path = staged.temp(f"{name}.parquet")
        self.writer = pq.ParquetWriter(self.path, encoded_schema(schema, encoded), compression="zstd",
                                       write_statistics=_stats_columns(schema), store_schema=False)
        if schema.arrow.metadata:
            self.writer.add_key_value_metadata(schema.arrow.metadata)  # (store_schema=False leaves it out)
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()


#: the spill is compressed and read by one thread (Arrow's thread pool costs more than it saves here)
_SPILL_WRITE = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
_SPILL_READ = pa.ipc.IpcReadOptions(use_threads=False)


#: the spilled harmonized rows: HARMONIZED with the report columns and the other low-cardinality
#: string columns as dictionaries (``harmonize.with_reports(encoded=True)``)
_SPILL_SCHEMA = encoded_schema(HARMONIZED, hz.ENCODED_COLUMNS)


class _Spill:
    """Harmonized rows of this build's reports, complete with their report columns (HARMONIZED,
    report columns dictionary-encoded), in a temp Arrow stream in OUT (lz4), read back once at the
    end, when the primary reports are known."""

    def __init__(self, folder: Path) -> None:
        self.path = temp_for(folder / "harmonized.spill")
        self.sink = pa.OSFile(str(self.path), "wb")
        self.writer = pa.ipc.new_stream(self.sink, _SPILL_SCHEMA, options=_SPILL_WRITE)

    def write(self, rows: pa.Table) -> None:
        self.writer.write_table(rows)

    def close(self) -> None:
        if not self.sink.closed:
            self.writer.close()
            self.sink.close()

    def batches(self) -> Iterator[pa.RecordBatch]:
        self.close()
        with pa.memory_map(str(self.path)) as source:
            yield from pa.ipc.open_stream(source, options=_SPILL_READ)

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


#: the CONTEXT string columns other than report_id, dictionary-encoded by ``_with_context``
_CONTEXT_STR = frozenset(name for name, typ in CONTEXT if typ == STR and name != "report_id")


def _with_context(part: pa.Table, ctx: pa.Table, schema: TableSchema, **constants: str) -> pa.Table:
    """``part`` rows as ``schema`` rows (the CONTEXT string columns dictionary-encoded: see
    ``schema.take_encoded``): the report columns taken from ``ctx`` by report_id (rows of reports not in
    ``ctx`` are dropped), the others from ``part``, ``constants`` filled in, the rest null."""
    ids = part["report_id"]
    idx = pc.index_in(ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids, value_set=ctx["report_id"])
    known = pc.is_valid(idx)
    if not pc.all(known).as_py():
        part, idx = part.filter(known), idx.filter(known)
    n = part.num_rows
    arrays = []
    for name, typ in schema.columns:
        if name in ctx.column_names and name != "report_id":
            arrays.append(take_encoded(ctx[name], idx))
        elif name in part.column_names:
            arrays.append(part[name])
        elif name in constants:
            arrays.append(pa.repeat(pa.scalar(constants[name], typ), n))
        else:
            arrays.append(pa.nulls(n, typ))
    return pa.Table.from_arrays(arrays, schema=encoded_schema(schema, _CONTEXT_STR))


def _failed(checks: pa.Table) -> int:
    return pc.sum(pc.equal(checks["status"], "fail")).as_py() or 0


def _manifest(files: list[InputFile], parsed: pd.DataFrame, cached: set[str]) -> pd.DataFrame:
    """One row per input: the walk's own verdict, or the parse outcome of its content."""
    m = pd.DataFrame({"source_path": [f.source_path for f in files], "sha256": [f.sha256 for f in files],
                      "size": [f.size for f in files], "mtime_ns": [f.mtime_ns for f in files],
                      "status": [f.status for f in files], "error": [f.error for f in files],
                      "report_id": [f.report_id for f in files], "synthetic": [f.synthetic for f in files]})
    to_parse = np.array([f.to_parse for f in files], dtype=bool)
    outcome = parsed[["sha256", *_OUTCOME]].set_index("sha256").reindex(m["sha256"].where(to_parse))
    outcome.index = m.index
    found = to_parse & outcome["status"].notna().to_numpy()
    for c in _OUTCOME:
        m[c] = outcome[c].where(found, m[c] if c in ("status", "error") else None)
    m.loc[to_parse & ~found, ["status", "error"]] = ["failed", "no parse result (internal error)"]
    m["cached"] = found & m["sha256"].isin(cached).to_numpy()
    return m[MANIFEST.names]


def _reports(where: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    ok = parsed[parsed["status"].isin(PARSED_OK)]
    rep = ok.merge(where, on="sha256", how="inner")
    rep["synthetic"] = rep["synthetic"].astype("boolean")
    rep["primary"] = rep.index.isin(hz.primary_reports(rep).index)
    return rep.sort_values("source_path", ignore_index=True)


class Assembler:
    """The five output tables of one build, fed batch by batch (``add``), completed by ``finish``."""

    def __init__(self, files: list[InputFile], fixes: Iterable[corr.Correction], staged: Staged) -> None:
        self.files = files
        self.fixes = list(fixes)
        self.staged = staged
        inputs = [f for f in files if f.to_parse and f.sha256]
        self.where = pd.DataFrame({"sha256": [f.sha256 for f in inputs], "source_path": [f.source_path for f in inputs],
                                   "synthetic": [f.synthetic for f in inputs], "report_id": [f.report_id for f in inputs]})
        self._where_by_sha = {f.sha256: (f.source_path, f.synthetic) for f in inputs}
        self.named = pa.array(sorted(corr.named_reports(self.fixes, self.where)), pa.string())
        self.reads = pa.array(sorted(hz.read_indicators() | cross_year.INDICATORS), pa.string())
        self.cross_year = pa.array(sorted(cross_year.INDICATORS), pa.string())
        self.values = _Writer(staged, "values", VALUES, _CONTEXT_STR)
        self.checks = _Writer(staged, "checks", CHECKS, _CONTEXT_STR)
        self.harmonized = _Writer(staged, "harmonized", HARMONIZED, hz.ENCODED_COLUMNS)
        self.spill = _Spill(staged.folder)
        self.parsed: list[pa.Table] = []
        self.cross: list[pa.Table] = []  # selected values cross-year checks read
        self.named_values: list[pa.Table] = []  # values of the reports a correction names, corrected at the end
        self.n_failed = 0
        self.seconds = 0.0

    # ---------------------------------------------------------------- batches
    def _context(self, parsed: pa.Table) -> pa.Table:
        """CONTEXT rows of the readable reports of a batch (their input path from this build's files)."""
        ok = parsed.filter(pc.is_in(parsed["status"], value_set=pa.array(PARSED_OK)))
        where = [self._where_by_sha.get(s, (None, None)) for s in ok["sha256"].to_pylist()]
        extra = {"source_path": pa.array([w[0] for w in where], pa.string()),
                 "synthetic": pa.array([w[1] for w in where], pa.bool_())}
        ctx = pa.Table.from_arrays([extra[n] if n in extra else ok[n] for n in CONTEXT_TABLE.names], schema=CONTEXT_TABLE.arrow)
        return ctx.filter(pc.is_valid(ctx["source_path"]))

    def _harmonize(self, values: pa.Table, ctx: pa.Table) -> None:
        """Harmonized rows of the reports of ``ctx`` that can be primary; keep their cross-year values."""
        core = values.select(list(hz.VALUE_COLUMNS)).filter(pc.is_in(values["indicator"], value_set=self.reads))
        selected = hz.select_table(core)
        wanted = pc.and_(pc.is_in(selected["indicator"], value_set=self.cross_year), pc.is_valid(selected["value"]))
        self.cross.append(selected.filter(wanted).select(_KEEP))
        reports = ctx.filter(pc.and_(pc.is_valid(ctx["agency_key"]), pc.is_valid(ctx["year"])))
        rows = hz.harmonized_rows(selected, reports)
        if rows.num_rows:
            self.spill.write(hz.with_reports(rows, reports, ordered=False, encoded=True))

    def add(self, batch: ChunkResult) -> None:
        """Assemble one batch of parse results (the three tables of a cache part)."""
        t0 = time.process_time()
        parsed, values, checks = batch.parsed, batch.values, batch.checks
        self.parsed.append(parsed)
        ctx = self._context(parsed)
        self.values.write(_with_context(values, ctx, VALUES))
        checks = _with_context(checks, ctx, CHECKS, scope="report")
        self.n_failed += _failed(checks)
        self.checks.write(checks)
        if len(self.named):
            named = pc.is_in(values["report_id"], value_set=self.named)
            self.named_values.append(values.filter(named))
            values = values.filter(pc.invert(named))
            ctx = ctx.filter(pc.invert(pc.is_in(ctx["report_id"], value_set=self.named)))
        self._harmonize(values, ctx)
        self.seconds += time.process_time() - t0

    # ---------------------------------------------------------------- the end
    def _corrections(self, fixes: dict[str, list[corr.Correction]], ctx: pa.Table) -> None:
        """Correction rows of the reports corrections name; then their harmonized rows and
        cross-year values, from their values with the corrections."""
        held = pa.concat_tables(self.named_values) if self.named_values else None
        if held is None or not held.num_rows:
            return
        rows = corr.correction_rows(to_frame(held), fixes)
        if len(rows):
            fixed = _with_context(VALUES.from_frame(rows), ctx, VALUES)
            self.values.write(fixed)
            held = pa.concat_tables([held, fixed.select(held.column_names)])
        named = ctx.filter(pc.is_in(ctx["report_id"], value_set=self.named))
        self._harmonize(held, named)

    def _cross_year(self, reports: pd.DataFrame, ctx: pa.Table) -> None:
        primary = reports[reports["primary"]]
        paired = pa.array(cross_year.paired_reports(primary), pa.string())
        kept = pa.concat_tables(self.cross) if self.cross else PART_VALUES.empty().select(_KEEP)
        kept = kept.filter(pc.is_in(kept["report_id"], value_set=paired))
        found = cross_year.cross_year_checks(to_frame(kept), primary)
        checks = _with_context(CHECKS.from_frame(found.assign(scope="cross_year")), ctx, CHECKS)
        self.n_failed += _failed(checks)
        self.checks.write(checks)

    def _harmonized(self, primary: pa.Array) -> None:
        """harmonized.parquet: the spilled rows of the ``primary`` reports (their report ids)."""
        for batch in self.spill.batches():
            keep = pc.is_in(batch["report_id"], value_set=primary)
            self.harmonized.write(pa.Table.from_batches([batch if pc.all(keep).as_py() else batch.filter(keep)]))
        self.harmonized.close()

    def finish(self, cached: set[str], uncached: dict[str, dict]) -> Assembled:
        """Complete the five tables (staged). ``cached``: sha256s whose results came from an earlier
        build; ``uncached``: parsed rows kept out of the cache (worker crashes, retried next time)."""
        tables = self.parsed + ([PARSED.from_rows(list(uncached.values()))] if uncached else [])
        parsed = to_frame(pa.concat_tables(tables) if tables else PARSED.empty()).drop_duplicates("sha256", keep="last")
        reports = _reports(self.where.drop(columns="report_id"), parsed)
        resolved, warnings = corr.resolve(self.fixes, reports)
        ctx = CONTEXT_TABLE.from_frame(reports)
        try:
            with ThreadPoolExecutor(1) as background:
                self._corrections(resolved, ctx)
                primary = ctx.filter(pa.array(reports["primary"].to_numpy(dtype=bool)))["report_id"]
                # written in a thread (Arrow works without the GIL) while the rest goes on
                harmonized = background.submit(self._harmonized, primary)
                self._cross_year(reports, ctx)
                manifest = _manifest(self.files, parsed, cached)
                pq.write_table(REPORTS.from_frame(reports), self.staged.temp("reports.parquet"), compression="zstd")
                pq.write_table(MANIFEST.from_frame(manifest), self.staged.temp("manifest.parquet"), compression="zstd")
                harmonized.result()
        finally:
            self.close()
        return Assembled(Counter(manifest["status"]), self.values.rows, self.n_failed, warnings, self.seconds)

    def close(self) -> None:
        """Close the writers and remove the spill (done by ``finish``; on an error, before the
        staged files are discarded)."""
        for w in (self.values, self.checks, self.harmonized):
            w.close()
        self.spill.remove()

    def __enter__(self) -> "Assembler":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Assembled", "Assembler"]
