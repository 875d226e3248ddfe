"""Report metadata: agency, covered year, province / city / county, level, edition, doc kind, script.

Every rule reads the normalized ``Document`` (simplified script, NFKC). Vocabularies are data:
``codebook/org_suffixes.csv`` (what an agency name ends with), ``codebook/edition_markers.csv``
(column labels that identify a statistical format) and ``codebook/doc_kinds.csv``.

- agency: the title line (which may be split over two lines, or absent), else the organisation
  names of the body and the signature; then the fullest form the document itself uses
  (洪泽区人民政府 -> 淮安市洪泽区人民政府 when the body says so; 酒泉市质监局 ->
  酒泉市质量技术监督局 when both appear).
- year: the year the statistics cover: title, 统计期限, "现将…X年…报告如下", "X年度…报告", then
  "X年,我局…" statements; never a publication date or a garbled date such as 2017128.
- region: the region names that start the agency name (or, failing that, the document's most
  cited region), resolved in the gazetteer for the covered year (names as they were that year).
- edition: by table column labels, never by section headings (templates.md §0).
"""
from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from datetime import date
from typing import Optional

from . import gazetteer
from .codebook import read_csv
from .model import Document, Grid, Meta

CJK = "\u4e00-\u9fff"
_YEAR = r"((?:19|20)\d{2})"
_REPORT_WORDS = re.compile(r"信息公开|政务公开|政府信息|依申请公开|主动公开")
_ENOUGH_CJK = re.compile(f"(?:[^{CJK}]*[{CJK}]){{20}}")  # at least 20 Chinese characters
_TITLE_WORDS = re.compile(r"年度?报告|年报|工作报告|情况报告|自查|汇报|工作总结|统计表|报告")
#: sentence fragments that mention a report but are not its title ("现将…报告如下:", "根据…")
_NOT_TITLE = re.compile(r"^(?:现将|根据|按照|依据|本报告|本年报|为|经|请)|如下|如$|[,。;]")


# --------------------------------------------------------------------------- vocabularies
@functools.lru_cache(maxsize=1)
def _org_suffix_re() -> re.Pattern[str]:
    sufs = sorted({r["suffix"] for r in read_csv("org_suffixes.csv")}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, sufs)) + ")")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[str, str]]:
    return [(r["suffix"], r["full"]) for r in read_csv("org_suffixes.csv") if r.get("full")]


@functools.lru_cache(maxsize=1)
def _agency_contexts() -> list[re.Pattern[str]]:
    name = f"[{CJK}]{{2,24}}?(?:" + _org_suffix_re().pattern + ")"
    return [re.compile(r["pattern"].replace("{NAME}", name)) for r in read_csv("agency_contexts.csv")]


@functools.lru_cache(maxsize=1)
def _edition_markers() -> list[tuple[str, str, float]]:
    return [(r["edition"], r["marker"], float(r["weight"] or 1)) for r in read_csv("edition_markers.csv")]


@functools.lru_cache(maxsize=1)
def _doc_kind_rules() -> list[tuple[str, str, re.Pattern[str], float]]:
    return [(r["kind"], r["where"], re.compile(r["pattern"]), float(r["weight"] or 1)) for r in read_csv("doc_kinds.csv")]


# --------------------------------------------------------------------------- report or not
def looks_like_report(doc: Document) -> tuple[bool, str]:
    """Is this readable text a government information-disclosure document at all?"""
    text = doc.text
    if not text.strip():
        return False, "no text"
    if not _ENOUGH_CJK.search(text, 0, 20000):
        return False, "almost no Chinese text"
    n = sum(1 for _ in itertools.islice(_REPORT_WORDS.finditer(text, 0, 200000), 2))
    if n == 0:
        return False, "no information-disclosure vocabulary (信息公开/政务公开) in the text"
    if n < 2 and not _TITLE_WORDS.search(text[:3000]):
        return False, "information disclosure is mentioned only in passing"
    return True, ""


# --------------------------------------------------------------------------- title
def _head_lines(text: str, n: int) -> list[tuple[int, str]]:
    """(offset, stripped line) of the first ``n`` non-blank lines."""
    out: list[tuple[int, str]] = []
    pos = 0
    while len(out) < n and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line:
            out.append((pos, line))
        pos = end + 1
    return out


def _no_space(s: str) -> str:
    """``s`` without whitespace (str.split and ``\\s`` agree on what that is)."""
    return "".join(s.split())


def find_title(doc: Document) -> tuple[Optional[str], Optional[int]]:
    """The report's title line (joined when it is split over two short lines), and its offset."""
    cands: list[tuple[int, str]] = []
    lines = _head_lines(doc.text, 13)
    for i, (pos, line) in enumerate(lines[:12]):
        compact = _no_space(line)
        if len(compact) > 80 or compact.endswith(("。", ";", ":", ",")) or _NOT_TITLE.search(compact):
            continue
        if (i + 1 < len(lines) and _REPORT_WORDS.search(compact) and not _TITLE_WORDS.search(compact)
                and len(compact) >= 12):
            # a title wrapped over two lines: "…2019 年政府信息公开工" / "作年度报告"
            nxt = _no_space(lines[i + 1][1])
            if len(nxt) <= 12 and _TITLE_WORDS.search(compact + nxt) and not _NOT_TITLE.search(nxt):
                compact += nxt
        if _TITLE_WORDS.search(compact) and _REPORT_WORDS.search(compact):
            prev = _no_space(lines[i - 1][1]) if i > 0 else ""
            if _continues_sentence(prev, lines[i + 1][1] if i + 1 < len(lines) else ""):
                continue  # "…的规定,现" / "将X 2015 年政府信息公开工作情况报告" / "如下:"
            # the title's first part on the line above: an agency line ("洪泽区人民政府" /
            # "2023年政府信息公开工作年度报告"), or a title wrapped anywhere ("2016 年积石山…城乡建" /
            # "设局政府信息公开工作年度报告", "…委员会 2017 年" / "度政府信息公开工作年度报告")
            if prev and _title_head(prev, compact):
                return prev + compact, lines[i - 1][0]
            cands.append((pos, compact))
            break
    if cands:
        return cands[0][1], cands[0][0]
    if doc.title:
        t = _no_space(doc.title)
        if _REPORT_WORDS.search(t):
            return t, None
    return None, None


#: a line of a title: Chinese characters, digits and spaces only (no punctuation, no colon)
_TITLE_PART = re.compile(rf"[{CJK}0-9]+")


@functools.lru_cache(maxsize=1)
def _org_line_re() -> re.Pattern[str]:
    """A line that ends in an organisation suffix, perhaps followed by a year."""
    return re.compile("(?:" + _org_suffix_re().pattern + r")(?:(?:19|20)\d{2})?$")


def _title_head(prev: str, compact: str) -> bool:
    """``prev`` (the line above a title line ``compact``, without spaces) is the title's first part."""
    if (len(prev) > 40 or not _TITLE_PART.fullmatch(prev) or _TITLE_WORDS.search(prev)
            or re.search(r"\d\s*[月日]", prev)):  # a date line above the title
        return False
    if _org_line_re().search(prev):
        return bool(re.match(_YEAR + "|年", compact))  # "洪泽区人民政府" / "2023年…报告"
    # wrapped inside a word: the title starts with its year, or the year is cut from its 年度
    return bool(re.match(_YEAR, prev) or (re.search(_YEAR + "年?$", prev) and re.match("年|度", compact)))


def _continues_sentence(prev: str, nxt: str) -> bool:
    """A title-like line inside a wrapped sentence: the line above is prose that does not end, or
    the sentence goes on below ("如下:")."""
    nxt = _no_space(nxt)
    if nxt.startswith(("如下", "如后")):
        return True
    return (len(prev) >= 15 and bool(re.search(r"[,,;;]", prev)) and bool(re.search(f"[{CJK}]$", prev))
            and len(re.findall(f"[{CJK}]", prev)) >= 10)


# --------------------------------------------------------------------------- year
#: "现将…X年…报告如下" (特公布|公布 rather than 特?公布: a pattern whose first character is known is
#: searched much faster)
_REPORTED_BELOW = re.compile(r"(?:现将|特公布|公布)[^。\n]{0,30}?" + _YEAR + r"\s*年度?[^。\n]{0,30}?(?:报告|公布)如下")
#: a year followed by a report title, by the body the statistics are about, or by plans; the three
#: continuations start differently, so at most one kind matches at a position
_YEAR_PHRASES = re.compile(
    _YEAR + r"(?:(?P<title>\s*年度?\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报|情况))"
    r"|(?P<body>\s*年度?\s*[,,]?\s*(?:我局|我区|我市|我县|我委|我办|我厅|本局|本机关|全年|全区|全市|全县|共))"
    r"|(?P<plan>\s*年\s*(?:推进|工作思路|工作计划|工作打算|将|要)))"
)
_TITLE_YEAR = re.compile(_YEAR + r"\s*(?:年|年度)")
_TITLE_YEAR_BRACKETED = re.compile(r"\(\s*" + _YEAR + r"\s*年?度?\s*\)")
_STAT_PERIOD_YEAR = re.compile(r"统计期限[^。\n]{0,6}?" + _YEAR + r"\s*年")
_BRACKETED_YEAR = re.compile(r"\(\s*" + _YEAR + r"\s*年度\s*\)")


def find_year(doc: Document, title: Optional[str]) -> tuple[Optional[int], str]:
    """The year the statistics cover, with the text it was read from."""
    text = doc.text[:60000]
    scores: Counter[int] = Counter()
    evidence: dict[int, str] = {}
    this_year = date.today().year

    def vote(y: str, w: float, ev: str) -> None:
        yi = int(y)
        if 1990 <= yi <= this_year:
            scores[yi] += w
            evidence.setdefault(yi, ev)

    if title:
        m = _TITLE_YEAR.search(title)
        if m:
            vote(m.group(1), 100, title)
        else:
            m = _TITLE_YEAR_BRACKETED.search(title)
            if m:
                vote(m.group(1), 100, title)
    for m in _STAT_PERIOD_YEAR.finditer(text):
        vote(m.group(1), 50, m.group(0))
    if "如下" in text:
        for m in _REPORTED_BELOW.finditer(text):
            vote(m.group(1), 40, m.group(0))
    for m in _BRACKETED_YEAR.finditer(text):  # 统计表 (2016年度)
        vote(m.group(1), 20, m.group(0))
    # "<year>年" followed by a report title, by the body the statistics speak for, or by plans: one
    # scan (a match of one kind never holds the start of another), the votes in the order of kinds
    found: dict[str, list[re.Match[str]]] = {"title": [], "body": [], "plan": []}
    for m in _YEAR_PHRASES.finditer(text):
        found[m.lastgroup].append(m)  # type: ignore[index]
    for m in found["title"]:
        vote(m.group(1), 10, m.group(0))
    for m in found["body"]:
        vote(m.group(1), 3, m.group(0))
    # plans for the next year ("2018年推进政府信息公开工作思路") are not the covered year
    for m in found["plan"]:
        scores[int(m.group(1))] -= 3
    if not scores or max(scores.values()) <= 0:
        for m in re.finditer(_YEAR + r"\s*年", text[:5000]):
            vote(m.group(1), 1, m.group(0))
    if not scores:
        return None, ""
    year, s = scores.most_common(1)[0]
    if s <= 0:
        return None, ""
    return year, evidence.get(year, "")


# --------------------------------------------------------------------------- agency
_NAME_CHARS = f"[{CJK}]"


@functools.lru_cache(maxsize=1)
def _org_tail_re() -> re.Pattern[str]:
    return re.compile(f"{_NAME_CHARS}{{0,14}}?(?:" + _org_suffix_re().pattern + ")")


def _org_names(text: str) -> list[tuple[int, str]]:
    """(offset, name) of every organisation name that starts with region names: 南通市海门区市场监督管理局."""
    out: list[tuple[int, str]] = []
    org_tail = _org_tail_re()
    hits = gazetteer.find_names(text)
    taken_until = -1
    for start, end, _ in hits:
        if start < taken_until:
            continue
        chain = gazetteer.region_chain(text[start : start + 60])
        if not chain:
            continue
        pos = start + sum(map(len, chain))
        m = org_tail.match(text, pos, pos + 20)
        if not m:
            continue
        # the shortest organisation name: 广州市市场监督管理局(知识产权局) -> 广州市市场监督管理局
        out.append((start, text[start : m.end()]))
        taken_until = m.end()
    return out


@functools.lru_cache(maxsize=1)
def _title_agency_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """"<agency>(<note>)?<year>年…" and "<year>年度<agency>政府信息公开…" title shapes."""
    name = f"({_NAME_CHARS}+?(?:" + _org_suffix_re().pattern + "))"
    return (re.compile("^" + name + r"(?:\(.*?\))?\s*(?:关于|" + _YEAR + r"|政府信息|政务公开|信息公开|$)"),
            re.compile(_YEAR + r"\s*年度?" + name + r"(?:政府信息|政务公开|信息公开)"))


def find_agency(doc: Document, title: Optional[str], title_pos: Optional[int]) -> tuple[Optional[str], str]:
    text = doc.text[:60000]
    agency: Optional[str] = None
    evidence = ""
    if title:
        agency_first, year_first = _title_agency_res()
        m = agency_first.match(title)
        if m:
            agency = m.group(1)
        else:
            m = year_first.match(title)
            if m:
                agency = m.group(2)
        if agency:
            evidence = title
    names = _org_names(text)
    if agency is None:
        # body and signature: the organisation the report speaks for
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for pos, n in names:
            counts[n] += 1
            first.setdefault(n, pos)
        # the signature (last lines) counts double
        tail_names = {n for _, n in _org_names(doc.text[-400:])}
        for n in tail_names:
            counts[n] += 2
            first.setdefault(n, len(text))
        # the self-reference 我局 / 我委 / 本机关 tells which kind of body speaks
        selfref = Counter(re.findall(r"(?:我|本)(局|委|办|厅|区|市|县|院|署|中心)", text))
        def score(n: str) -> float:
            s = counts[n] * 2.0 - first[n] / max(len(text), 1)
            kind = selfref.most_common(1)[0][0] if selfref else ""
            if kind and n.endswith(kind):
                s += 3
            if kind in ("区", "市", "县") and n.endswith("人民政府"):
                s += 3
            # "…政府信息公开…" fragments such as 贵州省政府 inside a document title are weak
            return s
        if counts:
            agency = max(counts, key=score)
            evidence = next((doc.text[max(0, p - 20) : p + len(agency) + 20] for p, n in names if n == agency), agency)
    if agency is None:
        agency, evidence = _agency_from_context(doc, text)
    if agency is None:
        return None, ""
    return _fullest_form(agency, text, [n for _, n in names]), evidence


def _agency_from_context(doc: Document, text: str) -> tuple[Optional[str], str]:
    """Agencies whose name the gazetteer cannot anchor: the sentences that name the reporter, then
    the page's 发布机构 header."""
    counts: Counter[str] = Counter()
    ev: dict[str, str] = {}
    for rx in _agency_contexts():
        for m in rx.finditer(text):
            n = re.sub(r"^(?:我们|我|本|由|在|对)", "", m.group("name"))
            counts[n] += 1
            ev.setdefault(n, m.group(0))
    if counts:
        n = counts.most_common(1)[0][0]
        return n, ev[n]
    pub = re.sub(r"\s+", "", doc.header_meta.get("publisher", ""))
    if pub and _org_suffix_re().search(pub[-4:]) and len(pub) <= 30:
        return pub, f"发布机构: {pub}"
    return None, ""


def _is_abbreviation(short: str, full: str) -> bool:
    """质监局 vs 质量技术监督局: same first and last character, characters in order."""
    if len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def _fullest_form(agency: str, text: str, body_names: list[str]) -> str:
    """The fullest name the document itself uses for ``agency``.

    - region prefix: 洪泽区人民政府 -> 淮安市洪泽区人民政府 when the text contains the latter;
    - abbreviation: 酒泉市质监局 -> 酒泉市质量技术监督局 when both appear.
    """
    chain = gazetteer.region_chain(agency)
    region_part = "".join(chain)
    org = agency[len(region_part) :]
    # abbreviation -> full form used in the same document, same region
    for n in set(body_names):
        nchain = gazetteer.region_chain(n)
        norg = n[len("".join(nchain)) :]
        if nchain and nchain[-1:] == chain[-1:] and norg != org and org and _is_abbreviation(org, norg):
            org = norg
            break
    else:
        for short, full in _abbreviations():
            if org.endswith(short) and (region_part + org[: -len(short)] + full) in text:
                org = org[: -len(short)] + full
                break
    name = region_part + org
    # longest region prefix the text uses for this name
    best = name
    start = text.find(name)
    while start >= 0:
        prefix = gazetteer.chain_ending_at(text, start)
        if len(prefix) + len(name) > len(best):
            best = prefix + name
        start = text.find(name, start + 1)
    return best


# --------------------------------------------------------------------------- region, level
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国)")


def find_region(agency: Optional[str], doc: Document, year: Optional[int]) -> tuple[gazetteer.Region, Optional[str]]:
    """(region, level) for the agency."""
    chain = gazetteer.region_chain(agency) if agency else []
    level: Optional[str] = None
    if agency and not chain and _NATIONAL.match(agency):
        return gazetteer.Region(), "national"
    mentions: list[str] = []
    if not chain or gazetteer.is_ambiguous(chain, year):
        # the region names the document cites: the region itself when the agency name carries
        # none ("市市场监管局"), else the context that tells 朝阳区 of 北京市 from 朝阳区 of 长春市
        mentions = [n for _, _, n in gazetteer.find_names(doc.text[:30000])]
    if not chain:
        common = Counter(mentions).most_common(3)
        chain = [common[0][0]] if common else []
    region = gazetteer.resolve(chain, year, context=mentions)
    if region.level:
        level = region.level
        if agency and re.search(r"(?:街道办事处|街道|乡人民政府|镇人民政府|乡政府|镇政府)$", agency):
            level = "township"
    return region, level


# --------------------------------------------------------------------------- edition
def detect_edition(doc: Document, grids: list[Grid], year: Optional[int]) -> tuple[str, dict[str, float]]:
    """Edition by table column labels (templates.md §0): gov2021 > gov2019 > legacy > narrative."""
    blob = "".join(doc.text.split())  # all whitespace removed (str.split and \s agree on what that is)
    scores: dict[str, float] = {}
    for edition, marker, weight in _edition_markers():
        if marker in blob:
            scores[edition] = scores.get(edition, 0.0) + weight
    for ed in ("gov2021", "gov2019", "legacy"):
        if scores.get(ed, 0) >= 2:
            if ed == "gov2019" and scores.get("gov2021", 0) >= 1:
                return "gov2021", scores
            return ed, scores
    # only a Section 三 table (no Section 二): its (六) rows decide, then the year
    if scores.get("sec3", 0) >= 2:
        return ("gov2021" if (year or 0) >= 2021 else "gov2019"), scores
    return "narrative", scores


# --------------------------------------------------------------------------- doc kind
def detect_doc_kind(doc: Document, title: Optional[str]) -> str:
    scores: Counter[str] = Counter()
    head = doc.text[:3000]
    for kind, where, rx, w in _doc_kind_rules():
        target = title or "" if where == "title" else head if where == "head" else doc.text[:60000]
        if target and rx.search(target):
            scores[kind] += w
    if not scores:
        return "other"
    return scores.most_common(1)[0][0]


# --------------------------------------------------------------------------- all of it
def _published(doc: Document) -> Optional[str]:
    s = doc.header_meta.get("published", "")
    m = re.search(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", s)
    if m:
        y, mo, d = map(int, m.groups())
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            return None
    return None


def extract_meta(doc: Document, grids: list[Grid]) -> Meta:
    title, title_pos = find_title(doc)
    year, year_ev = find_year(doc, title)
    agency, agency_ev = find_agency(doc, title, title_pos)
    region, level = find_region(agency, doc, year)
    if agency and _NATIONAL.match(agency) and not region.level:
        level = "national"
    edition, _ = detect_edition(doc, grids, year)
    meta = Meta(
        agency=agency,
        year=year,
        province=region.province,
        city=region.city,
        county=region.county,
        level=level,
        edition=edition,
        doc_kind=detect_doc_kind(doc, title),
        script=doc.script if doc.script in ("simplified", "traditional") else None,
        source=doc.path,
        sha256=doc.sha256,
        region_code=region.id,
        title=title,
        published=_published(doc),
    )
    meta.agency_key = agency_key(meta)
    meta.evidence = {k: v for k, v in (("agency", agency_ev), ("year", year_ev), ("title", title or "")) if v}
    return meta


def agency_key(meta: Meta) -> Optional[str]:
    """One key per agency across years and renames of its place (see ``govstats.agencies``)."""
    from .agencies import agency_key as _key

    return _key(meta.agency, meta.region_code)
