"""govstats.plots: every chart returns a Figure, renders Chinese without missing glyphs, says "no data"
when empty, marks synthetic data and legacy-year crosswalks, and keeps one colour per category."""
from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from govstats import analysis as an
from govstats import plots as pl
from .test_analysis import KEYS, make_frames

D_KEY = KEYS["示例市人民政府"]
A_KEY = KEYS["南通市海门区市场监督管理局"]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return make_frames()


def _texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


def _real(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames without their synthetic rows."""
    return {k: (f[~f["synthetic"]] if "synthetic" in f.columns else f) for k, f in frames.items()}


def _figures(f: dict[str, pd.DataFrame], lang: str) -> dict[str, Figure]:
    v, r, h = f["values"], f["reports"], f["harmonized"]
    series = an.indicator_series(v, reports=r)
    return {
        "outcome_distribution": pl.outcome_distribution(an.outcome_counts(v, r), lang=lang),
        "cross_year_outcomes": pl.cross_year_outcomes(an.harmonized_outcome_counts(h), lang=lang,
                                                      judgements=an.crosswalk_judgements(h)),
        "channel_mix": pl.channel_mix(an.channel_counts(v), lang=lang),
        "channel_mix_over_time": pl.channel_mix_over_time(an.channel_counts(v), lang=lang),
        "review_litigation": pl.review_litigation(an.review_litigation(v), lang=lang),
        "corpus_quality": pl.corpus_quality(f["manifest"], r, v, f["checks"], lang=lang),
        "indicator_over_years": pl.indicator_over_years(series, "requests.new", lang=lang),
        "indicator_panels": pl.indicator_panels(series[series["agency_key"] == A_KEY], lang=lang),
        "agency_profile": pl.agency_profile(v, r, A_KEY, lang=lang, harmonized=h),
        "no_data_figure": pl.no_data_figure(lang),
    }


@pytest.mark.parametrize("lang", pl.LANGS)
def test_every_plot_returns_a_figure(frames, lang) -> None:
    figs = _figures(frames, lang)
    assert set(figs) == {n for n in pl.__all__ if n in figs}  # every listed chart is exercised by name
    for name, fig in figs.items():
        assert isinstance(fig, Figure), name
        assert fig.axes, name
        assert fig.texts or any(sf.texts for sf in fig.subfigs), name  # caption


def test_chinese_text_renders_without_missing_glyphs(frames, tmp_path: Path) -> None:
    assert pl.setup_fonts() is not None, "no CJK font: install fonts-noto-cjk"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, fig in _figures(frames, "zh").items():
            pl.save_figure(fig, tmp_path, name, formats=("png",))
    problems = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not problems, problems[:3]
    assert (tmp_path / "agency_profile.png").stat().st_size > 10_000


def test_missing_glyph_warning_is_what_the_font_test_would_catch(tmp_path: Path) -> None:
    """The check above can fail: a Latin-only font chain does warn about Chinese glyphs."""
    with mpl.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        fig = Figure()
        fig.add_subplot().set_title("依申请公开")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "x.png")
    assert any("missing from font" in str(w.message) or "Glyph" in str(w.message) for w in caught)


def test_setup_fonts_is_idempotent_and_restores_the_chain() -> None:
    name = pl.setup_fonts()
    assert name and name == pl.setup_fonts()
    with mpl.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
        assert pl.setup_fonts() == name
        assert mpl.rcParams["font.sans-serif"][0] == name
    assert any(f["name"] == name for f in pl.find_cjk_fonts())


def test_no_cjk_font_warns_once(monkeypatch) -> None:
    monkeypatch.setattr(pl, "cjk_family", lambda: None)
    pl._warn_no_font.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert pl.setup_fonts() is None
        assert pl.setup_fonts() is None
    font_warnings = [w for w in caught if issubclass(w.category, pl.CJKFontWarning)]
    assert len(font_warnings) == 1 and "fonts-noto-cjk" in str(font_warnings[0].message)
    pl._warn_no_font.cache_clear()


@pytest.mark.parametrize("lang", pl.LANGS)
def test_empty_input_gives_a_no_data_figure(frames, lang) -> None:
    empty = {k: f.iloc[:0] for k, f in frames.items()}
    figs = _figures(empty, lang)
    figs["filtered_agency"] = pl.agency_profile(frames["values"], frames["reports"], "nowhere:none", lang=lang)
    figs["unknown_indicator"] = pl.indicator_over_years(an.indicator_series(frames["values"]), "fees.amount", lang=lang)
    for name, fig in figs.items():
        assert pl.text("no_data", lang) in _texts(fig), name


def test_synthetic_data_is_said_visibly(frames) -> None:
    fig = pl.outcome_distribution(an.outcome_counts(frames["values"], frames["reports"]), lang="en")
    texts = _texts(fig)
    assert pl.text("synthetic", "en") in texts and pl.text("synthetic_short", "en") in texts
    assert f"示例市人民政府 {pl.text('synthetic_mark', 'en')}" in texts
    real = _real(frames)
    fig = pl.outcome_distribution(an.outcome_counts(real["values"], real["reports"]), lang="en")
    assert "ynthetic" not in _texts(fig)


def test_cross_year_caption_names_the_crosswalk_and_judgements(frames) -> None:
    h = frames["harmonized"]
    fig = pl.cross_year_outcomes(an.harmonized_outcome_counts(h), lang="en", judgements=an.crosswalk_judgements(h))
    texts = _texts(fig)
    flat = texts.replace("\n", " ")
    assert "Legacy years (2016–2018) mapped to 2019+ categories through the crosswalk" in flat
    assert "Judgement mappings: 'already public' counted as granted;" in flat
    assert "'not this agency' + 'does not exist' + 'told to amend' counted as unable to provide" in flat
    assert texts.count(pl.text("crosswalk_mark", "en")) >= 3  # one mark per legacy year (+ legend)
    assert "2016\nn=2" in texts and "2022\nn=2" in texts  # agencies summed per year
    hatched = [p for p in fig.findobj(Rectangle) if p.get_hatch()]
    assert len(hatched) >= 3
    fig = pl.cross_year_outcomes(an.outcome_counts(frames["values"], frames["reports"]), lang="zh")
    assert pl.text("note_legacy_excluded", "zh") in _texts(fig)


def test_years_without_any_stated_outcome_are_left_out(frames) -> None:
    h = frames["harmonized"].copy()
    h.loc[(h["year"] == 2017) & h["indicator"].str.startswith("outcome."), "value"] = pd.NA
    texts = _texts(pl.cross_year_outcomes(an.harmonized_outcome_counts(h), lang="en"))
    assert "2016\nn=2" in texts and "2018\nn=1" in texts and "2017" not in texts


def test_one_fixed_colour_per_category_across_figures(frames) -> None:
    outcome, channel = pl.palette("outcome"), pl.palette("channel")
    assert set(outcome) == set(an.OUTCOME_CATEGORIES) and set(channel) == set(an.CHANNELS)
    assert len(set(outcome.values())) == len(outcome) and len(set(channel.values())) == len(channel)
    granted = mpl.colors.to_rgba(outcome["granted"])
    for fig in (pl.outcome_distribution(an.outcome_counts(frames["values"], frames["reports"])),
                pl.cross_year_outcomes(an.harmonized_outcome_counts(frames["harmonized"])),
                pl.agency_profile(frames["values"], frames["reports"], D_KEY, harmonized=frames["harmonized"])):
        labelled = {p.get_label(): p.get_facecolor() for p in fig.findobj(Rectangle) if p.get_label() == "予以公开"}
        assert labelled and all(c == granted for c in labelled.values())


def test_labels_switch_language_and_fall_back_to_the_codebook() -> None:
    assert pl.label("outcome", "denied", "zh") == "不予公开" and pl.label("outcome", "denied", "en") == "Refused"
    assert pl.label("indicator", "outcome.denied.state_secret", "zh") == "不予公开:属于国家秘密"
    assert pl.label("indicator", "review.total", "en") == "Administrative review: total"
    assert pl.label("channel", "unknown_channel", "en") == "unknown_channel"
    with pytest.raises(ValueError, match="lang"):
        pl.label("outcome", "granted", "fr")


def test_save_figure_writes_png_and_svg(tmp_path: Path) -> None:
    paths = pl.save_figure(pl.no_data_figure("zh"), tmp_path / "out", "a b/c")
    assert [p.name for p in paths] == ["a_b_c.png", "a_b_c.svg"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG" and b"<svg" in paths[1].read_bytes()[:500]


def test_review_total_only_is_drawn_as_outline(frames) -> None:
    real = _real(frames)
    rl = an.review_litigation(real["values"])
    fig = pl.review_litigation(rl[rl["agency"] == "广州市市场监督管理局"], lang="en")
    assert pl.text("note_total_only", "en") in _texts(fig)  # litigation.total 0 with no breakdown


def test_figures_dir_redirect_keeps_demo_figures(tmp_path: Path, monkeypatch) -> None:
    # make test runs the notebooks with GOVSTATS_FIGURES_DIR set: reports/ of make demo stays as it is
    monkeypatch.setenv("GOVSTATS_FIGURES_DIR", str(tmp_path / "redirected"))
    paths = pl.save_figure(pl.no_data_figure("en"), tmp_path / "reports" / "channel_mix", "channels", formats=("png",))
    assert paths == [tmp_path / "redirected" / "channel_mix" / "channels.png"] and paths[0].exists()
    assert not (tmp_path / "reports").exists()
