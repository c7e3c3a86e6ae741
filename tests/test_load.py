"""The loader: typed tables, exactly what the files hold, checked against the descriptor."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import SHIPPED, TABLES, replace_bytes

import pakrus


def _schema(name):
    return pakrus.schema(name)


def _records(name, root=SHIPPED):
    resource = next(r for r in pakrus.package(root)["resources"] if r["name"] == name)
    text = (root / resource["path"]).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", TABLES)
def test_columns_follow_the_schema(name):
    frame = pakrus.load(name)
    assert list(frame.columns) == [f["name"] for f in _schema(name)["fields"]]


@pytest.mark.parametrize("name", TABLES)
def test_dtypes_follow_the_schema(name):
    frame = pakrus.load(name)
    for field in _schema(name)["fields"]:
        dtype = frame[field["name"]].dtype
        enum = field.get("constraints", {}).get("enum")
        if enum:
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == enum
            assert dtype.ordered == bool(field.get("categoriesOrdered"))
        else:
            expected = {
                "string": "string",
                "integer": "Int64",
                "year": "Int64",
                "number": "Float64",
                "boolean": "boolean",
            }.get(field["type"])
            if field["type"] == "date":
                assert dtype.kind == "M", field["name"]
            else:
                assert str(dtype) == expected, field["name"]


@pytest.mark.parametrize("name", TABLES)
def test_every_cell_is_what_the_file_holds(name):
    """Read independently with the csv module: each loaded value prints back to its cell's text."""
    header, *rows = _records(name)
    frame = pakrus.load(name)
    assert len(frame) == len(rows)
    for col, field in enumerate(_schema(name)["fields"]):
        assert header[col] == field["name"]
        loaded = frame[field["name"]]
        for i, row in enumerate(rows):
            assert _text(loaded.iloc[i], field) == row[col], (name, i + 2, field["name"])


def _text(value, field) -> str:
    if pd.isna(value):
        return ""
    if field["type"] == "date":
        return value.strftime("%Y-%m-%d")
    if field["type"] == "boolean":
        return field.get("trueValues", ["true"])[0] if value else field.get("falseValues", ["false"])[0]
    if field["type"] == "number":
        return format(float(value), "g") if float(value) != int(value) else str(int(value))
    return str(value)


def test_only_the_empty_cell_is_missing_and_leading_zeros_survive(package):
    path = package / "data" / "events.csv"
    replace_bytes(path, b",Islamabad,PAK,", b",NA,PAK,")
    replace_bytes(path, b"Russian defence minister Shoigu visits Islamabad", b"007")
    replace_bytes(path, b",Moscow,RUS,", b",None,RUS,")
    pakrus.rehash(package)
    events = pakrus.load("events", package)
    assert events.loc[0, "place"] == "NA"
    assert events.loc[0, "title"] == "007"
    assert events.loc[2, "place"] == "None"


def test_path_is_a_directory_or_its_descriptor(package):
    by_dir = pakrus.load("events", package)
    by_file = pakrus.load("events", package / "datapackage.json")
    pd.testing.assert_frame_equal(by_dir, by_file)
    assert pakrus.tables(package) == TABLES


def test_load_all_returns_every_table_in_descriptor_order():
    assert list(pakrus.load_all()) == TABLES


def test_version_is_the_descriptors():
    assert pakrus.__version__ == pakrus.package()["version"]


def test_a_changed_file_is_refused_with_its_location(package):
    replace_bytes(package / "data" / "trade.csv", b"162", b"163")
    with pytest.raises(pakrus.PakrusError) as raised:
        pakrus.load("trade", package)
    [problem] = raised.value.problems
    assert (problem.file, problem.code) == ("datapackage.json", "hash-mismatch")
    assert problem.line > 1
    assert "pakrus rehash" in problem.message


def test_an_unreadable_cell_is_refused_with_its_location(package):
    replace_bytes(package / "data" / "events.csv", b"2014-11-21,2014-11-21,day", b"2014-13-01,2014-11-21,day")
    pakrus.rehash(package)
    with pytest.raises(pakrus.PakrusError) as raised:
        pakrus.load("events", package)
    assert [(p.file, p.line, p.column, p.code) for p in raised.value.problems] == [
        ("data/events.csv", 2, 2, "type-error")
    ]


def test_an_enum_value_outside_the_schema_is_refused(package):
    replace_bytes(package / "data" / "events.csv", b",occurred,", b",happened,")
    pakrus.rehash(package)
    with pytest.raises(pakrus.PakrusError) as raised:
        pakrus.load("events", package)
    assert [(p.line, p.code) for p in raised.value.problems] == [(2, "enum")]


def test_an_unknown_table_names_the_tables():
    with pytest.raises(pakrus.PakrusError, match="events"):
        pakrus.load("event")


def test_import_and_load_pull_in_neither_frictionless_nor_pandera():
    code = (
        "import sys, pakrus; pakrus.load_all(); pakrus.info(); "
        "print([m for m in sys.modules if m.split('.')[0] in ('frictionless', 'pandera')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.replace("'", '"')) == []
