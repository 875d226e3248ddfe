"""Running the analysis notebooks headless: ``govstats notebooks list | run``.

The notebooks in ``notebooks/`` are thin: a ``parameters``-tagged cell of literals, then calls into
govstats. This module runs them with papermill in a process pool:

- ``run NAME ...`` / ``run --all``: one run per notebook (``--all``: every notebook, each with the
  ``demo_parameters`` of its metadata, and ``agency_profile`` once per agency);
  ``--for-each-agency``: ``agency_profile`` once per agency of ``reports.parquet``.
- Each run gets its own ``out_dir`` under ``--out`` (the notebook writes its figures there as PNG and
  SVG) and the executed notebook is saved beside them.
- ``<out>/runs.csv`` records every run: notebook, run, parameters (JSON), status, seconds, error,
  output. One failing run never stops the others; the exit status is 1 when any run failed.

Notebook metadata (``metadata.govstats``): ``description``, ``demo_parameters`` (parameters of the
``--all`` batch, e.g. ``include_synthetic`` where a cross-year demonstration needs the synthetic
panel), ``per_agency`` (true for the notebook ``--for-each-agency`` runs).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

#: the folder of the project's notebooks (the package lives beside it)
NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
DEFAULT_OUT = "reports"
DEFAULT_TIMEOUT = 600.0
KERNEL = "python3"
RUNS_FILE = "runs.csv"
RUN_COLUMNS = ("notebook", "run", "parameters", "status", "seconds", "error", "output", "out_dir")
#: parameters every run receives from the runner (absolute paths)
PATH_PARAMETERS = ("data_dir", "raw_dir", "out_dir")
_DATA_TABLES = ("reports", "values", "checks", "harmonized", "manifest")
_INLINE_BACKENDS = ("module://matplotlib_inline.backend_inline", "inline")


# --------------------------------------------------------------------------- notebooks
@dataclass(frozen=True)
class Notebook:
    name: str
    path: Path
    parameters: dict[str, Any]
    description: str = ""
    demo_parameters: dict[str, Any] = field(default_factory=dict)
    per_agency: bool = False


def parameters_of(nb: Any) -> dict[str, Any]:
    """Defaults of the ``parameters``-tagged cell (literal assignments only) of a notebook node."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            out: dict[str, Any] = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    out[node.targets[0].id] = ast.literal_eval(node.value)
            return out
    return {}


def read_notebook(path: Path) -> Notebook:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    meta = nb.metadata.get("govstats", {})
    return Notebook(name=path.stem, path=path, parameters=parameters_of(nb), description=meta.get("description", ""),
                    demo_parameters=dict(meta.get("demo_parameters", {})), per_agency=bool(meta.get("per_agency")))


def list_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Notebook]:
    """Every runnable notebook of ``folder`` (those with a parameters cell), by name."""
    books = [read_notebook(p) for p in sorted(folder.glob("*.ipynb"))]
    return [b for b in books if b.parameters]


# --------------------------------------------------------------------------- data
def ensure_dataset(raw_dir: str | os.PathLike, data_dir: str | os.PathLike) -> Path:
    """Build the dataset of ``raw_dir`` into ``data_dir`` when any of its Parquet tables is missing.

    Returns ``data_dir``. A notebook calls this after its parameters cell, so it runs on a fresh
    checkout (e.g. under nbval) as well as on an existing dataset.
    """
    out = Path(data_dir)
    if all((out / f"{t}.parquet").is_file() for t in _DATA_TABLES):
        return out
    from .dataset import build

    build([str(raw_dir)], out, jobs=1, progress=False)
    return out


def year_span(years: Optional[Sequence[int] | int]) -> Optional[range]:
    """A notebook's ``years`` parameter (None, a year, or ``[first, last]``) as the API's ``years`` filter."""
    if years is None:
        return None
    if isinstance(years, int):
        return range(years, years + 1)
    ys = [int(y) for y in years]
    if not ys:
        return None
    return range(min(ys), max(ys) + 1)


@dataclass
class AgencyData:
    """The frames of one agency (see :func:`load_agency`); ``key`` is None when nothing matched."""

    key: Optional[str]
    name: str
    note: str
    reports: Any
    values: Any
    checks: Any
    harmonized: Any


def load_agency(data_dir: str | os.PathLike, agency: Optional[str] = None, agency_key: Optional[str] = None,
                years: Optional[Sequence[int] | int] = None, include_synthetic: bool = False) -> AgencyData:
    """Reports, values, checks and harmonized rows of one agency (``agency_key``, else the first key
    whose name contains ``agency``); ``note`` says what was chosen or that nothing matched."""
    import govstats

    sel = dict(years=year_span(years), include_synthetic=include_synthetic)
    who = {"agency_key": agency_key} if agency_key else {"agency": agency} if agency else {}
    reports = govstats.load_reports(data_dir, **sel, **who)
    keys = list(dict.fromkeys(reports["agency_key"].dropna()))
    key = keys[0] if keys else None
    reports = reports[reports["agency_key"] == key]
    name = str(reports["agency"].dropna().iloc[0]) if len(reports) and reports["agency"].notna().any() else str(key)
    if key is None:
        note = f"no report matches agency={agency!r} agency_key={agency_key!r} years={years!r}"
    elif len(keys) > 1:
        note = f"{len(keys)} agencies match {agency!r}; showing {name} ({key}); set agency_key to choose: {keys}"
    else:
        note = f"{name} ({key}): {len(reports)} report(s), years {sorted(set(reports['year'].dropna().astype(int)))}"
    frames = {}
    for table, loader in (("values", govstats.load_values), ("checks", govstats.load_checks),
                          ("harmonized", govstats.load_harmonized)):
        f = loader(data_dir, **sel, agency_key=key or "")
        frames[table] = f
    return AgencyData(key=key, name=name, note=note, reports=reports, **frames)


def explorer_figure(values: Any, reports: Any, lang: str = "zh", agency_key: Optional[str] = None,
                    indicator: str = "requests.new", years: Optional[Sequence[int]] = None, applicant: str = "total"):
    """The explorer's chart: ``indicator`` over the years for one agency (or all), one applicant type."""
    from . import analysis as an, plots as pl

    v = values if agency_key is None else values[values["agency_key"] == agency_key]
    span = year_span(years)
    if span is not None:
        v = v[v["year"].isin(list(span))]
    series = an.indicator_series(v, indicator, reports, applicant=applicant)
    title = pl.label("indicator", indicator, lang)
    if applicant != "total":
        title = f"{title} · {pl.label('applicant', applicant, lang)}"
    return pl.indicator_over_years(series, indicator, lang=lang, title=title)


def explorer(values: Any, reports: Any, lang: str = "zh", agency_key: Optional[str] = None,
             indicator: str = "requests.new", years: Optional[Sequence[int]] = None, applicant: str = "total"):
    """ipywidgets controls (agency, indicator, year range, applicant type) that redraw :func:`explorer_figure`."""
    import ipywidgets as w
    from IPython.display import display

    from . import plots as pl

    everyone = "全部机关" if lang == "zh" else "All agencies"
    names = values.drop_duplicates("agency_key")[["agency_key", "agency"]].dropna(subset=["agency_key"])
    agency_opts = [(everyone, None)] + sorted((str(n), k) for k, n in zip(names["agency_key"], names["agency"]))
    stated = sorted(set(values.loc[values["value"].notna(), "indicator"]))
    indicator_opts = [(f"{pl.label('indicator', c, lang)} [{c}]", c) for c in stated]
    applicant_opts = [(pl.label("applicant", a, lang), a) for a in sorted(set(values["applicant"].dropna()))]
    all_years = sorted(set(values["year"].dropna().astype(int))) or [2019]
    span = year_span(years) or range(all_years[0], all_years[-1] + 1)
    keys = {k for _, k in agency_opts}
    controls = {
        "agency_key": w.Dropdown(options=agency_opts, value=agency_key if agency_key in keys else None,
                                 description="机关" if lang == "zh" else "Agency"),
        "indicator": w.Dropdown(options=indicator_opts, value=indicator if indicator in stated else
                                (stated[0] if stated else None), description="指标" if lang == "zh" else "Indicator"),
        "years": w.IntRangeSlider(min=all_years[0], max=all_years[-1], value=(max(span.start, all_years[0]),
                                  min(span.stop - 1, all_years[-1])), description="年度" if lang == "zh" else "Years"),
        "applicant": w.Dropdown(options=applicant_opts, value=applicant if applicant in set(values["applicant"])
                                else "total", description="申请人" if lang == "zh" else "Applicant"),
    }

    def draw(agency_key, indicator, years, applicant):  # noqa: ANN001 (widget callback)
        display(explorer_figure(values, reports, lang, agency_key, indicator, list(years), applicant))

    out = w.interactive_output(draw, controls)
    return w.VBox([w.HBox([controls["agency_key"], controls["indicator"]]),
                   w.HBox([controls["years"], controls["applicant"]]), out])


# --------------------------------------------------------------------------- runs
@dataclass
class Run:
    notebook: str
    run: str
    input: str
    output: str
    out_dir: str
    parameters: dict[str, Any]


@dataclass
class RunResult:
    notebook: str
    run: str
    parameters: str
    status: str
    seconds: float
    error: str
    output: str
    out_dir: str


def _slug(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("_") or "run"


def _run_for(book: Notebook, out: Path, params: dict[str, Any], run: Optional[str] = None) -> Run:
    folder = out / book.name / _slug(run) if run else out / book.name
    parameters = {**params, "out_dir": str(folder.resolve())}
    return Run(notebook=book.name, run=run or book.name, input=str(book.path), output=str(folder / f"{book.name}.ipynb"),
               out_dir=str(folder), parameters={k: v for k, v in parameters.items() if k in book.parameters})


def agencies(data_dir: Path, include_synthetic: bool) -> list[tuple[str, str]]:
    """(agency_key, agency name) of every agency in reports.parquet, in key order."""
    from .api import load_reports

    r = load_reports(data_dir, include_synthetic=include_synthetic)
    r = r[r["agency_key"].notna()].drop_duplicates("agency_key")
    return list(zip(r["agency_key"], r["agency"].fillna(r["agency_key"])))


def plan(books: Sequence[Notebook], out: Path, base: dict[str, Any], *, demo: bool = False,
         for_each_agency: bool = False, agency_list: Sequence[tuple[str, str]] = ()) -> list[Run]:
    """The runs of ``books``: parameters = notebook defaults < ``demo_parameters`` (when ``demo``) < ``base``.

    A ``per_agency`` notebook runs once per agency of ``agency_list`` when ``for_each_agency``.
    """
    runs: list[Run] = []
    for book in books:
        params = {**(book.demo_parameters if demo else {}), **base}
        if book.per_agency and for_each_agency:
            for key, name in agency_list:
                runs.append(_run_for(book, out, {**params, "agency_key": key, "agency": name}, run=key))
        else:
            runs.append(_run_for(book, out, params))
    return runs


def execute(run: Run, timeout: float, kernel: str = KERNEL) -> RunResult:
    """Execute one run with papermill (in a worker process); never raises."""
    import papermill as pm

    # an exported non-inline backend (e.g. MPLBACKEND=Agg) would stop the kernel from capturing figures
    if os.environ.get("MPLBACKEND", "") not in ("", *_INLINE_BACKENDS):
        del os.environ["MPLBACKEND"]
    Path(run.out_dir).mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    status, error = "ok", ""
    try:
        with _stderr_to(Path(run.out_dir) / "kernel.log"):  # the kernel's own chatter, kept per run
            pm.execute_notebook(run.input, run.output, parameters=run.parameters, kernel_name=kernel,
                                progress_bar=False, cwd=str(Path(run.input).parent), execution_timeout=timeout)
    except Exception as e:  # a failing notebook is a manifest row, the batch goes on
        status, error = "failed", _one_line(e)
    return RunResult(notebook=run.notebook, run=run.run, parameters=json.dumps(run.parameters, ensure_ascii=False,
                                                                              sort_keys=True),
                     status=status, seconds=round(time.monotonic() - t0, 2), error=error, output=run.output,
                     out_dir=run.out_dir)


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Send file descriptor 2 (inherited by the kernel process) to ``path`` for the duration."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as log:
            os.dup2(log.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _one_line(e: BaseException) -> str:
    ename, evalue = getattr(e, "ename", None), getattr(e, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(e).__name__}: {e}"
    return " ".join(text.split())[:500]


def run_all(runs: Sequence[Run], jobs: int = 1, timeout: float = DEFAULT_TIMEOUT, kernel: str = KERNEL,
            progress: bool = True) -> list[RunResult]:
    """Execute ``runs`` in a pool of ``jobs`` processes; results in the order of ``runs``."""
    results: dict[int, RunResult] = {}
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(execute, r, timeout, kernel): i for i, r in enumerate(runs)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as e:  # the worker itself died
                r = runs[i]
                results[i] = RunResult(r.notebook, r.run, json.dumps(r.parameters, ensure_ascii=False, sort_keys=True),
                                       "failed", 0.0, _one_line(e), r.output, r.out_dir)
            if progress:
                res = results[i]
                print(f"govstats: {res.status:6} {res.run} ({res.seconds:.1f} s){' ' + res.error if res.error else ''}",
                      file=sys.stderr)
    return [results[i] for i in range(len(runs))]


def write_runs(results: Sequence[RunResult], out: Path) -> Path:
    """Merge ``results`` into ``out/runs.csv`` (a later run of the same output replaces the earlier row)."""
    import pandas as pd

    path = out / RUNS_FILE
    new = pd.DataFrame([asdict(r) for r in results], columns=list(RUN_COLUMNS))
    if path.is_file():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        new = pd.concat([old[~old["output"].isin(new["output"])], new.astype(str)], ignore_index=True)
    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    new.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------- command line
def _value(text: str) -> Any:
    """A ``-p`` value: JSON when it parses (numbers, true/false/null, lists), else the string itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _cmd_list(a: argparse.Namespace) -> int:
    for book in list_notebooks(Path(a.notebooks)):
        params = ", ".join(f"{k}={v!r}" for k, v in book.parameters.items())
        print(f"{book.name:22} {book.description}\n{'':22} parameters: {params}")
        if book.demo_parameters:
            print(f"{'':22} --all uses: {json.dumps(book.demo_parameters, ensure_ascii=False)}")
    return 0


def _cmd_run(a: argparse.Namespace) -> int:
    from .errors import InputMissing

    books = {b.name: b for b in list_notebooks(Path(a.notebooks))}
    names = list(books) if a.all else a.names
    unknown = [n for n in names if n.removesuffix(".ipynb") not in books]
    if not names or unknown:
        raise InputMissing(f"unknown notebook(s) {', '.join(unknown)}; choose from {', '.join(books)} or --all"
                           if unknown else "name a notebook or use --all (see `govstats notebooks list`)")
    selected = [books[n.removesuffix(".ipynb")] for n in names]
    out = Path(a.out)
    data_dir, raw_dir = Path(a.data_dir).resolve(), Path(a.raw_dir).resolve()
    base: dict[str, Any] = {"data_dir": str(data_dir), "raw_dir": str(raw_dir)}
    if a.include_synthetic:
        base["include_synthetic"] = True
    base.update({k: _value(v) for k, v in a.param or []})
    ensure_dataset(raw_dir, data_dir)
    per_agency = a.for_each_agency or a.all
    agency_list = agencies(data_dir, bool(base.get("include_synthetic"))) if per_agency else []
    runs = plan(selected, out, base, demo=a.all, for_each_agency=per_agency, agency_list=agency_list)
    t0 = time.monotonic()
    results = run_all(runs, jobs=a.jobs, timeout=a.timeout, progress=True)
    manifest = write_runs(results, out)
    failed = [r for r in results if r.status != "ok"]
    print(f"govstats: notebooks: {len(results)} runs, {len(results) - len(failed)} ok, {len(failed)} failed "
          f"in {time.monotonic() - t0:.1f} s; manifest {manifest}", file=sys.stderr)
    return 1 if failed else 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    from .dataset import DEFAULT_OUT as DATA_OUT, DEFAULT_RAW

    p = sub.add_parser("notebooks", help="run the analysis notebooks headless (papermill)")
    nsub = p.add_subparsers(dest="notebooks_cmd", required=True)
    ls = nsub.add_parser("list", help="the notebooks and their parameters")
    ls.add_argument("--notebooks", default=str(NOTEBOOK_DIR), help="notebook folder (default: the project's)")
    ls.set_defaults(func=_cmd_list)

    r = nsub.add_parser("run", help="execute notebooks; figures and executed notebooks go under --out",
                        description="Execute notebooks with papermill in a process pool. Each run writes its "
                                    "figures (PNG, SVG) and the executed notebook to OUT/<notebook>[/<agency>]/; "
                                    "OUT/runs.csv records every run. Exit status 1 if any run failed.")
    r.add_argument("names", nargs="*", metavar="NAME", help="notebooks to run (see `govstats notebooks list`)")
    r.add_argument("--all", action="store_true",
                   help="every notebook with its demo parameters, and agency_profile once per agency")
    r.add_argument("-p", "--param", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="set a parameter (VALUE as JSON when it parses, else a string); repeatable")
    r.add_argument("--for-each-agency", action="store_true", help="run agency_profile once per agency")
    r.add_argument("--include-synthetic", action="store_true", help="include the synthetic demo panel in every run")
    r.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    r.add_argument("--data-dir", default=DATA_OUT, help=f"dataset folder (default {DATA_OUT}; built when missing)")
    r.add_argument("--raw-dir", default=DEFAULT_RAW, help=f"reports to build it from (default {DEFAULT_RAW})")
    r.add_argument("--jobs", "-j", type=int, default=1, help="notebooks run in parallel (default 1)")
    r.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds one cell may run (default {DEFAULT_TIMEOUT:g})")
    r.add_argument("--notebooks", default=str(NOTEBOOK_DIR), help="notebook folder (default: the project's)")
    r.set_defaults(func=_cmd_run)


__all__ = ["AgencyData", "Notebook", "Run", "RunResult", "agencies", "ensure_dataset", "execute", "explorer",
           "explorer_figure", "list_notebooks", "load_agency", "parameters_of", "plan", "read_notebook", "register_cli",
           "run_all", "write_runs", "year_span"]
