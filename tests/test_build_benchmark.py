"""Smoke test of the benchmark harness (benchmarks/run.py) on a tiny generated corpus."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench(tmp_path: Path, results: Path, n: int, repeat: int) -> None:
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--n", str(n), "--jobs", "2", "--sample", "5",
                        "--repeat", str(repeat), "--workdir", str(tmp_path), "--results", str(results)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]


def test_benchmark_harness_writes_its_results(tmp_path):
    results = tmp_path / "results.md"
    _bench(tmp_path, results, 20, 2)
    text = results.read_text(encoding="utf-8")
    for needle in ("## Machine", "- cores: ", "reports per second per core, end to end", "reports per CPU-second",
                   "| 2 | ", "host index", "reference parse", "peak memory, process tree, PSS sum",
                   "no-change rebuild, wall", "| load |", "| normalize |"):
        assert needle in text, needle
    assert "Full build summary: `20 files: ok 20" in text

    # the same workdir again, with a smaller corpus: the earlier run's sources and corpus are replaced
    _bench(tmp_path, results, 6, 1)
    assert "Full build summary: `6 files: ok 6" in results.read_text(encoding="utf-8")
