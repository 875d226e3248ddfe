"""Cross-year checks of one agency: carried requests (I7), rules rolling forward (I12, I11), jumps."""
from __future__ import annotations

import pandas as pd

from govstats.checks.cross_year import cross_year_checks


def reports(*rows):
    return pd.DataFrame([{"report_id": rid, "agency_key": key, "year": year, "edition": ed, "source_path": f"raw/{rid}.pdf"}
                         for rid, key, year, ed in rows])


def values(*rows):
    return pd.DataFrame([{"report_id": r, "indicator": i, "applicant": a, "value": v} for r, i, a, v in rows])


def run(reps, vals):
    out = cross_year_checks(vals, reps)
    return out.set_index(["check", "applicant"]) if len(out) else out


def test_carry_per_applicant_with_evidence_from_both_reports():
    out = run(reports(("a23", "K", 2023, "gov2021"), ("a24", "K", 2024, "gov2021")), values(
        ("a23", "requests.carried_forward", "total", 5), ("a24", "requests.carried_over", "total", 5),
        ("a23", "requests.carried_forward", "business", 2), ("a24", "requests.carried_over", "business", 1),
        ("a24", "requests.carried_over", "research", 0),
    ))
    assert out.loc[("cross_year.carry", "total"), "status"] == "pass"
    b = out.loc[("cross_year.carry", "business")]
    assert (b["status"], b["expected"], b["observed"], b["report_id"], b["other_report_id"]) == ("fail", 2, 1, "a24", "a23")
    assert "raw/a23.pdf (2023)" in b["evidence"] and "raw/a24.pdf (2024)" in b["evidence"]
    assert out.loc[("cross_year.carry", "research"), "status"] == "not_assessable"


def test_only_consecutive_years_of_one_agency_are_paired():
    reps = reports(("a", "K", 2020, "gov2019"), ("b", "K", 2022, "gov2021"), ("c", "L", 2021, "gov2021"))
    vals = values(("a", "requests.carried_forward", "total", 1), ("b", "requests.carried_over", "total", 1),
                  ("c", "requests.carried_over", "total", 1))
    assert cross_year_checks(vals, reps).empty


def test_valid_rolls_in_the_2021_format():
    reps = reports(("y1", "K", 2022, "gov2021"), ("y2", "K", 2023, "gov2021"))
    out = run(reps, values(
        ("y1", "rules.regulations.valid", "total", 100), ("y2", "rules.regulations.valid", "total", 101),
        ("y2", "rules.regulations.made", "total", 3), ("y2", "rules.regulations.repealed", "total", 2),
        ("y1", "rules.normative_docs.valid", "total", 40), ("y2", "rules.normative_docs.valid", "total", 80),
        ("y2", "rules.normative_docs.made", "total", 5), ("y2", "rules.normative_docs.repealed", "total", 0),
    )).reset_index().set_index("message")
    statuses = out["status"].to_dict()
    assert statuses["rules.regulations: valid(Y-1) + made - repealed = 101, valid(Y) = 101"] == "pass"
    assert statuses["rules.normative_docs: valid(Y-1) + made - repealed = 45, valid(Y) = 80"] == "fail"


def test_valid_rolls_tolerates_small_drift_and_skips_the_2019_to_2021_transition():
    small = run(reports(("y1", "K", 2022, "gov2021"), ("y2", "K", 2023, "gov2021")), values(
        ("y1", "rules.regulations.valid", "total", 100), ("y2", "rules.regulations.valid", "total", 103),
        ("y2", "rules.regulations.made", "total", 1), ("y2", "rules.regulations.repealed", "total", 0)))
    assert small.loc[("cross_year.valid_rolls", "total"), "status"] == "uncertain"
    transition = run(reports(("y1", "K", 2020, "gov2019"), ("y2", "K", 2021, "gov2021")), values(
        ("y1", "rules.regulations.valid", "total", 524), ("y2", "rules.regulations.valid", "total", 90),
        ("y2", "rules.regulations.made", "total", 1), ("y2", "rules.regulations.repealed", "total", 0)))
    t = transition.loc[("cross_year.valid_rolls", "total")]
    assert t["status"] == "not_assessable" and "2019 -> 2021" in t["message"]


def test_items_roll_in_the_2019_format():
    out = run(reports(("y1", "K", 2019, "gov2019"), ("y2", "K", 2020, "gov2019")), values(
        ("y1", "licensing.items_prev", "total", 50), ("y1", "licensing.items_change", "total", -3),
        ("y2", "licensing.items_prev", "total", 47),
        ("y1", "penalties.items_prev", "total", 10), ("y1", "penalties.items_change", "total", 2),
        ("y2", "penalties.items_prev", "total", 10)))
    got = out.loc["cross_year.items_roll"].set_index("message")["status"]
    assert sorted(got.tolist()) == ["fail", "pass"]
    assert got["licensing: items last year + change = 47, items stated this year = 47"] == "pass"


def test_jumps_are_flagged_but_small_counts_are_not_compared():
    out = run(reports(("y1", "K", 2021, "gov2021"), ("y2", "K", 2022, "gov2021")), values(
        ("y1", "requests.new", "total", 20), ("y2", "requests.new", "total", 120),
        ("y1", "outcome.total", "total", 100), ("y2", "outcome.total", "total", 40),
        ("y1", "review.total", "total", 1), ("y2", "review.total", "total", 8),
        ("y1", "outcome.granted", "total", 0), ("y2", "outcome.granted", "total", 30),
    )).loc["cross_year.jump"].set_index("observed")["status"]
    assert got_dict(out) == {120.0: "fail", 40.0: "pass", 8.0: "not_assessable", 30.0: "fail"}


def got_dict(s: pd.Series) -> dict:
    return {float(k): v for k, v in s.items()}
