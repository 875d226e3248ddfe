"""The parse cache: per-input results stored as Parquet parts, keyed by content sha256 + parser version.

Layout: ``<OUT>/.cache/<parser version hash>/<part>.{values,checks,parsed}.parquet``. A part holds
the results of a batch of inputs (one ``parsed`` row per input, also for failures, so a broken file
is not re-parsed either). The ``parsed`` file is written last and is the part's commit mark: a part
without it (a build killed while writing) is ignored and removed. Parts are written atomically, so
a build killed at any moment keeps every part finished before, and the next build parses only what
is missing. When a sha256 is in several parts, the newest part wins.

The parser version (``govstats.dataset.version``) hashes the govstats version, the package's source
files and every codebook / data CSV: any change to the parser or its data invalidates the cache (old
versions are removed after the next successful build). ``compact`` rewrites the live rows into few
parts when small parts (left by builds that parse a few new inputs) pile up or when parts hold many
results of inputs that are gone.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .files import atomic_path
from .schema import PARSED, PART_CHECKS, PART_VALUES, TableSchema
from .worker import ChunkResult

CACHE_DIR = ".cache"
KINDS: dict[str, TableSchema] = {"values": PART_VALUES, "checks": PART_CHECKS, "parsed": PARSED}
#: compaction: more than MAX_PARTS small parts (under SMALL_PART results: what builds that parse a
#: few new inputs leave; a large build writes full parts), or more dead results (of inputs that are
#: gone) than live ones and at least MIN_DEAD of them
MAX_PARTS = 48
SMALL_PART = 100
MIN_DEAD = 64
COMPACT_ROWS = 200_000  # values rows per compacted part


@dataclass
class Cache:
    """The parts of one parser version under ``<out>/.cache``."""

    out: Path
    version: str
    index: dict[str, str] = field(default_factory=dict)  # sha256 -> newest part holding it
    sizes: dict[str, int] = field(default_factory=dict)  # part -> results it holds
    write_seconds: float = 0.0  # CPU seconds spent writing parts
    _counter: int = 0

    @property
    def dir(self) -> Path:
        return self.out / CACHE_DIR / self.version.replace("+", "-")

    def path(self, part: str, kind: str) -> Path:
        return self.dir / f"{part}.{kind}.parquet"

    # ---------------------------------------------------------------- reading
    def parts(self) -> list[str]:
        """Committed parts, oldest first (names sort by creation time)."""
        if not self.dir.is_dir():
            return []
        return sorted(p.name[: -len(".parsed.parquet")] for p in self.dir.glob("*.parsed.parquet"))

    def load_index(self) -> dict[str, str]:
        """Read which part holds each sha256; remove unreadable or incomplete parts."""
        self.index, self.sizes = {}, {}
        committed = set()
        for part in self.parts():
            try:
                for kind in ("values", "checks"):
                    pq.read_metadata(self.path(part, kind))
                shas = pq.read_table(self.path(part, "parsed"), columns=["sha256"]).column(0).to_pylist()
            except (OSError, pa.ArrowException):
                self._remove(part)
                continue
            committed.add(part)
            self.sizes[part] = len(shas)
            for sha in shas:
                self.index[sha] = part  # newer parts come later and win
        self._remove_orphans(committed)
        return self.index

    def read(self, part: str, kind: str, shas: Optional[list[str]] = None) -> pa.Table:
        """One file of a part, restricted to the rows of ``shas`` when given."""
        table = pq.read_table(self.path(part, kind), schema=KINDS[kind].arrow)
        if shas is None:
            return table
        key, wanted = ("sha256", shas) if kind == "parsed" else ("report_id", [s[:16] for s in shas])
        return table.filter(pc.is_in(table.column(key), pa.array(wanted, pa.string())))

    def read_part(self, part: str, shas: list[str]) -> ChunkResult:
        """The results of ``shas`` held by ``part``."""
        return ChunkResult(*(self.read(part, kind, shas) for kind in ("parsed", "values", "checks")))

    def live_by_part(self, shas: set[str]) -> dict[str, list[str]]:
        """part -> the ``shas`` whose newest result it holds, parts oldest first."""
        out: dict[str, list[str]] = {}
        for s in shas:
            if s in self.index:
                out.setdefault(self.index[s], []).append(s)
        return dict(sorted(out.items()))

    # ---------------------------------------------------------------- writing
    def _new_part(self) -> str:
        self._counter += 1
        return f"{time.time_ns():020d}-{os.getpid()}-{self._counter:04d}"

    def write(self, result: ChunkResult) -> str:
        """Store one part (values, checks, then the parsed rows that commit it)."""
        t0 = time.process_time()
        self.dir.mkdir(parents=True, exist_ok=True)
        part = self._new_part()
        for kind, table in (("values", result.values), ("checks", result.checks), ("parsed", result.parsed)):
            with atomic_path(self.path(part, kind), fsync=False) as tmp:
                pq.write_table(table, tmp, compression="zstd", write_statistics=False)  # read whole, never pruned
        for sha in result.parsed.column("sha256").to_pylist():
            self.index[sha] = part
        self.sizes[part] = result.parsed.num_rows
        self.write_seconds += time.process_time() - t0
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


__all__ = ["CACHE_DIR", "Cache"]
