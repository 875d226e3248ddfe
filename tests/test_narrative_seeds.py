"""Prose figures of the seed reports and of the real PDFs against their gold files.

The seeds are read as text (``normalize_text``), the PDFs through pdfplumber's text layer, so these
tests exercise the narrative extractor alone. ``PROSE_KEYS`` lists, per seed, the gold values the
report states in prose and in no table (seed 003 states all of its prose figures in its 统计表 too).
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from govstats.extract.narrative import extract_narrative
from govstats.model import Meta, Value
from govstats.normalize import normalize_text

from .conftest import PDF_DIR, SEEDS, gold_for

PROSE_KEYS: dict[str, list[str] | None] = {  # None: every gold value (a report without tables)
    "000": [
        "requests.new", "requests.new@natural_person", "requests.by_channel.online", "requests.by_channel.letter",
        "outcome.granted", "outcome.unable.not_held", "outcome.unable.unclear", "review.total", "litigation.total",
        "fees.collected", "channel.news_media", "channel.toutiao",
    ],
    "001": None,
    "003": ["channel.news_media"],
    "004": None,
}


def _seed(prefix: str) -> Path:
    path = next((p for p in SEEDS if p.name.startswith(prefix)), None)
    if path is None:
        pytest.skip(f"seed {prefix} not in data/raw")
    return path


@functools.lru_cache(maxsize=None)
def _seed_values(prefix: str) -> tuple[list[Value], list[str], dict]:
    path = _seed(prefix)
    gold = gold_for(path)
    doc = normalize_text(path.read_text(encoding="utf-8"), str(path))
    values, warnings = extract_narrative(doc, Meta(agency=gold["meta"]["agency"]), [])
    return values, warnings, gold


def _first(values: list[Value]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for v in values:
        out.setdefault(v.key(), v)
    return out


def test_recall_and_precision_on_the_prose_of_the_seeds():
    hits = total = right = judged = 0
    for prefix, keys in PROSE_KEYS.items():
        values, _, gold = _seed_values(prefix)
        want = gold["values"]
        got = _first(values)
        keys = list(want) if keys is None else keys
        total += len(keys)
        hits += sum(1 for k in keys if k in got and got[k].value == pytest.approx(want[k]))
        for k, v in got.items():
            if k in want and k not in gold.get("approx", {}):
                judged += 1
                right += v.value == pytest.approx(want[k])
    assert hits / total >= 0.95, (hits, total)
    assert right / judged >= 0.98, (right, judged)


@pytest.mark.parametrize("prefix", sorted(PROSE_KEYS))
def test_every_prose_value_of_a_seed(prefix):
    values, _, gold = _seed_values(prefix)
    got = _first(values)
    keys = PROSE_KEYS[prefix]
    keys = list(gold["values"]) if keys is None else keys
    assert {k: got[k].value for k in keys if k in got} == {k: gold["values"][k] for k in keys}
    wrong = {k: (v.value, gold["values"][k]) for k, v in got.items() if k in gold["values"] and v.value != gold["values"][k]}
    assert wrong == {}


def test_seed_000_zeros_stated_in_words():
    values, _, _ = _seed_values("000")
    zeros = {v.key(): v for v in values if v.note and "zero stated in words" in v.note}
    assert set(zeros) >= {"review.total", "litigation.total", "fees.collected"}
    assert all(v.value == 0 for v in zeros.values())


def test_seed_001_two_website_figures_section_two_first():
    values, warnings, _ = _seed_values("001")
    website = [v for v in values if v.key() == "channel.website"]
    assert [v.value for v in website] == [30571, 25207]
    assert "通过政府网站公开政府信息" in website[0].evidence
    assert any("channel.website" in w for w in warnings)
    corrected = [v.value for v in values if v.key() == "review.corrected"]
    assert corrected == [1, 3]  # section 四 before the overview's 被撤销或纠错3宗


def test_seed_001_shares_are_kept_as_printed():
    values, _, _ = _seed_values("001")
    got = _first(values)
    assert (got["requests.by_channel.letter"].stated_share, got["requests.by_channel.letter"].share_of) == (2.73, "requests.new")
    assert (got["outcome.denied"].stated_share, got["outcome.denied"].share_of) == (30.0, "outcome.total")


def test_seed_002_states_no_review_in_words():
    values, _, _ = _seed_values("002")
    got = _first(values)
    assert got["review.total"].value == 0 and got["litigation.total"].value == 0
    assert got["fees.collected"].value == 0


def test_seed_004_approximate_wechat_and_no_combined_figure():
    values, _, gold = _seed_values("004")
    got = _first(values)
    assert got["channel.wechat"].value == gold["approx"]["channel.wechat"]
    assert got["channel.wechat"].approximate is True
    assert 235 not in [v.value for v in values]


# --------------------------------------------------------------------------- real PDFs
PDF_EXPECTED = {
    "hongze_district_gov_2023": {"channel.website": 1136, "requests.new": 21, "fees.collected": 0},
    "hongze_district_gov_2024": {"channel.website": 2428, "requests.new": 17, "fees.collected": 0},
    "huaian_city_gov_2024": {
        "channel.website": 5500, "response.press_conferences": 12, "requests.new": 3119, "outcome.total": 3050,
        "requests.carried_over": 34, "requests.carried_forward": 103, "review.total": 351, "review.upheld": 72,
        "review.corrected": 64, "review.other": 178, "review.pending": 37, "litigation.total": 46,
        "litigation.upheld": 25, "litigation.corrected": 5, "litigation.other": 9, "fees.collected": 0.394,
        "response.interpretation_articles": 21,
    },
}


@functools.lru_cache(maxsize=None)
def _pdf_values(stem: str) -> tuple[list[Value], dict]:
    import json

    import pdfplumber

    path = PDF_DIR / f"{stem}.pdf"
    if not path.exists():
        pytest.skip("../shared/corpus/pdf not present")
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
    values, _ = extract_narrative(normalize_text(text, str(path)), Meta(agency=gold["meta"]["agency"]), [])
    return values, gold


@pytest.mark.parametrize("stem", sorted(PDF_EXPECTED))
def test_prose_figures_of_the_real_pdfs(stem):
    values, gold = _pdf_values(stem)
    got = _first(values)
    assert {k: v.value for k, v in got.items()} == PDF_EXPECTED[stem]
    for k, v in got.items():  # every prose figure the gold knows agrees with it (the scope case aside)
        if k in gold["values"] and not (v.note or "").startswith("scope:"):
            assert v.value == gold["values"][k], k
        if k in gold.get("approx", {}):
            assert v.approximate and v.value == gold["approx"][k]


def test_hongze_2024_prose_figure_of_the_government_office_is_noted():
    values, gold = _pdf_values("hongze_district_gov_2024")
    (v,) = [v for v in values if v.key() == "requests.new"]
    assert v.value == 17 != gold["values"]["requests.new"]
    assert v.note == "scope: 区政府办代表区政府"
