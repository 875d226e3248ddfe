"""govstats.analysis on small frames with the contract-2 schema and known numbers.

``make_frames()`` is also used by test_plots.py and test_notebooks.py: a 2021-form county bureau over two years, a 2019
narrative city bureau (Guangzhou-like numbers), a legacy 2016 bureau, and a synthetic government over
2016-2022 whose legacy years reach the harmonized table through the crosswalk.
"""
from __future__ import annotations

import pandas as pd
import pytest

from govstats import analysis as an
from govstats.harmonize import harmonize, primary_reports

NA = None
A, B, C, D = "南通市海门区市场监督管理局", "广州市市场监督管理局", "酒泉市质量技术监督局", "示例市人民政府"
KEYS = {A: "320614:市场监督管理局", B: "440100:市场监督管理局", C: "620900:质量技术监督局", D: "999001:人民政府"}
REGION = {A: ("county", "江苏省", "南通市", "海门区"), B: ("city", "广东省", "广州市", None),
          C: ("city", "甘肃省", "酒泉市", None), D: ("city", "示例省", "示例市", None)}


def _report(agency: str, year: int, edition: str, doc_kind: str = "annual_report") -> dict:
    level, province, city, county = REGION[agency]
    return dict(report_id=f"r-{KEYS[agency]}-{year}", source_path=f"raw/{year}.txt", agency=agency,
                agency_key=KEYS[agency], lineage_key=KEYS[agency], province=province, city=city, county=county,
                level=level, region_code=KEYS[agency].split(":")[0], year=year, edition=edition, doc_kind=doc_kind, script="simplified", status="ok",
                n_values=0, n_failed_checks=0, synthetic=agency == D)


def _values(report: dict, stated: dict[str, float | None], source: str = "table") -> list[dict]:
    rows = []
    for key, value in stated.items():
        indicator, _, applicant = key.partition("@")
        rows.append(dict(report_id=report["report_id"], agency=report["agency"], agency_key=report["agency_key"],
                         year=report["year"], indicator=indicator, applicant=applicant or "total", value=value,
                         unit="件", source=source, approximate=False, label=indicator, evidence=f"{indicator} {value}",
                         span_start=0, span_end=1, note="blank" if value is None else NA,
                         synthetic=report["synthetic"]))
    return rows


def _modern_table(scale: int) -> dict[str, float | None]:
    return {
        "requests.new": 12 * scale, "requests.new@natural_person": 10 * scale, "requests.new@business": 2 * scale,
        "requests.carried_over": 0, "outcome.granted": 7 * scale, "outcome.partial": 3 * scale,
        "outcome.denied.state_secret": 0, "outcome.denied.third_party": 1 * scale,
        "outcome.unable.not_held": 1 * scale, "outcome.unable.need_create": 0, "outcome.unable.unclear": NA,
        "outcome.not_processed.duplicate": 0, "outcome.other.no_correction": 0, "outcome.other.other": 0,
        "outcome.total": 12 * scale, "requests.carried_forward": 0,
        "review.upheld": 0, "review.corrected": 1, "review.other": 0, "review.pending": 0, "review.total": 1,
        "litigation.direct.upheld": 1, "litigation.direct.total": 1, "litigation.after_review.upheld": 0,
        "litigation.after_review.corrected": 1, "litigation.after_review.total": 1,
    }


def _legacy_table() -> dict[str, float | None]:
    return {"requests.new": 5, "outcome.total": 5, "outcome.already_public": 1, "outcome.granted": 2,
            "outcome.partial": 0, "outcome.denied": 1, "outcome.not_this_agency": 0, "outcome.not_exist": 1,
            "outcome.correction_requested": 0, "outcome.other_route": 0,
            "channel.website": 300, "channel.weibo": 40, "channel.gazette": 10, "review.total": 0,
            "litigation.total": 0}


def make_frames() -> dict[str, pd.DataFrame]:
    reports, values, checks = [], [], []
    for year, scale in ((2021, 1), (2022, 2)):
        r = _report(A, year, "gov2021")
        reports.append(r)
        values += _values(r, _modern_table(scale))
    r = _report(B, 2019, "narrative")
    reports.append(r)
    values += _values(r, {
        "requests.new": 220, "outcome.total": 220, "outcome.granted": 49, "outcome.partial": 1, "outcome.denied": 66,
        "outcome.unable.not_held": 63, "outcome.unable.need_create": 6, "outcome.unable.unclear": 31,
        "outcome.other": 4, "channel.website": 30571, "channel.wechat": 653, "channel.weibo": 710,
        "channel.news_media": 6080, "review.total": 3, "review.upheld": 1, "review.corrected": 1,
        "review.pending": 1, "litigation.total": 0}, source="narrative")
    r = _report(C, 2016, "legacy")
    reports.append(r)
    values += _values(r, {"requests.new": 0, "outcome.total": 0, "outcome.granted": 0, "outcome.partial": 0,
                          "outcome.denied": 0, "channel.gazette": 140, "channel.website": 353,
                          "channel.weibo": 0, "channel.wechat": 25, "channel.other": 1200})
    for year in range(2016, 2023):
        edition = "legacy" if year < 2019 else ("gov2019" if year < 2021 else "gov2021")
        r = _report(D, year, edition)
        reports.append(r)
        values += _values(r, _legacy_table() if edition == "legacy" else _modern_table(year - 2017))
    values_df = pd.DataFrame(values)
    values_df["value"] = values_df["value"].astype("Float64")
    reports_df = pd.DataFrame(reports)
    reports_df["n_values"] = reports_df["report_id"].map(values_df.groupby("report_id").size()).astype("Int64")
    for r in reports:
        checks.append(dict(report_id=r["report_id"], agency=r["agency"], year=r["year"], check="requests.balance",
                           applicant="total", status="pass", expected=12.0, observed=12.0, message="ok",
                           evidence="", synthetic=r["synthetic"]))
    checks.append(dict(report_id=reports[0]["report_id"], agency=A, year=2021, check="outcome.row_sum",
                       applicant="total", status="fail", expected=12.0, observed=0.0,
                       message="(七)总计 总计列 0 ≠ 12", evidence="(七)总计 12 0 0 0 0 0 0", synthetic=False))
    checks.append(dict(report_id=reports[2]["report_id"], agency=B, year=2019, check="narrative.share",
                       applicant="total", status="uncertain", expected=7.27, observed=2.73,
                       message="信函申请16件,占2.73%", evidence="信函申请16件,占2.73%", synthetic=False))
    manifest = pd.DataFrame({"source_path": [r["source_path"] for r in reports] + ["raw/bad.bin"],
                             "sha256": ["x"] * (len(reports) + 1),
                             "status": ["ok"] * (len(reports) - 1) + ["warning", "failed"],
                             "error": [NA] * len(reports) + ["not a report"], "seconds": [0.01] * (len(reports) + 1)})
    return {"reports": reports_df, "values": values_df, "checks": pd.DataFrame(checks), "manifest": manifest,
            "harmonized": make_harmonized(values_df, reports_df)}


def make_harmonized(values: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The harmonized table exactly as the dataset builds it (govstats.harmonize)."""
    return harmonize(values, primary_reports(reports))


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return make_frames()


# --------------------------------------------------------------------------- values
def test_pick_values_prefers_stated_number_then_table_over_narrative() -> None:
    r = _report(B, 2019, "narrative")
    v = pd.DataFrame(_values(r, {"requests.new": 220}, "narrative") + _values(r, {"requests.new": 221}, "table")
                     + _values(r, {"outcome.total": NA}, "table") + _values(r, {"outcome.total": 220}, "narrative"))
    got = an.pick_values(v).set_index("indicator")["value"]
    assert got["requests.new"] == 221
    assert got["outcome.total"] == 220


def test_match_indicators_code_prefix_and_list() -> None:
    codes = pd.Series(["outcome.granted", "outcome.denied.state_secret", "requests.new", "review.total"])
    assert an.match_indicators(codes, "outcome.*").tolist() == [True, True, False, False]
    assert an.match_indicators(codes, ["requests.new", "review.*"]).tolist() == [False, False, True, True]
    assert an.match_indicators(codes, None).all()


# --------------------------------------------------------------------------- outcomes
def test_outcome_counts_group_totals_from_sub_rows_and_na_kept(frames) -> None:
    oc = an.outcome_counts(frames["values"], frames["reports"])
    a21 = oc[oc["report_id"] == f"r-{KEYS[A]}-2021"].set_index("category")
    assert a21.loc["denied", "count"] == 1 and a21.loc["denied", "basis"] == "sum_of_parts"
    assert a21.loc["unable", "count"] == 1 and a21.loc["unable", "n_parts_na"] == 1
    assert a21.loc["other", "count"] == 0  # printed zeros stay zeros
    assert a21.loc["granted", "basis"] == "table"
    assert a21["denominator"].iloc[0] == 12
    assert a21.loc["granted", "share"] == pytest.approx(7 / 12)
    b = oc[oc["agency"] == B].set_index("category")
    assert pd.isna(b.loc["not_processed", "count"])  # not stated: NA, not 0
    assert b.loc["not_processed", "basis"] == "missing"
    assert pd.isna(b.loc["not_processed", "share"])
    assert b["n_missing"].iloc[0] == 1
    assert b.loc["denied", "basis"] == "narrative" and b.loc["unable", "count"] == 100
    assert b["denominator"].iloc[0] == 220
    assert b["share"].sum() == pytest.approx(1.0)


def test_outcome_counts_leaves_legacy_and_pre_2019_narrative_out(frames) -> None:
    oc = an.outcome_counts(frames["values"], frames["reports"])
    assert C not in set(oc["agency"])
    assert set(oc.loc[oc["agency"] == D, "year"]) == {2019, 2020, 2021, 2022}
    legacy = an.legacy_reports(frames["reports"])
    assert set(legacy["year"]) == {2016, 2017, 2018}


def test_outcome_counts_requires_edition(frames) -> None:
    with pytest.raises(ValueError, match="edition"):
        an.outcome_counts(frames["values"], frames["reports"].drop(columns="edition"))
    with_edition = frames["values"].merge(frames["reports"][["report_id", "edition"]], on="report_id")
    assert len(an.outcome_counts(with_edition)) == len(an.outcome_counts(frames["values"], frames["reports"]))


def test_outcome_shares_all_zero_report_are_na_not_zero(frames) -> None:
    r = _report(B, 2020, "gov2019")
    v = pd.DataFrame(_values(r, {f"outcome.{c}": 0 for c in ("granted", "partial", "other")}))
    oc = an.outcome_counts(v, pd.DataFrame([r]))
    assert oc["share"].isna().all()
    assert (oc.loc[oc["category"] == "granted", "count"] == 0).all()


def test_aggregate_counts_sums_available_and_counts_missing(frames) -> None:
    oc = an.outcome_counts(frames["values"], frames["reports"])
    by_year = an.aggregate_counts(oc[oc["year"] == 2019], ["year"]).set_index("category")
    # Guangzhou (narrative) + synthetic 2019 (table, scale 2)
    assert by_year.loc["granted", "count"] == 49 + 14
    assert by_year.loc["not_processed", "n_units"] == 1 and by_year.loc["not_processed", "n_units_missing"] == 1
    assert by_year["share"].sum() == pytest.approx(1.0)
    assert bool(by_year["synthetic"].any())


def test_harmonized_outcomes_legacy_years_through_the_crosswalk(frames) -> None:
    h = an.harmonized_outcome_counts(frames["harmonized"])
    d16 = h[(h["agency"] == D) & (h["year"] == 2016)].set_index("category")
    assert d16.loc["granted", "count"] == 3  # granted 2 + already public 1 (judgement)
    assert d16.loc["granted", "basis"] == "crosswalk" and bool(d16["crosswalk"].all())
    assert d16.loc["partial", "count"] == 0  # exact
    assert pd.isna(d16.loc["denied", "count"])  # approximate total left out; no sub-reason stated
    assert d16.loc["unable", "count"] == 1  # not this agency 0 + does not exist 1 + told to amend 0
    assert pd.isna(d16.loc["other", "count"])  # no legacy equivalent: NA, not 0
    assert d16["n_missing"].iloc[0] == 2
    assert d16["quality"].dropna().isin(["exact", "judgement"]).all()
    d21 = h[(h["agency"] == D) & (h["year"] == 2021)]
    assert not d21["crosswalk"].any() and d21.set_index("category").loc["denied", "count"] == 4


def test_harmonized_outcomes_strict_keeps_only_comparable(frames) -> None:
    h = an.harmonized_outcome_counts(frames["harmonized"], strict=True)
    d16 = h[(h["agency"] == D) & (h["year"] == 2016)].set_index("category")
    assert d16["count"].notna().tolist() == [False, True, False, False, False, False]


def test_crosswalk_judgements_name_the_mappings_used(frames) -> None:
    j = dict(an.crosswalk_judgements(frames["harmonized"]))
    assert j["outcome.granted"] == ("outcome.granted", "outcome.already_public")
    assert j["outcome.unable"] == ("outcome.not_this_agency", "outcome.not_exist", "outcome.correction_requested")
    assert "outcome.unable.not_held" not in j  # its group row is used instead
    assert "outcome.partial" not in j  # exact
    assert an.crosswalk_judgements(frames["harmonized"].iloc[:0]) == []


# --------------------------------------------------------------------------- channels, review, series
def test_channel_counts_shares_of_stated_channels(frames) -> None:
    ch = an.channel_counts(frames["values"])
    b = ch[ch["agency"] == B].set_index("category")
    assert b["denominator"].iloc[0] == 30571 + 653 + 710 + 6080
    assert pd.isna(b.loc["douyin", "count"]) and b["n_missing"].iloc[0] == len(an.CHANNELS) - 4
    c = ch[ch["agency"] == C].set_index("category")
    assert c.loc["weibo", "count"] == 0 and c.loc["weibo", "share"] == 0


def test_review_litigation_combines_blocks_without_inventing_zeros(frames) -> None:
    rl = an.review_litigation(frames["values"])
    a21 = rl[rl["report_id"] == f"r-{KEYS[A]}-2021"]
    lit = a21[a21["procedure"] == "litigation"].set_index("result")["count"]
    assert lit["upheld"] == 1 and lit["corrected"] == 1 and lit["total"] == 2
    assert "pending" not in lit.index  # neither block states it
    b = rl[(rl["agency"] == B)]
    assert b[(b["procedure"] == "litigation")]["count"].tolist() == [0]
    detail = an.review_litigation(frames["values"], combine_litigation=False)
    assert {"litigation_direct", "litigation_after_review"} <= set(detail["procedure"])


def test_indicator_series_and_table(frames) -> None:
    s = an.indicator_series(frames["values"], "requests.*", frames["reports"])
    d = s[(s["agency"] == D) & (s["indicator"] == "requests.new")]
    assert d["year"].tolist() == list(range(2016, 2023))
    t = an.indicator_table(s[s["agency"] == A])
    assert t.loc["requests.new", 2022] == 24
    assert list(t.index).index("requests.new") < list(t.index).index("requests.carried_forward")


def test_indicator_series_prefers_annual_report_over_self_check() -> None:
    annual, selfcheck = _report(B, 2019, "narrative"), _report(B, 2019, "narrative", "self_check")
    selfcheck["report_id"] = "self"
    v = pd.DataFrame(_values(selfcheck, {"requests.new": 5, "outcome.total": 5, "review.total": 0})
                     + _values(annual, {"requests.new": 220}))
    s = an.indicator_series(v, "requests.new", pd.DataFrame([annual, selfcheck]))
    assert s["value"].tolist() == [220]


def test_request_volumes_and_applicants(frames) -> None:
    rv = an.request_volumes(frames["values"], frames["reports"])
    a = rv[(rv["agency"] == A) & (rv["year"] == 2022)].set_index("measure")["value"]
    assert a["new"] == 24 and a["handled"] == 24
    ap = an.requests_by_applicant(frames["values"])
    a = ap[ap["report_id"] == f"r-{KEYS[A]}-2021"].set_index("category")
    assert a.loc["natural_person", "share"] == pytest.approx(10 / 12)


# --------------------------------------------------------------------------- peers, checks, quality
@pytest.mark.parametrize("agency,key,kind", [
    ("南通市海门区市场监管局", None, "市场监督管理局"),
    ("酒泉市质监局", None, "质量技术监督局"),
    ("广州市人民政府", "440100:人民政府", "人民政府"),
    ("缙云县壶镇镇人民政府", None, "镇人民政府"),
    (None, None, None),
])
def test_agency_kind(agency, key, kind) -> None:
    assert an.agency_kind(agency, key) == kind


def test_peer_groups_by_level_province_and_kind(frames) -> None:
    p = an.peer_groups(frames["reports"])
    assert p.loc[p["agency"] == A, "peer_group"].iloc[0] == "county / 江苏省 / 市场监督管理局"
    assert set(p["peer_size"]) == {1}
    wide = an.peer_groups(frames["reports"], by=("agency_kind",))
    assert wide.loc[wide["agency"] == A, "peer_size"].iloc[0] == 2
    assert set(an.peers(frames["reports"], KEYS[A], by=("agency_kind",))["agency"]) == {A, B}


def test_check_summary_and_failed_checks(frames) -> None:
    s = an.check_summary(frames["checks"]).set_index("check")
    assert s.loc["outcome.row_sum", "fail"] == 1 and s.loc["outcome.row_sum", "n_reports_failing"] == 1
    assert s.loc["requests.balance", "pass"] == len(frames["reports"])
    f = an.failed_checks(frames["checks"])
    assert f["status"].tolist() == ["fail", "uncertain"]
    assert f["evidence"].iloc[0].startswith("(七)总计")
    assert list(an.check_summary(frames["checks"].iloc[:0]).columns)[:2] == ["check", "pass"]


def test_manifest_and_coverage(frames) -> None:
    m = an.manifest_summary(frames["manifest"]).set_index("status")
    assert m.loc["failed", "n_files"] == 1 and m.loc["skipped", "n_files"] == 0
    assert m["n_files"].sum() == len(frames["manifest"])
    cov = an.coverage_by_edition(frames["reports"], frames["values"]).set_index(["edition", "group"])
    assert cov.loc[("legacy", "channel"), "share"] == pytest.approx(4 / 4)
    assert cov.loc[("gov2021", "channel"), "share"] == 0
    assert cov.loc[("gov2021", "review"), "n_reports"] == 4
    vpr = an.values_per_report(frames["reports"]).set_index("edition")
    assert vpr.loc["narrative", "n_reports"] == 1
