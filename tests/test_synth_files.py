"""Generated files: Word and PDF renderings, random corpora and the demo panel."""
from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict

import docx
import pdfplumber
import pytest

from govstats import synth
from govstats.model import APPLICANTS
from govstats.synth import forms
from govstats.synth.document import DEMO_NOTICE, convert

COLUMNS = APPLICANTS + ("total",)


def _label(spec: synth.ReportSpec, text: str) -> str:
    return convert(text, spec.script, spec.fullwidth)


# --------------------------------------------------------------------------- docx
@pytest.mark.parametrize("edition", ["gov2019", "gov2021", "legacy", "narrative"])
def test_docx_has_word_tables_with_merged_cells(edition):
    spec = synth.random_spec(21, edition=edition, scale="medium", blank_cells=1)
    document = docx.Document(io.BytesIO(synth.render(spec, "docx")))
    n_tables = {"gov2019": 7, "gov2021": 6, "legacy": 1, "narrative": 0}[edition] + (spec.variant == "guizhou_appendix")
    assert len(document.tables) == n_tables
    texts = "\n".join(p.text for p in document.paragraphs)
    assert _label(spec, spec.meta["agency"]) in texts
    if edition == "narrative":
        assert str(spec.truth["requests.new"]) in texts or "requests.none" in {s.kind for s in spec.statements}
        return
    if edition == "legacy":
        table = document.tables[0]
        row = next(r for r in table.rows if r.cells[0].text == _label(spec, "(一)收到申请数"))
        assert row.cells[-1].text == spec.printed["requests.new"]
        return
    sec3 = document.tables[-2]
    assert len(sec3.rows) == 3 + len(forms.sec3_codes(edition, spec.variant == "collapsed_other"))
    assert sec3.cell(0, 0).text == sec3.cell(2, 2).text == _label(spec, forms.BALANCE_NOTE)  # one merged cell
    total = next(r for r in sec3.rows if r.cells[1].text == _label(spec, "(七)总计"))
    assert [c.text for c in total.cells[3:]] == [spec.printed[forms.applicant_key("outcome.total", a)] for a in COLUMNS]
    sec4 = document.tables[-1]
    assert [c.text for c in sec4.rows[3].cells] == [spec.printed[k] for k in forms.SEC4_CODES]


# --------------------------------------------------------------------------- pdf
def test_pdf_tables_are_found_by_pdfplumber():
    spec = synth.random_spec(22, edition="gov2021", variant="standard", scale="large", script="simplified")
    with pdfplumber.open(io.BytesIO(synth.render(spec, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
        assert pdf.metadata.get("Title") == _label(spec, spec.meta["title"] or spec.meta["agency"])
    assert _label(spec, spec.meta["agency"]) in text.replace("\n", "")
    assert "- 1 -" in text
    assert [spec.printed[k] for k in forms.SEC4_CODES] in rows
    want = [spec.printed[forms.applicant_key("requests.new", a)] for a in COLUMNS]
    assert any(row[-7:] == want for row in rows)


def test_pdf_table_breaks_across_pages_and_traditional_text_survives():
    spec = synth.random_spec(23, edition="legacy", variant="national", script="traditional", scale="small")
    with pdfplumber.open(io.BytesIO(synth.render(spec, "pdf"))) as pdf:
        pages_with_tables = [p.page_number for p in pdf.pages if p.extract_tables()]
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
    assert len(pages_with_tables) >= 2
    assert _label(spec, "統計數") in text or "統計數" in text
    last = next(r for r in rows if r[0] and r[0].startswith(_label(spec, "(三)接受培訓")[:6]))
    assert last[-1] == spec.printed["training.trainees"]


# --------------------------------------------------------------------------- corpora
def test_write_corpus_writes_reports_gold_and_truth(tmp_path):
    paths = synth.write_corpus(tmp_path / "a", 12, seed=3, formats=("txt", "html"), blank_cells=1)
    assert len(paths) == 12 and all(p.exists() for p in paths)
    records = [json.loads(line) for line in (tmp_path / "a" / "truth.jsonl").read_text("utf-8").splitlines()]
    assert [r["file"] for r in records] == [p.name for p in paths]
    for path, record in zip(paths, records):
        gold = json.loads((path.parent / (path.stem + ".gold.json")).read_text("utf-8"))
        assert gold["file"] == path.name and record["format"] == path.suffix[1:]
        assert gold["values"] == {k: v for k, v in record["truth"].items() if v is not None}
        assert set(gold["meta"]) == {"agency", "year", "province", "city", "county", "edition", "doc_kind", "script"}
        assert (record["layout"] == "html") == (path.suffix == ".html")
    again = synth.write_corpus(tmp_path / "b", 12, seed=3, formats=("txt", "html"), blank_cells=1)
    digest = lambda ps: [hashlib.sha256(p.read_bytes()).hexdigest() for p in ps]  # noqa: E731
    assert digest(paths) == digest(again)


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    paths = synth.demo_panel(out, seed=0)
    records = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    return out, paths, records


def test_demo_panel_files(panel):
    out, paths, records = panel
    n = sum(s.years[1] - s.years[0] + 1 for s in synth.PANEL)
    assert len(paths) == len(records) == n == 54
    assert {p.suffix for p in paths} == {".txt", ".html", ".docx", ".pdf"}
    for path in paths:
        assert (out / (path.stem + ".gold.json")).exists()
        if path.suffix in (".txt", ".html"):
            assert DEMO_NOTICE in path.read_text("utf-8")
    first = docx.Document(str(next(p for p in paths if p.suffix == ".docx"))).paragraphs[0].text
    assert first == DEMO_NOTICE
    for r in records:
        assert r["demo"] and r["meta"]["city"] == "澄湖市" and r["meta"]["province"] == "沧澜省"
        year, edition = r["meta"]["year"], r["edition"]
        want = "legacy" if year <= 2018 else "gov2019" if year <= 2020 else "gov2021"
        assert edition in (want, "narrative")
    series = defaultdict(list)
    for r in records:
        series[r["series"]].append(r)
    for s in synth.PANEL:
        narrative = [r["meta"]["year"] for r in series[s.slug] if r["edition"] == "narrative"]
        assert narrative == list(s.narrative)


def test_demo_panel_lineage_through_the_reform(panel):
    _, _, records = panel
    by_series = defaultdict(list)
    for r in records:
        by_series[r["series"]].append(r)
    successors = {r["successor"] for r in records if r["successor"]}
    assert successors == {"澄湖市市场监督管理局", "望川县生态环境局"}
    for slug in ("chenghu_aic", "chenghu_qts"):
        years = [r["meta"]["year"] for r in by_series[slug]]
        assert years == [2015, 2016, 2017, 2018]
        assert all(r["successor"] == "澄湖市市场监督管理局" for r in by_series[slug])
    assert [r["meta"]["year"] for r in by_series["chenghu_market"]] == list(range(2019, 2025))
    assert {r["meta"]["agency"] for r in by_series["chenghu_aic"]} == {"澄湖市工商行政管理局"}


def test_demo_panel_carries_requests_and_stocks_from_year_to_year(panel):
    _, _, records = panel
    by_series = defaultdict(dict)
    for r in records:
        by_series[r["series"]][r["meta"]["year"]] = r["truth"]
    carried = rolled = 0
    for years in by_series.values():
        for year, truth in years.items():
            prev = years.get(year - 1)
            if not prev:
                continue
            for a in COLUMNS:
                key = forms.applicant_key("requests.carried_forward", a)
                nxt = forms.applicant_key("requests.carried_over", a)
                if prev.get(key) is not None and truth.get(nxt) is not None:
                    assert prev[key] == truth[nxt], (year, a)
                    carried += 1
            valid, made, repealed = (truth.get(f"rules.normative_docs.{k}") for k in ("valid", "made", "repealed"))
            if None not in (valid, made, repealed, prev.get("rules.normative_docs.valid")) and year >= 2022:
                assert valid == prev["rules.normative_docs.valid"] + made - repealed
                rolled += 1
    assert carried >= 60 and rolled >= 6


def test_demo_panel_shows_defects_and_trends(panel):
    _, _, records = panel
    failing = {(r["series"], r["meta"]["year"]) for r in records if r["expected_failures"] or r["share_errors"]}
    assert ("chenghu_gov", 2022) in failing
    notes = {(r["series"], r["meta"]["year"]): r["notes"] for r in records if r["notes"]}
    assert sorted(notes[("linlan_gov", 2020)].values()) == ["blank", "blank"]
    gov = {r["meta"]["year"]: r["truth"]["requests.new"] for r in records if r["series"] == "chenghu_gov"}
    assert gov[2024] > 1.5 * gov[2015]
    channels = {r["meta"]["year"]: r["truth"] for r in records if r["series"] == "chenghu_gov"}
    assert channels[2018]["channel.wechat"] > channels[2015]["channel.wechat"]
