"""The codebook: layout and vocabulary knowledge kept as DATA (CSV files beside this module).

A new wording, a new table row or a new year is a new CSV row, not a code branch.

- ``indicators.csv``      every indicator code (contract 1 vocabulary), unit, editions, sums
- ``taiwan_phrases.csv``  residual Taiwan-style phrases left by machine zh-CN -> zh-TW conversion
- ``noise.csv``           page marks, site chrome, injected spam, pinyin glosses (regular expressions)
- ``spam_lexicon.csv``    words of injected gambling/porn spam
- further files are documented in the module that reads them
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Optional


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a codebook CSV as dicts (blank lines and ``#`` comment lines skipped)."""
    with resources.files(__name__).joinpath(name).open(encoding="utf-8", newline="") as f:
        lines = (line for line in f if line.strip() and not line.lstrip().startswith("#"))
        return [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in csv.DictReader(lines)]


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    label_zh: str
    label_en: str
    editions: tuple[str, ...]
    unit: Optional[str]
    sum_of: tuple[str, ...]
    note: str


@functools.lru_cache(maxsize=1)
def indicators() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for r in read_csv("indicators.csv"):
        out[r["code"]] = Indicator(
            code=r["code"],
            group=r["group"],
            label_zh=r["label_zh"],
            label_en=r["label_en"],
            editions=tuple(e for e in r["editions"].split(";") if e),
            unit=r["unit"] or None,
            sum_of=tuple(s for s in r["sum_of"].split("+") if s),
            note=r["note"],
        )
    return out


def unit(code: str) -> Optional[str]:
    ind = indicators().get(code)
    return ind.unit if ind else None


def is_money(code: str) -> bool:
    return unit(code) == "万元"
