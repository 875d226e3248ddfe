"""The corpus build (contract 2 of DESIGN.md): ``govstats build [RAW...] [--out DIR]``.

Every input under the RAW folders is parsed by ``govstats.parse.parse_file`` in a process pool,
cached by content, and assembled into five Parquet tables in OUT (default ``data/processed``):

``reports.parquet`` — one row per parsed report: report_id (first 16 hex digits of the content
sha256), sha256, source_path, agency, agency_key, lineage_key (``govstats.agencies``), province,
city, county, region_code, level, year, edition, doc_kind, script, title, published, synthetic,
primary (the report that represents its agency-year in harmonized series and cross-year checks),
status (ok / warning), n_values, n_failed_checks, n_warnings, warnings (list), parser_version.

``values.parquet`` — one row per value: the report context (report_id, source_path, agency,
agency_key, lineage_key, province, city, county, level, region_code, year, edition, synthetic),
then indicator, applicant, **value** (``Float64``: every number, exact for counts), **count**
(``Int64``: the same number when it is a whole count, NA for money in 万元 and for fractions),
unit, source (table / narrative / derived / correction), approximate, label, evidence,
span_start, span_end, note ("blank" / "not_applicable" / ...), raw, table, stated_share,
share_of, original_value and corrected_by (correction rows only). Missing numbers are NA, never 0.

``checks.parquet`` — one row per check result: the report context, scope ("report" for the
checks of one report, "cross_year" for ``govstats.checks.cross_year``), check, applicant, status
(pass / fail / uncertain / not_assessable), expected, observed, message, evidence, other_report_id
(the previous year's report of a cross-year check).

``harmonized.parquet`` — one row per (agency_key, year, indicator, applicant) on the 2019+ scale
(``govstats.harmonize``): value, count, unit, rule, quality, comparable, approximate, parts,
edition, report_id, synthetic and the report's region columns.

``manifest.parquet`` — one row per input file, nothing dropped: source_path, sha256, size,
mtime_ns, status, error, seconds, report_id, n_values, n_warnings, synthetic, cached,
parser_version. Status: **ok** parsed without warnings; **warning** parsed with parser warnings
(failed checks do not change the status: they are in checks.parquet); **failed** unreadable or not
a report (the error is the one-line ``GovstatsError`` message, or ``internal error: <type>: <msg>``
for a parser bug, or a timeout); **skipped** duplicate content ("duplicate of <path>"), an
unsupported kind of file, or corpus documentation (README/LICENSE). Which files are inputs at all:
``govstats.dataset.inputs``.

Also in OUT: ``build.json`` (fingerprint of the last complete build, its summary, the seconds of
its phases, the build process' own CPU seconds, peak RSS and warnings such as corrections that
matched nothing) and ``.cache/`` (``govstats.dataset.cache``).

Outputs are assembled while the inputs are parsed, part by part (``govstats.dataset.assemble``).
Safety: every output is written to a temp file, fsynced and renamed into place, so a build
killed at any moment leaves the previous dataset readable, and the next build resumes from the
cache. A bug or a crash on one input never stops the batch (``govstats.dataset.pipeline``).
Corrections: ``govstats.dataset.corrections``. Dtypes: counts ``Int64``, money and shares
``Float64``, flags ``boolean`` (pandas metadata is stored, so ``pandas.read_parquet`` gives them).

This module imports nothing heavy: ``build`` and ``BuildSummary`` load on first use.
"""
from __future__ import annotations

from typing import Any

DEFAULT_RAW = "data/raw"
DEFAULT_OUT = "data/processed"
DEFAULT_TIMEOUT = 120.0
#: the output tables (``<name>.parquet`` in OUT), in the order they are renamed into place
OUTPUT_TABLES = ("reports", "values", "checks", "harmonized", "manifest")

from .commands import register_cli  # noqa: E402  (light: argparse only)

_LAZY = {"build": "pipeline", "BuildSummary": "pipeline"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BuildSummary", "DEFAULT_OUT", "DEFAULT_RAW", "DEFAULT_TIMEOUT", "OUTPUT_TABLES", "build", "register_cli"]
