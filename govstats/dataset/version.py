"""The parser version a cached result belongs to: package version + sources + codebook data."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Callable, Optional

from .. import __version__

PACKAGE = Path(__file__).resolve().parents[1]


def source_digest(pkg: Path = PACKAGE) -> str:
    """Hash of the version, the package's Python sources and its codebook / data CSV files."""
    h = hashlib.sha256(__version__.encode())
    for p in sorted(list(pkg.rglob("*.py")) + list(pkg.rglob("*.csv"))):
        if "__pycache__" in p.parts:
            continue
        h.update(str(p.relative_to(pkg)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _package_digest() -> str:
    return source_digest(PACKAGE)


def parser_version(parser: Optional[Callable] = None) -> str:
    """``<govstats version>+<digest>``: what produced a cached result."""
    h = hashlib.sha256(_package_digest().encode())
    if parser is not None:
        h.update(f"{parser.__module__}.{parser.__qualname__}".encode())
    return f"{__version__}+{h.hexdigest()[:12]}"


__all__ = ["PACKAGE", "parser_version", "source_digest"]
