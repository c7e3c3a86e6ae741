"""Editing a copy of the package the way a contributor would: cell by cell, through the csv module."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pakrus


def path(pkg: Path, table: str) -> Path:
    resource = next(r for r in json.loads((pkg / "datapackage.json").read_text())["resources"] if r["name"] == table)
    return pkg / resource["path"]


def read(pkg: Path, table: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows, and the physical line on which each row starts."""
    text = path(pkg, table).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header, rows, lines = next(reader), [], []
    start = reader.line_num + 1
    for row in reader:
        rows.append(row)
        lines.append(start)
        start = reader.line_num + 1
    return header, rows, lines


def write(pkg: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path(pkg, table).write_bytes(out.getvalue().encode("utf-8"))


def row_text(row: list[str]) -> bytes:
    """A row as the csv module writes it, without its line end."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue().rstrip("\n").encode("utf-8")


def column(table: str, field: str) -> int:
    """1-based position of a field in its table."""
    return [f["name"] for f in pakrus.schema(table)["fields"]].index(field) + 1


def cell(pkg: Path, table: str, row: int, field: str) -> str:
    header, rows, _ = read(pkg, table)
    return rows[row][header.index(field)]


def set_cell(pkg: Path, table: str, row: int, field: str, value: str) -> int:
    """Set one cell; return the physical line of its row."""
    header, rows, lines = read(pkg, table)
    rows[row][header.index(field)] = value
    write(pkg, table, header, rows)
    return lines[row]


def find(pkg: Path, table: str, **where) -> int:
    """Index of the first row whose cells equal `where`."""
    header, rows, _ = read(pkg, table)
    for i, row in enumerate(rows):
        if all(row[header.index(k)] == v for k, v in where.items()):
            return i
    raise LookupError(f"no row of {table} with {where}")


def line_of(pkg: Path, table: str, row: int) -> int:
    return read(pkg, table)[2][row]


def delete_rows(pkg: Path, table: str, **where) -> int:
    header, rows, _ = read(pkg, table)
    kept = [r for r in rows if not all(r[header.index(k)] == v for k, v in where.items())]
    write(pkg, table, header, kept)
    return len(rows) - len(kept)


def append_row(pkg: Path, table: str, row: list[str]) -> int:
    """Append a row; return its physical line."""
    header, rows, _ = read(pkg, table)
    write(pkg, table, header, [*rows, row])
    return read(pkg, table)[2][-1]
