"""Tables: grids -> values matched by label, for every edition and layout."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Optional

import pytest

from govstats.extract.cells import parse_cell
from govstats.extract.tables import extract_tables
from govstats.layout import find_grids
from govstats.model import Document, Meta, RawBlock, RawDocument, Value
from govstats.normalize import normalize, normalize_text

from .conftest import PDF_DIR, SEED_GOLD, SEEDS, pdf_paths

FIX = Path(__file__).parent / "fixtures" / "tables"

APPLICANT_HEADER = ["商业 企业", "科研 机构", "社会公益组织", "法律服务机构", "其他"]
SEC3_ROWS_2021: list[tuple[str, ...]] = [
    ("一、本年新收政府信息公开申请数量",),
    ("二、上年结转政府信息公开申请数量",),
    ("三、本年度办理结果", "(一)予以公开"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)",),
    ("(三)不予公开", "1.属于国家秘密"),
    ("2.其他法律行政法规禁止公开",),
    ("3.危及“三安全一稳定”",),
    ("4.保护第三方合法权益",),
    ("5.属于三类内部事务信息",),
    ("6.属于四类过程性信息",),
    ("7.属于行政执法案卷",),
    ("8.属于行政查询事项",),
    ("(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("2.没有现成信息需要另行制作",),
    ("3.补正后申请内容仍不明确",),
    ("(五)不予处理", "1.信访举报投诉类申请"),
    ("2.重复申请",),
    ("3.要求提供公开出版物",),
    ("4.无正当理由大量反复申请",),
    ("5.要求行政机关确认或重新出具已获取信息",),
    ("(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",),
    ("3.其他",),
    ("(七)总计",),
    ("四、结转下年度继续办理",),
]


def sec3_pipe_table(sub_headers: list[str], row_values, rows: Optional[list[tuple[str, ...]]] = None) -> str:
    """A Section 三 table as pipe rows (lg.gov.cn style) with the given sub-headers and values."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |",
        "自然人 | 法人或其他组织 | 总计 |",
        " | ".join(sub_headers) + " |",
    ]
    for i, labels in enumerate(rows or SEC3_ROWS_2021):
        lines.append(" | ".join(list(labels) + [str(x) for x in row_values(i)]) + " |")
    return "\n".join(lines) + "\n"


def extract(doc_or_text: Document | str) -> tuple[list[Value], list[str]]:
    doc = normalize_text(doc_or_text) if isinstance(doc_or_text, str) else doc_or_text
    return extract_tables(doc, list(doc.grids) + find_grids(doc), Meta())


def by_key(values: list[Value]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for v in values:
        out.setdefault(v.key(), v)
    return out


def gold(name: str) -> dict:
    p = SEED_GOLD / name
    if not p.exists():
        pytest.skip("../shared not present")
    return json.loads(p.read_text(encoding="utf-8"))


def seed_doc(prefix: str) -> Document:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    return normalize_text(path.read_text(encoding="utf-8"), path.name)


# --------------------------------------------------------------------------- seeds
def test_seed_002_gov2021_pipe_cells_every_gold_value():
    g = gold("002_84c7f691cd999dc0.gold.json")
    values, warnings = extract(seed_doc("002"))
    got = by_key(values)
    assert {k: got[k].value for k in g["values"]} == g["values"]
    assert len(got) == len(g["values"])  # complete: no other table value
    assert warnings == []
    # the wrong printed total is kept as printed
    assert got["outcome.total"].value == 0 and got["outcome.total@natural_person"].value == 12
    assert {v.table for v in values} == {"sec2", "sec3", "sec4"}


def test_seed_000_gov2019_section_two_and_guizhou_statistics_table():
    values, _ = extract(seed_doc("000"))
    got = by_key(values)
    assert got["licensing.items_change"].value == -1 and got["licensing.items_change"].raw == "-1"
    assert got["other_services.items_change"].value == 8 and got["other_services.items_change"].raw == "+8"
    assert got["procurement.amount"].value == 49.0 and got["procurement.amount"].unit == "万元"
    assert isinstance(got["procurement.amount"].value, float)
    assert got["rules.normative_docs.valid"].label == "规范性文件"  # 規範性檔案 in the original
    assert got["channel.app"].value == 0 and got["proposals.cppcc"].value == 29
    assert got["staff.parttime"].value == 2 and got["staff.parttime"].label == "2.兼职人数"
    assert got["training.trainees"].unit == "人次" and got["budget.special"].value == 9.5
    extras = [v for v in values if v.indicator == "extra"]
    assert [v.label for v in extras] == ["1.本地区政务公开监督员人数", "2.开展政务公开监督次数", "3.提出意见数", "4.采纳意见数"]
    assert all(v.value is None and v.note == "not_applicable" for v in extras)


def test_seed_003_legacy_indented_cells_blank_is_na_not_zero():
    values, _ = extract(seed_doc("003"))
    got = by_key(values)
    assert got["staff.parttime"].value is None and got["staff.parttime"].note == "blank"
    assert got["staff.fulltime"].value == 1
    assert got["fees.collected"].value == 0.0 and got["fees.collected"].unit == "万元"
    assert got["review.corrected"].value == 0 and got["litigation.corrected"].value == 0  # same label, two blocks
    assert got["budget.special"].label.startswith("(四)政府信息公开专项经费")  # wrapped over two lines
    assert all(v.table == "legacy" for v in values)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_table_values_agree_with_gold(seed):
    g = gold(seed.name.replace(".txt", ".gold.json"))
    values, _ = extract(normalize_text(seed.read_text(encoding="utf-8"), seed.name))
    for key, v in by_key(values).items():
        if v.indicator == "extra":
            continue
        if key in g["values"]:
            assert v.value == pytest.approx(g["values"][key]), key
        else:  # every seed with tables lists all its table values
            assert v.value is None, f"{key} = {v.value} is not in the gold"
    for key in g.get("null", []):
        assert by_key(values).get(key) is None or by_key(values)[key].value is None


def test_values_in_document_order_with_spans_of_their_cells():
    doc = seed_doc("002")
    values, _ = extract(doc)
    spans = [v.span for v in values]
    assert spans == sorted(spans)
    for v in values:
        assert doc.text[v.span[0] : v.span[1]] == v.raw


def test_every_field_of_a_table_value():
    text = sec3_pipe_table(APPLICANT_HEADER, lambda i: [3, "约2", "", "-", 0, 0, 5] if i == 0 else [0] * 7)
    doc = normalize_text(text)
    got = by_key(extract(doc)[0])
    new = got["requests.new@business"]
    start = doc.text.index("| 约2 |") + 2
    evidence = "一、本年新收政府信息公开申请数量 | 3 | 约2 | - | 0 | 0 | 5"
    assert new.to_json() == {
        "indicator": "requests.new", "value": 2, "applicant": "business", "unit": "件", "source": "table",
        "approximate": True, "label": "一、本年新收政府信息公开申请数量", "evidence": evidence,
        "span": [start, start + 2], "note": None, "raw": "约2", "table": "sec3", "stated_share": None, "share_of": None,
    }
    blank = got["requests.new@research"]
    assert (blank.value, blank.note, blank.raw, blank.approximate) == (None, "blank", "", False)
    assert (got["requests.new@social_org"].note, got["requests.new@social_org"].raw) == ("not_applicable", "-")


# --------------------------------------------------------------------------- PDFs
PRODUCIBLE = ("rules.", "licensing.", "other_services.", "penalties.", "coercion.", "fees.amount", "fees.items",
              "procurement.", "requests.new", "requests.carried", "outcome.", "review.", "litigation.direct", "litigation.after")


def _pdf_text_document(path: Path) -> Document:
    """The PDF's text layer only (pdfplumber), so tables come from layout, not from loader grids."""
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(path) as pdf:
        blocks = [RawBlock(kind="text", text=p.extract_text() or "", page=i + 1) for i, p in enumerate(pdf.pages)]
    return normalize(RawDocument(path=str(path), sha256="x", kind="pdf", blocks=blocks, n_pages=len(blocks)))


@pytest.mark.parametrize("path", pdf_paths(), ids=lambda p: p.stem)
def test_pdf_text_layer_values_before_wrapped_labels(path, require_shared_pdfs):
    g = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
    values, _ = extract(_pdf_text_document(path))
    got = by_key(values)
    wanted = {k: n for k, n in g["values"].items() if k.startswith(PRODUCIBLE)}
    assert {k: got[k].value for k in wanted if k in got} == pytest.approx(wanted)
    assert set(wanted) <= set(got)
    assert all(k in g["values"] for k, v in got.items() if v.indicator != "extra")


def test_hongze_2023_collapsed_other_row_and_garbled_label(require_shared_pdfs):
    values, _ = extract(_pdf_text_document(PDF_DIR / "hongze_district_gov_2023.pdf"))
    got = by_key(values)
    assert got["outcome.other"].value == 0 and not any(k.startswith("outcome.other.") for k in got)
    assert got["outcome.denied.law_prohibited"].label == "2.其他法律行政止公开"
    assert got["outcome.partial"].value == 4  # the value line precedes 计其他情形)
    assert got["outcome.denied.state_secret"].value == 1  # 1 0 0 0 0 0 1 before 1.属于国家秘密
    assert (got["review.total"].value, got["litigation.after_review.upheld"].value) == (0, 5)


# --------------------------------------------------------------------------- cells
def test_blank_dash_and_zero_cells():
    text = sec3_pipe_table(APPLICANT_HEADER, lambda i: ["", "-", "0", "/", "—", "0", "0"] if i == 0 else [0] * 7)
    got = by_key(extract(text)[0])
    assert (got["requests.new@natural_person"].value, got["requests.new@natural_person"].note) == (None, "blank")
    for app in ("business", "social_org", "legal_service"):
        assert (got[f"requests.new@{app}"].value, got[f"requests.new@{app}"].note) == (None, "not_applicable")
    assert got["requests.new@research"].value == 0 and got["requests.new@research"].note is None


@pytest.mark.parametrize(
    "text, kind, value, unit",
    [("0", "number", 0, None), ("12", "number", 12, None), (" 1 2 ", "number", 12, None), ("1,234", "number", 1234, None),
     ("１２", "number", 12, None), ("+8", "number", 8, None), ("减4", "number", -4, None), ("3.5", "number", 3.5, None),
     ("49万元", "number", 49.0, "万元"), ("251000元", "number", 25.1, "万元"), ("2万", "number", 20000, None),
     ("", "blank", None, None), ("——", "na", None, None), ("件", "unit", None, "件"), ("12a", "text", None, None),
     ("1" * 40, "text", None, None)],
)
def test_parse_cell(text, kind, value, unit):
    cv = parse_cell(text)
    assert (cv.kind, cv.value, cv.unit) == (kind, value, unit)
    assert type(cv.value) is type(value)


@pytest.mark.parametrize(
    "printed, value",
    [("-1", -1), ("+8", 8), ("减4", -4), ("增3", 3), ("0", 0), ("+0", 0)],
)
def test_signed_changes_of_items(printed, value):
    text = (
        "第二十条第(五)项 | | |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
        f"行政许可 | 20 | {printed} | 6900\n"
    )
    got = by_key(extract(text)[0])
    assert got["licensing.items_change"].value == value and got["licensing.items_change"].raw == printed
    assert got["licensing.items_prev"].value == 20 and got["licensing.decisions"].value == 6900


@pytest.mark.parametrize(
    "printed, value",
    [("49万元", 49.0), ("251000元", 25.1), ("52.15", 52.15), ("0", 0.0), ("1.2亿元", 12000.0)],
)
def test_procurement_amount_normalised_to_ten_thousand_yuan(printed, value):
    text = f"第二十条第(九)项\n信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 25 | {printed}\n"
    v = by_key(extract(text)[0])["procurement.amount"]
    assert v.value == pytest.approx(value) and isinstance(v.value, float) and v.unit == "万元"
    assert v.raw == printed


def test_fee_amount_header_unit_in_yuan_converted():
    text = "第二十条第(八)项\n信息内容 | 本年收费金额(单位:元)\n行政事业性收费 | 12500\n规章 | x\n"
    v = by_key(extract(text)[0])["fees.amount"]
    assert v.value == pytest.approx(1.25) and v.unit == "万元"


# --------------------------------------------------------------------------- Section 三 columns
def test_invented_legal_entities_subtotal_column_read_by_header():
    header = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "法人或其他组织小计"]
    values, warnings = extract(sec3_pipe_table(header, lambda i: [1, 2, 3, 4, 5, 6, 20, 21]))
    got = by_key(values)
    assert [got[f"requests.new@{a}"].value for a in ("natural_person", "business", "other_org", "legal_entities")] == [1, 2, 6, 20]
    assert got["requests.new"].value == 21
    assert warnings == []


def test_missing_column_detected_by_header_not_by_count():
    header = ["商业企业", "科研机构", "法律服务机构", "其他"]  # no 社会公益组织
    got = by_key(extract(sec3_pipe_table(header, lambda i: [1, 2, 3, 4, 5, 15]))[0])
    assert got["requests.new@legal_service"].value == 4 and got["requests.new@other_org"].value == 5
    assert "requests.new@social_org" not in got and got["requests.new"].value == 15


def test_header_and_rows_that_disagree_give_a_warning_and_no_shifted_values():
    values, warnings = extract(sec3_pipe_table(APPLICANT_HEADER, lambda i: [1, 2, 3, 4, 5, 15]))
    assert values == []
    assert any("do not fit rows of 6 values" in w for w in warnings)


def test_a_row_with_a_missing_cell_is_skipped_not_shifted():
    values, warnings = extract(sec3_pipe_table(APPLICANT_HEADER, lambda i: [1, 2, 3, 4, 5, 15] if i == 3 else [1, 0, 0, 0, 0, 0, 1]))
    got = by_key(values)
    assert "outcome.partial" not in got and "outcome.partial@natural_person" not in got
    assert got["outcome.denied.state_secret"].value == 1
    assert any("(二)部分公开" in w and "6 values for 7 columns" in w for w in warnings)


def test_2019_rows_single_other_row_and_2021_report_with_collapsed_other():
    rows = SEC3_ROWS_2021[:20] + [("(六)其他处理",)] + SEC3_ROWS_2021[23:]
    got = by_key(extract(sec3_pipe_table(APPLICANT_HEADER, lambda i: [i] * 6 + [6 * i], rows))[0])
    assert got["outcome.other"].value == 120 and got["outcome.total"].value == 126
    assert not any(k.startswith("outcome.other.") for k in got)
    assert got["requests.carried_forward"].value == 132


def test_group_label_followed_by_unlabelled_rows_read_in_the_forms_order():
    """owenbabies-style scrape: '(三)不予公开 |' then 8 x 7 values without the sub-row labels."""
    lines = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |", "申请人情况 |", "自然人 |", "法人或其他组织 |", "总计 |"]
    lines += [f"{h} |" for h in APPLICANT_HEADER]
    lines += ["(二)部分公开(区分处理的,只计这一情形,不计其他情形) |"] + ["0 |"] * 7
    lines += ["(三)不予公开 |"] + [f"{k} |" for k in range(1, 9) for _ in range(7)]
    lines += ["(四)无法提供 |", "1.本机关不掌握相关政府信息 |"] + ["9 |"] * 7
    values, warnings = extract("\n".join(lines) + "\n")
    got = by_key(values)
    assert got["outcome.denied.state_secret@research"].value == 1
    assert got["outcome.denied.admin_query"].value == 8
    assert got["outcome.unable.not_held"].value == 9
    assert any("read in the form's order" in w for w in warnings)


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize(
    "label, key",
    [
        ("1、属于国家秘密", "outcome.denied.state_secret"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "outcome.partial"),
        ('3.危及"三安全一稳定"', "outcome.denied.security_stability"),
        ("2.其他法律行政止公开", "outcome.denied.law_prohibited"),  # garbled in the Hongze PDFs
        ("4.无正当理由大量反复 申请", "outcome.not_processed.excessive"),
        ("5.要求行政机关确认或重 新出具已获取信息", "outcome.not_processed.reconfirm"),
        ("1.本机关不掌握相关政府资讯", "outcome.unable.not_held"),  # 資訊 left by a zh-TW round trip
    ],
)
def test_label_variants(label, key):
    rows = [tuple(label if x == _LABEL_OF[key] else x for x in r) for r in SEC3_ROWS_2021]
    got = by_key(extract(sec3_pipe_table(APPLICANT_HEADER, lambda i: [i + 1] * 7, rows))[0])
    assert got[key].label == unicodedata.normalize("NFKC", label)  # as printed in the normalized text
    assert got[key].value == _ROW_INDEX[key] + 1


_LABEL_OF = {
    "outcome.denied.state_secret": "1.属于国家秘密",
    "outcome.partial": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "outcome.denied.security_stability": "3.危及“三安全一稳定”",
    "outcome.denied.law_prohibited": "2.其他法律行政法规禁止公开",
    "outcome.not_processed.excessive": "4.无正当理由大量反复申请",
    "outcome.not_processed.reconfirm": "5.要求行政机关确认或重新出具已获取信息",
    "outcome.unable.not_held": "1.本机关不掌握相关政府信息",
}
_ROW_INDEX = {k: next(i for i, r in enumerate(SEC3_ROWS_2021) if v in r) for k, v in _LABEL_OF.items()}


def test_header_cells_with_line_wrap_spaces_and_traditional_script():
    values, _ = extract(normalize_text((FIX / "traditional_2019.txt").read_text(encoding="utf-8")))
    got = by_key(values)
    assert got["rules.normative_docs.made"].value == 3  # 規範性檔案
    assert got["response.online_interviews"].value == 0  # 線上訪談
    assert got["org.reading_points"].value == 2  # 設定…查閱點數


def test_unknown_legacy_rows_kept_as_extra_and_units_read():
    values, warnings = extract((FIX / "legacy_unknown_rows.txt").read_text(encoding="utf-8"))
    got = by_key(values)
    extras = {v.label: v.value for v in values if v.indicator == "extra"}
    assert extras == {"其中:主动公开机构领导、机构设置及人事信息": 15, "5.电子邮件申请数": 0}
    assert got["fees.collected"].value == pytest.approx(0.03) and got["fees.collected"].unit == "万元"  # 300 元
    assert (got["staff.parttime"].value, got["staff.parttime"].note) == (None, "not_applicable")
    assert got["requests.by_channel.letter"].value == 1
    assert not any("联系电话" in (v.label or "") for v in values)  # the footer ends the table
    assert warnings == []


# --------------------------------------------------------------------------- tables as a whole
def test_duplicate_table_kept_once_with_a_warning():
    table = sec3_pipe_table(APPLICANT_HEADER, lambda i: [1, 0, 0, 0, 0, 0, 1])
    values, warnings = extract(table + "五、存在的主要问题及改进情况\n无。\n" + table)
    assert len([v for v in values if v.table == "sec3"]) == 175
    assert any("printed again" in w and "the same values" in w for w in warnings)


def test_section_four_header_then_values_and_flattened_markdown():
    got = by_key(extract(seed_doc("002"))[0])
    assert [got[k].value for k in ("review.upheld", "review.corrected", "review.total", "litigation.after_review.total")] == [0, 1, 1, 0]
    md = by_key(extract((FIX / "markdown_2021.txt").read_text(encoding="utf-8"))[0])
    assert [md[k].value for k in ("review.total", "litigation.direct.other", "litigation.after_review.total")] == [259, 15, 38]
    assert md["rules.regulations.valid"].value == 15 and md["fees.amount"].value == 12.5


def test_html_2019_items_tables_with_different_colspans_map_by_order():
    rows = [
        ["第二十条第(五)项", None, None, None, None],
        ["信息内容", "上一年项目数量", "本年增/减", None, "处理决定数量"],
        ["行政许可", "12", None, "-1", "300"],
        ["其他对外管理服务事项", "5", None, "+2", ""],
    ]
    spans = {(0, 1): (0, 0), (0, 2): (0, 0), (0, 3): (0, 0), (0, 4): (0, 0), (1, 3): (1, 2), (2, 2): (2, 1), (3, 2): (3, 1)}
    doc = normalize(RawDocument(path="x.html", sha256="x", kind="html", blocks=[RawBlock(kind="table", rows=rows, spans=spans)]))
    values, _ = extract(doc)
    got = by_key(values)
    assert [got[k].value for k in ("licensing.items_prev", "licensing.items_change", "licensing.decisions")] == [12, -1, 300]
    assert (got["other_services.decisions"].value, got["other_services.decisions"].note) == (None, "blank")
    assert len(values) == 6  # a colspan copy never gives a second value


def test_table_split_over_two_loader_grids_keeps_kind_and_columns():
    head = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", None, "申请人情况", None, None, None, None, None, None],
            [None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"],
            [None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", None]]
    body = [[" ".join(r[:-1]) if len(r) > 1 else "", r[-1]] + ["1", "0", "0", "0", "0", "0", "1"] for r in SEC3_ROWS_2021]
    blocks = [RawBlock(kind="table", rows=head + body[:14], page=1), RawBlock(kind="text", text="- 4 -", page=2),
              RawBlock(kind="table", rows=body[14:], page=2)]
    doc = normalize(RawDocument(path="x.pdf", sha256="x", kind="pdf", blocks=blocks))
    got = by_key(extract(doc)[0])
    assert got["outcome.unable.unclear@natural_person"].value == 1  # first row of the second grid
    assert got["requests.carried_forward"].value == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "| | |\n|---|\n| 1 |",
        "(本列数据的勾稽关系为:第一项加第二项之和) |\n1 |\n2 |\n3 |\n",
        "行政复议 |\n1 |\n2 |\n",
        "第二十条第(一)项\n信息内容\n本年制发件数\n规章\n1\n2\n3\n4\n",
        "统计指标 | 单位 | 统计数\n | | \n1 | 2 | 3\n(一)收到申请数 | 件 | 一\n",
        "(三)不予公开 | 1 | 2 |\n(三)不予公开 | 1 |\n总计 | 自然人 | 1 | 2\n",
        "一、本年新收政府信息公开申请数量 1 2 3\n(七)总计 - - -\n四、结转下年度继续办理\n5 5\n",
    ],
)
def test_malformed_tables_never_raise(text):
    values, warnings = extract("政府信息公开工作年度报告\n" + text)
    assert all(isinstance(w, str) for w in warnings)
    assert all(v.source == "table" for v in values)


def test_local_legacy_form_with_code_and_period_columns_reads_the_year():
    text = (
        "定西市政府信息公开情况统计报表\n"
        "指 标 名 称 | 计量单位 | 代码 | 本期实际 | 本年累计\n"
        "主动公开信息数 | 条 | 01 | 50 | 600\n"
        "申请总数 | 件 | 10 | 3 | 20\n"
        "4.网上申请数 | 件 | 14 | 1 | 8\n"
    )
    got = by_key(extract(text)[0])
    assert [got[k].value for k in ("proactive.total", "requests.new", "requests.by_channel.online")] == [600, 20, 8]


def test_rectangular_markdown_maps_cells_under_their_header_cells():
    """Empty label sub-columns and an empty 总计 cell are both blank: columns decide, not order."""
    values, warnings = extract((FIX / "markdown_rectangular_2019.txt").read_text(encoding="utf-8"))
    got = by_key(values)
    assert got["outcome.total@natural_person"].value == 389 and got["outcome.total@other_org"].value == 21
    assert (got["outcome.total"].value, got["outcome.total"].note) == (None, "blank")
    assert got["requests.new"].value == 477 and got["outcome.granted@natural_person"].value == 211
    # the 2019 colspans rendered as blank cells: the data rows span other columns than the header
    assert (got["licensing.items_prev"].value, got["licensing.items_change"].value) == (2, -2)
    assert (got["licensing.decisions"].value, got["licensing.decisions"].note) == (None, "blank")
    assert (got["other_services.items_change"].note, got["other_services.decisions"].value) == ("not_applicable", 60)
    assert warnings == []


def test_tab_rows_that_lost_their_trailing_empty_cell():
    head = "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
    text = (
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\t\t\t申请人情况\t\t\t\t\t\t\n" + head
        + "一、本年新收政府信息公开申请数量\t\t\t28\t3\t1\t1\t1\t2\t36\n"
        + "\t(二)部分公开(区分处理的,只计这一情形,不计其他情形)\t\t67\t4\t1\t0\t1\t2\t\n"  # 总计 empty
        + "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n"
        + "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
        + "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
        + "1\t0\t1\t0\t2\t1\t0\t0\t0\t1\t0\t0\t0\t0\t\n"
    )
    got = by_key(extract(text)[0])
    assert got["outcome.partial@natural_person"].value == 67 and got["outcome.partial@other_org"].value == 2
    assert (got["outcome.partial"].value, got["outcome.partial"].note) == (None, "blank")
    assert got["review.total"].value == 2 and got["litigation.after_review.pending"].value == 0
    assert got["litigation.after_review.total"].value is None


def test_one_cell_per_line_empty_line_is_an_empty_cell():
    text = "行政许可\n20\n\n6900\n行政处罚\n649\n+20\n97\n行政强制\n28\n-3\n60\n"
    text = "第二十条第(五)项\n信息内容\n上一年项目数量\n本年增/减\n处理决定数量\n" + text
    got = by_key(extract(text)[0])
    assert (got["licensing.items_change"].value, got["licensing.items_change"].note) == (None, "blank")
    assert got["licensing.decisions"].value == 6900 and got["coercion.items_change"].value == -3
