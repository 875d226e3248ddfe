"""The document model every renderer draws: blocks of prose and tables with rowspan/colspan.

``build(spec)`` returns the blocks in the report's script and punctuation. All cosmetic choices
(filler sentences, where spam lands, spaced labels) come from a generator seeded by the spec, so a
spec always renders the same way.
"""
from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass
from typing import Optional

from . import forms
from .prose import FILLER, HEADINGS, INTRO, OPENING, SUBHEADINGS, Statement, Tr, render_statement
from .spec import LabelStyle, ReportSpec, we_word

DEMO_NOTICE = "【合成演示数据 synthetic demo report】本报告为程序生成的演示数据,机构、地名与数字均为虚构。"
_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
_SPAM = ("UedBet体育", "沙巴体育", "米兰体育全站", "比分直播,篮球比分直播", "欧洲杯买球平台", "BET365体育")
_SPACED_HEADERS = {"商业企业": "商业 企业", "科研机构": "科研 机构", "社会公益组织": "社会公益 组织",
                   "法律服务机构": "法律服务 机构"}


# --------------------------------------------------------------------------- model
@dataclass(slots=True)
class TCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # label | header | caption | unit | value
    key: Optional[str] = None  # truth key of a value cell


Shape = tuple[tuple[tuple[int, int], ...], ...]  # (rowspan, colspan) of each origin cell, per row


@functools.lru_cache(maxsize=256)
def _positions(shape: Shape, n_cols: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Grid position (row, col) of every origin cell; tables of one form share a shape."""
    taken = [[False] * n_cols for _ in shape]
    out = []
    for r, row in enumerate(shape):
        c, places = 0, []
        for rowspan, colspan in row:
            while taken[r][c]:
                c += 1
            places.append((r, c))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[r + dr][c + dc] = True
            c += colspan
        out.append(tuple(places))
    if not all(all(row) for row in taken):
        raise ValueError("table rows do not fill a rectangle")
    return tuple(out)


@dataclass
class Table:
    name: str
    rows: list[list[TCell]]  # origin cells only, in document order (as HTML lists them)
    n_cols: int

    def origins(self) -> list[list[tuple[int, int, TCell]]]:
        """Origin cells per row with their (row, col) grid position."""
        shape = tuple(tuple((c.rowspan, c.colspan) for c in row) for row in self.rows)
        return [[(r, c, cell) for (r, c), cell in zip(places, row)]
                for places, row in zip(_positions(shape, self.n_cols), self.rows)]

    @functools.cached_property
    def grid(self) -> list[list[tuple[TCell, bool]]]:
        """Every grid position: (cell, is_origin); covered positions repeat their origin cell."""
        grid: list[list[Optional[tuple[TCell, bool]]]] = [[None] * self.n_cols for _ in self.rows]
        for row in self.origins():
            for r, c, cell in row:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        grid[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
        return grid  # type: ignore[return-value]


@dataclass
class Block:
    kind: str  # notice | chrome | meta | title | heading | para | table | signature
    text: str = ""
    table: Optional[Table] = None


# --------------------------------------------------------------------------- script and punctuation
@functools.lru_cache(maxsize=1)
def _s2twp():
    import opencc

    return opencc.OpenCC("s2twp")


@functools.lru_cache(maxsize=1 << 16)
def convert(text: str, script: str, fullwidth: bool) -> str:
    """``text`` in the report's script (OpenCC s2twp for traditional) and punctuation."""
    if script == "traditional":
        text = _s2twp().convert(text)
    return text.translate(_FULLWIDTH) if fullwidth else text


def translator(spec: ReportSpec) -> Tr:
    return functools.partial(convert, script=spec.script, fullwidth=spec.fullwidth)


# --------------------------------------------------------------------------- labels
_NUM = re.compile(r"^(\d+)\.")


@functools.lru_cache(maxsize=4096)
def _styled(label: str, style: LabelStyle) -> str:
    if style.num_sep != ".":
        label = _NUM.sub(r"\1" + style.num_sep, label)
    if style.ascii_quotes:
        label = label.replace("“", '"').replace("”", '"')
    if style.join_notes:
        label = label.replace("\n", "")
    return label


class _Cells:
    """Makes the cells of one spec's tables: styled, converted, possibly spaced labels."""

    def __init__(self, spec: ReportSpec, tr: Tr, rng: random.Random) -> None:
        self.spec, self.tr, self.rng = spec, tr, rng
        self.spaced = "label_spacing" in spec.noise

    def label(self, text: str, **kw) -> TCell:
        s = self.tr(_styled(text, self.spec.labels))
        if self.spaced and len(s) > 12 and "\n" not in s and self.rng.random() < 0.15:
            i = self.rng.randrange(6, len(s) - 3)
            s = s[:i] + " " * self.rng.choice((1, 1, 8)) + s[i:]
        return TCell(s, **kw)

    def header(self, text: str, **kw) -> TCell:
        if self.spaced:
            text = _SPACED_HEADERS.get(text, text)
        if self.spec.labels.header_breaks and len(text) >= 6 and "(" not in text:
            text = text[:3] + "\n" + text[3:]
        return TCell(self.tr(text), kind="header", **kw)

    def value(self, key: str, **kw) -> TCell:
        return TCell(self.spec.printed[key], kind="value", key=key, **kw)


# --------------------------------------------------------------------------- tables
def _sec2_tables(spec: ReportSpec, cells: _Cells) -> list[Table]:
    out = []
    for i, t in enumerate(forms.SEC2_2019 if spec.edition == "gov2019" else forms.SEC2_2021):
        quirk = spec.labels.quirk_colspans and t.columns == forms.SEC2_2019[1].columns
        single = len(t.columns) == 1
        width = 5 if quirk else 4 if single else 1 + len(t.columns)
        span = [1, 2, 1] if quirk else [3] if single else [1] * len(t.columns)
        rows = [[cells.label(t.caption, colspan=width, kind="caption")],
                [cells.header("信息内容")] + [cells.header(c, colspan=s) for c, s in zip(t.columns, span)]]
        for label, codes in t.rows:
            if spec.labels.normative_docs and "规范性文件" in label:
                label = spec.labels.normative_docs
            data_span = [2, 1, 1] if quirk else span
            rows.append([cells.label(label)] + [cells.value(k, colspan=s) for k, s in zip(codes, data_span)])
        out.append(Table(f"sec2.{i + 1}", rows, width))
    return out


def _sec3_table(spec: ReportSpec, cells: _Cells) -> Table:
    groups = forms.outcome_groups(spec.edition, spec.variant == "collapsed_other")
    n_results = sum(len(items) for _, items in groups)
    values = lambda code: [cells.value(forms.applicant_key(code, a)) for a in forms.COLUMNS]  # noqa: E731
    rows = [
        [cells.header(forms.BALANCE_NOTE, rowspan=3, colspan=3), cells.header("申请人情况", colspan=7)],
        [cells.header(forms.APPLICANT_HEADERS[0], rowspan=2), cells.header(forms.LEGAL_ENTITIES_HEADER, colspan=5),
         cells.header(forms.TOTAL, rowspan=2)],
        [cells.header(h) for h in forms.APPLICANT_HEADERS[1:]],
    ]
    for code, label in (forms.REQUESTS_NEW, forms.REQUESTS_CARRIED_OVER):
        rows.append([cells.label(label, colspan=3)] + values(code))
    for g, (group, items) in enumerate(groups):
        for i, (code, label) in enumerate(items):
            row = [cells.label(forms.RESULTS_LABEL, rowspan=n_results)] if g == 0 and i == 0 else []
            if group is None:
                row.append(cells.label(label, colspan=2))
            else:
                row += [cells.label(group, rowspan=len(items))] if i == 0 else []
                row.append(cells.label(label))
            rows.append(row + values(code))
    rows.append([cells.label(forms.REQUESTS_CARRIED_FORWARD[1], colspan=3)] + values(forms.REQUESTS_CARRIED_FORWARD[0]))
    return Table("sec3", rows, 10)


def _sec4_table(cells: _Cells) -> Table:
    rows = [
        [cells.header("行政复议", colspan=5), cells.header("行政诉讼", colspan=10)],
        [cells.header(r, rowspan=2) for r in forms.SEC4_RESULTS]
        + [cells.header("未经复议直接起诉", colspan=5), cells.header("复议后起诉", colspan=5)],
        [cells.header(r) for r in forms.SEC4_RESULTS * 2],
        [cells.value(k) for k in forms.SEC4_CODES],
    ]
    return Table("sec4", rows, 15)


def _legacy_table(spec: ReportSpec, cells: _Cells, guizhou: bool) -> Table:
    rows = [[cells.header(h) for h in forms.LEGACY_HEADER]]
    for code, label, unit in forms.legacy_rows(guizhou):
        if code is None:
            rows.append([cells.label(label, colspan=3)] if guizhou else
                        [cells.label(label), TCell("", kind="unit"), TCell("", kind="value")])
        elif code == "-":
            rows.append([cells.label(label, colspan=2), TCell("-", kind="value")])
        elif unit:
            rows.append([cells.label(label), TCell(cells.tr(unit), kind="unit"), cells.value(code)])
        else:
            rows.append([cells.label(label, colspan=2), cells.value(code)])
    return Table("legacy", rows, 3)


# --------------------------------------------------------------------------- prose
class _Writer:
    """Collects blocks; knows the spec's words for itself and its statements by section."""

    def __init__(self, spec: ReportSpec, rng: random.Random) -> None:
        self.spec, self.rng, self.tr = spec, rng, translator(spec)
        self.blocks: list[Block] = []
        self.year = spec.meta["year"]
        self.agency = self.tr(spec.meta["agency"])
        self.we = self.tr(we_word(spec.meta["agency"], spec.meta))
        self.numbers = {**spec.truth, **spec.approx}
        self.spam_left = "spam" in spec.noise

    def add(self, kind: str, text: str = "", table: Optional[Table] = None) -> None:
        self.blocks.append(Block(kind, text, table))

    def sentence(self, st: Statement) -> str:
        return render_statement(st, self.numbers, self.tr, self.year, self.we)

    def filler(self, topic: str, k: int = 1) -> str:
        pool = FILLER[topic]
        text = "".join(self.tr(s) for s in self.rng.sample(pool, min(k, len(pool))))
        if self.spam_left and len(text) > 20 and self.rng.random() < 0.5:
            self.spam_left = False
            i = self.rng.randrange(4, len(text) - 4)
            text = text[:i] + self.rng.choice(_SPAM) + text[i:]
        return text

    def para(self, *parts: str) -> None:
        text = "".join(p for p in parts if p)
        if text:
            self.add("para", text)


def _section(statement: Statement) -> str:
    kind = statement.kind
    if kind.startswith(("proactive", "responses", "rules")):
        return "proactive"
    if kind.startswith(("requests", "outcomes")):
        return "requests"
    if kind.startswith(("review", "litigation")):
        return "review"
    return "fees"


def build(spec: ReportSpec) -> list[Block]:
    """The blocks of the report, top to bottom."""
    rng = random.Random(spec.seed ^ 0x5EED)
    w = _Writer(spec, rng)
    cells = _Cells(spec, w.tr, rng)
    said: dict[str, list[str]] = {"proactive": [], "requests": [], "review": [], "fees": []}
    for st in spec.statements:
        said[_section(st)].append(w.sentence(st))
    if spec.demo:
        w.add("notice", DEMO_NOTICE)
    _front(spec, w)
    modern = w.year >= 2019 and spec.edition != "legacy"
    if modern:
        _modern_body(spec, w, cells, said)
    else:
        _legacy_body(spec, w, cells, said)
    w.add("signature", w.agency)
    published = spec.meta["published"]
    y, m, d = (int(x) for x in published.split("-"))
    w.add("signature", f"{y}{w.tr('年')}{m}{w.tr('月')}{d}{w.tr('日')}")
    if "chrome" in spec.noise:
        for line in rng.choice((("相关词条", "热门词条", "联系我们"), ("首页 | 网站地图 | 网站声明 | 联系我们",))):
            w.add("chrome", w.tr(line))
    return w.blocks


def _front(spec: ReportSpec, w: _Writer) -> None:
    year, rng = w.year, w.rng
    if "chrome" in spec.noise:
        w.add("chrome", w.tr("当前位置: 首页 > 政府信息公开 > 政府信息公开年报 > ") + f"{year}" + w.tr("年"))
        w.add("chrome", w.tr("字号: 大 中 小 打印 关闭"))
    if "header_meta" in spec.noise:
        code = f"{rng.randint(10**8, 10**9 - 1)}/{year + 1}-{rng.randint(10000, 99999)}"
        w.add("meta", w.tr("索引号: ") + code + w.tr("     发布机构: ") + w.agency + w.tr("     发布时间:")
              + spec.meta["published"] + " 00:00:00")
    if spec.meta["title"]:
        title = w.tr(spec.meta["title"])
        if title.startswith(w.agency) and rng.random() < 0.3:
            w.add("title", w.agency)
            title = title[len(w.agency):]
        w.add("title", title)
    w.para(w.tr(rng.choice(INTRO)).format(year=year, agency=w.agency))


def _opening(spec: ReportSpec, w: _Writer) -> str:
    """First sentence of 总体情况; names the agency when the report has no title."""
    if spec.meta["title"] and w.rng.random() < 0.5:
        return ""
    return w.tr(w.rng.choice(OPENING)).format(year=w.year, agency=w.agency)


def _modern_body(spec: ReportSpec, w: _Writer, cells: _Cells, said: dict[str, list[str]]) -> None:
    heads = [w.tr(h) for h in HEADINGS["modern"]]
    tables = spec.edition in ("gov2019", "gov2021")
    w.add("heading", heads[0])
    w.para(_opening(spec, w), w.filler("overview"))
    subs = [w.tr(s) for s in SUBHEADINGS]
    if tables:
        w.para(subs[0], *said["proactive"], w.filler("platform"))
        w.para(subs[1], *said["requests"], w.filler("requests"))
        for sub, topic in zip(subs[2:], ("management", "platform", "oversight")):
            w.para(sub, w.filler(topic))
    else:
        w.para(w.filler("management"))
    w.add("heading", heads[1])
    if tables:
        w.para(w.tr("相关数据见下表:") if w.rng.random() < 0.3 else "")
        for t in _sec2_tables(spec, cells):
            w.add("table", table=t)
    else:
        w.para(*said["proactive"])
    w.add("heading", heads[2])
    if tables:
        w.add("table", table=_sec3_table(spec, cells))
    else:
        w.para(*said["requests"][:2])
        w.para(*said["requests"][2:], w.filler("requests"))
    w.add("heading", heads[3])
    w.para(*said["review"])
    if tables:
        w.add("table", table=_sec4_table(cells))
    w.add("heading", heads[4])
    w.para(w.filler("problems", 2))
    w.add("heading", heads[5])
    if said["fees"]:
        w.para(*said["fees"])
    else:
        w.para(w.tr(w.rng.choice(FILLER["other"])))
    if spec.variant == "guizhou_appendix":
        _appendix(spec, w, cells, guizhou=True)


def _legacy_body(spec: ReportSpec, w: _Writer, cells: _Cells, said: dict[str, list[str]]) -> None:
    heads = [w.tr(h) for h in HEADINGS["legacy"]]
    w.add("heading", heads[0])
    w.para(_opening(spec, w), w.filler("overview", 2))
    w.add("heading", heads[1])
    w.para(*said["proactive"], w.filler("platform"))
    w.add("heading", heads[2])
    w.para(w.filler("requests"), *said["requests"])
    w.add("heading", heads[3])
    w.para(*said["fees"], w.filler("fees"))
    w.add("heading", heads[4])
    w.para(*said["review"], w.filler("review"))
    w.add("heading", heads[5])
    w.para(w.filler("problems", 2))
    w.add("heading", heads[6])
    w.para(w.tr(w.rng.choice(FILLER["other"])))
    if spec.edition == "legacy":
        _appendix(spec, w, cells, guizhou=spec.variant == "guizhou")


def _appendix(spec: ReportSpec, w: _Writer, cells: _Cells, guizhou: bool) -> None:
    """The appended 政府信息公开情况统计表 (national rows or Guizhou's variant)."""
    rng, year = w.rng, w.year
    if guizhou or rng.random() < 0.5:
        w.add("para", w.tr("附件:"))
    if guizhou:
        w.add("para", w.tr(f"{year}年度政府信息公开情况统计表"))
    else:
        w.add("para", w.tr("政府信息公开情况统计表"))
        w.add("para", w.tr(f"({year}年度)"))
        w.add("para", w.tr("填报单位(盖章): ") + w.agency)
    w.add("table", table=_legacy_table(spec, cells, guizhou))
    if not guizhou:
        y, m, d = spec.meta["published"].split("-")
        w.add("para", w.tr(f"单位负责人:王明    审核人:李华    填报人:赵静    联系电话:{rng.randint(2000000, 8999999)}"
                           f"    填报日期:{int(y)}年{int(m)}月{int(d)}日"))
