"""Numbers stated in prose: every phrasing family, words for zero, what is never an indicator,
spans and evidence, table lines left out, ranking of repeated statements."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from govstats.extract.narrative import extract_narrative
from govstats.model import Cell, Grid, Meta, Value
from govstats.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures" / "narrative"


def _extract(text: str, agency: str | None = None, table_values: tuple[Value, ...] = ()):
    doc = normalize_text(text)
    values, warnings = extract_narrative(doc, Meta(agency=agency), list(table_values))
    return doc, values, warnings


def _first(values: list[Value]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for v in values:
        out.setdefault(v.key(), v)
    return out


def _positive_cases():
    lines = [l for l in (FIXTURES / "positive.csv").read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    cases: dict[tuple[str, str], dict] = {}
    for r in csv.DictReader(lines):
        case = cases.setdefault((r["sentence"], r["agency"]), {"family": r["family"], "expected": {}})
        if r["key"]:
            case["expected"][r["key"]] = (float(r["value"]), r["approximate"] == "1", float(r["share"]) if r["share"] else None)
    return [
        pytest.param(s, agency, c["expected"], id=f"{c['family']}-{i}") for i, ((s, agency), c) in enumerate(cases.items())
    ]


def _negative_cases():
    lines = (FIXTURES / "negative.txt").read_text(encoding="utf-8").splitlines()
    return [pytest.param(l.strip(), id=f"neg-{i}") for i, l in enumerate(lines) if l.strip() and not l.startswith("#")]


def test_fixture_sizes():
    assert len(_negative_cases()) >= 40
    assert len(_positive_cases()) >= 50


@pytest.mark.parametrize("sentence, agency, expected", _positive_cases())
def test_positive_sentence(sentence, agency, expected):
    doc, values, _ = _extract(sentence, agency)
    got = _first(values)
    assert sorted(got) == sorted(expected)
    for key, (value, approx, share) in expected.items():
        v = got[key]
        assert v.value == pytest.approx(value), key
        assert v.approximate is approx, key
        assert v.stated_share == share, key
        assert v.source == "narrative"


@pytest.mark.parametrize("sentence, agency, expected", _positive_cases())
def test_spans_labels_and_evidence(sentence, agency, expected):
    doc, values, _ = _extract(sentence, agency)
    for v in values:
        printed = re.sub(r"\s+", "", doc.text[v.span[0] : v.span[1]])
        assert printed == v.raw  # the figure as printed (or the words that say zero)
        compact_text = re.sub(r"\s+", "", doc.text)
        assert v.evidence and v.evidence in compact_text
        assert v.label and v.label in v.evidence


@pytest.mark.parametrize("sentence", _negative_cases())
def test_negative_sentence_states_no_indicator(sentence):
    _, values, _ = _extract(sentence, agency="广州市市场监督管理局")
    assert values == [], [(v.key(), v.value, v.label) for v in values]


# --------------------------------------------------------------------------- layout of the prose
def test_lines_wrapped_by_a_pdf_are_joined():
    text = (
        "（一）主动公开情况。主要通过政府门户网站主动公开政府文件、通知公告等各类政府信息。2023 年，我区在政\n"
        "府网站平台主动公开政府信息 1136 条。\n"
        "（二）依申请公开情况。进一步规范依申请公开流程，畅通依申请公开受理渠道。2023 年全区受理政府信息公开申请 21\n"
        "件，均在法定期限答复。\n"
    )
    doc, values, _ = _extract(text, "淮安市洪泽区人民政府")
    got = _first(values)
    assert got["channel.website"].value == 1136
    assert got["requests.new"].value == 21
    assert doc.text[slice(*got["requests.new"].span)] == "21"
    assert got["channel.website"].label == "政府网站平台"  # labels and evidence are compact text


def test_a_short_line_is_not_joined_to_the_next():
    # one table cell per line: 尚未审结 / 总计 / 未经复议直接起诉 must not read as 未…复议 (no review)
    text = "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n结果维持\n尚未审结\n总计\n未经复议直接起诉\n复议后起诉\n"
    _, values, _ = _extract(text)
    assert values == []


def test_table_lines_are_left_out():
    text = "一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21\n行政许可 550\n3334\n49万元\n"
    _, values, _ = _extract(text)
    assert values == []


def test_a_line_holding_a_table_value_is_a_table_line():
    text = "三、统计表\n1.网上申请数 10件\n全年共收到政府信息公开申请10件。\n"
    doc = normalize_text(text)
    start = doc.text.index("10件")
    cell = Value("requests.by_channel.online", 10, source="table", span=(start, start + 2))
    _, values, _ = _extract(text, table_values=(cell,))
    assert [(v.key(), v.value) for v in values] == [("requests.new", 10)]
    _, values, _ = _extract(text)  # without the table's span the line reads as prose
    assert ("requests.by_channel.online", 10) in [(v.key(), v.value) for v in values]


def test_grid_regions_are_left_out():
    text = "网上申请 | 5件\n全年共收到政府信息公开申请5件。\n"
    doc = normalize_text(text)
    end = doc.text.index("\n") + 1
    doc.grids.append(Grid(rows=[[Cell("网上申请", 0, 4), Cell("5件", 7, 9)]], source="html", start=0, end=end))
    values, _ = extract_narrative(doc, Meta(), [])
    assert [(v.key(), v.value) for v in values] == [("requests.new", 5)]


def test_overlapping_and_adjacent_grid_regions_are_left_out():
    lines = ["网上申请 | 5件", "信函申请 | 3件", "当面申请 | 2件", "全年共收到政府信息公开申请10件。", "传真申请 | 1件"]
    doc = normalize_text("\n".join(lines) + "\n")
    starts = [doc.text.index(line) for line in lines]
    for lo, hi in ((starts[1], starts[2] + 2), (starts[0], starts[1] + 3), (starts[2], starts[3]), (starts[4], starts[4] + 4)):
        doc.grids.append(Grid(rows=[], source="html", start=lo, end=hi))  # overlapping, adjacent, out of order
    values, _ = extract_narrative(doc, Meta(), [])
    assert [(v.key(), v.value) for v in values] == [("requests.new", 10)]


def test_spans_across_removed_whitespace_map_back_to_the_document():
    from govstats.extract.prose import prose_view

    doc = normalize_text("全年共收到申请 1 234 件。\n  网上申请 56 件。\n")
    view = prose_view(doc, [])
    assert view.text == "全年共收到申请1234件。\n网上申请56件。"
    for piece in ("1234", "全年", "56", "网上申请56件", "4件。"):
        start = view.text.index(piece)
        lo, hi = view.doc_span(start, start + len(piece))
        assert "".join(doc.text[lo:hi].split()) == piece
    assert view.doc_span(0, 0) == (view.to_doc(0), view.to_doc(-1) + 1)  # an empty span as before


def test_a_long_report_gives_the_figures_of_its_statements_once():
    """The same statements repeated throughout a long text: each figure once (linear work: the
    restated-part and equal-figure checks look figures up by key, not through all found so far)."""
    paragraph = (
        "2019年,我局共收到信息公开申请220件(含2019年1月23日前原市工商局办理的信息公开申请13件),均依法按期办结。"
        "网上申请200件,信函申请20件。未发生行政复议、行政诉讼案件。\n"
    )
    _, once, _ = _extract(paragraph)
    _, many, warnings = _extract(paragraph * 400)
    assert [(v.key(), v.value) for v in many] == [(v.key(), v.value) for v in once]
    assert ("requests.new", 13) not in [(v.key(), v.value) for v in many] and warnings == []


# --------------------------------------------------------------------------- structure of statements
def test_a_part_in_parentheses_is_not_the_total():
    text = "2019年,我局共收到信息公开申请220件(含2019年1月23日前原市工商局办理的信息公开申请13件),均依法按期办结。"
    _, values, _ = _extract(text)
    assert [(v.key(), v.value) for v in values] == [("requests.new", 220)]


def test_an_applicant_named_in_the_request_statement():
    _, values, _ = _extract("2020年,我局共依法办理自然人信息公开申请4件。")
    assert sorted((v.key(), v.value) for v in values) == [("requests.new", 4), ("requests.new@natural_person", 4)]
    _, values, _ = _extract("全年共收到政府信息公开申请10件,其中收到自然人申请8件。")
    assert sorted((v.key(), v.value) for v in values) == [("requests.new", 10), ("requests.new@natural_person", 8)]
    _, values, _ = _extract("共办理公民、法人及其他组织提交的政府信息公开申请4件。")
    assert [(v.key(), v.value) for v in values] == [("requests.new", 4)]


def test_combined_channel_figures_give_nothing():
    _, values, _ = _extract("2017年,我局共主动公开政府信息754条。微信和头条等公开信息235条;收到依申请公开信息12件。")
    assert sorted((v.key(), v.value) for v in values) == [("proactive.total", 754), ("requests.new", 12)]


def test_a_channel_before_the_proactive_phrase_takes_the_figure():
    _, values, _ = _extract("我区在政府网站平台主动公开政府信息1136条。")
    assert [(v.key(), v.value) for v in values] == [("channel.website", 1136)]
    _, values, _ = _extract("我局通过网站、微信微博、新闻媒体主动公开各类政府信息38014条。")
    assert [(v.key(), v.value) for v in values] == [("proactive.total", 38014)]


def test_review_and_litigation_results_take_their_meaning_from_the_context():
    text = "行政复议3件,其中结果维持2件,结果纠正1件;行政诉讼2件,其中结果维持1件,其他结果1件。"
    _, values, _ = _extract(text)
    assert sorted((v.key(), v.value) for v in values) == [
        ("litigation.other", 1), ("litigation.total", 2), ("litigation.upheld", 1),
        ("review.corrected", 1), ("review.total", 3), ("review.upheld", 2),
    ]
    _, values, _ = _extract("其中结果维持2件。")  # no review or lawsuit before: nothing
    assert values == []


def test_a_paragraph_start_clears_the_context():
    text = "行政复议3件。\n\n(一)加强组织领导。结果维持2件。"
    _, values, _ = _extract(text)
    assert [(v.key(), v.value) for v in values] == [("review.total", 3)]


def test_figures_of_other_bodies_depend_on_whose_report_it_is():
    text = "2023年,全市各级行政机关共收到政府信息公开申请500件。"
    _, values, _ = _extract(text, agency="某市市场监督管理局")
    assert values == []
    _, values, _ = _extract(text, agency="某市人民政府")
    (v,) = values
    assert v.value == 500 and v.note.startswith("scope: 全市各级行政机关")
    _, values, _ = _extract("2024年,全市共受理政府信息公开申请3119件。", agency="淮安市人民政府")
    assert [(v.value, v.note) for v in values] == [(3119, None)]
    _, values, _ = _extract("2024年,全市共受理政府信息公开申请3119件。", agency="淮安市市场监督管理局")
    assert values == []
    _, values, _ = _extract("2024年,我局积极配合全市工作,共收到政府信息公开申请12件。", agency="淮安市市场监督管理局")
    assert [v.value for v in values] == [12]  # the subject is 我局


def test_a_different_scope_is_noted():
    _, values, _ = _extract("2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。", "淮安市洪泽区人民政府")
    (v,) = values
    assert (v.key(), v.value) == ("requests.new", 17)
    assert v.note == "scope: 区政府办代表区政府"


def test_money_is_converted_to_wan_yuan():
    _, values, _ = _extract("全年收取政府信息公开信息处理费 3940 元。")
    (v,) = values
    assert (v.key(), v.value, v.unit, v.raw) == ("fees.collected", 0.394, "万元", "3940")
    assert "converted" in v.note


def test_zero_stated_in_words():
    doc, values, _ = _extract("2016年,本局没有发生政府信息公开事务的行政复议、诉讼案件。未收取信息处理费。")
    got = _first(values)
    assert {k: v.value for k, v in got.items()} == {"review.total": 0, "litigation.total": 0, "fees.collected": 0}
    for v in values:
        assert v.note == "zero stated in words"
        assert doc.text[slice(*v.span)] == v.raw == v.label


def test_complaints_only_about_disclosure_or_in_their_own_section():
    text = "五、回应社会关切和群众投诉信息情况\n截至2016年12月31日,共接收咨询3件,处理3件;各类投诉举报59件,累计为消费者挽回损失45万余元。"
    _, values, _ = _extract(text, "酒泉市质量技术监督局")
    assert [(v.key(), v.value) for v in values] == [("complaints.total", 59)]
    _, values, _ = _extract("全年共受理投诉举报12000件,办结率98%。", "某市市场监督管理局")
    assert values == []


def test_a_qualified_subset_after_qizhong_is_not_the_indicator():
    text = "全年共举办新闻发布会191场。其中,疫情防控新闻发布会累计举行151场。"
    _, values, _ = _extract(text, "上海市人民政府")
    assert [(v.key(), v.value) for v in values] == [("response.press_conferences", 191)]


def test_a_channel_name_after_qizhong_is_not_a_subset():
    text = "2019年,我局共主动公开政府信息3916条。其中,“广州市场监管”微信发布信息653条,入口网站共公开各类信息2250条。"
    _, values, _ = _extract(text)
    assert sorted((v.key(), v.value) for v in values) == [
        ("channel.website", 2250), ("channel.wechat", 653), ("proactive.total", 3916)
    ]


def test_a_running_total_ranks_after_the_years_figure():
    text = "本区到年底累计主动公开政府信息5928条,全文电子化率达90.3%,其中,本年度新增主动公开政府信息2110条。"
    _, values, _ = _extract(text, "某区人民政府")
    assert [v.value for v in values] == [2110, 5928]


def test_units_come_from_the_text():
    _, values, _ = _extract("信息公开类行政复议案件3宗。举办新闻发布会12场。")
    assert {v.key(): v.unit for v in values} == {"review.total": "宗", "response.press_conferences": "场"}


# --------------------------------------------------------------------------- repeated statements
def test_the_statement_in_its_own_section_comes_first_and_conflicts_are_warned():
    text = (
        "一、总体情况\n2019年,我局网站发布各类信息25207条,微博发博710条。\n"
        "二、主动公开政府信息情况\n通过政府网站公开政府信息30571条,微博发博710条。\n"
    )
    _, values, warnings = _extract(text)
    assert [(v.key(), v.value) for v in values if v.indicator == "channel.website"] == [
        ("channel.website", 30571), ("channel.website", 25207)
    ]
    assert [v.value for v in values if v.indicator == "channel.weibo"] == [710]  # equal figures kept once
    (w,) = warnings
    assert "channel.website" in w and "30571" in w and "25207" in w


def test_an_exact_figure_is_preferred_to_an_equal_approximate_one():
    _, values, _ = _extract("通过微信公众号主动发布信息230多条。微信公众号发布信息230条。")
    (v,) = values
    assert v.value == 230 and v.approximate is False


def test_empty_and_tableless_documents():
    assert _extract("")[1] == []
    assert _extract("二、主动公开政府信息情况\n规章\n0\n0\n")[1] == []


@pytest.mark.parametrize(
    "pattern, firsts",
    [
        ("(?:通过)?网上申请", "通网"),
        ("(?:结果)?(?:被)?维持(?:原决定)?", "结被维"),
        ("(?:收到|受理|(?:新)?收悉)(?:了)?申请", "收受新"),
        ("[“\"]网站|官网", "“\"官"),
        ("(?!后)复议|^诉讼", "复诉"),
        ("了{0,2}答复", "了答"),
        ("了{1,2}答复", "了"),
        ("[a-c]类|\\.x", "abc."),
        ("(?P<f0>政务)?微博", "政微"),
    ],
)
def test_first_characters_of_a_trigger(pattern, firsts):
    from govstats.extract.narrative import _first_chars

    assert _first_chars(pattern) == frozenset(firsts)
    m = re.compile(pattern).search("前文" + pattern.replace("(?:", "").replace(")?", "") + "后文")
    assert m is None or m.group(0)[0] in _first_chars(pattern)


def test_vocabulary_rows_are_checked_when_loaded():
    from govstats.extract.narrative import _expand, _first_chars

    for pattern in ("(?:网上)?", "(?!后)|(?:了)*"):  # a trigger that can match nothing
        with pytest.raises(ValueError, match="empty text"):
            _first_chars(pattern)
    # a trigger must start with characters known in advance
    for pattern in ("[^0-9]申请", ".申请", "\\d件", "(?i:网上)", _expand("{F4}申请", {})):
        with pytest.raises(ValueError, match="must not start"):
            _first_chars(pattern)
    with pytest.raises(ValueError):
        _expand("{XY3}申请", {})


def test_every_trigger_starts_with_one_of_its_first_characters():
    """Wherever a trigger of phrases.csv matches in the seed reports, it starts with a character the
    dispatch tries it on (else the scan would miss it)."""
    from govstats import codebook
    from govstats.extract.narrative import _expand, _first_chars

    stops = {r["targets"]: r["pattern"] for r in codebook.read_csv("narrative_blockers.csv") if r["scope"] == "filler"}
    patterns = {_expand(r["pattern"], stops) for r in codebook.read_csv("phrases.csv") if r["kind"] in ("value", "context")}
    seeds = sorted((Path(__file__).parents[1] / "data" / "raw").glob("*.txt"))
    text = "\n".join(re.sub(r"[ \t\u3000]+", "", p.read_text(encoding="utf-8")) for p in seeds)
    matched = 0
    for pattern in patterns:
        firsts = _first_chars(pattern)
        rx = re.compile(pattern)
        for p in range(len(text)):
            m = rx.match(text, p)
            if m is not None and m.end() > p:
                matched += 1
                assert text[p] in firsts, (pattern, text[p : m.end()])
    assert matched > 200
