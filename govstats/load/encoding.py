"""Bytes -> str for text and HTML reports: UTF-8 / UTF-16 / GB18030 / Big5, with honest warnings.

Decision order (first that applies wins):

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16 without BOM, recognised by the pattern of NUL bytes (ASCII characters in UTF-16);
3. the charset the document declares (HTML ``<meta charset>``, XML declaration; passed by the
   caller), with GBK/GB2312 read as GB18030 and Big5 read leniently as Big5-HKSCS. A declaration
   is overruled, with a warning, when it does not decode the bytes, when the bytes are valid
   non-ASCII UTF-8 (a CMS migrated to UTF-8 but kept its old meta tag), or when a single-byte
   charset (latin-1, windows-1252) is declared for what plausibly is Chinese text;
4. strict UTF-8;
5. GB18030 versus Big5, decided on a sample by plausibility: the share of Chinese characters that
   are common characters (GB2312 level 1 or Big5 level 1, derived from the codecs themselves).

The decoded text is then checked for mojibake (UTF-8 that was once read as GBK or as
latin-1/windows-1252, e.g. ``锛`` ``鈥`` ``Ã`` ``å…``, a flood of rare characters, replacement
characters). A text that is mojibake through and through and round-trips losslessly is repaired
(with a warning); otherwise the problem is only named in a warning. Nothing is guessed silently.

Detection works on samples and the bytes are decoded once, so a 50 MB file takes well under a
second or two.
"""
from __future__ import annotations

import codecs
import functools
import re
from typing import Optional

#: bytes looked at to choose between candidate encodings
SAMPLE_BYTES = 64 * 1024
#: characters looked at for mojibake
SAMPLE_CHARS = 200_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: declared charset names (lower case) -> the codec govstats decodes with
_DECLARED_ALIASES = {
    **dict.fromkeys(
        ("gb2312", "gbk", "gb18030", "cp936", "ms936", "936", "x-gbk", "gb_2312", "gb_2312-80",
         "csgb2312", "euc-cn", "chinese", "iso-ir-58", "csiso58gb231280", "windows-936"),
        "gb18030",
    ),
    **dict.fromkeys(
        ("big5", "big-5", "big5-hkscs", "big5hkscs", "cp950", "ms950", "950", "x-x-big5", "csbig5",
         "cn-big5", "x-big5", "windows-950"),
        "big5",
    ),
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "x-unicode20utf8"), "utf-8"),
    # a declared UTF-16 without a BOM is read as UTF-8 (what browsers do for <meta charset=utf-16>)
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be", "ucs-2", "unicode"), "utf-8"),
}
#: the codec used to decode each reported encoding (Big5 leniently, with the HKSCS extensions)
_CODEC = {"big5": "big5hkscs"}

_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_CJK_RUN_RE = re.compile(f"[{_CJK_CLASS}]+")
_PUA_RE = re.compile("[\ue000-\uf8ff]")
_CJK_PUNCT_RE = re.compile("[\u2010-\u206f\u3000-\u303f\uff00-\uffef]+")
_CTRL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ASCII_BYTES = bytes(range(0x80))


# --------------------------------------------------------------------------- reference sets
def _decode_pairs(codec: str, leads: range, trails: list[int]) -> frozenset[str]:
    raw = bytearray()
    for lead in leads:
        for trail in trails:
            raw += bytes((lead, trail))
    return frozenset(ch for ch in raw.decode(codec, errors="ignore") if _CJK_RE.match(ch))


@functools.lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """Common Chinese characters: GB2312 level 1 (simplified) plus Big5 level 1 (traditional)."""
    gb_level1 = _decode_pairs("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF)))
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    big5_level1 = _decode_pairs("big5", range(0xA4, 0xC6), big5_trails)
    big5_level1 |= _decode_pairs("big5", range(0xC6, 0xC7), list(range(0x40, 0x7F)))
    return gb_level1 | big5_level1


@functools.lru_cache(maxsize=1)
def _uncommon_re() -> re.Pattern[str]:
    """Runs of CJK characters that are not common characters (a class built from code point runs)."""
    return re.compile(f"[{_uncommon_class()}]+")


@functools.lru_cache(maxsize=1)
def _uncommon_class() -> str:
    """The body of a character class of the CJK characters that are not common characters."""
    common = common_hanzi()
    parts: list[str] = []
    for lo, hi in _CJK_RANGES:
        start: Optional[int] = None
        for cp in range(lo, hi + 2):
            inside = cp <= hi and chr(cp) not in common
            if inside and start is None:
                start = cp
            elif not inside and start is not None:
                parts.append(re.escape(chr(start)) + (f"-{re.escape(chr(cp - 1))}" if cp - 1 > start else ""))
                start = None
    return "".join(parts)


def _count(rx: re.Pattern[str], text: str) -> int:
    """Characters matched by ``rx`` (a pattern of runs: fewer, longer matches are fast)."""
    return sum(map(len, rx.findall(text)))


def non_ascii(text: str) -> str:
    """The non-ASCII characters of ``text``, in order.

    Counting characters of a non-ASCII class (CJK, punctuation, private use) gives the same answer
    on them as on ``text`` and is several times faster on an HTML page, whose markup is ASCII. ASCII
    bytes never occur inside a multi-byte UTF-8 sequence, so deleting them from the UTF-8 bytes keeps
    every other character whole.
    """
    if text.isascii():
        return ""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


def hanzi_stats(text: str) -> tuple[int, float]:
    """(number of CJK characters, share of them that are common characters) of ``text``."""
    return _hanzi_stats(non_ascii(text))


def _hanzi_stats(wide: str) -> tuple[int, float]:
    """``hanzi_stats`` of a text given by its non-ASCII characters (``non_ascii``)."""
    n_cjk = _count(_CJK_RUN_RE, wide)
    if not n_cjk:
        return 0, 1.0
    return n_cjk, 1.0 - _count(_uncommon_re(), wide) / n_cjk


# --------------------------------------------------------------------------- helpers
def canonical_charset(name: Optional[str]) -> Optional[str]:
    """The encoding govstats reports for a declared charset name, or None when unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    if key in _DECLARED_ALIASES:
        return _DECLARED_ALIASES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def _codec(encoding: str) -> str:
    return _CODEC.get(encoding, encoding)


def _bom(data: bytes) -> Optional[tuple[str, int]]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def utf16_without_bom(sample: bytes) -> Optional[str]:
    """"utf-16-le" / "utf-16-be" when the NUL bytes sit mostly on one parity (ASCII in UTF-16).

    Binary data has NULs on both parities alike; GBK/Big5/UTF-8 text has none. Chinese UTF-16 has
    a few NULs on the other parity too (U+5F00 开). The caller verifies the guess by decoding.
    """
    first = sample.find(0)
    if first < 0 or sample.find(0, first + 1) < 0:  # fewer than two NULs: the usual case, found fast
        return None
    n = len(sample) - len(sample) % 2
    even = sample[0:n:2].count(0)
    odd = sample[1:n:2].count(0)
    if max(even, odd) < 2:
        return None
    if odd >= 4 * even:
        return "utf-16-le"
    if even >= 4 * odd:
        return "utf-16-be"
    return None


def _is_single_byte(encoding: str) -> bool:
    """A single-byte charset (latin-1, windows-1252, koi8-r ...): every high byte is one character."""
    try:
        text = bytes(range(0x80, 0x100)).decode(encoding, errors="replace")
    except LookupError:
        return False
    return len(text) == 128 and text.count("\ufffd") < 16


def _strict(data: bytes, encoding: str) -> Optional[str]:
    try:
        return data.decode(_codec(encoding))
    except (UnicodeDecodeError, LookupError):
        return None


def plausibility(sample: bytes, encoding: str) -> float:
    """How plausible ``sample`` decoded as ``encoding`` is as Chinese text; 1.0 is perfect.

    The share of non-ASCII characters that are common Chinese characters or Chinese punctuation,
    minus a penalty for replacement, private-use and control characters. Kana, Cyrillic or rare
    characters (what a wrong multi-byte decoding produces) lower the score.
    """
    text = sample.decode(_codec(encoding), errors="replace")
    wide = non_ascii(text)
    n_bad = wide.count("\ufffd") + len(_PUA_RE.findall(wide)) + len(_CTRL_RE.findall(text))
    if not wide:
        return 1.0 - 3 * n_bad / max(1, len(text))
    n_cjk, common_share = _hanzi_stats(wide)
    good = n_cjk * common_share + _count(_CJK_PUNCT_RE, wide)
    return (good - 3 * n_bad) / len(wide)


def _cut_sample(data: bytes) -> bytes:
    """A sample of ``data`` for detection: the head, plus the middle of large inputs (even offsets)."""
    if len(data) <= 2 * SAMPLE_BYTES:
        return data
    mid = len(data) // 4 * 2
    return data[:SAMPLE_BYTES] + data[mid : mid + SAMPLE_BYTES // 2]


def guess_chinese(data: bytes) -> tuple[str, float]:
    """(encoding, plausibility) for bytes that are not UTF-8: GB18030 or Big5, or UTF-16 without
    BOM and without ASCII (no NUL bytes to spot it by) when that reads better."""
    enc, score, _ = _guess_chinese(data)
    return enc, score


#: GB18030 and Big5 readings this close, both plausible, are both ordinary Chinese
AMBIGUOUS_MARGIN = 0.05


def _guess_chinese(data: bytes) -> tuple[str, float, bool]:
    """``guess_chinese`` plus whether the choice between GB18030 and Big5 was a close call.

    Short texts of common characters can read as ordinary Chinese both ways (A4 B6 is 岸 in
    GB18030 and 偉 in Big5). The script then decides: a GB18030 text is simplified, so a GB18030
    reading without a single simplified-only character, against a Big5 reading with
    traditional-only ones, is taken as Big5 (and the other way round); still a close call."""
    sample = _cut_sample(data)
    candidates = ["gb18030", "big5"] + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    scores = {enc: plausibility(sample, enc) for enc in candidates}
    best = max(candidates, key=lambda e: scores[e])  # ties: the earlier candidate
    gb, b5 = scores["gb18030"], scores["big5"]
    if best not in ("gb18030", "big5") or min(gb, b5) < 0.9 or abs(gb - b5) >= AMBIGUOUS_MARGIN:
        return best, scores[best], False
    from ..normalize import script_counts  # character sets of the two scripts (OpenCC)

    _, simp_in_gb = script_counts(sample.decode("gb18030", errors="replace"))
    trad_in_b5, _ = script_counts(sample.decode(_codec("big5"), errors="replace"))
    if simp_in_gb == 0 and trad_in_b5 > 0:
        best = "big5"
    elif simp_in_gb > 0 and trad_in_b5 == 0:
        best = "gb18030"
    return best, scores[best], True


def _utf8_truncated(data: bytes, err: UnicodeDecodeError) -> bool:
    """The only UTF-8 error is an incomplete character at the very end (a cut-off file)."""
    return err.start >= len(data) - 3 and err.reason == "unexpected end of data"


# --------------------------------------------------------------------------- mojibake
_LATIN1_LEAD3 = "".join(chr(b) for b in range(0xE0, 0xF0))  # lead byte of a 3-byte UTF-8 sequence


def _latin1_mojibake_re() -> re.Pattern[str]:
    cont = "".join(
        sorted({bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xC0)})
    )
    return re.compile(f"[{re.escape(_LATIN1_LEAD3)}][{re.escape(cont)}]{{2}}")


_LATIN1_MOJIBAKE = _latin1_mojibake_re()
#: a quick test on the non-ASCII characters: without a lead character there is no such mojibake
_LATIN1_LEAD3_RE = re.compile(f"[{re.escape(_LATIN1_LEAD3)}]")


@functools.lru_cache(maxsize=1)
def _suspect_re() -> re.Pattern[str]:
    """A lead character of Latin-1 mojibake or an uncommon Chinese character: one of the two."""
    return re.compile(f"[{re.escape(_LATIN1_LEAD3)}{_uncommon_class()}]")


def _encode_latin(text: str) -> Optional[bytes]:
    for enc in ("cp1252", "latin-1"):
        try:
            return text.encode(enc)
        except UnicodeEncodeError:
            continue
    return None


def _repair(text: str, back: str) -> Optional[str]:
    """``text`` re-encoded with ``back`` and read as UTF-8, when that round trip is lossless."""
    raw = _encode_latin(text) if back == "latin" else _strict_encode(text, back)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _strict_encode(text: str, encoding: str) -> Optional[bytes]:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None


def check_mojibake(text: str) -> tuple[str, list[str]]:
    """(text, warnings): name mojibake in ``text``; repair it when the whole text round-trips."""
    sample = text[:SAMPLE_CHARS]
    wide = non_ascii(sample)
    warnings: list[str] = []
    # one scan tells whether either check below can find anything (the usual text: neither can)
    suspect = _suspect_re().search(wide) is not None
    n_latin = len(_LATIN1_MOJIBAKE.findall(sample)) if suspect and _LATIN1_LEAD3_RE.search(wide) else 0
    if n_latin >= 3:
        fixed = _repair(text, "latin")
        if fixed is not None:
            return fixed, ["text was UTF-8 decoded as Latin-1/Windows-1252 (mojibake such as 'å…¬'); repaired"]
        warnings.append(
            f"mojibake: {n_latin} sequences of UTF-8 decoded as Latin-1/Windows-1252 (such as 'å…¬'); "
            "numbers are readable, labels may not match"
        )
    # without a single uncommon character the share of common ones is 1.0 (the usual text): the
    # Chinese characters need no counting then
    n_cjk, common_share = _hanzi_stats(wide) if suspect and _uncommon_re().search(wide) else (0, 1.0)
    if n_cjk >= 20 and common_share < 0.75:
        fixed = _repair(text, "gb18030")
        if fixed is not None and hanzi_stats(fixed[:SAMPLE_CHARS])[1] > common_share:
            return fixed, ["text was UTF-8 decoded as GBK (mojibake such as '锛' '鈥'); repaired"]
        warnings.append(
            f"mojibake or wrong encoding: only {common_share:.0%} of {n_cjk} Chinese characters are common "
            "characters (UTF-8 decoded as GBK gives '锛' '鈥' '鍦'); labels may not match"
        )
    n_repl = wide.count("\ufffd")
    if n_repl:
        warnings.append(f"{n_repl} replacement characters (\ufffd) in the text: bytes were lost before or while decoding")
    return text, warnings


# --------------------------------------------------------------------------- main entry
_Decoded = tuple[str, str, list[str]]


def _decode_bom(data: bytes) -> Optional[_Decoded]:
    bom = _bom(data)
    if bom is None:
        return None
    enc, n = bom
    text = _strict(data[n:], enc)
    if text is not None:
        return text, enc, []
    return data[n:].decode(enc, errors="replace"), enc, [f"invalid {enc} sequences replaced"]


def _decode_utf16(data: bytes) -> Optional[_Decoded]:
    enc = utf16_without_bom(data[:SAMPLE_BYTES])
    if enc is None or plausibility(_cut_sample(data), enc) < 0.5:
        return None
    text = _strict(data[: len(data) - len(data) % 2], enc)
    return (text, enc, []) if text is not None else None


def _decode_declared(data: bytes, declared: str) -> tuple[Optional[_Decoded], list[str]]:
    """(decoded or None, warnings) for a declared charset; None means: detect instead."""
    enc = canonical_charset(declared)
    if enc is None:
        return None, [f"unknown declared charset {declared!r} ignored"]
    nonascii = not data[:SAMPLE_BYTES].isascii()
    if enc != "utf-8" and nonascii:
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return (utf8, "utf-8", [f"declared charset {declared!r} ignored: the content is valid UTF-8"]), []
        if _is_single_byte(enc):
            best, score = guess_chinese(data)
            if score > 0.8:
                return None, [f"declared charset {declared!r} ignored: the content is Chinese text ({best})"]
    text = _strict(data, enc)
    if text is None:
        return None, [f"declared charset {declared!r} does not decode the content"]
    return (text, enc, []), []


def _detect(data: bytes) -> _Decoded:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if _utf8_truncated(data, e):
            return data.decode("utf-8", errors="replace"), "utf-8", ["text ends with an incomplete UTF-8 character (file cut off?)"]
    else:
        if text.isascii() or _CJK_RE.search(text[:SAMPLE_CHARS]):
            return text, "utf-8", []
        # valid UTF-8 without a single Chinese character: maybe GBK that happens to be valid
        # UTF-8 (一 = D2 BB = Cyrillic һ); take the Chinese reading only when it is clearly better
        enc, score = guess_chinese(data)
        if score < 0.9 or score <= plausibility(_cut_sample(data), "utf-8"):
            return text, "utf-8", []
        return data.decode(_codec(enc), errors="replace"), enc, []
    enc, score, close = _guess_chinese(data)
    text = data.decode(_codec(enc), errors="replace")
    if score < 0.5:
        return text, enc, [f"encoding uncertain: decoded as {enc}, but the text does not look like ordinary Chinese"]
    if close:
        return text, enc, [f"encoding ambiguous: the bytes read as ordinary Chinese both as GB18030 and as Big5; "
                           f"decoded as {enc}, check the text"]
    return text, enc, []


def decode(data: bytes, declared: Optional[str] = None, *, mojibake: bool = True) -> tuple[str, str, list[str]]:
    """Decode ``data``: (text, encoding reported, warnings). See the module doc for the order.

    ``encoding`` is one of "utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "gb18030",
    "big5", or the Python name of a declared single-byte charset. The text keeps its line endings;
    a BOM is removed. ``mojibake=False`` skips the mojibake check (for a quick look at a head).
    """
    warnings: list[str] = []
    decoded = _decode_bom(data) or _decode_utf16(data)
    if decoded is None and declared:
        decoded, warnings = _decode_declared(data, declared)
    if decoded is None:
        decoded = _detect(data)
    text, enc, w = decoded
    if not mojibake:
        return text, enc, warnings + w
    text, mw = check_mojibake(text)
    return text, enc, warnings + w + mw
