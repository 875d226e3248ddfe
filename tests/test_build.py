"""The corpus build's own behaviour (manifest, cache, atomicity, dtypes, corrections, crashes),
tested with a stand-in parser (tests/fixtures/build/fakeparse.py) so it does not depend on
extraction quality. The real parser on real and bad inputs: test_build_real.py."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from govstats.dataset import build
from govstats.dataset.cache import CACHE_DIR
from govstats.dataset.files import BuildLocked, build_lock
from govstats.dataset.parallel import CRASHED
from govstats.dataset.pipeline import STATE_FILE
from govstats.dataset.schema import OUTPUTS
from govstats.dataset.version import source_digest
from tests.fixtures.build import fakeparse
from tests.fixtures.build.fakeparse import HONGZE, JIUQUAN_QTS, write

ROOT = Path(__file__).resolve().parents[1]


def parse_again(path: str):
    """The same parser under another name: another parser version."""
    return fakeparse.parse(path)


def make_corpus(raw: Path) -> Path:
    write(raw / "hongze_2023.json", {**HONGZE, "year": 2023}, [
        ("requests.new", 120), ("requests.carried_forward", 3), ("requests.carried_forward", 2, "business"),
        ("outcome.granted", 50), ("rules.regulations.valid", 10),
    ])
    write(raw / "hongze_2024.json", {**HONGZE, "year": 2024}, [
        ("requests.new", 1000), ("requests.carried_over", 3), ("requests.carried_over", 1, "business"),
        ("outcome.granted", 55), ("rules.regulations.valid", 11), ("rules.regulations.made", 2),
        ("rules.regulations.repealed", 1), ("fees.amount", 1.5),
    ], warnings=["a warning"])
    write(raw / "jiuquan_2016.json", {**JIUQUAN_QTS, "year": 2016}, [
        ("outcome.granted", 7), ("outcome.already_public", 2), ("outcome.denied.commercial_secret", 1),
        ("outcome.denied.privacy", 1), ("requests.new", 9),
    ])
    (raw / "not_a_report.json").write_text(json.dumps({"raise": "NotAReport", "message": "not_a_report.json: not a report (no 信息公开)"}), encoding="utf-8")
    (raw / "unsupported.json").write_text(json.dumps({"raise": "UnsupportedInput", "message": "unsupported.json: an image"}), encoding="utf-8")
    (raw / "bug.json").write_text(json.dumps({"bug": True}), encoding="utf-8")
    (raw / "sub").mkdir()
    shutil.copy(raw / "hongze_2023.json", raw / "sub" / "copy_of_2023.json")
    write(raw / "synthetic" / "gen_hongze_2023.json", {**HONGZE, "year": 2023}, [("requests.new", 5)])
    (raw / "README.md").write_text("# about this corpus\n", encoding="utf-8")
    (raw / "hongze_2023.gold.json").write_text("{}", encoding="utf-8")
    (raw / ".hidden.json").write_text("{}", encoding="utf-8")
    return raw


def run(raw: Path, out: Path, **kw):
    kw.setdefault("jobs", 1)
    return build([raw], out, parser=kw.pop("parser", fakeparse.parse), **kw)


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{name}.parquet")


@pytest.fixture
def built(tmp_path: Path):
    raw = make_corpus(tmp_path / "raw")
    out = tmp_path / "processed"
    return raw, out, run(raw, out)


# --------------------------------------------------------------------------- outputs
def test_five_tables_with_their_columns_and_nullable_dtypes(built):
    raw, out, summary = built
    for name, schema in OUTPUTS.items():
        # exactly the declared schema, pandas metadata included: the report columns the build
        # carries as dictionary arrays while it assembles values / checks / harmonized are plain
        # strings in the files
        written = pq.read_schema(out / f"{name}.parquet")
        assert written.equals(schema.arrow) and written.metadata == schema.arrow.metadata, name
        assert pq.read_table(out / f"{name}.parquet").schema.equals(schema.arrow), name
    values = table(out, "values")
    assert str(values["agency"].dtype) == "str" and values["agency"].notna().all()
    assert str(values["value"].dtype) == "Float64" and str(values["count"].dtype) == "Int64"
    assert str(values["year"].dtype) == "Int64" and str(values["synthetic"].dtype) == "boolean"
    fee = values[values["indicator"] == "fees.amount"].iloc[0]
    assert fee["value"] == 1.5 and pd.isna(fee["count"]) and fee["unit"] == "万元"
    new = values[(values["indicator"] == "requests.new") & (values["year"] == 2024)].iloc[0]
    assert new["count"] == 1000 and new["unit"] == "件"
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    assert json.loads((out / STATE_FILE).read_text())["summary"]["files"] == summary.files


def test_every_input_has_a_manifest_row_with_a_clear_status(built):
    raw, out, summary = built
    m = table(out, "manifest").set_index("source_path")
    p = lambda name: str(raw / name)  # noqa: E731
    assert set(m.index) == {p(n) for n in ("hongze_2023.json", "hongze_2024.json", "jiuquan_2016.json",
                                           "not_a_report.json", "unsupported.json", "bug.json",
                                           "sub/copy_of_2023.json", "synthetic/gen_hongze_2023.json", "README.md")}
    assert m.loc[p("hongze_2023.json"), "status"] == "ok"
    assert m.loc[p("hongze_2024.json"), "status"] == "warning"
    assert (m.loc[p("not_a_report.json"), ["status", "error"]] == ["failed", "not_a_report.json: not a report (no 信息公开)"]).all()
    assert m.loc[p("unsupported.json"), "status"] == "skipped"
    assert m.loc[p("bug.json"), "status"] == "failed"
    assert m.loc[p("bug.json"), "error"].startswith("internal error: ZeroDivisionError")
    assert m.loc[p("sub/copy_of_2023.json"), "error"] == f"duplicate of {p('hongze_2023.json')}"
    assert m.loc[p("README.md"), "status"] == "skipped"
    assert bool(m.loc[p("synthetic/gen_hongze_2023.json"), "synthetic"]) and not bool(m.loc[p("hongze_2023.json"), "synthetic"])
    assert summary.statuses == {"ok": 3, "warning": 1, "failed": 2, "skipped": 3}
    assert summary.line().startswith("9 files: ok 3, warning 1, failed 2, skipped 3; ")


def test_reports_carry_agency_keys_lineage_and_the_primary_report(built):
    raw, out, _ = built
    r = table(out, "reports").set_index("source_path")
    assert r.loc[str(raw / "hongze_2023.json"), "agency_key"] == "320813:人民政府"
    jq = r.loc[str(raw / "jiuquan_2016.json")]
    assert (jq["agency_key"], jq["lineage_key"]) == ("620900:质量技术监督局", "620900:市场监督管理局")
    assert bool(r.loc[str(raw / "hongze_2023.json"), "primary"])
    assert not bool(r.loc[str(raw / "synthetic/gen_hongze_2023.json"), "primary"])  # a real report wins
    # harmonized.parquet holds the primary reports only: the rows the build wrote for the copy
    # while it did not know yet that the real report wins are gone
    h = table(out, "harmonized")
    assert set(h["report_id"]) == set(r.loc[r["primary"].astype(bool) & r["year"].notna(), "report_id"]) - {None}
    assert r.loc[str(raw / "synthetic/gen_hongze_2023.json"), "report_id"] not in set(h["report_id"])
    assert pq.read_schema(out / "harmonized.parquet").equals(OUTPUTS["harmonized"].arrow)


def test_cross_year_checks_run_in_the_build_and_name_both_reports(built):
    raw, out, _ = built
    c = table(out, "checks")
    xy = c[c["scope"] == "cross_year"].set_index(["check", "applicant"])
    assert xy.loc[("cross_year.carry", "total"), "status"] == "pass"
    business = xy.loc[("cross_year.carry", "business")]
    assert business["status"] == "fail" and (business["expected"], business["observed"]) == (2, 1)
    assert str(raw / "hongze_2023.json") in business["evidence"] and str(raw / "hongze_2024.json") in business["evidence"]
    assert xy.loc[("cross_year.valid_rolls", "total"), "status"] == "pass"
    assert xy.loc[("cross_year.jump", "total"), "status"].tolist().count("fail") == 1  # requests.new 120 -> 1000
    assert (c.loc[c["scope"] == "cross_year", "year"] == 2024).all()


def test_harmonized_maps_legacy_and_keeps_2019_values(built):
    raw, out, _ = built
    h = table(out, "harmonized").set_index(["agency_key", "year", "indicator", "applicant"])
    legacy = h.loc[("620900:质量技术监督局", 2016)]
    assert legacy.loc[("outcome.granted", "total"), "value"] == 9  # 同意公开 7 + 已主动公开 2
    assert legacy.loc[("outcome.denied.third_party", "total"), "value"] == 2
    assert pd.isna(legacy.loc[("requests.carried_over", "total"), "value"])  # no equivalent: NA, never 0
    modern = h.loc[("320813:人民政府", 2024)]
    assert modern.loc[("requests.carried_over", "business"), "rule"] == "identity"
    assert not h["synthetic"].any()


# --------------------------------------------------------------------------- cache
def test_unchanged_rebuild_reads_nothing_and_keeps_the_outputs(built):
    raw, out, first = built
    stamps = {n: (out / f"{n}.parquet").stat().st_mtime_ns for n in OUTPUTS}
    again = run(raw, out)
    assert again.up_to_date and again.parsed == 0 and again.values == first.values
    assert stamps == {n: (out / f"{n}.parquet").stat().st_mtime_ns for n in OUTPUTS}


def test_changed_added_and_deleted_inputs(built):
    raw, out, first = built
    write(raw / "hongze_2024.json", {**HONGZE, "year": 2024}, [("requests.new", 999)])
    write(raw / "new_2022.json", {**HONGZE, "year": 2022}, [("requests.new", 80)])
    (raw / "jiuquan_2016.json").unlink()
    s = run(raw, out)
    assert s.parsed == 2 and not s.up_to_date
    r = table(out, "reports")
    assert set(r["year"]) == {2022, 2023, 2024}
    assert str(raw / "jiuquan_2016.json") not in set(table(out, "manifest")["source_path"])
    v = table(out, "values")
    assert v.loc[(v["year"] == 2024) & (v["indicator"] == "requests.new"), "value"].tolist() == [999]
    m = table(out, "manifest").set_index("source_path")
    assert bool(m.loc[str(raw / "hongze_2023.json"), "cached"]) and not bool(m.loc[str(raw / "new_2022.json"), "cached"])


def test_no_cache_and_a_new_parser_version_reparse_everything(built):
    raw, out, first = built
    assert run(raw, out, use_cache=False).parsed == 7
    assert run(raw, out, parser=parse_again).parsed == 7
    assert len([d for d in (out / CACHE_DIR).iterdir() if d.is_dir()]) == 1  # the other version's cache is gone


def test_parser_version_follows_codebook_content(tmp_path):
    pkg = tmp_path / "govstats"
    shutil.copytree(ROOT / "govstats", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_digest(pkg)
    with (pkg / "codebook" / "crosswalk.csv").open("a", encoding="utf-8") as f:
        f.write("# a comment changes the digest too\n")
    assert source_digest(pkg) != before


def test_the_cache_is_compacted_when_parts_pile_up_or_inputs_are_gone(tmp_path, monkeypatch):
    from govstats.dataset import cache as cache_mod

    monkeypatch.setattr(cache_mod, "MAX_PARTS", 2)
    monkeypatch.setattr(cache_mod, "MIN_DEAD", 0)
    raw, out = tmp_path / "raw", tmp_path / "out"
    for y in range(2015, 2020):  # one build, hence one part, per new report
        write(raw / f"r{y}.json", {**HONGZE, "year": y}, [("requests.new", y - 2000)])
        s = run(raw, out)
        assert s.parsed == 1
    parts = list((out / CACHE_DIR).rglob("*.parsed.parquet"))
    assert len(parts) <= 2
    for y in range(2015, 2019):
        (raw / f"r{y}.json").unlink()
    run(raw, out)
    rows = sum(pq.read_metadata(p).num_rows for p in (out / CACHE_DIR).rglob("*.parsed.parquet"))
    assert rows == 1  # results of deleted inputs are dropped once they outnumber the live ones
    assert table(out, "values")["value"].tolist() == [19]


# --------------------------------------------------------------------------- corrections
def test_corrections_are_applied_recorded_and_survive_rebuilds(built):
    raw, out, _ = built
    (out.parent / "corrections.csv").write_text(
        "report,indicator,applicant,value,reason,who\n"
        "hongze_2024.json,requests.carried_over,business,2,misprint: see 2023 report,ab\n"
        "nothing_like_this.txt,requests.new,,5,no such report,ab\n", encoding="utf-8")
    s = run(raw, out)
    assert s.parsed == 0 and not s.up_to_date
    assert any("matches no report" in w for w in s.warnings)
    assert any("matches no report" in w for w in json.loads((out / STATE_FILE).read_text())["warnings"])
    for again in (False, True):
        if again:
            run(raw, out, use_cache=False)
        v = table(out, "values")
        rows = v[(v["year"] == 2024) & (v["indicator"] == "requests.carried_over") & (v["applicant"] == "business")]
        assert sorted(rows["source"]) == ["correction", "table"]  # the printed value is kept
        fix = rows[rows["source"] == "correction"].iloc[0]
        assert (fix["value"], fix["original_value"], fix["corrected_by"]) == (2, 1, "ab")
        assert fix["note"] == "correction: misprint: see 2023 report"
        c = table(out, "checks").set_index(["check", "applicant"])
        assert c.loc[("cross_year.carry", "business"), "status"] == "pass"  # the checks use the correction


def test_malformed_corrections_are_reported_not_applied(tmp_path):
    from govstats.dataset import corrections

    bad_header = tmp_path / "a.csv"
    bad_header.write_text("file,code,number\nx.txt,requests.new,3\n", encoding="utf-8")
    fixes, warnings = corrections.read(bad_header)
    assert fixes == [] and "no column report, indicator, value" in warnings[0]
    rows = tmp_path / "b.csv"
    rows.write_text("report,indicator,applicant,value,reason,who\n"
                    "x.txt,requests.new,,three,typo,ab\n"
                    "x.txt,requests.nwe,,3,typo,ab\n"
                    "x.txt,requests.new,,\"1,200\",typo,ab\n", encoding="utf-8")
    fixes, warnings = corrections.read(rows)
    assert [(f.line, f.value, f.applicant) for f in fixes] == [(4, 1200.0, "total")]
    assert len(warnings) == 2 and "not a number" in warnings[0] and "unknown indicator" in warnings[1]
    assert corrections.read(tmp_path / "absent.csv") == ([], [])


# --------------------------------------------------------------------------- robustness
def test_a_parse_that_hangs_is_failed_after_the_timeout(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "slow.json", {**HONGZE, "year": 2023}, sleep=30)
    write(raw / "fine.json", {**HONGZE, "year": 2024}, [("requests.new", 1)])
    s = run(raw, tmp_path / "out", timeout=0.5)
    m = table(tmp_path / "out", "manifest").set_index("source_path")
    assert m.loc[str(raw / "slow.json"), "error"] == "parse timed out after 0.5 s"
    assert s.statuses["ok"] == 1


def test_a_worker_that_dies_fails_only_its_file_and_is_retried_next_time(tmp_path):
    raw = tmp_path / "raw"
    for y in (2020, 2021, 2022):
        write(raw / f"r{y}.json", {**HONGZE, "year": y}, [("requests.new", y - 2000)])
    (raw / "crash.json").write_text(json.dumps({"crash": True}), encoding="utf-8")
    out = tmp_path / "out"
    s = run(raw, out, jobs=2)
    m = table(out, "manifest").set_index("source_path")
    assert m.loc[str(raw / "crash.json"), ["status", "error"]].tolist() == ["failed", CRASHED]
    assert s.statuses["ok"] == 3
    assert run(raw, out, jobs=2).parsed == 1  # crashes are not cached


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_value_of_the_wrong_type_fails_only_its_own_file(tmp_path, jobs):
    raw = tmp_path / "raw"
    for y in (2020, 2021, 2022):
        write(raw / f"r{y}.json", {**HONGZE, "year": y}, [("requests.new", y - 2000)])
    write(raw / "odd.json", {**HONGZE, "year": 2023}, [{"indicator": "requests.new", "value": 1, "label": 12345}])
    s = run(raw, tmp_path / "out", jobs=jobs)
    m = table(tmp_path / "out", "manifest").set_index("source_path")
    assert m.loc[str(raw / "odd.json"), "status"] == "failed"
    assert m.loc[str(raw / "odd.json"), "error"].startswith("internal error: Arrow")
    assert s.statuses["ok"] == 3


def test_inputs_several_roots_include_patterns_and_the_lock(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a / "one.json", {**HONGZE, "year": 2021})
    write(b / "two.json", {**HONGZE, "year": 2022})
    (b / "notes.txt").write_text("not included", encoding="utf-8")
    s = build([a, b], tmp_path / "out", parser=fakeparse.parse, jobs=1, include=["*.json"])
    assert s.files == 2 and s.statuses["ok"] == 2
    with build_lock(tmp_path / "out"), pytest.raises(BuildLocked):
        run(a, tmp_path / "out")


def test_an_output_folder_inside_raw_is_not_read(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "one.json", {**HONGZE, "year": 2021}, [("requests.new", 1)])
    first = run(raw, raw / "processed")
    again = run(raw, raw / "processed")  # the first build's outputs are not inputs of the second
    assert first.files == again.files == 1 and again.up_to_date


def test_a_folder_that_cannot_be_listed_gets_a_manifest_row(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    write(raw / "one.json", {**HONGZE, "year": 2021}, [("requests.new", 1)])
    real_walk = os.walk

    def walk_with_a_locked_folder(top, onerror=None, **kw):
        onerror(PermissionError(13, "Permission denied", str(raw / "locked")))
        yield from real_walk(top, onerror=onerror, **kw)

    monkeypatch.setattr(os, "walk", walk_with_a_locked_folder)
    s = run(raw, tmp_path / "out")
    m = table(tmp_path / "out", "manifest").set_index("source_path")
    assert m.loc[str(raw / "locked"), ["status", "error"]].tolist() == [
        "failed", f"{raw / 'locked'}: cannot list folder (Permission denied)"]
    assert s.statuses == {"ok": 1, "warning": 0, "failed": 1, "skipped": 0}


def test_govstats_check_summarises_failed_checks(built, capsys):
    from govstats.cli import main

    raw, out, _ = built
    assert main(["check", str(out)]) == 0
    text = capsys.readouterr().out
    assert "failed checks by agency" in text and "cross_year.carry" in text and "淮安市洪泽区人民政府" in text


BUILD_SCRIPT = """
import json, sys
from govstats.dataset import build, parallel
from tests.fixtures.build import fakeparse
parallel.FLUSH_REPORTS = 4
s = build([sys.argv[1]], sys.argv[2], parser=fakeparse.parse, jobs=2)
print(json.dumps({"parsed": s.parsed, "files": s.files, "ok": s.statuses["ok"]}))
"""


def build_in_subprocess(raw: Path, out: Path, **popen) -> subprocess.Popen:
    """A build in a fresh interpreter (its parser version is computed from the files as they are now)."""
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(raw), str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_kill_9_mid_build_leaves_the_old_dataset_readable_and_the_next_build_completes(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "first.json", {**HONGZE, "year": 2019}, [("requests.new", 1)])
    run(raw, out)
    before = {n: pq.read_table(out / f"{n}.parquet") for n in OUTPUTS}
    for i in range(60):
        write(raw / f"slow_{i:02d}.json", {**HONGZE, "agency": f"洪泽区第{i}局", "year": 2020}, [("requests.new", i)], sleep=0.1)
    proc = build_in_subprocess(raw, out, start_new_session=True)
    parts = out / CACHE_DIR
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(parts.rglob("*.parsed.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-way
    proc.wait()
    for n, t in before.items():
        assert pq.read_table(out / f"{n}.parquet").equals(t), n  # the previous dataset, intact
    again = build_in_subprocess(raw, out)
    stdout, stderr = again.communicate(timeout=120)
    s = json.loads(stdout)
    assert (s["files"], s["ok"]) == (61, 61), stderr
    assert 0 < s["parsed"] < 60  # resumed from the parts the killed build had finished
    assert len(table(out, "reports")) == 61


# --------------------------------------------------------------------------- streamed assembly
def sorted_table(out: Path, name: str) -> pd.DataFrame:
    df = table(out, name).drop(columns=[c for c in ("seconds", "cached", "mtime_ns") if c in table(out, name)])
    keys = [c for c in df.columns if c != "warnings"]
    return df.sort_values(keys, ignore_index=True, na_position="last")


def test_assembling_part_by_part_gives_the_tables_of_one_batch(tmp_path, monkeypatch):
    """Outputs are assembled as parts arrive (here one report per part, so the duplicate agency-year,
    the cross-year pair and the corrected report all span parts): same rows as in one batch."""
    from govstats.dataset import parallel

    raw = make_corpus(tmp_path / "raw")
    (tmp_path / "corrections.csv").write_text("report,indicator,applicant,value,reason,who\n"
                                              "hongze_2024.json,requests.carried_over,business,2,misprint,ab\n",
                                              encoding="utf-8")
    one = run(raw, tmp_path / "one", corrections=tmp_path / "corrections.csv")
    monkeypatch.setattr(parallel, "FLUSH_REPORTS", 1)
    many = run(raw, tmp_path / "many", corrections=tmp_path / "corrections.csv")
    assert (one.values, one.failed_checks) == (many.values, many.failed_checks)
    for name in OUTPUTS:
        pd.testing.assert_frame_equal(sorted_table(tmp_path / "one", name), sorted_table(tmp_path / "many", name))
    h = table(tmp_path / "many", "harmonized")
    assert not h.duplicated(["agency_key", "year", "indicator", "applicant"]).any()
    assert not h["synthetic"].any()  # the synthetic copy of 2023 was harmonized, then dropped: not primary


def test_a_rebuild_from_the_cache_gives_the_same_tables(built, tmp_path):
    raw, out, _ = built
    before = {n: sorted_table(out, n) for n in OUTPUTS}
    (out / STATE_FILE).unlink()  # not up to date: everything is assembled again from the cache
    again = run(raw, out)
    assert again.parsed == 0 and not again.up_to_date
    for name in OUTPUTS:
        pd.testing.assert_frame_equal(before[name], sorted_table(out, name))


def test_worker_tables_default_applicant_and_unit_and_derive_counts():
    from govstats.dataset.worker import Task, parse_chunk
    from govstats.model import Check, Meta, ParseResult, Value

    result = ParseResult(Meta(agency="某局", year=2022), [
        Value("requests.new", 12, applicant=None, span=(3, 5)),
        Value("fees.amount", 2.0),
        Value("requests.new", 2.5, applicant="", unit="件"),
        Value("outcome.granted", None, note="blank"),
    ], [Check("identity.x", "fail", applicant=None)], [])
    chunk = parse_chunk([Task("/x.txt", "ab" * 32)], lambda path: result, "v", None)
    v = chunk.values.to_pydict()
    assert v["applicant"] == ["total", "total", "total", "total"]
    assert v["unit"] == ["件", "万元", "件", "件"]
    assert v["count"] == [12, None, None, None]  # money and fractions are no counts; NA stays NA
    assert (v["span_start"], v["span_end"]) == ([3, None, None, None], [5, None, None, None])
    assert chunk.checks.to_pydict()["applicant"] == ["total"]
    assert chunk.parsed.to_pydict()["n_failed_checks"] == [1]


def test_a_chunk_result_crosses_processes_intact():
    """Chunk results travel from the workers as Arrow IPC streams: same rows, types and metadata."""
    import pickle

    from govstats.dataset.worker import Task, parse_chunk
    from govstats.model import Meta, ParseResult, Value

    result = ParseResult(Meta(agency="某局", year=2021), [Value("requests.new", 3)], [], ["a warning"])
    chunk = parse_chunk([Task("/x.txt", "cd" * 32)], lambda path: result, "v", None)
    back = pickle.loads(pickle.dumps(chunk))
    for kind in ("parsed", "values", "checks"):
        assert getattr(back, kind).equals(getattr(chunk, kind))
        assert getattr(back, kind).schema.equals(getattr(chunk, kind).schema, check_metadata=True)
    assert back.parsed.to_pydict()["warnings"] == [["a warning"]]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_that_fails_mid_way_leaves_the_previous_dataset_and_no_temp_files(tmp_path, monkeypatch, jobs):
    """An error of the build itself (here: assembling the third part) stops it: nothing is
    committed, no temp file is left, and the parts written before are reused by the next build."""
    from govstats.dataset import assemble, parallel

    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "a.json", {**HONGZE, "year": 2020}, [("requests.new", 1)])
    run(raw, out)
    before = {n: pq.read_table(out / f"{n}.parquet") for n in OUTPUTS}
    for y in (2021, 2022, 2023):
        write(raw / f"r{y}.json", {**HONGZE, "year": y}, [("requests.new", y)])
    monkeypatch.setattr(parallel, "FLUSH_REPORTS", 1)
    real_add, calls = assemble.Assembler.add, []

    def add_then_fail(self, batch):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        real_add(self, batch)

    monkeypatch.setattr(assemble.Assembler, "add", add_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(raw, out, jobs=jobs)
    for n, t in before.items():
        assert pq.read_table(out / f"{n}.parquet").equals(t), n
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    monkeypatch.setattr(assemble.Assembler, "add", real_add)
    s = run(raw, out, jobs=jobs)
    assert s.statuses["ok"] == 4 and s.parsed < 3  # the parts written before the failure are reused


def test_a_forked_worker_does_not_keep_the_build_lock(tmp_path):
    """Workers are forked while the build holds its lock: a worker still busy after the build
    stopped must not keep the next build out."""
    import multiprocessing as mp

    if not hasattr(os, "register_at_fork"):
        pytest.skip("no fork")
    ctx = mp.get_context("fork")
    started = ctx.Event()

    def busy_worker() -> None:
        started.set()
        time.sleep(5)

    with build_lock(tmp_path / "out"):
        child = ctx.Process(target=busy_worker)
        child.start()
    started.wait(10)
    try:
        with build_lock(tmp_path / "out"):
            pass
    finally:
        child.kill()
        child.join()


@pytest.mark.parametrize("n, jobs", [(0, 2), (1, 2), (5, 2), (100, 2), (300, 4), (4095, 2), (10_000, 2), (10_000, 1)])
def test_chunks_cover_every_input_once_in_order_and_end_small_when_workers_share_them(n, jobs):
    from govstats.dataset.cache import SMALL_PART
    from govstats.dataset.parallel import MAX_CHUNK, TAIL_CHUNKS, TAIL_SIZE, _chunks

    tasks = list(range(n))
    chunks = _chunks(tasks, jobs)  # type: ignore[arg-type]
    assert [t for c in chunks for t in c] == tasks and all(chunks)
    assert max(map(len, chunks), default=0) <= MAX_CHUNK
    if jobs > 1 and n >= 8 * jobs * MAX_CHUNK:
        # the last chunks are small, so the workers finish together; but not so small that the
        # cache would need compacting after the build
        assert [len(c) for c in chunks[-TAIL_CHUNKS * jobs * MAX_CHUNK // TAIL_SIZE:]] == [TAIL_SIZE] * (TAIL_CHUNKS * jobs * MAX_CHUNK // TAIL_SIZE)
        assert TAIL_SIZE >= SMALL_PART
    else:
        assert len({len(c) for c in chunks[:-1]}) <= 1  # one size, the last one smaller


def test_a_fresh_build_walks_and_hashes_in_a_child_beside_the_imports_a_rebuild_does_not(tmp_path, monkeypatch):
    """Inputs walked and hashed in a forked child (a build that cannot be up to date) are the
    inputs walked here; a build that may be up to date walks here and imports no pandas."""
    from govstats.dataset import pipeline
    from govstats.dataset.inputs import sha256_file, walk

    raw = make_corpus(tmp_path / "raw")
    (raw / "copy.json").write_bytes((raw / "hongze_2023.json").read_bytes())
    out = tmp_path / "out"
    if (os.cpu_count() or 1) > 1 and sys.platform.startswith("linux"):
        prepared: list[int] = []
        monkeypatch.setattr(pipeline, "_prepare_parsing", lambda parser, jobs: prepared.append(os.getpid()))
        files = pipeline._inputs([str(raw)], (), out, True, None, 2)
        assert prepared == [os.getpid()]  # the imports ran here, beside the child
        expected = walk([str(raw)], exclude=[out])
        assert [(f.source_path, f.size, f.status) for f in files] == [(f.source_path, f.size, f.status) for f in expected]
        assert [f.sha256 for f in files if f.to_parse] == [sha256_file(f.abspath) for f in expected if f.to_parse]
        assert any(f.to_parse for f in files)
    monkeypatch.undo()
    run(raw, out, jobs=2)
    code = (f"import sys; from govstats.dataset import build; from tests.fixtures.build import fakeparse; "
            f"s = build([{str(raw)!r}], {str(out)!r}, jobs=2, parser=fakeparse.parse); "
            f"assert s.up_to_date; assert 'pandas' not in sys.modules, 'pandas imported'")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-1500:]


def _worker_settings() -> tuple[int, bool]:
    import gc

    return gc.get_threshold()[0], signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_pool_workers_collect_garbage_rarely_and_leave_ctrl_c_to_the_build():
    """The workers' cyclic collector runs every GC_THRESHOLD allocations (not Python's 700: a
    parse allocates many short-lived objects), and Ctrl-C goes to the build process only."""
    import gc

    from govstats.dataset.parallel import _pool
    from govstats.dataset.worker import GC_THRESHOLD

    assert GC_THRESHOLD >= 10_000
    with _pool(1) as ex:
        assert ex.submit(_worker_settings).result(timeout=60) == (GC_THRESHOLD, True)
    assert gc.get_threshold()[0] != GC_THRESHOLD  # the build process keeps its own setting
