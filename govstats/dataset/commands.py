"""``govstats build`` and ``govstats check`` (registered by ``govstats.cli`` through ``register_cli``).

Imports stay light here: the heavy modules load only when a command runs.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

EXIT_NOTHING_READ = 1


#: Arrow's allocator (mimalloc) keeps the memory a build frees instead of handing it back to the
#: OS at once: a build allocates and frees the same Arrow buffers batch after batch, and every
#: returned page faults again (half the page faults of a build, ~0.3 s of system time per 10 000
#: reports, for ~30 MB more resident memory). Read when pyarrow loads: set before the build imports it.
ALLOCATOR_ENV = {"MIMALLOC_PURGE_DELAY": "-1"}


def _cmd_build(a: argparse.Namespace) -> int:
    from . import DEFAULT_RAW

    for key, value in ALLOCATOR_ENV.items():
        os.environ.setdefault(key, value)  # (a value the user set wins)
    from .pipeline import build

    summary = build(a.raw or [DEFAULT_RAW], a.out, jobs=a.jobs, use_cache=not a.no_cache, include=a.include or (),
                    corrections=a.corrections, timeout=a.timeout or None)
    for w in summary.warnings:
        print(f"govstats: warning: {w}", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    # the command ends here: spare the interpreter's exit the collector's passes over everything
    # the build loaded (about half of a 0.25 s exit after a 10 000-report build)
    gc.freeze()
    if summary.readable == 0:
        print(f"govstats: error: nothing could be read ({summary.files} input files; see {Path(a.out) / 'manifest.parquet'})",
              file=sys.stderr)
        return EXIT_NOTHING_READ
    return 0


def _cmd_check(a: argparse.Namespace) -> int:
    from .summary import check_report

    sys.stdout.write(check_report(Path(a.dir), top=a.top))
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    from . import DEFAULT_OUT, DEFAULT_TIMEOUT

    b = sub.add_parser("build", help="build the Parquet dataset from a folder of reports (contract 2)",
                       description="Parse every report under RAW (several folders or files may be given) into "
                                   "reports / values / checks / harmonized / manifest Parquet tables in OUT.")
    b.add_argument("raw", nargs="*", metavar="RAW", help="folders or files to read (default data/raw)")
    b.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    b.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: CPU count)")
    b.add_argument("--no-cache", action="store_true", help="re-hash and re-parse every input")
    b.add_argument("--include", action="append", metavar="PATTERN",
                   help="only inputs matching this glob (path below RAW or file name); repeatable")
    b.add_argument("--corrections", default=None, metavar="CSV",
                   help="corrections file (default: corrections.csv in the folder above OUT, i.e. data/corrections.csv)")
    b.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds one input may take before it is failed (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    b.set_defaults(func=_cmd_build)

    c = sub.add_parser("check", help="summary of failed checks by rule and by agency")
    c.add_argument("dir", nargs="?", default=DEFAULT_OUT, metavar="DIR", help=f"dataset folder (default {DEFAULT_OUT})")
    c.add_argument("--top", type=int, default=20, help="agencies listed (default 20)")
    c.set_defaults(func=_cmd_check)


__all__ = ["register_cli"]
