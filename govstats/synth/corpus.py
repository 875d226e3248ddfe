"""Writing generated reports to disk: random corpora for benchmarks and the demo panel.

Each folder gets the report files, one ``<stem>.gold.json`` per report (the format of
``shared/tools/score.py``, so a synthetic corpus is scored like the real one) and ``truth.jsonl``
(one record per report: file, format and ``ReportSpec.to_json()``).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from ..model import APPLICANTS
from .render import EXTENSIONS, render
from .spec import TEXT_LAYOUTS, ReportSpec, assemble, draw_facts, random_spec

PathLike = Union[str, Path]


class _Writer:
    def __init__(self, out_dir: PathLike, gold: bool) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.gold = gold
        self.truth = (self.dir / "truth.jsonl").open("w", encoding="utf-8")
        self.paths: list[Path] = []

    def write(self, stem: str, spec: ReportSpec, fmt: str, **extra: Any) -> None:
        path = self.dir / (stem + EXTENSIONS[fmt])
        path.write_bytes(render(spec, fmt))
        if self.gold:
            gold = json.dumps(spec.gold(path.name), ensure_ascii=False, indent=1)
            (self.dir / f"{stem}.gold.json").write_text(gold, encoding="utf-8")
        record = {"file": path.name, "format": fmt, **extra, **spec.to_json()}
        self.truth.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.paths.append(path)

    def close(self) -> list[Path]:
        self.truth.close()
        return self.paths


def write_corpus(out_dir: PathLike, n: int, seed: int = 0, formats: Iterable[str] = ("txt",), gold: bool = True,
                 **options: Any) -> list[Path]:
    """Write ``n`` random reports (``synth_00000.txt`` …) in ``formats`` (picked per report) and
    return their paths. ``options`` go to ``random_spec``; a txt report gets a random text layout
    unless ``layout`` is given, an html report the html layout."""
    formats = tuple(formats)
    layout = options.pop("layout", None)
    rng = random.Random(seed)
    w = _Writer(out_dir, gold)
    try:
        for i in range(n):
            fmt = rng.choice(formats)
            lay = "html" if fmt in ("html", "docx", "pdf") else layout or rng.choice(TEXT_LAYOUTS)
            w.write(f"synth_{i:05d}", random_spec(rng.getrandbits(32), layout=lay, **options), fmt)
    finally:
        paths = w.close()
    return paths


# --------------------------------------------------------------------------- the demo panel
PROVINCE, CITY = "沧澜省", "澄湖市"  # fictional: neither name exists in the gazetteer


@dataclass(frozen=True)
class Series:
    """One fictional agency's reports, 2015-2024 (or the years it existed)."""

    slug: str
    agency: str
    county: Optional[str]
    requests: int  # new requests in 2015
    growth: float  # yearly factor of requests and disclosure volume
    years: tuple[int, int] = (2015, 2024)
    successor: Optional[str] = None  # the agency that took over in the 2018-2019 reform
    narrative: tuple[int, ...] = ()  # years reported in prose only
    formats: dict[int, str] = field(default_factory=dict)  # year -> docx / pdf / html (default txt)
    scripts: dict[int, str] = field(default_factory=dict)  # year -> traditional
    defects: dict[int, dict[str, int]] = field(default_factory=dict)  # year -> blank_cells / na_cells / errors
    noise: tuple[str, ...] = ()
    collapsed_other: bool = False  # 2021+ tables print the single 2019-style (六) row
    untitled: tuple[int, ...] = ()  # years without a title line (the agency is named in the body)


PANEL: tuple[Series, ...] = (
    Series("chenghu_gov", "澄湖市人民政府", None, 700, 1.10, narrative=(2016,),
           formats={2021: "html", 2022: "html", 2023: "html", 2024: "pdf"}, defects={2022: {"errors": 1}}),
    Series("chenghu_aic", "澄湖市工商行政管理局", None, 60, 1.05, (2015, 2018), successor="澄湖市市场监督管理局"),
    Series("chenghu_qts", "澄湖市质量技术监督局", None, 15, 1.0, (2015, 2018), successor="澄湖市市场监督管理局",
           scripts={2017: "traditional"}),
    Series("chenghu_market", "澄湖市市场监督管理局", None, 110, 1.06, (2019, 2024), narrative=(2019,),
           formats={2020: "docx", 2023: "pdf"}, defects={2021: {"na_cells": 2}}, untitled=(2021,),
           noise=("chrome", "header_meta")),
    Series("linlan_gov", "澄湖市临澜区人民政府", "临澜区", 260, 0.93, narrative=(2017,), formats={2022: "docx"},
           defects={2020: {"blank_cells": 2}}, collapsed_other=True, noise=("page_marks",)),
    Series("wangchuan_epb", "望川县环境保护局", "望川县", 8, 1.0, (2015, 2018), successor="望川县生态环境局"),
    Series("wangchuan_env", "望川县生态环境局", "望川县", 10, 1.08, (2019, 2024), narrative=(2020,),
           noise=("spam", "label_spacing")),
    Series("chenghu_edu", "澄湖市教育局", None, 35, 1.04, narrative=(2015, 2022),
           scripts={2018: "traditional", 2022: "traditional"}, defects={2022: {"errors": 1}}),
)


def _mix(year: int, government: bool) -> dict[str, float]:
    """Channel shares of 主动公开 that drift like real ones: Weibo fades, WeChat and Douyin grow."""
    t = year - 2015
    mix = {"channel.website": 0.85 - 0.03 * t, "channel.wechat": 0.1 + 0.045 * t,
           "channel.weibo": max(0.05, 0.3 - 0.025 * t), "channel.news_media": 0.12, "channel.other": 0.1}
    if year >= 2017:
        mix["channel.toutiao"] = 0.05 + 0.02 * (year - 2017)
    if year >= 2019:
        mix["channel.douyin"] = 0.03 + 0.03 * (year - 2019)
    mix["channel.gazette"] = 0.03 if government else 0.0
    mix["channel.app"] = 0.05 if government and year >= 2016 else 0.0
    return mix


def _edition(year: int, narrative: bool) -> str:
    if narrative:
        return "narrative"
    return "legacy" if year <= 2018 else "gov2019" if year <= 2020 else "gov2021"


def _series_specs(s: Series, rng: random.Random) -> Iterable[tuple[int, ReportSpec, str]]:
    government = s.agency.endswith("人民政府")
    place = {"agency": s.agency, "province": PROVINCE, "city": CITY, "county": s.county,
             "level": "county" if s.county else "city"}
    prev: Optional[dict[str, Any]] = None
    for year in range(s.years[0], s.years[1] + 1):
        level = s.growth ** (year - 2015)
        edition = _edition(year, year in s.narrative)
        variant = {"legacy": "national", "gov2021": "collapsed_other" if s.collapsed_other else "standard"}.get(
            edition, "standard")
        carried = None
        if prev is not None and "requests.carried_forward@natural_person" in prev:
            carried = {a: int(prev[f"requests.carried_forward@{a}"]) for a in APPLICANTS}
        facts = draw_facts(rng, edition, year, variant, "medium", level=level, prev=prev, carried_over=carried,
                           new_total=max(0, round(s.requests * level * rng.uniform(0.85, 1.15))),
                           proactive_total=round(s.requests * 30 * level ** 0.5 * rng.uniform(0.9, 1.1)),
                           mix=_mix(year, government))
        fmt = s.formats.get(year, "txt")
        layout = "html" if fmt != "txt" else rng.choice(TEXT_LAYOUTS)
        spec = assemble(rng, rng.getrandbits(32), edition, year, variant, "medium", place, facts, layout=layout,
                        script=s.scripts.get(year, "simplified"), title=year not in s.untitled, noise=s.noise,
                        approx=0.2, demo=True, **s.defects.get(year, {}))
        prev = facts
        yield year, spec, fmt


def demo_panel(out_dir: PathLike, seed: int = 0, gold: bool = True) -> list[Path]:
    """Write the demo panel: fictional agencies of the fictional 澄湖市 (沧澜省), one report per
    agency and year 2015-2024 (legacy 2015-2018, gov2019 2019-2020, gov2021 2021-2024, some
    years in prose only), with trends, 结转 carried from year to year, rolling 现行有效件数 and
    two lineages through the 2018-2019 reform (工商局 + 质监局 -> 市场监督管理局, 环境保护局 ->
    生态环境局). Every report starts with a 【合成演示数据 synthetic demo report】 line."""
    w = _Writer(out_dir, gold)
    try:
        for i, s in enumerate(PANEL):
            for year, spec, fmt in _series_specs(s, random.Random(seed * 1000 + i)):
                w.write(f"{s.slug}_{year}", spec, fmt, series=s.slug, successor=s.successor)
    finally:
        paths = w.close()
    return paths
