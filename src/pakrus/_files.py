"""The only code that knows where package files live: finding a package, reading its JSON, safe paths."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pakrus._problems import PakrusError, Problem

DESCRIPTOR = "datapackage.json"
CHECKS = "validation/checks.json"
_HERE = Path(__file__).resolve().parent
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def default_root() -> Path:
    """The package shipped with pakrus: inside the wheel, or the checkout in an editable install."""
    for root in (_HERE / "_package", _HERE.parents[1]):
        if (root / DESCRIPTOR).is_file():
            return root
    raise PakrusError(
        Problem(DESCRIPTOR, 1, 1, "path-not-found", f"no {DESCRIPTOR} ships with pakrus at {_HERE}; reinstall pakrus")
    )


def find_root(path: str | os.PathLike | None = None) -> Path:
    """A package directory from a directory or a datapackage.json path (None: the shipped one)."""
    if path is None:
        return default_root()
    p = Path(path)
    if p.is_dir() and (p / DESCRIPTOR).is_file():
        return p
    if p.is_file() and p.name == DESCRIPTOR:
        return p.parent
    raise PakrusError(
        Problem(
            str(path),
            1,
            1,
            "path-not-found",
            f"{path} is neither a package directory holding {DESCRIPTOR} nor a "
            f"{DESCRIPTOR} file; give the folder of a data package",
        )
    )


@dataclass(frozen=True)
class JsonFile:
    """A JSON file of the package: its relative name, text and parsed value."""

    rel: str
    text: str
    value: object


def read_json(root: Path, rel: str) -> JsonFile:
    """Read and parse `rel`; raise PakrusError located at the syntax error otherwise."""
    try:
        text = (root / rel).read_bytes().decode("utf-8")
    except OSError as exc:
        raise PakrusError(Problem(rel, 1, 1, "file-missing", f"cannot read {rel}: {exc.strerror}")) from None
    except UnicodeDecodeError as exc:
        raise PakrusError(Problem(rel, 1, 1, "json-invalid", f"not UTF-8 at byte {exc.start}")) from None
    try:
        return JsonFile(rel, text, json.loads(text))
    except json.JSONDecodeError as exc:
        raise PakrusError(
            Problem(rel, exc.lineno, exc.colno, "json-invalid", f"{exc.msg}; fix the JSON syntax")
        ) from None


def read_text(root: Path, rel: str) -> str:
    """A UTF-8 text file of the package (such as CITATION.cff)."""
    return (root / rel).read_text(encoding="utf-8")


def unsafe_reason(root: Path, rel: object) -> str | None:
    """Why `rel` may not be read as a file of the package at `root`, or None when it is safe."""
    if not isinstance(rel, str) or not rel:
        return "a path must be a non-empty string"
    if _URL.match(rel) or rel.startswith("//"):
        return "remote paths (URLs) are not allowed: pakrus reads only files inside the package"
    if rel.startswith(("/", "\\")) or Path(rel).is_absolute():
        return "absolute paths are not allowed: give a path relative to datapackage.json"
    if ".." in re.split(r"[\\/]", rel):
        return "'..' is not allowed: the path must stay inside the package"
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        return "the path leads out of the package through a symbolic link"
    return None


def resource_path(root: Path, resource: dict) -> Path:
    """The file of a resource, refusing any path that leaves the package."""
    rel = resource.get("path")
    reason = unsafe_reason(root, rel)
    if reason:
        raise PakrusError(Problem(DESCRIPTOR, 1, 1, "path-unsafe", f"resource {resource.get('name')!r}: {reason}"))
    return root / rel


def data_files(root: Path) -> list[str]:
    """Every file under data/, relative to the package, in sorted order."""
    data = root / "data"
    if not data.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in data.rglob("*") if p.is_file() or p.is_symlink())
