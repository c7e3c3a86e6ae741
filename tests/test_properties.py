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


# The CSV reader's two paths: the fast path (Arrow reads a clean file whole) must give exactly
# what the full byte scan gives, or step aside.

CSV_PIECES = ["a", "b", "é", "Ж", " ", ",", '"', '""', "\n", "\r\n", "\r", "\0", "\t", "=", "\u200b", "\xff"]


def _same_raw(fast, full) -> None:
    assert fast.header == full.header
    assert fast.lines.tolist() == full.lines.tolist()
    assert fast.frame.columns.tolist() == full.frame.columns.tolist()
    assert fast.frame.dtypes.tolist() == full.frame.dtypes.tolist()
    assert fast.frame.astype(object).where(fast.frame.notna(), None).values.tolist() == (
        full.frame.astype(object).where(full.frame.notna(), None).values.tolist()
    )
    assert not full.problems and full.readable and full.complete


CELL_TEXT = st.text(alphabet=["a", "é", "Ж", " ", ",", '"', "\n", "\t", "=", "\u200b"], max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda width: st.tuples(st.just(width), st.lists(st.lists(CELL_TEXT, min_size=width, max_size=width)))
    ),
    st.one_of(st.none(), st.tuples(st.integers(min_value=0), st.sampled_from(CSV_PIECES))),
)
def test_fast_path_and_full_scan_read_any_bytes_alike(table, damage):
    """CSV written by the csv module, sometimes with one piece inserted anywhere."""
    import csv
    import io

    from pakrus import _scan

    width, rows = table
    expected = [f"c{i}" for i in range(width)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([expected, *rows])
    data = out.getvalue().encode()
    if damage is not None:
        at = len(expected) + damage[0] % max(1, len(data) - len(expected))
        data = data[:at] + damage[1].encode().replace(b"\xc3\xbf", b"\xff") + data[at:]
    fast = _scan._read_clean(data, expected)
    if fast is not None:  # the fast path read it: the full scan must find it clean and agree
        _same_raw(fast, _scan.read_scanned(data, "t.csv", expected))
    elif damage is None and all(any(row) for row in rows):  # clean, with no blank line: never declined
        raise AssertionError(f"fast path declined clean CSV {data!r}")


@pytest.mark.parametrize("table", TABLES_WITH_ROWS)
def test_fast_path_reads_every_shipped_table_and_agrees_with_the_full_scan(table):
    from pakrus import _files, _scan, _schema

    root = _files.default_root()
    resource = next(r for r in pakrus.package()["resources"] if r["name"] == table)
    data = (root / resource["path"]).read_bytes()
    names = _schema.names(pakrus.schema(table))
    fast = _scan._read_clean(data, names)
    assert fast is not None, "a shipped table should take the fast path"
    _same_raw(fast, _scan.read_scanned(data, resource["path"], names))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.one_of(
                st.characters(exclude_categories=("Cs",)), st.sampled_from(" =@+-\t\r\x7faeoаео\u200c\u0301")
            ),
            min_size=1,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_a_cell_screened_as_plain_passes_every_hygiene_rule(cells):
    """The Arrow screen lets the hygiene rules skip plain cells; it must never skip a bad one."""
    import pandas as pd

    from pakrus import _pandera

    s = pd.Series(cells, dtype="string")
    plain = _pandera.plain_cells(s).to_numpy()
    for code, rule in _pandera._RULES.items():
        passes = rule(s).fillna(True).to_numpy(dtype=bool)
        assert passes[plain].all(), (code, [c for c, p, ok in zip(cells, plain, passes, strict=True) if p and not ok])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z") | st.none(), min_size=1, max_size=30)
    | st.lists(st.dates().map(str) | st.none(), min_size=1, max_size=30)  # real days only: Arrow's cast
)
def test_dates_read_as_pandas_reads_them(cells):
    """pakrus cuts dates apart with Arrow and checks the calendar with numpy; the answer must be
    pandas' own strict %Y-%m-%d reading, invalid days (2021-02-30, month 13, day 00) included."""
    import pandas as pd

    from pakrus import _schema

    text = pd.Series(cells, dtype="string")
    mine = pd.Series(_schema._dates(_schema.arrow(text)).to_pandas())
    theirs = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype(_schema.DATE_DTYPE)
    assert mine.isna().tolist() == theirs.isna().tolist()
    assert mine.dropna().tolist() == theirs.dropna().tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda width: st.lists(st.tuples(*[st.sampled_from(["a", "b", "B", "é", None])] * width), max_size=8)
    ),
    st.booleans(),
)
def test_repeated_keys_are_found_whether_or_not_rows_are_in_order(rows, in_order):
    """Keys in increasing order skip the hash; the answer must be pandas' duplicated either way."""
    import pandas as pd

    from pakrus import _pandera

    rows = sorted(rows, key=lambda r: [(v is None, v or "") for v in r]) if in_order else rows
    width = len(rows[0]) if rows else 1
    keys = pd.DataFrame(rows or None, columns=[f"k{i}" for i in range(width)], dtype="string")
    assert _pandera._first_of_kind(keys).tolist() == (~keys.duplicated(keep="first")).tolist()


_NUMERIC = st.one_of(
    st.from_regex(r"\A[+-]?[0-9]{1,20}\Z"),
    st.from_regex(r"\A[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?\Z"),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["true", "false", "NaN", "inf", "1e999", "-0", "+0042", "1,000", " 1", "7\n", "١٢"]),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMERIC | st.none(), min_size=1, max_size=20))
def test_typed_cells_read_as_python_reads_them(cells):
    """The loader reads integers, years, numbers and booleans with Arrow; each value must be what
    Python's int()/float() make of the text the Table Schema's lexical form allows, and every
    other non-empty cell must be missing and reported, at its own line."""
    import math
    import re

    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from pakrus import _schema

    lexical = {"integer": _schema._INTEGER, "year": _schema._YEAR, "number": _schema._NUMBER}
    fields = [{"name": kind, "type": kind} for kind in ("integer", "year", "number", "boolean")]
    text = pa.array(cells, type=pa.large_string())
    raw = pa.Table.from_arrays([text] * len(fields), names=[f["name"] for f in fields])
    lines = np.arange(2, len(cells) + 2)
    frame, problems = _schema.parse(raw, {"fields": fields}, "t.csv", lines)
    reported = {(p.line, p.column) for p in problems}
    for col, field in enumerate(fields, start=1):
        kind = field["name"]
        for line, cell, got in zip(lines, cells, frame[kind], strict=True):
            if kind == "boolean":
                expected = {"true": True, "false": False}.get(cell)
            elif cell is not None and re.fullmatch(lexical[kind], cell):
                expected = int(cell) if kind != "number" else float(cell)
                expected = expected if kind != "number" or math.isfinite(expected) else None
            else:
                expected = None
            assert (None if got is pd.NA else got) == expected, (kind, cell)
            if kind == "number" and expected is not None:
                assert math.copysign(1, got) == math.copysign(1, expected)  # -0 stays -0
            assert ((line, col) in reported) == (cell is not None and expected is None), (kind, cell)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(" =@+-az\t\x7fé\u200bа")) | st.none(), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=12),
)
def test_the_byte_screen_is_arrows_screen(cells, cut):
    """plain_cells reads the column's bytes with numpy; on any cells, missing ones and columns
    held as slices of larger arrays included, it must say what Arrow's string kernels say."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from pakrus import _pandera

    whole = pa.array(["=pad", *cells, "pad "], type=pa.large_string()).slice(1, len(cells))  # offset != 0
    column = pa.chunked_array([whole.slice(0, cut), whole.slice(cut)])
    risky = pc.or_(pc.match_substring_regex(column, "^[ =@+\\-]"), pc.ends_with(column, " "))
    expected = pc.and_(pc.ascii_is_printable(column), pc.invert(risky)).fill_null(True).to_pylist()
    assert _pandera.plain_cells(pd.Series(pd.arrays.ArrowStringArray(column))).tolist() == expected


def test_a_missing_cell_is_plain_whatever_bytes_its_slot_spans():
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from pakrus import _pandera

    offsets = pa.py_buffer(np.array([0, 3, 3, 5], dtype=np.int64))
    validity = pa.py_buffer(np.packbits([0, 1, 1], bitorder="little"))  # the first cell is missing
    array = pa.LargeStringArray.from_buffers(3, offsets, pa.py_buffer(b"=\x01 ab"), validity, null_count=1)
    column = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array])))
    assert _pandera.plain_cells(column).tolist() == [True, True, True]
