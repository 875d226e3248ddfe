"""Report metadata on the seeds, the real PDFs' text, and small real-shaped fixtures."""
from __future__ import annotations

import pytest

from govstats.meta import detect_edition, extract_meta, looks_like_report
from govstats.normalize import normalize_text

from .conftest import SEEDS, gold_for

FIELDS = ("agency", "year", "province", "city", "county", "edition", "doc_kind", "script")


def meta_of(text: str):
    doc = normalize_text(text)
    return extract_meta(doc, [])


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_meta_matches_gold(seed):
    gold = gold_for(seed)["meta"]
    m = extract_meta(normalize_text(seed.read_text(encoding="utf-8"), str(seed)), [])
    assert {f: getattr(m, f) for f in FIELDS} == {f: gold[f] for f in FIELDS}


def test_seed_003_covers_2016_though_published_2017_and_uses_the_full_name():
    m = extract_meta(normalize_text(SEEDS[3].read_text(encoding="utf-8")), [])
    assert m.year == 2016 and m.published == "2017-03-24"
    assert m.agency == "酒泉市质量技术监督局"


BODY = "\n一、总体情况\n{year}年,我局认真贯彻《条例》,全年共收到政府信息公开申请3件。\n二、主动公开政府信息情况\n"


@pytest.mark.parametrize(
    "title, agency, year",
    [
        ("南京市鼓楼区人民政府2022年政府信息公开工作年度报告", "南京市鼓楼区人民政府", 2022),
        ("2021年度苏州市生态环境局政府信息公开工作年度报告", "苏州市生态环境局", 2021),
        ("广东省市场监督管理局政府信息公开工作年度报告(2019年度)", "广东省市场监督管理局", 2019),
        ("杭州市西湖区人民政府办公室关于2020年政府信息公开工作年度报告", "杭州市西湖区人民政府办公室", 2020),
        ("成都市武侯区人民政府\n2023 年政府信息公开工作年度报告", "成都市武侯区人民政府", 2023),
    ],
)
def test_title_forms(title, agency, year):
    m = meta_of(title + BODY.format(year=year))
    assert (m.agency, m.year, m.doc_kind) == (agency, year, "annual_report")


def test_no_title_agency_from_body_and_signature():
    text = ("一、总体情况\n2022年,我局坚持以《条例》为指引。全年共收到申请5件。\n"
            "二、主动公开政府信息情况\n通过门户网站公开信息20条。\n\n"
            "宁波市江北区市场监督管理局\n2023年1月20日")
    m = meta_of(text)
    assert (m.agency, m.year, m.province, m.city, m.county, m.level) == (
        "宁波市江北区市场监督管理局", 2022, "浙江省", "宁波市", "江北区", "county")


def test_year_from_statistics_period_not_publication_or_garbled_dates():
    text = ("本局政府信息公开工作年度报告\n发布时间:2017-03-08\n"
            "本报告中所列数据的统计期限自2016年1月1日起至2016年12月31日止。\n"
            "2018年推进政府信息公开工作思路\n一是加强领导。\n 2017128 \n〔201770号")
    assert meta_of(text).year == 2016


def test_region_names_of_the_covered_year():
    t2019 = "海门市市场监督管理局2019年政府信息公开工作年度报告" + BODY.format(year=2019)
    t2021 = "南通市海门区市场监督管理局2021年政府信息公开工作年度报告" + BODY.format(year=2021)
    m19, m21 = meta_of(t2019), meta_of(t2021)
    assert (m19.city, m19.county) == ("南通市", "海门市")
    assert (m21.city, m21.county) == ("南通市", "海门区")
    assert m19.region_code == m21.region_code
    assert m19.agency_key == m21.agency_key


def test_national_and_province_levels():
    m = meta_of("国家市场监督管理总局2020年政府信息公开工作年度报告" + BODY.format(year=2020))
    assert (m.level, m.province) == ("national", None)
    m = meta_of("浙江省人民政府办公厅2020年政府信息公开工作年度报告" + BODY.format(year=2020))
    assert (m.level, m.province, m.city) == ("province", "浙江省", None)


def test_self_check_and_other_doc_kinds():
    assert meta_of("某某县教育局关于2017年度政府信息公开工作自查情况的汇报\n2017年,我局政府信息公开工作。").doc_kind == "self_check"
    assert meta_of("泉州市财政局政府信息公开指南\n为了更好地提供政府信息公开服务,依据《条例》编制本指南。").doc_kind == "other"


@pytest.mark.parametrize(
    "markers, year, edition",
    [
        ("信息内容\n本年制发件数\n本年废止件数\n现行有效件数", 2022, "gov2021"),
        ("信息内容\n本年新制作数量\n本年新公开数量\n对外公开总数量", 2020, "gov2019"),
        ("统计指标\n单位\n统计数\n(三)申请答复数", 2016, "legacy"),
        ("全年共收到申请3件,均已按时答复。", 2016, "narrative"),
        # a 2021 Section 二 with a collapsed (六) row in Section 三 is still gov2021
        ("本年制发件数\n本年废止件数\n现行有效件数\n(六)其他处理\n(七)总计", 2023, "gov2021"),
        # the 2019 tables plus an appended old 统计表 (seed 000) is gov2019
        ("本年新制作数量\n本年新公开数量\n对外公开总数量\n统计指标\n统计数\n政府信息公开情况统计表", 2020, "gov2019"),
    ],
)
def test_edition_by_column_labels(markers, year, edition):
    doc = normalize_text(f"{year}年政府信息公开工作年度报告\n" + markers)
    assert detect_edition(doc, [], year)[0] == edition


def test_section_headings_do_not_decide_the_edition():
    # 2019-style headings over a narrative report: no table labels, so narrative
    doc = normalize_text("三、收到和处理政府信息公开申请情况\n2019年共收到申请220件。\n四、政府信息公开行政复议、行政诉讼情况")
    assert detect_edition(doc, [], 2019)[0] == "narrative"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello world. This page is not a report at all.",
        "今日天气晴,最高气温25度,适宜出行。市民朋友们注意防晒。" * 3,
    ],
)
def test_not_a_report(text):
    assert looks_like_report(normalize_text(text))[0] is False


def test_traditional_script_reported_as_original():
    m = meta_of("臺北示例:貴陽市市場監督管理局2020年政府信息公開工作年度報告\n2020年,我局依申請公開政府信息4件。")
    assert m.script == "traditional" and m.agency == "贵阳市市场监督管理局"


@pytest.mark.parametrize(
    "text, agency",
    [
        ("根据《条例》规定,现将苏州工业园区管理委员会2022年政府信息公开工作情况报告如下:\n一、总体情况\n"
         "2022年,苏州工业园区管理委员会坚持以《条例》为指引。全年共收到申请5件。", "苏州工业园区管理委员会"),
        ("索引号: 123/2022-1 发布机构: 滨海高新技术产业开发区管理委员会 发布时间: 2023-01-10\n"
         "一、总体情况\n2022年,我委政府信息公开工作有序开展,共收到申请2件。", "滨海高新技术产业开发区管理委员会"),
    ],
)
def test_agency_of_a_place_the_gazetteer_does_not_know(text, agency):
    m = meta_of(text)
    assert m.agency == agency and m.year == 2022
    assert m.agency_key == f"name:{agency}"


def test_fictional_demo_places_resolve_and_keys_never_collide():
    m = meta_of("澄湖市临澜区人民政府2021年政府信息公开工作年度报告" + BODY.format(year=2021))
    assert (m.province, m.city, m.county, m.level) == ("沧澜省", "澄湖市", "临澜区", "county")
    assert m.region_code.startswith("S")


def test_title_wrapped_after_the_year():
    m = meta_of("双江拉祜族佤族布朗族傣族自治县应急管理局 2024\n年政府信息公开工作年度报告\n" + BODY.format(year=2024))
    assert (m.agency, m.year, m.city) == ("双江拉祜族佤族布朗族傣族自治县应急管理局", 2024, "临沧市")


def test_ambiguous_county_name_resolved_by_the_regions_the_document_cites():
    m = meta_of("朝阳区人民政府2020年政府信息公开工作年度报告\n一、总体情况\n2020年,我区在北京市委、北京市政府领导下,"
                "全年共收到政府信息公开申请30件。")
    assert (m.province, m.city, m.county) == ("北京市", "北京市", "朝阳区")


# found by the round-trip test on PDF text lines (titles and sentences wrapped at any character)
_STAT = "\n一、概述\n2016年,我局认真贯彻《条例》,全年共收到政府信息公开申请3件。\n"


@pytest.mark.parametrize(
    "head, agency, county",
    [
        # the title wrapped inside the agency name
        ("2016 年积石山保安族东乡族撒拉族自治县住房和城乡建\n设局政府信息公开工作年度报告",
         "积石山保安族东乡族撒拉族自治县住房和城乡建设局", "积石山保安族东乡族撒拉族自治县"),
        # the title wrapped between 年 and 度 (traditional script: converted first)
        ("黔南布依族苗族自治州衛生和計劃生育委員會 2016 年\n度政府資訊公開工作年度報告",
         "黔南布依族苗族自治州卫生和计划生育委员会", None),
        # no title: "现将…报告如下" wrapped so that one line looks like a title
        ("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)的规定,现\n"
         "将淮北市杜集区住房和城乡建设局 2016 年政府信息公开工作情况报告\n如下:",
         "淮北市杜集区住房和城乡建设局", "杜集区"),
    ],
)
def test_wrapped_titles_and_sentences(head, agency, county):
    m = meta_of(head + _STAT)
    assert (m.agency, m.year, m.county) == (agency, 2016, county)


def test_a_date_line_above_the_title_is_not_part_of_it():
    m = meta_of("2017年3月1日\n南京市鼓楼区人民政府2016年政府信息公开工作年度报告" + _STAT)
    assert (m.agency, m.year) == ("南京市鼓楼区人民政府", 2016)
