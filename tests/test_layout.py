"""Layout: table-shaped text -> grids, for every text layout of templates.md §5."""
from __future__ import annotations

from pathlib import Path

from govstats.layout import find_grids
from govstats.model import Grid, RawBlock, RawDocument
from govstats.normalize import normalize, normalize_text

from .conftest import SEEDS

FIX = Path(__file__).parent / "fixtures" / "tables"


def rows_of(text: str) -> list[list[str]]:
    doc = normalize_text(text)
    return [[c.text for c in row if c is not None] for g in find_grids(doc) for row in g.rows]


def grids_of(text: str) -> tuple[list[Grid], str]:
    doc = normalize_text(text)
    return find_grids(doc), doc.text


def test_one_cell_per_line_groups_label_and_values():
    text = "按照要求进一步加大主动公开力度。相关数据见下表:\n第二十条第(一)项\n信息内容\n本年新制作数量\n本年新公开数量\n对外公开总数量\n规章\n0\n0\n0\n规范性文件\n3\n3\n3\n"
    rows = rows_of(text)
    assert rows == [
        ["第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "0", "0", "0"],
        ["规范性文件", "3", "3", "3"],
    ]


def test_pipe_terminated_cells_drop_filler_lines():
    text = "行政许可 |\n6900 |\n||\n行政处罚 |\n715 |\n|||\n行政强制 |\n178 |\n"
    grids, _ = grids_of(text)
    assert [[c.text for c in r] for r in grids[0].rows] == [["行政许可", "6900"], ["行政处罚", "715"], ["行政强制", "178"]]
    assert grids[0].source == "text:pipe-lines"
    assert "2 filler lines dropped" in grids[0].notes


def test_indented_cells_with_unit_column_and_blank_cell():
    text = (
        "  1.专职人员数(不包括政府公报及政府网站工作人员数)\n\n  人\n\n  1\n\n"
        "  2.兼职人员数\n\n  人\n\n\n  (四)政府信息公开专项经费(不包括用于政府公报编辑管理及\n\n"
        "  政府网站建设维护等方面的经费)\n\n  万元\n\n  0\n"
    )
    assert rows_of(text) == [
        ["1.专职人员数(不包括政府公报及政府网站工作人员数)", "人", "1"],
        ["2.兼职人员数", "人", ""],  # the empty value cell: one more blank line
        ["(四)政府信息公开专项经费(不包括用于政府公报编辑管理及", "政府网站建设维护等方面的经费)", "万元", "0"],
    ]


def test_space_pipe_line_is_an_empty_cell_not_a_filler():
    rows = rows_of("四、结转下年度继续办理 |\n3 |\n1 |\n |\n0 |\n||\n(七)总计 |\n4 |\n")
    assert rows == [["四、结转下年度继续办理", "3", "1", "", "0"], ["(七)总计", "4"]]


def test_markdown_table_separator_skipped_and_flattened_section_four():
    rows = rows_of((FIX / "markdown_2021.txt").read_text(encoding="utf-8"))
    assert ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"] in rows
    assert ["规章", "3", "0", "15"] in rows
    assert not any(set("".join(r)) <= set("-|") for r in rows)
    i = next(k for k, r in enumerate(rows) if r[-1] == "行政复议行政诉讼")
    assert len(rows[i + 1]) == 15  # the flattened header line, then one pipe row of 15 numbers


def test_pipe_rows_keep_row_spanning_labels_on_the_first_row():
    rows = rows_of((FIX / "pipe_rows_2021.txt").read_text(encoding="utf-8"))
    assert ["三、本年度办理结果", "(一)予以公开", "2", "1", "0", "0", "0", "0", "3"] in rows
    assert ["(三)不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"] in rows


def test_tab_separated_rows_keep_blank_cells():
    grids, _ = grids_of("信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1\t\t11\n行政规范性文件\t8\t26\t66\n")
    rows = [[c.text for c in r] for r in grids[0].rows]
    assert rows[1] == ["规章", "1", "", "11"]
    assert grids[0].source == "text:tab"


def test_space_separated_rows_and_values_printed_before_their_wrapped_label():
    text = (
        "(一)予以公开 0 0 0 0 0 0 0\n"
        "(二)部分公开(区分处理的,只计这一情 形,不\n"
        "4 0 0 0 0 0 4\n"
        "计其他情形)\n"
        "1 0 0 0 0 0 1\n"
        "1.属于国家秘密\n"
        "三 2.其他法律行政止公开 0 0 0 0 0 0 0\n"
    )
    rows = rows_of(text)
    assert rows[0] == ["(一)予以公开"] + ["0"] * 7
    assert rows[1] == ["(二)部分公开(区分处理的,只计这一情 形,不"]  # label-only: the extractor attaches it
    assert rows[2] == ["4", "0", "0", "0", "0", "0", "4"]
    assert rows[-1] == ["三 2.其他法律行政止公开"] + ["0"] * 7


def test_lone_values_in_pdf_text_are_rows_of_their_own():
    text = "(一)政府信息公开工作专门机构数 2\n7\n(二)设置政府信息公开查阅点数\n11\n(三)从事政府信息公开工作人员数\n2.兼职人数 10\n"
    rows = rows_of(text)
    assert ["7"] in rows and ["11"] in rows  # not glued to the label above them


def test_unit_token_before_the_value_on_a_spaced_row():
    assert rows_of("(三)接受培训人员数 人次 22\n1.当面申请数 件 0\n") == [["(三)接受培训人员数", "人次", "22"], ["1.当面申请数", "件", "0"]]


def test_prose_is_no_table():
    text = (
        "2020年,我局共依法办理自然人信息公开申请4件,其中:网上申请3件,来信申请1件。\n"
        "我局依申请公开2件,1件本机关不掌握,1件补正后申请内容仍不明确。\n"
        "受理申请 21\n"  # one stray number is no table
    )
    assert find_grids(normalize_text(text)) == []


def test_cell_spans_index_the_normalized_text():
    for seed in SEEDS:
        doc = normalize_text(seed.read_text(encoding="utf-8"), seed.name)
        for g in find_grids(doc):
            assert doc.text[g.start : g.end].strip()
            for row in g.rows:
                for c in row:
                    assert doc.text[c.start : c.end] == c.text


def test_regions_of_loader_grids_are_skipped():
    raw = RawDocument(
        path="x.html",
        sha256="x",
        kind="html",
        blocks=[
            RawBlock(kind="text", text="二、主动公开政府信息情况"),
            RawBlock(kind="table", rows=[["信息内容", "本年处理决定数量"], ["行政许可", "550"], ["行政处罚", "12"]]),
            RawBlock(kind="text", text="附表\n规章 0 0 0\n行政规范性文件 1 2 3\n"),
        ],
    )
    doc = normalize(raw)
    grids = find_grids(doc)
    assert len(grids) == 1
    assert grids[0].start >= doc.grids[0].end
    assert [c.text for c in grids[0].rows[-1]] == ["行政规范性文件", "1", "2", "3"]


def test_seed_layouts_are_recognised():
    sources = {}
    for seed in SEEDS:
        doc = normalize_text(seed.read_text(encoding="utf-8"), seed.name)
        sources[seed.name[:3]] = [g.source for g in find_grids(doc)]
    assert sources["000"] == ["text:lines", "text:lines"]  # Section 二 tables, appended 统计表
    assert sources["002"] == ["text:pipe-lines"]
    assert sources["003"] == ["text:lines"]
    assert sources["001"] == [] and sources["004"] == []  # narrative only


def test_label_and_unit_without_a_value_is_a_row_with_an_empty_value():
    rows = rows_of("(一)收到申请数 件 5\n1.当面申请数 件 1\n4.信函申请数 件\n(二)申请办结数 件 0\n其中 3 件\n")
    assert ["4.信函申请数", "件"] in rows
    assert ["其中 3 件"] in rows  # a number before the unit: not a label with its unit


def test_pipe_row_opening_with_an_empty_cell_keeps_it():
    """" | 0 | 2 |": cells joined by " | " with a blank first cell — not a markdown leading pipe."""
    text = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 | 行政诉讼 |\n"
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |\n"
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
            " | 0 | 0 | 0 | 0 | 2 | 0 | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 0 |\n")
    rows = rows_of(text)
    assert ["", "0", "0", "0", "0", "2", "0", "0", "0", "2", "0", "0", "0", "0", "0"] in rows
    assert ["规章", "3"] in rows_of("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n")
