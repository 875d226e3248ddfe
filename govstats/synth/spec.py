"""ReportSpec: everything about one generated report, decided before rendering.

``random_spec`` draws the metadata, the numbers (``values``), what is printed in tables and
stated in prose, the injected defects, and evaluates the identities on the resulting truth.
Renderers only choose cosmetics (wrapping, page breaks, filler sentences), never a number.
"""
from __future__ import annotations

import csv
import functools
import random
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable, Optional, Union

from ..model import EDITIONS
from . import forms, values
from .identities import Outcome, evaluate_all
from .prose import Statement, fmt_num, fmt_share

LAYOUTS = ("one_cell_per_line", "pipe_cells", "indented_blank", "pipe_rows", "markdown", "tsv", "pdf_text", "html")
TEXT_LAYOUTS = LAYOUTS[:-1]
#: layouts where a blank cell leaves no trace (as in text extracted from a PDF)
LOSSY_LAYOUTS = frozenset({"pdf_text"})
SCRIPTS = ("simplified", "traditional")
FORMATS = ("txt", "html", "docx", "pdf")
NOISE_KINDS = ("page_marks", "chrome", "header_meta", "spam", "label_spacing")
VARIANTS = {
    "legacy": ("national", "guizhou"),
    "gov2019": ("standard", "guizhou_appendix"),
    "gov2021": ("standard", "collapsed_other"),
    "narrative": ("standard",),
}
YEARS = {"legacy": (2014, 2018), "gov2019": (2019, 2020), "gov2021": (2021, 2024), "narrative": (2009, 2024)}
_EDITION_WEIGHTS = (0.25, 0.25, 0.35, 0.15)
_NA_MARKS = ("-", "-", "/", "—")
_CHANNELS = ("channel.website", "channel.wechat", "channel.weibo", "channel.toutiao", "channel.douyin",
             "channel.app", "channel.news_media", "channel.gazette")
_RESPONSES = ("response.hotspots", "response.press_conferences", "response.online_interviews",
              "response.interpretation_articles", "response.weibo_wechat")
_REQUEST_CHANNELS = ("requests.by_channel.online", "requests.by_channel.letter", "requests.by_channel.in_person",
                     "requests.by_channel.fax")
_OUTCOMES_DETAIL = ("outcome.total", "outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable.not_held",
                    "outcome.unable.need_create", "outcome.unable.unclear", "outcome.not_processed", "outcome.other")
_OUTCOMES_GROUPED = ("outcome.total", "outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable",
                     "outcome.not_processed", "outcome.other")
_LEGACY_TOTALS = ("outcome.total", "requests.new", "requests.completed", "outcome.denied", "review.total",
                  "litigation.total", "staff.total")

Number = Union[int, float]


@dataclass(frozen=True)
class LabelStyle:
    """Real label variants (templates.md §1, §5): numbering, quotes, row names, line breaks."""

    num_sep: str = "."  # "1." | "1、" | "1．"
    ascii_quotes: bool = False  # "三安全一稳定" instead of “三安全一稳定”
    normative_docs: Optional[str] = None  # 规范性文件 / 行政规范性文件 row label, None = the form's own
    join_notes: bool = False  # "(一)主动公开政府信息数(不同渠道…)" on one line instead of two
    header_breaks: bool = False  # a line break inside header cells (HTML "本年新<br />制作数量")
    quirk_colspans: bool = False  # 2019 (五)/(六): header and data rows use different colspans


@dataclass
class ReportSpec:
    """One generated report. ``truth`` maps every key the report prints or states to its value
    (None for a blank or ``-`` cell, see ``notes``); ``where`` says table / narrative / both."""

    seed: int
    edition: str
    layout: str
    script: str
    variant: str
    scale: str
    meta: dict[str, Any]
    truth: dict[str, Optional[Number]]
    notes: dict[str, str]  # key -> "blank" | "not_applicable"
    where: dict[str, str]  # key -> "table" | "narrative" | "both"
    approx: dict[str, Number]  # keys stated approximately -> the figure stated
    printed: dict[str, str]  # table key -> cell text as printed ("+8", "49万元", "", "-")
    table_keys: tuple[str, ...]
    statements: list[Statement]
    checks: list[Outcome]  # every identity evaluated on ``truth``
    share_errors: list[dict[str, Any]]  # stated percentages that disagree with the counts
    title: bool
    fullwidth: bool
    noise: frozenset[str]
    labels: LabelStyle
    demo: bool = False
    facts: dict[str, Number] = field(default_factory=dict, repr=False)  # every number drawn

    @property
    def failing(self) -> list[Outcome]:
        """Identities expected to fail (injected arithmetic errors)."""
        return [c for c in self.checks if c.status == "fail"]

    @property
    def natural_format(self) -> str:
        """The output format ``layout`` implies: "html" for the html layout, else "txt"."""
        return "html" if self.layout == "html" else "txt"

    def gold(self, file: str) -> dict[str, Any]:
        """This report's truth in the ``*.gold.json`` format of ``shared/tools/score.py``."""
        meta_keys = ("agency", "year", "province", "city", "county", "edition", "doc_kind", "script")
        return {
            "file": file,
            "meta": {k: self.meta.get(k) for k in meta_keys},
            "values": {k: v for k, v in self.truth.items() if v is not None},
            "null": [k for k, v in self.truth.items() if v is None],
            "approx": dict(self.approx),
            "complete": ["table"],
            "expected_findings": [f"{c.identity.name} ({c.identity.applicant}) fails: {c.left} vs {c.right}"
                                  for c in self.failing] + [
                f"stated share of {e['key']} is {e['stated']}%, actual {e['actual']}%" for e in self.share_errors],
            "notes": f"synthetic report, seed {self.seed}, {self.edition}/{self.variant}, layout {self.layout}",
        }

    def to_json(self) -> dict[str, Any]:
        """The truth.jsonl record (without the file name)."""
        return {
            "seed": self.seed, "edition": self.edition, "layout": self.layout, "script": self.script,
            "variant": self.variant, "scale": self.scale, "title": self.title, "fullwidth": self.fullwidth,
            "noise": sorted(self.noise), "demo": self.demo, "meta": dict(self.meta),
            "truth": dict(self.truth), "notes": dict(self.notes), "where": dict(self.where),
            "approx": dict(self.approx),
            "expected_failures": [c.to_json() for c in self.failing],
            "share_errors": list(self.share_errors),
            "statements": [s.to_json() for s in self.statements],
        }


# --------------------------------------------------------------------------- agencies
_MUNICIPAL = ("11", "12", "31", "50", "71", "81", "82")
_DEPARTMENTS_OLD = ("人民政府", "人民政府办公室", "工商行政管理局", "质量技术监督局", "食品药品监督管理局", "环境保护局",
                    "国土资源局", "教育局", "财政局", "卫生和计划生育委员会", "人力资源和社会保障局", "住房和城乡建设局", "交通运输局")
_DEPARTMENTS_NEW = ("人民政府", "人民政府办公室", "市场监督管理局", "生态环境局", "自然资源局", "教育局", "财政局",
                    "卫生健康委员会", "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "应急管理局", "司法局")


@functools.lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], ...]:
    """Cities and counties (not of the municipalities) whose names survive the machine round trip
    zh-CN -> zh-TW -> zh-CN (OpenCC turns e.g. 蚌埠 into 蚌端口, 澄江 into 澂江), so the meta truth of
    a traditional-script report stays recoverable."""
    import opencc

    with resources.files("govstats.data").joinpath("gazetteer.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] in ("city", "county")
                and r["province_id"][:2] not in _MUNICIPAL and (r["level"] == "city" or r["city"])]
    names = sorted({r[k] for r in rows for k in ("name", "city", "province") if r[k]})
    round_trip = opencc.OpenCC("tw2sp").convert(opencc.OpenCC("s2twp").convert("\n".join(names))).split("\n")
    keep = {a for a, b in zip(names, round_trip) if a == b} | {""}
    return tuple(r for r in rows if {r["name"], r["city"], r["province"]} <= keep)


@functools.lru_cache(maxsize=32)
def _regions_in(year: int) -> tuple[dict[str, str], ...]:
    return tuple(r for r in _regions() if int(r["first_year"]) <= year <= int(r["last_year"]))


def random_agency(rng: random.Random, year: int) -> dict[str, Any]:
    """A real region of that year (from the gazetteer) and a department of that era."""
    r = rng.choice(_regions_in(year))
    dept = rng.choice(_DEPARTMENTS_OLD if year <= 2018 else _DEPARTMENTS_NEW)
    if r["level"] == "city":
        agency, city, county = r["name"] + dept, r["name"], None
    else:
        prefix = r["city"] + r["name"] if r["name"].endswith("区") else r["name"]
        agency, city, county = prefix + dept, r["city"], r["name"]
    return {"agency": agency, "province": r["province"], "city": city, "county": county, "level": r["level"]}


def we_word(agency: str, meta: dict[str, Any]) -> str:
    """How the report refers to its own agency: 我局 / 我委 / 我区 / 我市 / 我县 / 我办."""
    if agency.endswith("人民政府"):
        place = meta.get("county") or meta.get("city") or agency[:-4]
        return "我" + place[-1]
    for suffix, word in (("委员会", "我委"), ("办公室", "我办")):
        if agency.endswith(suffix):
            return word
    return "我局"


# --------------------------------------------------------------------------- facts
def draw_facts(rng: random.Random, edition: str, year: int, variant: str, scale: str, *, level: float = 1.0,
               prev: Optional[dict[str, Number]] = None, carried_over: Optional[dict[str, int]] = None,
               new_total: Optional[int] = None, proactive_total: Optional[int] = None,
               mix: Optional[dict[str, float]] = None) -> dict[str, Number]:
    """All numbers of one report (more than it prints).

    A panel passes ``prev`` (last year's facts: stocks roll forward), ``carried_over`` (last
    year's 结转下年度 per applicant), ``new_total`` (requests received), ``proactive_total`` and
    ``mix`` (channel shares) to follow a trend; otherwise everything is drawn from ``scale``.
    """
    base = values.proactive(rng, year, level, proactive_total, mix)
    if edition == "legacy":
        return values.legacy_table(rng, scale, variant == "guizhou", year, level, base, new_total)
    facts: dict[str, Number] = base
    table = values.requests_table(rng, edition, scale, variant == "collapsed_other", carried_over, level, new_total)
    facts.update(table)
    facts.update(values.review_table(rng, scale, table["requests.new"]))
    facts["litigation.total"] = facts["litigation.direct.total"] + facts["litigation.after_review.total"]
    facts.update(values.article20(rng, edition if edition != "narrative" else "gov2021" if year >= 2021 else "gov2019",
                                  scale, prev))
    if variant == "guizhou_appendix":
        appendix = values.legacy_table(rng, scale, True, year, level, base=facts)
        facts.update({k: appendix[k] for k in forms.legacy_codes(True)})
    if edition == "narrative":
        facts.update(values.aggregate_outcomes(facts))
        for code, v in zip(_REQUEST_CHANNELS, values.split(rng, int(facts["requests.new"]), (0.7, 0.15, 0.12, 0.03))):
            facts[code] = v
        if year <= 2018:  # the old form has no 尚未审结
            facts["review.other"] += facts["review.pending"]
            facts["review.pending"] = 0
    return facts


@functools.lru_cache(maxsize=None)
def table_keys(edition: str, variant: str) -> tuple[str, ...]:
    """Keys printed in the tables of an edition, in print order."""
    if edition == "legacy":
        return forms.legacy_codes(variant == "guizhou")
    if edition == "narrative":
        return ()
    sec2 = forms.SEC2_2019 if edition == "gov2019" else forms.SEC2_2021
    keys = [c for t in sec2 for _, codes in t.rows for c in codes]
    for code in forms.sec3_codes(edition, variant == "collapsed_other"):
        keys += [forms.applicant_key(code, a) for a in forms.COLUMNS]
    keys += forms.SEC4_CODES
    if variant == "guizhou_appendix":
        keys += forms.legacy_codes(True)
    return tuple(keys)


def _printed(rng: random.Random, key: str, v: Number) -> str:
    if key in forms.SIGNED and v:
        if rng.random() < 0.1:
            return ("增" if v > 0 else "减") + str(abs(int(v)))
        return f"{int(v):+d}"
    if key == "procurement.amount" and v and rng.random() < 0.5:
        return fmt_num(v) + "万元"
    return fmt_num(v)


# --------------------------------------------------------------------------- prose plan
def _shares(rng: random.Random, facts: dict[str, Number], keys: Iterable[str], total_key: str,
            p: float) -> tuple[tuple[str, ...], Optional[str]]:
    total = facts.get(total_key, 0)
    if not total or rng.random() > p:
        return (), None
    return tuple(fmt_share(100 * facts[k] / total) for k in keys), total_key


def _subset(rng: random.Random, keys: Iterable[str], facts: dict[str, Number], drop_zero: bool) -> tuple[str, ...]:
    return tuple(k for k in keys if k in facts and not (drop_zero and facts[k] == 0 and rng.random() < 0.5))


def plan_statements(rng: random.Random, edition: str, year: int, facts: dict[str, Number],
                    printed_keys: frozenset[str], approx: float = 0.0) -> list[Statement]:
    """Which numbers the prose states, and in which words (templates.md §4)."""
    out: list[Statement] = []
    v = lambda: rng.randrange(6)  # noqa: E731  wording index
    modern = year >= 2019
    prose_heavy = edition in ("legacy", "narrative")
    if rng.random() < (0.9 if prose_heavy else 0.6):
        out.append(Statement("proactive.total", ("proactive.total",), v()))
    pool = [k for k in _CHANNELS if k in facts]
    chosen = tuple(k for k in pool if rng.random() < 0.6) or tuple(pool[:1])
    if rng.random() < (0.9 if prose_heavy else 0.6):
        fuzzy = tuple(k for k in chosen if k not in printed_keys and facts[k] >= 100 and rng.random() < approx)
        out.append(Statement("proactive.channels", chosen, v(), approx=fuzzy))
    if prose_heavy and rng.random() < 0.6:
        out.append(Statement("responses", _RESPONSES, v()))
    if edition == "narrative" and rng.random() < 0.5:
        out.append(Statement("rules.normative_docs", ("rules.normative_docs.made",), v()))
    n = facts["requests.new"]
    if n == 0 and rng.random() < 0.7:
        out.append(Statement("requests.none", ("requests.new",), v()))
    elif modern and edition != "legacy" and rng.random() < 0.4:
        out.append(Statement("requests.received_co", ("requests.new", "requests.carried_over"), v()))
    else:
        out.append(Statement("requests.received", ("requests.new",), v()))
    if prose_heavy and n and "requests.by_channel.online" in facts and rng.random() < 0.8:
        keys = _subset(rng, _REQUEST_CHANNELS, facts, drop_zero=False)
        keys = tuple(k for k in keys if facts[k] or k != "requests.by_channel.fax")
        shares, of = _shares(rng, facts, keys, "requests.new", 0.6)
        out.append(Statement("requests.channels", keys, v(), shares, of))
    if edition == "narrative" and modern and n and rng.random() < 0.7:
        keys = ("requests.new@natural_person", "requests.new@legal_entities")
        shares, of = _shares(rng, facts, keys, "requests.new", 0.6)
        out.append(Statement("requests.applicants", keys, v(), shares, of))
    if edition == "narrative" and modern and facts.get("outcome.total"):
        keys = _OUTCOMES_DETAIL if rng.random() < 0.5 else _OUTCOMES_GROUPED
        keys = keys[:1] + _subset(rng, keys[1:], facts, drop_zero=True)
        shares, of = _shares(rng, facts, keys[1:], "outcome.total", 0.7)
        out.append(Statement("outcomes", keys, v(), ("",) + shares if shares else (), of))
        if rng.random() < 0.5:
            out.append(Statement("requests.carried_forward", ("requests.carried_forward",), v()))
    elif prose_heavy and facts.get("outcome.granted") and rng.random() < 0.5:
        out.append(Statement("outcomes.legacy", ("outcome.granted", "outcome.partial", "outcome.denied"), v()))
    review, litigation = facts.get("review.total", 0), facts.get("litigation.total", 0)
    if review == 0 and litigation == 0 and rng.random() < 0.8:
        out.append(Statement("review.none", ("review.total", "litigation.total"), v()))
    elif prose_heavy:
        parts = ("review.upheld", "review.corrected", "review.other") + (("review.pending",) if modern else ())
        if review:
            out.append(Statement("review.detail", ("review.total",) + _subset(rng, parts, facts, True), v()))
        out.append(Statement("litigation.none" if litigation == 0 else "litigation.count", ("litigation.total",), v()))
    if not facts.get("fees.collected") and rng.random() < 0.5:
        facts.setdefault("fees.collected", 0)  # reports without a fee row still say none was charged
        out.append(Statement("fees.none", ("fees.collected",), v() if year >= 2021 else 0))  # 信息处理费: 2021+
    return out


# --------------------------------------------------------------------------- defects
def _wrong(rng: random.Random, v: Number) -> Number:
    if v and rng.random() < 0.3:
        return 0
    d = max(1, int(abs(v) * rng.uniform(0.05, 0.3)))
    return v + d if v < d or rng.random() < 0.5 else v - d


def _wrong_share(rng: random.Random, share: str) -> str:
    """A percentage off by 1 to 9 points, still within 0-100."""
    p, d = float(share), round(rng.uniform(1.0, 9.0), 2)
    return fmt_share(p - d if p - d >= 0 and (p + d > 100 or rng.random() < 0.5) else p + d)


def _inject(rng: random.Random, edition: str, variant: str, keys: list[str], values_: dict[str, Number],
            printed: dict[str, str], stated: set[str], blank_cells: int, na_cells: int, errors: int) -> dict[str, str]:
    """Blank and ``-`` cells (notes) and wrong printed totals (values_ and printed updated)."""
    notes: dict[str, str] = {}
    free = [k for k in keys if k not in stated] if blank_cells or na_cells else []
    rng.shuffle(free)
    for k in free[:blank_cells]:
        notes[k], printed[k] = "blank", ""
    for k in free[blank_cells:blank_cells + na_cells]:
        notes[k], printed[k] = "not_applicable", rng.choice(_NA_MARKS)
    if not errors:
        return notes
    if edition == "legacy":
        totals = [k for k in _LEGACY_TOTALS if k in values_]
    else:
        rows = set(forms.outcome_leaves(edition, variant == "collapsed_other"))  # 总计 column of outcome rows
        totals = [k for k in keys if k.split("@")[0] == "outcome.total" or k in rows
                  or k in forms.SEC4_CODES and k.endswith(".total")]
    totals = [k for k in totals if k not in stated and k not in notes]
    rng.shuffle(totals)
    for k in totals[:errors]:
        values_[k] = _wrong(rng, values_[k])
        printed[k] = fmt_num(values_[k])
    return notes


def _inject_shares(rng: random.Random, statements: list[Statement], facts: dict[str, Number],
                   n: int) -> tuple[list[Statement], list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    out = list(statements)
    candidates = [i for i, s in enumerate(out) if s.shares]
    rng.shuffle(candidates)
    for i in candidates[:n]:
        s = out[i]
        j = rng.choice([j for j, p in enumerate(s.shares) if p])
        shares = list(s.shares)
        stated = _wrong_share(rng, shares[j])
        errors.append({"check": "narrative.share", "key": s.keys[j], "share_of": s.share_of,
                       "stated": float(stated), "actual": float(shares[j]), "status": "fail"})
        shares[j] = stated
        out[i] = Statement(s.kind, s.keys, s.variant, tuple(shares), s.share_of, s.approx)
    return out, errors


def _round2(v: Number) -> int:
    s = len(str(int(v))) - 2
    return int(v) // 10 ** s * 10 ** s if s > 0 else int(v)


# --------------------------------------------------------------------------- assembling a spec
def _choice(rng: random.Random, name: str, given: Any, options: Iterable[Any],
            weights: Optional[Iterable[float]] = None) -> Any:
    options = tuple(options)
    if given is not None:
        if given not in options:
            raise ValueError(f"unknown {name} {given!r}; expected one of {options}")
        return given
    return rng.choices(options, tuple(weights) if weights else None)[0]


def _rng(seed: Union[int, random.Random]) -> tuple[random.Random, int]:
    if isinstance(seed, random.Random):
        seed = seed.getrandbits(32)
    return random.Random(seed), int(seed)


def _label_style(rng: random.Random, edition: str, layout: str) -> LabelStyle:
    nd = None
    if edition == "gov2019" and rng.random() < 0.1:
        nd = "行政规范性文件"
    elif edition == "gov2021" and rng.random() < 0.1:
        nd = "规范性文件"
    return LabelStyle(
        num_sep=rng.choices((".", "、", "．"), (0.75, 0.2, 0.05))[0],
        ascii_quotes=rng.random() < 0.15,
        normative_docs=nd,
        join_notes=rng.random() < 0.4,
        header_breaks=layout == "html" and rng.random() < 0.4,
        quirk_colspans=edition == "gov2019" and rng.random() < 0.25,
    )


def _noise(rng: random.Random, noise: Union[None, bool, Iterable[str]]) -> frozenset[str]:
    if noise is None:
        return frozenset(k for k in NOISE_KINDS if rng.random() < 0.3)
    if isinstance(noise, bool):
        return frozenset(NOISE_KINDS) if noise else frozenset()
    kinds = frozenset(noise)
    unknown = kinds - set(NOISE_KINDS)
    if unknown:
        raise ValueError(f"unknown noise kinds {sorted(unknown)}; expected some of {NOISE_KINDS}")
    return kinds


def random_spec(seed: Union[int, random.Random] = 0, *, edition: Optional[str] = None, layout: Optional[str] = None,
                script: Optional[str] = None, agency: Optional[str] = None, region: Optional[dict[str, Any]] = None,
                year: Optional[int] = None, variant: Optional[str] = None, scale: Optional[str] = None,
                title: Optional[bool] = None, noise: Union[None, bool, Iterable[str]] = None,
                fullwidth: Optional[bool] = None, blank_cells: int = 0, na_cells: int = 0, errors: int = 0,
                approx: float = 0.0, demo: bool = False) -> ReportSpec:
    """A random report whose true values are known. See the package docstring for the options."""
    rng, seed = _rng(seed)
    if edition is None and year is not None:
        edition = "legacy" if year <= 2018 else "gov2019" if year <= 2020 else "gov2021"
        if rng.random() < 0.15:
            edition = "narrative"
    edition = _choice(rng, "edition", edition, EDITIONS, _EDITION_WEIGHTS)
    year = year if year is not None else rng.randint(*YEARS[edition])
    variant = _choice(rng, "variant", variant, VARIANTS[edition], (0.8,) + (0.2,) * (len(VARIANTS[edition]) - 1))
    scale = _choice(rng, "scale", scale, values.SCALES, values.SCALE_WEIGHTS)
    if agency is None:
        place = random_agency(rng, year)
    else:
        place = {"agency": agency, "province": None, "city": None, "county": None, "level": None, **(region or {})}
    facts = draw_facts(rng, edition, year, variant, scale)
    return assemble(rng, seed, edition, year, variant, scale, place, facts, layout=layout, script=script,
                    title=title, noise=noise, fullwidth=fullwidth, blank_cells=blank_cells, na_cells=na_cells,
                    errors=errors, approx=approx, demo=demo)


def assemble(rng: random.Random, seed: int, edition: str, year: int, variant: str, scale: str,
             place: dict[str, Any], facts: dict[str, Number], *, layout: Optional[str] = None,
             script: Optional[str] = None, title: Optional[bool] = None,
             noise: Union[None, bool, Iterable[str]] = None, fullwidth: Optional[bool] = None,
             blank_cells: int = 0, na_cells: int = 0, errors: int = 0, approx: float = 0.0,
             demo: bool = False) -> ReportSpec:
    """A spec from drawn facts: printed cells, prose plan, defects, truth and expected checks."""
    layout = _choice(rng, "layout", layout, LAYOUTS)
    script = _choice(rng, "script", script, SCRIPTS, (0.75, 0.25))
    title = rng.random() < 0.85 if title is None else title
    fullwidth = rng.random() < (0.6 if layout == "html" else 0.15) if fullwidth is None else fullwidth
    keys = list(table_keys(edition, variant))
    printed_vals: dict[str, Number] = {k: facts[k] for k in keys}
    printed = {k: _printed(rng, k, v) for k, v in printed_vals.items()}
    statements = plan_statements(rng, edition, year, facts, frozenset(keys), approx)
    stated = {k for s in statements for k in s.keys if k not in s.approx}
    notes = _inject(rng, edition, variant, keys, printed_vals, printed, stated, blank_cells, na_cells,
                    errors if keys else 0)
    statements, share_errors = _inject_shares(rng, statements, facts, 0 if keys else errors)
    truth: dict[str, Optional[Number]] = {k: (None if k in notes else printed_vals[k]) for k in keys}
    where = {k: "table" for k in keys}
    approx_values: dict[str, Number] = {}
    for s in statements:
        for k in s.keys:
            if k in s.approx:
                approx_values[k] = _round2(facts[k])
            else:
                truth.setdefault(k, facts[k])
                where[k] = "both" if where.get(k) in ("table", "both") else "narrative"
    approx_values = {k: v for k, v in approx_values.items() if k not in truth}
    statements = [Statement(s.kind, s.keys, s.variant, s.shares, s.share_of,
                            tuple(k for k in s.approx if k in approx_values)) for s in statements]
    meta = {
        "agency": place["agency"], "year": year, "province": place.get("province"), "city": place.get("city"),
        "county": place.get("county"), "level": place.get("level"), "edition": edition,
        "doc_kind": "annual_report", "script": script,
        "title": rng.choice(("{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作年度报告",
                             "{year}年{agency}政府信息公开工作年度报告")).format(agency=place["agency"], year=year)
        if title else None,
        "published": f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
    }
    checks = evaluate_all(edition, truth, variant == "collapsed_other", variant == "guizhou_appendix")
    return ReportSpec(seed=seed, edition=edition, layout=layout, script=script, variant=variant, scale=scale,
                      meta=meta, truth=truth, notes=notes, where=where, approx=approx_values, printed=printed,
                      table_keys=tuple(keys), statements=statements, checks=checks, share_errors=share_errors,
                      title=title, fullwidth=fullwidth, noise=_noise(rng, noise),
                      labels=_label_style(rng, edition, layout), demo=demo, facts=facts)
