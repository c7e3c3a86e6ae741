"""The loader: each table as a typed pandas DataFrame, after checking its bytes against datapackage.json."""

from __future__ import annotations

import hashlib
import json
import os

import pandas as pd

from pakrus import _files, _jsonpos, _scan, _schema
from pakrus._files import DESCRIPTOR
from pakrus._problems import PakrusError, Problem

PathLike = str | os.PathLike | None


def package(path: PathLike = None) -> dict:
    """The package descriptor (datapackage.json) as a dict."""
    return _files.read_json(_files.find_root(path), DESCRIPTOR).value


def tables(path: PathLike = None) -> list[str]:
    """Names of the tables, in the order of datapackage.json."""
    return [r["name"] for r in package(path)["resources"]]


def schema(name: str, path: PathLike = None) -> dict:
    """The Table Schema of table `name`."""
    root = _files.find_root(path)
    return _schema_of(root, _resource(root, name))


def load(name: str, path: PathLike = None) -> pd.DataFrame:
    """Table `name` as a DataFrame typed from its Table Schema.

    Dates are datetime64, integers Int64, numbers Float64, booleans boolean, enums categoricals
    in the schema's order, text pandas strings. Only an empty cell is missing. Raises
    PakrusError, naming file, line and column, if the file differs from datapackage.json or a
    cell cannot be read as its type: a value is never silently altered.
    """
    return located(name, path)[0]


def located(name: str, path: PathLike = None) -> tuple[pd.DataFrame, list[int], str]:
    """Like `load`, with the physical line of each row and the file's path in the package."""
    root = _files.find_root(path)
    return _located(root, _resource(root, name))


def _located(root, resource: dict) -> tuple[pd.DataFrame, list[int], str]:
    table_schema = _schema_of(root, resource)
    rel = resource["path"]
    data = _checked_bytes(root, resource)
    raw = _scan.read(data, rel, _schema.names(table_schema))
    frame, problems = _schema.parse(raw.table, table_schema, rel, raw.lines)
    if raw.problems or problems:
        raise PakrusError(raw.problems + problems)
    return frame, [int(n) for n in raw.lines], rel


def load_all(path: PathLike = None) -> dict[str, pd.DataFrame]:
    """Every table, by name, in the order of datapackage.json."""
    root = _files.find_root(path)
    return {r["name"]: _located(root, r)[0] for r in _files.read_json(root, DESCRIPTOR).value["resources"]}


def resolve(record_id: str, path: PathLike = None) -> dict:
    """What an id means in this release: its current row, or its entry in the errata list.

    An id cited in a paper always resolves: `status` is "current", "retired" or "unknown".
    """
    names = tables(path)
    for name in names:
        key = _schema.primary_key(schema(name, path))
        if name == "retired" or len(key) != 1:
            continue
        frame = load(name, path)
        row = frame[frame[key[0]] == record_id]
        if len(row):
            return {"id": record_id, "status": "current", "table": name, "record": row.iloc[0].to_dict()}
    if "retired" in names:
        retired = load("retired", path)
        row = retired[retired["record_id"] == record_id]
        if len(row):
            return {"id": record_id, "status": "retired", "table": "retired", "record": row.iloc[0].to_dict()}
    return {"id": record_id, "status": "unknown", "table": None, "record": None}


def info(path: PathLike = None) -> dict:
    """Version, licences, row counts and a citation of the package."""
    descriptor = package(path)
    return {
        "name": descriptor.get("name"),
        "title": descriptor.get("title"),
        "version": descriptor.get("version"),
        "licenses": [lic.get("name") for lic in descriptor.get("licenses", [])],
        "rows": {name: len(frame) for name, frame in load_all(path).items()},
        "citation": citation(descriptor),
    }


def citation(descriptor: dict) -> str:
    """A one-line reference to this release, built from the descriptor."""
    authors = "; ".join(c.get("title", "") for c in descriptor.get("contributors", [])) or descriptor.get("name")
    year = str(descriptor.get("created", ""))[:4] or "n.d."
    licences = ", ".join(lic.get("name", "") for lic in descriptor.get("licenses", []))
    return (
        f"{authors} ({year}). {descriptor.get('title')}, version {descriptor.get('version')} [Data set]. "
        f"Licence: {licences}. See CITATION.cff for the full citation."
    )


# Files


def _resource(root, name: str) -> dict:
    resources = _files.read_json(root, DESCRIPTOR).value["resources"]
    for resource in resources:
        if resource.get("name") == name:
            return resource
    known = ", ".join(r.get("name", "?") for r in resources)
    raise PakrusError(Problem(DESCRIPTOR, 1, 1, "table-unknown", f"no table named {name!r}; the tables are: {known}"))


def _schema_of(root, resource: dict) -> dict:
    rel = resource.get("schema")
    reason = _files.unsafe_reason(root, rel)
    if reason:
        raise PakrusError(Problem(DESCRIPTOR, 1, 1, "path-unsafe", f"schema {rel!r}: {reason}"))
    return _files.read_json(root, rel).value


def _checked_bytes(root, resource: dict) -> bytes:
    """The file's bytes, after checking its size and sha256 against the descriptor."""
    file = _files.resource_path(root, resource)
    if file.stat().st_size != resource.get("bytes"):  # refuse before reading a file of the wrong size
        raise PakrusError(
            Problem(
                DESCRIPTOR,
                *_locate(root, resource, "bytes"),
                "bytes-mismatch",
                f"{resource['path']} has {file.stat().st_size} bytes but datapackage.json says "
                f"{resource.get('bytes')}; run `pakrus validate` to see what changed",
            )
        )
    data = file.read_bytes()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if resource.get("bytes") != len(data) or resource.get("hash") != digest:
        where = _locate(root, resource, "hash")
        raise PakrusError(
            Problem(
                DESCRIPTOR,
                *where,
                "hash-mismatch",
                f"{resource['path']} ({len(data)} bytes, {digest}) is not the file "
                f"datapackage.json describes ({resource.get('bytes')} bytes, {resource.get('hash')}); "
                "run `pakrus validate` to see what changed, then `pakrus rehash` if the edit is intended",
            )
        )
    return data


def _locate(root, resource: dict, key: str) -> tuple[int, int]:
    descriptor = _files.read_json(root, DESCRIPTOR)
    index = descriptor.value["resources"].index(resource)
    return _jsonpos.locate(_jsonpos.positions(descriptor.text), f"/resources/{index}/{key}")


# Maintenance


def rehash(path: PathLike = None) -> list[str]:
    """Write every resource's byte count and sha256 into datapackage.json; return the names changed."""
    root = _files.find_root(path)
    descriptor = _files.read_json(root, DESCRIPTOR).value
    changed = []
    for resource in descriptor["resources"]:
        data = _files.resource_path(root, resource).read_bytes()
        stamp = {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        if any(resource.get(k) != v for k, v in stamp.items()):
            resource.update(stamp)
            changed.append(resource["name"])
    if changed:
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (root / DESCRIPTOR).write_bytes(text.encode("utf-8"))
    return changed
