"""Row labels and header cells of the statistical tables: canonical forms, the codebook, similarity.

Labels are compared in a canonical form: whitespace and quotes removed, the numbering prefix
(``一、`` ``(一)`` ``1.`` ``1、`` ``(1)`` ``其中:``) set aside, trailing qualifiers in brackets dropped
(``(区分处理的,只计这一情形,不计其他情形)``, also when the closing bracket was wrapped away).
Similarity between an observed label and a codebook label is 1.0 for equal bodies and degrades
through containment (a label glued to junk, a label cut by a line wrap) to character-bigram overlap
(garbled PDF labels such as ``2.其他法律行政止公开``); conflicting numbering lowers it.

Data: ``codebook/labels.csv`` (row labels per table kind) and ``codebook/headers.csv`` (header cells,
table fingerprints, the column trees of Sections 三 and 四).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from .. import codebook

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_NUMBERING = [
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,3})[、.,]")),
    ("pcn", re.compile(r"^\(([一二三四五六七八九十]{1,3})\)")),
    ("ar", re.compile(r"^(\d{1,2})(?:[、,]|\.(?!\d))")),
    ("par", re.compile(r"^\((\d{1,2})\)")),
    ("circ", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩])")),
    ("qz", re.compile(r"^(其中)[:]?")),
]
_TRAILING_PUNCT = ":;,.|。;、"

_UNIT_QUALIFIER = re.compile(r"(.+?)\(单位[:：]?[^)]*\)")
#: minimum similarity for a label match that is used at all
MIN_SCORE = 0.6


@functools.lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """NFKC, whitespace and quotes removed: the form header cells and label variants are compared in."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or "")).translate(_QUOTES)


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGITS.get(a, 0) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
    return _CN_DIGITS.get(s, 0)


def _strip_qualifiers(body: str) -> str:
    """Drop trailing bracketed qualifiers, also an unclosed one cut by a line wrap."""
    while True:
        depth, cut = 0, None
        for i, ch in enumerate(body):
            if ch == "(":
                if depth == 0:
                    cut = i
                depth += 1
            elif ch == ")" and depth:
                depth -= 1
        if cut is None or cut == 0:
            return body
        if depth:  # an unclosed "(…" at the end
            body = body[:cut]
            continue
        if body.endswith(")"):
            body = body[:cut]
            continue
        return body


@dataclass(frozen=True)
class Canon:
    """A label in canonical form."""

    numbering: Optional[tuple[str, int]]
    body: str
    bigrams: frozenset[str] = field(default_factory=frozenset, compare=False)


@functools.lru_cache(maxsize=8192)
def canon(text: str) -> Canon:
    s = squash(text).strip(_TRAILING_PUNCT)
    numbering = None
    for style, rx in _NUMBERING:
        m = rx.match(s)
        if m:
            g = m.group(1)
            n = _cn_number(g) if style in ("cn", "pcn") else (ord(g) - 0x245F if style == "circ" else (0 if style == "qz" else int(g)))
            numbering = ("ar" if style in ("ar", "par", "circ") else style, n)
            s = s[m.end():]
            if style != "qz" and s.startswith("其中"):
                s = s[2:].lstrip(":")
            break
    body = _strip_qualifiers(s).strip(_TRAILING_PUNCT)
    return Canon(numbering, body, frozenset(body[i : i + 2] for i in range(len(body) - 1)))


def similarity(obs: Canon, ref: Canon) -> float:
    """How well an observed label matches a codebook label, in [0, 1]."""
    a, b = obs.body, ref.body
    if not a or not b:
        return 0.0
    if a == b:
        score = 1.0
    elif b in a and (len(b) >= 4 or 2 * len(b) >= len(a)):
        # the label plus junk (letters of a vertical spanning cell, a glued group label)
        score = 0.55 + 0.4 * len(b) / len(a)
    elif a in b and len(a) >= 3:  # a label cut by a line wrap
        score = 0.4 + 0.55 * len(a) / len(b)
    else:
        union = len(obs.bigrams) + len(ref.bigrams)
        score = 2 * len(obs.bigrams & ref.bigrams) / union if union else 0.0
    if obs.numbering and ref.numbering:
        if obs.numbering == ref.numbering:
            score = min(1.0, score + 0.05) if score < 1.0 else score
        elif obs.numbering[0] == ref.numbering[0] or {obs.numbering[0], ref.numbering[0]} == {"qz", "ar"}:
            score *= 0.9 if score >= 1.0 else 0.6
        else:
            score *= 0.9
    return score


# --------------------------------------------------------------------------- row labels
@dataclass(frozen=True)
class LabelEntry:
    """One line of labels.csv."""

    kind: str
    indicator: str  # "" for a heading, "extra" for a known row without an indicator
    label: str
    role: str  # row | group | heading | extra
    parent: str
    position: int  # order of the row within its table kind (variants share it)
    canon: Canon



@dataclass
class LabelBook:
    """The labels of one table kind, in expected order."""

    kind: str
    entries: list[LabelEntry] = field(default_factory=list)
    by_body: dict[str, list[LabelEntry]] = field(default_factory=dict)
    by_bigram: dict[str, list[LabelEntry]] = field(default_factory=dict)  # rows, groups, extras only
    children: dict[str, list[str]] = field(default_factory=dict)  # group indicator -> child indicators

    def exact(self, text: str) -> list[LabelEntry]:
        """Entries whose canonical body equals the text's (numbering not compared)."""
        return self.by_body.get(canon(text).body, [])

    def scored(self, text: str) -> list[tuple[LabelEntry, float]]:
        """Row, group and extra entries matching the text (similarity >= MIN_SCORE), best first.

        An exact body match excludes looser ones; otherwise only entries sharing a character
        bigram with the text are compared. Results are cached: the same labels recur in every report.
        """
        return _scored(self.kind, text)

    def _scored(self, text: str) -> list[tuple[LabelEntry, float]]:
        c = canon(text)
        if not c.body:
            return []
        pool = [e for e in self.by_body.get(c.body, []) if e.role != "heading"]
        if not pool:
            seen: set[int] = set()
            for g in c.bigrams:
                for e in self.by_bigram.get(g, ()):
                    if id(e) not in seen:
                        seen.add(id(e))
                        pool.append(e)
        out = [(e, s) for e in pool if (s := similarity(c, e.canon)) >= MIN_SCORE]
        out.sort(key=lambda p: -p[1])
        return out


@functools.lru_cache(maxsize=16384)
def _scored(kind: str, text: str) -> list[tuple[LabelEntry, float]]:
    return label_books()[kind]._scored(text)


@functools.lru_cache(maxsize=1)
def label_books() -> dict[str, LabelBook]:
    rows = codebook.read_csv("labels.csv")
    books: dict[str, LabelBook] = {}
    positions: dict[tuple[str, str], int] = {}
    for r in rows:
        kind = r["kind"]
        book = books.setdefault(kind, LabelBook(kind))
        c = canon(r["label"])
        slot = r["indicator"] if r["indicator"] and r["indicator"] != "extra" else f"extra:{c.body}"
        if r["role"] == "heading":
            slot = f"heading:{c.body}"
        pos = positions.setdefault((kind, slot), len([k for k in positions if k[0] == kind]))
        e = LabelEntry(kind, r["indicator"], r["label"], r["role"], r["parent"], pos, c)
        book.entries.append(e)
        book.by_body.setdefault(c.body, []).append(e)
        if e.role != "heading":
            for g in c.bigrams:
                book.by_bigram.setdefault(g, []).append(e)
        if r["parent"]:
            kids = book.children.setdefault(r["parent"], [])
            if r["indicator"] not in kids:
                kids.append(r["indicator"])
    return books


# --------------------------------------------------------------------------- header cells
@dataclass(frozen=True)
class HeaderToken:
    """One line of headers.csv."""

    kind: str
    token: str
    mode: str  # exact | contains | prefix
    key: str
    parents: tuple[str, ...]
    role: str  # start | reset | column | footer
    standard: bool


@dataclass
class HeaderBook:
    exact: dict[str, list[HeaderToken]]
    fuzzy: list[HeaderToken]  # contains / prefix tokens
    tokens: list[HeaderToken]  # every line, in file order

    def lookup(self, text: str) -> list[HeaderToken]:
        """Header tokens a cell text is (exact) or contains (fingerprints, footers); cached."""
        return header_tokens(text)

    def _lookup(self, text: str) -> list[HeaderToken]:
        s = squash(text)
        if not s:
            return []
        hit = self.exact.get(s)
        if hit is None:
            m = _UNIT_QUALIFIER.fullmatch(s)  # 本年收费金额(单位:万元)
            if m:
                hit = self.exact.get(m.group(1))
        out = list(hit or [])
        for t in self.fuzzy:
            if (t.mode == "contains" and t.token in s) or (t.mode == "prefix" and s.startswith(t.token)):
                out.append(t)
        return out


@functools.lru_cache(maxsize=None)
def standard_leaves(kind: str) -> tuple[tuple[str, ...], ...]:
    """Column paths of the official form of a table kind, in order (file order of headers.csv)."""
    nodes = [t for t in header_book().tokens if t.kind == kind and t.standard and t.key]
    out: list[tuple[str, ...]] = []

    def walk(node: HeaderToken, path: tuple[str, ...]) -> None:
        kids = [t for t in nodes if node.key in t.parents]
        if not kids:
            out.append(path)
        for kid in kids:
            walk(kid, path + (kid.key,))

    for root in (t for t in nodes if not t.parents):
        walk(root, (root.key,))
    return tuple(out)


@functools.lru_cache(maxsize=16384)
def header_tokens(text: str) -> list[HeaderToken]:
    """``header_book().lookup(text)``: the header tokens of a cell text (cached; do not mutate)."""
    return header_book()._lookup(text)


@functools.lru_cache(maxsize=1)
def header_book() -> HeaderBook:
    exact: dict[str, list[HeaderToken]] = {}
    fuzzy: list[HeaderToken] = []
    tokens: list[HeaderToken] = []
    for r in codebook.read_csv("headers.csv"):
        t = HeaderToken(
            kind=r["kind"],
            token=squash(r["token"]),
            mode=r["mode"],
            key=r["key"],
            parents=tuple(p for p in r["parent"].split(";") if p),
            role=r["role"],
            standard=r["standard"] == "1",
        )
        tokens.append(t)
        if t.mode == "exact":
            exact.setdefault(t.token, []).append(t)
        else:
            fuzzy.append(t)
    return HeaderBook(exact, fuzzy, tokens)
