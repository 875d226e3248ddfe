"""Command line: ``govstats parse | build | check | notebooks | info``.

Bad input ends with one clear line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Optional, Sequence

from . import __version__
from .errors import GovstatsError

EXIT_BAD_INPUT = 2
EXIT_NOT_A_REPORT = 3


def _cmd_parse(a: argparse.Namespace) -> int:
    from .parse import normalized_text, parse_file

    if a.text:
        sys.stdout.write(normalized_text(a.file))
        return 0
    r = parse_file(a.file)
    out = r.to_json()
    if a.json or True:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1 if a.pretty else None)
        sys.stdout.write("\n")
    return 0


def _cmd_info(a: argparse.Namespace) -> int:
    from .info import info

    info_d = info()
    if a.json:
        json.dump(info_d, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for k, v in info_d.items():
            if isinstance(v, dict):
                print(f"{k}:")
                for k2, v2 in v.items():
                    print(f"  {k2}: {v2}")
            elif isinstance(v, list):
                print(f"{k}: {', '.join(map(str, v)) if v else '(none)'}")
            else:
                print(f"{k}: {v}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govstats", description="Government information-disclosure annual reports -> tidy data")
    p.add_argument("--version", action="version", version=f"govstats {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True)

    sp = sub.add_parser("parse", help="parse one report (contract 1)")
    sp.add_argument("file")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="print the JSON result (default)")
    g.add_argument("--text", action="store_true", help="print the normalized text that spans index")
    sp.add_argument("--pretty", action="store_true", help="indent the JSON")
    sp.set_defaults(func=_cmd_parse)

    si = sub.add_parser("info", help="versions, data directories, fonts")
    si.add_argument("--json", action="store_true")
    si.set_defaults(func=_cmd_info)

    try:  # commands of later stages register themselves when present
        from .dataset import register_cli as _reg_build

        _reg_build(sub)
    except ImportError:
        pass
    try:
        from .notebooks import register_cli as _reg_nb

        _reg_nb(sub)
    except ImportError:
        pass
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = build_parser()
    a = p.parse_args(argv)
    try:
        return int(a.func(a) or 0)
    except GovstatsError as e:
        from .errors import NotAReport

        print(f"govstats: error: {e}", file=sys.stderr)
        return EXIT_NOT_A_REPORT if isinstance(e, NotAReport) else EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `govstats info --json | head`
        try:  # keep Python's exit-time flush from complaining about the closed pipe
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except MemoryError:
        print("govstats: error: out of memory", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # a bug must still end in one clear line (set GOVSTATS_DEBUG=1 for the traceback)
        if os.environ.get("GOVSTATS_DEBUG"):
            raise
        target = getattr(a, "file", None) or getattr(a, "raw", None) or ""
        print(f"govstats: internal error{' on ' + str(target) if target else ''}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("govstats: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
