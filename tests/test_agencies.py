"""Agency keys (one key per agency across years and spellings) and the 2018-2019 reform lineage."""
from __future__ import annotations

import pytest

from govstats import agencies
from govstats.agencies import agency_key, canonical_key, keys_for, lineage_key
from govstats.codebook import read_csv
from govstats.model import Meta


def meta(agency: str, year: int, region_code=None, **kw) -> Meta:
    return Meta(agency=agency, year=year, region_code=region_code, **kw)


@pytest.mark.parametrize("a,b", [
    ("酒泉市质监局", "酒泉市质量技术监督局"),
    ("海门市市场监管局", "南通市海门区市场监督管理局"),  # 海门市 -> 海门区 (2020): one gazetteer id
    ("洪泽区政府", "淮安市洪泽区人民政府"),
    ("洪泽县人民政府", "淮安市洪泽区人民政府"),  # 洪泽县 -> 洪泽区 (2016)
    ("酒泉市 工商局", "酒泉市工商行政管理局"),
])
def test_spellings_of_one_agency_share_a_key(a, b):
    ka = keys_for(meta(a, 2016, province=None)).agency_key
    kb = keys_for(meta(b, 2023)).agency_key
    assert ka == kb and ka is not None


def test_key_is_region_id_and_canonical_name():
    assert keys_for(meta("南通市海门区市场监督管理局", 2023, "320614")).agency_key == "320614:市场监督管理局"
    assert keys_for(meta("淮安市人民政府", 2024)).agency_key == "320800:人民政府"
    assert keys_for(meta("淮安市洪泽区人民政府", 2024)).agency_key != "320800:人民政府"


def test_region_is_resolved_from_names_when_meta_has_no_code():
    k = keys_for(Meta(agency="市场监督管理局", year=2020, province="贵州省", city="贵阳市"))
    assert (k.region_code, k.agency_key) == ("520100", "520100:市场监督管理局")
    assert keys_for(Meta(agency="某某办公室")).agency_key == "name:某某办公室"
    assert keys_for(Meta(agency=None, year=2020)).agency_key is None


def test_a_name_key_gets_the_region_found_from_the_place_names():
    k = keys_for(Meta(agency="贵阳市市场监管局", year=2020, province="贵州省", city="贵阳市", agency_key="name:贵阳市市场监管局"))
    assert k.agency_key == "520100:市场监督管理局"


def test_a_meta_key_is_made_canonical():
    k = keys_for(Meta(agency="酒泉市质监局", year=2016, region_code="620900", agency_key="620900:质监局"))
    assert k.agency_key == "620900:质量技术监督局"
    assert canonical_key("name:虚构县市场监管局") == "name:虚构县市场监督管理局"


@pytest.mark.parametrize("name,year,level,expected", [
    ("酒泉市质量技术监督局", 2016, "city", "620900:市场监督管理局"),
    ("酒泉市工商局", 2018, "city", "620900:市场监督管理局"),
    ("酒泉市食药监局", 2017, "city", "620900:市场监督管理局"),
    ("淮安市知识产权局", 2017, "city", "320800:市场监督管理局"),
    ("江苏省知识产权局", 2017, "province", "320000:知识产权局"),  # provincial offices were not merged
    ("酒泉市工商局", 2021, "city", "620900:工商行政管理局"),  # after the reform: no lineage
    ("南通市海门区市场监督管理局", 2023, "county", "320614:市场监督管理局"),
    ("虚构市工商行政管理局", 2016, None, "name:虚构市市场监督管理局"),  # a place no gazetteer knows
    ("虚构县环保局", 2016, None, "name:虚构县生态环境局"),
])
def test_lineage_follows_market_regulation_through_the_reform(name, year, level, expected):
    assert keys_for(meta(name, year, level=level)).lineage_key == expected


def test_lineage_data_names_canonical_agencies():
    for row in read_csv("lineage.csv"):
        assert agencies.canonical_org(row["predecessor"]) == row["predecessor"]
        assert agencies.canonical_org(row["successor"]) == row["successor"]


def test_suffix_expansion_does_not_double_a_full_name():
    assert agencies.canonical_org("质量技术监督局") == "质量技术监督局"
    assert agencies.canonical_org("技术监督局") == "质量技术监督局"
    assert agency_key("国家市场监督管理总局", None) == "name:国家市场监督管理总局"
    assert lineage_key("name:国家工商行政管理总局", 2017, "national") == "name:国家市场监督管理总局"
