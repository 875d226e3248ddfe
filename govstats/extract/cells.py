"""Table cells: what a cell prints (a number, a unit, a not-applicable mark, nothing, or text).

Shared by ``govstats.layout`` (to tell value cells from label cells in table-shaped text) and
``govstats.extract.tables`` (to turn cells into values). The vocabulary is data:
``codebook/units.csv`` (units and their factor to the reported unit) and ``codebook/cell_markers.csv``
(marks such as ``-`` ``/`` ``—`` that mean "not applicable").

A printed number is kept as printed: ``-1`` stays -1, ``+8`` is 8, ``减4`` is -4, ``49万元`` is 49 in
万元 and ``251000元`` is 25.1 in 万元. A blank cell is NA (note "blank"), never 0.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple, Optional

from .. import codebook

#: cell kinds
NUMBER, UNIT, NA, BLANK, TEXT = "number", "unit", "na", "blank", "text"
#: the kinds of cell that sit in a value column: a number, a not-applicable mark or nothing
VALUE_KINDS = frozenset({NUMBER, NA, BLANK})


class CellValue(NamedTuple):
    """What one cell prints (a named tuple: one is built for every new cell text)."""

    kind: str  # number | unit | na | blank | text
    value: Optional[float | int] = None  # in ``unit`` (already multiplied by the unit factor)
    unit: Optional[str] = None  # canonical unit printed in the cell (万元 for 元 too), if any
    factor: float = 1.0  # unit cells: factor from the printed unit to ``unit`` (元 -> 万元: 0.0001)
    note: Optional[str] = None  # "blank" | "not_applicable"
    signed: bool = False  # printed with an explicit sign or 增/减
    approximate: bool = False  # 约/近/余/多

    @property
    def is_value(self) -> bool:
        """A cell that sits in a value column: a number, a not-applicable mark or nothing."""
        return self.kind in VALUE_KINDS


@functools.lru_cache(maxsize=1)
def _units() -> dict[str, tuple[str, float]]:
    return {r["unit"]: (r["canonical"], float(r["factor"])) for r in codebook.read_csv("units.csv")}


@functools.lru_cache(maxsize=1)
def _markers() -> dict[str, str]:
    return {r["marker"]: r["note"] for r in codebook.read_csv("cell_markers.csv")}


@functools.lru_cache(maxsize=1)
def _number_re() -> re.Pattern[str]:
    units = "|".join(sorted(map(re.escape, _units()), key=len, reverse=True))
    # keep _NUMBER_FIRST in step with the start of this pattern
    return re.compile(
        r"(?P<approx1>约|近|共)?"
        r"(?P<sign>[+\-]|增加|减少|增|减)?"
        r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
        r"(?P<approx2>余|多)?"
        r"(?P<mult>万|亿)?"
        rf"(?P<unit>{units})?"
        r"(?P<approx3>余|多|左右)?"
    )


#: the characters other than digits that can start a number of ``_number_re`` (approx1 or sign)
_NUMBER_FIRST = frozenset("约近共+-增减")
_SPACES = re.compile(r"\s+")
_UNIT_QUALIFIER = re.compile(r"单位[:：]?([^)）]+)")


#: a cell longer than this is text (numbers, units and marks are short)
_MAX_VALUE_CELL = 32
_TEXT_CELL = CellValue(TEXT)
_BLANK_CELL = CellValue(BLANK, note="blank")


@functools.lru_cache(maxsize=16384)
def parse_cell(text: str) -> CellValue:
    """Classify and read one cell (whitespace inside the cell is ignored).

    Cached: the same cell texts recur in every row and every report, and layout, row splitting
    and value reading all ask about the same cells.
    """
    if len(text) > _MAX_VALUE_CELL:
        return _TEXT_CELL
    s = _SPACES.sub("", text or "")
    if not s:
        return _BLANK_CELL
    markers = _markers()
    note = markers.get(s)
    if note is None and len(s) > 1 and s[0] in markers and s.count(s[0]) == len(s):
        note = markers[s[0]]  # a run of one mark: ---- or ——
    if note:
        return CellValue(NA, note=note)
    units = _units()
    if s in units:
        return CellValue(UNIT, unit=units[s][0], factor=units[s][1])
    if s.isdecimal():  # a plain count, most cells: what the pattern below reads it as
        return CellValue(NUMBER, value=int(s))
    if not (s[0].isdecimal() or s[0] in _NUMBER_FIRST):
        return _TEXT_CELL  # no number starts so
    m = _number_re().fullmatch(s)
    if not m:
        return _TEXT_CELL
    num_s = m.group("int").replace(",", "")
    value: float | int = float(f"{num_s}.{m.group('frac')}") if m.group("frac") else int(num_s)
    if m.group("mult"):
        value = value * (10000 if m.group("mult") == "万" else 100000000)
    sign = m.group("sign")
    if sign in ("-", "减", "减少"):
        value = -value
    unit = None
    if m.group("unit"):
        unit, factor = units[m.group("unit")]
        if factor != 1:
            value = round(value * factor, 10)
    approx = bool(m.group("approx1") and m.group("approx1") != "共" or m.group("approx2") or m.group("approx3"))
    return CellValue(NUMBER, value=value, unit=unit, signed=bool(sign), approximate=approx)


@functools.lru_cache(maxsize=16384)
def cell_kind(text: str) -> str:
    """``parse_cell(text).kind``, cached apart (row splitting asks for nothing else)."""
    return parse_cell(text).kind


@functools.lru_cache(maxsize=4096)
def unit_info(text: str) -> Optional[tuple[str, float]]:
    """(canonical unit, factor) of a unit cell or of a ``(单位:万元)`` header qualifier, else None."""
    s = _SPACES.sub("", text or "")
    m = _UNIT_QUALIFIER.search(s)
    if m:
        s = m.group(1)
    return _units().get(s)
