"""The validator: descriptor, files and rows of a data package, every problem in one run."""

from __future__ import annotations

import hashlib
import mmap
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pakrus import _checks, _files, _jsonpos, _metadata, _scan, _schema
from pakrus._files import CHECKS, DESCRIPTOR
from pakrus._problems import PakrusError, Problem, Report


def validate(path: str | os.PathLike | None = None) -> Report:
    """Check the package at `path` (a directory or its datapackage.json; None: the shipped one).

    Never writes a file. Pandera's global switches (PANDERA_VALIDATION_ENABLED,
    PANDERA_VALIDATION_DEPTH) do not turn any check off.
    """
    problems: list[Problem] = []
    try:
        root = _files.find_root(path)
        descriptor = _files.read_json(root, DESCRIPTOR)
    except PakrusError as exc:
        return Report(tuple(sorted(exc.problems)))
    at = _Locator(descriptor)
    with _Ahead(root, descriptor.value, at) as ahead:  # rows are read while the metadata is checked
        found = _metadata.package_problems(descriptor.value)
        problems += at.all(found)
        if any(pointer in ("", "/resources") for pointer, _ in found):
            return Report(tuple(sorted(set(problems))))
        schemas, tables = _tables(root, descriptor.value, at, problems, ahead)
    # A cell that could not be read is reported once, as such, not again by every check that needs it.
    unreadable = {(p.file, p.line, p.column) for p in problems if p.code in ("type-error", "enum")}
    problems += [
        p
        for p in _checks.foreign_keys(tables) + _cross_table(root, schemas, tables)
        if (p.file, p.line, p.column) not in unreadable
    ]
    problems += _unlisted(root, descriptor.value)
    return Report(tuple(sorted(set(problems))))


class _Locator:
    """Turns (JSON pointer, message) pairs about one JSON file into located Problems."""

    def __init__(self, json_file: _files.JsonFile, code: str = "descriptor-invalid"):
        self.rel, self.code = json_file.rel, code
        self.positions = _jsonpos.positions(json_file.text)

    def __call__(self, pointer: str) -> tuple[int, int]:
        return _jsonpos.locate(self.positions, pointer)

    def problem(self, pointer: str, code: str, message: str) -> Problem:
        return Problem(self.rel, *self(pointer), code, message)

    def all(self, found: list[tuple[str, str]], code: str | None = None) -> list[Problem]:
        return [self.problem(pointer, code or self.code, message) for pointer, message in found]


# Resources


class _Ahead:
    """Reads the rows of the data files in a thread, in the order of datapackage.json, while the
    main thread imports frictionless and pandera and checks the metadata: at a million rows the
    CSV reader, which releases the GIL, runs during that fixed cost instead of after it. The
    schema file and data file of each resource are opened here, once; a file with a problem is
    left to `_tables`, which opens it again and reports the problem in its place. The thread runs
    `_scan.read` alone, which imports nothing (a test holds it to that), so no import races the
    main thread's.
    """

    def __init__(self, root: Path, descriptor: dict, at: _Locator):
        self.schemas: dict[int, _files.JsonFile] = {}
        self.files: dict[int, bytes | mmap.mmap] = {}
        self.rows: dict[int, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=1)
        resources = descriptor.get("resources")
        for i, resource in enumerate(resources if isinstance(resources, list) else []):
            if not isinstance(resource, dict):
                continue
            unread_schema: list[Problem] = []
            schema_file = _schema_file(root, resource, f"/resources/{i}", at, unread_schema)
            if not unread_schema:
                self.schemas[i] = schema_file
            unread_data: list[Problem] = []
            data = _read_file(root, resource, f"/resources/{i}", at, unread_data)
            if not unread_data:
                self.files[i] = data
            if unread_schema or unread_data:
                continue
            try:  # the fields the schema names, if it names them well enough to read a header by
                names = _schema.names(schema_file.value)
            except (AttributeError, KeyError, TypeError):
                continue
            if names and all(isinstance(name, str) for name in names):
                self.rows[i] = self.pool.submit(_scan.read, data, resource["path"], names)

    def __enter__(self) -> _Ahead:
        return self

    def __exit__(self, *_) -> None:
        self.pool.shutdown(cancel_futures=True)


def _tables(root: Path, descriptor: dict, at: _Locator, problems: list[Problem], ahead: _Ahead):
    """The valid schema of every resource, and the rows of every resource that could be read."""
    resources = [(i, r) for i, r in enumerate(descriptor["resources"]) if isinstance(r, dict)]
    names = [r.get("name") for _, r in resources]
    schemas, tables, digests = {}, {}, []
    with ThreadPoolExecutor(max_workers=1) as hashing:  # sha256 runs beside the row checks
        for i, resource in resources:
            pointer = f"/resources/{i}"
            schema_file = ahead.schemas.get(i) or _schema_file(root, resource, pointer, at, problems)
            schema = _checked_schema(schema_file, names, problems) if schema_file is not None else None
            data = ahead.files[i] if i in ahead.files else _read_file(root, resource, pointer, at, problems)
            if data is not None:
                digests.append(hashing.submit(_integrity, resource, data, pointer, at))
            schemas[resource.get("name")] = schema
            if schema is not None and data is not None:  # a valid schema is the one the rows were read by
                read = ahead.rows.get(i)
                raw = read.result() if read else _scan.read(data, resource["path"], _schema.names(schema))
                table = _rows(resource, schema, raw, problems)
                if table is not None:
                    tables[resource["name"]] = table
    for digest in digests:
        problems += digest.result()
    return schemas, tables


def _schema_file(root, resource, pointer, at, problems) -> _files.JsonFile | None:
    rel = resource.get("schema")
    reason = _files.unsafe_reason(root, rel)
    if reason:
        problems.append(at.problem(f"{pointer}/schema", "path-unsafe", f"schema {rel!r}: {reason}"))
        return None
    try:
        return _files.read_json(root, rel)
    except PakrusError as exc:
        problems += [
            p if p.code == "json-invalid" else at.problem(f"{pointer}/schema", p.code, p.message) for p in exc.problems
        ]
        return None


def _checked_schema(schema_file: _files.JsonFile, names: list, problems: list[Problem]) -> dict | None:
    found = _Locator(schema_file, "schema-invalid").all(_metadata.schema_problems(schema_file.value, names))
    problems += found
    return None if found else schema_file.value


def _read_file(root, resource, pointer, at, problems) -> bytes | mmap.mmap | None:
    rel = resource.get("path")
    reason = _files.unsafe_reason(root, rel)
    if reason:
        problems.append(at.problem(f"{pointer}/path", "path-unsafe", f"path {rel!r}: {reason}"))
        return None
    if not (root / rel).is_file():
        problems.append(
            at.problem(
                f"{pointer}/path",
                "file-missing",
                f"{rel} is listed for resource {resource.get('name')!r} but does not exist",
            )
        )
        return None
    size, declared = (root / rel).stat().st_size, resource.get("bytes")
    if isinstance(declared, int) and size > _limit(declared):  # never read a file far beyond its declared size
        problems.append(
            at.problem(
                f"{pointer}/bytes",
                "bytes-mismatch",
                f"{rel} has {size} bytes, far more than the {declared} datapackage.json declares; "
                "not read. Check that it is the right file, then run `pakrus rehash`",
            )
        )
        return None
    return _mapped(root / rel)


def _mapped(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, mapped rather than read: a large file is not copied into memory first.
    (Only the validator maps files: it never writes, so no mapping is open where a file is replaced.)"""
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return b""
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _limit(declared: int) -> int:
    """The largest size read for a file declared at `declared` bytes: ten times that, and 64 MiB more."""
    return 10 * declared + 64 * 2**20


def _integrity(resource: dict, data: bytes, pointer: str, at: _Locator) -> list[Problem]:
    """Byte count and sha256 of a file against the descriptor."""
    rel, out = resource["path"], []
    declared = resource.get("bytes")
    if declared != len(data):
        out.append(
            at.problem(
                f"{pointer}/bytes",
                "bytes-mismatch",
                f"{rel} has {len(data)} bytes but datapackage.json says {declared}; "
                "if the edit is intended, run `pakrus rehash`",
            )
        )
    algorithm, _, digest = str(resource.get("hash", "")).rpartition(":")
    if algorithm != "sha256":
        out.append(
            at.problem(
                f"{pointer}/hash",
                "hash-unsupported",
                f"hash {resource.get('hash')!r} of {rel}: pakrus needs 'sha256:<hex digest>'; run `pakrus rehash`",
            )
        )
    elif hashlib.sha256(data).hexdigest() != digest:
        out.append(
            at.problem(
                f"{pointer}/hash",
                "hash-mismatch",
                f"{rel} has sha256 {hashlib.sha256(data).hexdigest()} but datapackage.json says {digest}; "
                "if the edit is intended, run `pakrus rehash`",
            )
        )
    return out


def _rows(resource: dict, schema: dict, raw: _scan.Raw, problems: list[Problem]) -> _checks.Table | None:
    """The table's rows, typed, after the cell-level checks; None when no row could be read."""
    from pakrus import _pandera  # here, not above: pandera imports while the first rows are read

    rel = resource["path"]
    if not raw.readable:  # leave it out of the cross-table checks rather than report its rows as missing
        problems += raw.problems
        return None
    frame, type_problems = _schema.parse(raw.table, schema, rel, raw.lines, categorical=False)
    unreadable = {(p.line, p.column) for p in type_problems}
    cell_problems = [
        p for p in _pandera.problems(schema, frame, rel, raw.lines) if (p.line, p.column) not in unreadable
    ]
    problems += raw.problems + type_problems + cell_problems
    return _checks.Table(resource["name"], rel, schema, frame, raw.lines, raw.complete)


# Package-wide


def _cross_table(root: Path, schemas: dict, tables: dict) -> list[Problem]:
    if not (root / CHECKS).exists():
        return [Problem(CHECKS, 1, 1, "file-missing", f"{CHECKS} is missing: it lists the cross-table checks")]
    try:
        spec_file = _files.read_json(root, CHECKS)
    except PakrusError as exc:
        return exc.problems
    found = _Locator(spec_file, "checks-invalid").all(_checks.spec_problems(spec_file.value, schemas))
    return found or _checks.run(spec_file.value, tables)


def _unlisted(root: Path, descriptor: dict) -> list[Problem]:
    listed = {r.get("path") for r in descriptor["resources"] if isinstance(r, dict)}
    return [
        Problem(rel, 1, 1, "file-unlisted", f"{rel} is not a resource of datapackage.json; list it or remove it")
        for rel in _files.data_files(root)
        if rel not in listed
    ]
