"""Property-based tests on mutated real rows: the validator never crashes and never calls an
invalid typed value valid; the loader returns exactly the text of every text cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import edit
import pytest
from conftest import TABLES_WITH_ROWS, copy_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pakrus

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TYPED = [(t, f) for t in TABLES_WITH_ROWS for f in pakrus.schema(t)["fields"] if f["type"] != "string"]
ENUMS = [(t, f) for t in TABLES_WITH_ROWS for f in pakrus.schema(t)["fields"] if f.get("constraints", {}).get("enum")]
FREE_TEXT = [
    (t, f["name"])
    for t in TABLES_WITH_ROWS
    for f in pakrus.schema(t)["fields"]
    if f["type"] == "string" and not f.get("constraints")
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return copy_package(tmp_path_factory.mktemp("base") / "pkg")


def _fresh(base: Path, name: str) -> Path:
    target = base.parent / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


def _invalid_for(field: dict):
    """Text that cannot be read as the field's type (never the empty cell, which is missing)."""
    kind = field["type"]
    if kind == "date":
        return st.one_of(
            st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.text(min_size=1).filter(lambda s: not _is_date(s))
        )
    if kind == "boolean":
        return st.text(min_size=1).filter(lambda s: s not in ("true", "false"))
    if kind == "number":
        return st.one_of(
            st.sampled_from(["NaN", "inf", "-INF", "1e999", "1,000", "12 %", "one"]),
            st.text(min_size=1).filter(lambda s: not _is_number(s)),
        )
    return st.text(min_size=1).filter(lambda s: not s.lstrip("+-").isdigit())


def _is_date(s: str) -> bool:
    import datetime as dt
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return False
    try:
        dt.date.fromisoformat(s)
        return True
    except ValueError:
        return False


def _is_number(s: str) -> bool:
    import re

    return bool(re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", s)) and float(s) != float("inf")


@SETTINGS
@given(data=st.data())
def test_an_unreadable_typed_value_is_never_valid(base, data):
    table, field = data.draw(st.sampled_from(TYPED))
    value = data.draw(_invalid_for(field).filter(lambda s: "\x00" not in s and "\r" not in s))
    pkg = _fresh(base, "typed")
    row = data.draw(st.integers(0, len(edit.read(pkg, table)[1]) - 1))
    line = edit.set_cell(pkg, table, row, field["name"], value)
    pakrus.rehash(pkg)
    report = pakrus.validate(pkg)
    assert not report.valid
    assert any(p.file == f"data/{table}.csv" and p.line >= line for p in report.problems)


@SETTINGS
@given(data=st.data())
def test_an_enum_value_outside_the_list_is_never_valid(base, data):
    table, field = data.draw(st.sampled_from(ENUMS))
    value = data.draw(
        st.text(min_size=1).filter(
            lambda s: s not in field["constraints"]["enum"] and "\x00" not in s and "\r" not in s
        )
    )
    pkg = _fresh(base, "enum")
    line = edit.set_cell(pkg, table, 0, field["name"], value)
    pakrus.rehash(pkg)
    report = pakrus.validate(pkg)
    assert (f"data/{table}.csv", line, edit.column(table, field["name"]), "enum") in {
        (p.file, p.line, p.column, p.code) for p in report.problems
    }


@SETTINGS
@given(data=st.data())
def test_load_returns_exactly_the_text_of_a_text_cell(base, data):
    table, name = data.draw(st.sampled_from(FREE_TEXT))
    value = data.draw(
        st.one_of(
            st.sampled_from(["NA", "N/A", "None", "null", "nan", "NaN", "0042", "-", " ", "#N/A"]), st.text(min_size=1)
        ).filter(lambda s: "\x00" not in s and "\r" not in s)
    )
    pkg = _fresh(base, "text")
    edit.set_cell(pkg, table, 0, name, value)
    pakrus.rehash(pkg)
    assert pakrus.load(table, pkg)[name].iloc[0] == value
    pakrus.validate(pkg)  # whatever it reports, it must not crash
