"""Synthetic 政府信息公开工作年度报告 whose true values are known.

Used by property tests (with the parser), benchmarks and the demo data. Every number is drawn so
that all identities of templates.md §2 hold, then optionally broken on purpose; the truth records
what the report prints, so a parse can be compared with it.

Quick use::

    from govstats import synth
    spec = synth.random_spec(42, edition="gov2021", layout="pipe_cells", blank_cells=1, errors=1)
    data = synth.render(spec, "txt")            # bytes; also "html", "docx", "pdf"
    spec.truth                                  # {"requests.new": 12, "outcome.total@business": None, …}
    spec.failing                                # identities the injected error breaks
    synth.write_corpus("corpus/", 1000, seed=1, formats=("txt", "html"))
    synth.demo_panel("data/raw/demo")

``random_spec(seed, **options) -> ReportSpec`` (``seed``: int or ``random.Random``; the same seed
and options always give the same spec and the same bytes). Options (None = drawn at random):

- ``edition``: "legacy" (prose sections + appended 统计表), "gov2019" (二: five tables, 三: 23
  rows with a single (六), 四: 15 values), "gov2021" (二: four tables, 三: 25 rows with the (六)
  group of three), "narrative" (prose only, numbers in the phrasings of templates.md §4).
- ``variant``: legacy "national" | "guizhou" (provincial rows, no 依申请 block, units only for
  万元/人次, 监督员 rows printed "-"); gov2019 "standard" | "guizhou_appendix" (the Guizhou
  统计表 appended, like seed 000); gov2021 "standard" | "collapsed_other" (a single (六)其他处理
  row, as in real Hongze PDFs); narrative "standard".
- ``layout`` (how tables look in .txt, templates.md §5): "one_cell_per_line" (a),
  "pipe_cells" (b: trailing " |" and "|||" filler lines), "indented_blank" (c: 2-space indent,
  blank lines, empty cell = one more blank line), "pipe_rows" (d: a row per line, row-spanning
  labels on their first row), "markdown" (with ``|---|``), "tsv", "pdf_text" (values after the
  label on one line, long labels wrapped with the values before or between their lines, page
  marks, wrapped prose with spaced numbers; blank cells vanish, see ``LOSSY_LAYOUTS``) and
  "html" (the layout of the html format; as .txt it renders one cell per line).
- ``script``: "simplified" | "traditional" (OpenCC s2twp: zh-TW with Taiwan phrases, like seeds
  000/001). ``fullwidth``: （）：，； instead of the NFKC ASCII forms.
- ``agency`` (any name; ``region`` = {province, city, county, level} for the meta truth) or a
  random real region of the gazetteer with a department of the era; ``year`` (default by edition:
  legacy 2009-2018, gov2019 2019-2020, gov2021 2021-2024); ``title``: False = no title line (the
  agency is then named in the first sentence of the body, as in seed 002).
- ``scale``: "zero" (zero-heavy tables) | "small" | "medium" | "large" (requests up to 60 000,
  decisions up to millions).
- ``blank_cells``, ``na_cells``: how many table cells print blank / "-" ("/", "—"): truth None,
  ``notes[key]`` "blank" / "not_applicable". ``errors``: wrong printed totals (truth = the printed
  number; ``spec.failing`` lists the identities that then fail); in a report without tables, wrong
  stated percentages instead (``spec.share_errors``; none when the prose states no percentage).
  Defects never touch a key the prose states.
- ``noise``: True / False / a set of "page_marks", "chrome" (breadcrumbs, 相关词条/热门词条/联系我们),
  "header_meta" (索引号 … 发布机构 … 发布时间 …), "spam" (a token such as UedBet体育 inside a
  sentence), "label_spacing" (商业 企业, runs of spaces inside long labels).
- ``approx``: probability that a prose-only channel figure is stated approximately ("1700余条");
  it then goes to ``spec.approx``, not ``truth``. ``demo``: first line 【合成演示数据 synthetic demo report】.
- Label variants are drawn per report (``spec.labels``): numbering "1." / "1、" / "1．", ASCII or
  curly quotes, 规范性文件 vs 行政规范性文件, notes joined or on their own line, ``<br />`` in HTML
  headers, the 2019 (五)/(六) tables with different header and data colspans.

Truth format (``ReportSpec``): ``truth`` maps a key to a number or None. Keys follow the gold
convention: ``indicator`` for the applicant total (the 总计 column), ``indicator@applicant`` for a
column (natural_person, business, research, social_org, legal_service, other_org; prose may state
``@legal_entities``). Codes are those of ``govstats/codebook/indicators.csv``; amounts (万元) are
floats. ``where[key]``: "table", "narrative" or "both"; ``printed[key]``: the cell text ("+8",
"49万元", "", "-"); ``notes``, ``approx``, ``share_errors`` as above; ``checks``: every reference
identity (``synth.identities``, named like the checks of ``codebook/identities.csv``: I1
sec3.balance and I3 sec3.outcome_total per applicant column, I2 sec3.row_sum.<code>, I8
sec4.review_total / direct_total / after_review_total, legacy.* O-a … O-k, narrative.* sums of
prose breakdowns) with status pass / fail / not_assessable;
``meta``: agency, year, province, city, county, level, edition, doc_kind, script, title, published;
``facts``: every number drawn, including what blank cells hide and group totals the form omits.
``spec.gold(file)`` gives the ``*.gold.json`` of ``shared/tools/score.py``; ``spec.to_json()`` the
``truth.jsonl`` record.

``render(spec, fmt=None) -> bytes``: "txt", "html" (real ``<table>`` with rowspan/colspan,
``&nbsp;`` blanks), "docx" (Word tables with merged cells), "pdf" (reportlab, CID font
STSong-Light, ruled tables pdfplumber finds, tables may break across pages, ``- n -`` footers).

``write_corpus(out_dir, n, seed=0, formats=("txt",), gold=True, **options) -> list[Path]`` writes
reports, their ``.gold.json`` and ``truth.jsonl``. ``demo_panel(out_dir, seed=0)`` writes the
fictional 澄湖市 panel (see ``corpus.PANEL``). ``CASES``: every (edition, layout, script);
``specs(cases=CASES, **options)``: a hypothesis strategy of ReportSpecs.
"""
from __future__ import annotations

import itertools
from typing import Any, Iterable, Optional

from ..model import EDITIONS
from .corpus import PANEL, demo_panel, write_corpus
from .identities import Identity, Outcome, evaluate, evaluate_all, identities
from .render import render
from .spec import (FORMATS, LAYOUTS, LOSSY_LAYOUTS, NOISE_KINDS, SCRIPTS, TEXT_LAYOUTS, VARIANTS, LabelStyle,
                   ReportSpec, random_spec)

#: every (edition, layout, script) combination
CASES: tuple[tuple[str, str, str], ...] = tuple(itertools.product(EDITIONS, LAYOUTS, SCRIPTS))


def specs(cases: Optional[Iterable[tuple[str, str, str]]] = None, **options: Any):
    """A hypothesis strategy of ``ReportSpec`` over ``cases`` (default ``CASES``); ``options``
    are passed to ``random_spec``. Needs hypothesis (a test dependency)."""
    from hypothesis import strategies as st

    pool = tuple(cases or CASES)
    return st.builds(lambda case, seed: random_spec(seed, edition=case[0], layout=case[1], script=case[2], **options),
                     st.sampled_from(pool), st.integers(0, 2**32 - 1))


__all__ = ["CASES", "EDITIONS", "FORMATS", "LAYOUTS", "LOSSY_LAYOUTS", "NOISE_KINDS", "PANEL", "SCRIPTS",
           "TEXT_LAYOUTS", "VARIANTS", "Identity", "LabelStyle", "Outcome", "ReportSpec", "demo_panel", "evaluate",
           "evaluate_all", "identities", "random_spec", "render", "specs", "write_corpus"]
