#!/usr/bin/env python3
"""Throughput and memory of ``govstats build`` on a generated corpus; writes ``benchmarks/results.md``.

    python benchmarks/run.py                      # 10 000 txt/html reports, jobs = CPU count
    python benchmarks/run.py --n 2000 --formats txt,html,docx,pdf --jobs 2

Measures, for full builds of a fresh corpus (``govstats build`` run as a command, so interpreter
start-up counts; ``--repeat`` builds from scratch, the median decides, all are listed): reports per
second per core end to end (wall clock, over the cores the build may use) and per CPU-second, seconds
per MB, peak memory of the
whole process tree (build process + workers: RSS and PSS summed over the tree, sampled from
/proc every 200 ms; plus the build's own ru_maxrss figures), then the no-change rebuild time, and
where the time goes: the build's phases and its own CPU (build.json), and for a sample of reports,
in this process, the parse stages, the worker's conversion of each result to Arrow and a profile.
The machine is shared: the same build runs up to ~15% slower when other tenants load the host, so
before each build two things are timed: a fixed pure-Python workload (``host_index``, independent
of govstats: comparable across versions) and the parse of the same 100 corpus reports in this
process (``reference_parse``: the build's own work, so it follows the host's speed for this
workload more closely). Both say how fast the host was at that moment.
The corpus comes from ``govstats.synth.write_corpus`` (under a folder named ``synthetic``).
Everything runs on a snapshot of ``govstats/`` copied at the start, so edits made to the working
tree during the run do not change the parser version between the two builds.
Not part of the test suite (tests/test_build_benchmark.py runs it once with --n 20).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.metadata as md
import json
import os
import platform
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.md"
TARGET_PER_CORE = 200.0  # text/HTML reports per second per core, end to end
TARGET_RSS_MB = 1024.0  # peak memory of the whole build for 10 000 reports
TARGET_REBUILD = 0.05  # no-change rebuild / full build
PACKAGES = ("pandas", "pyarrow", "duckdb", "pdfplumber", "python-docx", "lxml", "opencc")


# --------------------------------------------------------------------------- machine
def load_average() -> str:
    """1 / 5 / 15-minute load averages (other work on the machine slows the builds)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def host_index(rounds: int = 3) -> float:
    """CPU milliseconds of a fixed pure-Python workload (dict, string, regex and arithmetic work, as
    a parser does, and a dict larger than the CPU caches), best of ``rounds``: a measure of how fast
    the host runs Python right now, independent of govstats (lower is faster)."""
    import re

    word = re.compile(r"[一-龥]+(\d+)件")
    text = "本年度共收到政府信息公开申请123件，其中自然人申请45件。" * 40
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        counts: dict[str, int] = {}
        total = 0
        for i in range(1000):
            for m in word.finditer(text):
                key = m.group(0)[:4] + str(i % 17)
                counts[key] = counts.get(key, 0) + int(m.group(1))
            total += sum(len(x) for x in text.split("，")) + sum(j * j for j in range(200))
        # and a working set larger than the caches: what a build's processes compete for
        table = {f"{k:07d}{text[k % 50]}": k for k in range(100_000)}
        total += sum(table[f"{k:07d}{text[k % 50]}"] for k in range(0, 100_000, 3))
        best = min(best, time.process_time() - t0)
    return 1000 * best


def reference_parse(paths: Sequence[Path]) -> float:
    """CPU milliseconds per report to parse ``paths`` in this process (caches warm after the first
    call), with a build worker's collector setting: the host's speed for the build's own work."""
    from govstats.dataset.worker import GC_THRESHOLD
    from govstats.parse import parse_file

    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        t0 = time.process_time()
        for p in paths:
            try:
                parse_file(p)
            except Exception:  # noqa: BLE001 - a report the parser rejects still took its time
                pass
        return 1000 * (time.process_time() - t0) / max(1, len(paths))
    finally:
        gc.set_threshold(*threshold)


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    mem_kb = first("/proc/meminfo", "MemTotal").split()[0]
    versions = []
    for pkg in ("govstats",) + PACKAGES:
        try:
            versions.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            continue
    return {
        "cores": str(os.cpu_count()),
        "RAM": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "unknown",
        "CPU": first("/proc/cpuinfo", "model name"),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "packages": ", ".join(versions),
    }


# --------------------------------------------------------------------------- corpus
def make_corpus(folder: Path, n: int, seed: int, formats: tuple[str, ...]) -> tuple[list[Path], float]:
    """``n`` generated reports under ``folder/synthetic`` (an earlier run's corpus in ``folder`` is
    removed first: the builds read the whole folder); returns (paths, megabytes)."""
    from govstats import synth

    shutil.rmtree(folder, ignore_errors=True)
    paths = synth.write_corpus(folder / "synthetic", n, seed=seed, formats=formats, gold=False)
    reports = [p for p in paths if p.suffix.lstrip(".") in formats]
    return reports, sum(p.stat().st_size for p in reports) / 1e6


# --------------------------------------------------------------------------- memory
def _children(pid: int) -> list[int]:
    """Child processes of ``pid``: from /proc/PID/task/*/children where the kernel has it (cheap),
    else by scanning every process' parent."""
    try:
        return [int(c) for task in os.listdir(f"/proc/{pid}/task")
                for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class TreeMemory:
    """Peak RSS and PSS summed over a process and its descendants, sampled in a thread."""

    pid: int
    interval: float = 0.2  # sampling costs CPU the build would otherwise have
    peak_rss_kb: int = 0
    peak_pss_kb: int = 0
    peak_processes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> "TreeMemory":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            self.peak_rss_kb = max(self.peak_rss_kb, sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(self.interval)


# --------------------------------------------------------------------------- builds
@dataclass
class BuildRun:
    wall: float
    cpu: float  # user + system seconds of the build process and its workers
    summary: str
    state: dict
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int
    host_ms: float = 0.0  # ``host_index`` just before the build
    ref_ms: float = 0.0  # ``reference_parse`` just before the build


def snapshot_sources(work: Path) -> Path:
    """Copy ``govstats/`` under ``work/src`` (replacing the copy of an earlier run in the same
    workdir) and import it from there (this process and the builds)."""
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(ROOT / "govstats", src / "govstats", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(src))
    return src


def run_build(corpus: Path, out: Path, jobs: int, src: Path, reference: Sequence[Path] = ()) -> BuildRun:
    host_ms = host_index()
    ref_ms = reference_parse(reference) if reference else 0.0
    cmd = [sys.executable, "-m", "govstats.cli", "build", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build, and its workers it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {stderr[-2000:]}")
    state = json.loads((out / "build.json").read_text(encoding="utf-8"))
    return BuildRun(wall, cpu, stderr.strip().splitlines()[-1], state, mem.peak_rss_kb / 1024, mem.peak_pss_kb / 1024,
                    mem.peak_processes, host_ms, ref_ms)


# --------------------------------------------------------------------------- where the time goes
@dataclass
class Profile:
    """Where a worker's time goes, measured in this process over a sample of reports."""

    stages: dict[str, float]  # seconds per parse stage over the sample
    conversion: float  # seconds of the worker's own work (ParseResult -> Arrow tables -> cache part) over the sample
    hot: str  # the heaviest govstats functions of parse_document (a markdown table)


def stage_profile(paths: list[Path], warm: Sequence[Path] = (), top: int = 12) -> Profile:
    """Seconds per stage over ``paths``, in this process with a worker's collector setting, chunk by
    chunk as a worker goes: each report loaded, normalized and parsed, then the chunk's results
    converted to Arrow and written as a cache part in a temp folder
    (``govstats.dataset.parallel.parse_to_cache`` around a parser that returns them at once). Then,
    in a second pass under cProfile, the heaviest functions of the parse."""
    from govstats.dataset.parallel import MAX_CHUNK, parse_to_cache
    from govstats.dataset.worker import GC_THRESHOLD, Task
    from govstats.load import load
    from govstats.normalize import normalize
    from govstats.parse import parse_document

    def parse(path: Path) -> Optional[object]:
        try:
            return parse_document(normalize(load(path)))
        except Exception:  # noqa: BLE001 - a report the parser rejects still took its time
            return None

    for p in warm:  # a worker parses thousands of reports: its lazily built tables and caches are warm
        parse(p)
    stages = {"load": 0.0, "normalize": 0.0, "parse_document (layout, meta, extract, validate)": 0.0}
    conversion = 0.0
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    parts = tempfile.TemporaryDirectory(prefix="govstats-parts-")
    try:
        for start in range(0, len(paths), MAX_CHUNK):
            results = {}
            for p in paths[start : start + MAX_CHUNK]:
                t0 = time.perf_counter()
                raw = load(p)
                t1 = time.perf_counter()
                doc = normalize(raw)
                t2 = time.perf_counter()
                try:
                    results[str(p)] = parse_document(doc)
                except Exception:  # noqa: BLE001 - a report the parser rejects still took its time
                    pass
                for k, dt in zip(stages, (t1 - t0, t2 - t1, time.perf_counter() - t2)):
                    stages[k] += dt
            tasks = [Task(p, f"{i:064x}") for i, p in enumerate(results)]
            t0 = time.perf_counter()
            parse_to_cache(tasks, results.__getitem__, "benchmark", None, parts.name)
            conversion += time.perf_counter() - t0
    finally:
        gc.set_threshold(*threshold)
        parts.cleanup()
    prof = cProfile.Profile()
    prof.runcall(lambda: [parse(p) for p in paths])
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_, _, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "govstats" in file and "/dataset/" not in file:
            rows.append((cumtime, tottime, f"govstats/{file.split('/govstats/', 1)[-1]}:{line} {func}"))
    rows.sort(reverse=True)
    table = ["| cumulative s | own s | function |", "|---:|---:|---|"]
    table += [f"| {c:.2f} | {t:.2f} | `{name}` |" for c, t, name in rows[:top]]
    return Profile(stages, conversion, "\n".join(table))


# --------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def write_results(path: Path, args: argparse.Namespace, mach: dict, n_reports: int, mb: float, gen_s: float,
                  fulls: list[BuildRun], again: BuildRun, prof: Profile, sample: int) -> str:
    jobs = args.jobs
    cores = max(1, min(jobs, os.cpu_count() or 1))  # the cores the build can use
    full = sorted(fulls, key=lambda r: r.wall)[(len(fulls) - 1) // 2]  # the median run (by wall): its details below
    wall, cpu_s = statistics.median([r.wall for r in fulls]), statistics.median([r.cpu for r in fulls])
    per_s = n_reports / wall
    per_core = per_s / cores
    per_cpu = n_reports / cpu_s
    rebuild_ratio = again.wall / wall
    runs = [f"| {i} | {r.host_ms:.0f} ms | {r.ref_ms:.2f} ms | {r.wall:.1f} s | {n_reports / r.wall / cores:.0f} | {r.cpu:.1f} s | "
            f"{n_reports / r.cpu:.0f} | {r.peak_pss_mb:.0f} MB |" for i, r in enumerate(fulls, 1)]
    phases = full.state.get("phases_s", {})
    main_cpu = full.state.get("main_process_cpu_s", {})
    rss = full.state.get("peak_rss_mb", {})
    cpu = full.state.get("cpu_s", {})
    parse_cpu = sum(prof.stages.values())
    worker = parse_cpu + prof.conversion
    lines = [
        "# Build benchmark",
        "",
        f"Written by `python benchmarks/run.py --n {args.n} --formats {','.join(args.formats)} --jobs {jobs} "
        f"--seed {args.seed}` on {time.strftime('%Y-%m-%d %H:%M')} (parser version "
        f"{full.state.get('parser_version', '?')}). Figures depend on the parser of that day.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in mach.items()],
        "",
        "## Corpus",
        "",
        f"- {n_reports} reports generated by `govstats.synth.write_corpus` (formats {', '.join(args.formats)}, "
        f"seed {args.seed}): {mb:.1f} MB, generated in {gen_s:.1f} s",
        "",
        "## Results",
        "",
        f"{len(fulls)} full builds from scratch (`--repeat`). Before each, the host's speed was taken twice (lower "
        "= faster host; the same build runs slower when other tenants load the host): the host index, a fixed "
        "pure-Python workload, and the reference parse, CPU per report to parse the same 100 reports of the "
        "corpus in the benchmark process:",
        "",
        "| run | host index | reference parse | wall | reports/s per core | CPU of the tree | reports per CPU-second | peak PSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        *runs,
        "",
        f"Medians of the {len(fulls)} runs; the details (phases, memory, build.json) are those of the median run.",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| full build, wall (command, start-up included) | {wall:.1f} s | |",
        f"| reports per second per core, end to end ({n_reports} reports / wall / {cores} cores) | {per_core:.0f} | "
        f">= {TARGET_PER_CORE:.0f}: {verdict(per_core >= TARGET_PER_CORE)} |",
        f"| full build, CPU of the process tree (build process + workers, user + system) | {cpu_s:.1f} s "
        f"({1000 * cpu_s / n_reports:.2f} ms per report) | |",
        f"| reports per CPU-second (what one core does when nothing else runs) | {per_cpu:.0f} | "
        f">= {TARGET_PER_CORE:.0f}: {verdict(per_cpu >= TARGET_PER_CORE)} |",
        f"| of which the build process / the workers (build.json, median run) | {cpu.get('build_process', 0):.1f} s / "
        f"{cpu.get('workers', 0):.1f} s | |",
        f"| reports per second, total | {per_s:.0f} | |",
        f"| seconds per MB | {wall / mb:.2f} | |",
        f"| peak memory, process tree, PSS sum | {full.peak_pss_mb:.0f} MB | < {TARGET_RSS_MB:.0f} MB: {verdict(full.peak_pss_mb < TARGET_RSS_MB)} |",
        f"| peak memory, process tree, RSS sum (shared pages counted per process) | {full.peak_rss_mb:.0f} MB | |",
        f"| peak RSS of the build process / of the largest worker (ru_maxrss) | {rss.get('self', 0):.0f} MB / {rss.get('largest_worker', 0):.0f} MB | |",
        f"| processes in the tree (peak) | {full.processes} | |",
        f"| no-change rebuild, wall (command) | {again.wall:.2f} s ({100 * rebuild_ratio:.1f}% of the full build) | < {100 * TARGET_REBUILD:.0f}%: {verdict(rebuild_ratio < TARGET_REBUILD)} |",
        f"| no-change rebuild, inside the build (interpreter start-up excluded) | {_seconds(again.summary)} s | |",
        "",
        f"Full build summary: `{full.summary}`  ",
        f"No-change rebuild: `{again.summary}`",
        "",
        "## Where the time goes",
        "",
        "Build phases (build.json, wall): " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ". "
        "`parse` includes the assembly of each cache part as it arrives; `finish` is what is left after "
        "the last part (primary reports, corrections, cross-year checks, reports and manifest, commit).",
        "",
        "CPU of the build process itself while the workers parse (build.json): "
        + ", ".join(f"{k} {v:.2f} s ({1000 * v / max(1, n_reports):.2f} ms per report)" for k, v in main_cpu.items())
        + ".",
        "",
        _reading(full, prof, sample, n_reports),
        "",
        f"A worker's time over a sample of {sample} reports, one process, warmed up on 50 others first ({worker:.2f} s, "
        f"{sample / worker if worker else 0:.0f} reports/s on one core):",
        "",
        "| stage | s | ms per report | share |",
        "|---|---:|---:|---:|",
        *[f"| {k} | {v:.2f} | {1000 * v / sample:.2f} | {100 * v / worker if worker else 0:.0f}% |"
          for k, v in {**prof.stages, "conversion of the ParseResult to Arrow, written as a cache part (the worker's own work)": prof.conversion}.items()],
        "",
        "Heaviest govstats functions of the parse in that sample (a second pass under cProfile, which slows it):",
        "",
        prof.hot,
        "",
    ]
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    return text


def _reading(full: BuildRun, prof: Profile, sample: int, n_reports: int) -> str:
    """One paragraph saying what dominates and what the per-core target implies."""
    phases = full.state.get("phases_s", {})
    main_cpu = full.state.get("main_process_cpu_s", {})
    total = sum(phases.values()) or 1.0
    parse_ms = 1000 * sum(prof.stages.values()) / sample if sample else 0.0
    convert_ms = 1000 * prof.conversion / sample if sample else 0.0
    main_ms = 1000 * sum(main_cpu.values()) / max(1, n_reports)
    cpu_ms = 1000 * full.cpu / max(1, n_reports)
    budget_ms = 1000 / TARGET_PER_CORE
    tail = total - phases.get("parse", 0.0)
    return (f"Reading: {100 * phases.get('parse', 0.0) / total:.0f}% of the build is the parse phase; the rest "
            f"(start-up work on the inputs, cached parts, finish) takes {tail:.1f} s. Per report, a worker spends "
            f"{parse_ms:.1f} ms parsing and {convert_ms:.2f} ms converting the result and writing it to the cache "
            f"(sample), and the build process {main_ms:.2f} ms of CPU reading the new cache parts and assembling "
            f"the outputs; the whole tree used "
            f"{cpu_ms:.1f} ms of CPU per report (start-up, inputs and finish included). {TARGET_PER_CORE:.0f} reports/s "
            f"per core leaves {budget_ms:.1f} ms of one core per report, so on an otherwise idle machine the per-core "
            f"target is {'met' if cpu_ms <= budget_ms else f'{cpu_ms / budget_ms:.1f}x away'}; the wall-clock figures "
            f"also depend on what else ran (load averages above).")


def _seconds(summary: str) -> str:
    """The "T s" of a build summary line."""
    part = summary.split(";")[-1].strip()
    return part.split()[0] if part else "?"


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="reports to generate (default 10000)")
    ap.add_argument("--formats", type=lambda s: tuple(s.split(",")), default=("txt", "html"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="full builds from scratch; the median decides (default 3)")
    ap.add_argument("--sample", type=int, default=200, help="reports profiled stage by stage (default 200)")
    ap.add_argument("--workdir", type=Path, default=None, help="where the corpus and the dataset go (default: a temp dir)")
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="govstats-bench-") as tmp:
        work = args.workdir or Path(tmp)
        src = snapshot_sources(work)
        t0 = time.perf_counter()
        reports, mb = make_corpus(work / "corpus", args.n, args.seed, args.formats)
        gen_s = time.perf_counter() - t0
        print(f"corpus: {len(reports)} reports, {mb:.1f} MB in {gen_s:.1f} s", file=sys.stderr)
        reference = reports[:100]
        reference_parse(reference)  # (warm: the parser's tables and caches are built once)
        fulls = []
        for i in range(max(1, args.repeat)):
            shutil.rmtree(work / "processed", ignore_errors=True)  # from scratch: no cache, no outputs
            fulls.append(run_build(work / "corpus", work / "processed", args.jobs, src, reference))
            print(f"full build {i + 1}: {fulls[-1].summary} (wall {fulls[-1].wall:.1f} s, CPU {fulls[-1].cpu:.1f} s, "
                  f"host index {fulls[-1].host_ms:.0f} ms, reference parse {fulls[-1].ref_ms:.2f} ms)", file=sys.stderr)
        again = run_build(work / "corpus", work / "processed", args.jobs, src)
        print(f"no-change rebuild: {again.summary}", file=sys.stderr)
        sample = random.Random(args.seed).sample(reports, min(args.sample, len(reports)))
        chosen = set(sample)
        prof = stage_profile(sample, warm=[p for p in reports if p not in chosen][:50])
        mach = {**machine(), "load average (1 / 5 / 15 min) before the run": load_before,
                "load average after the builds": load_average()}
        text = write_results(args.results, args, mach, len(reports), mb, gen_s, fulls, again, prof, len(sample))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
