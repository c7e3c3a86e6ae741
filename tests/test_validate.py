"""The validator: one broken package per check, each asserting the exact (file, line, column, code).

Every case edits a copy of the shipped package, refreshes its hashes (unless the case is about
hashes), validates it, and checks that validation wrote nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import edit
import pytest
from conftest import TABLES, TABLES_WITH_ROWS, copy_package, located, replace_bytes, snapshot

import pakrus
from pakrus._problems import CODES

CASES: dict[str, tuple] = {}
LOADER_CODES = {"table-unknown"}  # reported by load(), tested in test_load and test_cli


def case(*codes: str, rehash: bool = True):
    def register(fn):
        CASES[fn.__name__] = (fn, set(codes), rehash)
        return fn

    return register


def text_at(pkg: Path, rel: str, needle: str) -> tuple[int, int]:
    """1-based line and column where `needle` first occurs in a text file."""
    for number, line in enumerate((pkg / rel).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise LookupError(needle)


def resource_key(pkg: Path, table: str, key: str) -> tuple[int, int]:
    """Where a resource's property (`path`, `hash`, `bytes`) stands in datapackage.json."""
    lines = (pkg / "datapackage.json").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if f'"name": "{table}"' in line)
    i = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith(f'"{key}"'))
    return i + 1, lines[i].index(f'"{key}"') + 1


def descriptor_edit(pkg: Path, fn) -> None:
    descriptor = json.loads((pkg / "datapackage.json").read_text())
    fn(descriptor)
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def schema_edit(pkg: Path, table: str, field: str, **constraints) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text())
    next(f for f in schema["fields"] if f["name"] == field).setdefault("constraints", {}).update(constraints)
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


# Metadata and safety


@case("json-invalid", rehash=False)
def invalid_json(pkg):
    replace_bytes(pkg / "datapackage.json", b'"name": "pakrus",', b'"name": "pakrus",,')
    line, col = text_at(pkg, "datapackage.json", '"name": "pakrus",,')
    return {("datapackage.json", line, col + len('"name": "pakrus",'), "json-invalid")}


@case("descriptor-invalid")
def version_not_semantic(pkg):
    descriptor_edit(pkg, lambda d: d.update(version="1.0"))
    return {("datapackage.json", *text_at(pkg, "datapackage.json", '"version"'), "descriptor-invalid")}


@case("schema-invalid")
def unknown_field_type(pkg):
    replace_bytes(pkg / "schemas" / "trade.json", b'"type": "number"', b'"type": "decimal"')
    return {("schemas/trade.json", *text_at(pkg, "schemas/trade.json", '"type": "decimal"'), "schema-invalid")}


@case("schema-invalid")
def enum_without_its_categories(pkg):
    replace_bytes(pkg / "schemas" / "visits.json", b'"value": "bilateral"', b'"value": "bilaterall"')
    lines = (pkg / "schemas" / "visits.json").read_text().splitlines()
    setting = next(i for i, line in enumerate(lines) if '"name": "setting"' in line)
    at = next(i for i in range(setting, len(lines)) if '"categories"' in lines[i])
    return {("schemas/visits.json", at + 1, lines[at].index('"categories"') + 1, "schema-invalid")}


@case("checks-invalid")
def check_names_an_unknown_field(pkg):
    replace_bytes(
        pkg / "validation" / "checks.json", b'"fields": ["value", "value_upper"]', b'"fields": ["value", "value_uper"]'
    )
    return {
        (
            "validation/checks.json",
            *text_at(pkg, "validation/checks.json", '"fields": ["value", "value_uper"]'),
            "checks-invalid",
        )
    }


@case("path-unsafe", "file-unlisted", rehash=False)
def path_climbs_out(pkg):
    descriptor_edit(pkg, lambda d: d["resources"][TABLES.index("citations")].update(path="../citations.csv"))
    return {
        ("datapackage.json", *resource_key(pkg, "citations", "path"), "path-unsafe"),
        ("data/citations.csv", 1, 1, "file-unlisted"),
    }


@pytest.mark.parametrize("bad", ["/etc/passwd", "https://example.org/citations.csv", "file:///etc/passwd"])
def test_absolute_and_remote_paths_are_refused(package, bad):
    descriptor_edit(package, lambda d: d["resources"][TABLES.index("citations")].update(path=bad))
    report = pakrus.validate(package)
    assert ("datapackage.json", *resource_key(package, "citations", "path"), "path-unsafe") in located(report)
    assert report.exit_code == 2


@case("path-unsafe", rehash=False)
def symlink_out_of_the_package(pkg):
    target = edit.path(pkg, "citations")
    outside = pkg.parent / "outside.csv"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)
    return {("datapackage.json", *resource_key(pkg, "citations", "path"), "path-unsafe")}


@case("file-missing", rehash=False)
def listed_file_missing(pkg):
    edit.path(pkg, "citations").unlink()
    return {("datapackage.json", *resource_key(pkg, "citations", "path"), "file-missing")}


@case("file-unlisted")
def unlisted_file(pkg):
    (pkg / "data" / "notes.txt").write_text("scratch\n")
    return {("data/notes.txt", 1, 1, "file-unlisted")}


@case("hash-unsupported", rehash=False)
def sha1_hash(pkg):
    descriptor_edit(pkg, lambda d: d["resources"][0].update(hash="sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709"))
    return {("datapackage.json", *resource_key(pkg, TABLES[0], "hash"), "hash-unsupported")}


@case("hash-mismatch", rehash=False)
def edited_without_rehash(pkg):
    value = edit.cell(pkg, "trade", 0, "value")
    edit.set_cell(pkg, "trade", 0, "value", str(int(value) + 1 if int(value) % 10 != 9 else int(value) - 1))
    return {("datapackage.json", *resource_key(pkg, "trade", "hash"), "hash-mismatch")}


@case("bytes-mismatch", rehash=False)
def wrong_byte_count(pkg):
    descriptor_edit(pkg, lambda d: d["resources"][1].update(bytes=d["resources"][1]["bytes"] + 1))
    return {("datapackage.json", *resource_key(pkg, TABLES[1], "bytes"), "bytes-mismatch")}


def test_a_resource_after_a_broken_entry_is_located_at_its_own_entry(package):
    """A non-object among the resources is reported, and the problems of the resources after it
    point at their own entries, not at the entry before them."""
    edited_without_rehash(package)  # trade's file no longer matches its hash
    descriptor_edit(package, lambda d: d["resources"].insert(0, 42))
    found = located(pakrus.validate(package))
    lines = (package / "datapackage.json").read_text().splitlines()
    entry = next(i for i, line in enumerate(lines) if line.strip() == "42,")
    assert ("datapackage.json", entry + 1, lines[entry].index("42") + 1, "descriptor-invalid") in found
    assert ("datapackage.json", *resource_key(package, "trade", "hash"), "hash-mismatch") in found


def test_missing_package_is_a_usage_error(tmp_path):
    report = pakrus.validate(tmp_path / "nowhere")
    assert located(report) == {(str(tmp_path / "nowhere"), 1, 1, "path-not-found")}
    assert report.exit_code == 2


@case("bytes-mismatch", rehash=False)
def file_far_larger_than_declared(pkg):
    path = edit.path(pkg, "citations")
    with path.open("ab") as fh:
        fh.truncate(10 * path.stat().st_size + 64 * 2**20 + 1)  # sparse: no disk is spent
    return {("datapackage.json", *resource_key(pkg, "citations", "bytes"), "bytes-mismatch")}


# Bytes and CSV structure


@case("bom")
def byte_order_mark(pkg):
    path = edit.path(pkg, "events")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return {("data/events.csv", 1, 1, "bom")}


@case("line-ending")
def crlf_line_ends(pkg):
    path = edit.path(pkg, "visits")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return {("data/visits.csv", 1, len(pakrus.schema("visits")["fields"]), "line-ending")}


@case("encoding")
def a_bad_byte_deep_in_the_file(pkg):
    line = edit.set_cell(pkg, "events", 2, "title", "BAD-BYTE-HERE")
    replace_bytes(edit.path(pkg, "events"), b"BAD-BYTE-HERE", b"Bajwa \xff visit")
    return {("data/events.csv", line, edit.column("events", "title"), "encoding")}


def test_every_bad_byte_is_reported_and_the_other_rows_are_still_checked(package):
    path = edit.path(package, "events")
    edit.set_cell(package, "events", 0, "title", "BAD1")
    edit.set_cell(package, "events", 3, "title", "BAD2")
    line = edit.set_cell(package, "events", 5, "status", "Occurred")
    path.write_bytes(path.read_bytes().replace(b"BAD1", b"Caf\xe9").replace(b"BAD2", b"na\xefve"))
    pakrus.rehash(package)
    found = located(pakrus.validate(package))
    col = edit.column("events", "title")
    assert {(f, ln, c, code) for f, ln, c, code in found if code == "encoding"} == {
        ("data/events.csv", 2, col, "encoding"),
        ("data/events.csv", 5, col, "encoding"),
    }
    assert ("data/events.csv", line, edit.column("events", "status"), "enum") in found
    with pytest.raises(pakrus.PakrusError):
        pakrus.load("events", package)


@case("nul-byte")
def nul_byte(pkg):
    line = edit.set_cell(pkg, "events", 1, "notes", "before\x00after")
    return {("data/events.csv", line, edit.column("events", "notes"), "nul-byte")}


@case("header-mismatch")
def renamed_header(pkg):
    replace_bytes(edit.path(pkg, "visits"), b"visitor,", b"visiting_person,")
    return {("data/visits.csv", 1, edit.column("visits", "visitor"), "header-mismatch")}


@pytest.mark.parametrize(
    "change",
    ["duplicate", "renamed", "reordered", "missing", "padded", "semicolons", "trailing comma"],
)
def test_every_kind_of_wrong_header_is_reported_on_line_1(package, change):
    header, _rows, _ = edit.read(package, "visits")
    new = {
        "duplicate": [header[0], header[0], *header[2:]],
        "renamed": [header[0], "person", *header[2:]],
        "reordered": [header[1], header[0], *header[2:]],
        "missing": header[:-1],
        "padded": [header[0], f" {header[1]}", *header[2:]],
        "semicolons": [";".join(header)],
        "trailing comma": [*header, ""],
    }[change]
    path = edit.path(package, "visits")
    body = path.read_bytes().split(b"\n", 1)[1]
    path.write_bytes(edit.row_text(new) + b"\n" + body)
    pakrus.rehash(package)
    report = pakrus.validate(package)
    assert {(p.file, p.line, p.code) for p in report.problems} == {("data/visits.csv", 1, "header-mismatch")}
    assert report.exit_code == 1


@case("foreign-key", "record-unknown")
def deleted_record_still_referenced(pkg):
    visit = edit.find(pkg, "visits", event_id="evt-0004")
    line = edit.line_of(pkg, "visits", visit)
    edit.delete_rows(pkg, "events", event_id="evt-0004")
    _, rows, lines = edit.read(pkg, "citations")
    cited = {
        ("data/citations.csv", ln, 1, "record-unknown") for r, ln in zip(rows, lines, strict=True) if r[0] == "evt-0004"
    }
    return {("data/visits.csv", line, edit.column("visits", "event_id"), "foreign-key"), *cited}


def test_a_zero_byte_file_is_reported_and_left_out(package):
    edit.path(package, "retired").write_bytes(b"")
    pakrus.rehash(package)
    report = pakrus.validate(package)
    assert located(report) == {("data/retired.csv", 1, 1, "header-mismatch")}
    assert "empty" in report.problems[0].message


@pytest.mark.parametrize("value", ["2014-11", "2014", "2014-11-21T00:00", "20141121", "2014/11/21"])
def test_partial_or_other_date_forms_are_type_errors(package, value):
    line = edit.set_cell(package, "events", 0, "date_end", value)
    pakrus.rehash(package)
    assert located(pakrus.validate(package)) == {
        ("data/events.csv", line, edit.column("events", "date_end"), "type-error")
    }


@case("blank-line")
def blank_line(pkg):
    path = edit.path(pkg, "events")
    first_row_end = path.read_bytes().index(b"\n", path.read_bytes().index(b"\n") + 1)
    data = path.read_bytes()
    path.write_bytes(data[: first_row_end + 1] + b"\n" + data[first_row_end + 1 :])
    return {("data/events.csv", 3, 1, "blank-line")}


@case("extra-cells")
def extra_cell(pkg):
    header, rows, lines = edit.read(pkg, "citations")
    rows[0].append("stray")
    edit.write(pkg, "citations", header, rows)
    return {("data/citations.csv", lines[0], len(header) + 1, "extra-cells")}


@case("missing-cells")
def missing_cell(pkg):
    header, rows, lines = edit.read(pkg, "citations")
    rows[0].pop()
    edit.write(pkg, "citations", header, rows)
    return {("data/citations.csv", lines[0], len(header), "missing-cells")}


@case("unclosed-quote")
def unclosed_quote(pkg):
    _, rows, lines = edit.read(pkg, "citations")
    last = rows[-1]
    replace_bytes(edit.path(pkg, "citations"), edit.row_text(last), edit.row_text(last[:2]) + b',"' + last[2].encode())
    return {("data/citations.csv", lines[-1], 3, "unclosed-quote")}


@case("bad-quote")
def quote_inside_an_unquoted_cell(pkg):
    _, rows, lines = edit.read(pkg, "citations")
    bad = edit.row_text(rows[0][:2]) + b',pa"r"a,' + edit.row_text(rows[0][3:])
    replace_bytes(edit.path(pkg, "citations"), edit.row_text(rows[0]), bad)
    return {("data/citations.csv", lines[0], 3, "bad-quote")}


@case("enum")
def lines_are_physical_after_a_quoted_newline_and_a_blank_line(pkg):
    edit.set_cell(pkg, "events", 0, "summary", "first line\nsecond line")
    path = edit.path(pkg, "events")
    row = edit.set_cell(pkg, "events", 2, "status", "Occurred")
    assert row == 5  # header, row 1 on lines 2-3, row 2 on line 4, row 3 on line 5
    data = path.read_bytes()
    path.write_bytes(data.replace(b"\n", b"\n\n", 1))  # a blank line 2 pushes every row down
    return {("data/events.csv", 6, edit.column("events", "status"), "enum"), ("data/events.csv", 2, 1, "blank-line")}


# Types and Table Schema constraints


@case("type-error")
def impossible_date(pkg):
    line = edit.set_cell(pkg, "events", 0, "date_start", "2014-02-30")
    return {("data/events.csv", line, edit.column("events", "date_start"), "type-error")}


@case("type-error")
def day_first_date(pkg):
    line = edit.set_cell(pkg, "events", 0, "date_end", "21/11/2014")
    return {("data/events.csv", line, edit.column("events", "date_end"), "type-error")}


@case("type-error")
def thousands_separator(pkg):
    line = edit.set_cell(pkg, "trade", 0, "value", "1,162")
    return {("data/trade.csv", line, edit.column("trade", "value"), "type-error")}


@case("type-error")
def loose_boolean(pkg):
    line = edit.set_cell(pkg, "events", 0, "disputed", "yes")
    return {("data/events.csv", line, edit.column("events", "disputed"), "type-error")}


@case("required")
def empty_required_cell(pkg):
    line = edit.set_cell(pkg, "events", 0, "title", "")
    return {("data/events.csv", line, edit.column("events", "title"), "required")}


@case("enum")
def enum_with_a_stray_space(pkg):
    line = edit.set_cell(pkg, "visits", 0, "level", "minister ")
    return {("data/visits.csv", line, edit.column("visits", "level"), "enum")}


@case("pattern")
def country_code_too_short(pkg):
    line = edit.set_cell(pkg, "visits", 0, "visitor_country", "RU")
    return {("data/visits.csv", line, edit.column("visits", "visitor_country"), "pattern")}


@case("minimum")
def negative_value(pkg):
    line = edit.set_cell(pkg, "trade", 0, "value", "-5")
    return {("data/trade.csv", line, edit.column("trade", "value"), "minimum")}


@case("maximum")
def above_a_maximum(pkg):
    schema_edit(pkg, "trade", "value", maximum=100000)
    line = edit.set_cell(pkg, "trade", 0, "value", "100001")
    return {("data/trade.csv", line, edit.column("trade", "value"), "maximum")}


@case("max-length")
def title_too_long(pkg):
    line = edit.set_cell(pkg, "events", 0, "title", "x" * 161)
    return {("data/events.csv", line, edit.column("events", "title"), "max-length")}


@case("min-length")
def below_a_minimum_length(pkg):
    schema_edit(pkg, "visits", "office", minLength=3)
    line = edit.set_cell(pkg, "visits", 0, "office", "PM")
    return {("data/visits.csv", line, edit.column("visits", "office"), "min-length")}


@case("unique")
def duplicate_identifier(pkg):
    _header, rows, _ = edit.read(pkg, "sources")
    line = edit.append_row(pkg, "sources", rows[0])
    return {("data/sources.csv", line, 1, "unique")}


@case("primary-key")
def duplicate_composite_key(pkg):
    _header, rows, _ = edit.read(pkg, "citations")
    line = edit.append_row(pkg, "citations", rows[0])
    return {("data/citations.csv", line, 1, "primary-key")}


@case("foreign-key")
def unknown_source(pkg):
    line = edit.set_cell(pkg, "trade", 0, "source_id", "src-9999")
    return {("data/trade.csv", line, edit.column("trade", "source_id"), "foreign-key")}


# Text hygiene, in every text field


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (" Moscow", "whitespace"),
        ("Moscow\u00a0", "whitespace"),
        ("Mosco\u0301w", "not-nfc"),
        ("Mos\u200bcow", "invisible-char"),
        ("Moscow\u202e", "invisible-char"),
        ("Mos\u00adcow", "invisible-char"),
        ("M\u043escow", "mixed-script"),
        ("=HYPERLINK(1)", "formula-cell"),
        ("@SUM(A1)", "formula-cell"),
        ("+7 Moscow", "formula-cell"),
        ("-Moscow", "formula-cell"),
        ("\tMoscow", "formula-cell"),
    ],
)
def test_text_hygiene_in_every_text_field(package, value, code):
    row = edit.find(package, "visits", city="Moscow")
    line = edit.set_cell(package, "visits", row, "notes", value)
    pakrus.rehash(package)
    before = snapshot(package)
    report = pakrus.validate(package)
    found = located(report)
    assert ("data/visits.csv", line, edit.column("visits", "notes"), code) in found, report.to_text()
    assert {c for *_, c in found} <= {code, "whitespace"}  # a leading tab is also white space
    assert snapshot(package) == before


def test_urdu_zero_width_non_joiner_is_legitimate(package):
    edit.set_cell(package, "visits", 0, "notes", "\u0646\u06cc\u200c\u0627\u0645")  # ZWNJ inside an Urdu word
    pakrus.rehash(package)
    assert pakrus.validate(package).valid


@case("whitespace")
def trailing_space(pkg):
    line = edit.set_cell(pkg, "events", 0, "place", "Islamabad ")
    return {
        ("data/events.csv", line, edit.column("events", "place"), "whitespace"),
        (
            "data/visits.csv",
            edit.line_of(pkg, "visits", edit.find(pkg, "visits", event_id="evt-0001")),
            edit.column("visits", "city"),
            "parent-mismatch",
        ),
    }


@case("not-nfc")
def decomposed_accent(pkg):
    line = edit.set_cell(pkg, "sources", 0, "notes", "Re\u0301sume\u0301 of the op-ed.")
    return {("data/sources.csv", line, edit.column("sources", "notes"), "not-nfc")}


@case("invisible-char")
def zero_width_space(pkg):
    line = edit.set_cell(pkg, "events", 0, "title", "Shoigu\u200b visits Islamabad")
    return {("data/events.csv", line, edit.column("events", "title"), "invisible-char")}


@case("mixed-script")
def cyrillic_look_alike(pkg):
    row = edit.find(pkg, "visits", visitor="Sergey Lavrov")
    line = edit.set_cell(pkg, "visits", row, "visitor", "Sergey L\u0430vrov")
    return {("data/visits.csv", line, edit.column("visits", "visitor"), "mixed-script")}


@case("formula-cell")
def spreadsheet_formula(pkg):
    line = edit.set_cell(pkg, "citations", 0, "claim", "=1+1")
    return {("data/citations.csv", line, edit.column("citations", "claim"), "formula-cell")}


@case("unique")
def ids_differing_only_in_case_or_normal_form(pkg):
    schema_edit(pkg, "sources", "title", unique=True)
    header, rows, _ = edit.read(pkg, "sources")
    title = rows[0][header.index("title")]
    line = edit.set_cell(pkg, "sources", 1, "title", title.upper())
    return {("data/sources.csv", line, edit.column("sources", "title"), "unique")}


# Cross-field and cross-table checks (validation/checks.json)


@case("date-order")
def ends_before_it_starts(pkg):
    row = edit.find(pkg, "events", date_precision="day")
    end = dt.date.fromisoformat(edit.cell(pkg, "events", row, "date_end"))
    line = edit.set_cell(pkg, "events", row, "date_start", str(end + dt.timedelta(days=1)))
    return {("data/events.csv", line, edit.column("events", "date_end"), "date-order")}


@case("value-order")
def range_upside_down(pkg):
    header, rows, _ = edit.read(pkg, "trade")
    row = next(i for i, r in enumerate(rows) if r[header.index("value_upper")])
    lower = float(rows[row][header.index("value")])
    line = edit.set_cell(pkg, "trade", row, "value_upper", f"{lower - 1:g}")
    return {("data/trade.csv", line, edit.column("trade", "value_upper"), "value-order")}


@case("date-precision")
def month_precision_with_day_dates(pkg):
    row = edit.find(pkg, "events", date_precision="month")
    line = edit.set_cell(pkg, "events", row, "date_start", edit.cell(pkg, "events", row, "date_start")[:8] + "02")
    return {("data/events.csv", line, edit.column("events", "date_start"), "date-precision")}


@case("date-precision")
def undated_with_dates(pkg):
    row = edit.find(pkg, "events", date_precision="month", event_type="visit")
    line = edit.set_cell(pkg, "events", row, "date_precision", "undated")
    return {("data/events.csv", line, edit.column("events", "date_precision"), "date-precision")}


@case("required-if")
def dataset_without_requested_citation(pkg):
    row = edit.find(pkg, "sources", kind="dataset")
    line = edit.set_cell(pkg, "sources", row, "requested_citation", "")
    return {("data/sources.csv", line, edit.column("sources", "requested_citation"), "required-if")}


@case("record-unknown")
def citation_of_a_missing_record(pkg):
    line = edit.set_cell(pkg, "citations", 0, "record_id", "evt-9999")
    return {("data/citations.csv", line, 1, "record-unknown")}


@case("record-uncited")
def record_without_citation(pkg):
    _header, rows, lines = edit.read(pkg, "trade")
    edit.delete_rows(pkg, "citations", record_id=rows[-1][0])
    return {("data/trade.csv", lines[-1], 1, "record-uncited")}


@case("source-uncited")
def source_cited_by_nothing(pkg):
    header, rows, _ = edit.read(pkg, "sources")
    document = next(r for r in rows if r[header.index("kind")] == "corpus_document")
    line = edit.append_row(pkg, "sources", ["src-9999", *document[1:]])
    return {("data/sources.csv", line, 1, "source-uncited")}


@case("dispute-unexplained")
def disputed_without_a_dissenting_claim(pkg):
    row = edit.find(pkg, "events", disputed="false", event_type="establishment")
    line = edit.set_cell(pkg, "events", row, "disputed", "true")
    return {("data/events.csv", line, 1, "dispute-unexplained")}


@case("retired-id-in-use")
def retired_id_used_again(pkg):
    line = edit.append_row(pkg, "retired", ["evt-0001", "1.0.1", "withdrawn", "", "Withdrawn, yet still in events."])
    return {("data/retired.csv", line, 1, "retired-id-in-use")}


@case("parent-mismatch")
def visit_city_differs_from_its_event(pkg):
    row = edit.find(pkg, "visits", city="Islamabad")
    line = edit.set_cell(pkg, "visits", row, "city", "Karachi")
    return {("data/visits.csv", line, edit.column("visits", "city"), "parent-mismatch")}


@case("detail-missing")
def signing_without_agreement(pkg):
    event = edit.cell(pkg, "agreements", 0, "event_id")
    edit.set_cell(pkg, "agreements", 0, "event_id", "")
    return {
        ("data/events.csv", edit.line_of(pkg, "events", edit.find(pkg, "events", event_id=event)), 1, "detail-missing")
    }


# Running the cases


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_package_is_reported_exactly(tmp_path, name):
    fn, _, rehash = CASES[name]
    pkg = copy_package(tmp_path / "pkg")
    expected = fn(pkg)
    if rehash:
        pakrus.rehash(pkg)
    before = snapshot(tmp_path)
    report = pakrus.validate(pkg)
    assert located(report) == expected, report.to_text()
    assert snapshot(tmp_path) == before, "validate must never write a file"
    metadata = any(CODES[code][0] == "metadata" for *_, code in expected)
    assert report.exit_code == (2 if metadata else 1)


def test_every_code_has_a_broken_package():
    from test_audit import AUDIT_CASES

    covered = set().union(*(codes for _, codes, _ in CASES.values())) | LOADER_CODES
    covered |= set(AUDIT_CASES) | {"path-not-found", "corpus-missing"}  # the last two: tested on their own
    assert covered == set(CODES)


def test_the_shipped_package_is_valid():
    report = pakrus.validate()
    assert report.problems == ()
    assert report.exit_code == 0


# Parametrised over the tables: a new table needs no new test code


@pytest.mark.parametrize("table", TABLES)
def test_renamed_header_of_every_table(package, table):
    header, rows, _ = edit.read(package, table)
    edit.write(package, table, ["renamed", *header[1:]], rows)
    pakrus.rehash(package)
    assert located(pakrus.validate(package)) == {(f"data/{table}.csv", 1, 1, "header-mismatch")}


@pytest.mark.parametrize("table", TABLES_WITH_ROWS)
def test_duplicated_row_of_every_table(package, table):
    schema = pakrus.schema(table)
    header, rows, _ = edit.read(package, table)
    line = edit.append_row(package, table, rows[0])
    pakrus.rehash(package)
    pk = schema["primaryKey"]
    first = next(f for f in schema["fields"] if f["name"] == pk[0])
    code = "unique" if len(pk) == 1 and first.get("constraints", {}).get("unique") else "primary-key"
    assert located(pakrus.validate(package)) == {(f"data/{table}.csv", line, header.index(pk[0]) + 1, code)}


@pytest.mark.parametrize(
    ("table", "field"),
    [
        (t, f["name"])
        for t in TABLES_WITH_ROWS
        for f in pakrus.schema(t)["fields"]
        if f.get("constraints", {}).get("required")
    ],
)
def test_every_required_field_is_enforced(package, table, field):
    line = edit.set_cell(package, table, 0, field, "")
    pakrus.rehash(package)
    assert (f"data/{table}.csv", line, edit.column(table, field), "required") in located(pakrus.validate(package))


@pytest.mark.parametrize(
    ("table", "field"),
    [(t, f["name"]) for t in TABLES_WITH_ROWS for f in pakrus.schema(t)["fields"] if f["type"] != "string"],
)
def test_every_typed_field_rejects_text(package, table, field):
    line = edit.set_cell(package, table, 0, field, "n/a")
    pakrus.rehash(package)
    assert located(pakrus.validate(package)) == {(f"data/{table}.csv", line, edit.column(table, field), "type-error")}


# Environment


def test_pandera_switches_do_not_turn_validation_off(package):
    edit.set_cell(package, "visits", 0, "level", "Minister")
    pakrus.rehash(package)
    env = dict(os.environ, PANDERA_VALIDATION_ENABLED="False", PANDERA_VALIDATION_DEPTH="SCHEMA_ONLY")
    code = "import json, sys, pakrus; print(pakrus.validate(sys.argv[1]).to_json())"
    out = subprocess.run(
        [sys.executable, "-c", code, str(package)], env=env, capture_output=True, text=True, check=True
    )
    assert [p["code"] for p in json.loads(out.stdout)] == ["enum"]


# Robustness

EDITS = [b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b"", b"x", b"\xef\xbb\xbf", b"2014-02-30", b" ", b"\n\n"]


def test_random_byte_edits_never_crash_the_validator_or_the_loader(tmp_path):
    """A seeded sweep of small byte edits: every outcome is a report or a PakrusError, never a crash."""
    rng = random.Random(20261123)
    base = copy_package(tmp_path / "base")
    for n in range(60):
        pkg = tmp_path / f"m{n}"
        shutil.copytree(base, pkg)
        for _ in range(rng.randint(1, 3)):
            target = rng.choice(sorted((pkg / "data").glob("*.csv")))
            data = target.read_bytes()
            i = rng.randrange(len(data) + 1)
            target.write_bytes(data[:i] + rng.choice(EDITS) + data[i + rng.randint(0, 5) :])
        if rng.random() < 0.7:
            pakrus.rehash(pkg)
        before = snapshot(pkg)
        report = pakrus.validate(pkg)
        assert all(p.line >= 1 and p.column >= 1 for p in report.problems)
        try:
            pakrus.load_all(pkg)
        except pakrus.PakrusError as exc:
            assert exc.problems and not report.valid
        assert snapshot(pkg) == before
        shutil.rmtree(pkg)


def test_thousands_of_unknown_ids_are_all_reported_and_only_the_first_are_hinted(package):
    """A hint compares the id with every known id; past 200 per check the message says what to do
    without one, so a fork with many broken ids is still reported quickly and in full."""
    header, rows, lines = edit.read(package, "citations")
    at = header.index("record_id")
    extra = [[*rows[0][:at], f"evt-9{n:05d}", *rows[0][at + 1 :]] for n in range(300)]
    edit.write(package, "citations", header, rows + extra)
    pakrus.rehash(package)
    unknown = [p for p in pakrus.validate(package).problems if p.code == "record-unknown"]
    assert len(unknown) == 300
    assert sorted(p.line for p in unknown) == list(range(lines[-1] + 1, lines[-1] + 301))
    hinted = [p for p in sorted(unknown) if "did you mean" in p.message]
    assert len(hinted) == 200 and hinted[-1].line == lines[-1] + 200
    assert all("add that row or correct the id" in p.message for p in sorted(unknown)[200:])


def test_reading_rows_imports_nothing_so_it_can_run_beside_the_imports():
    """The validator reads rows in a thread while the main thread imports frictionless and
    pandera; that is safe only if reading (fast path and full scan alike) imports no module."""
    code = """
import mmap, sys, pakrus
from pakrus import _files, _scan
samples = [
    b"a,b\\n1,2\\n", b'a,b\\n"x\\ny",2\\n', b"\\xef\\xbb\\xbfa,b\\n1,2\\n", b"a,b\\n\\xff,2\\n",
    b"a,b\\r\\n1,2\\r\\n", b"a,b\\n1,2,3\\n", b"a,b\\n\\n1,2\\n", b"", b"x,y\\n1,2\\n",
    b"a,b\\n1\\x00,2\\n", b'a,b\\n"1,2\\n', b'a,b\\n1"x,2\\n',
]
reads = [(data, ["a", "b"]) for data in samples]
events = [f["name"] for f in pakrus.schema("events")["fields"]]
with open(_files.default_root() / "data" / "events.csv", "rb") as file:  # mapped, as the validator does
    reads.append((mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ), events))
before = set(sys.modules)
for data, names in reads:
    _scan.read(data, "t.csv", names)
print(sorted(set(sys.modules) - before))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
