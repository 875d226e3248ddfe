"""Checks on prose figures: prose vs table, prose vs prose, printed percentages, parts vs totals."""
from __future__ import annotations

import copy

import pytest

from govstats.checks.narrative import check_narrative
from govstats.extract.narrative import extract_narrative
from govstats.model import Meta, Value
from govstats.normalize import normalize_text

from .conftest import SEEDS


def _prose(text: str, agency: str | None = None) -> list[Value]:
    values, _ = extract_narrative(normalize_text(text), Meta(agency=agency), [])
    return values


def _checks(values: list[Value], name: str) -> dict[str, list]:
    """message key (the indicator before ':') -> checks of that name."""
    out: dict[str, list] = {}
    for c in check_narrative(values, Meta()):
        if c.check == name:
            out.setdefault(c.message.split(":")[0], []).append(c)
    return out


def _table(key: str, value: float, label: str = "表格") -> Value:
    indicator, _, applicant = key.partition("@")
    return Value(indicator, value, applicant=applicant or "total", source="table", label=label, raw=str(value), evidence=label)


# --------------------------------------------------------------------------- percentages
def test_seed_001_channel_percentages():
    seed = next((p for p in SEEDS if p.name.startswith("001")), None)
    if seed is None:
        pytest.skip("seed 001 not in data/raw")
    values, _ = extract_narrative(normalize_text(seed.read_text(encoding="utf-8")), Meta(), [])
    pct = _checks(values, "stated_percentage")
    letter, = pct["requests.by_channel.letter"]
    assert (letter.status, letter.expected, letter.observed) == ("fail", 7.27, 2.73)
    online, = pct["requests.by_channel.online"]
    assert (online.status, online.expected, online.observed) == ("fail", 90.91, 90.09)
    in_person, = pct["requests.by_channel.in_person"]  # 4/220 = 1.818…: printed 1.81 is truncated
    assert (in_person.status, in_person.expected, in_person.observed) == ("uncertain", 1.82, 1.81)
    for key in ("outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable.not_held", "outcome.other",
                "requests.new@natural_person", "requests.new@legal_entities"):
        assert [c.status for c in pct[key]] == ["pass"], key
    assert "16 of 220 is 7.27%, printed 2.73%" in letter.message
    assert letter.evidence and "信函申请16件" in letter.evidence


def test_printed_precision_is_read_from_the_text():
    # 24/1499 = 1.601…% printed 1.60 (two decimals even though the float is 1.6); 25/1499 = 1.668…%
    ok = _prose("共收到政府信息依申请公开1499件。其中,通过当面申请24件,占1.60%。")
    assert [c.status for cs in _checks(ok, "stated_percentage").values() for c in cs] == ["pass"]
    bad = _prose("共收到政府信息依申请公开1499件。其中,通过当面申请25件,占1.60%。")
    (c,) = [c for cs in _checks(bad, "stated_percentage").values() for c in cs]
    assert (c.status, c.expected) == ("fail", 1.67)


def test_a_share_of_a_total_nobody_states_is_not_assessable():
    values = _prose("其中,网上申请9件,占90%。")
    (c,) = _checks(values, "stated_percentage")["requests.by_channel.online"]
    assert c.status == "not_assessable"


def test_a_share_against_the_table_total_when_prose_gives_none():
    values = _prose("其中,网上申请9件,占90%。") + [_table("requests.new", 10)]
    (c,) = _checks(values, "stated_percentage")["requests.by_channel.online"]
    assert (c.status, c.expected) == ("pass", 90.0)


# --------------------------------------------------------------------------- prose vs table
def test_seed_002_no_review_in_words_against_the_table():
    values = _prose("五是认真做好依申请公开。未发生政府信息公开方面的行政复议案件或行政诉讼案件。")
    values.append(_table("review.total", 1, "行政复议 总计"))
    (c,) = _checks(values, "narrative_vs_table")["review.total"]
    assert (c.status, c.expected, c.observed) == ("fail", 1, 0)
    assert "the table value stands" in c.message
    assert "未发生" in c.evidence and "行政复议 总计" in c.evidence


def test_equal_prose_and_table_pass():
    values = _prose("2023 年全区受理政府信息公开申请 21 件。", "淮安市洪泽区人民政府") + [_table("requests.new", 21)]
    (c,) = _checks(values, "narrative_vs_table")["requests.new"]
    assert c.status == "pass"


def test_a_value_derived_from_tables_is_compared_when_none_is_printed():
    values = _prose("2019年,未有信息公开类行政诉讼案件。")
    derived = Value("litigation.total", 2, source="derived", label="litigation.direct.total+litigation.after_review.total")
    (c,) = _checks(values + [derived], "narrative_vs_table")["litigation.total"]
    assert (c.status, c.expected, c.observed) == ("fail", 2, 0)
    printed = _table("litigation.total", 0)
    (c,) = _checks(values + [derived, printed], "narrative_vs_table")["litigation.total"]
    assert c.status == "pass"  # a printed value comes before a derived one


def test_a_different_scope_is_uncertain_and_named():
    text = "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。"
    values = _prose(text, "淮安市洪泽区人民政府") + [_table("requests.new", 95)]
    (c,) = _checks(values, "narrative_vs_table")["requests.new"]
    assert (c.status, c.expected, c.observed) == ("uncertain", 95, 17)
    assert "区政府办代表区政府" in c.message


def test_approximate_prose_figures_against_the_table():
    values = _prose("市政府网站主动公开各类政府信息 5500 余条。", "淮安市人民政府")
    (near,) = _checks(values + [_table("channel.website", 5523)], "narrative_vs_table")["channel.website"]
    assert near.status == "pass"
    (far,) = _checks(values + [_table("channel.website", 3100)], "narrative_vs_table")["channel.website"]
    assert far.status == "fail"


# --------------------------------------------------------------------------- prose vs prose
def test_two_prose_figures_for_one_indicator():
    text = (
        "一、总体情况\n2019年,我局网站发布各类信息25207条。\n"
        "二、主动公开政府信息情况\n通过政府网站公开政府信息30571条。\n"
    )
    (c,) = _checks(_prose(text), "narrative_vs_narrative")["channel.website"]
    assert (c.status, c.expected, c.observed) == ("uncertain", 30571, 25207)
    assert "30571 is taken" in c.message


# --------------------------------------------------------------------------- parts vs totals
def test_parts_that_add_up_pass():
    values = _prose("2019年,我局共收到信息公开申请220件。其中,网上申请200件;信函申请16件;当面申请4件。")
    (c,) = _checks(values, "narrative_parts_vs_total")["requests.new"]
    assert (c.status, c.expected, c.observed) == ("pass", 220, 220)


def test_parts_that_do_not_add_up_are_uncertain():
    text = (
        "答复政府信息公开申请805件。予以公开及部分公开258件,占33.9%;不予公开35件,占4.34%;"
        "因本机关不掌握等原因无法提供265件,占32.9%;不予处理158件,占19.6%;其他处理0件。"
    )
    (c,) = _checks(_prose(text, "上海市人民政府"), "narrative_parts_vs_total")["outcome.total"]
    assert (c.status, c.expected, c.observed) == ("uncertain", 805, 458)


def test_outcome_parts_with_the_unable_group_split():
    text = "全年答复政府信息公开申请共10件。其中,予以公开5件;本机关不掌握相关政府信息3件;没有现成信息需要另行制作2件。"
    (c,) = _checks(_prose(text), "narrative_parts_vs_total")["outcome.total"]
    assert c.status == "pass"


def test_review_parts():
    text = "行政复议案件3宗。其中,维持具体行政行为的1宗,尚未结案1宗,被依法纠错的1宗。"
    (c,) = _checks(_prose(text), "narrative_parts_vs_total")["review.total"]
    assert c.status == "pass"


# --------------------------------------------------------------------------- general
def test_checks_never_change_values_and_need_prose():
    values = _prose("2019年,我局共收到信息公开申请220件。其中,网上申请200件,占90.09%。") + [_table("requests.new", 221)]
    before = copy.deepcopy(values)
    checks = check_narrative(values, Meta())
    assert values == before
    assert {c.check for c in checks} == {"narrative_vs_table", "stated_percentage"}
    assert check_narrative([_table("requests.new", 3)], Meta()) == []
