"""Harmonized series: the legacy -> 2019+ crosswalk (data), identity for 2019+ values, selection."""
from __future__ import annotations

import re

import pandas as pd

from govstats import harmonize as hz
from govstats.codebook import indicators


def report(rid, edition, year, agency_key="620900:质量技术监督局", lineage_key="620900:市场监督管理局", **kw):
    return {"report_id": rid, "agency_key": agency_key, "lineage_key": lineage_key, "agency": kw.pop("agency", "酒泉"),
            "province": "甘肃省", "city": "酒泉市", "county": None, "level": "city", "region_code": "620900",
            "year": year, "edition": edition, "synthetic": kw.pop("synthetic", False),
            "doc_kind": kw.pop("doc_kind", "annual_report"), "n_values": kw.pop("n_values", 1),
            "source_path": kw.pop("source_path", f"{rid}.txt"), **kw}


def value(rid, indicator, v, applicant="total", source="table", approximate=False, span=0):
    return {"report_id": rid, "indicator": indicator, "applicant": applicant, "value": v, "source": source,
            "approximate": approximate, "span_start": span}


def frames(reports, values):
    v = pd.DataFrame(values)
    v["value"] = v["value"].astype("Float64")
    v["span_start"] = v["span_start"].astype("Int64")
    return v, pd.DataFrame(reports)


def rows(out, rid):
    return out[out["report_id"] == rid].set_index(["indicator", "applicant"])


def test_legacy_values_are_mapped_and_missing_equivalents_are_na():
    v, r = frames([report("L", "legacy", 2016)], [
        value("L", "outcome.granted", 7), value("L", "outcome.already_public", 2),
        value("L", "outcome.denied.commercial_secret", 1), value("L", "outcome.denied.privacy", 3),
        value("L", "outcome.denied.state_secret", 0), value("L", "outcome.denied.not_gov_info", 5),
        value("L", "outcome.not_exist", 4), value("L", "requests.new", 20),
    ])
    out = rows(hz.harmonize(v, r), "L")
    g = out.loc[("outcome.granted", "total")]
    assert (g["value"], g["quality"], g["rule"], g["parts"]) == (9, "judgement", "crosswalk:outcome.granted",
                                                                  "outcome.granted+outcome.already_public")
    assert not g["comparable"]
    third = out.loc[("outcome.denied.third_party", "total")]
    assert (third["value"], third["quality"], bool(third["comparable"])) == (4, "near_exact", True)
    assert out.loc[("outcome.denied.state_secret", "total"), "value"] == 0  # a printed 0 stays 0
    assert out.loc[("requests.new", "total"), "count"] == 20
    for code in ("requests.carried_over", "outcome.unable.need_create", "outcome.unable.not_held"):
        assert pd.isna(out.loc[(code, "total"), "value"]), code  # no (complete) equivalent: NA, never 0
    assert "outcome.denied.not_gov_info" not in out.index.get_level_values(0)
    assert set(out.index.get_level_values(0)) == hz.targets()


def test_a_sum_needs_all_its_parts():
    v, r = frames([report("L", "legacy", 2015)], [
        value("L", "outcome.denied.commercial_secret", 2), value("L", "outcome.denied.privacy", None),
    ])
    out = rows(hz.harmonize(v, r), "L")
    assert pd.isna(out.loc[("outcome.denied.third_party", "total"), "value"])


def test_2019_values_pass_by_identity_with_their_applicants():
    v, r = frames([report("N", "gov2021", 2022, agency_key="620900:市场监督管理局")], [
        value("N", "requests.new", 12), value("N", "requests.new", 3, "business"),
        value("N", "outcome.granted", 5, approximate=True), value("N", "channel.website", 99),
        value("N", "fees.amount", 1.5),
    ])
    out = rows(hz.harmonize(v, r), "N")
    assert set(out.index) == {("requests.new", "total"), ("requests.new", "business"), ("outcome.granted", "total")}
    assert (out["rule"] == "identity").all() and (out["quality"] == "exact").all()
    assert bool(out.loc[("requests.new", "business"), "comparable"])
    assert not bool(out.loc[("outcome.granted", "total"), "comparable"])  # "5多件" is not comparable


def test_era_of_narrative_reports_follows_the_year():
    e = hz.era(pd.Series(["narrative", "narrative", "legacy", "gov2019", None]), pd.Series([2017, 2019, 2019, 2019, 2010]))
    assert e.tolist() == ["legacy", "2019+", "legacy", "2019+", "legacy"]


def test_value_selection_prefers_corrections_then_table_then_derived_then_narrative():
    v, _ = frames([], [
        value("A", "requests.new", 10, source="narrative"), value("A", "requests.new", 11, source="table", span=5),
        value("A", "requests.new", 12, source="table", span=1), value("A", "outcome.denied", 3, source="derived"),
        value("A", "outcome.denied", 4, source="narrative"), value("A", "review.total", None, source="table"),
        value("A", "review.total", 2, source="narrative"), value("A", "litigation.total", 1, source="table"),
        value("A", "litigation.total", 9, source="correction"),
    ])
    sel = hz.select_values(v).set_index("indicator")["value"]
    assert sel.to_dict() == {"requests.new": 12, "outcome.denied": 3, "review.total": 2, "litigation.total": 9}


def test_primary_report_per_agency_year():
    r = pd.DataFrame([
        report("syn", "gov2021", 2022, synthetic=True, n_values=500),
        report("self", "gov2021", 2022, doc_kind="self_check", n_values=400),
        report("narr", "narrative", 2022, n_values=300),
        report("table", "gov2021", 2022, n_values=100),
        report("other_year", "gov2021", 2021),
        report("no_year", "gov2021", None),
    ])
    assert hz.primary_reports(r)["report_id"].tolist() == ["other_year", "table"]


def test_lineage_sums_the_merged_agencies():
    reports = [report("gs", "legacy", 2017, agency_key="620900:工商行政管理局", agency="工商"),
               report("zj", "legacy", 2017, agency_key="620900:质量技术监督局", agency="质监"),
               report("sj", "gov2021", 2021, agency_key="620900:市场监督管理局", agency="市场监管")]
    v, r = frames(reports, [value("gs", "requests.new", 10), value("zj", "requests.new", 5),
                            value("gs", "review.total", 1), value("sj", "requests.new", 30)])
    out = hz.by_lineage(hz.harmonize(v, r)).set_index(["agency_key", "year", "indicator"])
    new17 = out.loc[("620900:市场监督管理局", 2017, "requests.new")]
    assert (new17["value"], new17["n_agencies"]) == (15, 2)
    assert pd.isna(out.loc[("620900:市场监督管理局", 2017, "review.total"), "value"])  # one agency did not say
    assert out.loc[("620900:市场监督管理局", 2021, "requests.new"), "value"] == 30


def test_crosswalk_agrees_with_the_indicator_notes():
    """indicators.csv says "crosswalk ... -> X" for legacy codes: the crosswalk must map them to X."""
    rule_of = {p: r.target for r in hz.crosswalk() for p in r.parts}
    noted = {code: m.group(1) for code, ind in indicators().items()
             if (m := re.search(r"crosswalk[^>]*-> ([a-z_.]+)", ind.note))}
    assert noted, "indicators.csv has crosswalk notes"
    for code, target in noted.items():
        assert rule_of.get(code) == target, code


def test_every_legacy_indicator_is_accounted_for():
    """A legacy code of the outcome / request / review / litigation groups is a part of some rule."""
    parts = {p for r in hz.crosswalk() for p in r.parts}
    for code, ind in indicators().items():
        if "legacy" in ind.editions and ind.group in ("outcome", "review", "litigation"):
            assert code in parts, code
    assert hz.targets() <= set(indicators())



def test_arrow_selection_is_the_pandas_selection():
    import pyarrow as pa

    v, _ = frames([], [
        value("A", "requests.new", 10, source="narrative"), value("A", "requests.new", 11, source="table", span=5),
        value("A", "requests.new", 12, source="table", span=1), value("B", "requests.new", None, source="table"),
        value("B", "requests.new", 7, source="derived"), value("B", "review.total", 1, source="unknown"),
        value("A", "review.total", 2, "business", source="correction"), value("A", "review.total", 3, "business"),
    ])
    arrow = hz.select_table(pa.Table.from_pandas(v, preserve_index=False)).to_pandas()
    expected = hz.select_values(v).reset_index(drop=True)
    assert arrow[["report_id", "indicator", "applicant", "value"]].astype(object).values.tolist() == \
        expected[["report_id", "indicator", "applicant", "value"]].astype(object).values.tolist()
    assert expected["value"].tolist() == [12, 2, 7, 1]  # sorted by report, indicator, applicant


def test_counts_are_whole_numbers_that_are_not_money():
    import pyarrow as pa

    got = hz.counts(pa.array([3.0, 2.5, None, float("nan"), float("inf"), 4.0, -1.0]),
                    pa.array(["件", "件", "件", None, "件", "万元", None]))
    assert got.to_pylist() == [3, None, None, None, None, None, -1]
    assert hz.indicator_units(pa.array(["fees.amount", "requests.new", "no.such.code"])).to_pylist() == ["万元", "件", None]


def test_encoded_report_columns_are_the_plain_ones_with_dictionaries_of_these_rows_only():
    import pyarrow as pa

    from govstats.dataset.schema import HARMONIZED

    reps = [report("A", "gov2021", 2022), report("B", "legacy", 2016, agency="酒泉质监", county="肃州区"),
            report("C", "gov2021", 2023, agency=None)]
    v, r = frames(reps, [value("A", "requests.new", 10), value("B", "apply.total", 4), value("C", "requests.new", 3),
                         value("A", "review.total", 1)])
    def table(df):  # pandas strings arrive as large_string
        t = pa.Table.from_pandas(df, preserve_index=False)
        return t.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type) for f in t.schema]))

    reports = table(r[list(hz.REPORT_COLUMNS)]).cast(pa.schema([HARMONIZED.arrow.field(c) for c in hz.REPORT_COLUMNS]))
    rows_ = hz.harmonized_rows(hz.select_table(table(v)), reports)
    rows_ = rows_.filter(pa.compute.not_equal(rows_["report_id"], "B"))  # rows of A and C only
    plain = hz.with_reports(rows_, reports, ordered=False)
    encoded = hz.with_reports(rows_, reports, ordered=False, encoded=True)
    assert plain.schema.equals(HARMONIZED.arrow) and plain.num_rows == encoded.num_rows > 0
    for c in hz.ENCODED_REPORT_COLUMNS:
        col = encoded[c].combine_chunks()
        assert pa.types.is_dictionary(col.type)
        assert "酒泉质监" not in col.dictionary.to_pylist() and "肃州区" not in col.dictionary.to_pylist()
    assert all(pa.types.is_dictionary(encoded.schema.field(c).type) for c in hz.ENCODED_ROW_COLUMNS)
    assert encoded.cast(HARMONIZED.arrow).equals(plain)
