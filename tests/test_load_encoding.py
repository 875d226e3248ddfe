"""encoding.decode and the text loader: UTF-8/16, GB18030, Big5, declared charsets, mojibake."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.errors import EmptyInput
from govstats.load import load_bytes
from govstats.load.encoding import canonical_charset, common_hanzi, decode, hanzi_stats, non_ascii, utf16_without_bom

SIMPLIFIED = (
    "洪泽区人民政府2023年政府信息公开工作年度报告。本年新收政府信息公开申请数量21件，"
    "予以公开10件，部分公开4件，无法提供3件。（一）主动公开情况：“三安全一稳定”。\n"
)
TRADITIONAL = (
    "貴陽市市場監督管理局2020年政府信息公開工作年度報告。本年新收政府信息公開申請數量15件，"
    "予以公開8件，部分公開2件。依申請公開政府信息和不予公開政府信息情況。\n"
)


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
        (SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),  # no BOM: NUL bytes of the ASCII digits
        (SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"), "utf-32-le"),
    ],
    ids=["gbk", "gb18030", "big5", "utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32le-bom"],
)
def test_decode_detects_encoding(data: bytes, encoding: str) -> None:
    text, enc, warnings = decode(data)
    assert enc == encoding
    assert text in (SIMPLIFIED, TRADITIONAL)  # exact, BOM removed
    assert warnings == []


def test_utf16_without_bom_or_ascii_is_found_by_plausibility() -> None:
    data = "政府信息工作年度报告本年新收政府信息申请数量予以部分".encode("utf-16-le")
    assert data.count(0) == 0
    text, enc, _ = decode(data)
    assert (text, enc) == ("政府信息工作年度报告本年新收政府信息申请数量予以部分", "utf-16-le")


def test_gbk_that_is_also_valid_utf8_is_read_as_gbk() -> None:
    data = ("一" * 12).encode("gbk")  # D2 BB ... is valid UTF-8 (Cyrillic һ)
    assert decode(data)[:2] == ("一" * 12, "gb18030")


def test_gbk_text_with_rare_gb18030_only_characters() -> None:
    text = SIMPLIFIED + "㐀𠀀€"  # an extension A character, a 4-byte GB18030 character, the euro sign
    assert decode(text.encode("gb18030")) == (text, "gb18030", [])


@pytest.mark.parametrize(
    "name, expected",
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"),
     ("Big5", "big5"), ("big5-hkscs", "big5"), ("UTF8", "utf-8"), ("utf-16", "utf-8"),
     ("iso-8859-1", "iso8859-1"), ("no-such-charset", None), (None, None)],
)
def test_canonical_charset(name, expected) -> None:
    assert canonical_charset(name) == expected


def test_declared_charset_is_used() -> None:
    assert decode(SIMPLIFIED.encode("gbk"), declared="gb2312") == (SIMPLIFIED, "gb18030", [])
    assert decode(TRADITIONAL.encode("big5"), declared="big5") == (TRADITIONAL, "big5", [])


def test_declared_charset_overruled_by_valid_utf8() -> None:
    text, enc, warnings = decode(SIMPLIFIED.encode("utf-8"), declared="gb2312")
    assert (text, enc) == (SIMPLIFIED, "utf-8")
    assert any("declared charset 'gb2312' ignored" in w for w in warnings)


def test_declared_single_byte_charset_overruled_for_chinese_bytes() -> None:
    text, enc, warnings = decode(SIMPLIFIED.encode("gbk"), declared="iso-8859-1")
    assert (text, enc) == (SIMPLIFIED, "gb18030")
    assert any("iso-8859-1" in w for w in warnings)


def test_declared_charset_that_does_not_decode_falls_back_with_warning() -> None:
    text, enc, warnings = decode(TRADITIONAL.encode("big5"), declared="utf-8")
    assert (text, enc) == (TRADITIONAL, "big5")
    assert any("does not decode" in w for w in warnings)


def test_unknown_declared_charset_is_ignored_with_warning() -> None:
    text, enc, warnings = decode(SIMPLIFIED.encode("gbk"), declared="x-unknown")
    assert (text, enc) == (SIMPLIFIED, "gb18030")
    assert any("unknown declared charset" in w for w in warnings)


def test_gbk_mojibake_is_named() -> None:
    # UTF-8 bytes read as GBK and saved again as UTF-8 (a broken scrape): 鏀垮簻淇℃伅…
    garbled = SIMPLIFIED.encode("utf-8").decode("gb18030", errors="replace")
    text, enc, warnings = decode(garbled.encode("utf-8"))
    assert enc == "utf-8" and text == garbled
    assert any("mojibake" in w for w in warnings)


def test_lossless_gbk_mojibake_is_repaired() -> None:
    original = "政府信息公开年度报告工作"
    garbled = original.encode("utf-8").decode("gb18030")  # round-trips for this text
    assert garbled.encode("gb18030") == original.encode("utf-8")
    text, _, warnings = decode((garbled * 3).encode("utf-8"))
    assert text == original * 3
    assert any("repaired" in w for w in warnings)


def test_latin1_mojibake_is_repaired_or_named() -> None:
    garbled = SIMPLIFIED.encode("utf-8").decode("latin-1")  # å…¬å¼€ …
    text, _, warnings = decode(garbled.encode("utf-8"))
    assert text == SIMPLIFIED
    assert any("Latin-1" in w and "repaired" in w for w in warnings)
    lossy = SIMPLIFIED.encode("utf-8").decode("cp1252", errors="replace")
    _, _, warnings = decode(lossy.encode("utf-8"))
    assert any("Latin-1" in w for w in warnings)


def test_counts_on_the_non_ascii_characters_equal_counts_on_the_text() -> None:
    page = "<html><body><p class='x'>" + SIMPLIFIED + "</p>\n<td>12</td>é\ufffd\U0002000b\u4dae</body></html>"
    assert non_ascii(page) == "".join(ch for ch in page if ord(ch) > 0x7F)
    assert non_ascii("<p>ascii only</p>") == ""
    n_cjk, share = hanzi_stats(page)
    assert n_cjk == sum(1 for ch in page if "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff")
    assert share == 1 - 1 / n_cjk  # 䶮 (U+4DAE) is the one uncommon character
    assert hanzi_stats(page) == hanzi_stats(non_ascii(page))


@pytest.mark.parametrize(
    "sample, expected",
    [(b"abc\x00def", None), (b"a\x00b\x00c\x00", "utf-16-le"), (b"\x00a\x00b\x00c", "utf-16-be"),
     (b"\x00\x00\x00\x00", None), (SIMPLIFIED.encode("utf-8"), None)],
)
def test_utf16_without_bom_needs_nuls_on_one_parity(sample: bytes, expected) -> None:
    assert utf16_without_bom(sample) == expected


def test_undecodable_bytes_are_replaced_with_warning() -> None:
    data = SIMPLIFIED.encode("gbk") + b"\xff\xff\xff" + SIMPLIFIED.encode("gbk")
    text, enc, warnings = decode(data)
    assert enc == "gb18030" and SIMPLIFIED in text
    assert any("replacement characters" in w for w in warnings)


def test_utf8_cut_in_the_middle_of_a_character() -> None:
    text, enc, warnings = decode(SIMPLIFIED.encode("utf-8") + "报".encode("utf-8")[:2])
    assert enc == "utf-8" and text.startswith("洪泽区")
    assert any("incomplete UTF-8" in w for w in warnings)


def test_large_input_is_decoded_whole() -> None:
    data = SIMPLIFIED.encode("gbk") * 20000  # ~2.4 MB: detection samples, decoding covers all
    text, enc, warnings = decode(data)
    assert enc == "gb18030" and len(text) == len(SIMPLIFIED) * 20000 and not warnings


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


_COMMON = sorted(common_hanzi())
_GB_COMMON = [c for c in _COMMON if _encodable(c, "gb2312")]
_BIG5_ONLY = [c for c in _COMMON if _encodable(c, "big5") and not _encodable(c, "gb2312")]


def _right_or_flagged(got: tuple[str, str, list[str]], want: tuple[str, str]) -> bool:
    """Decoded right, or (short texts that read as ordinary Chinese both ways) flagged ambiguous."""
    return got[:2] == want or any(w.startswith("encoding ambiguous") for w in got[2])


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(_GB_COMMON), min_size=12, max_size=80))
def test_property_gbk_round_trip(s: str) -> None:
    assert _right_or_flagged(decode(s.encode("gbk")), (s, "gb18030"))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(_BIG5_ONLY), min_size=12, max_size=80))
def test_property_big5_round_trip(s: str) -> None:
    assert _right_or_flagged(decode(s.encode("big5")), (s, "big5"))


def test_bytes_that_read_as_chinese_both_ways_are_flagged() -> None:
    # found by the property test: A4 B6 is 岸 in GB18030 and 偉 in Big5, both common characters;
    # the same bytes cannot be decoded right for both, so the decoder must say it had to choose
    data = ("偉" * 10 + "嬝" * 2).encode("big5")
    assert data == ("岸" * 10 + "九" * 2).encode("gbk")
    text, enc, warnings = decode(data)
    assert any(w.startswith("encoding ambiguous") for w in warnings)
    # the script decides: no simplified-only character in the GB18030 reading, 偉 is traditional-only
    assert (text, enc) == ("偉" * 10 + "嬝" * 2, "big5")


def test_script_decides_a_close_call_for_gb18030() -> None:
    # 东 (simplified-only) is 陲 in Big5, a common character that is no traditional-only one
    data = ("东" * 12).encode("gbk")
    assert data.decode("big5") == "陲" * 12
    text, enc, warnings = decode(data)
    assert any(w.startswith("encoding ambiguous") for w in warnings)
    assert (text, enc) == ("东" * 12, "gb18030")


def test_ordinary_reports_are_not_flagged_ambiguous() -> None:
    for data in (TRADITIONAL.encode("big5"), SIMPLIFIED.encode("gbk")):
        assert not any(w.startswith("encoding ambiguous") for w in decode(data)[2])


# --------------------------------------------------------------------------- text loader
def test_load_text_gives_one_text_block() -> None:
    raw = load_bytes(TRADITIONAL.encode("big5"), "report.txt")
    assert raw.kind == "text" and raw.encoding == "big5"
    assert [b.kind for b in raw.blocks] == ["text"] and raw.blocks[0].text == TRADITIONAL


def test_load_text_keeps_warnings() -> None:
    garbled = SIMPLIFIED.encode("utf-8").decode("gb18030", errors="replace")
    raw = load_bytes(garbled.encode("utf-8"), "broken.txt")
    assert any("mojibake" in w for w in raw.warnings)


@pytest.mark.parametrize(
    "data", [b"   \r\n\t ", codecs.BOM_UTF8 + b"\n\n", "\u3000\n".encode("utf-8")], ids=["spaces", "bom", "ideographic"]
)
def test_whitespace_only_text_is_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInput, match="no text"):
        load_bytes(data, "blank.txt")
