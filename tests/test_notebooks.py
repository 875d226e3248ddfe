"""govstats.notebooks: the notebooks' shape, the batch runner (papermill in a process pool, runs.csv,
exit status), ensure_dataset, the explorer helpers, and that nbval fails on a broken notebook."""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from govstats import notebooks as nbm
from govstats.cli import main

from .test_analysis import make_frames

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RAW = ROOT / "data" / "raw"
EXPECTED = {"agency_profile", "cross_year_outcomes", "channel_mix", "corpus_quality", "explorer", "teaching"}
SEED = "002_84c7f691cd999dc0.txt"


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """A project-shaped folder: notebooks/ and data/raw with one seed report; data/processed built."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copy(RAW / SEED, root / "data" / "raw" / SEED)
    nbm.ensure_dataset(root / "data" / "raw", root / "data" / "processed")
    return root


def _texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# --------------------------------------------------------------------------- notebook shape
def test_every_notebook_is_listed_with_a_literal_parameters_cell() -> None:
    books = {b.name: b for b in nbm.list_notebooks(NOTEBOOKS)}
    assert set(books) == EXPECTED
    for book in books.values():
        nb = nbformat.read(str(book.path), as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert "parameters" in first_code.metadata.get("tags", []), book.name
        for stmt in ast.parse(first_code.source).body:  # literals only: papermill can override each one
            assert isinstance(stmt, ast.Assign), book.name
            ast.literal_eval(stmt.value)
        assert {"data_dir", "out_dir", "lang"} <= set(book.parameters), book.name
        assert book.parameters["lang"] == "zh"
    assert books["agency_profile"].per_agency
    assert books["cross_year_outcomes"].demo_parameters == {"include_synthetic": True}
    assert books["explorer"].demo_parameters["interactive"] is False


def test_notebooks_never_force_a_backend_and_stay_thin() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        for forbidden in ("matplotlib.use(", "%matplotlib", "plt.show", "import re\n", "read_parquet"):
            assert forbidden not in source, (path.name, forbidden)
        if path.stem != "teaching":  # the teaching notebook keeps its outputs for strict nbval
            assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


def test_parameters_cell_values_are_read_as_python_literals() -> None:
    params = nbm.read_notebook(NOTEBOOKS / "cross_year_outcomes.ipynb").parameters
    assert params["harmonize"] is True and params["region"] is None and params["years"] is None


# --------------------------------------------------------------------------- planning
def test_plan_all_expands_per_agency_and_applies_demo_parameters(tmp_path: Path) -> None:
    books = nbm.list_notebooks(NOTEBOOKS)
    agencies = [("320614:市场监督管理局", "南通市海门区市场监督管理局"), ("440100:市场监督管理局", "广州市市场监督管理局")]
    runs = nbm.plan(books, tmp_path, {"data_dir": "/d", "lang": "en", "unknown": 1}, demo=True,
                    for_each_agency=True, agency_list=agencies)
    names = [r.run for r in runs]
    assert names.count("agency_profile") == 0 and "320614:市场监督管理局" in names
    assert len(runs) == len(EXPECTED) - 1 + len(agencies)
    by_run = {r.run: r for r in runs}
    profile = by_run["440100:市场监督管理局"]
    assert profile.parameters["agency_key"] == "440100:市场监督管理局"
    assert profile.out_dir == str(tmp_path / "agency_profile" / "440100_市场监督管理局")
    assert profile.parameters["out_dir"] == str((tmp_path / "agency_profile" / "440100_市场监督管理局").resolve())
    assert by_run["cross_year_outcomes"].parameters["include_synthetic"] is True
    assert by_run["explorer"].parameters["interactive"] is False
    assert "include_synthetic" not in by_run["corpus_quality"].parameters  # no demo parameters of its own
    assert all(r.parameters["lang"] == "en" and "unknown" not in r.parameters for r in runs)
    assert len({r.out_dir for r in runs}) == len(runs)
    single = nbm.plan(books, tmp_path, {}, demo=False)
    assert [r.run for r in single].count("agency_profile") == 1
    assert "include_synthetic" not in {k for r in single for k in r.parameters}


@pytest.mark.parametrize("years,span", [(None, None), (2020, range(2020, 2021)), ([2023, 2019], range(2019, 2024)),
                                        ([], None)])
def test_year_span(years, span) -> None:
    assert nbm.year_span(years) == span


# --------------------------------------------------------------------------- data
def test_ensure_dataset_builds_once(small_corpus: Path) -> None:
    out = small_corpus / "data" / "processed"
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}
    assert set(stamps) == {f"{t}.parquet" for t in ("reports", "values", "checks", "harmonized", "manifest")}
    assert nbm.ensure_dataset(small_corpus / "data" / "raw", out) == out
    assert stamps == {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}


def test_load_agency_selects_one_agency_and_says_so(small_corpus: Path) -> None:
    data_dir = small_corpus / "data" / "processed"
    d = nbm.load_agency(data_dir, agency="海门区")
    assert d.key == "320614:市场监督管理局" and len(d.reports) == 1
    assert set(d.values["agency_key"]) == {d.key} and len(d.harmonized)
    none = nbm.load_agency(data_dir, agency="不存在的机关")
    assert none.key is None and none.values.empty and none.checks.empty and "no report matches" in none.note


def test_explorer_figure_and_widgets() -> None:
    f = make_frames()
    fig = nbm.explorer_figure(f["values"], f["reports"], "en", indicator="requests.new", years=[2016, 2021],
                              applicant="natural_person")
    assert isinstance(fig, Figure)
    assert "New requests · Natural persons" in _texts(fig)
    empty = nbm.explorer_figure(f["values"], f["reports"], "zh", agency_key="nowhere", indicator="requests.new")
    assert "无数据" in _texts(empty)
    box = nbm.explorer(f["values"], f["reports"], "zh", indicator="requests.new")
    controls = {c.description: c for row in box.children[:2] for c in row.children}
    assert set(controls) == {"机关", "指标", "年度", "申请人"}
    assert controls["年度"].value == (2016, 2022)


# --------------------------------------------------------------------------- the runner
def _tiny_broken_notebook(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('data_dir = ""\nout_dir = ""\nlang = "zh"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell('raise RuntimeError("broken on purpose")')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "broken.ipynb"))


def test_run_writes_figures_manifest_and_fails_only_the_broken_run(small_corpus: Path, tmp_path: Path,
                                                                    monkeypatch, capsys) -> None:
    books = tmp_path / "books"
    books.mkdir()
    shutil.copy(NOTEBOOKS / "corpus_quality.ipynb", books)
    _tiny_broken_notebook(books)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as the Makefile exports it: the runner must still capture figures
    out = tmp_path / "reports"
    code = main(["notebooks", "run", "corpus_quality", "broken", "--notebooks", str(books), "--out", str(out),
                 "--data-dir", str(small_corpus / "data" / "processed"), "--raw-dir", str(small_corpus / "data" / "raw"),
                 "--jobs", "2", "-p", "lang", "en", "--timeout", "300"])
    assert code == 1
    assert "2 runs, 1 ok, 1 failed" in capsys.readouterr().err
    runs = pd.read_csv(out / "runs.csv", dtype=str, keep_default_na=False).set_index("notebook")
    assert runs.loc["corpus_quality", "status"] == "ok" and runs.loc["broken", "status"] == "failed"
    assert "RuntimeError: broken on purpose" in runs.loc["broken", "error"]
    assert json.loads(runs.loc["corpus_quality", "parameters"])["lang"] == "en"
    assert (out / "corpus_quality" / "corpus_quality.png").is_file()
    assert (out / "corpus_quality" / "corpus_quality.svg").is_file()
    executed = nbformat.read(str(out / "corpus_quality" / "corpus_quality.ipynb"), as_version=4)
    mimes = {m for c in executed.cells if c.cell_type == "code" for o in c.outputs for m in o.get("data", {})}
    assert "image/png" in mimes  # the figure was captured in the executed notebook
    assert (out / "broken" / "broken.ipynb").is_file()  # the failed run's notebook is kept, with its error



def test_runs_csv_merges_later_runs(tmp_path: Path) -> None:
    def result(name: str, status: str) -> nbm.RunResult:
        return nbm.RunResult(name, name, "{}", status, 1.0, "", str(tmp_path / name / f"{name}.ipynb"), str(tmp_path))

    nbm.write_runs([result("a", "failed"), result("b", "ok")], tmp_path)
    path = nbm.write_runs([result("a", "ok")], tmp_path)
    runs = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(runs.columns) == list(nbm.RUN_COLUMNS)
    assert sorted(zip(runs["notebook"], runs["status"])) == [("a", "ok"), ("b", "ok")]


def test_run_unknown_notebook_is_one_clear_error(capsys) -> None:
    assert main(["notebooks", "run", "no_such_notebook"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown notebook(s) no_such_notebook" in err[0]


def test_list_prints_every_notebook(capsys) -> None:
    assert main(["notebooks", "list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPECTED) and "--all uses" in out


# --------------------------------------------------------------------------- nbval
def _nbval(folder: Path, notebook: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", f"notebooks/{notebook}"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


def test_nbval_fails_on_a_notebook_that_raises(small_corpus: Path) -> None:
    ok = _nbval(small_corpus, "corpus_quality.ipynb")
    assert ok.returncode == 0, ok.stdout[-2000:]
    nb = nbformat.read(str(small_corpus / "notebooks" / "corpus_quality.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('raise ValueError("injected failure")'))
    nbformat.write(nb, str(small_corpus / "notebooks" / "corpus_quality_broken.ipynb"))
    broken = _nbval(small_corpus, "corpus_quality_broken.ipynb")
    assert broken.returncode != 0
    assert "injected failure" in broken.stdout
