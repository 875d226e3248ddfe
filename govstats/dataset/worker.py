"""Parsing in the worker processes: a chunk of inputs -> three Arrow tables (a cache part).

A failure is a result, never an exception: a ``GovstatsError`` gives its status and its one-line
message; any other exception (a parser bug) gives ``failed`` with ``<ExceptionType>: <message>``;
a parse that runs longer than the timeout is interrupted (SIGALRM, where available) and failed.
"""
from __future__ import annotations

import gc
import signal
import threading
import time
from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import agencies
from .. import harmonize as hz
from ..errors import GovstatsError
from ..model import ParseResult
from .inputs import report_id
from .schema import BOOL, F64, I64, PARSED, PART_CHECKS, PART_VALUES, STR

Parser = Callable[[str], ParseResult]
_MAX_ERROR = 300


class ParseTimeout(Exception):
    """A parse ran longer than the build's per-file limit."""


@dataclass(frozen=True)
class Task:
    path: str  # absolute path to read
    sha256: str


@dataclass
class ChunkResult:
    parsed: pa.Table
    values: pa.Table
    checks: pa.Table

    def __reduce__(self) -> tuple:
        """Pickled as Arrow IPC streams (several times cheaper than pickling tables; a build sends only
        the parsed rows back, the rest goes to the cache part the worker writes)."""
        return _from_ipc, tuple(to_ipc(t) for t in (self.parsed, self.values, self.checks))


def to_ipc(table: pa.Table) -> pa.Buffer:
    """``table`` as an Arrow IPC stream (what travels between processes)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def from_ipc(stream: pa.Buffer) -> pa.Table:
    return pa.ipc.open_stream(stream).read_all()


def _from_ipc(*streams: pa.Buffer) -> ChunkResult:
    return ChunkResult(*map(from_ipc, streams))


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX_ERROR else line[: _MAX_ERROR - 1] + "…"


def _on_alarm(signum: int, frame: object) -> None:
    raise ParseTimeout()


class _Deadline:
    """Raise ``ParseTimeout`` in this thread after ``seconds`` (main thread with SIGALRM only)."""

    def __init__(self, seconds: Optional[float]) -> None:
        usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        self.seconds = seconds if usable and seconds else None

    def __enter__(self) -> "_Deadline":
        if self.seconds:
            self._old = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)


def _parsed_row(task: Task, result: ParseResult, seconds: float, version: str) -> dict:
    """The parsed row of one report (what it says about itself and how parsing went)."""
    m = result.meta
    keys = agencies.keys_for(m)
    return {
        "sha256": task.sha256, "report_id": report_id(task.sha256), "agency": m.agency, "agency_key": keys.agency_key,
        "lineage_key": keys.lineage_key, "province": m.province, "city": m.city, "county": m.county,
        "region_code": keys.region_code, "level": m.level, "year": m.year, "edition": m.edition,
        "doc_kind": m.doc_kind, "script": m.script, "title": m.title, "published": m.published,
        "status": "warning" if result.warnings else "ok", "error": None, "seconds": seconds,
        "n_values": len(result.values), "n_failed_checks": sum(1 for c in result.checks if c.status == "fail"),
        "n_warnings": len(result.warnings), "warnings": [one_line(w) for w in result.warnings], "parser_version": version,
    }


#: fields of ``govstats.model.Value`` / ``Check`` copied as they are (gathered column by column)
_VALUE_FIELDS = ("indicator", "applicant", "value", "unit", "source", "approximate", "label", "evidence", "span",
                 "note", "raw", "table", "stated_share", "share_of")
_CHECK_FIELDS = ("check", "applicant", "status", "expected", "observed", "message", "evidence")


def _or(given: pa.Array, default: pa.Array | pa.Scalar) -> pa.Array:
    """``given`` where it is a non-empty string, else ``default`` (as ``x or default`` does)."""
    return pc.if_else(pc.fill_null(pc.not_equal(given, ""), False), given, default)


class _Columns:
    """The value and check fields of a chunk's reports, one list per field (no per-value rows).

    Nothing is coerced: a field of the wrong type fails the conversion of its chunk, which is then
    retried file by file, so only the file with the bad field fails (``internal error: Arrow...``).
    """

    def __init__(self) -> None:
        self.values: dict[str, list] = {f: [] for f in _VALUE_FIELDS}
        self.checks: dict[str, list] = {f: [] for f in _CHECK_FIELDS}
        self.ids: list[str] = []
        self.n_values: list[int] = []
        self.n_checks: list[int] = []

    def add(self, rid: str, result: ParseResult) -> None:
        for field, col in self.values.items():
            col += map(attrgetter(field), result.values)
        for field, col in self.checks.items():
            col += map(attrgetter(field), result.checks)
        self.ids.append(rid)
        self.n_values.append(len(result.values))
        self.n_checks.append(len(result.checks))

    def _report_ids(self, counts: list[int]) -> pa.Array:
        return pc.take(pa.array(self.ids, STR), pa.array(np.repeat(np.arange(len(counts)), counts)))

    def values_table(self) -> pa.Table:
        c = self.values
        indicator, value = pa.array(c["indicator"], STR), pa.array(c["value"], F64)
        unit = _or(pa.array(c["unit"], STR), hz.indicator_units(indicator))
        span = pa.array(c["span"], pa.list_(I64))
        columns = {
            "report_id": self._report_ids(self.n_values), "indicator": indicator,
            "applicant": _or(pa.array(c["applicant"], STR), pa.scalar("total")), "value": value,
            "count": hz.counts(value, unit), "unit": unit, "approximate": pc.fill_null(pa.array(c["approximate"], BOOL), False),
            "span_start": pc.list_element(span, 0), "span_end": pc.list_element(span, 1),
        }
        return pa.Table.from_arrays([columns[n] if n in columns else pa.array(c[n], t) for n, t in PART_VALUES.columns],
                                    schema=PART_VALUES.arrow)

    def checks_table(self) -> pa.Table:
        c = self.checks
        columns = {"report_id": self._report_ids(self.n_checks),
                   "applicant": _or(pa.array(c["applicant"], STR), pa.scalar("total"))}
        return pa.Table.from_arrays([columns[n] if n in columns else pa.array(c[n], t) for n, t in PART_CHECKS.columns],
                                    schema=PART_CHECKS.arrow)


def _failure(task: Task, status: str, error: str, seconds: float, version: str) -> dict:
    return {"sha256": task.sha256, "report_id": report_id(task.sha256), "status": status, "error": one_line(error),
            "seconds": seconds, "n_values": 0, "n_failed_checks": 0, "n_warnings": 0, "warnings": [],
            "parser_version": version}


def default_parser() -> Parser:
    from ..parse import parse_file

    return parse_file


def parse_one(task: Task, parser: Optional[Parser], version: str,
              timeout: Optional[float]) -> tuple[dict, Optional[ParseResult]]:
    """Parse one input (``parser`` None: ``govstats.parse.parse_file``): its parsed row, and the
    result when parsing succeeded. Every outcome (success, bad input, bug, timeout) is a parsed row."""
    t0 = time.perf_counter()
    try:
        with _Deadline(timeout):
            result = (parser or default_parser())(task.path)
        return _parsed_row(task, result, time.perf_counter() - t0, version), result
    except GovstatsError as e:
        return _failure(task, e.status, str(e), time.perf_counter() - t0, version), None
    except ParseTimeout:
        return _failure(task, "failed", f"parse timed out after {timeout:g} s", time.perf_counter() - t0, version), None
    except MemoryError:
        return _failure(task, "failed", "out of memory while parsing", time.perf_counter() - t0, version), None
    except Exception as e:  # a parser bug must not stop the batch
        return _failure(task, "failed", f"internal error: {type(e).__name__}: {e}", time.perf_counter() - t0, version), None


def parse_chunk(tasks: Sequence[Task], parser: Optional[Parser], version: str, timeout: Optional[float]) -> ChunkResult:
    """Parse a chunk of inputs (in a worker process) into the three tables of a cache part."""
    parsed: list[dict] = []
    columns = _Columns()
    for task in tasks:
        row, result = parse_one(task, parser, version, timeout)
        parsed.append(row)
        if result is not None:
            columns.add(row["report_id"], result)
    return ChunkResult(PARSED.from_rows(parsed), columns.values_table(), columns.checks_table())


#: cyclic garbage collection in the workers: every GC_THRESHOLD allocations instead of 700 (parsing
#: allocates many short-lived objects that reference counting frees; collections cost ~5% of a parse
#: at 700, ~1.5% at 10 000 and ~0.5% at 100 000, for ~4 MB more peak memory per worker; what the
#: workers inherit is frozen by ``parallel.parse_inputs``, so a collection never scans it)
GC_THRESHOLD = 100_000


def init_worker() -> None:
    """Worker processes leave Ctrl-C to the parent, which shuts the pool down, and collect
    cyclic garbage less often."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


__all__ = ["ChunkResult", "ParseTimeout", "Parser", "Task", "init_worker", "one_line", "parse_chunk", "parse_one"]
