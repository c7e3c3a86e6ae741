"""Table Schema -> pandas: the dtype of each field, and strict reading of cells into those dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pakrus._problems import Problem

SUPPORTED = ("string", "integer", "number", "boolean", "date", "year")
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # ASCII digits only: [0-9], never \d, which may match others
_INTEGER = r"[+-]?[0-9]{1,18}"
_YEAR = r"[0-9]{4}"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
DATE_DTYPE = "datetime64[s]"


def fields(schema: dict) -> list[dict]:
    return list(schema.get("fields", []))


def names(schema: dict) -> list[str]:
    return [f["name"] for f in fields(schema)]


def enum(field: dict) -> list | None:
    return field.get("constraints", {}).get("enum")


def required(field: dict, schema: dict) -> bool:
    """Required by its constraint or by being part of the primary key."""
    return bool(field.get("constraints", {}).get("required")) or field["name"] in primary_key(schema)


def primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def dtype(field: dict, categorical: bool = True):
    """The pandas dtype that `load` gives a field."""
    kind = field.get("type", "string")
    if kind == "string" and categorical and enum(field):
        return pd.CategoricalDtype(enum(field), ordered=bool(field.get("categoriesOrdered")))
    return {
        "string": "string",
        "integer": "Int64",
        "year": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "date": DATE_DTYPE,
    }[kind]


def parse(
    raw: pa.Table, schema: dict, rel: str, lines: np.ndarray, categorical: bool = True
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read every text column of `raw` (null for empty) as its field's type, as pandas columns.

    A cell that cannot be read becomes missing and yields a `type-error` (or `enum`) problem
    at its physical line; nothing else is ever changed. Every column is converted in Arrow and
    the table crosses into pandas once: column by column in pandas cost more than the read.
    """
    columns, problems = [], []
    for col, field in enumerate(fields(schema), start=1):
        text = raw.column(col - 1)
        values, code = _read(text, field, categorical)
        columns.append(values)
        if values is not text:
            bad = pc.and_(pc.is_valid(text), pc.is_null(values))
            for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)) if pc.any(bad).as_py() else ():
                problems.append(Problem(rel, int(lines[i]), col, code, _message(code, text[int(i)].as_py(), field)))
    return frame(pa.Table.from_arrays(columns, names=names(schema))), problems


def frame(table: pa.Table) -> pd.DataFrame:
    """Arrow columns -> pandas columns of the dtypes `dtype` gives, text without a copy."""
    out = table.to_pandas(types_mapper=_PANDAS.get)
    out.columns = table.column_names  # as given, even where two are the same
    return out


_PANDAS = {  # Arrow type -> the pandas dtype `dtype` gives; dates (timestamp[s]) and enums map by default
    pa.large_string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _read(text: pa.ChunkedArray, field: dict, categorical: bool):
    """(typed values, null where a cell is empty or unreadable; problem code) for one column."""
    kind = field.get("type", "string")
    if kind == "string" and not (categorical and enum(field)):
        return text, "type-error"
    if kind == "string":
        categories = pa.array(enum(field), type=pa.large_string())
        codes = pc.index_in(text, value_set=categories).combine_chunks()
        ordered = bool(field.get("categoriesOrdered"))
        return pa.DictionaryArray.from_arrays(codes, categories, ordered=ordered), "enum"
    if kind == "boolean":
        truthy = pc.is_in(text, value_set=pa.array(field.get("trueValues", ["true"]), type=pa.large_string()))
        falsy = pc.is_in(text, value_set=pa.array(field.get("falseValues", ["false"]), type=pa.large_string()))
        return pc.if_else(falsy, False, pc.if_else(truthy, True, pa.scalar(None, pa.bool_()))), "type-error"
    pattern = {"date": _DATE, "integer": _INTEGER, "year": _YEAR, "number": _NUMBER}[kind]
    ok = pc.fill_null(pc.match_substring_regex(text, f"^(?:{pattern})$"), False)
    good = pc.if_else(ok, text, pa.scalar(None, pa.large_string()))
    if kind == "date":
        return _dates(good), "type-error"
    if kind == "number":
        values = pc.cast(good, pa.float64())
        return pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64())), "type-error"
    return pc.cast(pc.utf8_ltrim(good, "+"), pa.int64()), "type-error"  # Arrow's cast refuses a leading +


def _dates(text: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """YYYY-MM-DD text (or null) -> timestamp[s]; null where no such day exists (2021-02-30).
    Arrow's cast reads a column of real dates at once but refuses the whole column for one
    impossible day; then Arrow cuts out the digits and numpy checks the calendar. (pandas' own
    parser goes through Python objects, ten times slower at a million cells.)"""
    try:
        return pc.cast(text, pa.timestamp("s"))
    except pa.ArrowInvalid:
        pass
    a = pc.fill_null(text, "1970-01-01")
    y, m, d = (pc.cast(pc.utf8_slice_codeunits(a, i, j), pa.int64()).to_numpy() for i, j in ((0, 4), (5, 7), (8, 10)))
    month = (y - 1970) * 12 + (m - 1)
    first = month.astype("datetime64[M]").astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    real = pc.is_valid(text).to_numpy(zero_copy_only=False) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= length)
    return pa.array((first + (d - 1)).astype(DATE_DTYPE), type=pa.timestamp("s"), mask=~real)


def arrow(text: pd.Series) -> pa.ChunkedArray:
    """A column as Arrow text: the array behind a pandas string column, without a copy when
    pandas keeps it in Arrow (as it does with pyarrow installed); other columns as their text."""
    text = text if text.dtype == "string" else text.astype("string")
    array = pa.array(text.array, type=pa.large_string())
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def show(value) -> str:
    """A typed cell as messages quote it: dates as YYYY-MM-DD, a missing cell as (empty)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return "(empty)"
    return repr(str(value.date()) if isinstance(value, pd.Timestamp) else str(value))


def _message(code: str, value: str, field: dict) -> str:
    name, kind = field["name"], field.get("type", "string")
    if code == "enum":
        return f"{name} {value!r} is not one of: {', '.join(enum(field))}"
    hint = {
        "date": "a real calendar date written YYYY-MM-DD",
        "integer": "a whole number without separators or decimals",
        "year": "a four-digit year",
        "number": "a finite decimal number such as 12.5, without thousands separators",
        "boolean": "one of " + ", ".join(field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])),
    }[kind]
    return f"{name} {value!r} is not a valid {kind}: expected {hint}"
