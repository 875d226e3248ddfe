#!/usr/bin/env python3
"""Milliseconds per report for each parse stage, on generated reports, in one process.

    .venv/bin/python benchmarks/profile_parse.py                       # 300 reports, txt/html
    .venv/bin/python benchmarks/profile_parse.py --n 1000 --formats txt,html,docx
    .venv/bin/python benchmarks/profile_parse.py --profile layout,tables,derive,identities

Reports come from ``govstats.synth.random_spec(seed + i)`` rendered in the formats given in turn
(the same options always give the same bytes), rendered before any timing. The stages are the
functions ``govstats.parse`` chains, called directly and timed one by one:

    load       load.load_bytes               (bytes -> RawDocument; no disk access)
    normalize  normalize.normalize
    layout     layout.find_grids
    meta       meta.looks_like_report + meta.extract_meta
    tables     extract.tables.extract_tables
    narrative  extract.narrative.extract_narrative
    derive     validate.table_pool + validate.derive   (as govstats.parse: values pooled once for both)
    validate   validate.validate              (checks.identities + checks.narrative, on that pool)

and, outside the total, ``checks.identities.check_identities`` run once more on its own (the
identities part of validate), so the table side can be read as layout + tables + derive +
identities.

Times are CPU time of this process (``time.process_time``), so other work on the machine
disturbs them less than wall time. The cyclic garbage collector runs as in a build worker
(``--gc-threshold``, default ``govstats.dataset.worker.GC_THRESHOLD``; 700 is Python's default). Caches are warmed first on ``--warmup`` other reports (a build
worker parses thousands of reports, so it runs warm), then every report is parsed once. ``--profile`` adds a cProfile
listing restricted to the stages named (the heaviest functions by ``--sort``).
Not part of the test suite; no figure here is asserted anywhere.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govstats import layout, meta as meta_mod, synth, validate  # noqa: E402
from govstats.checks.identities import check_identities  # noqa: E402
from govstats.extract import narrative, tables  # noqa: E402
from govstats.load import load_bytes  # noqa: E402
from govstats.normalize import normalize  # noqa: E402

STAGES = ("load", "normalize", "layout", "meta", "tables", "narrative", "derive", "validate")
#: timed apart, outside the total: the identities part of validate
IDENTITIES = "identities"
#: the table side (the 1.5 ms budget of the table work)
TABLE_SIDE = ("layout", "tables", "derive", IDENTITIES)


def reports(n: int, seed: int, formats: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """``n`` generated reports as (name, bytes), formats taken in turn."""
    out = []
    for i in range(n):
        fmt = formats[i % len(formats)]
        out.append((f"r{seed + i}.{fmt}", synth.render(synth.random_spec(seed + i), fmt)))
    return out


def parse_timed(name: str, data: bytes, clock: dict[str, float], prof: dict[str, cProfile.Profile]) -> None:
    """Parse one report stage by stage, adding each stage's seconds to ``clock``."""

    def run(stage: str, fn: Callable[..., Any], *args: Any) -> Any:
        p = prof.get(stage)
        t = time.process_time()
        if p is not None:
            p.enable()
        out = fn(*args)
        if p is not None:
            p.disable()
        clock[stage] += time.process_time() - t
        return out

    raw = run("load", load_bytes, data, name)
    doc = run("normalize", normalize, raw)
    grids = list(doc.grids) + run("layout", layout.find_grids, doc)

    def meta_stage() -> Any:
        ok, reason = meta_mod.looks_like_report(doc)
        return meta_mod.extract_meta(doc, grids) if ok else None

    meta = run("meta", meta_stage)
    if meta is None:
        return
    tvalues, _ = run("tables", tables.extract_tables, doc, grids, meta)
    nvalues, _ = run("narrative", narrative.extract_narrative, doc, meta, tvalues)
    values = tvalues + nvalues
    pooled = run("derive", validate.table_pool, values)
    values += run("derive", validate.derive, values, pooled)
    run("validate", validate.validate, values, meta, doc, pooled)
    run(IDENTITIES, check_identities, values, meta)


def _worker_gc_threshold() -> int:
    from govstats.dataset.worker import GC_THRESHOLD

    return GC_THRESHOLD


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="reports timed (default 300)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first report (default 1)")
    ap.add_argument("--formats", default="txt,html", help="formats in turn (default txt,html)")
    ap.add_argument("--warmup", type=int, default=50, help="reports parsed first, untimed (default 50)")
    ap.add_argument("--profile", default="", help="comma-separated stages (or identities) to profile with cProfile")
    ap.add_argument("--top", type=int, default=25, help="functions listed by --profile (default 25)")
    ap.add_argument("--gc-threshold", type=int, default=None,
                    help="first generation threshold of the garbage collector (default: a build worker's)")
    ap.add_argument("--sort", default="cumulative", help="pstats sort key of --profile: cumulative | tottime (default cumulative)")
    args = ap.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    profiled = [s for s in args.profile.split(",") if s]
    unknown = set(profiled) - set(STAGES + (IDENTITIES,))
    if unknown:
        ap.error(f"unknown stages {sorted(unknown)}; expected some of {STAGES}")

    gc.set_threshold(args.gc_threshold or _worker_gc_threshold(), *gc.get_threshold()[1:])
    warm = reports(args.warmup, args.seed + 1_000_000, formats)
    timed = reports(args.n, args.seed, formats)
    scratch = dict.fromkeys(STAGES + (IDENTITIES,), 0.0)
    for name, data in warm:
        parse_timed(name, data, scratch, {})

    clock = dict.fromkeys(STAGES + (IDENTITIES,), 0.0)
    prof = {s: cProfile.Profile() for s in profiled}
    per_report: list[float] = []
    for name, data in timed:
        before = sum(clock[s] for s in STAGES)
        parse_timed(name, data, clock, prof)
        per_report.append(sum(clock[s] for s in STAGES) - before)

    n = len(timed)
    total = sum(clock[s] for s in STAGES)
    print(f"{n} reports ({', '.join(formats)}), seed {args.seed}, warm-up {len(warm)}, gc threshold {gc.get_threshold()[0]}"
          + (f"; cProfile on: {', '.join(profiled)} (timings inflated)" if profiled else ""))
    print(f"{'stage':<10} {'ms/report':>10} {'share':>7}   (CPU time)")
    for s in STAGES:
        print(f"{s:<10} {1000 * clock[s] / n:>10.3f} {100 * clock[s] / total:>6.1f}%")
    print(f"  {IDENTITIES:<8} {1000 * clock[IDENTITIES] / n:>10.3f}   (check_identities alone, part of validate)")
    side = sum(clock[s] for s in TABLE_SIDE)
    print(f"{'total':<10} {1000 * total / n:>10.3f}   (median report {1000 * statistics.median(per_report):.3f} ms)")
    print(f"{'table side':<10} {1000 * side / n:>10.3f}   ({' + '.join(TABLE_SIDE)})")
    print(f"reports per second, one core: {n / total:.0f}")
    if profiled:
        stats = None
        for p in prof.values():
            stats = pstats.Stats(p) if stats is None else stats.add(p)
        buf = io.StringIO()
        assert stats is not None
        stats.stream = buf  # type: ignore[attr-defined]
        stats.sort_stats(args.sort).print_stats(args.top)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
