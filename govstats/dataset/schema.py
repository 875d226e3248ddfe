"""Column schemas of the output tables and of the cache parts (Arrow types + pandas dtypes).

Every table is written with an explicit Arrow schema carrying pandas metadata, so
``pandas.read_parquet`` gives nullable dtypes (``Int64``, ``Float64``, ``boolean``) and an empty
table still has its columns. ``to_frame`` does the same for Arrow tables from DuckDB.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
import pyarrow as pa

STR, I64, F64, BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
STR_LIST = pa.list_(pa.string())
_PANDAS = {STR: "str", I64: "Int64", F64: "Float64", BOOL: "boolean", STR_LIST: "object"}

Column = tuple[str, pa.DataType]


@dataclass(frozen=True)
class TableSchema:
    """The columns of one table, in order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @cached_property
    def arrow(self) -> pa.Schema:
        empty = pd.DataFrame({c: pd.Series([], dtype=_PANDAS[t]) for c, t in self.columns})
        meta = pa.Schema.from_pandas(empty, preserve_index=False).metadata
        return pa.schema([pa.field(c, t) for c, t in self.columns], metadata=meta)

    def from_frame(self, df: pd.DataFrame) -> pa.Table:
        """A frame (extra columns ignored, missing ones null) as a table of this schema."""
        n = len(df)
        arrays = []
        for c, t in self.columns:
            if c not in df.columns:
                arrays.append(pa.nulls(n, t))
            elif t == STR_LIST:
                arrays.append(pa.array(list(df[c]), type=t))
            else:
                arrays.append(pa.array(df[c], type=t, from_pandas=True))
        return pa.Table.from_arrays(arrays, schema=self.arrow)

    def from_rows(self, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
        """Row dicts (missing keys null) as a table of this schema."""
        return pa.Table.from_pydict({c: [r.get(c) for r in rows] for c, _ in self.columns}, schema=self.arrow)

    def from_tuples(self, rows: Sequence[tuple]) -> pa.Table:
        """Row tuples in column order as a table of this schema."""
        if not rows:
            return self.empty()
        cols = zip(*rows)
        return pa.Table.from_arrays([pa.array(col, type=t) for col, (_, t) in zip(cols, self.columns)], schema=self.arrow)

    def empty(self) -> pa.Table:
        return self.arrow.empty_table()


def _cols(*groups: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(c for g in groups for c in g)


# --------------------------------------------------------------------------- column groups
#: what one report says about itself (from govstats.model.Meta, plus agency keys)
META: tuple[Column, ...] = (
    ("agency", STR), ("agency_key", STR), ("lineage_key", STR), ("province", STR), ("city", STR),
    ("county", STR), ("region_code", STR), ("level", STR), ("year", I64), ("edition", STR), ("doc_kind", STR),
    ("script", STR), ("title", STR), ("published", STR),
)
#: the outcome of parsing one input (cached by content)
PARSE_OUTCOME: tuple[Column, ...] = (
    ("status", STR), ("error", STR), ("seconds", F64), ("n_values", I64), ("n_failed_checks", I64),
    ("n_warnings", I64), ("warnings", STR_LIST), ("parser_version", STR),
)
#: report columns repeated on every value and check row (so one table filters alone)
CONTEXT: tuple[Column, ...] = (
    ("report_id", STR), ("source_path", STR), ("agency", STR), ("agency_key", STR), ("lineage_key", STR),
    ("province", STR), ("city", STR), ("county", STR), ("level", STR), ("region_code", STR), ("year", I64),
    ("edition", STR), ("synthetic", BOOL),
)
VALUE: tuple[Column, ...] = (
    ("indicator", STR), ("applicant", STR), ("value", F64), ("count", I64), ("unit", STR), ("source", STR),
    ("approximate", BOOL), ("label", STR), ("evidence", STR), ("span_start", I64), ("span_end", I64),
    ("note", STR), ("raw", STR), ("table", STR), ("stated_share", F64), ("share_of", STR),
)
CHECK: tuple[Column, ...] = (
    ("check", STR), ("applicant", STR), ("status", STR), ("expected", F64), ("observed", F64),
    ("message", STR), ("evidence", STR),
)

# --------------------------------------------------------------------------- cache parts
PARSED = TableSchema("parsed", _cols([("sha256", STR), ("report_id", STR)], META, PARSE_OUTCOME))
PART_VALUES = TableSchema("values", _cols([("report_id", STR)], VALUE))
PART_CHECKS = TableSchema("checks", _cols([("report_id", STR)], CHECK))
#: what a correction row adds to a value row: the value it replaced and who corrected it
CORRECTION: tuple[Column, ...] = (("original_value", F64), ("corrected_by", STR))

# --------------------------------------------------------------------------- outputs
REPORTS = TableSchema("reports", _cols(
    [("report_id", STR), ("sha256", STR), ("source_path", STR)], META,
    [("synthetic", BOOL), ("primary", BOOL)],
    [c for c in PARSE_OUTCOME if c[0] not in ("error", "seconds")],
))
VALUES = TableSchema("values", _cols(CONTEXT, VALUE, CORRECTION))
CHECKS = TableSchema("checks", _cols(
    CONTEXT, [("scope", STR)], CHECK, [("other_report_id", STR)],
))
MANIFEST = TableSchema("manifest", (
    ("source_path", STR), ("sha256", STR), ("size", I64), ("mtime_ns", I64), ("status", STR), ("error", STR),
    ("seconds", F64), ("report_id", STR), ("n_values", I64), ("n_warnings", I64), ("synthetic", BOOL),
    ("cached", BOOL), ("parser_version", STR),
))
HARMONIZED = TableSchema("harmonized", (
    ("agency_key", STR), ("lineage_key", STR), ("agency", STR), ("province", STR), ("city", STR), ("county", STR),
    ("level", STR), ("region_code", STR), ("year", I64), ("indicator", STR), ("applicant", STR), ("value", F64),
    ("count", I64), ("unit", STR), ("rule", STR), ("quality", STR), ("comparable", BOOL), ("approximate", BOOL),
    ("parts", STR), ("edition", STR), ("report_id", STR), ("synthetic", BOOL),
))

#: output table name -> schema (``govstats.dataset.OUTPUT_TABLES``)
OUTPUTS: dict[str, TableSchema] = {s.name: s for s in (REPORTS, VALUES, CHECKS, HARMONIZED, MANIFEST)}

#: how a string column repeated from a small table (one entry per report) is carried on every
#: row while the big tables are assembled (see ``take_encoded``)
DICT_STR = pa.dictionary(pa.int32(), pa.string())


def take_encoded(column: pa.Array | pa.ChunkedArray, idx: pa.Array) -> pa.Array:
    """``column`` taken by ``idx``; a string column as a dictionary array over ``column``'s own
    entries, so that neither the take nor a Parquet writer copies or hashes a string per row (its
    nulls become null indices: Parquet refuses a null inside a dictionary)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.type != STR:
        return column.take(idx)
    enc = column.dictionary_encode()
    return pa.DictionaryArray.from_arrays(enc.indices.take(idx), enc.dictionary)


@lru_cache(maxsize=None)
def encoded_schema(schema: TableSchema, columns: frozenset[str]) -> pa.Schema:
    """``schema.arrow`` with the string ``columns`` dictionary-encoded (what ``take_encoded`` gives).
    A Parquet file written with it and ``store_schema=False`` (plus ``schema.arrow``'s metadata)
    reads back as ``schema.arrow``: Parquet keeps no trace of the dictionary."""
    return pa.schema([pa.field(name, DICT_STR if name in columns and typ == STR else typ) for name, typ in schema.columns],
                     metadata=schema.arrow.metadata)


_MAPPER = {I64: pd.Int64Dtype(), F64: pd.Float64Dtype(), BOOL: pd.BooleanDtype()}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with nullable dtypes (Int64 / Float64 / boolean)."""
    return table.to_pandas(types_mapper=_MAPPER.get)


__all__ = ["CHECKS", "DICT_STR", "HARMONIZED", "MANIFEST", "OUTPUTS", "PARSED", "PART_CHECKS", "PART_VALUES", "REPORTS",
           "TableSchema", "VALUES", "encoded_schema", "take_encoded", "to_frame"]
