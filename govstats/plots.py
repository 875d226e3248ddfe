"""Figures: functions that take the tidy frames of :mod:`govstats.analysis` and return matplotlib Figures.

- Figures are built with :class:`matplotlib.figure.Figure`, never through pyplot: nothing is shown,
  no backend is chosen, and a notebook displays a figure by leaving it as the cell's value or with
  ``display(fig)``. :func:`save_figure` writes PNG and SVG.
- Chinese text needs a CJK font: :func:`setup_fonts` registers one explicitly (Noto Sans CJK,
  Source Han Sans, WenQuanYi …) and puts it first in the sans-serif fallback chain.
- ``lang="zh"`` or ``"en"`` switches every title, label and legend (texts in
  ``codebook/plot_labels.csv``). Each outcome category, channel, result and status has one fixed,
  colour-blind-safe colour in every figure (``codebook/palette.csv``).
- Every figure carries a caption with its source and the caveats of the data (shares over stated
  categories, legacy years mapped through the crosswalk …); figures drawn from synthetic rows say
  so in the title and the caption. An empty selection gives a figure saying "no data".
"""
from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
import warnings
from pathlib import Path
from typing import Iterable, Optional, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from . import analysis as an
from .codebook import indicators as _indicators, read_csv

LANGS = ("zh", "en")

#: CJK families, preferred first (simplified-Chinese faces before the other regions')
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Noto Sans CJK TC", "Noto Sans CJK JP", "Source Han Sans", "Microsoft YaHei",
    "SimHei", "PingFang SC", "Heiti SC", "Droid Sans Fallback", "AR PL UMing CN",
)
#: where Debian / Ubuntu / Fedora put them (added explicitly when matplotlib's font cache predates them)
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
_CJK_FILE_RE = re.compile(r"notosanscjk|notosanssc|sourcehansans|wqy-|msyh|simhei|pingfang|droidsansfallback", re.I)

CAPTION_SIZE = 7.5
_CAPTION_UNITS = 150  # caption line width in half-width characters at 10 inches
_SYNTHETIC_COLOR = "#D55E00"
_MISSING_COLOR = "#F2F2F2"


class CJKFontWarning(UserWarning):
    """No CJK font could be found: Chinese text in figures would render as empty boxes."""


# --------------------------------------------------------------------------- fonts
@functools.lru_cache(maxsize=1)
def _register_font_files() -> int:
    """Add CJK font files from known paths and the system font folders to matplotlib (once)."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    found = [p for p in font_manager.findSystemFonts() if _CJK_FILE_RE.search(Path(p).name)]
    added = 0
    for path in dict.fromkeys([*CJK_FONT_FILES, *found]):
        if path in known or not Path(path).is_file():
            continue
        try:
            font_manager.fontManager.addfont(path)
            added += 1
        except (OSError, RuntimeError, ValueError):  # unreadable font file: try the next one
            continue
    return added


def _known_cjk_family() -> Optional[str]:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FAMILIES if n in names), None)


@functools.lru_cache(maxsize=1)
def cjk_family() -> Optional[str]:
    """The CJK font family used for figures, or None when the machine has none."""
    name = _known_cjk_family()
    if name is None and _register_font_files():
        name = _known_cjk_family()
    return name


def find_cjk_fonts() -> list[dict[str, str]]:
    """Every CJK font family matplotlib can use, with one file each (for ``govstats info``)."""
    _register_font_files()
    seen: dict[str, str] = {}
    for f in font_manager.fontManager.ttflist:
        if f.name in CJK_FAMILIES or _CJK_FILE_RE.search(Path(f.fname).name):
            seen.setdefault(f.name, f.fname)
    return [{"name": n, "path": p} for n, p in sorted(seen.items())]


@functools.lru_cache(maxsize=1)
def _warn_no_font() -> None:
    warnings.warn(
        "govstats.plots: no CJK font found; Chinese text in figures will be empty boxes. "
        "Install one (Debian: apt-get install fonts-noto-cjk) and restart Python.",
        CJKFontWarning, stacklevel=3,
    )


def setup_fonts() -> Optional[str]:
    """Put a CJK font first in matplotlib's sans-serif fallback chain; return its name or None.

    Idempotent and cheap: the search runs once, later calls only restore the rcParams if something
    reset them. Without a CJK font a :class:`CJKFontWarning` is issued once.
    """
    name = cjk_family()
    if name is None:
        _warn_no_font()
        return None
    chain = list(mpl.rcParams["font.sans-serif"])
    if not chain or chain[0] != name:
        mpl.rcParams["font.sans-serif"] = [name, "DejaVu Sans", *[f for f in chain if f not in (name, "DejaVu Sans")]]
    if list(mpl.rcParams["font.family"]) != ["sans-serif"]:
        mpl.rcParams["font.family"] = ["sans-serif"]
    return name


def _ipython_png() -> None:
    """Let IPython display a Figure as PNG even when pyplot (and with it the inline backend) is never
    imported, or when MPLBACKEND=Agg is exported: a display formatter only, no backend is chosen."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    try:
        shell.display_formatter.formatters["image/png"].lookup_by_type(Figure)
    except KeyError:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"})


# --------------------------------------------------------------------------- labels and colours
def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


@functools.lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], dict[str, str]]:
    return {(r["kind"], r["key"]): {"zh": r["zh"], "en": r["en"]} for r in read_csv("plot_labels.csv")}


_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])\s*")


def label(kind: str, key: object, lang: str = "zh") -> str:
    """Display label of a category, channel, result, status, edition, indicator … in ``lang``."""
    _check_lang(lang)
    row = _labels().get((kind, str(key)))
    if row:
        return row[lang]
    if kind == "indicator":
        return _indicator_label(str(key), lang)
    return str(key)


def _indicator_label(code: str, lang: str) -> str:
    """Short indicator label from the codebook: form numbering dropped, sub-rows prefixed with their group."""
    ind = _indicators().get(code)
    if ind is None:
        return code
    name = _ENUMERATOR.sub("", ind.label_zh.split(" | ")[0]) if lang == "zh" else ind.label_en
    parent = code.rsplit(".", 1)[0]
    if code.count(".") >= 2 and parent in _indicators() and lang == "zh":
        name = f"{label('indicator', parent, lang)}:{name}"
    return name


def text(key: str, lang: str = "zh", **fields: object) -> str:
    """An interface text of ``plot_labels.csv`` (kind ``text``) with its ``{fields}`` filled in."""
    return label("text", key, lang).format(**fields)


@functools.lru_cache(maxsize=1)
def _palette() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in read_csv("palette.csv"):
        out.setdefault(r["kind"], {})[r["key"]] = r["color"]
    return out


def palette(kind: str) -> dict[str, str]:
    """Fixed colours of one kind (``outcome``, ``channel``, ``result``, ``status`` …): key -> hex."""
    return dict(_palette().get(kind, {}))


def color(kind: str, key: object) -> str:
    return _palette().get(kind, {}).get(str(key), "#777777")


def _series_color(i: int) -> str:
    s = _palette()["series"]
    return s[str(i % len(s))]


def _text_color(hex_color: str) -> str:
    r, g, b = mpl.colors.to_rgb(hex_color)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


# --------------------------------------------------------------------------- figure frame
def _text_units(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _wrap(s: str, units: int) -> list[str]:
    """Wrap a caption line at ``units`` half-width characters (CJK counts 2), at spaces when possible."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\S+\s*|\s+", s):
        pieces = [token] if _text_units(token) <= units else list(token)
        for piece in pieces:
            if line and _text_units(line + piece.rstrip()) > units:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def is_synthetic(*frames: Optional[pd.DataFrame]) -> bool:
    """True when any row of the given frames is synthetic demo data."""
    return any(f is not None and "synthetic" in f.columns and bool(f["synthetic"].fillna(False).any()) for f in frames)


def _frame(width: float, height: float, title: str, lang: str, table: str, notes: Iterable[str] = (),
           synthetic: bool = False) -> tuple[Figure, SubFigure]:
    """A figure of ``width`` x ``height`` inches for the content plus a caption strip below it.

    Returns the figure and the sub-figure to draw in (its title is set). The caption states the
    source table and the caveats ``notes``; synthetic data is said in the title and the caption.
    """
    setup_fonts()
    _ipython_png()
    units = int(_CAPTION_UNITS * width / 10)
    lines: list[str] = []
    for note in [text("source", lang, table=table), *[n for n in notes if n]]:
        lines += _wrap(note, units)
    line_in = CAPTION_SIZE * 1.4 / 72
    caption_in = (len(lines) + (1 if synthetic else 0)) * line_in + 0.12
    fig = Figure(figsize=(width, height + caption_in), layout="constrained")
    body, caption = fig.subfigures(2, 1, height_ratios=(height, caption_in), hspace=0)
    if synthetic:
        title = f"{title} · {text('synthetic_short', lang)}"
    body.suptitle(title, fontsize=12, fontweight="bold")
    y = 0.04 * line_in / caption_in
    if synthetic:
        caption.text(0.01, y, text("synthetic", lang), fontsize=CAPTION_SIZE + 0.5, fontweight="bold",
                     color=_SYNTHETIC_COLOR, ha="left", va="bottom")
        y += line_in / caption_in
    caption.text(0.01, y, "\n".join(lines), fontsize=CAPTION_SIZE, color="#333333", ha="left", va="bottom",
                 linespacing=1.25)
    return fig, body


def _empty_axes(ax: Axes, lang: str, detail: Optional[str] = None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#CCCCCC")
    ax.text(0.5, 0.55, text("no_data", lang), ha="center", va="center", fontsize=14, color="#555555",
            transform=ax.transAxes)
    ax.text(0.5, 0.35, detail or text("no_data_detail", lang), ha="center", va="center", fontsize=9,
            color="#777777", transform=ax.transAxes, wrap=True)


def no_data_figure(lang: str = "zh", title: Optional[str] = None, detail: Optional[str] = None,
                   table: str = "data/processed") -> Figure:
    """A small figure saying that the selection has no data (instead of raising)."""
    _check_lang(lang)
    fig, body = _frame(8, 2.6, title or text("no_data", lang), lang, table)
    _empty_axes(body.add_subplot(), lang, detail)
    return fig


def save_figure(fig: Figure, out_dir: str | Path, name: str, formats: Sequence[str] = ("png", "svg"),
                dpi: int = 150) -> list[Path]:
    """Write ``fig`` as ``out_dir/name.png`` and ``.svg`` (directories created); return the paths.

    The layout is solved once, at the first file: later files and the notebook display reuse it.
    With the environment variable ``GOVSTATS_FIGURES_DIR`` set, figures go to
    ``$GOVSTATS_FIGURES_DIR/<last part of out_dir>`` instead (``make test`` runs the notebooks
    that way, so a test run never overwrites the figures of ``make demo`` under ``reports/``).
    """
    redirect = os.environ.get("GOVSTATS_FIGURES_DIR")
    out = Path(redirect) / Path(out_dir).name if redirect else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[\\/:*?\"<>|\s]+", "_", name).strip("_") or "figure"
    paths = []
    for fmt in formats:
        p = out / f"{stem}.{fmt}"
        fig.savefig(p, dpi=dpi, format=fmt)
        fig.set_layout_engine("none")
        paths.append(p)
    return paths


# --------------------------------------------------------------------------- stacked distributions
def _group_label(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _wide(agg: pd.DataFrame, by: str, column: str, categories: Sequence[str]) -> pd.DataFrame:
    w = agg.pivot_table(index=by, columns="category", values=column, aggfunc="first", observed=False, dropna=False)
    return w.reindex(columns=list(categories)).astype("float64")


def _present_categories(agg: pd.DataFrame, categories: Sequence[str]) -> list[str]:
    stated = set(agg.loc[agg["count"].notna(), "category"].astype(str))
    return [c for c in categories if c in stated]


def _stacked(ax: Axes, wide: pd.DataFrame, kind: str, lang: str, vertical: bool, share: bool,
             hatched: Sequence[bool] = (), marked: Sequence[bool] = ()) -> None:
    """Stacked bars of ``wide`` (rows = groups, columns = categories); NA segments have no length.

    ``hatched`` rows (crosswalk years) are hatched; ``marked`` rows (synthetic groups) get a mark in their label.
    """
    pos = np.arange(len(wide))
    base = np.zeros(len(wide))
    hatched = list(hatched) or [False] * len(wide)
    for cat in wide.columns:
        vals = wide[cat].to_numpy(dtype=float)
        length = np.where(np.isnan(vals), 0.0, vals)
        col = color(kind, cat)
        draw = ax.bar if vertical else ax.barh
        kw = {"bottom": base} if vertical else {"left": base}
        bars = draw(pos, length, 0.7, color=col, edgecolor="white", linewidth=0.6, label=label(kind, cat, lang), **kw)
        for bar, h in zip(bars, hatched):
            if h:
                bar.set_hatch("///")
                bar.set_edgecolor("#FFFFFF")
        if share:
            labels = [f"{v:.0%}" if v >= 0.07 else "" for v in length]
            ax.bar_label(bars, labels=labels, label_type="center", fontsize=7, color=_text_color(col))
        base = base + length
    marks = list(marked) or [False] * len(wide)
    ticks = [_group_label(i) + (f" {text('synthetic_mark', lang)}" if m else "") for i, m in zip(wide.index, marks)]
    if vertical:
        ax.set_xticks(pos, ticks)
        ax.set_xlim(-0.6, len(wide) - 0.4)
    else:
        ax.set_yticks(pos, ticks)
        ax.set_ylim(len(wide) - 0.4, -0.6)
    axis = ax.yaxis if vertical else ax.xaxis
    if share:
        (ax.set_ylim if vertical else ax.set_xlim)(0, 1)
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        _count_axis(axis)
    ax.grid(axis="y" if vertical else "x", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _count_axis(axis: mpl.axis.Axis, nbins: int = 5) -> None:
    """Integer ticks with thousands separators, few enough not to collide."""
    axis.set_major_locator(MaxNLocator(nbins=nbins, integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _annotate_totals(ax: Axes, totals: np.ndarray, n_missing: np.ndarray, vertical: bool, lang: str) -> None:
    """Write n (and the number of unstated categories) at the end of each count bar."""
    top = np.nanmax(totals) if np.isfinite(totals).any() else 0
    for i, (t, m) in enumerate(zip(totals, n_missing)):
        s = "" if np.isnan(t) else f"{int(t) if float(t).is_integer() else t:,}"
        if m:
            s = f"{s} ({text('note_missing', lang, n=int(m))})" if s else text("note_missing", lang, n=int(m))
        if not s:
            continue
        t = 0 if np.isnan(t) else t
        if vertical:
            ax.text(i, t + top * 0.02, s, ha="center", va="bottom", fontsize=7, color="#333333")
        else:
            ax.text(t + top * 0.01, i, " " + s, ha="left", va="center", fontsize=7, color="#333333")
    if vertical:
        ax.set_ylim(0, max(top * 1.15, 1))
    else:
        ax.set_xlim(0, max(top * 1.3, 1))


def _legend(fig: Figure | SubFigure, kind: str, cats: Sequence[str], lang: str, extra: Sequence[Patch] = ()) -> None:
    handles = [Patch(facecolor=color(kind, c), edgecolor="white", label=label(kind, c, lang)) for c in cats]
    handles += list(extra)
    widest = max(_text_units(h.get_label()) for h in handles)
    entry_in = widest * 8 * 0.6 / 72 + 0.55  # text at 8 pt plus the colour key and spacing
    ncols = max(1, min(len(handles), int(fig.figure.get_figwidth() * 0.95 // entry_in)))
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols, fontsize=8, frameon=False)


def _distribution(counts: pd.DataFrame, kind: str, categories: Sequence[str], by: str, vertical: bool, lang: str,
                  title: str, table: str, notes: list[str]) -> Figure:
    """Shares (left/top) and counts (right/bottom) per group of ``by``, stacked by category."""
    _check_lang(lang)
    if not len(counts) or counts["count"].notna().sum() == 0:
        return no_data_figure(lang, title, table=table)
    counts = counts.assign(**{by: counts[by].astype(object).where(counts[by].notna(), text("unknown", lang))})
    agg = an.aggregate_counts(counts, [by])
    stated = agg.groupby(by, observed=True)["count"].transform(lambda c: c.notna().any()).astype(bool)
    agg = agg[stated]  # a group without any stated count (a year of prose only) carries nothing to draw
    cats = _present_categories(agg, categories)
    shares = _wide(agg, by, "share", cats)
    nums = _wide(agg, by, "count", cats)
    n_missing = agg.groupby(by, sort=True, observed=True)["n_missing"].first().reindex(shares.index).to_numpy()
    crosswalk = (agg.groupby(by, sort=True, observed=True)["crosswalk"].any().reindex(shares.index).to_numpy()
                 if "crosswalk" in agg.columns else np.zeros(len(shares), bool))
    n = len(shares)
    size = (max(7.0, 1.1 + 0.7 * n), 7.4) if vertical else (10, 2.4 + 0.42 * n)
    fig, body = _frame(*size, title, lang, table, notes, is_synthetic(counts))
    ax_s, ax_c = body.subplots(2, 1, sharex=True) if vertical else body.subplots(1, 2, sharey=True)
    synthetic = (agg.groupby(by, sort=True, observed=True)["synthetic"].any().reindex(shares.index).to_numpy()
                 if "synthetic" in agg.columns and by != "year" else ())
    _stacked(ax_s, shares, kind, lang, vertical, share=True, hatched=crosswalk, marked=synthetic)
    _stacked(ax_c, nums, kind, lang, vertical, share=False, hatched=crosswalk, marked=synthetic)
    totals = nums.sum(axis=1, min_count=1).to_numpy(dtype=float)
    _annotate_totals(ax_c, totals, n_missing, vertical, lang)
    if by == "year":  # sums over agencies: say how many agencies each year holds
        n_units = agg.groupby(by, sort=True, observed=True)["n_units"].max().reindex(shares.index).fillna(0)
        ax_c.set_xticks(np.arange(n), [f"{_group_label(y)}\n{text('n_agencies', lang, n=int(k))}"
                                       for y, k in zip(shares.index, n_units)])
    ax_s.set_title(text("panel_shares", lang), fontsize=10, loc="left", pad=14 if crosswalk.any() else 6)
    ax_c.set_title(text("panel_counts", lang), fontsize=10, loc="left")
    unit = text("items" if kind == "channel" else "count", lang)
    if vertical:
        ax_s.set_ylabel(text("share", lang))
        ax_c.set_ylabel(unit)
        ax_c.set_xlabel(text("year", lang) if by == "year" else "")
        for i, cw in enumerate(crosswalk):
            if cw:
                ax_s.text(i, 1.01, text("crosswalk_mark", lang), ha="center", va="bottom", fontsize=7,
                          color="#444444", transform=ax_s.get_xaxis_transform())
    else:
        ax_s.set_xlabel(text("share", lang))
        ax_c.set_xlabel(unit)
    extra = [Patch(facecolor="#BBBBBB", hatch="///", edgecolor="white", label=text("crosswalk_mark", lang))] \
        if crosswalk.any() else []
    _legend(body, kind, cats, lang, extra)
    return fig


Judgements = Sequence[tuple[str, Sequence[str]]]


def _crosswalk_notes(counts: pd.DataFrame, judgements: Judgements, lang: str) -> list[str]:
    if "crosswalk" not in counts.columns or not counts["crosswalk"].any():
        return []
    years = sorted({int(y) for y in counts.loc[counts["crosswalk"].astype(bool), "year"]})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    notes = [text("note_crosswalk", lang, years=span)]
    described = []
    for target, parts in judgements:
        sources = [c for c in parts if c != target] or [target]
        src = "、".join(f"“{label('indicator', c, lang)}”" for c in sources) if lang == "zh" else \
            " + ".join(label("indicator", c, lang) for c in sources)
        described.append(text("note_counted_as", lang, src=src, dst=label("indicator", target, lang)))
    if described:
        notes.append(text("note_judgement", lang, rules="; ".join(dict.fromkeys(described))))
    return notes


def outcome_distribution(counts: pd.DataFrame, by: str = "agency", lang: str = "zh",
                         title: Optional[str] = None) -> Figure:
    """Outcome shares and counts per ``by`` group (agency by default), stacked by 2019+ category.

    ``counts``: :func:`govstats.analysis.outcome_counts` (or the harmonized variant); counts are
    summed over the other dimensions (e.g. years) first.
    """
    notes = [text("note_shares", lang)]
    if not ("crosswalk" in counts.columns and counts["crosswalk"].any()):
        notes.append(text("note_legacy_excluded", lang))
    table = "harmonized.parquet" if "quality" in counts.columns else "values.parquet"
    return _distribution(counts, "outcome", an.OUTCOME_CATEGORIES, by, False, lang,
                         title or text("title_outcomes", lang), table, notes)


def cross_year_outcomes(counts: pd.DataFrame, lang: str = "zh", judgements: Judgements = (),
                        title: Optional[str] = None) -> Figure:
    """Outcome shares (top) and counts (bottom) by year, summed over agencies.

    Years shown through the crosswalk (``crosswalk`` true, from
    :func:`govstats.analysis.harmonized_outcome_counts`) are hatched, marked and explained in the
    caption; ``judgements`` are the judgement mappings used (:func:`govstats.analysis.crosswalk_judgements`).
    """
    notes = [text("note_shares", lang)] + _crosswalk_notes(counts, judgements, lang)
    if not ("crosswalk" in counts.columns and counts["crosswalk"].any()):
        notes.append(text("note_legacy_excluded", lang))
    table = "harmonized.parquet" if "quality" in counts.columns else "values.parquet"
    return _distribution(counts, "outcome", an.OUTCOME_CATEGORIES, "year", True, lang,
                         title or text("title_outcomes_years", lang), table, notes)


def channel_mix(counts: pd.DataFrame, by: str = "agency", lang: str = "zh", title: Optional[str] = None) -> Figure:
    """Proactive-disclosure channel shares and counts per agency (``counts``: :func:`govstats.analysis.channel_counts`)."""
    return _distribution(counts, "channel", an.CHANNELS, by, False, lang, title or text("title_channels", lang),
                         "values.parquet", [text("note_channels", lang), text("note_shares", lang)])


def channel_mix_over_time(counts: pd.DataFrame, lang: str = "zh", title: Optional[str] = None) -> Figure:
    """Channel shares and counts by year (all agencies in ``counts`` summed; filter for one agency)."""
    return _distribution(counts, "channel", an.CHANNELS, "year", True, lang,
                         title or text("title_channels_years", lang), "values.parquet",
                         [text("note_channels", lang), text("note_shares", lang)])


# --------------------------------------------------------------------------- review and litigation
def _draw_review(ax: Axes, rl: pd.DataFrame, by: str, lang: str) -> bool:
    """Stacked results per group; groups stating only a total get a hatched outline bar. False if empty."""
    parts = rl[rl["result"].isin(an.RESULTS)]
    totals = rl[rl["result"] == "total"]
    groups = sorted(set(rl.loc[rl["count"].notna(), by]))
    if not groups:
        return False
    wide = (parts.groupby([by, "result"])["count"].sum(min_count=1).unstack("result")
            .reindex(index=groups, columns=list(an.RESULTS)).astype("float64"))
    tot = totals.groupby(by)["count"].sum(min_count=1).reindex(groups).to_numpy(dtype=float)
    _stacked(ax, wide, "result", lang, vertical=True, share=False)
    parts_sum = wide.sum(axis=1, min_count=1).to_numpy(dtype=float)
    only_total = np.isnan(parts_sum) & ~np.isnan(tot)
    if only_total.any():
        ax.bar(np.arange(len(groups))[only_total], tot[only_total], 0.7, facecolor="none", edgecolor="#555555",
               hatch="...", linewidth=0.8)
    shown = np.where(np.isnan(parts_sum), tot, np.fmax(parts_sum, np.nan_to_num(tot, nan=-1)))
    _annotate_totals(ax, shown, np.zeros(len(groups), int), True, lang)
    ax.set_ylabel(text("cases", lang))
    return True


def review_litigation(rl: pd.DataFrame, by: str = "year", lang: str = "zh", title: Optional[str] = None) -> Figure:
    """Administrative review (left) and litigation (right) by result, per year or agency.

    ``rl``: :func:`govstats.analysis.review_litigation` (combined litigation).
    """
    _check_lang(lang)
    title = title or text("title_review", lang)
    if not len(rl) or rl["count"].notna().sum() == 0:
        return no_data_figure(lang, title, table="values.parquet")
    n = rl[by].nunique()
    fig, body = _frame(max(9.0, 2.0 + 0.9 * n), 4.6, title, lang, "values.parquet", [text("note_litigation", lang)],
                       is_synthetic(rl))
    axes = body.subplots(1, 2)
    for ax, proc in zip(axes, ("review", "litigation")):
        ax.set_title(label("procedure", proc, lang), fontsize=10, loc="left")
        if not _draw_review(ax, rl[rl["procedure"] == proc], by, lang):
            _empty_axes(ax, lang)
        if by == "year":
            ax.set_xlabel(text("year", lang))
    stated = [r for r in an.RESULTS if rl.loc[(rl["result"] == r), "count"].notna().any()]
    extra = [Patch(facecolor="none", edgecolor="#555555", hatch="...", label=text("note_total_only", lang))] \
        if _has_total_only(rl, by) else []
    _legend(body, "result", stated, lang, extra)
    return fig


def _has_total_only(rl: pd.DataFrame, by: str) -> bool:
    keys = [by, "procedure"]
    parts = rl[rl["result"].isin(an.RESULTS) & rl["count"].notna()][keys].drop_duplicates()
    totals = rl[(rl["result"] == "total") & rl["count"].notna()][keys].drop_duplicates()
    return len(totals.merge(parts, how="left", indicator=True).query("_merge == 'left_only'")) > 0


# --------------------------------------------------------------------------- lines
def _draw_lines(ax: Axes, frame: pd.DataFrame, hue: str, hue_label: str, lang: str, colors: Optional[dict] = None,
                labels: Optional[dict] = None) -> None:
    """One line per ``hue`` value over ``year``, broken where a year is missing; points of legacy-form
    years are hollow; synthetic agencies are marked.

    With ``labels`` the lines follow its order and get distinct dash patterns (equal series stay visible).
    """
    groups = dict(list(frame.sort_values("year").groupby(hue, sort=False)))
    order = [k for k in (labels or {}) if k in groups] + [k for k in groups if k not in (labels or {})]
    for i, key in enumerate(order):
        g = groups[key]
        g = g[g["value"].notna()]
        if not len(g):
            continue
        col = (colors or {}).get(key) or _series_color(i)
        name = (labels or {}).get(key) or str(g[hue_label].iloc[0])
        if is_synthetic(g) and hue == "agency_key":
            name = f"{name} {text('synthetic_mark', lang)}"
        if labels:  # measures of one agency: dashes tell apart lines that coincide
            style, marker = ("-", "--", "-.", ":")[i % 4], "o"
        else:  # agencies: once the colours repeat, the dash and the marker change
            variant = (i // len(_palette()["series"])) % 4
            style, marker = ("-", "--", "-.", ":")[variant], ("o", "s", "^", "D")[variant]
        years = g["year"].astype(int)
        line = g.assign(year=years).groupby("year")["value"].first().astype(float)
        line = line.reindex(range(years.min(), years.max() + 1))  # a missing year breaks the line
        ax.plot(line.index, line.to_numpy(), color=col, marker=marker, markersize=4.5, linewidth=1.6,
                linestyle=style, label=name)
        if "edition" in g.columns:
            old = g[(g["edition"] == "legacy").fillna(False).astype(bool)]
            if len(old):
                ax.plot(old["year"].astype(float), old["value"].astype(float), linestyle="none", marker=marker,
                        markersize=4.5, markerfacecolor="white", markeredgecolor=col)
    _year_axis(ax, frame["year"])
    ax.grid(color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _year_axis(ax: Axes, years: pd.Series, max_ticks: int = 12) -> None:
    """Whole years only, at most ``max_ticks`` of them (every year when there are few)."""
    ys = sorted({int(y) for y in years.dropna()})
    if not ys:
        return
    step = -(-(ys[-1] - ys[0] + 1) // max_ticks)
    ax.set_xticks(range(ys[0], ys[-1] + 1, step))
    ax.set_xlim(ys[0] - 0.5, ys[-1] + 0.5)


def _form_change_line(ax: Axes, years: pd.Series, lang: str) -> None:
    if len(years) and years.min() < an.MODERN_FROM_YEAR <= years.max():
        x = an.MODERN_FROM_YEAR - 0.5
        ax.axvline(x, color="#888888", linestyle=":", linewidth=1)
        ax.text(x, 1.0, text("form_change", lang), transform=ax.get_xaxis_transform(), fontsize=7,
                color="#555555", ha="center", va="bottom")


def _value_axis(ax: Axes, values: pd.Series, unit: Optional[str], nbins: int = 6) -> None:
    """Y axis from 0 (or the lowest negative value) with integer ticks for counts; a flat series stays readable."""
    v = values.dropna().astype(float)
    lo = min(0.0, float(v.min())) if len(v) else 0.0
    hi = float(v.max()) if len(v) else 1.0
    ax.set_ylim(lo - 0.04 * (hi - lo or 1), max(hi * 1.08, lo + 1))
    if unit == "万元":
        ax.yaxis.set_major_locator(MaxNLocator(nbins=nbins))
    else:
        _count_axis(ax.yaxis, nbins)


def _unit_of(code: str) -> Optional[str]:
    ind = _indicators().get(code)
    return ind.unit if ind else None


def indicator_over_years(series: pd.DataFrame, indicator: str, lang: str = "zh", title: Optional[str] = None) -> Figure:
    """One indicator over the years, a line per agency (``series``: :func:`govstats.analysis.indicator_series`)."""
    _check_lang(lang)
    name = label("indicator", indicator, lang)
    s = series[(series["indicator"] == indicator) & series["value"].notna()] if len(series) else series
    if not len(s):
        return no_data_figure(lang, title or name, table="values.parquet")
    n_agencies = s["agency_key"].nunique()
    notes = [text("note_legacy_points", lang)] if "edition" in s.columns and (s["edition"] == "legacy").any() else []
    fig, body = _frame(9, 4.4 + 0.18 * max(0, n_agencies - 4), title or name, lang, "values.parquet", notes,
                       is_synthetic(s))
    ax = body.add_subplot()
    _draw_lines(ax, s, "agency_key", "agency", lang)
    _form_change_line(ax, s["year"], lang)
    unit = _unit_of(indicator)
    ax.set_ylabel(f"{name}({unit})" if lang == "zh" and unit else f"{name} ({unit})" if unit else name)
    ax.set_xlabel(text("year", lang))
    _value_axis(ax, s["value"], unit)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def indicator_panels(series: pd.DataFrame, lang: str = "zh", indicators: an.IndicatorSpec = None, ncols: int = 4,
                     title: Optional[str] = None) -> Figure:
    """Small multiples: every stated indicator of ``series`` (usually one agency) over the years."""
    _check_lang(lang)
    s = series[an.match_indicators(series["indicator"], indicators) & series["value"].notna()] if len(series) else series
    title = title or text("title_indicators", lang, agency=_one_agency(series))
    if not len(s):
        return no_data_figure(lang, title, table="values.parquet")
    order = {c: i for i, c in enumerate(_indicators())}
    codes = sorted(s["indicator"].unique(), key=lambda c: order.get(c, len(order)))
    nrows = -(-len(codes) // ncols)
    notes = [text("note_legacy_points", lang)] if "edition" in s.columns and (s["edition"] == "legacy").any() else []
    fig, body = _frame(10, 1.0 + 1.9 * nrows, title, lang, "values.parquet", notes, is_synthetic(s))
    axes = np.atleast_1d(body.subplots(nrows, ncols, squeeze=False)).ravel()
    years = s["year"]
    for ax, code in zip(axes, codes):
        _draw_lines(ax, s[s["indicator"] == code], "agency_key", "agency", lang)
        unit = _unit_of(code)
        name = label("indicator", code, lang)
        heading = _wrap(name, 26 if lang == "zh" else 30)
        ax.set_title("\n".join(heading[:2]) + (f" ({unit})" if unit else ""), fontsize=7.5, loc="left")
        ax.tick_params(labelsize=7)
        _year_axis(ax, years, max_ticks=6)
        _value_axis(ax, s.loc[s["indicator"] == code, "value"], unit, nbins=4)
    for ax in axes[len(codes):]:
        ax.set_visible(False)
    return fig


def _one_agency(frame: pd.DataFrame) -> str:
    names = list(dict.fromkeys(frame["agency"].dropna())) if len(frame) and "agency" in frame.columns else []
    return names[0] if len(names) == 1 else (f"{names[0]} …" if names else "")


# --------------------------------------------------------------------------- agency profile
def agency_profile(values: pd.DataFrame, reports: pd.DataFrame, agency_key: str, lang: str = "zh",
                   harmonized: Optional[pd.DataFrame] = None, title: Optional[str] = None) -> Figure:
    """Four panels for one agency over its years: request volumes, outcome shares, channel mix, review and litigation.

    Outcome shares of legacy years appear only when ``harmonized`` is given (through the crosswalk).
    """
    _check_lang(lang)
    v = values[values["agency_key"] == agency_key] if len(values) else values
    r = reports[reports["agency_key"] == agency_key] if len(reports) else reports
    name = _one_agency(r) or _one_agency(v) or agency_key
    title = title or text("title_profile", lang, agency=name)
    if not len(v):
        return no_data_figure(lang, title, table="values.parquet")
    h = harmonized[harmonized["agency_key"] == agency_key] if harmonized is not None and len(harmonized) else None
    oc = an.harmonized_outcome_counts(h) if h is not None else an.outcome_counts(v, r)
    years = sorted(set(v["year"].dropna().astype(int)))
    notes = [text("note_shares", lang), text("note_channels", lang)] + _crosswalk_notes(
        oc, an.crosswalk_judgements(h) if h is not None else (), lang)
    if h is None:
        notes.append(text("note_legacy_excluded", lang))
    table = "values.parquet" if h is None else "values.parquet, harmonized.parquet"
    fig, body = _frame(11, 7.6, title, lang, table, notes, is_synthetic(v))
    (ax_req, ax_out), (ax_ch, ax_rev) = body.subplots(2, 2)

    req = an.request_volumes(v, r)
    ax_req.set_title(text("title_requests", lang), fontsize=10, loc="left")
    if req["value"].notna().any():
        _draw_lines(ax_req, req, "measure", "measure", lang, colors=palette("measure"),
                    labels={m: label("measure", m, lang) for m in an.REQUEST_VOLUMES})
        _crowded_years(ax_req, len(years))
        ax_req.set_ylabel(text("count", lang))
        _value_axis(ax_req, req["value"], "件")
        _year_axis(ax_req, pd.Series(years))
        ax_req.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _empty_axes(ax_req, lang)

    _profile_shares(ax_out, oc, "outcome", an.OUTCOME_CATEGORIES, years, text("title_outcomes", lang), lang)
    _profile_shares(ax_ch, an.channel_counts(v), "channel", an.CHANNELS, years, text("title_channels", lang), lang)

    ax_rev.set_title(text("title_review", lang), fontsize=10, loc="left")
    rl = an.review_litigation(v)
    rl = rl.assign(group=rl["procedure"].map(lambda p: label("procedure", p, lang)))
    if rl["count"].notna().any():
        _draw_review_by_year(ax_rev, rl, lang)
    else:
        _empty_axes(ax_rev, lang)
    return fig


def _profile_shares(ax: Axes, counts: pd.DataFrame, kind: str, categories: Sequence[str], years: list[int],
                    title: str, lang: str) -> None:
    ax.set_title(title, fontsize=10, loc="left")
    if not len(counts) or counts["count"].notna().sum() == 0:
        _empty_axes(ax, lang)
        return
    agg = an.aggregate_counts(counts, ["year"])
    cats = _present_categories(agg, categories)
    shares = _wide(agg, "year", "share", cats).reindex(years)
    crosswalk = (agg.groupby("year")["crosswalk"].any().reindex(years).fillna(False).to_numpy(bool)
                 if "crosswalk" in agg.columns else ())
    _stacked(ax, shares, kind, lang, vertical=True, share=True, hatched=crosswalk)
    _crowded_years(ax, len(years))
    ax.set_ylabel(text("share", lang))
    handles = [Patch(facecolor=color(kind, c), label=label(kind, c, lang)) for c in cats]
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _crowded_years(ax: Axes, n: int, limit: int = 6) -> None:
    """Slant the year labels of a half-width panel when there are more than ``limit``."""
    if n > limit:
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)


def _draw_review_by_year(ax: Axes, rl: pd.DataFrame, lang: str) -> None:
    """Totals per year, one bar per procedure side by side (review / litigation)."""
    procs = [p for p in ("review", "litigation") if (rl["procedure"] == p).any()]
    tot = rl[rl["result"] == "total"]
    parts = rl[rl["result"].isin(an.RESULTS)].groupby(["year", "procedure"])["count"].sum(min_count=1)
    stated = tot.groupby(["year", "procedure"])["count"].sum(min_count=1)
    total = stated.combine_first(parts)
    years = sorted(set(rl["year"]))
    width = 0.8 / max(len(procs), 1)
    for j, proc in enumerate(procs):
        vals = np.array([total.get((y, proc), np.nan) for y in years], dtype=float)
        x = np.arange(len(years)) + (j - (len(procs) - 1) / 2) * width
        bars = ax.bar(x, np.nan_to_num(vals), width, color=_series_color(j), label=label("procedure", proc, lang))
        ax.bar_label(bars, labels=["" if np.isnan(v) else f"{int(v)}" for v in vals], fontsize=7)
    ax.set_xticks(np.arange(len(years)), [str(y) for y in years])
    _crowded_years(ax, len(years))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(text("cases", lang))
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --------------------------------------------------------------------------- corpus quality
def corpus_quality(manifest: pd.DataFrame, reports: pd.DataFrame, values: pd.DataFrame, checks: pd.DataFrame,
                   lang: str = "zh", max_rules: int = 20, title: Optional[str] = None) -> Figure:
    """Manifest status, extraction coverage by edition (heat map) and checks failing by rule."""
    _check_lang(lang)
    title = title or text("title_quality", lang)
    if not len(manifest) and not len(reports):
        return no_data_figure(lang, title, table="manifest.parquet")
    summary = an.check_summary(checks) if len(checks) else an.check_summary(checks)
    problem = summary[(summary["fail"] + summary["uncertain"]) > 0].head(max_rules)
    n_rules = max(len(problem), 1)
    fig, body = _frame(11, 4.8 + 0.28 * n_rules, title, lang,
                       "manifest.parquet, reports.parquet, values.parquet, checks.parquet",
                       [text("note_coverage", lang)], is_synthetic(reports, values, checks))
    grid = body.add_gridspec(2, 2, width_ratios=(1, 2.4), height_ratios=(3.2, 0.9 + 0.28 * n_rules))
    ax_m, ax_cov, ax_chk = body.add_subplot(grid[0, 0]), body.add_subplot(grid[0, 1]), body.add_subplot(grid[1, :])

    ms = an.manifest_summary(manifest) if len(manifest) else pd.DataFrame(columns=["status", "n_files"])
    ax_m.set_title(text("title_manifest", lang), fontsize=10, loc="left")
    if len(ms):
        bars = ax_m.barh(np.arange(len(ms)), ms["n_files"], color=[color("status", s) for s in ms["status"]])
        ax_m.bar_label(bars, fontsize=8, padding=2)
        ax_m.set_yticks(np.arange(len(ms)), [label("status", s, lang) for s in ms["status"]])
        ax_m.invert_yaxis()
        ax_m.set_xlabel(text("n_files", lang))
        ax_m.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_m.set_xlim(0, max(ms["n_files"].max() * 1.25, 1))
        for side in ("top", "right"):
            ax_m.spines[side].set_visible(False)
    else:
        _empty_axes(ax_m, lang)

    ax_cov.set_title(text("title_coverage", lang), fontsize=10, loc="left")
    if len(reports) and len(values):
        _draw_coverage(body, ax_cov, an.coverage_by_edition(reports, values), lang)
    else:
        _empty_axes(ax_cov, lang)

    ax_chk.set_title(text("title_checks", lang), fontsize=10, loc="left")
    if len(problem):
        _draw_checks(ax_chk, problem, lang)
    else:
        _empty_axes(ax_chk, lang)
    return fig


def _draw_coverage(fig: SubFigure, ax: Axes, cov: pd.DataFrame, lang: str) -> None:
    editions = [e for e in ("legacy", "gov2019", "gov2021", "narrative", "unknown") if e in set(cov["edition"])]
    editions += sorted(set(cov["edition"]) - set(editions))
    groups = list(dict.fromkeys(cov["group"]))
    mat = cov.pivot(index="edition", columns="group", values="share").reindex(index=editions, columns=groups)
    n = cov.groupby("edition")["n_reports"].first()
    im = ax.imshow(mat.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=1, aspect="auto")
    for i in range(len(editions)):
        for j in range(len(groups)):
            v = mat.iat[i, j]
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7,
                    color="black" if v > 0.55 else "white")
    ax.set_yticks(np.arange(len(editions)), [f"{label('edition', e, lang)} (n={int(n[e])})" for e in editions],
                  fontsize=8)
    ax.set_xticks(np.arange(len(groups)), [label("group", g, lang) for g in groups], fontsize=8, rotation=35,
                  ha="right")
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, format=PercentFormatter(1.0, decimals=0))
    cb.set_label(text("coverage_cell", lang), fontsize=8)
    cb.ax.tick_params(labelsize=7)


def _draw_checks(ax: Axes, problem: pd.DataFrame, lang: str) -> None:
    pos = np.arange(len(problem))
    left = np.zeros(len(problem))
    for status in [s for s in an.PROBLEM_STATUSES if problem[s].sum() > 0]:
        vals = problem[status].to_numpy(dtype=float)
        ax.barh(pos, vals, left=left, color=color("check_status", status), label=label("check_status", status, lang))
        left += vals
    totals = problem[list(an.CHECK_STATUSES)].sum(axis=1).to_numpy()
    for i, (shown, total) in enumerate(zip(left, totals)):
        ax.text(shown, i, f" {int(shown)} / {int(total)}", va="center", fontsize=7, color="#333333")
    ax.set_yticks(pos, problem["check"].tolist(), fontsize=8)
    ax.set_ylim(len(problem) - 0.4, -0.6)
    ax.set_xlim(0, max(left.max() * 1.2, 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text("check_results", lang))
    ax.legend(fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


__all__ = [
    "LANGS", "CJKFontWarning", "setup_fonts", "cjk_family", "find_cjk_fonts", "label", "text", "palette", "color",
    "is_synthetic", "no_data_figure", "save_figure", "outcome_distribution", "cross_year_outcomes", "channel_mix",
    "channel_mix_over_time", "review_litigation", "indicator_over_years", "indicator_panels", "agency_profile",
    "corpus_quality",
]
