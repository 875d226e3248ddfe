"""Normalization: RawDocument -> Document.

Per block, in this order:

1. character clean-up: NFKC (full-width digits and punctuation become ASCII), line endings to ``\\n``,
   zero-width characters and control characters dropped, trailing whitespace stripped. Leading
   indentation and blank lines are kept: text table layouts depend on them.
2. script: when the document is in traditional script, OpenCC ``tw2sp`` (traditional, Taiwan
   vocabulary -> simplified, mainland phrases) and then the residual Taiwan phrases of
   ``codebook/taiwan_phrases.csv`` that machine conversion leaves behind (套用 -> 应用, 冬粉 -> 粉丝 ...).
3. noise, with the rules of ``codebook/noise.csv`` (patterns, never a list of one corpus' strings):
   page marks and site chrome lines are dropped, the 索引号/发布机构/发布时间 header is moved into
   ``Document.header_meta``, injected spam and pinyin glosses are cut out of sentences. A line that
   states a statistic (a number with a counting unit) is never dropped as chrome.

Every removal is recorded in ``Document.removed`` so nothing disappears without a trace.
Spans of the values extracted later index ``Document.text``.
"""
from __future__ import annotations

import bisect
import csv
import functools
import itertools
import re
import unicodedata
from importlib import resources
from typing import Iterable, Optional

from .model import Cell, Document, Grid, RawBlock, RawDocument

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
#: zero-width and control characters, dropped (one regex pass: str.translate is slow on Chinese text)
_DROPPED = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: a number followed by a counting unit: such a line is a statistic, never chrome
_STAT = re.compile(r"\d[\d,.]*\s*(?:万|亿)?\s*(?:件|条|项|宗|例|篇|次|期|人|个|份|家|万元|元|场|批)")


def _codebook_rows(name: str) -> list[dict[str, str]]:
    with resources.files("govstats.codebook").joinpath(name).open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())]


# --------------------------------------------------------------------------- characters
_ODD_CHARS = re.compile("[\r\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAILING_WS = re.compile(r"[ \u3000\u00a0]+$", re.M)  # tabs stay: trailing empty cells of TSV rows


#: the usual characters NFKC changes in Chinese text: full-width ASCII forms (，（）：；．) and the
#: ideographic space
_USUAL_NFKC = re.compile("[\u3000\uff01-\uff5e]+")


def _nfkc(s: str) -> str:
    """``unicodedata.normalize("NFKC", s)``, done only on the runs of the usual full-width characters
    when that is enough (NFKC costs about 0.1 µs per character of the whole string).

    Replacing a substring by its NFKC form keeps the whole string compatibility-equivalent, so
    when the result is normalized it is NFKC(s) itself; otherwise (another character needs NFKC)
    the whole string is normalized.
    """
    out = _USUAL_NFKC.sub(_nfkc_match, s)
    return out if unicodedata.is_normalized("NFKC", out) else unicodedata.normalize("NFKC", s)


def _nfkc_match(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group())


def clean_chars(s: str) -> str:
    """NFKC, line endings, zero-width and control characters, trailing spaces (not tabs)."""
    if _ODD_CHARS.search(s):
        s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        s = _DROPPED.sub("", s)
    if not unicodedata.is_normalized("NFKC", s):
        s = _nfkc(s)
    if " \n" in s or "\u3000\n" in s or "\u00a0\n" in s or s.endswith((" ", "\u3000", "\u00a0")):
        s = _TRAILING_WS.sub("", s)  # (the test is several times faster than the search)
    return s


# --------------------------------------------------------------------------- script
@functools.lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=1)
def _script_charsets() -> tuple[frozenset[str], frozenset[str]]:
    """(traditional-only characters, simplified-only characters), derived from OpenCC itself."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    t2s = _converter("t2s").convert(joined).split("\n")
    s2t = _converter("s2t").convert(joined).split("\n")
    trad = frozenset(c for c, s in zip(chars, t2s) if s != c)
    simp = frozenset(c for c, t in zip(chars, s2t) if t != c)
    return trad - simp, simp - trad


@functools.lru_cache(maxsize=1)
def _script_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    trad, simp = _script_charsets()
    return (re.compile("[" + "".join(sorted(trad)) + "]"), re.compile("[" + "".join(sorted(simp)) + "]"))


def script_counts(text: str) -> tuple[int, int]:
    """(traditional-only characters, simplified-only characters) in ``text``."""
    rt, rs = _script_regexes()
    return len(rt.findall(text)), len(rs.findall(text))


def detect_script(text: str) -> str:
    """"traditional", "simplified" or "unknown" (too little Chinese text to tell).

    Traditional when traditional-only characters outnumber simplified-only ones, unknown when there
    are fewer than 3 of both together. The simplified-only characters are counted only as far as
    the answer needs (one more than the traditional-only ones, and at least 3): in a simplified
    text the count stops after a few characters.
    """
    rt, rs = _script_regexes()
    nt = len(rt.findall(text))
    ns = sum(1 for _ in itertools.islice(rs.finditer(text), max(nt + 1, 3)))
    if nt + ns < 3:
        return "unknown"
    return "traditional" if nt > ns else "simplified"


@functools.lru_cache(maxsize=1)
def _taiwan_phrases() -> list[tuple[str, str]]:
    rows = _codebook_rows("taiwan_phrases.csv")
    pairs = [(r["taiwan_form"], r["mainland_form"]) for r in rows if r["taiwan_form"]]
    return sorted(pairs, key=lambda p: -len(p[0]))  # longest first


@functools.lru_cache(maxsize=1)
def _any_taiwan_phrase() -> re.Pattern[str]:
    """One scan that tells whether any residual Taiwan phrase occurs (most texts: none)."""
    return re.compile("|".join(re.escape(tw) for tw, _ in _taiwan_phrases()) or "(?!)")


def to_simplified(s: str) -> str:
    """Traditional (Taiwan vocabulary) -> simplified mainland text: OpenCC tw2sp + residual phrases."""
    s = _converter("tw2sp").convert(s)
    if not _any_taiwan_phrase().search(s):
        return s  # (no phrase occurs, so no replacement below could make one)
    for tw, cn in _taiwan_phrases():
        if tw in s:
            s = s.replace(tw, cn)
    return s


# --------------------------------------------------------------------------- noise
@functools.lru_cache(maxsize=1)
def _noise_rules() -> dict[str, list[tuple[str, re.Pattern[str], Optional[re.Pattern[str]]]]]:
    """scope -> [(kind, pattern, trigger)]; an inline rule runs only where its cheap trigger is found."""
    out: dict[str, list[tuple[str, re.Pattern[str], Optional[re.Pattern[str]]]]] = {"line": [], "inline": []}
    for r in _codebook_rows("noise.csv"):
        trig = re.compile(r["trigger"]) if r.get("trigger") else None
        out[r["scope"]].append((r["kind"], re.compile(r["pattern"]), trig))
    return out


@functools.lru_cache(maxsize=1)
def _spam_terms() -> tuple[list[str], list[str]]:
    strong, weak = [], []
    for r in _codebook_rows("spam_lexicon.csv"):
        (weak if "only counted" in r.get("note", "") else strong).append(r["term"])
    return strong, weak


_HEADER_KEYS = {
    "索引号": "index_no",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "发布单位": "publisher",
    "信息来源": "source",
    "来源": "source",
    "发布时间": "published",
    "发布日期": "published",
    "成文日期": "written",
    "生成日期": "written",
    "时间": "published",
    "文号": "doc_no",
    "发文字号": "doc_no",
    "分类": "category",
    "主题分类": "category",
    "公开方式": "disclosure",
    "公开范围": "disclosure",
    "有效性": "validity",
    "关键词": "keywords",
    "主题词": "keywords",
    "浏览次数": "views",
    "标题": "title",
    "名称": "title",
}
_HEADER_KEY_RE = re.compile(
    r"(?:^|(?<=[\s|]))-?\s*(" + "|".join(sorted(map(re.escape, _HEADER_KEYS), key=len, reverse=True)) + r")\s*[:：]"
)


_LETTER_SPACE = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}](?:\s|$|[:：]))")


def _squash_letter_spacing(line: str) -> str:
    # "索 引 号" -> "索引号": single CJK characters separated by single spaces
    return _LETTER_SPACE.sub("", line) if " " in line else line


def parse_header_line(line: str) -> Optional[dict[str, str]]:
    """Read a metadata header line (索引号: … 发布机构: … 发布时间: …) into a dict, else None.

    A line counts as a header when it is made of ``key: value`` pairs with known keys only and at
    least one of the strong keys (索引号, 发布机构, 发布时间, 文号, 来源+时间) is present, or it is a
    list item ``- 索引号: …``.
    """
    s = _squash_letter_spacing(line.strip())
    if not s or len(s) > 400:
        return None
    if ":" not in s and "：" not in s and s.count("|") >= 1:
        # metadata as a table row: "索引号 | 014416330/2018-04736 | 分类 | 政府信息公开年报"
        cells = [c.strip() for c in s.strip("|").split("|")]
        if len(cells) >= 2 and cells[0] in _HEADER_KEYS:
            s = " ".join(f"{k}: {v}" if k in _HEADER_KEYS else v for k, v in zip(cells[::2], cells[1::2]))
            if len(cells) % 2:
                s += " " + cells[-1]
    if ":" not in s and "：" not in s:
        return None  # (every key needs its colon)
    hits = list(_HEADER_KEY_RE.finditer(s))
    if not hits:
        return None
    if s[: hits[0].start()].strip(" -|") != "":
        return None
    out: dict[str, str] = {}
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(s)
        val = s[m.end() : end].strip(" |\t")
        key = _HEADER_KEYS[m.group(1)]
        if val:
            out.setdefault(key, val)
        else:
            out.setdefault(key, "")
    keys = set(out)
    strong = {"index_no", "publisher", "doc_no"} & keys or ({"source", "published"} <= keys) or (
        "published" in keys and len(keys) == 1 and re.match(r"^\s*(发布时间|发布日期)", s)
    )
    if not strong:
        return None
    # a sentence that merely mentions 来源/时间 is not a header: values must be short
    if any(len(v) > 80 for v in out.values()):
        return None
    return out


@functools.lru_cache(maxsize=1)
def _spam_any() -> re.Pattern[str]:
    strong, weak = _spam_terms()
    return re.compile("|".join(map(re.escape, strong)))


_PLACE_ITEM = re.compile(rf"[{CJK}]{{1,6}}(?:区|县|市|旗|州|镇|乡)")
_JUNK_CHAR = re.compile("[\ufffd\ue000-\uf8ff\ud800-\udfff]")
_HEADER_HINT = re.compile(r"索\s?引|发布|文号|字号|来源|时间|日期|分\s?类|主题|公开方式")


def _is_spam_line(line: str, terms_possible: bool = True) -> bool:
    if terms_possible:
        strong, weak = _spam_terms()
        n = sum(1 for t in strong if t in line)
        n += sum(1 for t in weak if t in line) if n else 0
        if n >= 2:
            return True
    # keyword-stuffed list of place names: "观塘区| 和田县| 华宁县| …"
    if line.count("|") < 5:
        return False
    parts = [p.strip() for p in line.split("|") if p.strip()]
    return len(parts) >= 6 and all(_PLACE_ITEM.fullmatch(p) for p in parts)


def _junk_ratio(line: str) -> float:
    if not line:
        return 0.0
    return len(_JUNK_CHAR.findall(line)) / len(line)


@functools.lru_cache(maxsize=1)
def _any_inline_trigger() -> re.Pattern[str]:
    """One scan that tells whether any inline rule can apply at all (most texts: none)."""
    rules = _noise_rules()["inline"]
    if any(t is None for _, _, t in rules):
        return re.compile("")
    # the triggers joined at the top level, not each in a group: a flat alternation lets the regex
    # engine skip ahead to the possible first characters (several times faster than nested groups)
    return re.compile("|".join(t.pattern for _, _, t in rules if t is not None))


def clean_line_noise(line: str, removed: list[tuple[str, str]]) -> str:
    """Cut injected spam and pinyin glosses out of a line or a block.

    An inline rule never spans lines and never matches without its trigger, so in a block it runs
    on the lines where its trigger is found, not on the whole block.
    """
    if not _any_inline_trigger().search(line):
        return line
    for kind, rx, trigger in _noise_rules()["inline"]:

        def _cut(m: re.Match[str], kind: str = kind) -> str:
            # never cut a statistic: a spam match must not swallow a number with its unit
            if _STAT.search(m.group(0)):
                return m.group(0)
            removed.append((kind, m.group(0)))
            return ""

        if trigger is None or "\n" not in line:
            if trigger is None or trigger.search(line):
                line = rx.sub(_cut, line)
            continue
        pieces: list[str] = []
        done = 0  # end of the last line cut
        for m in trigger.finditer(line):
            if m.start() < done:
                continue  # (a line already cut)
            start = line.rfind("\n", 0, m.start()) + 1
            end = line.find("\n", m.start())
            end = len(line) if end < 0 else end
            pieces += (line[done:start], rx.sub(_cut, line[start:end]))
            done = end
        if pieces:
            pieces.append(line[done:])
            line = "".join(pieces)
    return line


@functools.lru_cache(maxsize=1)
def _line_rule() -> re.Pattern[str]:
    """All line rules as one alternation; the name of the matching group is the rule's kind."""
    parts = [f"(?P<{kind}_{i}>{rx.pattern})" for i, (kind, rx, _) in enumerate(_noise_rules()["line"])]
    return re.compile("|".join(parts))


@functools.lru_cache(maxsize=1)
def _line_rule_multiline() -> re.Pattern[str]:
    """The line rules as one multi-line scan over a whole block: finds the lines worth a closer look.

    Searched in "\n" + block (a match starts at the newline before its line, so its offset is the
    line's offset in the block): the engine jumps from newline to newline instead of trying every
    position, and a line whose first character can start no rule is given up at once.
    """
    parts = []
    for kind, rx, _ in _noise_rules()["line"]:
        p = rx.pattern
        assert p.startswith("^") and p.endswith("$"), f"line rule {p!r} must be anchored"
        parts.append(p[1:-1])
    first = _line_rule_first()
    head = f"(?={first.pattern})" if first else ""
    return re.compile("(?m)\n[ \t]*" + head + "(?:" + "|".join(f"(?:{p})" for p in parts) + ")[ \t]*$")


@functools.lru_cache(maxsize=1)
def _line_rule_first() -> Optional[re.Pattern[str]]:
    """A character class that holds the first character of every line-rule match, when it can be told."""
    firsts = []
    for kind, rx, _ in _noise_rules()["line"]:
        first = _first_chars(rx.pattern, rx.flags)
        if first is None:
            return None
        firsts.append(first)
    return re.compile(f"[{''.join(firsts)}]") if firsts else None


def _first_chars(pattern: str, flags: int = 0) -> Optional[str]:
    """The body of a character class that holds the first character of every match of ``pattern``
    (read from the parsed pattern), or None when it cannot tell (a pattern that may match nothing,
    ``.``, a negated class, case-insensitive matching ...)."""
    try:
        from re import _constants as c, _parser  # the standard library's own regex parser
    except ImportError:  # (Python 3.10)
        import sre_constants as c  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]
    repeats = tuple(getattr(c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(c, name))
    categories = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_SPACE: r"\s", c.CATEGORY_WORD: r"\w"}

    class Unknown(Exception):
        pass

    def seq(items) -> tuple[list[str], bool]:  # (class items, may match the empty string)
        out: list[str] = []
        for op, av in items:
            chars, empty = one(op, av)
            out += chars
            if not empty:
                return out, False
        return out, True

    def one(op, av) -> tuple[list[str], bool]:
        if op is c.LITERAL:
            return [re.escape(chr(av))], False
        if op is c.IN:
            out = []
            for iop, iav in av:
                if iop is c.LITERAL:
                    out.append(re.escape(chr(iav)))
                elif iop is c.RANGE:
                    out.append(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
                elif iop is c.CATEGORY and iav in categories:
                    out.append(categories[iav])
                else:
                    raise Unknown
            return out, False
        if op is c.BRANCH:
            alts = [seq(alt) for alt in av[1]]
            return [x for chars, _ in alts for x in chars], any(empty for _, empty in alts)
        if op is c.SUBPATTERN:
            if av[1] & re.IGNORECASE:  # (?i:...)
                raise Unknown
            return seq(av[3])
        if op in repeats:
            chars, empty = seq(av[2])
            return chars, empty or av[0] == 0
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return [], True  # zero width
        raise Unknown

    try:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        chars, empty = seq(parsed)
    except Exception:  # (Unknown, or a parser of another Python version)
        return None
    return None if empty or not chars else "".join(dict.fromkeys(chars))


_PIPE_LIST_LINE = re.compile(r"(?m)^(?:[^\n|]*\|){5}")


def _candidate_lines(text: str, starts: list[int]) -> tuple[set[int], set[int], set[int]]:
    """Indexes of the lines that may be noise (a superset), of those with a spam term, and of those
    with a junk character (spam terms and junk characters never span lines)."""

    def line_of(p: int) -> int:
        return bisect.bisect_right(starts, p) - 1

    found: list[int] = [m.start() for m in _line_rule_multiline().finditer("\n" + text)]
    found += [m.start() for m in _HEADER_HINT.finditer(text)]
    if text.count("|") >= 5:  # (a list line needs five)
        found += [m.start() for m in _PIPE_LIST_LINE.finditer(text)]
    spam = {line_of(m.start()) for m in _spam_any().finditer(text)}
    junk = {line_of(m.start()) for m in _JUNK_CHAR.finditer(text)}
    return {line_of(p) for p in found} | spam | junk, spam, junk


def remove_noise(text: str, header_meta: dict[str, str], removed: list[tuple[str, str]]) -> str:
    """Drop noise lines and cut inline noise from a text block. Keeps line structure otherwise.

    One scan per rule family over the whole block picks the candidate lines; each candidate is then
    judged alone (a line with a statistic is never chrome; a header line goes to ``header_meta``).
    """
    lines = text.split("\n")
    starts = list(itertools.accumulate([len(line) + 1 for line in lines], initial=0))
    starts.pop()  # (the offset after the last line)
    candidates, spam_lines, junk_lines = _candidate_lines(text, starts)
    if not candidates:
        return clean_line_noise(text, removed)
    line_rule = _line_rule()
    first = _line_rule_first()
    drop: set[int] = set()
    for i in sorted(candidates):
        s = lines[i].strip()
        if not s:
            continue
        kind = None
        if len(s) <= 260:
            m = line_rule.match(s) if first is None or first.match(s) else None
            if m:
                kind = m.lastgroup.rsplit("_", 1)[0] if m.lastgroup else None
            if kind == "chrome" and _STAT.search(s) and not s.startswith(("版权", "ICP", "访问量", "浏览")):
                kind = None  # a line with a statistic is content, whatever it starts with
            if kind is None and _HEADER_HINT.search(s):
                hdr = parse_header_line(s)
                if hdr is not None:
                    for k, v in hdr.items():
                        header_meta.setdefault(k, clean_line_noise(v, removed).strip())
                    kind = "header"
        if kind is None and _is_spam_line(s, i in spam_lines) and not _STAT.search(s):
            kind = "spam_line"
        if kind is None and i in junk_lines and len(s) >= 4 and _junk_ratio(s) > 0.3:
            kind = "binary_junk"
        if kind is not None:
            removed.append((kind, s))
            drop.add(i)
    kept = "\n".join([line for i, line in enumerate(lines) if i not in drop]) if drop else text
    return clean_line_noise(kept, removed)


# --------------------------------------------------------------------------- assembly
def _join_cell_lines(s: str) -> str:
    """Cell text wrapped over lines: join CJK without a space, other text with one."""
    parts = [p.strip() for p in s.split("\n")]
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (re.match(rf"[{CJK}(（、,，。;:)）]", p[0]) and re.match(rf"[{CJK})）、,，(（]", out[-1])):
            out += " "
        out += p
    return out


#: joins the cells of a table so that each step runs once per table, not once per cell: INVISIBLE
#: SEPARATOR never occurs in report text and NFKC, OpenCC and the noise rules leave it alone
_CELL_SEP = "\u2063"


def _map_flat(flat: list[str], fn) -> list[str]:
    """Apply ``fn`` (str -> str) to every cell text of ``flat`` in one call on the joined cells."""
    parts = fn(_CELL_SEP.join(flat)).split(_CELL_SEP) if flat else []
    if len(parts) != len(flat):  # a step merged or split cells: fall back to one call per cell
        parts = [fn(c) for c in flat]
    return parts


def _table_rows(b: RawBlock, texts: list[str], pos: int) -> tuple[list[list[Optional[Cell]]], list[str]]:
    """The cells of table block ``b`` printed from offset ``pos`` on, one line per row ("cell | cell | …"):
    (rows of cells, lines). ``texts`` holds the text of every cell that is not ``None`` in ``b.rows``,
    in row order. A ``None`` position another cell spans stays ``None`` (filled later from its
    origin); any other ``None`` is an empty cell. Spans follow from the lengths."""
    rows: list[list[Optional[Cell]]] = []
    lines: list[str] = []
    spans = b.spans
    k = 0  # the next text of ``texts``
    for r_i, row in enumerate(b.rows):
        cells: list[Optional[Cell]] = []
        at = pos
        if None in row:
            parts: list[str] = []
            for c_i, raw in enumerate(row):
                if raw is None:
                    if (r_i, c_i) in spans:
                        cells.append(None)
                        continue
                    txt = ""
                else:
                    txt = texts[k]
                    k += 1
                end = at + len(txt)
                cells.append(Cell(txt, at, end))
                parts.append(txt)
                at = end + 3  # " | "
        else:  # the usual row
            parts = texts[k : k + len(row)]
            k += len(parts)
            for txt in parts:
                end = at + len(txt)
                cells.append(Cell(txt, at, end))
                at = end + 3
        line = " | ".join(parts) + "\n"
        pos += len(line)
        lines.append(line)
        rows.append(cells)
    return rows, lines


def normalize(raw: RawDocument) -> Document:
    """Turn a loaded document into normalized text plus grids with spans (see module doc)."""
    # per block: its cleaned text, or for a table the cleaned texts of its cells (those not None) in row order
    cleaned: list[object] = [
        clean_chars(b.text) if b.kind == "text"
        else _map_flat([c for row in b.rows for c in row if c is not None], clean_chars)
        for b in raw.blocks
    ]
    sample = "".join(c if isinstance(c, str) else "".join(c) for c in cleaned)  # type: ignore[arg-type]
    script = detect_script(sample[:200000])
    # a simplified text is left as it is: characters such as 乾 (乾安县), 著 (显著) or 覆 count as
    # traditional for OpenCC but are standard simplified characters too, so converting stray ones
    # would corrupt names
    convert = to_simplified if script == "traditional" else None  # machine zh-TW text -> mainland

    def norm(s: str) -> str:  # s is already clean_chars()-ed
        return convert(s) if convert else s

    removed: list[tuple[str, str]] = []
    header_meta: dict[str, str] = {}
    pieces: list[str] = []
    pos = 0
    grids: list[Grid] = []
    pages: dict[int, list[int]] = {}

    def emit(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        pieces.append(s)
        pos += len(s)
        return start, pos

    for b, clean in zip(raw.blocks, cleaned):
        start_block = pos
        if b.kind == "text":
            t = remove_noise(norm(clean), header_meta, removed)  # type: ignore[arg-type]
            if t.strip():
                emit(t.strip("\n") + "\n")
        elif b.kind == "table":
            tstart = pos
            texts = _map_flat(clean, lambda t: clean_line_noise(norm(t), removed))  # type: ignore[arg-type]
            # a cell's text: its lines joined, stripped
            rows, lines = _table_rows(b, [_join_cell_lines(t) if "\n" in t else t.strip() for t in texts], pos)
            pieces.extend(lines)
            pos += sum(map(len, lines))
            # copies of spanning cells point at their origin cell's text and span
            n_rows = len(rows)
            for (r_i, c_i), (orow, ocol) in b.spans.items():
                if r_i < n_rows:
                    row = rows[r_i]
                    if c_i < len(row) and row[c_i] is None:
                        o = rows[orow][ocol] if orow < n_rows and ocol < len(rows[orow]) else None
                        if o is not None:
                            row[c_i] = Cell(o.text, o.start, o.end, (orow, ocol))
            if b.continues and grids and grids[-1].source == raw.kind:
                prev = grids[-1]
                offset = len(prev.rows)  # origins of span copies are counted within this page's block
                for row in rows:
                    for c in row:
                        if c is not None and c.origin is not None:
                            c.origin = (c.origin[0] + offset, c.origin[1])
                prev.rows.extend(rows)
                prev.end = pos
                prev.notes.append(f"continued on page {b.page}")
            else:
                grids.append(Grid(rows=rows, source=raw.kind, page=b.page, start=tstart, end=pos))
        if b.page is not None:
            pages.setdefault(b.page, [start_block, pos])[1] = pos
    text = "".join(pieces)
    warnings = list(raw.warnings)
    for kind, s in removed:
        if kind == "binary_junk":
            warnings.append("binary junk removed from the text (a .doc/.wps attachment read as text?)")
            break
    return Document(
        text=text,
        grids=grids,
        path=raw.path,
        sha256=raw.sha256,
        kind=raw.kind,
        script=script,
        encoding=raw.encoding,
        n_pages=raw.n_pages,
        pages=[(p, s, e) for p, (s, e) in sorted(pages.items())],
        title=norm(clean_chars(raw.title)).strip() if raw.title else None,
        header_meta=header_meta,
        removed=removed,
        warnings=warnings,
    )


def normalize_text(text: str, path: str = "<text>") -> Document:
    """Normalize a plain string (handy in notebooks and tests)."""
    import hashlib

    raw = RawDocument(
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        kind="text",
        blocks=[RawBlock(kind="text", text=text)],
        encoding="utf-8",
    )
    return normalize(raw)


def iter_lines(doc: Document) -> Iterable[tuple[int, str]]:
    """(start offset, line) for every line of the normalized text."""
    pos = 0
    for line in doc.text.split("\n"):
        yield pos, line
        pos += len(line) + 1
