"""Loaders: a file (or bytes) -> RawDocument. One module per input kind.

``load(path)`` sniffs the content (never trusts the extension alone) and dispatches to
``text.load_text``, ``html.load_html``, ``pdf.load_pdf`` or ``docx.load_docx``. Problems with the
input raise a ``govstats.errors.GovstatsError`` subclass whose message is one clear line.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..errors import EmptyInput, InputMissing, UnreadableInput, UnsupportedInput
from ..model import RawDocument

# imported eagerly: importing the submodule ``sniff`` binds the package attribute ``sniff`` to the
# module, so the function below must be defined after it (a lazy import would shadow the function)
from .sniff import sniff_kind

#: larger inputs are refused with a clear error instead of exhausting memory
MAX_BYTES = 200 * 1024 * 1024
#: text and HTML larger than this are no single report (the largest real ones are well under 1 MB;
#: a 50 MB "report" is a dump or a concatenation): refused instead of parsed for minutes
MAX_TEXT_BYTES = 8 * 1024 * 1024


def sniff(data: bytes, name: str = "") -> str:
    """Return "pdf", "docx", "html" or "text"; raise for kinds govstats does not read."""
    return sniff_kind(data, name)


def load_bytes(data: bytes, path: str = "<bytes>") -> RawDocument:
    if not data:
        raise EmptyInput(f"{path}: empty file (0 bytes)")
    kind = sniff(data, path)
    if kind in ("text", "html") and len(data) > MAX_TEXT_BYTES:
        raise UnreadableInput(
            f"{path}: {kind} too large for one report ({len(data) / 2**20:.1f} MiB > {MAX_TEXT_BYTES / 2**20:.0f} MiB);"
            " split it into its reports"
        )
    sha = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        from .pdf import load_pdf

        return load_pdf(data, path, sha)
    if kind == "docx":
        from .docx import load_docx

        return load_docx(data, path, sha)
    if kind == "html":
        from .html import load_html

        return load_html(data, path, sha)
    if kind == "text":
        from .text import load_text

        return load_text(data, path, sha)
    raise UnsupportedInput(f"{path}: unsupported input kind {kind!r}")


def load(path: str | Path) -> RawDocument:
    """Read and load one file: one open and one fstat (a FIFO or device is refused without reading,
    opened non-blocking so a FIFO never waits for a writer)."""
    p = str(Path(path))  # (as before: "./a//b.txt" is "a/b.txt" in messages and in the document's path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (FileNotFoundError, NotADirectoryError):  # (a path through a file: no such file either)
        raise InputMissing(f"{p}: no such file") from None
    except IsADirectoryError:  # (where a folder cannot be opened)
        raise InputMissing(f"{p}: not a regular file") from None
    except OSError as e:
        raise UnreadableInput(f"{p}: cannot read file ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputMissing(f"{p}: not a regular file")
        if st.st_size > MAX_BYTES:
            raise UnreadableInput(f"{p}: file too large ({st.st_size / 1e6:.0f} MB > {MAX_BYTES / 1e6:.0f} MB)")
        with open(fd, "rb", closefd=False) as f:
            data = f.read()
    except OSError as e:
        raise UnreadableInput(f"{p}: cannot read file ({e.strerror or e})") from None
    finally:
        os.close(fd)
    return load_bytes(data, p)
