"""Property: odd table-shaped text never makes layout, tables or identities raise."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govstats import codebook
from govstats.checks.identities import check_identities, derive_values
from govstats.extract.tables import extract_tables
from govstats.layout import find_grids
from govstats.model import Meta
from govstats.normalize import normalize_text

_LABELS = [r["label"] for r in codebook.read_csv("labels.csv")] + [r["token"] for r in codebook.read_csv("headers.csv")]
_TOKENS = st.one_of(
    st.sampled_from(_LABELS),
    st.sampled_from(["0", "1", "12", "-1", "+8", "减4", "49万元", "251000元", "-", "/", "—", "", "件", "万元", "人次", "7730.28"]),
    st.integers(min_value=-5, max_value=100000).map(str),
    st.text(alphabet="一二三()（）.、 |\t-0123456789总计其他", max_size=8),
)
_SEPARATORS = st.sampled_from([" | ", "\n", " |\n", "\t", " ", "\n\n", "\n|||\n", "\n|---|---|\n"])
_DOCS = st.lists(st.tuples(_TOKENS, _SEPARATORS), max_size=120).map(
    lambda parts: "政府信息公开工作年度报告\n" + "".join(t + s for t, s in parts)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS)
def test_table_pipeline_never_raises(text):
    doc = normalize_text(text)
    grids = find_grids(doc)
    values, warnings = extract_tables(doc, grids, Meta())
    assert all(isinstance(w, str) for w in warnings)
    for v in values:
        assert v.source == "table" and v.table in ("sec2", "sec3", "sec4", "legacy")
        assert v.span is None or doc.text[v.span[0] : v.span[1]] == v.raw
    checks = check_identities(values + derive_values(values), Meta())
    assert all(c.status in ("pass", "fail", "uncertain", "not_assessable") for c in checks)
