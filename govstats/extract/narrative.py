"""Numbers stated in prose -> values (``source="narrative"``).

How a figure becomes a value:

1. ``prose.prose_view`` gives the prose of the document without its tables, wrapped lines joined
   and whitespace removed; ``numbers.find_numbers`` finds every number in it once.
2. The triggers of ``codebook/phrases.csv`` are looked for in the clause before each figure (after
   the previous number): the figure takes the *nearest* one, or, when there is none, a trigger
   right after it (``1件本机关不掌握``). The row's ``gap`` / ``after`` regex must cover the text in
   between, its unit must be allowed and its context must hold (``维持1宗`` is a review result
   after ``行政复议``, a lawsuit result after ``行政诉讼``; contexts are set by triggers anywhere in
   the paragraph before).
3. A channel directly before ``主动公开…信息N条`` takes the figure (``absorbs``); a trigger joined to
   another of its group (``微信和头条等…235条``, ``予以公开及部分公开258件``) is a combined figure
   and gives nothing; a figure inside ``(含…)`` that restates the indicator just before it, or a
   qualified subset after 其中 (``其中,疫情防控新闻发布会151场``), is a part, not the indicator.
4. ``codebook/narrative_blockers.csv`` keeps out what is not an indicator: article and document
   numbers, ranks, ranges, follower and reading counts, hotline platforms, other bodies' figures
   (and notes a different scope: ``区政府办代表区政府受理…``).
5. Zero stated in words (``未收到…申请``, ``未发生…行政复议、行政诉讼``, ``未…收取…费用``) gives 0.
6. A figure stated in its own section (``codebook/narrative_sections.csv``) outranks the same
   indicator stated in the overview, a running total (``截至年底累计…``) ranks last; equal figures
   are kept once, different ones are all kept, best first (the checks report them as
   ``narrative_vs_narrative``).

Values carry the sentence as evidence, the span of the printed figure in ``Document.text``, the
trigger as label, ``approximate`` for 余/多/近/约/左右/以上 figures and a printed share (``占2.73%``)
with the key of its total. Money is converted to 万元 (``3940 元`` -> 0.394).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Optional, Sequence

from .. import codebook
from ..model import Document, Meta, Value
from .numbers import NumberToken, find_numbers, to_wan
from .prose import ProseView, prose_view

_F = r"[^\d\n,，。;；:：!?！？()（）《》、]"  # plain filler character
_TF = r"[^\d\n,，。;；:：!?！？()（）《》]"  # filler inside a trigger (may cross 、)
_ZF = r"[^\d\n,，。;；!?！？]"  # filler inside a zero statement
_A = r"[^\d\n,，。;；!?！？]"  # filler between a figure and a trigger after it
_NUM_WORDS = r"[”\"’」』]?(?:共|共计|合计|总计|累计|计|达到|达|为|有|了|的|数量为|数量|数为|数|分别为|总数为|总数)*"
#: the text between two triggers of one group that makes their figure a combined one
_JOIN = re.compile(r"[、和及与或/]{0,2}|以及|或者")
_ABSORB_GAP = re.compile(_F + r"{0,6}")
_DIGITS = re.compile(r"[0-9][0-9]*")
_CLAUSE_BREAK = re.compile(r"[\n,，。;；:：!?！？()（）]")
_SENT_BREAKS = frozenset("\n。!?！？")  # a sentence break also ends a clause
_LEAD_YEAR = re.compile(r"^\d{4}年度?")
_STOCK_RANK = 2  # a running total (截至年底累计…) ranks after the year's figures


# --------------------------------------------------------------------------- vocabulary
@dataclass(frozen=True)
class _Rule:
    """One ``value`` row of phrases.csv."""

    indicator: str
    applicant: str
    side: str
    gap: re.Pattern[str]
    after: Optional[re.Pattern[str]]
    units: frozenset[str]
    unitless: bool
    requires: frozenset[str]
    forbids: frozenset[str]
    share_of: Optional[str]
    absorbs: frozenset[str]
    group: str
    requires_sentence: Optional[re.Pattern[str]]
    home_ok: bool  # requires "§|…": a figure stated in its own section needs no such sentence

    def context_ok(self, ctx: Optional[str]) -> bool:
        if self.requires and ctx not in self.requires:
            return False
        return ctx not in self.forbids

    def unit_ok(self, tok: NumberToken) -> bool:
        return tok.unit in self.units if tok.unit is not None else (self.unitless and tok.share is not None)


@dataclass(frozen=True)
class _Family:
    """Rows sharing one trigger pattern; the context picks the row."""

    rules: tuple[_Rule, ...]
    sets_context: Optional[str]  # None: leaves the context alone; "": clears it


@dataclass(frozen=True)
class _Blocker:
    rx: re.Pattern[str]
    targets: tuple[str, ...]
    action: str

    def applies(self, indicator: str) -> bool:
        return "*" in self.targets or indicator.startswith(self.targets)


@dataclass(frozen=True)
class _Zero:
    rx: re.Pattern[str]
    indicator: str
    requires: Optional[re.Pattern[str]]
    anchor: re.Pattern[str]


@dataclass(frozen=True)
class _Dispatch:
    """Trigger patterns grouped by the characters they can start with.

    One alternation of every pattern is slow in Python's regex engine (optional prefixes defeat its
    first-character skip), so a character class finds where a trigger may start and only the
    patterns that can start with that character are tried there.
    """

    first: re.Pattern[str]
    by_char: dict[str, re.Pattern[str]]

    def scan(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Leftmost non-overlapping (start, end, family) in ``text[lo:hi]``."""
        out: list[tuple[int, int, str]] = []
        m = self.first.search(text, lo, hi)
        while m is not None:
            p = m.start()
            mm = self.by_char[text[p]].match(text, p)
            if mm is not None and mm.end() <= hi:
                out.append((p, mm.end(), mm.lastgroup or ""))
                m = self.first.search(text, mm.end(), hi)
            else:
                m = self.first.search(text, p + 1, hi)
        return out


@dataclass(frozen=True)
class _Lexicon:
    triggers: _Dispatch
    contexts: _Dispatch  # the trigger patterns that set a context
    families: dict[str, _Family]
    applicants: tuple[tuple[re.Pattern[str], str], ...]
    zeros: tuple[_Zero, ...]
    blockers: dict[str, tuple[_Blocker, ...]]
    government: Optional[re.Pattern[str]]
    sections: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
    _combined: dict[str, dict[str, re.Pattern[str]]] = field(default_factory=dict, compare=False)
    _rules: dict[tuple[str, str, Optional[str]], tuple[_Rule, ...]] = field(default_factory=dict, compare=False)

    def rules(self, family: str, side: str, context: Optional[str]) -> tuple[_Rule, ...]:
        """The rows of ``family`` for a figure on ``side`` ("b": after the trigger, "a": before it)
        that hold in ``context``, in their order."""
        key = (family, side, context)
        rules = self._rules.get(key)
        if rules is None:
            rules = tuple(r for r in self.families[family].rules if side in r.side and r.context_ok(context))
            self._rules[key] = rules
        return rules

    def blocking(self, indicator: str) -> dict[str, re.Pattern[str]]:
        """Scope -> one regex of every rule of that scope that applies to ``indicator`` (scopes
        without such a rule are absent)."""
        combined = self._combined.get(indicator)
        if combined is None:
            combined = {}
            for scope, blockers in self.blockers.items():
                rules = [b.rx.pattern for b in blockers if b.applies(indicator)]
                if rules:
                    combined[scope] = re.compile("|".join(f"(?:{p})" for p in rules))
            self._combined[indicator] = combined
        return combined


def _expand(pattern: str, stops: dict[str, str]) -> str:
    """Expand the macros of phrases.csv ({F8}, {TF20}, {TG10}, {ZF40}, {A12}, {NUM})."""

    def tempered(stop: str, cls: str, n: str, lazy: bool) -> str:
        return f"(?:(?!{stop}){cls}){{0,{n}}}" + ("?" if lazy else "")

    def sub(m: re.Match[str]) -> str:
        name, n = m.group(1), m.group(2)
        if name == "NUM":
            return _NUM_WORDS
        if name == "F":
            return f"{_F}{{0,{n}}}"
        if name == "A":
            return f"{_A}{{0,{n}}}"
        if name == "TF":
            return tempered(stops["TF"], _TF, n, lazy=True)
        if name == "TG":
            return tempered(stops["TF"], _F, n, lazy=False)
        if name == "ZF":
            return tempered(stops["ZF"], _ZF, n, lazy=True)
        raise ValueError(f"unknown macro {{{name}{n}}} in phrases.csv")

    return re.sub(r"\{([A-Z]+)(\d*)\}", sub, pattern)


def _split(s: str) -> tuple[str, ...]:
    return tuple(p for p in (x.strip() for x in s.split(";")) if p)


@functools.lru_cache(maxsize=4096)
def _section_targets(heading: str) -> tuple[str, ...]:
    """The indicator prefixes a section heading is the home of (narrative_sections.csv)."""
    for rx, targets in _lexicon().sections:
        if rx.search(heading):
            return targets
    return ()


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    groups = {code: ind.group for code, ind in codebook.indicators().items()}
    blockers: dict[str, list[_Blocker]] = {}
    stops: dict[str, str] = {}
    government = None
    for r in codebook.read_csv("narrative_blockers.csv"):
        if r["scope"] == "filler":
            stops[r["targets"]] = r["pattern"]
        elif r["scope"] == "government":
            government = re.compile(r["pattern"])
        else:
            blockers.setdefault(r["scope"], []).append(
                _Blocker(re.compile(r["pattern"]), _split(r["targets"]), r["action"] or "block")
            )
    by_pattern: dict[str, list[dict[str, str]]] = {}
    applicants: list[tuple[re.Pattern[str], str]] = []
    zeros: list[_Zero] = []
    for r in codebook.read_csv("phrases.csv"):
        if r["kind"] == "applicant":
            applicants.append((re.compile(r["pattern"]), r["applicant"]))
        elif r["kind"] == "zero":
            zeros.append(
                _Zero(
                    re.compile(_expand(r["pattern"], stops)),
                    r["indicator"],
                    re.compile(r["requires"]) if r["requires"] else None,
                    re.compile(r["anchor"]),
                )
            )
        else:
            by_pattern.setdefault(r["pattern"], []).append(r)
    families: dict[str, _Family] = {}
    branches: list[tuple[int, int, str, str, frozenset[str]]] = []
    for i, (pattern, rows) in enumerate(by_pattern.items()):
        rules = tuple(_rule(r, stops, groups) for r in rows if r["kind"] == "value")
        sets = next((r["sets_context"] for r in rows if r["sets_context"]), None)
        name = f"f{i}"
        families[name] = _Family(rules, None if sets is None else ("" if sets == "-" else sets))
        expanded = _expand(pattern, stops)
        priority = max(int(r["priority"] or 0) for r in rows)
        branches.append((-priority, -len(pattern), name, f"(?P<{name}>{expanded})", _first_chars(expanded)))
    branches.sort()
    contexts = [b for b in branches if families[b[2]].sets_context is not None]
    sections = tuple((re.compile(r["pattern"]), _split(r["targets"])) for r in codebook.read_csv("narrative_sections.csv"))
    return _Lexicon(
        triggers=_dispatch(branches),
        contexts=_dispatch(contexts),
        families=families,
        applicants=tuple(applicants),
        zeros=tuple(zeros),
        blockers={k: tuple(v) for k, v in blockers.items()},
        government=government,
        sections=sections,
    )


# --------------------------------------------------------------------------- first characters
# The dispatch needs the characters each trigger can start with. Triggers start with literal
# characters, groups (``(?:收到|受理)``), character classes (``[“"]``) and optional parts (``?``,
# ``*``, ``{0,n}``), so this reads just that much of a pattern; lookarounds and anchors at the start
# are skipped (they match no character). Whatever else a trigger starts with is refused, since the
# characters it can start with would not all be known: a negated class, ``.``, ``\d``, a filler macro.
_QUANTIFIER = re.compile(r"[?*+]|\{(\d*)(?:,\d*)?\}")


def _first_chars(pattern: str) -> frozenset[str]:
    """The characters a match of ``pattern`` (a phrases.csv trigger, macros expanded) can start with."""
    chars, nullable = _alternation_firsts(pattern)
    if nullable:
        raise ValueError(f"phrases.csv: pattern {pattern!r} can match the empty text")
    return frozenset(chars)


def _alternation_firsts(p: str) -> tuple[set[str], bool]:
    """(first characters, can match the empty text) of ``a|b|…``."""
    out: set[str] = set()
    nullable = False
    for alternative in _split_top(p, "|"):
        chars, empty = _sequence_firsts(alternative)
        out |= chars
        nullable = nullable or empty
    return out, nullable


def _sequence_firsts(p: str) -> tuple[set[str], bool]:
    """(first characters, can match the empty text) of a sequence of atoms, each maybe quantified."""
    out: set[str] = set()
    i = 0
    while i < len(p):
        end = _atom_end(p, i)
        chars, empty = _atom_firsts(p[i:end])
        q = _QUANTIFIER.match(p, end)
        if q is not None:
            empty = empty or q.group(0) in ("?", "*") or (q.group(1) is not None and int(q.group(1) or 0) == 0)
            end = q.end()
            if end < len(p) and p[end] in "?+":  # lazy / possessive
                end += 1
        out |= chars
        if not empty:
            return out, False
        i = end
    return out, True


def _atom_firsts(atom: str) -> tuple[set[str], bool]:
    """(first characters, can match the empty text) of one atom: a group, a class, an escape, a character."""
    if atom.startswith(("(?=", "(?!", "(?<=", "(?<!")) or atom in ("^", "$"):
        return set(), True  # matches no character
    if atom.startswith("(?:"):
        return _alternation_firsts(atom[3:-1])
    if atom.startswith("(?P<"):
        return _alternation_firsts(atom[atom.index(">") + 1 : -1])
    if atom.startswith("(") and not atom.startswith("(?"):
        return _alternation_firsts(atom[1:-1])
    if atom.startswith("[") and not atom.startswith("[^"):
        return _class_chars(atom[1:-1]), False
    if len(atom) == 1 and atom not in ".()[]":
        return {atom}, False
    if len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum():
        return {atom[1]}, False
    raise ValueError(f"phrases.csv: a trigger must not start with {atom!r} (its first characters would be unknown)")


def _class_chars(members: str) -> set[str]:
    """The characters of a (not negated) character class ``[…]``: literals, escaped literals, ranges."""
    chars: list[str] = []
    i = 0
    while i < len(members):
        c = members[i]
        if c == "\\":
            if i + 1 >= len(members) or members[i + 1].isalnum():
                raise ValueError(f"phrases.csv: a trigger must not start with the class [{members}]")
            c, i = members[i + 1], i + 1
        if i + 2 < len(members) and members[i + 1] == "-":  # a range c-d
            hi, i = members[i + 2], i + 3
            if hi == "\\":
                if i >= len(members) or members[i].isalnum():
                    raise ValueError(f"phrases.csv: a trigger must not start with the class [{members}]")
                hi, i = members[i], i + 1
            if not 0 <= ord(hi) - ord(c) < 256:
                raise ValueError(f"phrases.csv: a trigger must not start with the open class [{members}]")
            chars.extend(map(chr, range(ord(c), ord(hi) + 1)))
            continue
        chars.append(c)
        i += 1
    return set(chars)


def _atom_end(p: str, i: int) -> int:
    """Index after the atom starting at ``p[i]`` (quantifiers not included)."""
    c = p[i]
    if c == "\\":
        return i + 2
    if c == "[":
        return _class_end(p, i)
    if c == "(":
        depth = 0
        while i < len(p):
            if p[i] == "\\":
                i += 2
                continue
            if p[i] == "[":
                i = _class_end(p, i)
                continue
            depth += {"(": 1, ")": -1}.get(p[i], 0)
            i += 1
            if depth == 0:
                return i
        raise ValueError(f"phrases.csv: unbalanced parenthesis in {p!r}")
    return i + 1


def _class_end(p: str, i: int) -> int:
    """Index after the ``]`` closing the class that opens at ``p[i]``."""
    j = i + 1
    if p.startswith("^", j):
        j += 1
    if p.startswith("]", j):  # a literal ] first in the class
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    if j >= len(p):
        raise ValueError(f"phrases.csv: unclosed character class in {p!r}")
    return j + 1


def _split_top(p: str, sep: str) -> list[str]:
    """``p`` split at the ``sep`` characters outside groups, classes and escapes."""
    parts: list[str] = []
    start = i = 0
    while i < len(p):
        if p[i] == sep:
            parts.append(p[start:i])
            start = i = i + 1
        else:
            i = _atom_end(p, i)
    parts.append(p[start:])
    return parts


def _dispatch(branches: list[tuple[int, int, str, str, frozenset[str]]]) -> _Dispatch:
    """Per first character, one alternation of the patterns that can start with it (in priority order)."""
    chars = sorted(set().union(*(b[4] for b in branches))) if branches else []
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
    by_char: dict[str, re.Pattern[str]] = {}
    for ch in chars:
        names = tuple(b[2] for b in branches if ch in b[4])
        if names not in compiled:
            compiled[names] = re.compile("|".join(b[3] for b in branches if ch in b[4]))
        by_char[ch] = compiled[names]
    return _Dispatch(_char_class(chars), by_char)


def _char_class(chars: Iterable[str]) -> re.Pattern[str]:
    """A regex of one of ``chars`` (of nothing when there are none)."""
    chars = sorted(chars)
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]" if chars else "(?!)")


def _rule(r: dict[str, str], stops: dict[str, str], groups: dict[str, str]) -> _Rule:
    code = r["indicator"]
    if code not in groups:
        raise ValueError(f"phrases.csv: unknown indicator {code!r}")
    units = [u for u in r["units"].split("|") if u]
    ctx = _split(r["context"])
    return _Rule(
        indicator=code,
        applicant=r["applicant"] or "total",
        side=r["side"] or "b",
        gap=re.compile(_expand(r["gap"], stops)),
        after=re.compile(_expand(r["after"], stops)) if "a" in (r["side"] or "") else None,
        units=frozenset(u for u in units if u != "-"),
        unitless="-" in units,
        requires=frozenset(c for c in ctx if not c.startswith("!")),
        forbids=frozenset(c[1:] for c in ctx if c.startswith("!")),
        share_of=r["share_of"] or None,
        absorbs=frozenset(_split(r["absorbs"])),
        group=groups[code],
        requires_sentence=re.compile(r["requires"].removeprefix("§|")) if r["requires"] else None,
        home_ok=r["requires"].startswith("§|"),
    )


# --------------------------------------------------------------------------- matching
class _Hit(NamedTuple):
    start: int
    end: int
    family: str
    context: Optional[str]  # the context in effect where the trigger starts


@dataclass
class _Found:
    """A candidate value before ranking."""

    value: Value
    pos: int
    rank: int


class _Scan:
    """One document's prose: its numbers, clause and sentence breaks, contexts and sections.

    Triggers are looked for only in the windows where they can name a figure: the clause before a
    counted figure (after the previous number) and the clause right after it.
    """

    def __init__(self, view: ProseView, lex: _Lexicon, meta: Meta) -> None:
        self.view = view
        self.text = view.text
        self.lex = lex
        self.tokens = find_numbers(self.text)
        # where numbers end (figures and bare numbers alike): a trigger never reaches over one
        self.number_ends = sorted({m.end() for m in _DIGITS.finditer(self.text)} | {t.share_end for t in self.tokens})
        text = self.text
        self.clause_breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
        # the clause breaks that are sentence breaks
        self.sent_breaks = [p for p in self.clause_breaks if text[p] in _SENT_BREAKS]
        points = self._contexts()
        self.ctx_keys = [2 * p + o for p, o, _ in points]  # (position, order) as one int, in the same order
        self.ctx_values = [c for _, _, c in points]
        self.section_starts = [p for p, _ in view.headings]
        self.section_targets = [_section_targets(h) for _, h in view.headings]
        agency = meta.agency or ""
        self.government: Optional[bool] = (
            None if not agency else bool(lex.government and lex.government.search(agency))
        )

    # ---- contexts and sections
    def _contexts(self) -> list[tuple[int, int, Optional[str]]]:
        """(position, order, context) points: paragraph starts clear the context (order 0), triggers set it."""
        points: list[tuple[int, int, Optional[str]]] = [(r, 0, None) for r in self.view.resets]
        prev: Optional[tuple[int, int, str]] = None
        for start, end, name in self.lex.contexts.scan(self.text, 0, len(self.text)):
            fam = self.lex.families[name]
            if not (prev is not None and self._qualifies(prev, fam, start)):
                points.append((start, 1, fam.sets_context or None))
            prev = (start, end, name)
        points.sort(key=lambda p: 2 * p[0] + p[1])  # by position, a paragraph start before a trigger
        return points

    def _qualifies(self, prev: tuple[int, int, str], fam: _Family, start: int) -> bool:
        """Does trigger ``prev`` qualify the next one (未经复议直接起诉的 + 行政诉讼案件)? Then it keeps its context."""
        if not _ABSORB_GAP.fullmatch(self.text, prev[1], start):
            return False
        taken = {r.indicator for r in fam.rules}
        return any(r.absorbs & taken for r in self.lex.families[prev[2]].rules)

    def context(self, pos: int) -> Optional[str]:
        """The context in effect where a trigger starts (set before it, not cleared since)."""
        k = bisect.bisect_left(self.ctx_keys, 2 * pos + 1) - 1
        return self.ctx_values[k] if k >= 0 else None

    def rank(self, indicator: str, pos: int) -> int:
        k = bisect.bisect_right(self.section_starts, pos) - 1
        return 0 if k >= 0 and self.section_targets[k] and indicator.startswith(self.section_targets[k]) else 1

    # ---- positions
    def clause_start(self, pos: int) -> int:
        k = bisect.bisect_left(self.clause_breaks, pos) - 1
        return self.clause_breaks[k] + 1 if k >= 0 else 0

    def clause_end(self, pos: int) -> int:
        k = bisect.bisect_left(self.clause_breaks, pos)
        return self.clause_breaks[k] if k < len(self.clause_breaks) else len(self.text)

    def sentence(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.sent_breaks, pos)
        start = self.sent_breaks[k - 1] + 1 if k > 0 else 0
        end = self.sent_breaks[k] + 1 if k < len(self.sent_breaks) else len(self.text)
        return start, end

    def hits(self, lo: int, hi: int) -> list[_Hit]:
        return [_Hit(a, b, name, self.context(a)) for a, b, name in self.lex.triggers.scan(self.text, lo, hi)]

    # ---- blockers
    def blocked(self, scope: str, indicator: str, s: str) -> bool:
        return _found(self.lex.blocking(indicator).get(scope), s)

    def blocked_at(self, scope: str, indicator: str, lo: int, hi: int) -> bool:
        """``blocked`` for ``text[lo:hi]``, cut out only when a rule of the scope applies."""
        rx = self.lex.blocking(indicator).get(scope)
        return rx is not None and rx.search(self.text[lo:hi]) is not None

    def subject(self, indicator: str, s0: int, start: int) -> tuple[bool, Optional[str]]:
        """(blocked, scope note) for a statement whose trigger starts at ``start``, in the sentence
        that starts at ``s0``."""
        if not self.blocked_at("subject", indicator, s0, start):
            return False, None  # no subject rule can apply (the common case)
        subj = self._after_self(s0, start)
        clause = self._after_self(self.clause_start(start), start)
        for b in self.lex.blockers.get("subject", ()):
            # a region named in an earlier clause is an object (我局配合全市工作,共收到…), not the subject
            if not b.applies(indicator) or not b.rx.search(clause if b.action == "region" else subj):
                continue
            if b.action == "note" or (b.action == "other_bodies" and self.government is not False):
                return False, f"scope: {_LEAD_YEAR.sub('', subj).strip(',，')}"
            if b.action in ("other_bodies", "region") and self.government is False:
                return True, None
            if b.action == "block":
                return True, None
        return False, None

    def part_of(self, indicator: str, sentence_start: int, start: int) -> bool:
        """Is the statement at ``start`` a qualified subset after 其中 (其中,疫情防控新闻发布会151场)?"""
        k = self.text.rfind("其中", sentence_start, start)
        if k < 0:
            return False
        return self.blocked("part", indicator, self.text[k + 2 : start].lstrip(",，:：、"))

    def _after_self(self, lo: int, hi: int) -> str:
        """``text[lo:hi]`` after the last name the report uses for its own agency (我局, 本机关 …)."""
        subj = self.text[lo:hi]
        for b in self.lex.blockers.get("self", ()):
            last = None
            for last in b.rx.finditer(subj):
                pass
            if last is not None:
                subj = subj[last.end() :]
        return subj

    # ---- trigger choice
    def _rules(self, h: _Hit, side: str) -> tuple[_Rule, ...]:
        return self.lex.rules(h.family, side, h.context)

    def combined(self, hits: list[_Hit], k: int, rule: _Rule) -> bool:
        """Is ``hits[k]`` joined to a sibling trigger before it by 、/和/及 (or followed by 等)?

        Then its figure is a combined one (微信和头条等…, 予以公开及部分公开…). A total followed by one
        of its parts (行政复议案件被撤销或纠错3宗) is not a sibling.
        """
        h = hits[k]
        if self.text.startswith("等", h.end):
            return True
        if k == 0:
            return False
        p = hits[k - 1]
        if not _JOIN.fullmatch(self.text, p.end, h.start):
            return False
        return any(
            q.group == rule.group and rule.share_of != q.indicator and q.share_of != rule.indicator
            for q in self._rules(p, "b")
        )

    def before(self, tok: NumberToken, hits: list[_Hit]) -> Optional[tuple[int, _Rule]]:
        """The nearest trigger before ``tok`` in its window, when it names the figure."""
        for k in range(len(hits) - 1, -1, -1):
            h = hits[k]
            if not self.lex.families[h.family].rules:
                continue  # a context-only trigger
            for rule in self._rules(h, "b"):
                if rule.unit_ok(tok) and rule.gap.fullmatch(self.text, h.end, tok.start):
                    return self._absorbed(hits, k, rule, tok) or (k, rule)
            return None
        return None

    def _absorbed(self, hits: list[_Hit], k: int, rule: _Rule, tok: NumberToken) -> Optional[tuple[int, _Rule]]:
        """A channel right before ``主动公开…信息`` takes the figure (unless it is one of several channels)."""
        if k == 0:
            return None
        p = hits[k - 1]
        if not _ABSORB_GAP.fullmatch(self.text, p.end, hits[k].start):
            return None
        for r in self._rules(p, "b"):
            if rule.indicator in r.absorbs and r.unit_ok(tok) and not self.combined(hits, k - 1, r):
                return k - 1, r
        return None

    def after(self, tok: NumberToken, hits: list[_Hit]) -> Optional[tuple[int, _Rule]]:
        """A trigger right after ``tok`` (1件本机关不掌握), when it names the figure."""
        if not hits:
            return None
        h = hits[0]
        for rule in self._rules(h, "a"):
            if rule.after is not None and rule.unit_ok(tok) and rule.after.fullmatch(self.text, tok.share_end, h.start):
                return 0, rule
        return None


def _inside_parens(text: str, sent_start: int, pos: int) -> int:
    """Position of the unclosed ( before ``pos`` in its sentence, else -1."""
    open_ = max(text.rfind("(", sent_start, pos), text.rfind("（", sent_start, pos))
    if open_ < 0:
        return -1
    close = max(text.rfind(")", open_, pos), text.rfind("）", open_, pos))
    return open_ if close < 0 else -1


def _in_title(text: str, start: int, pos: int) -> bool:
    return text.rfind("《", start, pos) > text.rfind("》", start, pos)


def _value(scan: _Scan, tok: NumberToken, hit: _Hit, rule: _Rule, applicant: str, note: Optional[str],
           sentence: tuple[int, int]) -> Value:
    text = scan.text
    s0, s1 = sentence
    value: Optional[int | float] = tok.value
    unit = tok.unit or codebook.unit(rule.indicator)
    if tok.money_factor is not None and value is not None:
        if tok.money_factor != 1:
            note = "; ".join(x for x in (note, f"{tok.raw}{tok.unit} converted to 万元") if x)
        value, unit = to_wan(value, tok.money_factor), "万元"
    # positional, in the field order of model.Value: keyword arguments make this constructor 2x slower
    return Value(
        rule.indicator, value, applicant, unit, "narrative", tok.approximate, text[hit.start : hit.end],
        text[s0:s1].strip(), scan.view.doc_span(tok.start, tok.end), note, tok.raw, None, tok.share,
        rule.share_of if tok.share is not None else None,
    )


def _rejected(scan: _Scan, tok: NumberToken, hits: list[_Hit], k: int, rule: _Rule, rank: int,
              sentence: tuple[int, int], clause_start: int) -> bool:
    """Does a blocker, a requirement or the structure of the sentence keep this figure out?

    ``sentence``: the span of the figure's sentence; ``clause_start``: the start of the clause of
    the statement (trigger and figure).
    """
    text, hit, ind = scan.text, hits[k], rule.indicator
    s0, s1 = sentence
    first = min(hit.start, tok.start)
    gap = text[hit.end : tok.start] if hit.start < tok.start else text[tok.stop : hit.start]
    blocks = scan.lex.blocking(ind)
    # (a scope without a rule for the indicator is not looked at: its text is not even cut out)
    return (
        scan.combined(hits, k, rule)
        or ("left" in blocks and _found(blocks["left"], text[max(0, tok.start - 12) : tok.start]))
        or ("right" in blocks and _found(blocks["right"], text[tok.end : tok.end + 6]))
        or ("gap" in blocks and _found(blocks["gap"], gap))
        or ("clause" in blocks and _found(blocks["clause"], text[clause_start : max(tok.stop, hit.end)]))
        or ("sentence" in blocks and _found(blocks["sentence"], text[s0:s1]))
        or (
            rule.requires_sentence is not None
            and not (rule.home_ok and rank == 0)
            and not rule.requires_sentence.search(text, s0, s1)
        )
        or _in_title(text, s0, tok.start)
        or scan.part_of(ind, s0, first)
    )


def _found(rx: Optional[re.Pattern[str]], s: str) -> bool:
    return rx is not None and rx.search(s) is not None


def _applicants(scan: _Scan, hit: _Hit, rule: _Rule) -> list[str]:
    """Applicant columns a statement gives: its row's, or for "*" rows the total and the one class
    named inside the trigger (办理自然人信息公开申请4件), only that class after 其中."""
    if rule.applicant != "*":
        return [rule.applicant]
    classes = {cls for rx, cls in scan.lex.applicants if rx.search(scan.text, hit.start, hit.end)}
    if len(classes) != 1:
        return ["total"]
    part = "其中" in scan.text[max(0, scan.clause_start(hit.start) - 4) : hit.start]
    return ([] if part else ["total"]) + sorted(classes)


def _figures(scan: _Scan) -> list[_Found]:
    """Values of the counted figures of the prose."""
    text = scan.text
    found: list[_Found] = []
    positions: dict[str, list[int]] = {}  # key -> positions of its figures found so far (ascending)
    ends = scan.number_ends
    for tok in scan.tokens:
        k = bisect.bisect_right(ends, tok.start) - 1
        wstart = max(ends[k] if k >= 0 else 0, scan.clause_start(tok.start))
        hits = scan.hits(wstart, tok.start)
        pick = scan.before(tok, hits)
        if pick is None:
            hits = scan.hits(tok.share_end, scan.clause_end(tok.share_end))
            pick = scan.after(tok, hits)
        if pick is None:
            continue
        k, rule = pick
        hit = hits[k]
        rank = scan.rank(rule.indicator, tok.start)
        # trigger and figure share a clause, so also a sentence (sentence breaks end clauses)
        sentence = scan.sentence(tok.start)
        first = min(hit.start, tok.start)
        clause_start = scan.clause_start(first)
        if _rejected(scan, tok, hits, k, rule, rank, sentence, clause_start):
            continue
        s0 = sentence[0]
        blocked, note = scan.subject(rule.indicator, s0, first)
        if blocked:
            continue
        if scan.blocked_at("stock", rule.indicator, clause_start, tok.start):
            rank = _STOCK_RANK
        paren = _inside_parens(text, s0, tok.start)
        for applicant in _applicants(scan, hit, rule):
            v = _value(scan, tok, hit, rule, applicant, note, sentence)
            key = v.key()
            if paren >= 0 and _any_between(positions.get(key, ()), s0, paren):
                continue  # (含…13件) restating the indicator just before the parenthesis: a part
            found.append(_Found(v, tok.start, rank))
            positions.setdefault(key, []).append(tok.start)
    return found


def _any_between(ascending: Sequence[int], lo: int, hi: int) -> bool:
    """Does the ascending sequence hold a number in ``[lo, hi)``?"""
    k = bisect.bisect_left(ascending, lo)
    return k < len(ascending) and ascending[k] < hi


def _zeros(scan: _Scan) -> list[_Found]:
    """0 stated in words: 未收到…申请, 未发生…行政复议、行政诉讼, 未…收取…费用.

    Each statement is looked for in the clause that ends at one of its anchor words.
    """
    text = scan.text
    found: list[_Found] = []
    windows: dict[str, list[tuple[int, int]]] = {}  # anchor pattern -> its clauses
    for z in scan.lex.zeros:
        seen: set[int] = set()
        if z.anchor.pattern not in windows:
            windows[z.anchor.pattern] = _anchor_clauses(scan, z.anchor)
        for lo, hi in windows[z.anchor.pattern]:
            m = z.rx.search(text, lo, hi)
            if m is None or m.start() in seen:
                continue
            seen.add(m.start())
            s0, s1 = scan.sentence(m.start())
            sentence = text[s0:s1]
            if z.requires is not None and not z.requires.search(sentence):
                continue
            if scan.blocked("sentence", z.indicator, sentence) or scan.blocked("clause", z.indicator, text[lo : m.end()]):
                continue
            blocked, note = scan.subject(z.indicator, s0, m.start())
            if blocked:
                continue
            # positional, in the field order of model.Value (keyword arguments are slower)
            v = Value(
                z.indicator, 0, "total", codebook.unit(z.indicator), "narrative", False, m.group(0), sentence.strip(),
                scan.view.doc_span(m.start(), m.end()), "; ".join(x for x in ("zero stated in words", note) if x),
                m.group(0),
            )
            found.append(_Found(v, m.start(), scan.rank(z.indicator, m.start())))
    return found


def _anchor_clauses(scan: _Scan, anchor: re.Pattern[str]) -> list[tuple[int, int]]:
    """The clauses (start, end) that end at a match of ``anchor``, in order; a clause holding several
    matches is listed once (the statement looked for in it would be the same)."""
    out: list[tuple[int, int]] = []
    breaks = scan.clause_breaks
    n_breaks = len(breaks)
    last = (-1, -1)  # (breaks before the start, before the end) of the last match
    for a in anchor.finditer(scan.text):
        # as scan.clause_start(a.start()), scan.clause_end(a.end()), read once per clause
        k, j = bisect.bisect_left(breaks, a.start()), bisect.bisect_left(breaks, a.end())
        if (k, j) != last:
            last = (k, j)
            out.append((breaks[k - 1] + 1 if k else 0, breaks[j] if j < n_breaks else len(scan.text)))
    return out


def _rank(found: list[_Found]) -> list[Value]:
    """Per key: best-ranked first (own section, then document order); equal figures kept once
    (an exact one rather than an approximate one of the same rank)."""
    by_key: dict[str, list[_Found]] = {}
    index: dict[str, dict[Optional[int | float], int]] = {}  # key -> figure -> its place in by_key[key]
    for f in sorted(found, key=lambda f: (f.rank, f.pos)):
        key = f.value.key()
        kept = by_key.setdefault(key, [])
        places = index.setdefault(key, {})
        same = places.get(f.value.value)
        if same is None:
            places[f.value.value] = len(kept)
            kept.append(f)
        elif kept[same].value.approximate and not f.value.approximate and kept[same].rank == f.rank:
            kept[same] = f
    ordered = sorted(by_key.values(), key=lambda fs: fs[0].pos)
    return [f.value for fs in ordered for f in fs]


def extract_narrative(doc: Document, meta: Meta, table_values: list[Value]) -> tuple[list[Value], list[str]]:
    """Values stated in the prose of ``doc`` (see the module doc) and warnings.

    ``table_values`` carry the spans of table cells: lines holding one are table lines, not prose.
    Where prose states one indicator with different numbers, every number is returned, the most
    authoritative first, and a warning names them.
    """
    view = prose_view(doc, table_values)
    if not view.text:
        return [], []
    scan = _Scan(view, _lexicon(), meta)
    values = _rank(_figures(scan) + _zeros(scan))
    warnings: list[str] = []
    seen: dict[str, list[Value]] = {}
    for v in values:
        seen.setdefault(v.key(), []).append(v)
    for key, vs in seen.items():
        if len(vs) > 1:
            nums = " vs ".join(f"{v.raw} ({v.label})" for v in vs)
            warnings.append(f"prose states {key} with different figures: {nums}; taking {vs[0].value}")
    return values, warnings


__all__ = ["extract_narrative"]
