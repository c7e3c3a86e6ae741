"""Exports read back equal to `load`, and carry the codebook with them."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from conftest import TABLES

import pakrus
from pakrus._export import FORMATS, export, read_back
from pakrus.cli import main


@pytest.fixture(scope="module")
def loaded():
    return pakrus.load_all()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_reads_back_equal_to_load(tmp_path, loaded, fmt):
    pakrus.export(fmt, tmp_path)
    back = read_back(fmt, tmp_path, {name: pakrus.schema(name) for name in TABLES})
    for name in TABLES:
        pd.testing.assert_frame_equal(back[name], loaded[name], check_dtype=True)


def test_parquet_keeps_the_descriptions(tmp_path):
    import pyarrow.parquet as pq

    pakrus.export("parquet", tmp_path)
    for name in TABLES:
        schema = pq.read_schema(tmp_path / f"{name}.parquet")
        for field in pakrus.schema(name)["fields"]:
            assert schema.field(field["name"]).metadata[b"description"].decode() == field["description"]


def test_stata_has_variable_and_value_labels(tmp_path):
    pakrus.export("dta", tmp_path)
    with pd.io.stata.StataReader(tmp_path / "events.dta") as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
    fields = {f["name"]: f for f in pakrus.schema("events")["fields"]}
    assert labels["event_id"] == fields["event_id"]["description"][:80]
    assert set(values["date_precision"].values()) == set(fields["date_precision"]["constraints"]["enum"])


def test_excel_never_writes_a_formula(tmp_path, loaded):
    import openpyxl

    frames = dict(loaded)
    events = frames["events"].copy()
    events.loc[0, "notes"] = '=HYPERLINK("http://example.invalid")'
    events.loc[1, "notes"] = "+1-2"
    frames["events"] = events
    export("xlsx", tmp_path, frames=frames)
    sheet = openpyxl.load_workbook(tmp_path / "pakrus.xlsx")["events"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert {c.value for c in cells} >= {events.loc[0, "notes"], "+1-2"}
    assert len(openpyxl.load_workbook(tmp_path / "pakrus.xlsx").sheetnames) == len(TABLES)


def test_sqlite_declares_primary_and_foreign_keys(tmp_path):
    pakrus.export("sqlite", tmp_path)
    with sqlite3.connect(tmp_path / "pakrus.sqlite") as db:
        for name in TABLES:
            schema = pakrus.schema(name)
            pk = [row[1] for row in sorted(db.execute(f'PRAGMA table_info("{name}")'), key=lambda r: r[5]) if row[5]]
            assert pk == schema["primaryKey"]
            declared = {(row[2], row[3]) for row in db.execute(f'PRAGMA foreign_key_list("{name}")')}
            wanted = {
                (fk["reference"].get("resource") or name, fk["fields"][0]) for fk in schema.get("foreignKeys", [])
            }
            assert declared == wanted
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_cli_writes_the_same_files(tmp_path, capsys):
    assert main(["export", "--format", "parquet", "--out", str(tmp_path)]) == 0
    assert sorted(capsys.readouterr().out.split()) == sorted(str(tmp_path / f"{n}.parquet") for n in TABLES)
