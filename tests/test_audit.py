"""The corpus audit: every citation to a corpus document is checked against its text."""

from __future__ import annotations

import json

import edit
import pytest
from conftest import CHECKOUT, copy_package, located

import pakrus
from pakrus.cli import main

CORPUS = CHECKOUT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the corpus is not at {CORPUS}: the audit reads the shared corpus beside the checkout, "
    "which is third-party text and does not ship with pakrus",
)


@needs_corpus
def test_every_citation_of_the_shipped_package_passes_the_audit():
    report = pakrus.audit(CORPUS)
    assert report.problems == (), report.to_text()


def _first(pkg, **where):
    row = edit.find(pkg, "citations", **where)
    return row, edit.line_of(pkg, "citations", row)


def _locator(pkg, value, **where):
    row, line = _first(pkg, **where)
    edit.set_cell(pkg, "citations", row, "locator", value)
    pakrus.rehash(pkg)
    return line


AUDIT_CASES = {
    "locator-invalid": lambda pkg: _locator(pkg, "paragraph 3", record_id="evt-0005", source_id="src-0003"),
    "locator-missing": lambda pkg: _locator(pkg, "para 999", record_id="evt-0005", source_id="src-0003"),
    "year-not-in-passage": lambda pkg: _locator(pkg, "para 4", record_id="evt-0005", source_id="src-0003"),
    "value-not-in-passage": lambda pkg: _locator(pkg, "para 3", record_id="trd-0004", source_id="src-0001"),
}


@needs_corpus
@pytest.mark.parametrize("code", sorted(AUDIT_CASES))
def test_a_wrong_citation_is_reported_at_its_line(tmp_path, code):
    pkg = copy_package(tmp_path / "pkg")
    line = AUDIT_CASES[code](pkg)
    report = pakrus.audit(CORPUS, pkg)
    assert located(report) == {("data/citations.csv", line, 3, code)}
    assert report.exit_code == 1


@needs_corpus
def test_a_secondary_reference_is_checked_in_the_listing_of_its_document(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    line = _locator(pkg, "listed in src-0003, para 30", record_id="evt-0003", source_id="src-0007")
    assert located(pakrus.audit(CORPUS, pkg)) == {("data/citations.csv", line, 3, "year-not-in-passage")}


def test_a_missing_corpus_is_a_usage_error(tmp_path):
    report = pakrus.audit(tmp_path / "no-corpus")
    assert located(report) == {(str(tmp_path / "no-corpus"), 1, 1, "corpus-missing")}
    assert report.exit_code == 2


@needs_corpus
def test_cli_and_api_agree(capsys, tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    AUDIT_CASES["year-not-in-passage"](pkg)
    report = pakrus.audit(CORPUS, pkg)
    code = main(["audit", "--corpus", str(CORPUS), "--package", str(pkg), "--format", "json"])
    assert (code, json.loads(capsys.readouterr().out)) == (1, [p.to_dict() for p in report.problems])
