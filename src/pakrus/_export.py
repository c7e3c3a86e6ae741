"""Exports of the loaded tables to Parquet, Stata, Excel and SQLite, with the codebook carried along.

Each writer takes the typed frames that `load` returns and the Table Schemas; `read_back` reads
an export into frames typed the same way, so that a round trip can be checked value for value.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pandas as pd

from pakrus import _load, _schema

FORMATS = {"parquet": ".parquet", "dta": ".dta", "xlsx": ".xlsx", "sqlite": ".sqlite"}
_SQL_TYPES = {
    "string": "TEXT",
    "date": "TEXT",
    "integer": "INTEGER",
    "year": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
}


def export(
    format: str,
    out: str | os.PathLike,
    path: str | os.PathLike | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
    panel: bool = False,
) -> list[Path]:
    """Write every table of the package at `path` (or `frames`) in `format` into folder `out`;
    with `panel`, the dyad-year panel too, as a table named `panel`."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of: {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = dict(frames) if frames is not None else _load.load_all(path)
    schemas = {name: _load.schema(name, path) for name in frames}
    if panel:
        from pakrus._panel import panel as build_panel
        from pakrus._panel import panel_schema

        frames["panel"], schemas["panel"] = build_panel(path, frames), panel_schema(path)
    return {"parquet": _parquet, "dta": _stata, "xlsx": _excel, "sqlite": _sqlite}[format](frames, schemas, out)


# Writers


def _parquet(frames, schemas, out) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    for name, frame in frames.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        descriptions = {f["name"]: f.get("description", "") for f in _fields(schemas[name])}
        fields = [field.with_metadata({"description": descriptions.get(field.name, "")}) for field in table.schema]
        metadata = dict(table.schema.metadata or {})
        metadata[b"pakrus:table_schema"] = json.dumps(schemas[name], ensure_ascii=False).encode()
        table = table.cast(pa.schema(fields, metadata=metadata))
        path = out / f"{name}.parquet"
        pq.write_table(table, path)
        written.append(path)
    return written


def _stata(frames, schemas, out) -> list[Path]:
    written = []
    for name, frame in frames.items():
        fields = {f["name"]: f for f in _fields(schemas[name])}
        data = frame.copy()
        for column in data.columns:
            if str(data[column].dtype) == "boolean":  # Stata has no boolean: 0/1 with value labels
                data[column] = pd.Categorical(
                    data[column].map({True: "true", False: "false"}), categories=["false", "true"]
                )
        if data.empty:  # pandas cannot write value labels of an empty categorical; no value needs one
            data = data.astype({c: object for c in data.columns if isinstance(data[c].dtype, pd.CategoricalDtype)})
        labels = {c: fields.get(c, {}).get("description", "")[:80] for c in data.columns}
        dates = {c: "td" for c in data.columns if data[c].dtype.kind == "M"}
        path = out / f"{name}.dta"
        data.to_stata(
            path,
            version=118,
            write_index=False,
            variable_labels=labels,
            convert_dates=dates,
            data_label=(schemas[name] or {}).get("title", name)[:80],
        )
        written.append(path)
    return written


def _excel(frames, schemas, out) -> list[Path]:
    path = out / "pakrus.xlsx"
    # strings_to_formulas=False: a cell starting with "=", "+", "-" or "@" is written as text, never run.
    with pd.ExcelWriter(
        path,
        engine="xlsxwriter",
        engine_kwargs={
            "options": {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        },
    ) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return [path]


def _sqlite(frames, schemas, out) -> list[Path]:
    path = out / "pakrus.sqlite"
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        for name in _dependency_order(schemas):
            db.execute(_create_table(name, schemas[name]))
            frame = frames[name]
            rows = [[_sql_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
            marks = ", ".join("?" * len(frame.columns))
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    return [path]


def _create_table(name: str, schema: dict) -> str:
    columns = []
    for field in _fields(schema):
        required = field.get("constraints", {}).get("required") or field["name"] in _schema.primary_key(schema)
        columns.append(
            f'"{field["name"]}" {_SQL_TYPES.get(field.get("type", "string"), "TEXT")}'
            + (" NOT NULL" if required else "")
        )
    columns.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in _schema.primary_key(schema)) + ")")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        target = ref.get("resource") or name
        columns.append(f'FOREIGN KEY ({_names(fk["fields"])}) REFERENCES "{target}" ({_names(ref["fields"])})')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _names(fields) -> str:
    return ", ".join(f'"{f}"' for f in ([fields] if isinstance(fields, str) else fields))


def _dependency_order(schemas: dict[str, dict]) -> list[str]:
    """Tables ordered so that every foreign key points to a table created before it."""
    order, pending = [], dict(schemas)
    while pending:
        ready = [
            n
            for n, s in pending.items()
            if all((fk["reference"].get("resource") or n) in [*order, n] for fk in s.get("foreignKeys", []))
        ]
        for name in ready or list(pending):
            order.append(name)
            pending.pop(name)
    return order


def _sql_value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return int(value)
    return value.item() if hasattr(value, "item") else value


def _fields(schema: dict | None) -> list[dict]:
    return list((schema or {}).get("fields", []))


# Reading back, typed as `load` types


def read_back(format: str, folder: str | os.PathLike, schemas: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Read an export written by `export` into frames with the dtypes `load` gives."""
    folder = Path(folder)
    frames = {}
    for name, schema in schemas.items():
        if format == "parquet":
            frame = pd.read_parquet(folder / f"{name}.parquet")
        elif format == "dta":
            frame = pd.read_stata(folder / f"{name}.dta")
        elif format == "xlsx":
            frame = pd.read_excel(folder / "pakrus.xlsx", sheet_name=name[:31], dtype=object)
        else:
            with sqlite3.connect(folder / "pakrus.sqlite") as db:
                frame = pd.read_sql(f'SELECT * FROM "{name}"', db)
        frames[name] = _retype(frame, schema)
    return frames


def _retype(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    out = {}
    for field in _fields(schema):
        values = frame[field["name"]]
        dtype = _schema.dtype(field)
        kind = field.get("type", "string")
        if kind == "date":
            values = pd.to_datetime(values).astype(dtype)
        elif kind == "boolean":
            values = values.map({True: True, False: False, "true": True, "false": False}, na_action="ignore").astype(
                dtype
            )
        elif kind == "string":
            values = values.astype(object).where(values.notna() & (values.astype(str) != ""), None).astype(dtype)
        else:
            values = pd.to_numeric(values).astype(dtype)
        out[field["name"]] = values
    return pd.DataFrame(out)
