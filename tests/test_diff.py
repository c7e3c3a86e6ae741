"""Record-level diffs between releases, the errata list, and the versioning policy."""

from __future__ import annotations

import json

import edit
import pytest
from conftest import copy_package

import pakrus
from pakrus._diff import required_bump, to_text, version_ok
from pakrus.cli import main


@pytest.fixture
def old(tmp_path):
    return copy_package(tmp_path / "old")


@pytest.fixture
def new(tmp_path):
    return copy_package(tmp_path / "new")


def _set_version(pkg, part):
    """Raise the package's version by one `part` (patch, minor, major) from the shipped version."""
    descriptor = json.loads((pkg / "datapackage.json").read_text())
    major, minor, patch = (int(x) for x in descriptor["version"].split("."))
    descriptor["version"] = {
        "patch": f"{major}.{minor}.{patch + 1}",
        "minor": f"{major}.{minor + 1}.0",
        "major": f"{major + 1}.0.0",
    }[part]
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def test_identical_packages_have_no_changes(old, new):
    result = pakrus.diff(old, new)
    assert all(t["status"] == "same" for t in result["tables"].values())
    assert result["required_bump"] is None and result["version_ok"]


def test_a_changed_field_is_reported_with_old_and_new_value(old, new):
    before = edit.cell(new, "events", 0, "title")
    edit.set_cell(new, "events", 0, "title", "Corrected title")
    _set_version(new, "patch")
    result = pakrus.diff(old, new)
    assert result["tables"]["events"]["changed"] == [
        {"id": "evt-0001", "changes": {"title": [before, "Corrected title"]}}
    ]
    assert (result["required_bump"], result["version_ok"]) == ("patch", True)


def test_an_added_record_needs_a_minor_release(old, new):
    _header, rows, _ = edit.read(new, "sources")
    edit.append_row(new, "sources", ["src-0999", *rows[0][1:]])
    _set_version(new, "patch")
    result = pakrus.diff(old, new)
    assert result["tables"]["sources"]["added"] == ["src-0999"]
    assert (result["required_bump"], result["version_ok"]) == ("minor", False)


def test_removed_records_say_whether_they_are_in_the_errata(old, new):
    edit.delete_rows(new, "citations", record_id="trd-0209")
    edit.delete_rows(new, "trade", trade_id="trd-0209")
    edit.delete_rows(new, "trade", trade_id="trd-0208")
    edit.append_row(new, "retired", ["trd-0209", "1.0.1", "withdrawn", "", "Order of magnitude only."])
    result = pakrus.diff(old, new)
    removed = {r["id"]: r for r in result["tables"]["trade"]["removed"]}
    assert removed["trd-0209"] == {"id": "trd-0209", "in_errata": True, "reason": "withdrawn", "replaced_by": None}
    assert removed["trd-0208"] == {"id": "trd-0208", "in_errata": False}
    assert result["tables"]["retired"]["added"] == ["trd-0209"]
    assert "NOT in the errata list" in to_text(result)


def test_a_field_added_is_minor_and_a_field_removed_is_major(old, new):
    header, rows, _ = edit.read(new, "visits")
    edit.write(new, "visits", [*header, "source_note"], [[*r, ""] for r in rows])
    schema = json.loads((new / "schemas" / "visits.json").read_text())
    schema["fields"].append({"name": "source_note", "type": "string", "description": "x"})
    (new / "schemas" / "visits.json").write_text(json.dumps(schema))
    result = pakrus.diff(old, new)
    assert result["tables"]["visits"]["fields_added"] == ["source_note"]
    assert result["required_bump"] == "minor"
    reverse = pakrus.diff(new, old)
    assert reverse["tables"]["visits"]["fields_removed"] == ["source_note"]
    assert reverse["required_bump"] == "major"


def test_a_renamed_table_is_recognised(old, new):
    descriptor = json.loads((new / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if r["name"] == "agreements")
    resource["name"], resource["path"] = "deals", "data/deals.csv"
    (new / "data" / "agreements.csv").rename(new / "data" / "deals.csv")
    (new / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    _set_version(new, "major")
    result = pakrus.diff(old, new)
    assert result["tables"]["deals"]["renamed_from"] == "agreements"
    assert "agreements" not in result["tables"]
    assert (result["required_bump"], result["version_ok"]) == ("major", True)


@pytest.mark.parametrize(
    ("old_v", "new_v", "required", "ok"),
    [
        ("1.0.0", "1.0.1", "patch", True),
        ("1.0.0", "1.1.0", "patch", True),
        ("1.0.0", "1.0.1", "minor", False),
        ("1.0.0", "2.0.0", "major", True),
        ("1.2.3", "1.3.0", "major", False),
        ("1.0.0", "1.0.0", None, True),
        ("1.0.0", "0.9.0", "patch", False),
    ],
)
def test_versioning_policy(old_v, new_v, required, ok):
    assert version_ok(old_v, new_v, required) is ok


def test_required_bump_order():
    table = {"status": "changed", "fields_added": [], "fields_removed": [], "added": [], "removed": [], "changed": [1]}
    assert required_bump({"tables": {"t": table}}) == "patch"
    assert required_bump({"tables": {"t": table | {"added": ["x"]}}}) == "minor"
    assert required_bump({"tables": {"t": table | {"fields_removed": ["f"]}}}) == "major"


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_cli_gives_the_api_answer(capsys, old, new, fmt):
    edit.set_cell(new, "events", 0, "title", "Corrected title")
    assert main(["diff", str(old), str(new), "--format", fmt]) == 0
    out = capsys.readouterr().out
    result = pakrus.diff(old, new)
    assert (json.loads(out) == json.loads(json.dumps(result))) if fmt == "json" else "evt-0001" in out


def test_every_id_resolves(new):
    assert pakrus.resolve("evt-0001")["status"] == "current"
    edit.append_row(new, "retired", ["evt-0999", "1.0.1", "merged", "evt-0001", "Same visit as evt-0001."])
    pakrus.rehash(new)
    assert pakrus.validate(new).valid
    answer = pakrus.resolve("evt-0999", new)
    assert answer["status"] == "retired" and answer["record"]["replaced_by"] == "evt-0001"
    assert pakrus.resolve("evt-9998", new)["status"] == "unknown"


def test_a_retired_id_cannot_come_back(new):
    line = edit.append_row(new, "retired", ["evt-0001", "1.0.1", "withdrawn", "", "Test."])
    pakrus.rehash(new)
    assert ("data/retired.csv", line, 1, "retired-id-in-use") in {
        (p.file, p.line, p.column, p.code) for p in pakrus.validate(new).problems
    }
