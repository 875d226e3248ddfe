"""Data access: ``govstats.load_*`` filters and dtypes, ``govstats.connect`` views, data_dir lookup."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import govstats
from govstats.api import resolve_data_dir
from govstats.dataset import build
from govstats.errors import InputMissing
from tests.fixtures.build import fakeparse
from tests.fixtures.build.fakeparse import HONGZE, JIUQUAN_QTS, write

GUIYANG = {"agency": "贵阳市市场监督管理局", "province": "贵州省", "city": "贵阳市", "level": "city",
           "region_code": "520100", "doc_kind": "annual_report"}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api")
    raw = root / "raw"
    write(raw / "jq2016.json", {**JIUQUAN_QTS, "year": 2016}, [("requests.new", 9), ("outcome.granted", 4),
                                                              ("outcome.already_public", 1)])
    write(raw / "jq_gs2016.json", {**JIUQUAN_QTS, "agency": "酒泉市工商局", "year": 2016}, [("requests.new", 6)])
    write(raw / "jq2020.json", {**JIUQUAN_QTS, "agency": "酒泉市市场监督管理局", "edition": "gov2019", "year": 2020},
          [("requests.new", 30), ("requests.new", 10, "business"), ("outcome.denied.state_secret", 0)])
    for y in (2021, 2022, 2023):
        write(raw / f"hz{y}.json", {**HONGZE, "year": y}, [("requests.new", y - 2000), ("review.total", 1),
                                                             ("requests.carried_over", 1), ("requests.carried_forward", 1)])
    write(raw / "gy2020.json", {**GUIYANG, "edition": "gov2019", "year": 2020}, [("requests.new", 7)])
    write(raw / "synthetic" / "s.json", {**GUIYANG, "edition": "gov2021", "year": 2021}, [("requests.new", 1)])
    (raw / "broken.json").write_text('{"raise": "UnreadableInput", "message": "broken"}', encoding="utf-8")
    out = root / "data" / "processed"
    build([raw], out, parser=fakeparse.parse, jobs=1)
    return out


def test_load_reports_filters(data):
    r = govstats.load_reports(data)
    assert len(r) == 7 and not r["synthetic"].any()
    assert len(govstats.load_reports(data, include_synthetic=True)) == 8
    assert govstats.load_reports(data, agency="洪泽区")["year"].tolist() == [2021, 2022, 2023]
    assert govstats.load_reports(data, province="贵州省", years=2020)["agency"].tolist() == ["贵阳市市场监督管理局"]
    assert govstats.load_reports(data, agency_key="320813:人民政府", years=range(2022, 2024))["year"].tolist() == [2022, 2023]
    assert set(govstats.load_reports(data, edition=["gov2019", "legacy"])["edition"]) == {"gov2019", "legacy"}
    lin = govstats.load_reports(data, agency_key="620900:市场监督管理局", lineage=True)
    assert sorted(lin["agency"]) == ["酒泉市工商局", "酒泉市市场监督管理局", "酒泉市质监局"]


def test_load_values_filters_and_dtypes(data):
    v = govstats.load_values(data, indicators="requests.*", years=[2020])
    assert set(v["indicator"]) == {"requests.new"} and set(v["year"]) == {2020}
    assert str(v["value"].dtype) == "Float64" and str(v["count"].dtype) == "Int64" and str(v["year"].dtype) == "Int64"
    assert govstats.load_values(data, agency="酒泉市市场", applicant="business")["value"].tolist() == [10]
    zero = govstats.load_values(data, indicators=["outcome.denied.state_secret"])
    assert zero["value"].tolist() == [0]
    assert govstats.load_values(data, indicators="outcome.denied_state*").empty  # "_" is literal in globs


def test_load_checks_and_manifest(data):
    carry = govstats.load_checks(data, checks="cross_year.*", status="pass")
    assert set(carry["check"]) == {"cross_year.carry", "cross_year.jump"} and set(carry["year"]) == {2022, 2023}
    assert (govstats.load_checks(data, checks=["cross_year.carry"])["status"] == "pass").all()
    m = govstats.load_manifest(data)
    assert len(m) == 9 and m["synthetic"].sum() == 1
    assert govstats.load_manifest(data, status="failed")["error"].tolist() == ["broken"]


def test_load_harmonized_and_lineage(data):
    h = govstats.load_harmonized(data, indicators="requests.new")
    assert set(zip(h["agency_key"], h["year"])) >= {("620900:质量技术监督局", 2016), ("620900:市场监督管理局", 2020)}
    lin = govstats.load_harmonized(data, agency_key="620900:市场监督管理局", lineage=True, indicators="requests.new",
                                   applicant="total")
    by_year = lin.set_index("year")
    assert by_year.loc[2016, "value"] == 15 and by_year.loc[2016, "n_agencies"] == 2  # 质监 9 + 工商 6
    assert by_year.loc[2020, "value"] == 30


def test_connect_has_the_five_views(data):
    con = govstats.connect(data)
    assert con.execute('select count(*) from reports').fetchone()[0] == 8
    assert con.execute('select count(*) from "values" where indicator = ?', ["requests.new"]).fetchone()[0] == 9
    for t in ("checks", "manifest", "harmonized"):
        con.execute(f"select * from {t} limit 1").fetchall()


def test_data_dir_lookup(data, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSTATS_DATA", str(data))
    assert resolve_data_dir() == data
    assert len(govstats.load_reports()) == 7
    monkeypatch.delenv("GOVSTATS_DATA")
    monkeypatch.chdir(data.parent / "processed")  # inside data/processed: found going upward
    assert resolve_data_dir() == data.parent.parent / "data" / "processed"
    with pytest.raises(InputMissing, match="run `govstats build`"):
        govstats.load_values(tmp_path)
    assert isinstance(govstats.load_checks(data), pd.DataFrame)
