"""Plain-text reports: bytes -> RawDocument with one text block (see ``encoding.decode``)."""
from __future__ import annotations

from ..errors import EmptyInput
from ..model import RawBlock, RawDocument
from .encoding import decode


def load_text(data: bytes, path: str, sha: str) -> RawDocument:
    """Decode ``data`` (BOM, UTF-16, UTF-8, GB18030 or Big5) into a one-block text document.

    Raises ``EmptyInput`` when the decoded text holds nothing but whitespace.
    """
    text, encoding, warnings = decode(data)
    if not text.strip():
        raise EmptyInput(f"{path}: no text (the file holds only whitespace)")
    return RawDocument(
        path=path,
        sha256=sha,
        kind="text",
        blocks=[RawBlock(kind="text", text=text)],
        encoding=encoding,
        warnings=warnings,
    )
