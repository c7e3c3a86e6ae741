"""The canonical form of the CSV files: UTF-8, \\n line ends, columns in schema order, rows in key order,
minimal quoting. `pakrus fmt` rewrites a package into it (and refreshes the hashes); it moves
cells and rows but never changes the text of a cell.
"""

from __future__ import annotations

import csv
import io
import os

import pandas as pd

from pakrus import _files, _load, _scan, _schema
from pakrus._files import DESCRIPTOR
from pakrus._problems import PakrusError, Problem

# What fmt may repair; anything else must be fixed by hand first.
REPAIRABLE = {"bom", "line-ending", "blank-line", "header-mismatch"}


def fmt(path: str | os.PathLike = ".", check: bool = False) -> list[str]:
    """Rewrite every CSV file of the package in canonical form; return the files that changed
    (with `check`, the files that would change, and nothing is written)."""
    root = _files.find_root(path)
    changed, problems = [], []
    for resource in _files.read_json(root, DESCRIPTOR).value["resources"]:
        schema = _files.read_json(root, resource["schema"]).value
        data = _files.resource_path(root, resource).read_bytes()
        text, found = canonical(data, resource["path"], schema)
        problems += found
        if text is not None and text != data:
            changed.append(resource["path"])
            if not check:
                _files.resource_path(root, resource).write_bytes(text)
    if problems:
        raise PakrusError(problems)
    if changed and not check:
        _load.rehash(root)
    return changed


def canonical(data: bytes, rel: str, schema: dict) -> tuple[bytes | None, list[Problem]]:
    """The canonical bytes of one file, or None with the problems that prevent a safe rewrite."""
    names = _schema.names(schema)
    header = _scan.read(data, rel, names).header
    if sorted(header) == sorted(names) and header != names:  # reordered columns: read them as they stand
        raw = _scan.read(data, rel, header)
    else:
        raw = _scan.read(data, rel, names)
    blocking = [
        p for p in raw.problems if p.code not in REPAIRABLE or (p.code == "header-mismatch" and not raw.readable)
    ]
    if blocking or not raw.readable:
        return None, blocking or raw.problems
    frame = raw.frame[names].fillna("")
    key = _schema.primary_key(schema)
    frame = frame.sort_values(key, kind="stable") if key else frame
    return render_csv(frame), []


def render_csv(frame: pd.DataFrame) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return out.getvalue().encode("utf-8")


def render(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """A loaded table back as the text of its cells, the inverse of `load`'s reading."""
    out = {}
    for field in _schema.fields(schema):
        values = frame[field["name"]]
        kind = field.get("type", "string")
        if kind == "date":
            text = values.dt.strftime("%Y-%m-%d")
        elif kind == "boolean":
            text = values.map(
                {True: field.get("trueValues", ["true"])[0], False: field.get("falseValues", ["false"])[0]}
            )
        elif kind == "number":
            text = values.map(lambda v: str(int(v)) if float(v).is_integer() else repr(float(v)), na_action="ignore")
        else:
            text = values.astype(object).map(str, na_action="ignore")
        out[field["name"]] = text.astype(object).where(values.notna(), "")
    return pd.DataFrame(out)
