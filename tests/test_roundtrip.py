"""Round trip: generated reports with known values -> parser -> every printed value recovered.

``govstats.synth`` renders reports of every edition, in every table layout, in both scripts, as
.txt/.html/.docx/.pdf, with random internally consistent numbers, blank cells, ``-`` cells, noise
lines and deliberate arithmetic errors; its truth says what each report prints. The parser must:

- recover every number the tables print, exactly, under the right indicator and applicant;
- turn a blank or ``-`` cell into NA (absent or ``None``), never into 0;
- emit no table value the report does not print (precision);
- get the metadata right;
- flag exactly the identities the injected errors break, and no other table identity.

The hypothesis test runs 500 generated reports per run (``derandomize`` in CI so a red run can be
reproduced; locally each run explores new seeds).
"""
from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings

from govstats import synth
from govstats.parse import parse_bytes

settings.register_profile(
    "roundtrip", max_examples=500, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None,
)

META_FIELDS = ("agency", "year", "province", "city", "county", "edition", "doc_kind", "script")
TABLE_CHECK_PREFIXES = ("sec3.", "sec4.", "legacy.")


def _same(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    except (TypeError, ValueError):
        return False


def _row_of(key: str) -> str:
    """The printed table row a truth key belongs to (applicant columns of table 三 share a row;
    table 四 is one row; a Section 二 row holds one item's columns)."""
    code = key.split("@")[0]
    if code.startswith(("review.", "litigation.direct.", "litigation.after_review.")):
        return "sec4"
    if "@" in key or code.startswith(("requests.new", "requests.carried", "outcome.")):
        return code
    if code.startswith(("rules.", "licensing.", "other_services.", "penalties.", "coercion.", "fees.items", "procurement.")):
        return code.rsplit(".", 1)[0]
    return code


def _rows_around_blanks(spec: synth.ReportSpec) -> set[str]:
    """Rows holding a blank cell, and the printed rows right before and after them."""
    order: list[str] = []
    for k in spec.table_keys:
        if _row_of(k) not in order:
            order.append(_row_of(k))
    blank = {_row_of(k) for k, v in spec.truth.items() if v is None}
    out = set(blank)
    for i, row in enumerate(order):
        if row in blank:
            out.update(order[max(0, i - 1) : i + 2])
    return out


def parse_spec(spec: synth.ReportSpec, fmt: str | None = None):
    fmt = fmt or spec.natural_format
    return parse_bytes(synth.render(spec, fmt), f"synthetic_{spec.seed}.{fmt}")


def problems(spec: synth.ReportSpec, result) -> list[str]:
    """Everything the parse got wrong against the spec's truth (empty list: a perfect round trip)."""
    out: list[str] = []
    table = {}
    for v in result.values:
        if v.source == "table":
            table.setdefault(v.key(), v)
    lossy = spec.layout in synth.LOSSY_LAYOUTS
    # In PDF text a blank cell leaves no trace: its row is one number short and cannot be read
    # without guessing which column is missing (the parser skips it, with a warning), and a lone
    # value printed between a label whose value vanished and a wrapped label may belong to either.
    # Those rows and their neighbours are not judged; everything else is.
    unjudged = _rows_around_blanks(spec) if lossy else set()
    for key, want in spec.truth.items():
        if spec.where.get(key) not in ("table", "both") or _row_of(key) in unjudged:
            continue
        got = table.get(key)
        if want is None:
            if got is not None and got.value is not None:
                out.append(f"{key}: printed {spec.printed.get(key)!r} (NA) came out as {got.value}")
        elif got is None:
            out.append(f"{key}: {want} not found")
        elif not _same(got.value, want):
            out.append(f"{key}: got {got.value} want {want} (printed {spec.printed.get(key)!r})")
    for key, v in table.items():
        if key not in spec.truth and v.indicator != "extra" and v.value is not None:
            out.append(f"{key}: {v.value} extracted but not printed ({v.label!r})")
    for f in META_FIELDS:
        if getattr(result.meta, f) != spec.meta.get(f):
            out.append(f"meta.{f}: got {getattr(result.meta, f)!r} want {spec.meta.get(f)!r}")
    expected = {(o.identity.name, o.identity.applicant) for o in spec.failing}
    table_checks = [c for c in result.checks if c.check.startswith(TABLE_CHECK_PREFIXES)]
    # a broken "其中" breakdown may be reported as uncertain (其中 need not be exhaustive)
    flagged = {(c.check, c.applicant) for c in table_checks if c.status in ("fail", "uncertain")}
    failed = {(c.check, c.applicant) for c in table_checks if c.status == "fail"}
    if not lossy:
        for name, applicant in sorted(expected - flagged):
            out.append(f"check {name} ({applicant}) should fail")
    for name, applicant in sorted(failed - expected):
        out.append(f"check {name} ({applicant}) failed but the table is consistent there")
    return out


@settings(settings.get_profile("roundtrip"))
@given(synth.specs(blank_cells=1, na_cells=1, errors=1))
def test_roundtrip_property(spec):
    assert problems(spec, parse_spec(spec)) == []


@pytest.mark.parametrize("edition, layout, script", synth.CASES, ids=lambda x: str(x))
def test_every_edition_layout_script_with_a_blank_cell(edition, layout, script):
    for seed in (1, 2):
        spec = synth.random_spec(seed, edition=edition, layout=layout, script=script, blank_cells=1, na_cells=1)
        assert problems(spec, parse_spec(spec)) == [], f"seed {seed}"


@pytest.mark.parametrize("layout", synth.LAYOUTS)
def test_collapsed_other_row_in_a_2021_report(layout):
    """A 2021 report whose (六)其他处理 is one row (Hongze PDFs): outcome.other, not its sub-rows."""
    spec = synth.random_spec(7, edition="gov2021", variant="collapsed_other", layout=layout, blank_cells=1)
    assert "outcome.other" in spec.truth and "outcome.other.no_fee" not in spec.truth
    assert problems(spec, parse_spec(spec)) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("edition", ["legacy", "gov2019", "gov2021"])
def test_word_and_pdf_round_trip(fmt, edition):
    for seed in (3, 4):
        spec = synth.random_spec(seed, edition=edition, blank_cells=1, na_cells=1)
        assert problems(spec, parse_spec(spec, fmt)) == [], f"seed {seed}"


@pytest.mark.parametrize("edition", ["legacy", "gov2019", "gov2021"])
def test_injected_errors_are_flagged_and_printed_numbers_kept(edition):
    spec = synth.random_spec(11, edition=edition, layout="pipe_rows", errors=2)
    assert spec.failing, "the generator injected no error"
    result = parse_spec(spec)
    assert problems(spec, result) == []
