"""Smoke test of the benchmark harness (benchmarks/run.py) on a tiny generated corpus."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_harness_writes_its_results(tmp_path):
    results = tmp_path / "results.md"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--n", "20", "--jobs", "2", "--sample", "5", "--repeat", "2",
                        "--workdir", str(tmp_path), "--results", str(results)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    text = results.read_text(encoding="utf-8")
    for needle in ("## Machine", "- cores: ", "reports per second per core, end to end", "reports per CPU-second",
                   "| 2 | ", "host index", "reference parse", "peak memory, process tree, PSS sum",
                   "no-change rebuild, wall", "| load |", "| normalize |"):
        assert needle in text, needle
    assert "Full build summary: `20 files: ok 20" in text
