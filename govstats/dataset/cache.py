"""The parse cache: per-input results stored in parts, keyed by content sha256 + parser version.

Layout: ``<OUT>/.cache/<parser version hash>.f<FORMAT>/<part>.values.arrow``, ``<part>.checks.arrow``
(Arrow IPC files, lz4: cheap to write and to read back) and ``<part>.parsed.parquet``. A part holds
the results of a batch of inputs (one ``parsed`` row per input, also for failures, so a broken file
is not re-parsed either); a build's worker processes write one part per chunk they parse
(``write_part``), so their results never travel through a pipe. The ``parsed`` file is written
last and is the part's commit mark: a part without it (a build killed while writing) is ignored and
removed. Parts are written atomically, so a build killed at any moment keeps every part finished
before, and the next build parses only what is missing. When a sha256 is in several parts, the
newest part wins.

The parser version (``govstats.dataset.version``) hashes the govstats version, the package's source
files and every codebook / data CSV: any change to the parser or its data invalidates the cache (old
versions are removed after the next successful build); ``FORMAT`` names the layout of the parts, so
parts of another layout are never read. ``compact`` rewrites the live rows into few parts when small
parts (left by builds that parse a few new inputs) pile up or when parts hold many results of inputs
that are gone.
"""
from __future__ import annotations

import itertools
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import GovstatsError
from .files import atomic_path
from .schema import PARSED, PART_CHECKS, PART_VALUES, TableSchema
from .worker import ChunkResult

CACHE_DIR = ".cache"
#: the layout of the parts (part of the cache folder's name): bumped whenever it changes
FORMAT = 2
KINDS: dict[str, TableSchema] = {"values": PART_VALUES, "checks": PART_CHECKS, "parsed": PARSED}
#: file name ending of each file of a part; ``parsed`` (written last) commits the part
SUFFIXES = {"values": ".values.arrow", "checks": ".checks.arrow", "parsed": ".parsed.parquet"}
#: parts are compressed and read by one thread: Arrow's thread pool costs more CPU than it saves on
#: parts this size (the workers already keep the cores busy)
_IPC = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
_READ = pa.ipc.IpcReadOptions(use_threads=False)
#: compaction: more than MAX_PARTS small parts (under SMALL_PART results: what builds that parse a
#: few new inputs leave; a large build writes parts of up to ``parallel.MAX_CHUNK`` results), or more
#: dead results (of inputs that are gone) than live ones and at least MIN_DEAD of them
MAX_PARTS = 48
SMALL_PART = 16
MIN_DEAD = 64
COMPACT_ROWS = 200_000  # values rows per compacted part
_counter = itertools.count(1)


class CacheWriteFailed(GovstatsError):
    """A part could not be written (full disk, permissions): a problem of the build, not of an input,
    so the build stops."""


def cache_dir(out: Path, version: str) -> Path:
    """The folder of the parts of one parser version under ``<out>/.cache``."""
    return out / CACHE_DIR / f"{version.replace('+', '-')}.f{FORMAT}"


def _part_path(folder: Path, part: str, kind: str) -> Path:
    return folder / f"{part}{SUFFIXES[kind]}"


def write_part(folder: Path, result: ChunkResult) -> str:
    """Store ``result`` as a new part of ``folder`` (values, checks, then the parsed rows that commit
    it); return its name. Called by the worker processes on the chunks they parse."""
    part = f"{time.time_ns():020d}-{os.getpid()}-{next(_counter):04d}"  # names sort by creation time
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind in ("values", "checks"):
            table = getattr(result, kind)
            with atomic_path(_part_path(folder, part, kind), fsync=False) as tmp:
                with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=_IPC) as writer:
                    writer.write_table(table)
        with atomic_path(_part_path(folder, part, "parsed"), fsync=False) as tmp:
            pq.write_table(result.parsed, tmp, compression="zstd", write_statistics=False)  # read whole, never pruned
    except OSError as e:
        raise CacheWriteFailed(f"cannot write the parse cache in {folder}: {e}") from e
    return part


def _read_ipc(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source, options=_READ).read_all()


@dataclass
class Cache:
    """The parts of one parser version under ``<out>/.cache``."""

    out: Path
    version: str
    index: dict[str, str] = field(default_factory=dict)  # sha256 -> newest part holding it
    sizes: dict[str, int] = field(default_factory=dict)  # part -> results it holds
    read_seconds: float = 0.0  # CPU seconds spent reading parts the workers wrote (``read_new``)

    @property
    def dir(self) -> Path:
        return cache_dir(self.out, self.version)

    def path(self, part: str, kind: str) -> Path:
        return _part_path(self.dir, part, kind)

    # ---------------------------------------------------------------- reading
    def parts(self) -> list[str]:
        """Committed parts, oldest first (names sort by creation time)."""
        if not self.dir.is_dir():
            return []
        suffix = SUFFIXES["parsed"]
        return sorted(p.name[: -len(suffix)] for p in self.dir.glob(f"*{suffix}"))

    def load_index(self) -> dict[str, str]:
        """Read which part holds each sha256; remove unreadable or incomplete parts."""
        self.index, self.sizes = {}, {}
        committed = set()
        for part in self.parts():
            try:
                for kind in ("values", "checks"):
                    with pa.memory_map(str(self.path(part, kind))) as source:
                        pa.ipc.open_file(source)
                shas = pq.read_table(self.path(part, "parsed"), columns=["sha256"]).column(0).to_pylist()
            except (OSError, pa.ArrowException):
                self._remove(part)
                continue
            committed.add(part)
            self._add(part, shas)  # newer parts come later and win
        self._remove_orphans(committed)
        return self.index

    def read(self, part: str, kind: str, shas: Optional[list[str]] = None) -> pa.Table:
        """One file of a part, restricted to the rows of ``shas`` when given."""
        path = self.path(part, kind)
        table = pq.read_table(path, schema=KINDS[kind].arrow) if kind == "parsed" else _read_ipc(path)
        if shas is None:
            return table
        key, wanted = ("sha256", shas) if kind == "parsed" else ("report_id", [s[:16] for s in shas])
        return table.filter(pc.is_in(table.column(key), pa.array(wanted, pa.string())))

    def read_part(self, part: str, shas: Optional[list[str]] = None) -> ChunkResult:
        """The results of ``shas`` (default: all) held by ``part``."""
        return ChunkResult(*(self.read(part, kind, shas) for kind in ("parsed", "values", "checks")))

    def read_new(self, part: str, parsed: pa.Table) -> ChunkResult:
        """A part a worker just wrote (``parsed``: its parsed rows, as the worker sent them): all its
        results, now in the index."""
        t0 = time.process_time()
        result = ChunkResult(parsed, self.read(part, "values"), self.read(part, "checks"))
        self._add(part, parsed.column("sha256").to_pylist())
        self.read_seconds += time.process_time() - t0
        return result

    def live_by_part(self, shas: set[str]) -> dict[str, list[str]]:
        """part -> the ``shas`` whose newest result it holds, parts oldest first."""
        out: dict[str, list[str]] = {}
        for s in shas:
            if s in self.index:
                out.setdefault(self.index[s], []).append(s)
        return dict(sorted(out.items()))

    # ---------------------------------------------------------------- writing
    def _add(self, part: str, shas: list[str]) -> None:
        for sha in shas:
            self.index[sha] = part
        self.sizes[part] = len(shas)

    def write(self, result: ChunkResult) -> str:
        """Store one part written in this process."""
        part = write_part(self.dir, result)
        self._add(part, result.parsed.column("sha256").to_pylist())
        return part

    # ---------------------------------------------------------------- upkeep
    def _remove(self, part: str) -> None:
        for kind in KINDS:
            self.path(part, kind).unlink(missing_ok=True)

    def _remove_orphans(self, committed: set[str]) -> None:
        """Remove files of uncommitted parts and temporary files of killed builds (the build holds the lock)."""
        for p in self.dir.iterdir() if self.dir.is_dir() else ():
            if p.name.split(".")[0] not in committed:
                p.unlink(missing_ok=True)

    def needs_compaction(self, live: set[str]) -> bool:
        small = sum(1 for n in self.sizes.values() if n < SMALL_PART)
        dead = sum(1 for s in self.index if s not in live)
        return small > MAX_PARTS or dead > max(len(live), MIN_DEAD)

    def compact(self, live: set[str]) -> None:
        """Rewrite the newest results of ``live`` into few parts, then drop the old parts."""
        old = self.parts()
        batch: list[ChunkResult] = []
        rows = 0
        for part, shas in self.live_by_part(live).items():
            chunk = self.read_part(part, shas)
            batch.append(chunk)
            rows += chunk.values.num_rows
            if rows >= COMPACT_ROWS:
                self._write_merged(batch)
                batch, rows = [], 0
        if batch:
            self._write_merged(batch)
        for part in old:
            self._remove(part)
        self.load_index()

    def _write_merged(self, chunks: list[ChunkResult]) -> None:
        self.write(ChunkResult(*(pa.concat_tables([getattr(c, k) for c in chunks]) for k in ("parsed", "values", "checks"))))

    def prune_other_versions(self) -> None:
        """Remove the caches of other parser versions."""
        root = self.out / CACHE_DIR
        for d in root.iterdir() if root.is_dir() else ():
            if d.is_dir() and d != self.dir:
                shutil.rmtree(d, ignore_errors=True)


__all__ = ["CACHE_DIR", "Cache", "CacheWriteFailed", "FORMAT", "cache_dir", "write_part"]
