"""Cross-field and cross-table checks: foreign keys from the schemas, the rest from validation/checks.json.

Every check works on whole columns (no Python loop over rows); only failing rows are visited
to write their messages.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pakrus import _schema
from pakrus._problems import Problem


@dataclass
class Table:
    """One table as the validator sees it: typed frame (enums as strings) and physical lines."""

    name: str
    rel: str
    schema: dict
    frame: pd.DataFrame
    lines: np.ndarray
    complete: bool = True  # False when rows were left out; then no check looks up ids in this table

    def column(self, field: str) -> int:
        return _schema.names(self.schema).index(field) + 1

    def report(self, mask, field: str, code: str, message) -> list[Problem]:
        """A problem at `field` for every row where `mask` holds; `message(i)` words it."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        return [Problem(self.rel, int(self.lines[i]), self.column(field), code, message(i)) for i in rows]

    def value(self, field: str, i: int) -> str:
        return _schema.show(self.frame[field].iloc[i])


# Foreign keys (declared in the Table Schemas)


def foreign_keys(tables: dict[str, Table]) -> list[Problem]:
    out = []
    for table in tables.values():
        for fk in table.schema.get("foreignKeys", []):
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            target = tables.get(ref.get("resource") or table.name)
            if target is not None and target.complete:
                out += _foreign_key(table, fields, target, _as_list(ref["fields"]))
    return out


def _foreign_key(table: Table, fields: list[str], target: Table, keys: list[str]) -> list[Problem]:
    child = table.frame[fields]
    present = child.notna().all(axis=1).to_numpy()
    found = _in(_joined(child), _joined(target.frame[keys]))

    hint = _Hints(lambda: target.frame[keys[0]].dropna().astype(str).to_numpy())

    def message(i):
        value = "/".join(str(child.iloc[i][f]) for f in fields)
        return f"{'/'.join(fields)} {value!r} is not a {'/'.join(keys)} of {target.rel}" + hint(value)

    return table.report(present & ~found, fields[0], "foreign-key", message)


def _joined(frame: pd.DataFrame) -> pa.ChunkedArray:
    """One key per row, as text: the single column, or the columns joined (missing if any part is)."""
    parts = [_schema.arrow(frame[name]) for name in frame.columns]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")


class _Hints:
    """ "Did you mean ...?" for unknown ids: the closest of the known ids (up to 100 000 of them,
    read once). Each hint compares the id with every candidate, so one check words hints for its
    first 200 problems only: a fork with thousands of broken ids is reported in seconds, not hours."""

    LIMIT = 200

    def __init__(self, candidates):
        self.candidates = functools.cache(lambda: list(candidates()[:100_000]))
        self.given = 0

    def __call__(self, value: str) -> str:
        self.given += 1
        close = difflib.get_close_matches(value, self.candidates(), n=1, cutoff=0.6) if self.given <= self.LIMIT else []
        return f"; did you mean {close[0]!r}?" if close else "; add that row or correct the id"


# Checks named in validation/checks.json


def run(spec: dict, tables: dict[str, Table]) -> list[Problem]:
    out, tables = [], _Tables(tables)
    for check in spec.get("checks", []):
        # A table that could not be read, or only in part, is reported already; looking ids up
        # in it would only add false alarms.
        remote = _remote_tables(check)
        if check["table"] in tables and all(t in tables and tables[t].complete for t in remote):
            out += KINDS[check["kind"]][0](check, tables)
    return out


class _Tables(dict):
    """The tables of one run, remembering the distinct values of the columns that checks look up
    (several checks look ids up in the same columns)."""

    def __init__(self, tables: dict[str, Table]):
        super().__init__(tables)
        self.distinct: dict[str, pa.Array] = {}


def _remote_tables(check: dict) -> set[str]:
    return {str(ref).partition(".")[0] for key in KINDS[check["kind"]][2] for ref in _as_list(check.get(key, []))}


def _order(check, tables):
    t = tables[check["table"]]
    lo, hi = check["fields"]
    a, b = t.frame[lo], t.frame[hi]
    bad = (a.notna() & b.notna() & (b < a)).to_numpy(dtype=bool, na_value=False)
    code = check.get("code", "date-order")
    return t.report(
        bad,
        hi,
        code,
        lambda i: (
            f"{hi} {t.value(hi, i)} is before {lo} {t.value(lo, i)}; {check.get('description', 'swap or correct them')}"
        ),
    )


_UNITS = {"month": ("MS", "ME"), "year": ("YS", "YE")}


def _precision(check, tables):
    t = tables[check["table"]]
    s_name, e_name, p_name = check["fields"]
    s, e, p = t.frame[s_name], t.frame[e_name], t.frame[p_name].astype("string")
    code = check.get("code", "date-precision")
    dated = p.notna() & (p != "undated")
    out = []
    out += t.report(
        ((p == "undated") | p.isna()) & (s.notna() | e.notna()),
        p_name,
        code,
        lambda i: (
            f"{p_name} is {t.value(p_name, i)} but dates are given; "
            "give the precision the dates have, or empty the dates"
        ),
    )
    for name, col in ((s_name, s), (e_name, e)):
        out += t.report(
            dated & col.isna(),
            name,
            code,
            lambda i, name=name: (
                f"{name} is empty but {p_name} is {t.value(p_name, i)}; give the earliest and latest possible days"
            ),
        )
    for name, col, at_start in ((s_name, s, True), (e_name, e, False)):
        bad = dated & col.notna() & ~_aligned(col, p, at_start)
        out += t.report(
            bad,
            name,
            code,
            lambda i, name=name, at_start=at_start: (
                f"{name} {t.value(name, i)} is not the {'first' if at_start else 'last'} day of a "
                f"{t.value(p_name, i).strip(chr(39))}, as {p_name} {t.value(p_name, i)} requires"
            ),
        )
    return out


def _aligned(dates: pd.Series, precision: pd.Series, at_start: bool) -> pd.Series:
    """Whether each date is the first (or last) day of its precision's unit; day is always aligned."""
    d = dates.dt
    month_ok = (d.day == 1) if at_start else d.is_month_end
    year_ok = month_ok & (d.month == (1 if at_start else 12))
    decade_ok = year_ok & ((d.year % 10) == (0 if at_start else 9))
    result = pd.Series(True, index=dates.index)
    for unit, ok in (("month", month_ok), ("year", year_ok), ("decade", decade_ok)):
        result = result.where(~(precision == unit).fillna(False), ok.fillna(True))
    return result.astype(bool)


def _required_if(check, tables):
    t = tables[check["table"]]
    field = check["field"]
    mask = _where(t.frame, check.get("when", {})) & t.frame[field].isna()
    cond = ", ".join(f"{k} is {v if v == 'present' else ' or '.join(v)}" for k, v in check["when"].items())
    return t.report(mask, field, check.get("code", "required-if"), lambda i: f"{field} is required when {cond}")


def _reference_any(check, tables):
    t = tables[check["table"]]
    field = check["field"]
    known = _values(check["targets"], tables)
    values = t.frame[field]
    bad = values.notna().to_numpy() & ~_member(values, known)
    hint = _Hints(lambda: _unique(known).to_numpy(zero_copy_only=False))
    return t.report(
        bad,
        field,
        check.get("code", "record-unknown"),
        lambda i: (
            f"{field} {t.value(field, i)} exists in none of {', '.join(check['targets'])}" + hint(str(values.iloc[i]))
        ),
    )


def _absent(check, tables):
    t = tables[check["table"]]
    field = check["field"]
    taken = _values(check["from"], tables)
    mask = _member(t.frame[field], taken)
    return t.report(
        mask,
        field,
        check.get("code", "retired-id-in-use"),
        lambda i: (
            f"{field} {t.value(field, i)} is retired but still used in {', '.join(check['from'])}; "
            "a retired id is never reused: give the record a new id"
        ),
    )


def _referenced(check, tables):
    t = tables[check["table"]]
    field = check["field"]
    used = _values(check["by"], tables, check.get("by_where", {}))
    rows = (_where(t.frame, check.get("where", {})) & t.frame[field].notna()).to_numpy(dtype=bool)
    mask = np.zeros(len(rows), dtype=bool)
    mask[rows] = ~_member(t.frame.loc[rows, field], used)  # look up only the rows the check is about
    return t.report(
        mask,
        field,
        check.get("code", "record-uncited"),
        lambda i: (
            f"{field} {t.value(field, i)} is referenced by no row of {', '.join(check['by'])}; "
            f"{check.get('description', 'add a reference or remove the row')}"
        ),
    )


def _parent(check, tables):
    t = tables[check["table"]]
    via = check["via"]
    pname, pkey = check["parent"].split(".")
    if pname not in tables or not len(t.frame):
        return []
    needed = list(dict.fromkeys([pkey, *check.get("same", {}).values(), *check.get("parent_in", {})]))
    parent = tables[pname].frame[needed].drop_duplicates(pkey).set_index(pkey)
    keys = t.frame[via]
    has = _member(keys, _schema.arrow(parent.index.to_series()))
    code = check.get("code", "parent-mismatch")
    out = []
    for child_field, parent_field in check.get("same", {}).items():
        theirs = parent[parent_field].reindex(keys).set_axis(t.frame.index)
        mine = t.frame[child_field]
        equal = (mine.astype(object) == theirs.astype(object)).fillna(False) | (mine.isna() & theirs.isna())
        out += t.report(
            has & ~equal.astype(bool),
            child_field,
            code,
            lambda i, c=child_field, pf=parent_field, th=theirs: (
                f"{c} {t.value(c, i)} differs from {pf} {_schema.show(th.iloc[i])} of {via} "
                f"{t.value(via, i)} in {tables[pname].rel}; make them agree"
            ),
        )
    for parent_field, values in check.get("parent_in", {}).items():
        theirs = parent[parent_field].reindex(keys).set_axis(t.frame.index)
        out += t.report(
            has & ~theirs.isin(values).fillna(False),
            via,
            code,
            lambda i, pf=parent_field, th=theirs, v=values: (
                f"{via} {t.value(via, i)} has {pf} {_schema.show(th.iloc[i])} in {tables[pname].rel}, "
                f"but {t.rel} rows need {pf} {' or '.join(v)}"
            ),
        )
    return out


def _values(refs: list[str], tables: dict[str, Table], where: dict | None = None) -> pa.ChunkedArray:
    """Every non-empty value, as text, of the columns named as "table.field", in rows
    meeting `where`."""
    key = json.dumps([refs, where], sort_keys=True, default=str)
    memo = getattr(tables, "distinct", {})
    if key not in memo:
        memo[key] = _distinct(refs, tables, where)
    return memo[key]


def _distinct(refs: list[str], tables: dict[str, Table], where: dict | None) -> pa.ChunkedArray:
    chunks = []
    for name, _, col in (r.partition(".") for r in refs):
        frame = tables[name].frame
        chunks += _schema.arrow(frame[col] if not where else frame.loc[_where(frame, where), col]).chunks
    return pa.chunked_array(chunks, type=pa.large_string()).drop_null()  # repeats do no harm to a look-up


def _member(series: pd.Series, values: pa.ChunkedArray) -> np.ndarray:
    """Whether each cell is among `values` (missing cells are not); keys compare as text."""
    return _in(_schema.arrow(series), values)


def _in(keys: pa.ChunkedArray, values: pa.ChunkedArray) -> np.ndarray:
    """Arrow's hash look-up, some twenty times faster than pandas' isin at a million keys. The hash
    set is built on the smaller side: a few retired ids are not looked up in a million events by
    hashing the million."""
    if len(values) > 2 * len(keys):
        values = values.filter(pc.is_in(values, value_set=_unique(keys)))
    return pc.is_in(keys, value_set=values, skip_nulls=True).to_numpy(zero_copy_only=False)


def _unique(keys: pa.ChunkedArray) -> pa.Array:
    return pc.unique(keys).drop_null()


def _where(frame: pd.DataFrame, conditions: dict) -> pd.Series:
    """Rows meeting every condition: a field's value in a list, or "present" (not empty)."""
    mask = pd.Series(True, index=frame.index)
    for name, values in conditions.items():
        mask &= frame[name].notna() if values == "present" else frame[name].isin(values).fillna(False)
    return mask


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# kind -> (implementation, keys that name fields of `table`, keys that name "table.field")
KINDS = {
    "order": (_order, ("fields",), ()),
    "precision": (_precision, ("fields",), ()),
    "required_if": (_required_if, ("field", "when"), ()),
    "reference_any": (_reference_any, ("field",), ("targets",)),
    "referenced": (_referenced, ("field", "where"), ("by",)),  # by_where: fields of the "by" tables
    "parent": (_parent, ("via", "same"), ("parent",)),
    "absent": (_absent, ("field",), ("from",)),
}


def spec_problems(spec: object, schemas: dict[str, dict | None]) -> list[tuple[str, str]]:
    """(JSON pointer, message) for every part of checks.json that names an unknown kind, table or field.

    `schemas` maps every resource name to its Table Schema, or to None where that schema is
    unreadable (reported already): the fields of such a table are not questioned.
    """
    if not isinstance(spec, dict) or not isinstance(spec.get("checks"), list):
        return [("", "checks.json must be an object with a list `checks`")]
    out = []
    for n, check in enumerate(spec["checks"]):
        out += _check_spec(check, schemas, f"/checks/{n}")
    return out


def _check_spec(check, schemas, pointer):
    if not isinstance(check, dict) or check.get("kind") not in KINDS:
        return [(f"{pointer}/kind", f"unknown check kind; use one of: {', '.join(KINDS)}")]
    table = check.get("table")
    if table not in schemas:
        return [(f"{pointer}/table", f"table {table!r} is not a resource of datapackage.json")]
    _, local_keys, remote_keys = KINDS[check["kind"]]
    out = []
    for key in local_keys:
        out += [
            (f"{pointer}/{key}", f"{table} has no field {name!r}")
            for name in _names(check.get(key))
            if not _has(schemas, table, name)
        ]
    for key in remote_keys:
        for ref in _as_list(check.get(key, [])):
            t, _, f = str(ref).partition(".")
            if t not in schemas or not _has(schemas, t, f):
                out.append((f"{pointer}/{key}", f"{ref!r} is not a table.field of this package"))
    if check["kind"] == "referenced" and not out:
        for ref in _as_list(check.get("by", [])):
            table = str(ref).partition(".")[0]
            out += [
                (f"{pointer}/by_where", f"{table} has no field {n!r}")
                for n in check.get("by_where", {})
                if not _has(schemas, table, n)
            ]
    if check["kind"] == "parent" and not out:
        parent = str(check["parent"]).partition(".")[0]
        for key, names in (
            ("same", list(check.get("same", {}).values())),
            ("parent_in", list(check.get("parent_in", {}))),
        ):
            out += [(f"{pointer}/{key}", f"{parent} has no field {n!r}") for n in names if not _has(schemas, parent, n)]
    return out


def _has(schemas: dict, table: str, field: str) -> bool:
    return schemas[table] is None or field in _schema.names(schemas[table])


def _names(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value)
    return _as_list(value)
