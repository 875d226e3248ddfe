"""``govstats build`` with the real parser: bad inputs end in a complete manifest with clear reasons,
the seeds and the shared PDFs build into all five tables, the command's summary and exit status."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

from tests.conftest import PDF_DIR, RAW, SEEDS, pdf_paths

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^(\d+) files: ok (\d+), warning (\d+), failed (\d+), skipped (\d+); (\d+) values, (\d+) failed checks; [\d.]+ s", re.M)


def govstats_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govstats.cli", "build", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def manifest(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "manifest.parquet").set_index("source_path")


def text_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i, line in enumerate(lines):
        c.drawString(72, 800 - 14 * i, line)
    c.showPage()
    c.save()
    return path


def bad_inputs(folder: Path) -> dict[str, str]:
    """The bad-input list of the build issue; returns name -> expected manifest status."""
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.bin").write_bytes(os.urandom(20000))
    whole = text_pdf(folder / "whole.pdf", ["Annual report"] * 40).read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "whole.pdf").unlink()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "scanned.pdf"))
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    with zipfile.ZipFile(folder / "junk.docx", "w") as z:
        z.writestr("junk.bin", os.urandom(2000))
    page = ("<html><body><h1>某某市人民政府2019年政府信息公开工作年度报告</h1><p>本年度主动公开政府信息1234条，"
            "收到政府信息公开申请56件，均已按时办结。</p></body></html>")
    (folder / "gbk_no_charset.html").write_bytes(page.encode("gbk"))
    (folder / "weather.html").write_text("<html><head><title>天气预报</title></head><body><p>今天晴，明天多云，"
                                         "气温十五度。</p></body></html>", encoding="utf-8")
    shutil.copy(SEEDS[2], folder / "report_copy_1.txt")
    shutil.copy(SEEDS[2], folder / "report_copy_2.txt")
    return {"empty.txt": "failed", "random.bin": "failed", "truncated.pdf": "failed", "scanned.pdf": "failed",
            "junk.docx": "failed", "gbk_no_charset.html": "parsed", "weather.html": "failed",
            "report_copy_1.txt": "parsed", "report_copy_2.txt": "skipped"}


def test_bad_inputs_end_in_a_complete_manifest_with_one_line_reasons(tmp_path):
    expected = bad_inputs(tmp_path / "bad")
    out = tmp_path / "out"
    p = govstats_build(str(tmp_path / "bad"), "--out", str(out), "--jobs", "2")
    assert p.returncode == 0, p.stderr
    m = SUMMARY.search(p.stderr)
    assert m and int(m.group(1)) == len(expected), p.stderr
    rows = manifest(out)
    assert len(rows) == len(expected)
    for name, status in expected.items():
        row = rows.loc[str(tmp_path / "bad" / name)]
        got = "parsed" if row["status"] in ("ok", "warning") else row["status"]
        assert got == status, (name, row["status"], row["error"])
        if status != "parsed":
            assert isinstance(row["error"], str) and row["error"] and "\n" not in row["error"], name
            assert not row["error"].startswith("internal error"), (name, row["error"])  # bad input is not a bug
    assert "empty" in rows.loc[str(tmp_path / "bad" / "empty.txt"), "error"]
    assert rows.loc[str(tmp_path / "bad" / "report_copy_2.txt"), "error"] == f"duplicate of {tmp_path / 'bad' / 'report_copy_1.txt'}"


def test_nothing_readable_exits_non_zero_with_the_summary(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.txt").write_bytes(b"")
    (tmp_path / "bad" / "noise.bin").write_bytes(os.urandom(5000))
    p = govstats_build(str(tmp_path / "bad"), "--out", str(tmp_path / "out"))
    assert p.returncode == 1
    assert SUMMARY.search(p.stderr) and "nothing could be read" in p.stderr
    assert len(manifest(tmp_path / "out")) == 2


def test_oversized_and_slow_texts_do_not_hold_up_the_batch(tmp_path):
    """A 50 MB text is no single report: the loader refuses it with a one-line reason (it used to
    take minutes in the parser). A text under that cap still meets the build's per-file timeout:
    parsed in time, or failed with the timeout reason, while the rest of the batch goes on."""
    raw = tmp_path / "raw"
    raw.mkdir()
    line = "本年度主动公开政府信息1234条，收到政府信息公开申请56件。\n"
    (raw / "huge.txt").write_text(line * (50 * 1024 * 1024 // len(line.encode())), encoding="utf-8")
    (raw / "long.txt").write_text(line * (7 * 1024 * 1024 // len(line.encode())), encoding="utf-8")
    shutil.copy(SEEDS[0], raw / "seed.txt")
    p = govstats_build(str(raw), "--out", str(tmp_path / "out"), "--timeout", "1", "--jobs", "2")
    assert p.returncode == 0, p.stderr
    rows = manifest(tmp_path / "out")
    assert rows.loc[str(raw / "seed.txt"), "status"] in ("ok", "warning")
    huge = rows.loc[str(raw / "huge.txt")]
    assert huge["status"] == "failed" and "too large for one report" in huge["error"] and "\n" not in huge["error"]
    long = rows.loc[str(raw / "long.txt")]
    assert long["status"] in ("ok", "warning") or long["error"] == "parse timed out after 1 s"
    assert long["seconds"] < 30


def test_seeds_and_pdfs_build_all_tables_and_the_hongze_pair_is_one_agency(tmp_path, require_shared_pdfs):
    out = tmp_path / "processed"
    p = govstats_build(str(RAW), str(PDF_DIR), "--out", str(out))
    assert p.returncode == 0, p.stderr
    m = manifest(out)
    assert SUMMARY.search(p.stderr).group(1) == str(len(m))
    real = m[~m["synthetic"].astype(bool)]  # data/raw/synthetic holds a generated demo panel
    assert len(real) == len(SEEDS) + len(pdf_paths()) and real["status"].isin(["ok", "warning"]).all()
    reports = pd.read_parquet(out / "reports.parquet")
    assert reports.loc[~reports["synthetic"].astype(bool), "primary"].all()  # a real report is never outranked
    hongze = reports[reports["source_path"].str.contains("hongze_district")]
    assert hongze["year"].tolist() == [2023, 2024] and hongze["agency_key"].nunique() == 1
    checks = pd.read_parquet(out / "checks.parquet")
    carry = checks[(checks["check"] == "cross_year.carry") & checks["agency_key"].isin(hongze["agency_key"])]
    assert len(carry) and carry["status"].isin(["pass", "fail"]).all()
    assert (carry["other_report_id"] == hongze["report_id"].iloc[0]).all()
    harmonized = pd.read_parquet(out / "harmonized.parquet")
    assert set(harmonized["report_id"]) == set(reports.loc[reports["primary"].astype(bool), "report_id"])
    assert not harmonized.duplicated(["agency_key", "year", "indicator", "applicant"]).any()
    again = govstats_build(str(RAW), str(PDF_DIR), "--out", str(out))
    assert "(up to date)" in again.stderr
