"""The input files of a build: walking the raw folders, hashing, duplicates.

Walking rules (every file not ignored gets a manifest row):

- ignored (no row): hidden files and folders (``.name``), editor leftovers (``*~``, ``*.swp``),
  the corpus' own annotations ``*.gold.json`` and ``truth.jsonl``, and files not matching
  ``--include`` patterns when some are given (matched against the path below the raw folder
  and against the file name).
- skipped with a reason: corpus documentation (README, LICENSE, COPYING, NOTICE, CHANGELOG,
  AUTHORS, with any extension), and a file whose content (sha256) equals an earlier file's
  (``duplicate of <path>``; "earlier" = first in sorted path order).
- failed without parsing: files larger than the loader's limit (``govstats.load.MAX_BYTES``) and
  files that cannot be read.

``source_path`` is the raw folder as given joined with the path below it (``data/raw/x.txt``).
An input is ``synthetic`` when a folder of its path is named ``synthetic``.
Hashes are reused from the previous build (``<OUT>/.cache/hashes.json``) when path, size and mtime
are unchanged (like git's index); ``--no-cache`` rehashes everything.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import InputMissing
from ..load import MAX_BYTES
from .files import atomic_path

_IGNORED_SUFFIXES = (".gold.json", "~", ".swp", ".swo")
_IGNORED_NAMES = frozenset({"truth.jsonl"})
_DOC_NAME = re.compile(r"^(?:readme|license|licence|copying|notice|changelog|authors)(?:[._-][\w.-]*)?$", re.I)
_CHUNK = 1 << 20
#: the hashes of the last build's inputs, in OUT
HASHES = Path(".cache") / "hashes.json"

StatKey = tuple[str, int, int]  # (source_path, size, mtime_ns)


@dataclass
class InputFile:
    source_path: str
    abspath: str
    size: int
    mtime_ns: int
    synthetic: bool
    sha256: Optional[str] = None
    status: Optional[str] = None  # set when the file is not parsed: "skipped" | "failed"
    error: Optional[str] = None

    @property
    def to_parse(self) -> bool:
        return self.status is None

    @property
    def report_id(self) -> Optional[str]:
        return report_id(self.sha256) if self.sha256 else None


def report_id(sha256: str) -> str:
    """The report id: the first 16 hex digits of the content sha256."""
    return sha256[:16]


def is_synthetic(source_path: str) -> bool:
    return "synthetic" in os.path.normpath(source_path).split(os.sep)[:-1]


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in _IGNORED_NAMES or name.endswith(_IGNORED_SUFFIXES)


def _included(rel: str, patterns: Sequence[str]) -> bool:
    return not patterns or any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(rel), p) for p in patterns)


def _entry(source_path: str, abspath: str) -> InputFile:
    try:
        st = os.stat(abspath)
    except OSError as e:
        f = InputFile(source_path, abspath, 0, 0, is_synthetic(source_path))
        f.status, f.error = "failed", f"{source_path}: cannot read file ({e.strerror or e})"
        return f
    f = InputFile(source_path, abspath, st.st_size, st.st_mtime_ns, is_synthetic(source_path))
    if _DOC_NAME.match(os.path.basename(source_path)):
        f.status, f.error = "skipped", "corpus documentation file (README/LICENSE), not a report"
    elif st.st_size > MAX_BYTES:
        f.status, f.error = "failed", f"{source_path}: file too large ({st.st_size / 1e6:.0f} MB > {MAX_BYTES / 1e6:.0f} MB)"
    return f


def _unlistable(source_path: str, err: OSError) -> InputFile:
    f = InputFile(source_path, os.path.abspath(source_path), 0, 0, is_synthetic(source_path + os.sep))
    f.status, f.error = "failed", f"{source_path}: cannot list folder ({err.strerror or err})"
    return f


def _under_root(root: str, include: Sequence[str], exclude: set[str], out: list[InputFile]) -> list[str]:
    """The candidate paths below folder ``root``; unlistable folders become failed rows in ``out``."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: out.append(_unlistable(e.filename, e))):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and os.path.realpath(os.path.join(dirpath, d)) not in exclude)
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            if not _ignored(name) and _included(rel, include):
                found.append(os.path.join(root, rel))
    return found


def _realpath(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, each folder resolved once (``folders`` remembers them)."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path))
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    return os.path.join(folders[folder], name)


def walk(roots: Iterable[str], include: Sequence[str] = (), exclude: Iterable[str] = ()) -> list[InputFile]:
    """Every input file under ``roots`` (folders or files), sorted by source path, each once.

    ``exclude``: folders not to enter (the build's own output folder when it lies inside a root).
    """
    skip = {os.path.realpath(x) for x in exclude}
    seen: set[str] = set()
    folders: dict[str, str] = {}
    out: list[InputFile] = []
    for root in roots:
        root = os.path.normpath(str(root))
        if os.path.isdir(root):
            candidates = _under_root(root, include, skip, out)
        elif os.path.lexists(root):
            candidates = [root]
        else:
            raise InputMissing(f"{root}: no such file or folder")
        for source_path in candidates:
            real = _realpath(source_path, folders)
            if real not in seen:
                seen.add(real)
                out.append(_entry(source_path, os.path.abspath(source_path)))
    out.sort(key=lambda f: f.source_path)
    return out


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def hash_files(files: Iterable[InputFile], known: Optional[dict[StatKey, str]] = None) -> int:
    """Fill ``sha256`` of the files to parse; reuse ``known`` hashes of unchanged files. Returns files hashed."""
    known = known or {}
    n = 0
    for f in files:
        if not f.to_parse:
            continue
        cached = known.get((f.source_path, f.size, f.mtime_ns))
        if cached:
            f.sha256 = cached
            continue
        try:
            f.sha256 = sha256_file(f.abspath)
            n += 1
        except OSError as e:
            f.status, f.error = "failed", f"{f.source_path}: cannot read file ({e.strerror or e})"
    return n


def previous_hashes(out: Path) -> dict[StatKey, str]:
    """(source_path, size, mtime_ns) -> sha256 of the inputs of the last build into ``out``."""
    try:
        rows = json.loads((out / HASHES).read_text(encoding="utf-8"))
        return {(p, s, m): h for p, s, m, h in rows}
    except (OSError, ValueError, TypeError):  # none yet, or unreadable: hash everything
        return {}


def save_hashes(out: Path, files: Iterable[InputFile]) -> None:
    """Remember the hashes of this build's inputs for the next one (a JSON file: reading it needs
    no Arrow, which keeps a no-change rebuild fast)."""
    rows = [[f.source_path, f.size, f.mtime_ns, f.sha256] for f in files if f.sha256]
    (out / HASHES).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / HASHES) as tmp:
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def mark_duplicates(files: Iterable[InputFile]) -> None:
    """A file with the content of an earlier one is skipped as its duplicate."""
    first: dict[str, str] = {}
    for f in files:
        if not f.to_parse or not f.sha256:
            continue
        if f.sha256 in first:
            f.status, f.error = "skipped", f"duplicate of {first[f.sha256]}"
        else:
            first[f.sha256] = f.source_path


__all__ = ["HASHES", "InputFile", "hash_files", "is_synthetic", "mark_duplicates", "previous_hashes", "report_id",
           "save_hashes", "sha256_file", "walk"]
