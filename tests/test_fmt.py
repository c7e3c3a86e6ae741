"""The canonical form: `fmt` repairs what it safely can, never changes a cell, and canonical files
round-trip byte for byte through `load` and `fmt`."""

from __future__ import annotations

import edit
import pytest
from conftest import SHIPPED, TABLES, copy_package, snapshot

import pakrus
from pakrus._fmt import render, render_csv
from pakrus.cli import main


@pytest.mark.parametrize("table", TABLES)
def test_every_shipped_table_round_trips_through_load(table):
    path = SHIPPED / f"data/{table}.csv"
    frame = render(pakrus.load(table), pakrus.schema(table))
    assert render_csv(frame) == path.read_bytes()


def test_shipped_package_is_canonical(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    before = snapshot(pkg)
    assert pakrus.fmt(pkg, check=True) == []
    assert pakrus.fmt(pkg) == []
    assert snapshot(pkg) == before


def test_fmt_repairs_bom_crlf_blank_lines_row_and_column_order(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    canonical = snapshot(pkg)
    header, rows, _ = edit.read(pkg, "visits")
    order = [header.index(n) for n in reversed(header)]
    edit.write(pkg, "visits", [header[i] for i in order], [[r[i] for i in order] for r in reversed(rows)])
    path = edit.path(pkg, "visits")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n").replace(b"\r\n", b"\r\n\r\n", 1))
    pakrus.rehash(pkg)
    assert not pakrus.validate(pkg).valid
    assert pakrus.fmt(pkg, check=True) == ["data/visits.csv"]
    assert pakrus.fmt(pkg) == ["data/visits.csv"]
    assert snapshot(pkg) == canonical
    assert pakrus.validate(pkg).valid


def test_fmt_refuses_what_it_cannot_repair_and_writes_nothing(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    header, rows, _ = edit.read(pkg, "citations")
    rows[0].append("stray")
    edit.write(pkg, "citations", header, rows)
    before = snapshot(pkg)
    with pytest.raises(pakrus.PakrusError) as raised:
        pakrus.fmt(pkg)
    assert [p.code for p in raised.value.problems] == ["extra-cells"]
    assert snapshot(pkg) == before


def test_cli_check_exits_1_when_a_file_is_not_canonical(tmp_path, capsys):
    pkg = copy_package(tmp_path / "pkg")
    header, rows, _ = edit.read(pkg, "events")
    edit.write(pkg, "events", header, list(reversed(rows)))
    assert main(["fmt", str(pkg), "--check"]) == 1
    assert capsys.readouterr().out.strip() == "would reformat data/events.csv"
    assert main(["fmt", str(pkg)]) == 0
    assert main(["fmt", str(pkg), "--check"]) == 0
