"""Record-level differences between two releases, and the version bump the policy asks for.

Rows are compared by primary key, cell by cell, as the text the files hold (so that a change of
type is seen as a change, never hidden by a conversion). A table that disappears while another,
with the same primary key and ids, appears is reported as renamed.
"""

from __future__ import annotations

import json
import os

import pandas as pd

from pakrus import _files, _scan, _schema
from pakrus._files import DESCRIPTOR
from pakrus._problems import PakrusError

BUMPS = ("patch", "minor", "major")


def diff(old: str | os.PathLike, new: str | os.PathLike) -> dict:
    """What changed from package `old` to package `new` (directories or datapackage.json files)."""
    before, after = _Package(old), _Package(new)
    renamed = _renames(before, after)
    tables = {}
    for name in sorted(set(before.tables) | set(after.tables) | set(renamed), key=after.order):
        if name in renamed.values():
            continue
        source = renamed.get(name, name)
        tables[name] = _table_diff(before.get(source), after.get(name), after.retired)
        if name in renamed:
            tables[name]["renamed_from"] = source
    result = {"old_version": before.version, "new_version": after.version, "tables": tables}
    result["required_bump"] = required_bump(result)
    result["version_ok"] = version_ok(before.version, after.version, result["required_bump"])
    return result


def version_ok(old: str, new: str, required: str | None) -> bool:
    """Whether going from version `old` to `new` is at least the bump the changes require."""
    if required is None:
        return old == new or _bump_of(old, new) is not None
    actual = _bump_of(old, new)
    return actual is not None and BUMPS.index(actual) >= BUMPS.index(required)


class _Package:
    def __init__(self, path):
        self.root = _files.find_root(path)
        descriptor = _files.read_json(self.root, DESCRIPTOR).value
        self.version = str(descriptor.get("version"))
        self.resources = {r["name"]: r for r in descriptor["resources"]}
        self.tables = list(self.resources)
        self.retired = self._retired()

    def order(self, name: str) -> tuple:
        return (self.tables.index(name) if name in self.tables else len(self.tables), name)

    def get(self, name: str | None):
        """(schema, frame of text cells indexed by primary key) of a table, or None."""
        if name not in self.resources:
            return None
        resource = self.resources[name]
        schema = _files.read_json(self.root, resource["schema"]).value
        data = _files.resource_path(self.root, resource).read_bytes()
        raw = _scan.read(data, resource["path"], _schema.names(schema))
        if raw.problems:
            raise PakrusError(raw.problems)
        frame = raw.frame.fillna("")
        key = _schema.primary_key(schema)
        frame.index = frame[key].astype(str).agg("|".join, axis=1) if len(key) > 1 else frame[key[0]].astype(str)
        return schema, frame

    def _retired(self) -> pd.DataFrame:
        found = self.get("retired")
        return found[1] if found else pd.DataFrame(columns=["retired_in", "reason", "replaced_by"])


def _renames(before: _Package, after: _Package) -> dict[str, str]:
    """{new name: old name} for tables that vanished while one with the same key and ids appeared."""
    gone = [n for n in before.tables if n not in after.tables]
    new = [n for n in after.tables if n not in before.tables]
    renames = {}
    for name in new:
        schema, frame = after.get(name)
        for old in gone:
            old_schema, old_frame = before.get(old)
            same_key = _schema.primary_key(schema) == _schema.primary_key(old_schema)
            if same_key and len(frame) and len(set(frame.index) & set(old_frame.index)) >= 0.5 * len(old_frame):
                renames[name] = old
                gone.remove(old)
                break
    return renames


def _table_diff(before, after, retired: pd.DataFrame) -> dict:
    if before is None:
        return {
            "status": "added",
            "added": list(after[1].index),
            "removed": [],
            "changed": [],
            "fields_added": _schema.names(after[0]),
            "fields_removed": [],
        }
    if after is None:
        return {
            "status": "removed",
            "added": [],
            "removed": _removed(before[1].index, retired),
            "changed": [],
            "fields_added": [],
            "fields_removed": _schema.names(before[0]),
        }
    (old_schema, old), (new_schema, new) = before, after
    old_fields, new_fields = _schema.names(old_schema), _schema.names(new_schema)
    common = [f for f in new_fields if f in old_fields]
    both = old.index.intersection(new.index)
    a, b = old.loc[both, common], new.loc[both, common]
    differs = a.ne(b)
    changed = []
    for key in differs.index[differs.any(axis=1)]:  # only the rows that changed
        fields = [f for f in common if differs.at[key, f]]
        changed.append({"id": key, "changes": {f: [a.at[key, f], b.at[key, f]] for f in fields}})
    result = {
        "status": "changed",
        "fields_added": [f for f in new_fields if f not in old_fields],
        "fields_removed": [f for f in old_fields if f not in new_fields],
        "added": [k for k in new.index if k not in old.index],
        "removed": _removed([k for k in old.index if k not in new.index], retired),
        "changed": changed,
    }
    if not any(result[k] for k in ("fields_added", "fields_removed", "added", "removed", "changed")):
        result["status"] = "same"
    return result


def _removed(ids, retired: pd.DataFrame) -> list[dict]:
    out = []
    for key in ids:
        entry = {"id": key, "in_errata": key in retired.index}
        if entry["in_errata"]:
            entry |= {"reason": retired.at[key, "reason"], "replaced_by": retired.at[key, "replaced_by"] or None}
        out.append(entry)
    return out


# The versioning policy


def required_bump(result: dict) -> str | None:
    """MAJOR for what breaks users (a table or field renamed or removed), MINOR for new records or
    fields, PATCH for corrections; None when nothing changed."""
    level = -1
    for table in result["tables"].values():
        if table["status"] == "removed" or table.get("renamed_from") or table["fields_removed"]:
            level = max(level, 2)
        elif table["status"] == "added" or table["fields_added"] or table["added"]:
            level = max(level, 1)
        elif table["changed"] or table["removed"]:
            level = max(level, 0)
    return BUMPS[level] if level >= 0 else None


def _bump_of(old: str, new: str) -> str | None:
    try:
        o, n = [tuple(int(x) for x in v.split(".")) for v in (old, new)]
    except ValueError:
        return None
    if n[0] > o[0]:
        return "major"
    if n[0] == o[0] and n[1] > o[1]:
        return "minor"
    if n[:2] == o[:2] and n[2] > o[2]:
        return "patch"
    return None


# Output


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def to_text(result: dict, markdown: bool = False) -> str:
    h1, h2, item = ("## ", "### ", "- ") if markdown else ("", "", "  ")
    code = (lambda s: f"`{s}`") if markdown else str
    lines = [
        f"{h1}{result['old_version']} → {result['new_version']}"
        f" (the changes call for a {result['required_bump'] or 'no'} version bump"
        f"{'' if result['version_ok'] else '; the version numbers do not follow it'})",
        "",
    ]
    for name, t in result["tables"].items():
        if t["status"] == "same":
            continue
        title = f"{name} (renamed from {t['renamed_from']})" if t.get("renamed_from") else f"{name} ({t['status']})"
        lines.append(f"{h2}{title}")
        if markdown:
            lines.append("")
        for label, key in (("fields added", "fields_added"), ("fields removed", "fields_removed"), ("added", "added")):
            if t[key]:
                lines.append(f"{item}{label}: {', '.join(code(x) for x in t[key])}")
        for entry in t["removed"]:
            fate = (
                (
                    f"retired ({entry['reason']}"
                    + (f", replaced by {code(entry['replaced_by'])}" if entry.get("replaced_by") else "")
                    + ")"
                )
                if entry["in_errata"]
                else "NOT in the errata list"
            )
            lines.append(f"{item}removed: {code(entry['id'])}, {fate}")
        for entry in t["changed"]:
            for field, (old, new) in entry["changes"].items():
                lines.append(f"{item}changed: {code(entry['id'])} {code(field)}: {old!r} → {new!r}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
