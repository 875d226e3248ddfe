"""Crash-safe file writing: temp file in the target folder, fsync, ``os.replace``; the build lock."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import GovstatsError

_TMP = ".tmp-"


class BuildLocked(GovstatsError):
    """Another build is writing to the same output folder."""


def temp_for(target: Path) -> Path:
    """The temporary name ``target`` is written under before it is renamed into place."""
    return target.with_name(f".{target.name}{_TMP}{os.getpid()}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path, fsync: bool = True) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` (readers see old or new, never half)."""
    tmp = temp_for(target)
    try:
        yield tmp
        if fsync:
            _fsync(tmp)
        os.replace(tmp, target)
        if fsync:
            _fsync(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


class Staged:
    """Several outputs written to temp files, then renamed into place together by ``commit``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.targets: list[Path] = []

    def temp(self, name: str) -> Path:
        target = self.folder / name
        self.targets.append(target)
        return temp_for(target)

    def commit(self) -> None:
        temps = [temp_for(t) for t in self.targets]
        for tmp in temps:  # everything durable first, then the renames in one quick run
            _fsync(tmp)
        for tmp, target in zip(temps, self.targets):
            os.replace(tmp, target)
        _fsync(self.folder)
        self.targets = []

    def discard(self) -> None:
        for t in self.targets:
            temp_for(t).unlink(missing_ok=True)
        self.targets = []


def remove_stale_temps(folder: Path) -> None:
    """Temp files left by a killed build (call while holding the lock)."""
    for p in folder.glob(f".*{_TMP}*"):
        if p.is_file():
            p.unlink(missing_ok=True)


#: descriptors of the build locks this process holds; a forked worker closes its copies, so a
#: worker still finishing a chunk after its build stopped does not keep the lock
_HELD_LOCKS: set[int] = set()


def _close_held_locks() -> None:
    for fd in _HELD_LOCKS:
        os.close(fd)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_locks)


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold ``<folder>/.lock`` for the duration of a build (released by the OS if the build dies)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"{folder}: another govstats build is writing there") from None
        _HELD_LOCKS.add(fd)
        yield
    finally:
        _HELD_LOCKS.discard(fd)
        os.close(fd)


__all__ = ["BuildLocked", "Staged", "atomic_path", "build_lock", "remove_stale_temps", "temp_for"]
