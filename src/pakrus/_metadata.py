"""Descriptor and Table Schema rules: frictionless's metadata model plus the rules pakrus adds.

frictionless checks the Data Package and Table Schema profiles; pakrus adds what it relies on
(supported types, one description per field and enum value, empty cell as the only missing
value, sha256 hashes, safe paths), since none of the libraries checks those.
"""

from __future__ import annotations

import copy
import re

from pakrus import _schema

_AT_PROPERTY = re.compile(r" at property '([^']*)'$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def package_problems(descriptor: object) -> list[tuple[str, str]]:
    """(JSON pointer, message) for the package-level properties of datapackage.json."""
    if not isinstance(descriptor, dict):
        return [("", "datapackage.json must hold a JSON object")]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [("/resources", "`resources` must be a non-empty list")]
    out = []
    if not SEMVER.match(str(descriptor.get("version", ""))):
        out.append(
            (
                "/version",
                "`version` must be a semantic version MAJOR.MINOR.PATCH; it is the one "
                "place the dataset's version is kept",
            )
        )
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for i, name in enumerate(names):
        if names.index(name) != i:
            out.append((f"/resources/{i}/name", f"resource name {name!r} is used twice"))
    stub = dict(copy.deepcopy(descriptor), resources=[{"name": "x", "path": "x.csv"}])
    out += _frictionless("package", stub, "")
    for i, resource in enumerate(resources):
        out += _resource_problems(resource, f"/resources/{i}")
    return out


def _resource_problems(resource: object, pointer: str) -> list[tuple[str, str]]:
    if not isinstance(resource, dict):
        return [(pointer, "a resource must be a JSON object")]
    out = []
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(resource.get("name", ""))):
        out.append((f"{pointer}/name", "resource name must be lower case letters, digits and _ (it is the table name)"))
    if not isinstance(resource.get("schema"), str):
        out.append((f"{pointer}/schema", "give the Table Schema as a path to a file in schemas/"))
    # pakrus checks the schema file and the path's safety itself, with locations frictionless lacks
    stub = {k: v for k, v in resource.items() if k != "schema"} | {"path": "placeholder.csv"}
    return out + _frictionless("resource", stub, pointer)


def schema_problems(schema: object, resources: list[str]) -> list[tuple[str, str]]:
    """(JSON pointer, message) for a Table Schema, within a package with these resource names."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return [("", "a Table Schema must be an object with a list `fields`")]
    out = _frictionless("schema", schema, "")
    if schema.get("missingValues", [""]) != [""]:
        out.append(("/missingValues", 'pakrus reads only the empty cell as missing: set missingValues to [""]'))
    names = [f.get("name") for f in schema["fields"] if isinstance(f, dict)]
    for i, field in enumerate(schema["fields"]):
        out += _field_problems(field, f"/fields/{i}", names)
    for key in _schema.primary_key(schema):
        if key not in names:
            out.append(("/primaryKey", f"primary key field {key!r} is not a field"))
    for n, fk in enumerate(schema.get("foreignKeys", [])):
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        if ref.get("resource") not in ("", None, *resources):
            out.append((f"/foreignKeys/{n}/reference/resource", f"no resource {ref.get('resource')!r} in the package"))
    return out


def _field_problems(field: object, pointer: str, names: list) -> list[tuple[str, str]]:
    if not isinstance(field, dict):
        return [(pointer, "a field must be a JSON object")]
    out = []
    if names.count(field.get("name")) > 1:
        out.append((f"{pointer}/name", f"field name {field.get('name')!r} is used twice"))
    if field.get("type", "string") not in _schema.SUPPORTED:
        out.append(
            (f"{pointer}/type", f"pakrus reads the types {', '.join(_schema.SUPPORTED)}, not {field.get('type')!r}")
        )
    if not str(field.get("description", "")).strip():
        out.append((pointer, f"field {field.get('name')!r} has no description: the schema is the codebook"))
    enum = field.get("constraints", {}).get("enum") if isinstance(field.get("constraints"), dict) else None
    if enum is not None:
        out += _category_problems(field, enum, pointer)
    return out


def _category_problems(field: dict, enum: list, pointer: str) -> list[tuple[str, str]]:
    categories = field.get("categories")
    if not isinstance(categories, list) or [c.get("value") if isinstance(c, dict) else c for c in categories] != enum:
        return [
            (
                f"{pointer}/categories",
                "list the enum values, in the same order, under `categories` as "
                "{value, label} objects, the label saying what each value means",
            )
        ]
    return [
        (f"{pointer}/categories/{i}", f"category {c.get('value')!r} has no label saying what it means")
        for i, c in enumerate(categories)
        if not str(c.get("label", "")).strip()
    ]


def _frictionless(kind: str, descriptor: dict, pointer: str) -> list[tuple[str, str]]:
    """frictionless's verdict on a descriptor, as (pointer, message) pairs."""
    from frictionless import Field, FrictionlessException, Package, Resource, Schema

    try:
        cls = {"package": Package, "resource": Resource, "schema": Schema}.get(kind) or Field.metadata_select_class(
            descriptor.get("type")
        )
        errors = list(cls.metadata_validate(descriptor))
    except FrictionlessException as exc:
        errors = [exc.error]
    except Exception as exc:
        return [(pointer, f"frictionless cannot read this descriptor: {exc}")]
    if kind == "schema" and any(e.type == "field-error" for e in errors):
        # frictionless does not say which field is wrong: ask it about each field alone
        # (fields of a type pakrus rejects are reported by pakrus's own rule).
        errors = [e for e in errors if e.type != "field-error"]
        field_out = [
            p
            for i, f in enumerate(descriptor["fields"])
            if isinstance(f, dict) and f.get("type", "string") in _schema.SUPPORTED
            for p in _frictionless("field", f, f"{pointer}/fields/{i}")
        ]
    else:
        field_out = []
    out = []
    for error in errors:
        note = str(error.note)
        match = _AT_PROPERTY.search(note)
        where = pointer + ("/" + match.group(1) if match else "")
        out.append((where, f"{note[: match.start()] if match else note} (frictionless)"))
    return out + field_out
