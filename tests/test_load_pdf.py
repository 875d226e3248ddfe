"""load_pdf: ruled tables with merged cells, text around them, continuations, bad PDFs, real PDFs."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from govstats.errors import UnreadableInput
from govstats.load import load, load_bytes
from govstats.model import RawDocument
from govstats.normalize import normalize
from tests.fixtures.load import make_fixtures

PDF_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"


def _tables(raw: RawDocument):
    return [b for b in raw.blocks if b.kind == "table"]


def _text(raw: RawDocument) -> str:
    return "\n".join(b.text for b in raw.blocks if b.kind == "text")


# --------------------------------------------------------------------------- generated PDFs
def test_ruled_table_with_merged_cells() -> None:
    raw = load_bytes(make_fixtures.ruled_table_pdf(), "ruled.pdf")
    assert raw.kind == "pdf" and raw.n_pages == 1 and raw.warnings == []
    assert raw.title == "某县2023年政府信息公开工作年度报告"
    assert [b.kind for b in raw.blocks] == ["text", "table", "text"]
    assert all(b.page == 1 for b in raw.blocks)
    table = raw.blocks[1]
    assert table.rows == [
        ["申请人情况", None, None, "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "6"],
        [None, "（二）部分公开", "3", "3"],
    ]
    assert table.spans == {(0, 1): (0, 0), (0, 2): (0, 0), (2, 0): (1, 0)}
    assert raw.blocks[0].text == "某县人民政府2023年政府信息公开工作年度报告\n本年度共收到政府信息公开申请13件，均已按期答复。"
    assert raw.blocks[2].text.split("\n") == ["四、存在的主要问题及改进情况", "- 1 -"]


def test_table_continued_on_the_next_page() -> None:
    raw = load_bytes(make_fixtures.continued_table_pdf(60), "long.pdf")
    tables = _tables(raw)
    assert [(t.page, t.continues) for t in tables] == [(1, False), (2, True)]
    rows = tables[0].rows + tables[1].rows
    assert rows[0] == ["项目", "自然人", "法人", "总计"]
    assert [r[0] for r in rows[1:]] == [f"第{i}项申请" for i in range(1, 61)]  # nothing lost or doubled
    doc = normalize(raw)
    assert len(doc.grids) == 1 and len(doc.grids[0].rows) == 61


def test_repeated_header_rows_are_dropped_from_continuations() -> None:
    raw = load_bytes(make_fixtures.continued_table_pdf(100, repeat_header=True), "long.pdf")
    tables = _tables(raw)
    assert [(t.page, t.continues) for t in tables] == [(1, False), (2, True), (3, True)]
    rows = [r for t in tables for r in t.rows]
    assert rows[0] == ["项目", "自然人", "法人", "总计"]
    assert [r[0] for r in rows[1:]] == [f"第{i}项申请" for i in range(1, 101)]


def test_framed_prose_is_not_a_table() -> None:
    raw = load_bytes(make_fixtures.boxed_prose_pdf(), "boxed.pdf")
    assert _tables(raw) == []
    assert _text(raw).startswith("一、总体情况。本机关认真贯彻落实政府信息公开条例")


def test_scanned_pdf_without_text_layer_is_unreadable() -> None:
    with pytest.raises(UnreadableInput, match=r"PDF has no text layer \(scanned image\?\): OCR is out of scope"):
        load_bytes(make_fixtures.image_only_pdf(), "scan.pdf")


def test_partly_scanned_pdf_warns() -> None:
    raw = load_bytes(make_fixtures.image_only_pdf(pages_with_text=1), "half.pdf")
    assert raw.n_pages == 2 and "本年新收申请13件" in _text(raw)
    assert any(w.startswith("PDF pages 2 have no text layer") for w in raw.warnings)


def test_cid_glyphs_warn() -> None:
    raw = load_bytes(make_fixtures.cid_garbage_pdf(), "cid.pdf")
    assert any("PDF text layer is unusable: glyphs without Unicode mapping" in w for w in raw.warnings)


def test_encrypted_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableInput, match="encrypted PDF"):
        load_bytes(make_fixtures.encrypted_pdf(), "locked.pdf")


@pytest.mark.parametrize("cut", [0.1, 0.6, 0.99])
def test_truncated_pdf_is_unreadable(cut: float) -> None:
    data = make_fixtures.continued_table_pdf(60)
    with pytest.raises(UnreadableInput, match="truncated PDF"):
        load_bytes(data[: int(len(data) * cut)], "cut.pdf")


# --------------------------------------------------------------------------- real PDFs
def _real(name: str) -> Path:
    path = PDF_DIR / f"{name}.pdf"
    if not path.exists():
        pytest.skip(f"{path} not present (../shared not mounted)")
    return path


@pytest.fixture(scope="module")
def real() -> Callable[[str], RawDocument]:
    """Load a real PDF once per module (each takes about half a second)."""
    cache: dict[str, RawDocument] = {}

    def get(name: str) -> RawDocument:
        if name not in cache:
            cache[name] = load(_real(name))
        return cache[name]

    return get


def _row(table, label: str) -> list:
    return next(r for r in table.rows if r[0] == label or (len(r) > 1 and r[1] == label))


@pytest.mark.parametrize(
    "name, pages", [("hongze_district_gov_2023", 5), ("hongze_district_gov_2024", 5), ("huaian_city_gov_2024", 6)]
)
def test_real_pdf_page_counts_and_pages(real, name: str, pages: int) -> None:
    raw = real(name)
    assert raw.n_pages == pages and raw.warnings == []
    numbers = [b.page for b in raw.blocks]
    assert numbers == sorted(numbers) and set(numbers) == set(range(1, pages + 1))


def test_hongze_2023_section3_grid(real) -> None:
    raw = real("hongze_district_gov_2023")
    sec3 = next(t for t in _tables(raw) if any("本年新收政府信息公开申请数量" in (c or "") for r in t.rows for c in r))
    assert sec3.page == 3 and all(len(r) == 10 for r in sec3.rows)
    assert _row(sec3, "一、本年新收政府信息公开申请数量") == [
        "一、本年新收政府信息公开申请数量", None, None, "21", "0", "0", "0", "0", "0", "21"
    ]
    assert sec3.spans[(3, 1)] == (3, 0) and sec3.spans[(3, 2)] == (3, 0)
    assert sec3.rows[5][0] == "三、本年度办理结果"  # written top to bottom, one character a line
    assert _row(sec3, "（四）无法提供")[2:] == ["1.本机关不掌握相关政府信息", "10", "0", "0", "0", "0", "0", "10"]
    # the page break left the table without a bottom border: its last row is still a row
    assert sec3.rows[-1][2:] == ["2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"]
    header = sec3.rows[2]
    assert header[4:9] == ["商业\n企业", "科研\n机构", "社会\n公益\n组织", "法律\n服务\n机构", "其他"]
    # the rest of the table on page 4 continues it, with the same 10 columns
    rest = _tables(raw)[_tables(raw).index(sec3) + 1]
    assert rest.page == 4 and rest.continues and all(len(r) == 10 for r in rest.rows)
    assert _row(rest, "四、结转下年度继续办理")[3:] == ["0"] * 7
    assert _row(rest, "（七）总计")[3:] == ["21", "0", "0", "0", "0", "0", "21"]


def test_hongze_2023_no_false_table_of_prose(real) -> None:
    raw = real("hongze_district_gov_2023")
    assert all(len(t.rows[0]) >= 2 for t in _tables(raw))
    assert [len(t.rows[0]) for t in _tables(raw)] == [4, 2, 10, 10, 15]
    page4 = [b for b in raw.blocks if b.page == 4 and b.kind == "text"]
    assert any(b.text.startswith("五、存在的主要问题及改进情况\n2023年，洪泽区政府信息公开工作取得一定的成效") for b in page4)


def test_huaian_table_split_over_pages_4_and_5(real) -> None:
    raw = real("huaian_city_gov_2024")
    tables = _tables(raw)
    first = next(t for t in tables if t.page == 4 and len(t.rows[0]) == 10)
    second = tables[tables.index(first) + 1]
    assert (second.page, second.continues, len(second.rows[0])) == (5, True, 10)
    assert _row(first, "一、本年新收政府信息公开申请数量")[3:] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert _row(second, "四、结转下年度继续办理")[3:] == ["103", "0", "0", "0", "0", "0", "103"]
    assert not any(t.continues for t in tables if t is not second)


@pytest.mark.parametrize("name", ["hongze_district_gov_2023", "hongze_district_gov_2024", "huaian_city_gov_2024"])
def test_real_pdf_table_text_not_duplicated_in_text_blocks(real, name: str) -> None:
    raw = real(name)
    text = _text(raw)
    labels = {c.replace("\n", "") for t in _tables(raw) for r in t.rows for c in r if c and len(c) >= 8}
    assert labels and not [label for label in labels if label in text.replace("\n", "")]
    assert "三、收到和处理政府信息公开申请情况" in text  # headings between tables stay text
