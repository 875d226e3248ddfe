"""Reading the built dataset: pandas loaders with filters, and a DuckDB connection.

Re-exported as ``govstats.load_reports``, ``govstats.load_values``, ``govstats.load_checks``,
``govstats.load_harmonized``, ``govstats.load_manifest`` and ``govstats.connect``.

``data_dir`` (every function's first argument): the folder ``govstats build`` wrote; default
``$GOVSTATS_DATA``, else the first ``data/processed`` found from the current folder upward, else
``data/processed`` of the project the package lives in.

Filters (keyword arguments; None = no filter; a list means "any of"):

- ``agency``: part of the printed agency name (``"洪泽区"`` matches 淮安市洪泽区人民政府);
- ``agency_key``: exact key (``govstats.agencies``); with ``lineage=True`` it is matched against
  the lineage key, so ``"620900:市场监督管理局"`` also finds 酒泉市质量技术监督局 of 2016;
- ``province`` / ``city`` / ``county`` / ``edition`` / ``applicant``: exact values;
- ``years``: an int, a ``range`` (``range(2019, 2024)`` = 2019..2023) or a list;
- ``indicators``: a code, a glob (``"outcome.*"``, ``"review.*"``), or a list of them;
- ``include_synthetic``: include generated inputs (False by default: real reports only).

``load_harmonized(lineage=True)`` sums the agencies of one lineage per year
(``govstats.harmonize.by_lineage``): e.g. 工商 + 质监 + 食药监 before the reform, 市场监管 after.
Frames have nullable dtypes: ``Int64`` counts and years, ``Float64`` values, ``boolean`` flags.
"""
from __future__ import annotations

import os
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional, Union

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from .dataset import OUTPUT_TABLES
from .errors import InputMissing

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

TABLES = OUTPUT_TABLES
ENV = "GOVSTATS_DATA"
_PROCESSED = Path("data") / "processed"

Many = Union[str, Iterable[str], None]
Years = Union[int, range, Iterable[int], None]


# --------------------------------------------------------------------------- where
def resolve_data_dir(path: Optional[Union[str, os.PathLike]] = None) -> Path:
    """The dataset folder (see the module docstring for the default)."""
    if path is not None:
        return Path(path)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / _PROCESSED).is_dir():
            return folder / _PROCESSED
    return Path(__file__).resolve().parents[1] / _PROCESSED


def _file(folder: Path, table: str) -> Path:
    path = folder / f"{table}.parquet"
    if not path.is_file():
        raise InputMissing(f"{path}: no such file (run `govstats build` to build the dataset)")
    return path


# --------------------------------------------------------------------------- filters
def _many(x: Many) -> Optional[list[str]]:
    if x is None:
        return None
    return [x] if isinstance(x, str) else list(x)


def _years(x: Years) -> Optional[list[int]]:
    if x is None:
        return None
    return [int(x)] if isinstance(x, int) else [int(y) for y in x]


def _glob(field: str, pattern: str) -> pc.Expression:
    if not any(ch in pattern for ch in "*?"):
        return pc.field(field) == pattern
    like = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%").replace("?", "_")
    return pc.match_like(pc.field(field), like)


def _any(exprs: list[pc.Expression]) -> pc.Expression:
    return reduce(lambda a, b: a | b, exprs)


def _filter(*, agency: Many = None, agency_key: Many = None, province: Many = None, city: Many = None,
            county: Many = None, years: Years = None, indicators: Many = None, applicant: Many = None,
            edition: Many = None, checks: Many = None, status: Many = None, include_synthetic: bool = False,
            lineage: bool = False) -> Optional[pc.Expression]:
    parts: list[pc.Expression] = []
    if (names := _many(agency)) is not None:
        parts.append(_any([pc.match_substring(pc.field("agency"), n) for n in names]))
    if (keys := _many(agency_key)) is not None:
        parts.append(pc.field("lineage_key" if lineage else "agency_key").isin(keys))
    for col, val in (("province", province), ("city", city), ("county", county), ("applicant", applicant),
                     ("edition", edition), ("status", status)):
        if (vals := _many(val)) is not None:
            parts.append(pc.field(col).isin(vals))
    if (ys := _years(years)) is not None:
        parts.append(pc.field("year").isin(ys))
    for col, val in (("indicator", indicators), ("check", checks)):
        if (pats := _many(val)) is not None:
            parts.append(_any([_glob(col, p) for p in pats]))
    if not include_synthetic:
        parts.append(pc.invert(pc.coalesce(pc.field("synthetic"), pa.scalar(False))))
    return reduce(lambda a, b: a & b, parts) if parts else None


def _load(table: str, folder: Optional[Union[str, os.PathLike]], expr: Optional[pc.Expression]) -> "pd.DataFrame":
    from .dataset.schema import OUTPUTS, to_frame

    dataset = ds.dataset(_file(resolve_data_dir(folder), table), schema=OUTPUTS[table].arrow, format="parquet")
    return to_frame(dataset.to_table(filter=expr))


# --------------------------------------------------------------------------- loaders
def load_reports(data_dir: Optional[Union[str, os.PathLike]] = None, *, agency: Many = None, agency_key: Many = None,
                 province: Many = None, city: Many = None, county: Many = None, years: Years = None,
                 edition: Many = None, include_synthetic: bool = False, lineage: bool = False) -> "pd.DataFrame":
    """One row per report (reports.parquet), sorted by agency key and year."""
    df = _load("reports", data_dir, _filter(agency=agency, agency_key=agency_key, province=province, city=city,
                                            county=county, years=years, edition=edition,
                                            include_synthetic=include_synthetic, lineage=lineage))
    return df.sort_values(["agency_key", "year", "source_path"], ignore_index=True, na_position="last")


def load_values(data_dir: Optional[Union[str, os.PathLike]] = None, *, agency: Many = None, agency_key: Many = None,
                province: Many = None, city: Many = None, county: Many = None, years: Years = None,
                indicators: Many = None, applicant: Many = None, edition: Many = None,
                include_synthetic: bool = False, lineage: bool = False) -> "pd.DataFrame":
    """One row per value (values.parquet): ``value`` (Float64) for every number, ``count`` (Int64) for counts."""
    return _load("values", data_dir, _filter(agency=agency, agency_key=agency_key, province=province, city=city,
                                             county=county, years=years, indicators=indicators, applicant=applicant,
                                             edition=edition, include_synthetic=include_synthetic, lineage=lineage))


def load_checks(data_dir: Optional[Union[str, os.PathLike]] = None, *, agency: Many = None, agency_key: Many = None,
                province: Many = None, city: Many = None, county: Many = None, years: Years = None,
                checks: Many = None, status: Many = None, applicant: Many = None, edition: Many = None,
                include_synthetic: bool = False, lineage: bool = False) -> "pd.DataFrame":
    """One row per check result (checks.parquet); ``checks`` takes names or globs (``"cross_year.*"``)."""
    return _load("checks", data_dir, _filter(agency=agency, agency_key=agency_key, province=province, city=city,
                                             county=county, years=years, checks=checks, status=status,
                                             applicant=applicant, edition=edition,
                                             include_synthetic=include_synthetic, lineage=lineage))


def load_harmonized(data_dir: Optional[Union[str, os.PathLike]] = None, *, agency: Many = None,
                    agency_key: Many = None, province: Many = None, city: Many = None, county: Many = None,
                    years: Years = None, indicators: Many = None, applicant: Many = None, edition: Many = None,
                    include_synthetic: bool = False, lineage: bool = False) -> "pd.DataFrame":
    """Harmonized series (harmonized.parquet), one row per (agency_key, year, indicator, applicant).

    ``lineage=True``: one row per (lineage, year, indicator, applicant), summed over the lineage's
    agencies (``agency_key`` then holds the lineage key; ``n_agencies`` / ``agencies`` say who).
    """
    df = _load("harmonized", data_dir, _filter(agency=agency, agency_key=agency_key, province=province, city=city,
                                               county=county, years=years, indicators=indicators,
                                               applicant=applicant, edition=edition,
                                               include_synthetic=include_synthetic, lineage=lineage))
    if lineage:
        from .harmonize import by_lineage

        return by_lineage(df)
    return df


def load_manifest(data_dir: Optional[Union[str, os.PathLike]] = None, *, status: Many = None,
                  include_synthetic: bool = True) -> "pd.DataFrame":
    """One row per input file (manifest.parquet), synthetic inputs included by default."""
    return _load("manifest", data_dir, _filter(status=status, include_synthetic=include_synthetic))


def connect(data_dir: Optional[Union[str, os.PathLike]] = None) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection with views reports, values, checks, harmonized, manifest."""
    import duckdb

    folder = resolve_data_dir(data_dir)
    con = duckdb.connect()
    for table in TABLES:
        path = str(_file(folder, table).resolve()).replace("'", "''")
        con.execute(f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{path}')")
    return con


__all__ = ["TABLES", "connect", "resolve_data_dir", "load_checks", "load_harmonized", "load_manifest", "load_reports",
           "load_values"]
