"""Agency identity across years: canonical names, agency keys and the lineage of the 2018-2019 reform.

**Agency key** — ``"<region id>:<canonical name without its region prefix>"``, e.g.
``320614:市场监督管理局`` for 南通市海门区市场监督管理局 (and for 海门市市场监管局 of 2019: the gazetteer
id 320614 survives the rename 海门市 -> 海门区, and the abbreviation is expanded) or
``620900:质量技术监督局`` for both 酒泉市质监局 and 酒泉市质量技术监督局. The region id is the stable
gazetteer id of the most specific region (``govstats.gazetteer``); ``name`` when no region is
known (national agencies, places the gazetteer lacks: ``name:<whole name>``). The format is the one ``govstats.meta.agency_key``
produces, made canonical here: abbreviations are expanded with the ``full`` column of
``codebook/org_suffixes.csv`` and the rows of ``codebook/agency_aliases.csv`` (suffix or exact
matches: 洪泽区政府 -> ``320813:人民政府``).

**Lineage key** — the agency key of the successor when the agency was merged away in the
2018-2019 institutional reform (``codebook/lineage.csv``: 工商行政管理局, 质量技术监督局,
食品药品监督管理局 and, locally, 知识产权局 -> 市场监督管理局 of the same place), else the agency
key itself. Grouping by ``lineage_key`` follows "market regulation" through the reform.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from . import gazetteer
from .codebook import read_csv
from .model import Meta

UNKNOWN_REGION = "name"  # the key prefix when no region is known (as govstats.meta.agency_key)
_SPACE = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Lineage:
    predecessor: str
    successor: str
    levels: frozenset[str]  # empty = every level
    last_year: Optional[int]


@dataclass(frozen=True)
class AgencyKeys:
    agency_key: Optional[str]
    lineage_key: Optional[str]
    region_code: Optional[str]


# --------------------------------------------------------------------------- data
@functools.lru_cache(maxsize=1)
def _suffix_aliases() -> tuple[tuple[str, str], ...]:
    """(abbreviated suffix, full suffix), longest first."""
    pairs = {r["suffix"]: r["full"] for r in read_csv("org_suffixes.csv") if r.get("full")}
    pairs.update({r["short"]: r["full"] for r in read_csv("agency_aliases.csv") if r["match"] == "suffix"})
    return tuple(sorted(pairs.items(), key=lambda p: len(p[0]), reverse=True))


@functools.lru_cache(maxsize=1)
def _exact_aliases() -> dict[str, str]:
    return {r["short"]: r["full"] for r in read_csv("agency_aliases.csv") if r["match"] == "exact"}


@functools.lru_cache(maxsize=1)
def lineages() -> dict[str, Lineage]:
    """``codebook/lineage.csv`` by predecessor name."""
    out: dict[str, Lineage] = {}
    for r in read_csv("lineage.csv"):
        out[r["predecessor"]] = Lineage(
            predecessor=r["predecessor"],
            successor=r["successor"],
            levels=frozenset(x for x in r["levels"].split(";") if x),
            last_year=int(r["last_year"]) if r["last_year"] else None,
        )
    return out


# --------------------------------------------------------------------------- names
def clean_name(name: str) -> str:
    """NFKC, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


@functools.lru_cache(maxsize=4096)  # a few hundred names recur in every corpus (公安局, 人民政府, ...)
def canonical_org(org: str) -> str:
    """An agency name without its region prefix, abbreviations expanded (质监局 -> 质量技术监督局)."""
    org = clean_name(org)
    exact = _exact_aliases().get(org)
    if exact:
        return exact
    for short, full in _suffix_aliases():
        if org.endswith(short) and not org.endswith(full):
            return org[: -len(short)] + full
    return org


def split_region(agency: str) -> tuple[list[str], str]:
    """(leading region names, the rest): 淮安市洪泽区人民政府 -> ([淮安市, 洪泽区], 人民政府)."""
    name = clean_name(agency)
    chain = gazetteer.region_chain(name)
    rest = name[len("".join(chain)) :]
    return chain, (rest or name)


def region_code(province: Optional[str], city: Optional[str], county: Optional[str], year: Optional[int] = None) -> Optional[str]:
    """The stable gazetteer id of the most specific of province / city / county (None if unknown)."""
    chain = [n for n in (province, city, county) if n]
    return gazetteer.resolve(chain, year).id if chain else None


def region_level(code: Optional[str]) -> Optional[str]:
    """"province" / "city" / "county" for a gazetteer id (None if unknown)."""
    if not code:
        return None
    ids = gazetteer.by_id()
    return next((lvl for lvl in ("county", "city", "province") if (lvl, code) in ids), None)


# --------------------------------------------------------------------------- keys
def make_key(region: Optional[str], org: str) -> str:
    return f"{region or UNKNOWN_REGION}:{canonical_org(org)}"


def canonical_key(key: str) -> str:
    """An agency key made canonical (its name part through the aliases): ``620900:质监局`` -> ``620900:质量技术监督局``."""
    region, _, org = key.partition(":")
    return make_key(region, org) if org else key


def agency_key(agency: Optional[str], region: Optional[str]) -> Optional[str]:
    """``<region id>:<canonical name without region prefix>``; ``name:<canonical whole name>`` when
    the region is unknown (never ``name:人民政府`` for every unknown place); None without a name."""
    if not agency:
        return None
    return make_key(region, split_region(agency)[1] if region else clean_name(agency))


@functools.lru_cache(maxsize=4096)
def _lineage_of(org: str) -> Optional[Lineage]:
    """The lineage whose predecessor ends ``org`` (the whole name when the region was stripped;
    a suffix when it was not, e.g. for places the gazetteer does not know)."""
    return next((lin for name, lin in _by_length() if org.endswith(name)), None)


@functools.lru_cache(maxsize=1)
def _by_length() -> tuple[tuple[str, Lineage], ...]:
    return tuple(sorted(lineages().items(), key=lambda kv: len(kv[0]), reverse=True))


def lineage_key(key: Optional[str], year: Optional[int] = None, level: Optional[str] = None) -> Optional[str]:
    """The successor's key when ``key`` names an agency merged away by the reform, else ``key``.

    The predecessor's name is replaced by the successor's, anything before it kept
    (``name:某县工商行政管理局`` -> ``name:某县市场监督管理局``).
    """
    if not key:
        return key
    region, _, org = key.partition(":")
    lin = _lineage_of(org)
    if lin is None or (lin.last_year is not None and year is not None and year > lin.last_year):
        return key
    if lin.levels:
        lvl = level or region_level(region if region != UNKNOWN_REGION else None)
        if lvl not in lin.levels:
            return key
    return f"{region}:{org[: len(org) - len(lin.predecessor)]}{lin.successor}"


def keys_for(meta: Meta) -> AgencyKeys:
    """Agency key, lineage key and region id of one report's metadata.

    Uses ``meta.region_code`` (else resolves province/city/county, else the region names that
    start the agency name, in the gazetteer) and ``agency_key`` — the one implementation
    ``govstats.meta`` uses too.
    """
    region = (meta.region_code or region_code(meta.province, meta.city, meta.county, meta.year)
              or (gazetteer.resolve(split_region(meta.agency)[0], meta.year).id if meta.agency else None))
    key = agency_key(meta.agency, region)
    return AgencyKeys(agency_key=key, lineage_key=lineage_key(key, meta.year, meta.level), region_code=region)


__all__ = [
    "AgencyKeys", "Lineage", "UNKNOWN_REGION", "agency_key", "canonical_key", "canonical_org", "clean_name",
    "keys_for", "lineage_key", "lineages", "make_key", "region_code", "region_level", "split_region",
]
