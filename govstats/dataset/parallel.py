"""Parsing the inputs a build needs, in a process pool, into the cache.

A worker process that dies (segfault, out-of-memory kill) breaks the pool: the chunks that were
running are retried file by file, each file alone, and a file that kills a worker on its own is
``failed`` (``CRASHED``); such failures are not cached, so the next build tries again. If workers
die before a single result came back, the pool itself is unusable and the build stops
(``WorkersFailed``). Each worker stores the chunk it parsed as a cache part itself and sends back
only the part's name (results never travel through a pipe), so a killed build keeps all the work
finished; this process reads the new parts and hands them to ``on_batch`` every ``FLUSH_REPORTS``
results (the build assembles its outputs from them while the workers go on parsing).
"""
from __future__ import annotations

import gc
import importlib
import multiprocessing as mp
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Optional

import pyarrow as pa

from ..errors import GovstatsError
from .cache import Cache, CacheWriteFailed, write_part
from .inputs import InputFile
from .schema import PARSED, PART_CHECKS, PART_VALUES
from .worker import GC_THRESHOLD, ChunkResult, Parser, Task, default_parser, from_ipc, init_worker, parse_chunk, to_ipc

#: new parts are handed to ``on_batch`` in batches of at least FLUSH_REPORTS results (the last one smaller)
FLUSH_REPORTS = 500
#: inputs per chunk at most (a chunk is one task of a worker and one cache part: writing a part costs
#: about 2.5 ms however small, so large builds use large chunks)
MAX_CHUNK = 128
#: chunks queued per worker: enough that the workers never run dry while this process reads and
#: assembles parts (a few tenths of a second), few enough to keep memory flat
QUEUED_PER_WORKER = 4
CRASHED = "worker process died while parsing this file (crash or out of memory)"
#: the loader module (``govstats.load.<name>``) files of each suffix most likely need
LOADERS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text"}


class WorkersFailed(GovstatsError):
    """The worker processes cannot run at all (not a problem of one input)."""


OnBatch = Callable[[ChunkResult], None]


class _Buffer:
    """Results of new parts waiting to be handed to ``on_batch`` together."""

    def __init__(self, on_batch: OnBatch) -> None:
        self.on_batch = on_batch
        self.chunks: list[ChunkResult] = []
        self.reports = 0

    def add(self, result: ChunkResult) -> None:
        self.chunks.append(result)
        self.reports += result.parsed.num_rows
        if self.reports >= FLUSH_REPORTS:
            self.flush()

    def flush(self) -> None:
        chunks, self.chunks, self.reports = self.chunks, [], 0
        if chunks:
            self.on_batch(ChunkResult(*(pa.concat_tables([getattr(c, k) for c in chunks])
                                        for k in ("parsed", "values", "checks"))))


def parse_to_cache(tasks: list[Task], parser: Optional[Parser], version: str, timeout: Optional[float],
                   folder: str) -> tuple[str, pa.Buffer]:
    """Parse a chunk (in a worker process) and store its results as a new cache part in ``folder``;
    return the part's name and its parsed rows (small, as an Arrow IPC stream: this process then
    reads only the values and checks of the part)."""
    result = parse_chunk(tasks, parser, version, timeout)
    return write_part(Path(folder), result), to_ipc(result.parsed)


#: with several workers and full-size chunks, the last TAIL_CHUNKS * jobs chunks' worth of inputs
#: go in chunks of TAIL_SIZE: the workers then finish within a small chunk of each other instead of
#: one parsing a whole last chunk (128 reports: about half a second) while the other cores idle
#: (parts of TAIL_SIZE results are not small enough to call for a compaction: ``cache.SMALL_PART``)
TAIL_CHUNKS = 2
TAIL_SIZE = 16


def _chunks(tasks: list[Task], jobs: int) -> list[list[Task]]:
    """The chunks of ``tasks`` in the order they are handed out (see ``MAX_CHUNK``, ``TAIL_CHUNKS``)."""
    size = max(1, min(MAX_CHUNK, len(tasks) // (jobs * 8)))
    split = jobs > 1 and size == MAX_CHUNK
    head = len(tasks) - min(len(tasks), TAIL_CHUNKS * jobs * size) if split else len(tasks)
    return ([tasks[i : min(i + size, head)] for i in range(0, head, size)]
            + [tasks[i : i + TAIL_SIZE] for i in range(head, len(tasks), TAIL_SIZE)])


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked on Linux: they start at once with the parser already imported, and work when
    ``__main__`` cannot be re-imported (stdin, some notebook setups); elsewhere the default method."""
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker)


def _failed_row(task: Task, version: str, error: str) -> dict:
    return {"sha256": task.sha256, "report_id": task.sha256[:16], "status": "failed", "error": error,
            "n_values": 0, "n_failed_checks": 0, "n_warnings": 0, "warnings": [], "parser_version": version}


OnResult = Callable[[list[Task], tuple[str, pa.Buffer]], None]
OnFailure = Callable[[Task, str], None]


def _run_serial(chunks: list[list[Task]], args: tuple, on_result: OnResult, on_failure: OnFailure) -> None:
    """``parse_to_cache`` in this process; a chunk that raises is retried file by file (an error of
    ``on_result`` itself or of the cache, e.g. a full disk, stops the build)."""
    for chunk in chunks:
        try:
            result = parse_to_cache(chunk, *args)
        except CacheWriteFailed:
            raise
        except Exception as e:  # noqa: BLE001 - one bad result must not stop the batch
            if len(chunk) == 1:
                on_failure(chunk[0], f"internal error: {type(e).__name__}: {e}")
            else:
                _run_serial([[t] for t in chunk], args, on_result, on_failure)
            continue
        on_result(chunk, result)


def _run_pool(chunks: list[list[Task]], jobs: int, args: tuple, on_result: OnResult, on_failure: OnFailure) -> None:
    """Run ``parse_to_cache`` over ``chunks`` in worker processes; survive workers that die.

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
                    inflight[ex.submit(parse_to_cache, chunk, *args)] = (chunk, alone)
                except BrokenProcessPool:
                    broken.append((chunk, alone))

            try:
                while (pending or suspects or inflight) and not broken:
                    if suspects and not inflight:
                        submit(suspects.popleft(), True)
                    while not suspects and pending and len(inflight) < QUEUED_PER_WORKER * jobs and not broken:
                        submit(pending.popleft(), False)
                    done, _ = wait(inflight, return_when=FIRST_COMPLETED) if inflight else (set(), set())
                    for fut in done:
                        chunk, alone = inflight.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken.append((chunk, alone))
                            continue
                        except CacheWriteFailed:
                            raise
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


#: a small report parsed once in this process before the workers fork: the parser's lazily built
#: tables (regexes, lexicons, gazetteer, script converters: ~0.22 s) are then built once and
#: inherited, instead of being built again by every worker at its first file
WARMUP_TEXT = (
    "北京市海淀区人民政府2020年政府信息公开工作年度报告\n一、总体情况\n本年度共收到政府信息公开申请12件，其中自然人申请10件。\n"
    "二、主动公开政府信息情况\n第二十条第（一）项 信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 3\n规范性文件 1 1 5\n"
    "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量 12\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 维持 1\n"
    "五、存在的主要问题及改进情况\n无。\n"
)
WARMUP_HTML = ("<html><head><title>报告</title></head><body><p>" + WARMUP_TEXT.replace("\n", "</p><p>")
               + "</p><table><tr><td>本年新收政府信息公开申请数量</td><td>12</td></tr></table></body></html>")


_warmed = False


def warm_up_parser() -> None:
    """Parse ``WARMUP_TEXT`` as a text and as an HTML file in this process, once (results discarded;
    any error is ignored: the workers then build what is missing themselves)."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    from ..parse import parse_bytes

    for data, name in ((WARMUP_TEXT, "warmup.txt"), (WARMUP_HTML, "warmup.html")):
        try:
            parse_bytes(data.encode("utf-8"), name)
        except Exception:  # noqa: BLE001 - only a warm-up
            pass


def _import_loaders(tasks: list[Task]) -> None:
    """Import the loaders the inputs' suffixes call for (pdfplumber alone takes ~0.1 s), so forked
    workers inherit them instead of each importing them at its first file of that kind."""
    for name in sorted({LOADERS.get(Path(t.path).suffix.lower()) for t in tasks} - {None}):
        try:
            importlib.import_module(f"govstats.load.{name}")
        except ImportError:  # a missing dependency fails the files that need it, in the workers
            pass


def parse_inputs(todo: list[InputFile], cache: Cache, jobs: int, parser: Optional[Parser], version: str,
                 timeout: Optional[float], progress: bool, on_batch: OnBatch) -> dict[str, dict]:
    """Parse ``todo`` into the cache, handing the parts written to ``on_batch``; return the parsed
    rows of files that broke the machinery (worker died, result unusable), which are kept out of the
    cache so the next build retries them."""
    from tqdm import tqdm

    tasks = [Task(f.abspath, f.sha256) for f in todo if f.sha256]
    failed: dict[str, dict] = {}
    buffer = _Buffer(on_batch)
    bar = tqdm(total=len(tasks), unit="file", disable=not progress, file=sys.stderr, smoothing=0.1)
    args = (parser, version, timeout, str(cache.dir))

    def on_result(chunk: list[Task], written: tuple[str, pa.Buffer]) -> None:
        part, parsed = written
        buffer.add(cache.read_new(part, from_ipc(parsed)))
        bar.update(len(chunk))

    def on_failure(task: Task, error: str) -> None:
        failed[task.sha256] = _failed_row(task, version, error)
        bar.update(1)

    if tasks and parser is None:
        default_parser()  # imported once here: forked workers inherit it instead of importing it each
        _import_loaders(tasks)
        if jobs > 1:
            warm_up_parser()
    for schema in (PARSED, PART_VALUES, PART_CHECKS):
        schema.arrow  # noqa: B018 - built once here (~6 ms each, pandas metadata), not in every worker
    try:
        if jobs <= 1:
            # parsed here: collect cyclic garbage as a worker does, and never rescan what was
            # there before the parse (imports, inputs, the cache index)
            threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, *threshold[1:])
            try:
                _run_serial(_chunks(tasks, 1), args, on_result, on_failure)
            finally:
                gc.set_threshold(*threshold)
                gc.unfreeze()
        else:
            gc.freeze()  # what forked workers inherit is never scanned by their collector (nor copied on write)
            try:
                _run_pool(_chunks(tasks, jobs), jobs, args, on_result, on_failure)
            finally:
                gc.unfreeze()
    finally:
        bar.close()
    buffer.flush()
    return failed


__all__ = ["CRASHED", "FLUSH_REPORTS", "WorkersFailed", "parse_inputs", "parse_to_cache"]
