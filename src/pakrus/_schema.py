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
    raw: pd.DataFrame, schema: dict, rel: str, lines: np.ndarray, categorical: bool = True
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read every column of `raw` (strings, <NA> for empty) as its field's type.

    A cell that cannot be read becomes missing and yields a `type-error` (or `enum`) problem
    at its physical line; nothing else is ever changed.
    """
    out, problems = {}, []
    for col, field in enumerate(fields(schema), start=1):
        text = raw[field["name"]]
        values, bad, code = _read(text, field, categorical)
        out[field["name"]] = values
        for i in np.flatnonzero(bad):
            problems.append(Problem(rel, int(lines[i]), col, code, _message(code, text.iloc[i], field)))
    return pd.DataFrame(out, index=raw.index), problems


def _read(text: pd.Series, field: dict, categorical: bool):
    """(typed values, mask of unreadable cells, problem code) for one column."""
    kind = field.get("type", "string")
    if kind == "string" and not (categorical and enum(field)):
        return text, np.zeros(len(text), dtype=bool), "type-error"
    present = text.notna().to_numpy()
    if kind == "string":
        categories = pa.array(enum(field), type=pa.large_string())
        codes = pc.index_in(arrow(text), value_set=categories).fill_null(-1).to_numpy(zero_copy_only=False)
        values = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype(field)), index=text.index)
        return values, present & (codes < 0), "enum"
    if kind == "boolean":
        truthy, falsy = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        values = pd.Series(pd.NA, index=text.index, dtype="boolean")
        values[text.isin(truthy).to_numpy(dtype=bool)] = True
        values[text.isin(falsy).to_numpy(dtype=bool)] = False
        return values, present & values.isna().to_numpy(), "type-error"
    pattern = {"date": _DATE, "integer": _INTEGER, "year": _YEAR, "number": _NUMBER}[kind]
    ok = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    good = text.where(ok)
    if kind == "date":
        values = _dates(good)
    elif kind == "number":
        values = pd.to_numeric(good).astype("Float64")
        values = values.where(np.isfinite(values.to_numpy(dtype=float, na_value=0.0)))
    else:
        values = pd.to_numeric(good).astype("Int64")
    return values, present & values.isna().to_numpy(), "type-error"


def _dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD text (or <NA>) -> dates; NaT where no such day exists (2021-02-30). Arrow cuts
    out the digits and numpy checks the calendar: pandas' own parser goes through Python objects,
    ten times slower at a million cells."""
    a = pc.fill_null(arrow(text), "1970-01-01")
    y, m, d = (pc.cast(pc.utf8_slice_codeunits(a, i, j), pa.int64()).to_numpy() for i, j in ((0, 4), (5, 7), (8, 10)))
    month = (y - 1970) * 12 + (m - 1)
    first = month.astype("datetime64[M]").astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    values = (first + (d - 1)).astype(DATE_DTYPE)
    values[~(text.notna().to_numpy() & (m >= 1) & (m <= 12) & (d >= 1) & (d <= length))] = np.datetime64("NaT")
    return pd.Series(values, index=text.index)


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
