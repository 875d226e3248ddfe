#!/usr/bin/env python3
"""Parser output snapshot: prove that a speed-up changed nothing.

    .venv/bin/python benchmarks/snapshot.py write /tmp/before.jsonl     # before the change
    .venv/bin/python benchmarks/snapshot.py compare /tmp/before.jsonl   # after: exit 1 on any difference

Parses the same inputs every time: the seed reports of ``data/raw``, the synthetic demo panel,
the reports of ``../shared/corpus`` when it is there, and ``--n`` generated reports
(``govstats.synth.random_spec``) rendered in every format in turn (txt layouts, html, docx, pdf),
in simplified and traditional script. Each result is written as one JSON line: the contract of
``govstats parse --json`` (meta, values, checks, warnings), or the error class and message when a
parse raises. ``compare`` names the first differing field of every differing report.
Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govstats import synth  # noqa: E402
from govstats.parse import parse_bytes  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx"}


def _inputs(n: int, seed: int) -> Iterator[tuple[str, bytes]]:
    for base in (ROOT / "data" / "raw", SHARED):
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                if p.is_file() and p.suffix.lower() in SUFFIXES:
                    yield str(p.relative_to(base.parent)), p.read_bytes()
    fmts = ("txt", "html", "txt", "docx", "txt", "html", "pdf")
    layouts = synth.TEXT_LAYOUTS
    for i in range(n):
        fmt = fmts[i % len(fmts)]
        lay = "html" if fmt != "txt" else layouts[i % len(layouts)]
        opts: dict[str, Any] = {"layout": lay}
        if i % 5 == 4:
            opts["script"] = "traditional"
        if i % 3 == 1:
            opts.update(blank_cells=1, na_cells=1)
        if i % 11 == 5:
            opts.update(errors=1, approx=0.3)
        spec = synth.random_spec(seed + i, **opts)
        data = synth.render(spec, fmt)
        yield f"gen/{seed + i}.{fmt}", data


def _record(name: str, data: bytes) -> dict[str, Any]:
    try:
        r = parse_bytes(data, name)
    except Exception as e:  # a raise is part of the behaviour too
        return {"name": name, "error": f"{type(e).__name__}: {e}"}
    out = {"name": name, **r.to_json()}
    out["meta"].pop("sha256", None)  # the docx and pdf writers stamp the time into the file
    return out


def write(path: Path, n: int, seed: int) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as f:
        for name, data in _inputs(n, seed):
            f.write(json.dumps(_record(name, data), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    print(f"{count} reports written to {path}")
    return 0


def _first_diff(a: Any, b: Any, where: str = "") -> str:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_diff(a.get(k), b.get(k), f"{where}.{k}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_diff(x, y, f"{where}[{i}]")
    return f"{where}: {str(a)[:200]!r} != {str(b)[:200]!r}"


def compare(path: Path, n: int, seed: int) -> int:
    before = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            before[rec["name"]] = rec
    differ = 0
    seen = 0
    for name, data in _inputs(n, seed):
        seen += 1
        now = json.loads(json.dumps(_record(name, data), ensure_ascii=False, sort_keys=True))
        old = before.get(name)
        if old != now:
            differ += 1
            print(f"DIFF {name}{_first_diff(old, now)}")
    print(f"{seen} reports compared, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("write", "compare"))
    ap.add_argument("path", type=Path)
    ap.add_argument("--n", type=int, default=700, help="generated reports (default 700)")
    ap.add_argument("--seed", type=int, default=9000)
    a = ap.parse_args()
    return write(a.path, a.n, a.seed) if a.mode == "write" else compare(a.path, a.n, a.seed)


if __name__ == "__main__":
    sys.exit(main())
