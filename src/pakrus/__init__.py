"""pakrus: the Pakistan–Russia Relations Dataset, as typed pandas tables with a validator.

>>> import pakrus
>>> events = pakrus.load("events")
"""

from __future__ import annotations

from pakrus._load import info, load, load_all, package, rehash, resolve, schema, tables
from pakrus._problems import PakrusError, Problem, Report

__all__ = [
    "PakrusError",
    "Problem",
    "Report",
    "__version__",
    "audit",
    "cite",
    "diff",
    "export",
    "fmt",
    "info",
    "load",
    "load_all",
    "package",
    "panel",
    "rehash",
    "resolve",
    "schema",
    "tables",
    "validate",
]


def validate(path=None) -> Report:
    """Validate the package at `path` (a directory or its datapackage.json; None: the shipped one).

    Returns a Report whose `problems` are located (file, line, column, code, message) and whose
    `exit_code` is 0 valid, 1 invalid data, 2 metadata, safety or usage error. Never writes a file.
    """
    from pakrus._validate import validate as _validate  # frictionless and pandera load only here

    return _validate(path)


def audit(corpus="../shared/corpus", path=None) -> Report:
    """Check the citations of the package at `path` against the corpus texts in the folder `corpus`.

    A maintainer's check: each cited paragraph must exist and state the coded year (or date it
    relative to the document's publication) or the coded value. Returns a Report like `validate`.
    """
    from pakrus._audit import audit as _audit

    return _audit(corpus, path)


def cite(format: str = "apa", with_sources: bool = False, path=None) -> str:
    """The citation of this release: format "apa", "bibtex", "ris", "csl-json" or "cff".

    `with_sources` adds the datasets the release incorporates, as their producers ask to be cited.
    """
    from pakrus._cite import cite as _cite

    return _cite(format, with_sources, path)


def diff(old, new) -> dict:
    """Record-level changes from package `old` to package `new` (directories or datapackage.json files).

    Per table: ids added, removed (and whether each is in the errata list), changed with the old
    and new value of each field, fields added or removed, and tables renamed; plus the version
    bump the versioning policy requires and whether the new version number follows it.
    """
    from pakrus._diff import diff as _diff

    return _diff(old, new)


def export(format: str, out, path=None, panel: bool = False) -> list:
    """Write every table in `format` ("parquet", "dta", "xlsx" or "sqlite") into the folder `out`.

    Parquet keeps each field's description in the file's metadata; Stata files carry variable
    labels from the descriptions and value labels for enumerations; the Excel workbook has one
    sheet per table and no cell Excel would run as a formula; SQLite declares primary and
    foreign keys. With `panel`, the dyad-year panel is written too. Returns the files written.
    """
    from pakrus._export import export as _export

    return _export(format, out, path, panel=panel)


def panel(path=None):
    """The dyad-year panel: one row per year from 1947, with counts of events by domain, visits by
    direction and level, agreements by type, and the yearly trade and arms-transfer values (missing,
    not zero, where no source covers a year). Its columns are described in schemas/panel.json.
    """
    from pakrus._panel import panel as _panel

    return _panel(path)


def fmt(path=".", check: bool = False) -> list:
    """Rewrite the package's CSV files in canonical form (UTF-8, \\n, columns in schema order, rows in
    key order, minimal quoting) and refresh the hashes; with `check`, only list what would change.
    Cell text is never changed. Returns the files changed (or that would change)."""
    from pakrus._fmt import fmt as _fmt

    return _fmt(path, check)


def _version() -> str:
    try:
        return str(package()["version"])
    except Exception:  # a broken install must still import, so that `pakrus validate` can explain
        return "0+unknown"


__version__ = _version()
