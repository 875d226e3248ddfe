"""``govstats build``: inputs -> parse in a process pool (cached) -> assemble -> atomic commit.

Steps: take the build lock of OUT; walk and hash the inputs (hashes of unchanged files come from
the previous manifest); if the inputs, the parser version and the corrections are exactly those
of the last complete build (``build.json``), stop there (a no-change rebuild reads no report);
else parse what the cache lacks, in chunks over a process pool, streaming results into cache parts;
assemble the five tables from the cache into temp files; rename them into place; write
``build.json`` (fingerprint, summary, warnings); tidy the cache.

A worker process that dies (segfault, out-of-memory kill) breaks the pool: its chunk is retried
file by file, each alone, and a file that kills a worker on its own is ``failed`` ("worker process
died"); such failures are not cached, so the next build tries again.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

import pyarrow as pa

from . import DEFAULT_OUT, DEFAULT_RAW, DEFAULT_TIMEOUT
from . import corrections as corr
from .assemble import assemble, previous_hashes
from .cache import Cache, parser_version
from .files import Staged, atomic_path, build_lock, remove_stale_temps
from .inputs import InputFile, hash_files, mark_duplicates, walk
from ..errors import GovstatsError
from .schema import OUTPUTS
from .worker import ChunkResult, Parser, Task, init_worker, parse_chunk

STATE_FILE = "build.json"
STATUSES = ("ok", "warning", "failed", "skipped")
#: a cache part is written every FLUSH_REPORTS results or FLUSH_SECONDS, whichever comes first
FLUSH_REPORTS = 1000
FLUSH_SECONDS = 10.0
MAX_CHUNK = 32
CRASHED = "worker process died while parsing this file (crash or out of memory)"


class WorkersFailed(GovstatsError):
    """The worker processes cannot run at all (not a problem of one input)."""


@dataclass
class BuildSummary:
    """What a build did; ``line()`` is the summary printed on stderr."""

    files: int
    statuses: dict[str, int]
    values: int
    failed_checks: int
    seconds: float
    parsed: int = 0  # inputs parsed by this run (the rest came from the cache)
    up_to_date: bool = False  # nothing changed since the last build: outputs left as they were
    warnings: list[str] = field(default_factory=list)
    out: str = ""

    @property
    def readable(self) -> int:
        return self.statuses.get("ok", 0) + self.statuses.get("warning", 0)

    def line(self) -> str:
        s = ", ".join(f"{k} {self.statuses.get(k, 0)}" for k in STATUSES)
        return (f"{self.files} files: {s}; {self.values} values, {self.failed_checks} failed checks; "
                f"{self.seconds:.1f} s{' (up to date)' if self.up_to_date else ''}")


# --------------------------------------------------------------------------- fingerprint
def _fingerprint(version: str, files: Sequence[InputFile], corrections_path: Optional[Path]) -> str:
    h = hashlib.sha256(version.encode())
    for f in files:
        h.update(f"{f.source_path}\0{f.sha256}\0{f.status}\0{f.error}\n".encode())
    if corrections_path is not None and corrections_path.is_file():
        h.update(corrections_path.read_bytes())
    return h.hexdigest()


def _up_to_date(out: Path, fingerprint: str) -> Optional[dict]:
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("fingerprint") != fingerprint or not all((out / f"{n}.parquet").is_file() for n in OUTPUTS):
        return None
    return state


# --------------------------------------------------------------------------- parsing
class _Buffer:
    """Chunk results waiting to be written as one cache part."""

    def __init__(self, cache: Cache) -> None:
        self.cache, self.chunks, self.reports, self.since = cache, [], 0, time.monotonic()

    def add(self, result: ChunkResult) -> None:
        self.chunks.append(result)
        self.reports += result.parsed.num_rows
        if self.reports >= FLUSH_REPORTS or time.monotonic() - self.since >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.chunks:
            merged = (pa.concat_tables([getattr(c, k) for c in self.chunks]) for k in ("parsed", "values", "checks"))
            self.cache.write(ChunkResult(*merged))
        self.chunks, self.reports, self.since = [], 0, time.monotonic()


def _chunks(tasks: list[Task], jobs: int) -> list[list[Task]]:
    size = max(1, min(MAX_CHUNK, len(tasks) // (jobs * 8)))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked on Linux: they start at once with the parser already imported, and work when
    ``__main__`` cannot be re-imported (stdin, some notebook setups); elsewhere the default method."""
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker)


def _failed_row(task: Task, version: str, error: str) -> dict:
    return {"sha256": task.sha256, "report_id": task.sha256[:16], "status": "failed", "error": error,
            "n_values": 0, "n_failed_checks": 0, "n_warnings": 0, "warnings": [], "parser_version": version}


OnResult = Callable[[list[Task], ChunkResult], None]
OnFailure = Callable[[Task, str], None]


def _run_serial(chunks: list[list[Task]], args: tuple, on_result: OnResult, on_failure: OnFailure) -> None:
    """``parse_chunk`` in this process; a chunk that raises is retried file by file."""
    for chunk in chunks:
        try:
            on_result(chunk, parse_chunk(chunk, *args))
        except Exception as e:  # noqa: BLE001 - one bad result must not stop the batch
            if len(chunk) == 1:
                on_failure(chunk[0], f"internal error: {type(e).__name__}: {e}")
            else:
                _run_serial([[t] for t in chunk], args, on_result, on_failure)


def _run_pool(chunks: list[list[Task]], jobs: int, args: tuple, on_result: OnResult, on_failure: OnFailure) -> None:
    """Run ``parse_chunk`` over ``chunks`` in worker processes; survive workers that die.

    Chunks that were running when the pool broke (or whose result raised) are retried file by
    file, each file alone in the pool, so the one that kills a worker is identified. If workers
    die before a single result ever came back, the pool itself is unusable: the build stops.
    """
    pending: deque[list[Task]] = deque(chunks)
    suspects: deque[list[Task]] = deque()
    results = crashes = 0
    while pending or suspects:
        with _pool(jobs) as ex:
            inflight: dict[Future, tuple[list[Task], bool]] = {}
            broken: list[tuple[list[Task], bool]] = []

            def submit(chunk: list[Task], alone: bool) -> None:
                try:
                    inflight[ex.submit(parse_chunk, chunk, *args)] = (chunk, alone)
                except BrokenProcessPool:
                    broken.append((chunk, alone))

            try:
                while (pending or suspects or inflight) and not broken:
                    if suspects and not inflight:
                        submit(suspects.popleft(), True)
                    while not suspects and pending and len(inflight) < 2 * jobs and not broken:
                        submit(pending.popleft(), False)
                    done, _ = wait(inflight, return_when=FIRST_COMPLETED) if inflight else (set(), set())
                    for fut in done:
                        chunk, alone = inflight.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken.append((chunk, alone))
                            continue
                        except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be sent back
                            if alone or len(chunk) == 1:
                                on_failure(chunk[0], f"internal error: {type(e).__name__}: {e}")
                            else:
                                suspects.extend([t] for t in chunk)
                            continue
                        results += 1
                        on_result(chunk, result)
            except BaseException:
                ex.shutdown(wait=False, cancel_futures=True)
                raise
            broken += list(inflight.values())
        for chunk, alone in broken:
            if alone:
                crashes += 1
                if results == 0 and crashes >= 3:
                    raise WorkersFailed("worker processes die before parsing anything; try --jobs 1")
                on_failure(chunk[0], CRASHED)
            else:
                suspects.extend([t] for t in chunk)


def _parse(todo: list[InputFile], cache: Cache, jobs: int, parser: Parser, version: str,
           timeout: Optional[float], progress: bool) -> dict[str, dict]:
    """Parse ``todo`` into the cache; return the parsed rows of files that broke the machinery
    (worker died, result unusable), which are kept out of the cache so the next build retries them."""
    from tqdm import tqdm

    tasks = [Task(f.abspath, f.sha256) for f in todo if f.sha256]
    failed: dict[str, dict] = {}
    buffer = _Buffer(cache)
    bar = tqdm(total=len(tasks), unit="file", disable=not progress, file=sys.stderr, smoothing=0.1)
    args = (parser, version, timeout)

    def on_result(chunk: list[Task], result: ChunkResult) -> None:
        buffer.add(result)
        bar.update(len(chunk))

    def on_failure(task: Task, error: str) -> None:
        failed[task.sha256] = _failed_row(task, version, error)
        bar.update(1)

    try:
        if jobs <= 1:
            _run_serial(_chunks(tasks, 1), args, on_result, on_failure)
        else:
            _run_pool(_chunks(tasks, jobs), jobs, args, on_result, on_failure)
    finally:
        buffer.flush()  # also on Ctrl-C: what was parsed stays cached
        bar.close()
    return failed


# --------------------------------------------------------------------------- build
def _peak_rss_mb() -> dict[str, float]:
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
            "largest_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale}


def default_corrections(out: Path) -> Path:
    """``data/corrections.csv`` for ``data/processed``: the folder above OUT."""
    return out.resolve().parent / "corrections.csv"


def build(raw: Iterable[str | os.PathLike] = (DEFAULT_RAW,), out: str | os.PathLike = DEFAULT_OUT, *,
          jobs: Optional[int] = None, use_cache: bool = True, include: Sequence[str] = (),
          corrections: Optional[str | os.PathLike] = None, parser: Optional[Parser] = None,
          timeout: Optional[float] = DEFAULT_TIMEOUT, progress: Optional[bool] = None) -> BuildSummary:
    """Build the dataset of every input under ``raw`` into ``out`` (contract 2 of DESIGN.md).

    ``jobs``: worker processes (default: CPU count; 1 parses in this process). ``use_cache=False``
    re-hashes and re-parses every input. ``include``: glob patterns an input must match.
    ``corrections``: the corrections CSV (default ``default_corrections(out)``). ``parser``: the
    single-report parser (default ``govstats.parse.parse_file``; must be importable by name).
    ``timeout``: seconds one input may take. ``progress``: a progress bar (default: stderr is a tty).
    """
    t0 = time.monotonic()
    out = Path(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    progress = sys.stderr.isatty() if progress is None else progress
    if parser is None:
        from ..parse import parse_file as parser_default

        version, parser = parser_version(), parser_default
    else:
        version = parser_version(parser)
    corrections_path = Path(corrections) if corrections is not None else default_corrections(out)
    with build_lock(out):
        remove_stale_temps(out)
        files = walk([str(r) for r in raw], include)
        hash_files(files, previous_hashes(str(out / "manifest.parquet")) if use_cache else None)
        mark_duplicates(files)
        fingerprint = _fingerprint(version, files, corrections_path)
        state = _up_to_date(out, fingerprint) if use_cache else None
        if state is not None:
            s = state["summary"]
            return BuildSummary(files=s["files"], statuses=s["statuses"], values=s["values"],
                                failed_checks=s["failed_checks"], seconds=time.monotonic() - t0, up_to_date=True,
                                warnings=state.get("warnings", []), out=str(out))
        cache = Cache(out, version)
        cached = set(cache.load_index()) if use_cache else set()
        todo = [f for f in files if f.to_parse and f.sha256 not in cached]
        unusable = _parse(todo, cache, jobs, parser, version, timeout, progress)
        fixes, warnings = corr.read(corrections_path)
        staged = Staged(out)
        try:
            result = assemble(files, cache, cached, unusable, fixes, staged)
            staged.commit()
        finally:
            staged.discard()
        summary = BuildSummary(files=len(files), statuses=dict(Counter({k: result.statuses.get(k, 0) for k in STATUSES})),
                               values=result.n_values, failed_checks=result.n_failed_checks,
                               seconds=time.monotonic() - t0, parsed=len(todo), warnings=warnings + result.warnings,
                               out=str(out))
        # files that broke the machinery are retried by the next build: never "up to date" then
        _write_state(out, None if unusable else fingerprint, version, summary)
        live = {f.sha256 for f in files if f.to_parse and f.sha256}
        if cache.needs_compaction(live):
            cache.compact(live)
        cache.prune_other_versions()
    return summary


def _write_state(out: Path, fingerprint: Optional[str], version: str, summary: BuildSummary) -> None:
    state = {"fingerprint": fingerprint, "parser_version": version, "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
             "summary": {k: v for k, v in asdict(summary).items() if k not in ("warnings", "out", "up_to_date")},
             "peak_rss_mb": _peak_rss_mb(), "warnings": summary.warnings}
    with atomic_path(out / STATE_FILE) as tmp:
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")


__all__ = ["BuildSummary", "STATE_FILE", "build", "default_corrections"]
