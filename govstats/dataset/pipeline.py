"""``govstats build``: inputs -> parse in a process pool (cached) -> assemble -> atomic commit.

Steps: take the build lock of OUT; walk and hash the inputs (hashes of unchanged files come from
the previous manifest); if the inputs, the parser version and the corrections are exactly those
of the last complete build (``build.json``), stop there (a no-change rebuild reads no report);
else assemble the cached results of the inputs into the five tables' temp files (phase
``cached``), parse what the cache lacks in chunks over a process pool whose workers write cache
parts, assembling the new parts as they come while the workers go on (phase ``parse``), complete the tables
(primary reports, corrections, cross-year checks) and rename them into place (phase ``finish``);
write ``build.json`` (fingerprint, summary, phases, CPU seconds of the build process and of its
workers, the build process' CPU spent reading new cache parts and assembling, peak memory, warnings); tidy
the cache.

Parsing and its robustness: ``govstats.dataset.parallel``. A no-change rebuild imports neither
the parser nor pandas. A build that cannot be a no-change rebuild (no ``build.json`` in OUT, or
``use_cache=False``) walks and hashes the inputs in a forked child process while this one imports
pandas and the parser and warms the parser up (on a machine with more than one core): those
steps come before any parsing and would otherwise run one after the other.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

from . import DEFAULT_OUT, DEFAULT_RAW, DEFAULT_TIMEOUT, OUTPUT_TABLES
from .files import Staged, atomic_path, build_lock, remove_stale_temps
from .inputs import InputFile, hash_files, mark_duplicates, previous_hashes, save_hashes, walk
from .version import parser_version

if TYPE_CHECKING:
    from ..model import ParseResult

STATE_FILE = "build.json"
STATUSES = ("ok", "warning", "failed", "skipped")


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
    if state.get("fingerprint") != fingerprint or not all((out / f"{n}.parquet").is_file() for n in OUTPUT_TABLES):
        return None
    return state


# --------------------------------------------------------------------------- inputs
def _walk_and_hash(raw: list[str], include: Sequence[str], out: Path, use_cache: bool) -> list[InputFile]:
    """The inputs under ``raw``, hashed (hashes of unchanged files from the last build into ``out``)."""
    files = walk(raw, include, exclude=[out])
    hash_files(files, previous_hashes(out) if use_cache else None)
    return files


def _prepare_parsing(parser: Optional[Callable], jobs: int) -> None:
    """What every build that parses does first: import pandas, the assembly and the parser, and
    warm the default parser up (``parallel.parse_inputs`` finds it done)."""
    from . import corrections  # noqa: F401 - pandas
    from . import assemble, parallel  # noqa: F401

    if parser is None:
        parallel.default_parser()
        for name in ("text", "html"):  # the usual inputs; others are imported once the inputs are known
            importlib.import_module(f"govstats.load.{name}")
        if jobs > 1:
            parallel.warm_up_parser()


def _inputs(raw: list[str], include: Sequence[str], out: Path, use_cache: bool, parser: Optional[Callable],
            jobs: int) -> list[InputFile]:
    """``_walk_and_hash``; in a forked child beside ``_prepare_parsing`` when the build cannot be a
    no-change rebuild (see the module doc), else here."""
    overlap = ((not use_cache or not (out / STATE_FILE).is_file()) and (os.cpu_count() or 1) > 1
               and sys.platform.startswith("linux"))
    if not overlap:
        return _walk_and_hash(raw, include, out, use_cache)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as ex:
        future = ex.submit(_walk_and_hash, raw, include, out, use_cache)
        _prepare_parsing(parser, jobs)
        try:
            return future.result()
        except BrokenProcessPool:  # the child died (out of memory?): walk here
            return _walk_and_hash(raw, include, out, use_cache)


# --------------------------------------------------------------------------- build
def _cpu_seconds() -> dict[str, float]:
    """User + system CPU seconds of this process and of its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"build_process": round(own.ru_utime + own.ru_stime, 3),
            "workers": round(workers.ru_utime + workers.ru_stime, 3)}


def _peak_rss_mb() -> dict[str, float]:
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
            "largest_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale}


def default_corrections(out: Path) -> Path:
    """``data/corrections.csv`` for ``data/processed``: the folder above OUT."""
    return out.resolve().parent / "corrections.csv"


def build(raw: Iterable[str | os.PathLike] = (DEFAULT_RAW,), out: str | os.PathLike = DEFAULT_OUT, *,
          jobs: Optional[int] = None, use_cache: bool = True, include: Sequence[str] = (),
          corrections: Optional[str | os.PathLike] = None, parser: Optional[Callable[[str], "ParseResult"]] = None,
          timeout: Optional[float] = DEFAULT_TIMEOUT, progress: Optional[bool] = None) -> BuildSummary:
    """Build the dataset of every input under ``raw`` into ``out`` (contract 2 of DESIGN.md).

    ``jobs``: worker processes (default: CPU count; 1 parses in this process). ``use_cache=False``
    re-hashes and re-parses every input. ``include``: glob patterns an input must match.
    ``corrections``: the corrections CSV (default ``default_corrections(out)``). ``parser``: the
    single-report parser (default ``govstats.parse.parse_file``; must be importable by name).
    ``timeout``: seconds one input may take. ``progress``: a progress bar (default: stderr is a tty).
    """
    clock = _Clock()
    out = Path(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    progress = sys.stderr.isatty() if progress is None else progress
    version = parser_version(parser)
    corrections_path = Path(corrections) if corrections is not None else default_corrections(out)
    with build_lock(out):
        remove_stale_temps(out)
        files = _inputs([str(r) for r in raw], include, out, use_cache, parser, jobs)
        mark_duplicates(files)
        fingerprint = _fingerprint(version, files, corrections_path)
        state = _up_to_date(out, fingerprint) if use_cache else None
        clock.lap("inputs")
        if state is not None:
            s = state["summary"]
            return BuildSummary(files=s["files"], statuses=s["statuses"], values=s["values"],
                                failed_checks=s["failed_checks"], seconds=clock.total(), up_to_date=True,
                                warnings=state.get("warnings", []), out=str(out))
        from . import corrections as corr  # the heavy part (pandas, the parser) loads only now
        from .assemble import Assembler
        from .cache import Cache
        from .parallel import parse_inputs

        cache = Cache(out, version)
        cached = set(cache.load_index()) if use_cache else set()
        live = {f.sha256 for f in files if f.to_parse and f.sha256}
        todo = [f for f in files if f.to_parse and f.sha256 not in cached]
        fixes, warnings = corr.read(corrections_path)
        staged = Staged(out)
        try:
            with Assembler(files, fixes, staged) as assembler:
                for part, shas in cache.live_by_part(live & cached).items():
                    assembler.add(cache.read_part(part, shas))
                clock.lap("cached")
                unusable = parse_inputs(todo, cache, jobs, parser, version, timeout, progress, assembler.add)
                clock.lap("parse")
                result = assembler.finish(cached, unusable)
            staged.commit()
        finally:
            staged.discard()
        clock.lap("finish")
        summary = BuildSummary(files=len(files), statuses={k: result.statuses.get(k, 0) for k in STATUSES},
                               values=result.n_values, failed_checks=result.n_failed_checks,
                               seconds=clock.total(), parsed=len(todo), warnings=warnings + result.warnings,
                               out=str(out))
        # files that broke the machinery are retried by the next build: never "up to date" then
        _write_state(out, None if unusable else fingerprint, version, summary, clock.laps,
                     {"assemble_batches": round(result.seconds, 3), "cache_reads": round(cache.read_seconds, 3)})
        save_hashes(out, files)
        if cache.needs_compaction(live):
            cache.compact(live)
        cache.prune_other_versions()
    return summary


class _Clock:
    """Seconds spent in each phase of a build (recorded in build.json)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.laps[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return time.monotonic() - self.start


def _write_state(out: Path, fingerprint: Optional[str], version: str, summary: BuildSummary,
                 phases: dict[str, float], main_cpu: dict[str, float]) -> None:
    state = {"fingerprint": fingerprint, "parser_version": version, "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
             "summary": {k: v for k, v in asdict(summary).items() if k not in ("warnings", "out", "up_to_date")},
             "phases_s": phases, "cpu_s": _cpu_seconds(), "main_process_cpu_s": main_cpu, "peak_rss_mb": _peak_rss_mb(),
             "warnings": summary.warnings}
    with atomic_path(out / STATE_FILE) as tmp:
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")


__all__ = ["BuildSummary", "STATE_FILE", "build", "default_corrections"]
