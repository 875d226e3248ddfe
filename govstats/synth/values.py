"""Random numbers for one agency-year that satisfy every identity of templates.md §2.

Each function returns a ``facts`` dict ``{truth key: value}`` (ints, or floats for 万元 amounts).
Which facts a report prints is decided by ``spec``; injected blanks and errors come later.
``level`` scales volumes so a panel can follow a trend; ``prev`` dicts carry stock figures
(现行有效件数, 上一年项目数量, 结转) from one year to the next.
"""
from __future__ import annotations

import math
import random
from typing import Optional, Sequence

from ..model import APPLICANTS
from . import forms
from .forms import applicant_key

Facts = dict[str, "int | float"]

#: request volume classes: zero-heavy tables, small / medium offices, large governments
SCALES = ("zero", "small", "medium", "large")
SCALE_WEIGHTS = (0.15, 0.4, 0.3, 0.15)
_VOLUME = {"zero": (0, 0), "small": (1, 30), "medium": (30, 600), "large": (600, 60000)}
#: applicant mix of new requests: 自然人 dominates
_APPLICANT_WEIGHTS = (6.0, 0.6, 0.05, 0.05, 0.15, 0.15)
#: relative frequency of each outcome row (2019/2021 leaves)
_OUTCOME_WEIGHTS = {
    "outcome.granted": 0.30, "outcome.partial": 0.10,
    "outcome.denied.state_secret": 0.005, "outcome.denied.law_prohibited": 0.01,
    "outcome.denied.security_stability": 0.005, "outcome.denied.third_party": 0.03,
    "outcome.denied.internal_affairs": 0.01, "outcome.denied.process_info": 0.015,
    "outcome.denied.enforcement_file": 0.01, "outcome.denied.admin_query": 0.02,
    "outcome.unable.not_held": 0.25, "outcome.unable.need_create": 0.05, "outcome.unable.unclear": 0.04,
    "outcome.not_processed.petition": 0.05, "outcome.not_processed.duplicate": 0.03,
    "outcome.not_processed.publication": 0.005, "outcome.not_processed.excessive": 0.01,
    "outcome.not_processed.reconfirm": 0.005,
    "outcome.other": 0.05, "outcome.other.no_correction": 0.03, "outcome.other.no_fee": 0.003,
    "outcome.other.other": 0.03,
}
_ALWAYS = ("outcome.granted", "outcome.unable.not_held")


def log_uniform(rng: random.Random, lo: float, hi: float) -> int:
    """An integer between ``lo`` and ``hi``, uniform on a log scale (``lo`` >= 1)."""
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def volume(rng: random.Random, scale: str, level: float = 1.0) -> int:
    lo, hi = _VOLUME[scale]
    return 0 if hi == 0 else max(lo, int(round(log_uniform(rng, lo, hi) * level)))


def split(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split into non-negative integers roughly proportional to randomised ``weights``."""
    n = len(weights)
    if total <= 0:
        return [0] * n
    w = [x * (0.3 + rng.random()) for x in weights]
    s = sum(w) or 1.0
    raw = [total * x / s for x in w]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    if rest:
        order = sorted(range(n), key=lambda i: raw[i] - out[i], reverse=True)
        for i in order[:rest]:
            out[i] += 1
    return out


def _sparse(rng: random.Random, codes: Sequence[str], p_zero: float) -> list[float]:
    return [_OUTCOME_WEIGHTS[c] if c in _ALWAYS or rng.random() > p_zero else 0.0 for c in codes]


def _money(rng: random.Random, lo: float, hi: float, decimals: int = 2) -> float:
    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))), decimals)


# --------------------------------------------------------------------------- 2019 / 2021 table 三
def requests_table(rng: random.Random, edition: str, scale: str, collapsed_other: bool = False,
                   carried_over: Optional[dict[str, int]] = None, level: float = 1.0,
                   new_total: Optional[int] = None) -> Facts:
    """Table 三 (every cell, applicant columns and 总计): I1, I2, I3 hold by construction.

    ``carried_over``: 上年结转 per applicant (a panel passes last year's 结转下年度);
    ``new_total``: the number of new requests (default: drawn from ``scale``).
    """
    n = volume(rng, scale, level) if new_total is None else new_total
    new = dict(zip(APPLICANTS, split(rng, n, _APPLICANT_WEIGHTS)))
    if carried_over is None:
        carried_over = {a: 0 if scale == "zero" else int(new[a] * rng.uniform(0, 0.12)) for a in APPLICANTS}
    leaves = forms.outcome_leaves(edition if edition != "narrative" else "gov2019", collapsed_other)
    base = _sparse(rng, leaves, 0.35)
    facts: Facts = {}
    for a in APPLICANTS:
        avail = new[a] + carried_over.get(a, 0)
        forward = min(avail, int(avail * rng.uniform(0, 0.12)))
        handled = avail - forward
        parts = split(rng, handled, [w * rng.uniform(0.5, 1.5) for w in base])
        row = {"requests.new": new[a], "requests.carried_over": carried_over.get(a, 0),
               "requests.carried_forward": forward, "outcome.total": handled, **dict(zip(leaves, parts))}
        for code, v in row.items():
            facts[applicant_key(code, a)] = v
    for code in forms.sec3_codes(edition if edition != "narrative" else "gov2019", collapsed_other):
        facts[code] = sum(facts[applicant_key(code, a)] for a in APPLICANTS)
    return facts


def aggregate_outcomes(facts: Facts) -> Facts:
    """Group totals the forms do not print (for prose): 不予公开 = Σ(三), 无法提供, 不予处理,
    其他处理 (2021: Σ(六)), and 法人或其他组织 = the five organisation columns."""
    out: Facts = {}
    for group, prefix in (("outcome.denied", "outcome.denied."), ("outcome.unable", "outcome.unable."),
                          ("outcome.not_processed", "outcome.not_processed."), ("outcome.other", "outcome.other.")):
        parts = [v for k, v in facts.items() if k.startswith(prefix) and "@" not in k]
        if parts and group not in facts:
            out[group] = sum(parts)
    if "requests.new@business" in facts:
        out["requests.new@legal_entities"] = sum(facts[f"requests.new@{a}"] for a in APPLICANTS[1:])
    return out


def review_table(rng: random.Random, scale: str, requests: int) -> Facts:
    """Table 四: 复议, 直接起诉, 复议后起诉, each with 维持/纠正/其他/尚未审结 and its 总计 (I8)."""
    facts: Facts = {}
    bases = {"review": 0.04, "litigation.direct": 0.015, "litigation.after_review": 0.01}
    for block, share in bases.items():
        n = 0 if scale == "zero" or rng.random() < 0.3 else int(requests * rng.uniform(0, share * 2) + rng.random())
        parts = split(rng, n, (0.6, 0.1, 0.15, 0.15))
        for p, v in zip(forms.SEC4_PARTS, parts + [n]):
            facts[f"{block}.{p}"] = v
    return facts


# --------------------------------------------------------------------------- Section 二
def _count(rng: random.Random, p_zero: float, lo: int, hi: int) -> int:
    return 0 if rng.random() < p_zero else log_uniform(rng, lo, hi)


def article20(rng: random.Random, edition: str, scale: str, prev: Optional[Facts] = None) -> Facts:
    """Section 二 tables. ``prev``: last year's facts, so stocks roll forward (I11, I12)."""
    prev = prev or {}
    big = {"zero": 50, "small": 5000, "medium": 100000, "large": 4000000}[scale]
    f: Facts = {}
    for kind, p_zero, hi in (("regulations", 0.75, 8), ("normative_docs", 0.3, 40)):
        made = _count(rng, p_zero, 1, hi)
        stock = prev.get(f"rules.{kind}.valid")
        stock = _count(rng, 0.2, 1, hi * 15) if stock is None else int(stock)
        if edition == "gov2019":
            published = made if rng.random() < 0.85 else rng.randint(0, made)
            f.update({f"rules.{kind}.made": made, f"rules.{kind}.published": published,
                      f"rules.{kind}.valid": stock + published})
        else:
            repealed = min(stock, _count(rng, 0.6, 1, max(2, hi // 3)))
            f.update({f"rules.{kind}.made": made, f"rules.{kind}.repealed": repealed,
                      f"rules.{kind}.valid": stock + made - repealed})
    for prefix, hi_items in (("licensing", 300), ("other_services", 200), ("penalties", 3000), ("coercion", 100)):
        if edition == "gov2021" and prefix == "other_services":
            continue
        f[f"{prefix}.decisions"] = _count(rng, 0.1, 1, big)
        if edition == "gov2019":
            items = prev.get(f"{prefix}.items_prev")
            items = _count(rng, 0.1, 1, hi_items) if items is None else int(items + prev.get(f"{prefix}.items_change", 0))
            f[f"{prefix}.items_prev"] = items
            f[f"{prefix}.items_change"] = 0 if rng.random() < 0.4 else rng.randint(-min(items, 10), 25)
    if edition == "gov2019":
        items = prev.get("fees.items_prev")
        items = _count(rng, 0.5, 1, 20) if items is None else int(items + prev.get("fees.items_change", 0))
        f["fees.items_prev"] = items
        f["fees.items_change"] = 0 if rng.random() < 0.7 else rng.randint(-min(items, 3), 2)
        f["procurement.items"] = _count(rng, 0.3, 1, 120)
        f["procurement.amount"] = 0 if f["procurement.items"] == 0 else _money(rng, 1, 20000)
    else:
        f["fees.amount"] = 0 if rng.random() < 0.5 else _money(rng, 0.5, 100000)
    return f


# --------------------------------------------------------------------------- proactive disclosure
def proactive(rng: random.Random, year: int, level: float = 1.0, total: Optional[int] = None,
              mix: Optional[dict[str, float]] = None) -> Facts:
    """主动公开 total, channels (website / Weibo / WeChat / app / Toutiao / Douyin / news media …)
    and 回应解读 counts. Channels are not a sum of the total (dedup rule, templates.md O-h).

    ``total`` and ``mix`` (channel -> share of the total) fix what is otherwise drawn at random.
    """
    total = max(1, int(log_uniform(rng, 20, 40000) * level)) if total is None else total
    share = lambda lo, hi: int(total * rng.uniform(lo, hi))  # noqa: E731
    f: Facts = {"proactive.total": total, "proactive.normative_docs": rng.randint(0, min(total, 30))}
    if mix is None:
        f.update({
            "channel.gazette": 0 if rng.random() < 0.6 else share(0, 0.2),
            "channel.website": share(0.4, 1.0),
            "channel.weibo": 0 if rng.random() < 0.3 else share(0, 0.5 if year < 2019 else 0.25),
            "channel.wechat": 0 if year < 2013 else share(0.02, 0.3 if year < 2017 else 0.6),
            "channel.app": 0 if rng.random() < 0.7 else share(0, 0.1),
            "channel.other": 0 if rng.random() < 0.4 else share(0, 1.2),
            "channel.news_media": share(0, 0.3),
        })
        if year >= 2017:
            f["channel.toutiao"] = share(0, 0.3)
        if year >= 2019:
            f["channel.douyin"] = share(0, 0.1)
    else:
        f.update({k: share(m * 0.9, m * 1.1) for k, m in mix.items()})
    press = _count(rng, 0.4, 1, 20)
    interviews = _count(rng, 0.5, 1, 10)
    f.update({
        "response.hotspots": _count(rng, 0.3, 1, 60),
        "response.press_conferences": press,
        "response.press_conferences_head": rng.randint(0, press),
        "response.online_interviews": interviews,
        "response.online_interviews_head": rng.randint(0, interviews),
        "response.head_interpretations": _count(rng, 0.5, 1, 10),
        "response.interpretation_articles": _count(rng, 0.2, 1, 120),
        "response.weibo_wechat": _count(rng, 0.4, 1, 100),
        "response.other": _count(rng, 0.4, 1, 500),
    })
    return f


# --------------------------------------------------------------------------- legacy 统计表
def legacy_table(rng: random.Random, scale: str, guizhou: bool, year: int, level: float = 1.0,
                 base: Optional[Facts] = None, new_total: Optional[int] = None) -> Facts:
    """Every value of the old 统计表 (national rows, or Guizhou's): O-a … O-k hold.

    ``base``: proactive facts already drawn (shared with the prose), reused as is;
    ``new_total``: requests received (default: drawn from ``scale``).
    """
    f: Facts = dict(base) if base else proactive(rng, year, level)
    n = volume(rng, "small" if scale == "large" else scale, level) if new_total is None else new_total
    for code, v in zip(("in_person", "fax", "online", "letter"), split(rng, n, (0.15, 0.02, 0.65, 0.18))):
        f[f"requests.by_channel.{code}"] = v
    f["requests.new"] = n
    completed = n - int(n * rng.uniform(0, 0.1))
    extended = int(completed * rng.uniform(0, 0.1))
    f.update({"requests.completed": completed, "requests.completed.on_time": completed - extended,
              "requests.completed.extended": extended})
    answered = completed
    denied_subs = ("state_secret", "commercial_secret", "privacy", "security_stability", "not_gov_info", "other_law")
    parts = split(rng, answered, (0.15, 0.35, 0.08, 0.08, 0.12, 0.1, 0.07, 0.05))
    for code, v in zip(("already_public", "granted", "partial", "denied", "not_this_agency", "not_exist",
                        "correction_requested", "other_route"), parts):
        f[f"outcome.{code}"] = v
    f["outcome.total"] = answered
    for code, v in zip(denied_subs, split(rng, f["outcome.denied"], (0.1, 0.2, 0.3, 0.05, 0.25, 0.1))):
        f[f"outcome.denied.{code}"] = v
    for block in ("review", "litigation"):
        total = 0 if scale == "zero" or rng.random() < 0.6 else rng.randint(1, max(1, n // 10))
        f[f"{block}.total"] = total
        for code, v in zip(("upheld", "corrected", "other"), split(rng, total, (0.7, 0.15, 0.15))):
            f[f"{block}.{code}"] = v
    fulltime, parttime = rng.randint(0, 5), rng.randint(0, 10)
    f.update({
        "complaints.total": _count(rng, 0.5, 1, 100),
        "fees.collected": 0 if rng.random() < 0.9 else _money(rng, 0.01, 2),
        "org.offices": rng.randint(1, 3), "org.reading_points": rng.randint(1, 10),
        "staff.total": fulltime + parttime, "staff.fulltime": fulltime, "staff.parttime": parttime,
        "budget.special": 0 if rng.random() < 0.4 else _money(rng, 0.5, 50, 1),
        "training.meetings": rng.randint(0, 10), "training.courses": rng.randint(0, 8),
        "training.trainees": _count(rng, 0.2, 5, 500),
        "rules.normative_docs.made": _count(rng, 0.3, 1, 30),
    })
    if guizhou:
        opinions = _count(rng, 0.3, 1, 200)
        count = rng.randint(0, 10)
        f.update({
            "proposals.npc": _count(rng, 0.3, 1, 100), "proposals.cppcc": _count(rng, 0.3, 1, 100),
            "dynamic.request_to_proactive": _count(rng, 0.7, 1, 20), "dynamic.declassified": _count(rng, 0.8, 1, 20),
            "consultation.count": count, "consultation.feedback": rng.randint(0, count),
            "consultation.opinions": opinions, "consultation.rejected": rng.randint(0, opinions),
            "meetings_open.count": rng.randint(0, 10), "meetings_open.public_reps": _count(rng, 0.4, 1, 100),
        })
    return f
