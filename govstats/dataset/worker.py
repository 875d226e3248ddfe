"""Parsing in the worker processes: a chunk of inputs -> three Arrow tables (a cache part).

A failure is a result, never an exception: a ``GovstatsError`` gives its status and its one-line
message; any other exception (a parser bug) gives ``failed`` with ``<ExceptionType>: <message>``;
a parse that runs longer than the timeout is interrupted (SIGALRM, where available) and failed.
"""
from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import pyarrow as pa

from .. import agencies, codebook
from ..errors import GovstatsError
from ..model import ParseResult
from .inputs import report_id
from .schema import PARSED, PART_CHECKS, PART_VALUES

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


def _count(value: object, unit: Optional[str]) -> Optional[int]:
    if value is None or unit == "万元":
        return None
    if isinstance(value, int):
        return value
    f = float(value)  # type: ignore[arg-type]
    return int(f) if f.is_integer() else None


def _rows(task: Task, result: ParseResult, seconds: float, version: str) -> tuple[dict, list[tuple], list[tuple]]:
    """The parsed row of one report and its value and check rows. Nothing is coerced: a field of
    the wrong type fails the conversion of its chunk, which is then retried file by file, so only
    the file with the bad field fails (``internal error: ArrowTypeError ...``)."""
    rid = report_id(task.sha256)
    m = result.meta
    keys = agencies.keys_for(m)
    n_failed = sum(1 for c in result.checks if c.status == "fail")
    parsed = {
        "sha256": task.sha256, "report_id": rid, "agency": m.agency, "agency_key": keys.agency_key,
        "lineage_key": keys.lineage_key, "province": m.province, "city": m.city, "county": m.county,
        "region_code": keys.region_code, "level": m.level, "year": m.year, "edition": m.edition,
        "doc_kind": m.doc_kind, "script": m.script, "title": m.title, "published": m.published,
        "status": "warning" if result.warnings else "ok", "error": None, "seconds": seconds,
        "n_values": len(result.values), "n_failed_checks": n_failed, "n_warnings": len(result.warnings),
        "warnings": [one_line(w) for w in result.warnings], "parser_version": version,
    }
    unit_of = codebook.unit
    values = []
    for v in result.values:  # tuples in PART_VALUES column order (the hot loop of the build)
        unit = v.unit or unit_of(v.indicator)
        span = v.span or (None, None)
        values.append((rid, v.indicator, v.applicant or "total", v.value, _count(v.value, unit), unit, v.source,
                       bool(v.approximate), v.label, v.evidence, span[0], span[1], v.note, v.raw, v.table,
                       v.stated_share, v.share_of))
    checks = [(rid, c.check, c.applicant or "total", c.status, c.expected, c.observed, c.message, c.evidence)
              for c in result.checks]
    return parsed, values, checks


def _failure(task: Task, status: str, error: str, seconds: float, version: str) -> dict:
    return {"sha256": task.sha256, "report_id": report_id(task.sha256), "status": status, "error": one_line(error),
            "seconds": seconds, "n_values": 0, "n_failed_checks": 0, "n_warnings": 0, "warnings": [],
            "parser_version": version}


def default_parser() -> Parser:
    from ..parse import parse_file

    return parse_file


def parse_one(task: Task, parser: Optional[Parser], version: str, timeout: Optional[float]) -> tuple[dict, list[tuple], list[tuple]]:
    """Parse one input (``parser`` None: ``govstats.parse.parse_file``); every outcome (success,
    bad input, bug, timeout) is a parsed row."""
    t0 = time.perf_counter()
    try:
        with _Deadline(timeout):
            result = (parser or default_parser())(task.path)
        return _rows(task, result, time.perf_counter() - t0, version)
    except GovstatsError as e:
        return _failure(task, e.status, str(e), time.perf_counter() - t0, version), [], []
    except ParseTimeout:
        return _failure(task, "failed", f"parse timed out after {timeout:g} s", time.perf_counter() - t0, version), [], []
    except MemoryError:
        return _failure(task, "failed", "out of memory while parsing", time.perf_counter() - t0, version), [], []
    except Exception as e:  # a parser bug must not stop the batch
        return _failure(task, "failed", f"internal error: {type(e).__name__}: {e}", time.perf_counter() - t0, version), [], []


def parse_chunk(tasks: Sequence[Task], parser: Optional[Parser], version: str, timeout: Optional[float]) -> ChunkResult:
    """Parse a chunk of inputs (in a worker process) into the three tables of a cache part."""
    parsed: list[dict] = []
    values: list[tuple] = []
    checks: list[tuple] = []
    for task in tasks:
        p, v, c = parse_one(task, parser, version, timeout)
        parsed.append(p)
        values += v
        checks += c
    return ChunkResult(PARSED.from_rows(parsed), PART_VALUES.from_tuples(values), PART_CHECKS.from_tuples(checks))


def init_worker() -> None:
    """Worker processes leave Ctrl-C to the parent, which shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["ChunkResult", "ParseTimeout", "Parser", "Task", "init_worker", "one_line", "parse_chunk", "parse_one"]
