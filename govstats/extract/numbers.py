"""Numbers as printed in prose: Arabic, Chinese numerals, 万/亿, approximation markers, units, shares.

``find_numbers(text)`` scans a whitespace-free ("compact") prose string once and returns its
counted figures as :class:`NumberToken` s, in order: a number with a counting unit (``220件``,
``1.2万条``, ``近140余条``, ``三件``) or with a share printed right after it (``部分公开67,占4.61%``).
Bare numbers (years, dates, article numbers, ``关注量85.4万``) are not figures; Chinese numerals
count only with a unit (``一是`` is not a number).

Units, multipliers and approximation markers are data: ``codebook/narrative_units.csv``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

from ..codebook import read_csv

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_CLASS = "零〇一二两三四五六七八九十百千万亿"
#: after a Chinese-numeral figure the next character must end the phrase: 三件, / 三件均… but not
#: 一件事, 一次性, 一条龙 (words that merely contain a numeral and a unit character)
_CN_FOLLOW_OK = set("的均全其共已并和及且分占为,，。;；、:：()（）")
_SHARE_FIRST = frozenset(",，占比")
_SHARE = re.compile(
    r"[,，]?(?:占(?:比)?(?:总数|全部|总量|申请总数|总申请数|总件数|总数量)?(?:的)?(?:比例|比重)?(?:为|约)?|比例为|比重为)"
    r"(\d+(?:\.\d+)?)%"
)


@dataclass(slots=True)
class NumberToken:
    """One number found in compact prose. Offsets index the compact string given to ``find_numbers``."""

    start: int  # start of the printed figure, approximation marker included (近140余条 -> at 近)
    end: int  # end of the printed figure before its unit (近140余|条)
    value: Optional[int | float]  # the number with 万/亿 applied; money is NOT converted here
    raw: str  # the figure as printed, without its unit: "近140余", "1,234", "三", "615.54万"
    unit: Optional[str] = None
    money_factor: Optional[float] = None  # set for money units: multiply to get 万元
    approximate: bool = False
    chinese: bool = False
    stop: int = 0  # end of unit and trailing marker (以上/左右)
    share: Optional[float] = None  # a percentage printed right after the figure (",占2.73%")
    share_raw: Optional[str] = None  # that percentage as printed ("2.73")
    share_end: int = 0  # end of the share text (== stop when there is none)


def parse_chinese_numeral(s: str) -> Optional[int]:
    """三 -> 3, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105, 两千 -> 2000, 三万五千 -> 35000, 二〇一九 -> 2019."""
    if not s or any(ch not in _CN_CLASS for ch in s):
        return None
    if all(ch in _CN_DIGITS for ch in s):  # digit by digit: 二〇一九
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, section, num = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if num is None else num) * _CN_SMALL[ch]
            num = None
        elif ch == "万":
            if section == 0 and num is None and total == 0:
                return None
            total += (section + (num or 0)) * 10_000
            section, num = 0, None
        else:  # 亿
            if section == 0 and num is None and total == 0:
                return None
            total = (total + section + (num or 0)) * 100_000_000
            section, num = 0, None
    return total + section + (num or 0)


def parse_arabic(s: str, multiplier: int = 1) -> Optional[int | float]:
    """"1,234" -> 1234, "615.54" with 万 -> 6155400, "7730.28" -> 7730.28 (exact decimal arithmetic)."""
    try:
        d = Decimal(s.replace(",", "")) * multiplier
    except InvalidOperation:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


@dataclass(frozen=True)
class _Units:
    regex: re.Pattern[str]
    money: dict[str, float]
    multipliers: dict[str, int]
    before: tuple[str, ...]  # approximation markers printed before the digits, longest first
    before_last: frozenset[str]  # their last characters (a quick test before looking for one)


def _alternation(tokens: list[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _units() -> _Units:
    by_kind: dict[str, list[str]] = {}
    money: dict[str, float] = {}
    multipliers: dict[str, int] = {}
    for r in read_csv("narrative_units.csv"):
        by_kind.setdefault(r["kind"], []).append(r["token"])
        if r["kind"] == "money":
            money[r["token"]] = float(r["factor"])
        elif r["kind"] == "multiplier":
            multipliers[r["token"]] = int(r["factor"])
    units = _alternation(by_kind.get("unit", []) + by_kind.get("money", []))
    mid = _alternation(by_kind["approx_mid"])
    digit = rf"(?:[\d{_CN_CLASS.replace('万', '')}]|万(?!元))"  # 49万元: 49 in 万元, not 490000 元
    # One run of digits / Chinese numerals (the pattern starts with a character class, so the regex
    # engine skips other text fast; the look-behind after it drops a 万 that starts 万元). A run ending in a Chinese character (三, 1.2万) only counts
    # before a unit: 一是, 统一, 关注量85.4万 are not counted figures.
    rx = re.compile(
        rf"(?P<n>[\d{_CN_CLASS}](?<!万(?=元))(?:{digit}|,(?=\d{{3}}(?!\d))|\.(?=\d))*)"
        rf"(?:(?<=\d)|(?=(?:{mid})?(?:{units})))"
        rf"(?P<mid>{mid})?(?P<unit>{units})?(?P<post>{_alternation(by_kind['approx_after'])})?"
    )
    before = tuple(sorted(by_kind["approx_before"], key=len, reverse=True))
    return _Units(rx, money, multipliers, before, frozenset(b[-1] for b in before))


_ARABIC = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(\D*)")


def _parse(n: str, multipliers: dict[str, int]) -> tuple[Optional[int | float], bool]:
    """(value, chinese) of a run of digits / numerals: "1,234", "615.54万", "二十三"."""
    if n.isdigit():
        return int(n), False
    if n[0].isdigit():
        m = _ARABIC.fullmatch(n)
        if m is None or (m.group(2) and m.group(2) not in multipliers):
            return None, False
        return parse_arabic(m.group(1), multipliers.get(m.group(2), 1)), False
    return parse_chinese_numeral(n), True


def find_numbers(text: str) -> list[NumberToken]:
    """The counted figures of a compact prose string, in order (see the module doc)."""
    u = _units()
    out: list[NumberToken] = []
    for m in u.regex.finditer(text):
        stop = m.end()
        nxt = text[stop : stop + 1]
        mid, unit, post = m.group("mid", "unit", "post")
        sm = _SHARE.match(text, stop) if nxt in _SHARE_FIRST else None
        if unit is None and sm is None:
            continue  # a bare number
        value, chinese = _parse(m.group("n"), u.multipliers)
        if value is None:
            continue
        if chinese and nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in _CN_FOLLOW_OK:
            continue
        share = share_raw = None
        share_end = stop
        if sm is not None:
            share_raw = sm.group(1)
            share = float(share_raw)
            share_end = sm.end()
        end = m.end("mid") if mid else m.end("n")
        start = m.start()
        pre = ""
        if start and text[start - 1] in u.before_last:
            pre = next((b for b in u.before if text.startswith(b, start - len(b))), "")
            start -= len(pre)
        # positional, in the field order of NumberToken (keyword arguments are slower)
        out.append(
            NumberToken(
                start, end, value, text[start:end], unit, u.money.get(unit) if unit else None,
                bool(pre or mid or post), chinese, stop, share, share_raw, share_end,
            )
        )
    return out


def to_wan(value: int | float, factor: float) -> int | float:
    """A money figure in its printed unit -> 万元 (3940 元 -> 0.394, 400 元 -> 0.04)."""
    d = Decimal(str(value)) * Decimal(str(factor))
    return int(d) if d == d.to_integral_value() else float(d)


__all__ = ["NumberToken", "find_numbers", "parse_arabic", "parse_chinese_numeral", "to_wan"]
