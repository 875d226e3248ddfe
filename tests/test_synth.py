"""The report generator (govstats.synth): specs, truth, identities and text/HTML renderings."""
from __future__ import annotations

import dataclasses
import re

import pytest
from lxml import html as lxml_html

from govstats import synth
from govstats.codebook import indicators
from govstats.model import APPLICANTS, EDITIONS
from govstats.synth import forms
from govstats.synth.document import DEMO_NOTICE, convert, translator
from govstats.synth.prose import IMPLICIT_ZERO, fmt_num, render_statement
from govstats.synth.spec import LabelStyle, we_word

COLUMNS = APPLICANTS + ("total",)
PAGE_MARK = re.compile(r"^(- \d+ -|—\d+ —|第 \d+ 页)$")


def text_of(spec: synth.ReportSpec) -> str:
    return synth.render(spec, "txt").decode("utf-8")


def label(spec: synth.ReportSpec, text: str) -> str:
    """A row label as the spec prints it (script and punctuation)."""
    return convert(text, spec.script, spec.fullwidth)


def row_values(text: str, layout: str, row_label: str, n: int) -> list[str]:
    """The ``n`` cells printed after ``row_label`` in a text layout (page marks ignored)."""
    lines = [ln for ln in text.split("\n") if not PAGE_MARK.match(ln.strip())]
    if layout in ("pipe_rows", "markdown", "tsv"):
        sep = "\t" if layout == "tsv" else "|"
        line = next(ln for ln in lines if row_label in ln and ln.count(sep) >= n)
        cells = [c.strip() for c in line.strip().strip("|").split(sep)]
        return cells[-n:]
    if layout == "pdf_text":
        line = next(ln for ln in lines if ln.startswith(row_label + " ") or ln == row_label)
        i = lines.index(line)
        rest = line[len(row_label):].split() or lines[i - 1].split()
        return rest[-n:]
    if layout == "pipe_cells":
        lines = [ln[:-2] if ln.endswith(" |") else ln for ln in lines if not re.fullmatch(r"\|+", ln)]
    if layout == "indented_blank":
        lines = [ln.strip() for ln in lines if ln.strip()]
    i = lines.index(row_label)
    return lines[i + 1:i + 1 + n]


# --------------------------------------------------------------------------- API and determinism
def test_cases_cover_every_edition_layout_script():
    assert len(synth.CASES) == len(EDITIONS) * len(synth.LAYOUTS) * len(synth.SCRIPTS) == 64
    assert len(set(synth.CASES)) == 64


def test_same_seed_same_spec_and_bytes():
    a = synth.random_spec(123, blank_cells=1, errors=1)
    b = synth.random_spec(123, blank_cells=1, errors=1)
    assert a.to_json() == b.to_json()
    for fmt in ("txt", "html"):
        assert synth.render(a, fmt) == synth.render(b, fmt)
    assert synth.random_spec(124).to_json() != a.to_json()


def test_random_generator_seed_is_recorded():
    import random

    spec = synth.random_spec(random.Random(5), edition="gov2019")
    assert synth.random_spec(spec.seed, edition="gov2019").to_json() == spec.to_json()


def test_unknown_option_values_are_rejected():
    with pytest.raises(ValueError, match="edition"):
        synth.random_spec(1, edition="gov2030")
    with pytest.raises(ValueError, match="noise"):
        synth.random_spec(1, noise={"confetti"})
    with pytest.raises(ValueError, match="format"):
        synth.render(synth.random_spec(1), "rtf")


@pytest.mark.parametrize("edition,layout,script", synth.CASES)
def test_every_case_renders_with_its_truth(edition, layout, script):
    spec = synth.random_spec(7, edition=edition, layout=layout, script=script, scale="medium")
    data = synth.render(spec)
    text = data.decode("utf-8")
    assert spec.edition == edition and spec.layout == layout and spec.script == script
    assert convert(spec.meta["agency"], script, spec.fullwidth) in text
    assert spec.truth, "a report states at least one number"
    if layout == "html":
        assert text.startswith("<!DOCTYPE html>") and ("<table" in text) == bool(spec.table_keys)
    flat = "".join(ln for ln in text.split("\n") if not PAGE_MARK.match(ln.strip())).replace(" ", "")
    tr = translator(spec)
    we = tr(we_word(spec.meta["agency"], spec.meta))
    numbers = {**spec.truth, **spec.approx}
    for st in spec.statements:
        sentence = render_statement(st, numbers, tr, spec.meta["year"], we)
        assert sentence.replace(" ", "") in flat, sentence
        assert all(fmt_num(numbers[k]) in sentence for k in st.keys if st.kind not in IMPLICIT_ZERO
                   and not (st.kind == "fees.none" and st.variant % 2 == 0))


def test_truth_keys_are_codebook_indicators_and_applicants():
    codes = indicators()
    for seed in range(40):
        spec = synth.random_spec(seed)
        for key, where in spec.where.items():
            code, _, applicant = key.partition("@")
            assert code in codes, key
            assert applicant in ("",) + APPLICANTS + ("legal_entities",), key
            editions = codes[code].editions
            if where == "narrative":
                assert "narrative" in editions or code == "fees.collected", key
            else:
                assert spec.edition in editions or "legacy" in editions and spec.variant == "guizhou_appendix", key


# --------------------------------------------------------------------------- identities
@pytest.mark.parametrize("edition", EDITIONS)
def test_truth_satisfies_every_identity_without_injected_errors(edition):
    n_checks = 0
    for seed in range(60):
        spec = synth.random_spec(seed, edition=edition)
        assert not spec.failing, [(c.identity.name, c.left, c.right) for c in spec.failing]
        assert all(c.status == "pass" for c in spec.checks)
        n_checks += len(spec.checks)
    assert n_checks > (40 if edition == "narrative" else 500)


def test_gov_identities_are_the_form_ones():
    spec = synth.random_spec(3, edition="gov2021", variant="standard")
    names = {(c.identity.id, c.identity.name, c.identity.applicant) for c in spec.checks}
    for a in COLUMNS:
        assert ("I1", "sec3.balance", a) in names
        assert ("I3'", "sec3.outcome_total", a) in names
    assert ("I2", "sec3.row_sum.outcome.other.no_fee", "total") in names
    assert {("I8", f"sec4.{b}_total", "total") for b in ("review", "direct", "after_review")} <= names
    t = spec.truth
    for a in COLUMNS:
        k = lambda code: forms.applicant_key(code, a)  # noqa: E731
        assert t[k("requests.new")] + t[k("requests.carried_over")] == t[k("outcome.total")] + t[k("requests.carried_forward")]


def test_collapsed_other_prints_a_single_other_row():
    spec = synth.random_spec(4, edition="gov2021", variant="collapsed_other", layout="pipe_rows", noise=False)
    assert "outcome.other" in spec.truth and "outcome.other.no_fee" not in spec.truth
    assert any(c.identity.id == "I3" for c in spec.checks)
    text = text_of(spec)
    assert label(spec, "(六)其他处理") in text and label(spec, "3.其他") not in text
    values = row_values(text, "pipe_rows", label(spec, "(六)其他处理"), 7)
    assert values == [spec.printed[forms.applicant_key("outcome.other", a)] for a in COLUMNS]


@pytest.mark.parametrize("edition", ["gov2019", "gov2021", "legacy"])
def test_injected_error_is_printed_and_breaks_its_identities(edition):
    hits = 0
    for seed in range(30):
        clean = synth.random_spec(seed, edition=edition, scale="medium")
        spec = synth.random_spec(seed, edition=edition, scale="medium", errors=1)
        changed = [k for k in spec.table_keys if spec.truth[k] != clean.truth[k]]
        assert len(changed) == 1
        key = changed[0]
        assert spec.printed[key] == fmt_num(spec.truth[key])
        assert spec.failing and all(key in c.identity.lhs + c.identity.rhs for c in spec.failing)
        assert spec.where[key] == "table", "an error never sits in a number the prose repeats"
        hits += 1
    assert hits == 30


def test_blank_and_na_cells_are_none_with_notes_and_make_checks_not_assessable():
    spec = synth.random_spec(11, edition="gov2019", blank_cells=3, na_cells=2, layout="html", fullwidth=False)
    assert sorted(spec.notes.values()) == ["blank"] * 3 + ["not_applicable"] * 2
    for key, note in spec.notes.items():
        assert spec.truth[key] is None
        assert spec.printed[key] == "" if note == "blank" else spec.printed[key] in ("-", "/", "—")
        touching = [c for c in spec.checks if key in c.identity.lhs + c.identity.rhs]
        assert all(c.status == "not_assessable" for c in touching)
    assert sum(c.status == "not_assessable" for c in spec.checks) >= 2
    gold = spec.gold("x.html")
    assert sorted(gold["null"]) == sorted(spec.notes) and None not in gold["values"].values()
    page = lxml_html.fromstring(synth.render(spec))
    cells = [td.text_content() for td in page.iter("td")]
    assert cells.count("\xa0") == 3


def test_narrative_error_is_a_wrong_stated_share():
    found = 0
    for seed in range(40):
        spec = synth.random_spec(seed, edition="narrative", errors=1, scale="medium", layout="pipe_rows")
        if not spec.share_errors:
            assert not any(s.shares for s in synth.random_spec(seed, edition="narrative", scale="medium",
                                                               layout="pipe_rows").statements)
            continue
        found += 1
        (err,) = spec.share_errors
        assert err["stated"] != err["actual"]
        assert abs(100 * spec.truth[err["key"]] / spec.truth[err["share_of"]] - err["actual"]) < 0.01
        assert f"{err['stated']:g}%" in text_of(spec).replace(" ", "")
    assert found >= 10


def test_approximate_figures_go_to_approx_not_truth():
    seen = 0
    for seed in range(30):
        spec = synth.random_spec(seed, edition="narrative", approx=1.0, script="simplified", layout="tsv")
        for key, value in spec.approx.items():
            seen += 1
            assert key not in spec.truth and key.startswith("channel.")
            assert re.search(rf"(近{value}|{value}余|{value}多)条", text_of(spec)), key
    assert seen >= 10


# --------------------------------------------------------------------------- layouts
SEC3_ROWS = (("requests.new", "一、本年新收政府信息公开申请数量"), ("outcome.total", "(七)总计"),
             ("requests.carried_forward", "四、结转下年度继续办理"))


@pytest.mark.parametrize("layout", [x for x in synth.TEXT_LAYOUTS])
@pytest.mark.parametrize("edition", ["gov2019", "gov2021"])
def test_table_rows_print_their_values_in_order(layout, edition):
    for seed in range(4):
        spec = synth.random_spec(seed, edition=edition, layout=layout, noise=False, scale="large")
        text = text_of(spec)
        for code, row in SEC3_ROWS:
            want = [spec.printed[forms.applicant_key(code, a)] for a in COLUMNS]
            assert row_values(text, layout, label(spec, row), 7) == want, (layout, row)
        want = [spec.printed[f"rules.regulations.{c}"] for c in ("made", "published" if edition == "gov2019"
                                                                  else "repealed", "valid")]
        assert row_values(text, layout, label(spec, "规章"), 3) == want


@pytest.mark.parametrize("layout", ["one_cell_per_line", "pipe_cells", "indented_blank", "pipe_rows", "tsv"])
def test_legacy_rows_print_unit_and_value(layout):
    spec = synth.random_spec(2, edition="legacy", variant="national", layout=layout, noise=False)
    text = text_of(spec)
    assert row_values(text, layout, label(spec, "(一)收到申请数"), 2) == [label(spec, "件"), spec.printed["requests.new"]]
    assert row_values(text, layout, label(spec, "七、依申请公开信息收取的费用"), 2) == [
        label(spec, "万元"), spec.printed["fees.collected"]]


def test_pipe_cells_filler_lines_count_spanned_cells():
    spec = synth.random_spec(5, edition="gov2021", layout="pipe_cells", noise=False)
    lines = text_of(spec).split("\n")
    i = lines.index(label(spec, forms.BALANCE_NOTE) + " |")
    assert lines[i + 1:i + 4] == [label(spec, "申请人情况") + " |", "||||||||", label(spec, "自然人") + " |"]
    j = lines.index(label(spec, "(七)总计") + " |")
    assert lines[j + 8] == "||"


def test_indented_blank_empty_cell_is_one_more_blank_line():
    spec = synth.random_spec(9, edition="legacy", variant="national", layout="indented_blank", noise=False)
    spec = dataclasses.replace(spec, printed={**spec.printed, "staff.parttime": ""}, labels=LabelStyle())
    lines = text_of(spec).split("\n")
    i = lines.index("  " + label(spec, "2.兼职人员数"))
    assert lines[i + 1:i + 5] == ["", "  " + label(spec, "人"), "", ""]
    assert lines[i + 5].startswith("  (")


def test_markdown_has_a_separator_and_rectangular_rows():
    spec = synth.random_spec(6, edition="gov2021", layout="markdown", noise=False)
    lines = text_of(spec).split("\n")
    assert "|---|---|---|---|---|---|---|---|---|---|" in lines
    sec3 = [ln for ln in lines if ln.startswith("| ") and ln.count("|") == 11]
    assert len(sec3) == 3 + 25


def test_pdf_text_wraps_labels_and_adds_page_marks():
    spec = synth.random_spec(8, edition="gov2021", variant="standard", layout="pdf_text", noise=False)
    lines = text_of(spec).split("\n")
    assert sum(bool(PAGE_MARK.match(ln)) for ln in lines) >= 2
    long_label = label(spec, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    assert long_label not in lines and not any(ln.startswith(long_label) for ln in lines)
    assert any(ln and long_label.startswith(ln.split(" ")[0]) for ln in lines)
    assert max(len(ln) for ln in lines if ln and not ln[0].isdigit()) <= 60


def test_html_tables_have_rowspans_colspans_and_br():
    spec = synth.random_spec(12, edition="gov2021", layout="html", fullwidth=True)
    spec = dataclasses.replace(spec, labels=dataclasses.replace(spec.labels, header_breaks=True))
    page = lxml_html.fromstring(synth.render(spec))
    tables = page.findall(".//table")
    assert len(tables) == 6
    sec3 = tables[4]
    assert sec3.xpath(".//td[@rowspan='22']")[0].text_content() == label(spec, "三、本年度办理结果")
    assert sec3.xpath(".//td[@rowspan='3' and @colspan='3']")
    assert page.xpath("//td//br")
    total_row = [tr for tr in sec3.iter("tr") if tr[0].text_content() == label(spec, "(七)总计")][0]
    assert [td.text_content() for td in total_row][-7:] == [
        spec.printed[forms.applicant_key("outcome.total", a)] for a in COLUMNS]
    assert label(spec, "(七)总计").startswith("（七）")


def test_quirk_colspans_keep_cell_order():
    spec = synth.random_spec(13, edition="gov2019", layout="html")
    spec = dataclasses.replace(spec, labels=dataclasses.replace(spec.labels, quirk_colspans=True, header_breaks=False))
    page = lxml_html.fromstring(synth.render(spec))
    row = [tr for tr in page.iter("tr") if tr[0].text_content() == label(spec, "行政许可")][0]
    assert row[1].get("colspan") == "2"
    assert [td.text_content() for td in row[1:]] == [spec.printed[k] for k in forms.SEC2_2019[1].rows[0][1]]


# --------------------------------------------------------------------------- script, labels, noise, meta
def test_traditional_script_uses_taiwan_vocabulary():
    spec = synth.random_spec(14, edition="gov2019", script="traditional", layout="one_cell_per_line")
    text = text_of(spec)
    assert "規章" in text and "規范性文件" not in text and "规章" not in text
    assert "政府資訊公開" in text or "政府信息公開" in text
    assert "檔案" in text  # 文件 -> 檔案 (s2twp), as in seed 000


def test_label_variants_render():
    spec = synth.random_spec(15, edition="gov2021", layout="pipe_rows", noise=False, fullwidth=False)
    styled = dataclasses.replace(spec, labels=LabelStyle(num_sep="、", ascii_quotes=True, normative_docs="规范性文件"))
    text = text_of(styled)
    assert "1、属于国家秘密" in text and '3、危及"三安全一稳定"' in text
    assert "\n规范性文件 |" in text and "行政规范性文件" not in text


def test_noise_kinds_appear():
    spec = synth.random_spec(16, edition="gov2021", layout="one_cell_per_line", noise=True, script="simplified")
    text = text_of(spec)
    assert text.startswith("当前位置: 首页 > ")
    assert "索引号: " in text and "发布机构: " in text and "发布时间:" in text
    assert "联系我们" in text
    assert sum(bool(PAGE_MARK.match(ln)) for ln in text.split("\n")) >= 2
    assert re.search(r"(体育|比分直播|买球平台)", text)
    assert "商业 企业" in text
    quiet = text_of(synth.random_spec(16, edition="gov2021", layout="one_cell_per_line", noise=False))
    assert "当前位置" not in quiet and "索引号" not in quiet and not re.search("体育|比分直播|买球", quiet)


def test_untitled_report_names_its_agency_in_the_body():
    spec = synth.random_spec(17, edition="gov2021", title=False, script="simplified", fullwidth=False, noise=False)
    text = text_of(spec)
    assert spec.meta["title"] is None
    assert f"{spec.meta['year']}年,{spec.meta['agency']}" in text
    assert not text.startswith(spec.meta["agency"])


def test_meta_comes_from_a_real_region_or_the_given_agency():
    spec = synth.random_spec(18, year=2016)
    assert spec.edition in ("legacy", "narrative")
    assert spec.meta["agency"].startswith(spec.meta["county"] or spec.meta["city"]) or \
        spec.meta["agency"].startswith(spec.meta["city"])
    assert spec.meta["province"] and spec.meta["level"] in ("city", "county")
    own = synth.random_spec(18, agency="示例县民政局", region={"province": "示例省", "county": "示例县"})
    assert own.meta["agency"] == "示例县民政局" and own.meta["province"] == "示例省"


def test_guizhou_variant_rows():
    spec = synth.random_spec(19, edition="legacy", variant="guizhou", layout="one_cell_per_line", noise=False)
    assert "channel.app" in spec.truth and "requests.new" not in spec.where or spec.where["requests.new"] != "table"
    text = text_of(spec)
    i = text.split("\n").index(label(spec, "1.本地区政务公开监督员人数"))
    assert text.split("\n")[i + 1] == "-"
    appendix = synth.random_spec(19, edition="gov2019", variant="guizhou_appendix")
    assert {"channel.app", "proposals.npc", "outcome.total"} <= set(appendix.truth)
    assert any(c.identity.id == "O-f" for c in appendix.checks)


def test_demo_notice_is_the_first_line():
    spec = synth.random_spec(20, demo=True, layout="tsv")
    assert text_of(spec).split("\n")[0] == DEMO_NOTICE


def test_specs_strategy_draws_consistent_specs():
    hypothesis = pytest.importorskip("hypothesis")

    @hypothesis.settings(max_examples=15, deadline=None, database=None)
    @hypothesis.given(synth.specs(blank_cells=1))
    def check(spec):
        assert (spec.edition, spec.layout, spec.script) in synth.CASES
        assert not spec.failing
        assert synth.render(spec)

    check()


def test_random_regions_survive_the_traditional_round_trip():
    import opencc

    there, back = opencc.OpenCC("s2twp"), opencc.OpenCC("tw2sp")
    for seed in range(150):
        meta = synth.random_spec(seed, script="traditional").meta
        for name in (meta["province"], meta["city"], meta["county"]):
            assert name is None or back.convert(there.convert(name)) == name, name
