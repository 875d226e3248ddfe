"""sniff_kind: the kind of an input by its content, and one clear error for bad input."""
from __future__ import annotations

import codecs
import io
import random
import zipfile

import pytest

from govstats.errors import EmptyInput, UnreadableInput, UnsupportedInput
from govstats.load import load, load_bytes, sniff
from govstats.load.sniff import sniff_kind
from tests.fixtures.load import make_fixtures

REPORT = "某县2023年政府信息公开工作年度报告\n一、总体情况\n本年新收申请13件。\n"


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def _random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize(
    "data, name, kind",
    [
        (REPORT.encode("utf-8"), "a.txt", "text"),
        (REPORT.encode("gbk"), "a.txt", "text"),
        (codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), "a.txt", "text"),
        (REPORT.encode("utf-16-be"), "a.txt", "text"),
        (REPORT.encode("utf-8"), "renamed.pdf", "text"),  # text renamed .pdf is text
        (REPORT.encode("utf-8"), "renamed.docx", "text"),
        ("1 < 2 且 3 > 2：本年新收申请13件。".encode("utf-8"), "a.txt", "text"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt", "html"),
        ("<meta charset=gbk><p>本年新收申请13件</p>".encode("gbk"), "page", "html"),
        ("<p>一、总体情况</p><table><tr><td>规章</td><td>0</td></tr></table>".encode(), "frag", "html"),
        (b"%PDF-1.4\n%...", "report.txt", "pdf"),
        (b"\r\n\xef\xbb\xbf%PDF-1.7\n", "x", "pdf"),  # a few junk bytes before the header
    ],
    ids=["utf8", "gbk", "utf16-bom", "utf16be-nobom", "text-as-pdf", "text-as-docx", "angle-brackets",
         "doctype", "meta-fragment", "table-fragment", "pdf-as-txt", "pdf-junk-prefix"],
)
def test_sniff_kinds(data: bytes, name: str, kind: str) -> None:
    assert sniff_kind(data, name) == kind
    assert sniff(data, name) == kind  # the package-level function is not shadowed by the module


def test_docx_is_recognised_by_its_zip_members() -> None:
    data = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert sniff_kind(data, "report.bin") == "docx"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"\x89PNG\r\n\x1a\n" + _random_bytes(200), "scan.png", "PNG image"),
        (b"\xff\xd8\xff\xe0" + _random_bytes(200), "scan.pdf", "JPEG image"),
        (b"GIF89a" + _random_bytes(50), "x.gif", "GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random_bytes(500), "report.doc", "convert it to .docx or .pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random_bytes(500), "report.wps", "WPS"),
        (_zip({"xl/workbook.xml": "<workbook/>"}), "stats.xlsx", "Excel workbook"),
        (_zip({"a.txt": "x"}), "reports.zip", "zip archive"),
        (b"\x1f\x8b\x08" + _random_bytes(100), "r.txt.gz", "gzip"),
        (b"{\\rtf1\\ansi hello}", "r.rtf", "RTF"),
    ],
    ids=["png", "jpeg", "gif", "doc", "wps", "xlsx", "zip", "gzip", "rtf"],
)
def test_unsupported_inputs(data: bytes, name: str, message: str) -> None:
    with pytest.raises(UnsupportedInput, match=message) as err:
        load_bytes(data, name)
    assert "\n" not in str(err.value) and str(err.value).startswith(name)


@pytest.mark.parametrize(
    "data, name, message",
    [
        (_random_bytes(5000), "junk.bin", "binary data, not a text document"),
        (_random_bytes(40), "short.txt", "binary data"),
        (_random_bytes(5000), "renamed.docx", "not a Word document"),
        (_zip({"a.txt": "x"}), "report.docx", r"not a Word document \(zip without word/document.xml\)"),
        (_zip({"word/document.xml": "<x/>"})[:60], "cut.docx", "corrupt or truncated"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200), "a.exe", "binary data"),
    ],
    ids=["random", "short-random", "random-as-docx", "zip-as-docx", "cut-docx", "exe"],
)
def test_unreadable_inputs(data: bytes, name: str, message: str) -> None:
    with pytest.raises(UnreadableInput, match=message) as err:
        load_bytes(data, name)
    assert "\n" not in str(err.value)


def test_empty_file(tmp_path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(EmptyInput, match="empty file"):
        load(p)


def test_truncated_pdf_is_unreadable() -> None:
    data = make_fixtures.ruled_table_pdf()
    with pytest.raises(UnreadableInput, match="truncated PDF"):
        load_bytes(data[: len(data) // 2], "cut.pdf")


def test_pdf_header_in_junk_is_loaded() -> None:
    raw = load_bytes(b"\r\n" + make_fixtures.ruled_table_pdf(), "junk-prefixed.pdf")
    assert raw.kind == "pdf" and raw.n_pages == 1


def test_load_refuses_what_is_no_readable_regular_file_with_one_clear_line(tmp_path, monkeypatch) -> None:
    import os

    import govstats.load as load_module
    from govstats.errors import InputMissing

    with pytest.raises(InputMissing, match=r"nope\.txt: no such file$"):
        load(tmp_path / "nope.txt")
    with pytest.raises(InputMissing, match="not a regular file$"):
        load(tmp_path)  # a folder
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.txt")
        with pytest.raises(InputMissing, match="not a regular file$"):
            load(tmp_path / "pipe.txt")  # refused at once, never waits for a writer
    big = tmp_path / "big.txt"
    big.write_text(REPORT, encoding="utf-8")
    monkeypatch.setattr(load_module, "MAX_BYTES", 10)
    with pytest.raises(UnreadableInput, match=r"big\.txt: file too large"):
        load(big)
    monkeypatch.undo()
    assert load(big).blocks and load(str(big)).path == str(big)
