"""Problems: located findings (file, line, column, code, message) and the exception that carries them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

# Every code pakrus reports, with its class and a one-line meaning. "metadata" problems
# (descriptor, schema, safety, usage) make `pakrus validate` exit 2; "data" problems exit 1.
CODES: dict[str, tuple[str, str]] = {
    # Usage and metadata
    "path-not-found": ("metadata", "The package path given does not exist or holds no datapackage.json."),
    "table-unknown": ("metadata", "No table of that name in the package."),
    "json-invalid": ("metadata", "A descriptor, schema or checks file is not valid JSON."),
    "descriptor-invalid": ("metadata", "datapackage.json is not a valid Data Package descriptor."),
    "schema-invalid": ("metadata", "A Table Schema is not valid, or uses what pakrus does not support."),
    "checks-invalid": ("metadata", "validation/checks.json names an unknown check, table or field."),
    "path-unsafe": ("metadata", "A resource or schema path leaves the package (absolute, `..`, URL or symlink)."),
    "file-missing": ("metadata", "A file the descriptor lists does not exist."),
    "file-unlisted": ("metadata", "A file in data/ is not listed in datapackage.json."),
    "hash-unsupported": ("metadata", "A resource hash is missing or uses an algorithm other than sha256."),
    "hash-mismatch": ("metadata", "A file's sha256 differs from the hash in datapackage.json."),
    "bytes-mismatch": ("metadata", "A file's size differs from the byte count in datapackage.json."),
    # Files
    "encoding": ("data", "The file is not valid UTF-8."),
    "bom": ("data", "The file starts with a byte-order mark."),
    "line-ending": ("data", "The file has carriage returns: lines must end with \\n alone."),
    "nul-byte": ("data", "The file contains a NUL byte."),
    "header-mismatch": ("data", "The header row differs from the field names of the Table Schema."),
    "unclosed-quote": ("data", "A quoted cell is never closed, so it swallows the rest of the file."),
    "bad-quote": ("data", "A quote character inside an unquoted cell, or text after a closing quote."),
    "blank-line": ("data", "An empty line inside the table."),
    "extra-cells": ("data", "A row has more cells than the header."),
    "missing-cells": ("data", "A row has fewer cells than the header."),
    # Cells (types and Table Schema constraints)
    "type-error": ("data", "A cell cannot be read as the field's type."),
    "required": ("data", "A required cell is empty."),
    "unique": ("data", "A value that must be unique appears more than once."),
    "primary-key": ("data", "Two rows share a primary key."),
    "enum": ("data", "A value is not one of the field's allowed values."),
    "pattern": ("data", "A value does not match the field's pattern."),
    "minimum": ("data", "A value is below the field's minimum."),
    "maximum": ("data", "A value is above the field's maximum."),
    "min-length": ("data", "A value is shorter than the field's minimum length."),
    "max-length": ("data", "A value is longer than the field's maximum length."),
    "foreign-key": ("data", "A value refers to a row that does not exist in the referenced table."),
    # Text hygiene, in every text field
    "whitespace": ("data", "A text cell has leading or trailing white space."),
    "not-nfc": ("data", "A text cell is not in Unicode normal form C."),
    "invisible-char": ("data", "A text cell holds a zero-width, bidirectional or control character (not U+200C)."),
    "mixed-script": ("data", "A word mixes Latin and Cyrillic look-alike letters."),
    "formula-cell": ("data", "A text cell starts with =, @, +, -, tab or CR, which spreadsheets execute."),
    # Cross-field and cross-table checks (validation/checks.json)
    "date-order": ("data", "An end comes before its start."),
    "value-order": ("data", "An upper value is below its lower value."),
    "date-precision": ("data", "The dates contradict the stated precision."),
    "required-if": ("data", "A cell required by the value of another field is empty."),
    "record-unknown": ("data", "A citation points to a record that exists in no fact table."),
    "record-uncited": ("data", "A fact record has no citation."),
    "source-uncited": ("data", "A source is cited by nothing."),
    "dispute-unexplained": ("data", "A disputed record has no citation saying what the dissenting source claims."),
    "retired-id-in-use": ("data", "An id listed as retired is used by a record again."),
    "parent-mismatch": ("data", "A detail row disagrees with its event, or its event is of the wrong type."),
    "detail-missing": ("data", "An event of type visit or agreement_signing has no row in its detail table."),
    # The corpus audit (pakrus audit): citations checked against the texts they point to
    "corpus-missing": ("metadata", "The corpus folder, or a document's file in it, cannot be found."),
    "locator-invalid": (
        "data",
        "A locator to a corpus document is not of the form `para N` or `listed in src-…, para N`.",
    ),
    "locator-missing": ("data", "A locator points past the last paragraph of the document."),
    "year-not-in-passage": (
        "data",
        "The cited paragraphs neither state the coded year nor date it relative to publication.",
    ),
    "value-not-in-passage": ("data", "The cited paragraphs do not state the coded value."),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located at a 1-based line and column of a file relative to the package."""

    file: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"

    @property
    def kind(self) -> str:
        """`metadata` or `data` (unknown codes, from a fork's own checks, count as data)."""
        return CODES.get(self.code, ("data", ""))[0]

    def to_dict(self) -> dict:
        return asdict(self)


class PakrusError(Exception):
    """Raised by the loader; `problems` holds every located finding behind it."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        super().__init__(shown + (f"\n... and {more} more" if more > 0 else ""))


@dataclass(frozen=True)
class Report:
    """The result of `pakrus.validate`: every problem found, sorted by location."""

    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid data, 2 any metadata, safety or usage problem."""
        if any(p.kind == "metadata" for p in self.problems):
            return 2
        return 1 if self.problems else 0

    def to_json(self) -> str:
        return json.dumps([p.to_dict() for p in self.problems], indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        return "".join(f"{p}\n" for p in self.problems)
