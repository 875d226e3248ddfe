"""What kind of input is this? Decided by content, never by the file extension alone.

``sniff_kind(data, name)`` returns "pdf", "docx", "html" or "text", or raises:

- ``UnsupportedInput`` for kinds govstats does not read: images (OCR is out of scope), legacy
  OLE2 Office/WPS files (.doc/.wps/.xls: convert to .docx or .pdf), spreadsheets, other zip
  containers and compressed archives, RTF;
- ``UnreadableInput`` for binary junk (NUL bytes, control bytes, undecodable bytes), a corrupt zip,
  or a zip named ``.docx`` that holds no ``word/document.xml``.

A file starting with ``%PDF-`` (after at most a few hundred bytes of junk) is a PDF whatever its
name; whether it is complete is the PDF loader's business. Text renamed ``.pdf`` is just text.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from ..errors import UnreadableInput, UnsupportedInput
from .encoding import decode, plausibility, utf16_without_bom

#: a PDF header may follow some junk bytes (the PDF spec allows 1024)
PDF_HEADER_WINDOW = 1024
#: bytes examined to tell text from binary and HTML from plain text
HEAD_BYTES = 64 * 1024

#: (magic prefix, description) of files govstats does not read
_UNSUPPORTED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image (OCR is out of scope)"),
    (b"\xff\xd8\xff", "a JPEG image (OCR is out of scope)"),
    (b"GIF87a", "a GIF image (OCR is out of scope)"),
    (b"GIF89a", "a GIF image (OCR is out of scope)"),
    (b"II*\x00", "a TIFF image (OCR is out of scope)"),
    (b"MM\x00*", "a TIFF image (OCR is out of scope)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "a legacy binary Office/WPS document (.doc/.wps/.xls); convert it to .docx or .pdf"),
    (b"{\\rtf", "an RTF document; convert it to .docx or .pdf"),
    (b"Rar!\x1a\x07", "a RAR archive; extract the reports first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive; extract the reports first"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"\xfd7zXZ\x00", "an xz-compressed file; decompress it first"),
)

#: zip members that identify other Office/OpenDocument containers
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
    ("content.xml", "an OpenDocument file (.odt/.ods); convert it to .docx or .pdf"),
)

#: bytes that occur in text (printable ASCII, tab/newline/FF/ESC, all high bytes)
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\t\n\r\x0c\x1b"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # also the start of the UTF-32 LE BOM
_WORD_EXTENSIONS = (".docx", ".doc", ".docm", ".wps", ".dotx")

# markup that makes a document HTML: a document-level tag anywhere in the head, or the text
# starting with a tag, or several block-level tags
_HTML_DOC_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]", re.I)
_HTML_BLOCK_TAG = re.compile(r"<(?:table|tr|td|th|p|div|br|span|h[1-6]|ul|ol|li|font|center|a)[\s>/]", re.I)
_PDF_HEADER = re.compile(rb"%PDF-\d")
_LEADING_TAG = re.compile(r"^\s*(?:<!--.*?-->\s*)*<[a-zA-Z!?]", re.S)


def _name_is_word(name: str) -> bool:
    return PurePath(name).suffix.lower() in _WORD_EXTENSIONS


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        what = "a Word document" if _name_is_word(name) else "a zip archive"
        raise UnreadableInput(f"{name}: corrupt or truncated {what} ({e})") from None
    if "word/document.xml" in names:
        return "docx"
    if _name_is_word(name):
        raise UnreadableInput(f"{name}: not a Word document (zip without word/document.xml)")
    for member, what in _ZIP_KINDS:
        if member in names:
            raise UnsupportedInput(f"{name}: {what} is not supported")
    raise UnsupportedInput(f"{name}: a zip archive, not a report; extract the reports first")


def _control_ratio(sample: bytes) -> float:
    """Share of bytes that never occur in text (C0 controls other than tab/newline/FF/ESC, DEL)."""
    if not sample:
        return 0.0
    ctrl = sample.translate(None, delete=_TEXT_BYTES)
    return len(ctrl) / len(sample)


def _binary_error(name: str) -> UnreadableInput:
    if _name_is_word(name):
        return UnreadableInput(f"{name}: not a Word document (binary data without a zip container)")
    return UnreadableInput(f"{name}: binary data, not a text document")


def is_html(head: str) -> bool:
    """Does this decoded text head look like HTML markup?"""
    if _HTML_DOC_TAG.search(head[:4096]):
        return True
    if _LEADING_TAG.match(head) and _HTML_BLOCK_TAG.search(head):
        return True
    return len(_HTML_BLOCK_TAG.findall(head)) >= 5


def sniff_kind(data: bytes, name: str = "") -> str:
    """Return "pdf", "docx", "html" or "text"; raise for kinds govstats does not read."""
    if _PDF_HEADER.search(data[:PDF_HEADER_WINDOW]):
        return "pdf"
    for magic, what in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise UnsupportedInput(f"{name}: {what}")
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(data, name)
    head = data[:HEAD_BYTES]
    utf16 = head.startswith(_UTF16_BOMS) or (
        (enc16 := utf16_without_bom(head)) is not None and plausibility(head, enc16) >= 0.5
    )
    if not utf16 and ((0 in head and head.count(0) > max(2, len(head) // 1000)) or _control_ratio(head) > 0.05):
        raise _binary_error(name)
    text, enc, _ = decode(head, mojibake=False)
    # replacement characters the decoding made (not those already in valid UTF-8 text)
    n_lost = text.count("\ufffd") - (head.count("\ufffd".encode("utf-8")) if enc == "utf-8" else 0)
    if n_lost > max(8, len(text) // 20):
        raise _binary_error(name)
    if enc.startswith("utf-16") and not utf16 and plausibility(head, enc) < 0.5:
        raise _binary_error(name)
    return "html" if is_html(text) else "text"
