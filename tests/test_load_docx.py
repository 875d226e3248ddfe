"""load_docx: body order, merged cells (gridSpan / vMerge), list numbers, title, broken files."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from govstats.errors import EmptyInput, UnreadableInput
from govstats.load import load_bytes
from govstats.load.docx import format_number


def _save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _report() -> bytes:
    d = docx.Document()
    d.core_properties.title = "某局2023年政府信息公开工作年度报告"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    p = d.add_paragraph("本年新收申请13件，")
    p.add_run().add_break()
    p.add_run("均已答复。")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "申请人情况"  # gridSpan 3
    t.cell(0, 3).text = "总计"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"  # vMerge over 2 rows
    for r, (label, a, b) in enumerate([("（一）予以公开", "5", "6"), ("（二）部分公开", "3", "3")], start=1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = label, a, b
    t.cell(3, 0).text, t.cell(3, 1).text = "四、结转下年度继续办理", "0"
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    return _save(d)


def test_paragraphs_and_table_in_body_order_with_merges() -> None:
    raw = load_bytes(_report(), "report.docx")
    assert raw.kind == "docx" and raw.title == "某局2023年政府信息公开工作年度报告"
    assert [b.kind for b in raw.blocks] == ["text", "table", "text"]
    assert raw.blocks[0].text == "三、收到和处理政府信息公开申请情况\n本年新收申请13件，\n均已答复。"
    table = raw.blocks[1]
    assert table.rows == [
        ["申请人情况", None, None, "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "6"],
        [None, "（二）部分公开", "3", "3"],
        ["四、结转下年度继续办理", "0", "", ""],
    ]
    assert table.spans == {(0, 1): (0, 0), (0, 2): (0, 0), (2, 0): (1, 0)}
    assert raw.blocks[2].text == "四、政府信息公开行政复议、行政诉讼情况"


def test_automatic_list_numbers_are_rendered() -> None:
    d = docx.Document()
    for text in ("主动公开", "依申请公开"):
        d.add_paragraph(text, style="List Number")
    raw = load_bytes(_save(d), "numbered.docx")
    assert raw.blocks[0].text == "1.主动公开\n2.依申请公开"


@pytest.mark.parametrize(
    "n, fmt, expected",
    [(1, "chineseCounting", "一"), (10, "chineseCountingThousand", "十"), (21, "chineseCounting", "二十一"),
     (105, "chineseCounting", "一百零五"), (3, "decimal", "3"), (4, "upperRoman", "IV"), (2, "lowerLetter", "b"),
     (3, "decimalEnclosedCircle", "③"), (12, "ideographDigital", "一二")],
)
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_layout_table_cells_become_text() -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=1)
    t.cell(0, 0).text = "一、总体情况"
    t.cell(1, 0).text = "本机关认真贯彻落实政府信息公开条例。"
    raw = load_bytes(_save(d), "layout.docx")
    assert [b.kind for b in raw.blocks] == ["text"]
    assert raw.blocks[0].text == "一、总体情况\n本机关认真贯彻落实政府信息公开条例。"


def test_nested_table_makes_the_outer_one_layout() -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "附表"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for r, row in enumerate([("信息内容", "本年制发件数"), ("规章", "3")]):
        for c, text in enumerate(row):
            inner.cell(r, c).text = text
    raw = load_bytes(_save(d), "nested.docx")
    tables = [b for b in raw.blocks if b.kind == "table"]
    assert [t.rows for t in tables] == [[["信息内容", "本年制发件数"], ["规章", "3"]]]
    assert raw.blocks[0].kind == "text" and "附表" in raw.blocks[0].text


def test_empty_document_is_empty_input() -> None:
    with pytest.raises(EmptyInput, match="no text"):
        load_bytes(_save(docx.Document()), "empty.docx")


def test_broken_document_xml_is_unreadable() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_report())) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<w:document><broken" if item.filename == "word/document.xml" else data)
    with pytest.raises(UnreadableInput, match="not a readable Word document"):
        load_bytes(buf.getvalue(), "broken.docx")
