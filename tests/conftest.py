"""Shared fixtures: the shipped package, and writable copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pakrus
from pakrus import _files

CHECKOUT = Path(__file__).resolve().parents[1]
SHIPPED = _files.default_root()
PACKAGE_PARTS = ("datapackage.json", "data", "schemas", "validation")
TABLES = pakrus.tables()
TABLES_WITH_ROWS = [t for t in TABLES if len(pakrus.load(t))]  # row-editing tests need a row to edit


def copy_package(target: Path) -> Path:
    """A writable copy of the shipped data package (descriptor, data, schemas, checks)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = SHIPPED / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` with its bytes, to prove that nothing was written."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def replace_bytes(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, f"{old!r} not found in {path}"
    path.write_bytes(data.replace(old, new, 1))


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "pkg")


def located(report) -> set[tuple[str, int, int, str]]:
    return {(p.file, p.line, p.column, p.code) for p in report.problems}
