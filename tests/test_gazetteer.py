"""The gazetteer: names, renames, levels, ambiguity."""
from __future__ import annotations

from govstats import gazetteer


def test_rename_keeps_one_stable_id():
    old = [d for d in gazetteer.lookup("海门市") if d.level == "county"]
    new = [d for d in gazetteer.lookup("海门区") if d.level == "county"]
    assert old and new and old[0].id == new[0].id
    assert old[0].last_year == 2019 and new[0].first_year == 2020


def test_resolve_names_as_they_were_in_the_year():
    r = gazetteer.resolve(["南通市", "海门区"], 2023)
    assert (r.province, r.city, r.county, r.level) == ("江苏省", "南通市", "海门区", "county")
    r2019 = gazetteer.resolve(["海门市"], 2019)
    assert (r2019.province, r2019.city, r2019.county) == ("江苏省", "南通市", "海门市")
    assert r2019.id == r.id
    # a report of 2022 that still uses the old name is the same place, under its name of that year
    assert gazetteer.resolve(["海门市"], 2022).county == "海门区"


def test_county_alone_finds_city_and_province():
    r = gazetteer.resolve(["缙云县"], 2017)
    assert (r.province, r.city, r.county) == ("浙江省", "丽水市", "缙云县")


def test_city_and_province_levels():
    assert gazetteer.resolve(["贵阳市"], 2020).level == "city"
    r = gazetteer.resolve(["广东省"], 2020)
    assert (r.province, r.city, r.level) == ("广东省", None, "province")


def test_ambiguous_county_uses_context():
    assert gazetteer.resolve(["朝阳区"], 2020, context=["北京市"]).city == "北京市"
    assert gazetteer.resolve(["朝阳区"], 2020, context=["长春市"]).city == "长春市"
    assert gazetteer.resolve(["长春市", "朝阳区"], 2020).province == "吉林省"
    assert gazetteer.resolve(["朝阳区"], 2020).ambiguous


def test_find_names_and_region_chain():
    text = "2023年,南通市海门区市场监督管理局坚持以条例为指引"
    names = [n for _, _, n in gazetteer.find_names(text)]
    assert "南通市" in names and "海门区" in names
    assert gazetteer.region_chain("淮安市洪泽区人民政府") == ["淮安市", "洪泽区"]
    assert gazetteer.region_chain("市场监督管理局") == []


def test_longest_names():
    name = "双江拉祜族佤族布朗族傣族自治县"
    assert gazetteer.region_chain(name + "人民政府") == [name]
    r = gazetteer.resolve([name], 2019)
    assert (r.province, r.city, r.county) == ("云南省", "临沧市", name)


def test_a_name_in_use_keeps_its_own_parents_even_when_ids_are_shared_by_merged_divisions():
    # 南市区 (保定, abolished 2015) shares its stable id with 高碑店市 in the source data
    r = gazetteer.resolve(["高碑店市"], 2013)
    assert (r.province, r.city, r.county) == ("河北省", "保定市", "高碑店市")


def test_is_ambiguous():
    assert gazetteer.is_ambiguous(["朝阳区"], 2020)
    assert not gazetteer.is_ambiguous(["长春市", "朝阳区"], 2020)
    assert not gazetteer.is_ambiguous(["缙云县"], 2017)
