"""Identities (勾稽关系) and derived group totals."""
from __future__ import annotations

from pathlib import Path

import pytest

from govstats.checks.identities import check_identities, derive_values, identities
from govstats.extract.tables import extract_tables
from govstats.layout import find_grids
from govstats.model import APPLICANTS, Check, Meta, Value
from govstats.normalize import normalize_text

from .conftest import PDF_DIR, SEEDS
from .test_tables import APPLICANT_HEADER, SEC3_ROWS_2021, sec3_pipe_table

FIX = Path(__file__).parent / "fixtures" / "tables"


def table_values(text: str) -> list[Value]:
    doc = normalize_text(text)
    return extract_tables(doc, find_grids(doc), Meta())[0]


def checks_of(values: list[Value]) -> dict[tuple[str, str], Check]:
    return {(c.check, c.applicant): c for c in check_identities(values + derive_values(values), Meta())}


def v(indicator: str, value, applicant: str = "total", table: str = "sec3", source: str = "table") -> Value:
    return Value(indicator, value, applicant, source=source, table=table, label=indicator)


def consistent_sec3(i: int) -> list[int]:
    """Row values of a consistent 2021 table: every outcome row 1 for 自然人, 0 elsewhere."""
    outcome_rows = range(2, 23)
    n = len(outcome_rows)
    if i in (0,):
        return [n, 0, 0, 0, 0, 0, n]
    if i == 23:  # (七)总计
        return [n, 0, 0, 0, 0, 0, n]
    if i in (1, 24):
        return [0] * 7
    return [1, 0, 0, 0, 0, 0, 1]


# --------------------------------------------------------------------------- derived values
def test_group_totals_derived_per_applicant_from_complete_parts():
    values = table_values(sec3_pipe_table(APPLICANT_HEADER, consistent_sec3))
    derived = {d.key(): d for d in derive_values(values)}
    assert derived["outcome.denied"].value == 8 and derived["outcome.denied@natural_person"].value == 8
    assert derived["outcome.unable"].value == 3 and derived["outcome.not_processed"].value == 5
    assert derived["outcome.other"].value == 3  # 2021: the (六) group of three rows
    assert all(d.source == "derived" and d.table == "sec3" for d in derived.values())
    assert derived["requests.new@legal_entities"].value == 0
    assert derived["outcome.denied@legal_entities"].value == 0  # from the derived group values


def test_no_group_total_when_a_part_is_blank_and_none_over_a_printed_one():
    values = [v(f"outcome.unable.{k}", 1) for k in ("not_held", "need_create")] + [v("outcome.unable.unclear", None)]
    values += [v("outcome.other", 4)] + [v(f"outcome.other.{k}", 1) for k in ("no_correction", "no_fee", "other")]
    keys = {d.key() for d in derive_values(values)}
    assert "outcome.unable" not in keys  # a blank part: nothing derived, never a sum with 0
    assert "outcome.other" not in keys  # printed (a 2021 report with the collapsed row): never derived


def test_litigation_total_derived_from_the_two_litigation_totals():
    values = [v("litigation.direct.total", 26, table="sec4"), v("litigation.after_review.total", 20, table="sec4")]
    (d,) = derive_values(values)
    assert (d.indicator, d.value, d.table, d.source) == ("litigation.total", 46, "sec4", "derived")
    assert derive_values(values + [v("litigation.total", 40, table="sec4")]) == []


def test_every_field_of_a_derived_value():
    values = [v("litigation.direct.total", 26, table="sec4"), v("litigation.after_review.total", 20, table="sec4")]
    (d,) = derive_values(values)
    assert d.to_json() == {
        "indicator": "litigation.total", "value": 46, "applicant": "total", "unit": "件", "source": "derived",
        "approximate": False, "label": None, "evidence": "litigation.direct.total 26 + litigation.after_review.total 20",
        "span": None, "note": "sum of 2 printed values", "raw": None, "table": "sec4", "stated_share": None,
        "share_of": None,
    }


def test_legal_entities_not_derived_when_the_column_is_printed():
    values = [v("requests.new", n, a) for a, n in zip(APPLICANTS, [1, 2, 3, 4, 5, 6])] + [v("requests.new", 99, "legal_entities")]
    assert [d for d in derive_values(values) if d.applicant == "legal_entities"] == []


# --------------------------------------------------------------------------- checks
def test_consistent_table_passes_every_check():
    checks = checks_of(table_values(sec3_pipe_table(APPLICANT_HEADER, consistent_sec3)))
    assert {c.status for c in checks.values()} == {"pass"}
    assert ("sec3.balance", "natural_person") in checks and ("sec3.outcome_total", "total") in checks
    assert ("sec3.row_sum.outcome.total", "total") in checks
    assert checks[("sec3.non_negative_integers", "total")].observed == 0


def test_seed_002_printed_zero_total_fails_balance_and_row_sum():
    doc = normalize_text(next(p for p in SEEDS if p.name.startswith("002")).read_text(encoding="utf-8"))
    values = extract_tables(doc, find_grids(doc), Meta())[0]
    checks = checks_of(values)
    failed = {k for k, c in checks.items() if c.status == "fail"}
    assert failed == {("sec3.balance", "total"), ("sec3.outcome_total", "total"), ("sec3.row_sum.outcome.total", "total")}
    bal = checks[("sec3.balance", "total")]
    assert (bal.expected, bal.observed) == (12, 0)
    assert "(七)总计 = 0" in bal.evidence and "一、本年新收政府信息公开申请数量 = 12" in bal.evidence
    assert checks[("sec3.balance", "natural_person")].status == "pass"
    assert checks[("sec4.review_total", "total")].status == "pass"


def test_wrong_section_four_totals_fail_per_block():
    values = [v(f"review.{k}", n, table="sec4") for k, n in zip(("upheld", "corrected", "other", "pending", "total"), (10, 1, 0, 0, 0))]
    values += [v(f"litigation.after_review.{k}", n, table="sec4") for k, n in zip(("upheld", "corrected", "other", "pending", "total"), (5, 0, 0, 0, 0))]
    checks = checks_of(values)
    assert (checks[("sec4.review_total", "total")].status, checks[("sec4.review_total", "total")].expected) == ("fail", 11)
    assert checks[("sec4.after_review_total", "total")].status == "fail"
    assert ("sec4.direct_total", "total") not in checks  # that block is not printed


def test_blank_part_is_not_assessable_never_computed_with_zero():
    checks = checks_of([v("staff.total", 1, table="legacy"), v("staff.fulltime", 1, table="legacy"), v("staff.parttime", None, table="legacy")])
    c = checks[("legacy.staff", "total")]
    assert c.status == "not_assessable" and c.expected is None and "blank" in c.message


def test_missing_part_is_not_assessable():
    values = [v("requests.new", 5), v("requests.carried_over", 0), v("outcome.total", 5)]  # no 结转下年度 row
    assert checks_of(values)[("sec3.balance", "total")].status == "not_assessable"


def test_legacy_refusal_reasons_mismatch_is_uncertain():
    values = [v("outcome.denied", 3, table="legacy"), v("outcome.denied.state_secret", 1, table="legacy"), v("outcome.denied.privacy", 1, table="legacy")]
    c = checks_of(values)[("legacy.denied_reasons", "total")]
    assert (c.status, c.expected, c.observed) == ("uncertain", 2, 3)


def test_legacy_channels_summed_only_where_channel_rows_exist_and_never_against_proactive_total():
    values = table_values((FIX / "legacy_unknown_rows.txt").read_text(encoding="utf-8"))
    checks = checks_of(values)
    assert checks[("legacy.requests_channels", "total")].status == "pass"
    # the dedup rule: publication channels are never summed against 主动公开政府信息数
    assert not any("政府网站公开政府信息数" in (c.evidence or "") for c in checks.values())
    assert checks_of([v("requests.new", 5, table="legacy")]) == {}


def test_legacy_inequalities():
    checks = checks_of([v("consultation.rejected", 9, table="legacy"), v("consultation.opinions", 12, table="legacy"),
                        v("response.press_conferences_head", 3, table="legacy"), v("response.press_conferences", 2, table="legacy")])
    assert checks[("legacy.opinions_rejected", "total")].status == "pass"
    assert checks[("legacy.press_head_share", "total")].status == "fail"


def test_seed_003_legacy_checks():
    doc = normalize_text(next(p for p in SEEDS if p.name.startswith("003")).read_text(encoding="utf-8"))
    checks = checks_of(extract_tables(doc, find_grids(doc), Meta())[0])
    assert checks[("legacy.staff", "total")].status == "not_assessable"  # 1 = 1 + (blank)
    assert {c.status for k, c in checks.items() if k != ("legacy.staff", "total")} == {"pass"}
    assert {"legacy.answered", "legacy.completed", "legacy.review_total", "legacy.litigation_total"} <= {k for k, _ in checks}


def test_negative_or_fractional_cell_fails_cell_check():
    values = [v("requests.new", -1, "natural_person"), v("requests.new", 2.5, "business")]
    c = checks_of(values)[("sec3.non_negative_integers", "total")]
    assert (c.status, c.observed) == ("fail", 2)


def test_invented_subtotal_column_gets_its_own_sum_check():
    header = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "法人或其他组织小计"]
    rows = SEC3_ROWS_2021[:2]
    values = table_values(sec3_pipe_table(header, lambda i: [1, 2, 3, 4, 5, 6, 20, 21] if i == 0 else [0, 1, 0, 0, 0, 0, 2, 1], rows))
    checks = checks_of(values)
    assert checks[("sec3.legal_entities_sum.requests.new", "legal_entities")].status == "pass"
    assert checks[("sec3.legal_entities_sum.requests.carried_over", "legal_entities")].status == "fail"


def test_identities_codebook_is_consistent():
    from govstats import codebook

    known = codebook.indicators()
    for ident in identities():
        for term in ident.observed + ident.expected:
            assert term.endswith(".*") or term in known, (ident.check, term)
        assert ident.op in ("=", "<=") and ident.on_mismatch in ("fail", "uncertain")


@pytest.mark.parametrize(
    "name, failing",
    [
        ("hongze_district_gov_2023.pdf", {"sec4.review_total", "sec4.after_review_total"}),
        ("hongze_district_gov_2024.pdf", set()),
        ("huaian_city_gov_2024.pdf", set()),
    ],
)
def test_real_pdfs_fail_exactly_the_checks_their_gold_describes(name, failing, require_shared_pdfs):
    from govstats.load import load
    from govstats.normalize import normalize

    doc = normalize(load(PDF_DIR / name))
    values = extract_tables(doc, list(doc.grids) + find_grids(doc), Meta())[0]
    checks = check_identities(values + derive_values(values), Meta())
    assert {c.check for c in checks if c.status == "fail"} == failing
    assert {c.status for c in checks} <= {"pass", "fail"}


def test_section_two_published_within_valid_is_a_plausibility_check():
    checks = checks_of([v("rules.regulations.published", 13, table="sec2"), v("rules.regulations.valid", 524, table="sec2"),
                        v("rules.normative_docs.published", 9, table="sec2"), v("rules.normative_docs.valid", 7, table="sec2")])
    assert checks[("sec2.regulations_published_le_valid", "total")].status == "pass"
    assert checks[("sec2.normative_docs_published_le_valid", "total")].status == "uncertain"
