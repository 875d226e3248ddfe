"""Numbers in prose: Arabic with separators, Chinese numerals, 万/亿, approximation markers, units, shares."""
from __future__ import annotations

import pytest

from govstats.extract.numbers import find_numbers, parse_arabic, parse_chinese_numeral, to_wan


@pytest.mark.parametrize(
    "s, value",
    [
        ("三", 3), ("十", 10), ("十二", 12), ("二十三", 23), ("一百零五", 105), ("两千", 2000),
        ("三万五千", 35000), ("一亿二千万", 120_000_000), ("二〇一九", 2019), ("零", 0),
    ],
)
def test_chinese_numerals(s, value):
    assert parse_chinese_numeral(s) == value


@pytest.mark.parametrize("s", ["万", "亿", "", "三x"])
def test_not_a_chinese_numeral(s):
    assert parse_chinese_numeral(s) is None


@pytest.mark.parametrize(
    "s, mult, value",
    [("1,234", 1, 1234), ("615.54", 10_000, 6_155_400), ("1.2", 10_000, 12_000), ("7730.28", 1, 7730.28), ("0", 1, 0)],
)
def test_arabic_numbers_exactly(s, mult, value):
    got = parse_arabic(s, mult)
    assert got == value and type(got) is type(value)


def test_money_to_wan():
    assert to_wan(3940, 0.0001) == 0.394
    assert to_wan(400, 0.0001) == 0.04
    assert to_wan(0, 0.0001) == 0
    assert to_wan(49, 1) == 49


def _one(text: str):
    toks = find_numbers(text)
    assert len(toks) == 1, toks
    return toks[0]


@pytest.mark.parametrize(
    "text, raw, value, unit, approx",
    [
        ("共收到申请220件", "220", 220, "件", False),
        ("发布信息1,234条", "1,234", 1234, "条", False),
        ("主动公开政府信息1.2万条", "1.2万", 12000, "条", False),
        ("累计主动公开政府信息615.54万条", "615.54万", 6155400, "条", False),
        ("编印近140余条政务信息", "近140余", 140, "条", True),
        ("主动发布信息230多条", "230多", 230, "条", True),
        ("发布各类政府信息5500余条", "5500余", 5500, "条", True),
        ("答复约300件", "约300", 300, "件", True),
        ("超过100件", "超过100", 100, "件", True),
        ("阅读人次达125万次以上", "125万", 1_250_000, "次", True),
        ("发布信息300条左右", "300", 300, "条", True),
        ("收到申请三件,", "三", 3, "件", False),
        ("共收到申请十二件。", "十二", 12, "件", False),
        ("举办新闻发布会两次", "两", 2, "次", False),
        ("发布政策解读稿二十三篇", "二十三", 23, "篇", False),
        ("收取信息处理费共计400元", "400", 400, "元", False),
        ("全年共收到政府信息依申请公开9件次", "9", 9, "件次", False),
    ],
)
def test_counted_figures(text, raw, value, unit, approx):
    t = _one(text)
    assert (t.raw, t.value, t.unit, t.approximate) == (raw, value, unit, approx)
    assert text[t.start : t.end] == raw


def test_money_unit_carries_its_factor():
    assert _one("收取信息处理费3940元").money_factor == 0.0001
    assert _one("收费金额49万元").money_factor == 1
    assert _one("共收到申请220件").money_factor is None


@pytest.mark.parametrize(
    "text, share, raw",
    [
        ("网上申请200件,占90.09%", 90.09, "90.09"),
        ("通过网络收到申请25件,占比86%", 86.0, "86"),
        ("“同意公开”的7件,占总数的70%", 70.0, "70"),
        ("通过当面申请24件,占1.60%", 1.6, "1.60"),
    ],
)
def test_share_printed_after_a_figure(text, share, raw):
    t = _one(text)
    assert t.share == share and t.share_raw == raw
    assert text[t.share_end - 1] == "%"


def test_a_figure_without_unit_counts_only_with_a_share():
    (t,) = find_numbers("部分公开67,占4.61%")
    assert (t.value, t.unit, t.share) == (67, None, 4.61)
    assert find_numbers("政策解读类信息30,其他各类信息850") == []


@pytest.mark.parametrize(
    "text",
    [
        "2019年1月23日",  # dates
        "关注量85.4万",  # a bare number with 万 and no unit
        "排名第2位",
        "一是加强组织领导,二是明确责任分工",  # Chinese numerals inside words
        "推进“一件事一次办”改革",
        "坚持“三审三校”制度,开通“一网通办”",
        "统一发布,进一步规范",
        "电话:0517-87222589",
        "合格率均为100%",
    ],
)
def test_no_counted_figure(text):
    assert find_numbers(text) == []


def test_figures_in_order_with_offsets():
    text = "其中,网上申请200件,占90.09%;信函申请16件,占2.73%;当面申请4件,占1.81%。"
    toks = find_numbers(text)
    assert [t.value for t in toks] == [200, 16, 4]
    assert [t.share for t in toks] == [90.09, 2.73, 1.81]
    assert all(text[t.start : t.end] == t.raw for t in toks)
    assert toks[0].stop == text.index("件") + 1
