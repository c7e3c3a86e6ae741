"""The command line is a thin layer: it gives the same answers as the Python API."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import edit
import pytest
from conftest import replace_bytes

import pakrus
from pakrus.cli import main

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>[a-z-]+): (?P<message>.+)$")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tables(capsys):
    code, out, _ = run(capsys, "tables")
    assert (code, out.splitlines()) == (0, pakrus.tables())


@pytest.mark.parametrize("table", pakrus.tables())
def test_show(capsys, table):
    code, out, _ = run(capsys, "show", table, "--head", "3")
    assert (code, out) == (0, pakrus.load(table).head(3).to_string() + "\n")


def test_info(capsys, package):
    code, out, _ = run(capsys, "info", "--format", "json", "--package", str(package))
    assert (code, json.loads(out)) == (0, pakrus.info(package))


def test_info_text_names_version_licence_and_rows(capsys):
    code, out, _ = run(capsys, "info")
    assert code == 0
    assert pakrus.__version__ in out and "CC-BY-4.0" in out
    for name, rows in pakrus.info()["rows"].items():
        assert re.search(rf"{name}\s+{rows} rows", out)


def test_validate_valid_package(capsys):
    code, out, _ = run(capsys, "validate", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run(capsys, "validate")
    assert (code, out, err) == (0, "", "pakrus validate: the shipped package: valid\n")


def test_validate_broken_package_json_and_text_agree_with_the_api(capsys, package):
    edit.set_cell(package, "visits", 0, "level", "Minister")
    edit.set_cell(package, "events", 1, "country", "pak")
    pakrus.rehash(package)
    report = pakrus.validate(package)
    code, out, _ = run(capsys, "validate", str(package), "--format", "json")
    assert (code, json.loads(out)) == (report.exit_code, [p.to_dict() for p in report.problems])
    code, out, _ = run(capsys, "validate", str(package))
    assert code == 1
    parsed = [LINE.match(line).groupdict() for line in out.splitlines()]
    assert [(d["file"], int(d["line"]), int(d["column"]), d["code"]) for d in parsed] == [
        (p.file, p.line, p.column, p.code) for p in report.problems
    ]


def test_validate_accepts_the_descriptor_path(capsys, package):
    code, out, _ = run(capsys, "validate", str(package / "datapackage.json"), "--format", "json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("argv", "expected_code", "needle"),
    [
        (["validate", "/nonexistent/pakrus"], 2, "path-not-found"),
        (["show", "event"], 2, "the tables are: sources, events"),
        (["show", "events", "--package", "/nonexistent/pakrus"], 2, "path-not-found"),
    ],
)
def test_errors_are_messages_with_exit_codes_not_tracebacks(capsys, argv, expected_code, needle):
    code, out, err = run(capsys, *argv)
    assert code == expected_code
    assert needle in out + err
    assert "Traceback" not in out + err


def test_invalid_descriptor_is_exit_2(capsys, package):
    replace_bytes(package / "datapackage.json", b'"resources": [', b'"resources": [,')
    code, out, err = run(capsys, "validate", str(package))
    assert code == 2
    assert LINE.match(out.splitlines()[0]).group("code") == "json-invalid"
    assert "Traceback" not in out + err


def test_usage_error_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["show", "events", "--head", "many"])
    assert exited.value.code == 2


def test_rehash_after_an_intended_edit(capsys, package):
    edit.set_cell(package, "trade", 0, "notes", "Corrected note.")
    code, out, _ = run(capsys, "rehash", str(package))
    assert (code, out.strip()) == (0, "updated: trade")
    assert pakrus.validate(package).valid
    assert run(capsys, "rehash", str(package))[1].startswith("nothing to update")


def test_python_dash_m_and_the_entry_point_agree():
    by_module = subprocess.run([sys.executable, "-m", "pakrus", "tables"], capture_output=True, text=True, check=True)
    assert by_module.stdout.splitlines() == pakrus.tables()
    version = subprocess.run([sys.executable, "-m", "pakrus", "--version"], capture_output=True, text=True, check=True)
    assert pakrus.__version__ in version.stdout
