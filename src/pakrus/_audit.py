"""The corpus audit: every citation to a corpus document checked against the text it points to.

A maintainer's tool: the corpus is third-party writing that does not ship with pakrus. A
citation passes when its paragraphs exist and state the coded year (or date the fact relative
to the document's publication: "this April", "last year") or, for a value, state the number.
A citation with a `claim` records that its source says something else, so only its locator is
checked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from pakrus import _load
from pakrus._problems import PakrusError, Problem, Report

_LOCATOR = re.compile(r"^(?:listed in (src-\d{4}), )?para (\d+(?:, \d+)*)$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_RELATIVE = re.compile(
    rf"\b(?:this|last|next|later|recent(?:ly)?|current|same year)\b|\b{_MONTH}\b(?![^.;]{{0,12}}\d{{4}})", re.I
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\bhalf\b", re.I)


def audit(corpus: str | os.PathLike = "../shared/corpus", path: str | os.PathLike | None = None) -> Report:
    """Check every citation of the package at `path` that points into the corpus folder `corpus`."""
    folder = Path(corpus)
    if not folder.is_dir():
        return Report(
            (Problem(str(corpus), 1, 1, "corpus-missing", f"no corpus folder at {corpus}; give it with --corpus"),)
        )
    try:
        tables = {
            name: _load.located(name, path)
            for name in ("sources", "events", "visits", "agreements", "trade", "citations")
        }
    except PakrusError as exc:
        return Report(tuple(exc.problems))
    return Report(tuple(sorted(_Audit(folder, tables).problems())))


class _Audit:
    def __init__(self, folder: Path, tables: dict):
        self.folder = folder
        self.frames = {name: frame for name, (frame, _, _) in tables.items()}
        self.citations, self.lines, self.rel = tables["citations"]
        self.sources = self.frames["sources"].set_index("source_id")
        self.texts: dict[str, list[str] | None] = {}

    def problems(self) -> list[Problem]:
        out = []
        for i, row in enumerate(self.citations.itertuples(index=False)):  # one citation at a time: a text check
            kind = self.sources.at[row.source_id, "kind"] if row.source_id in self.sources.index else None
            if kind in ("corpus_document", "secondary_reference"):
                out += [Problem(self.rel, self.lines[i], 3, code, message) for code, message in self._check(row, kind)]
        return out

    def _check(self, row, kind) -> list[tuple[str, str]]:
        match = _LOCATOR.match(str(row.locator))
        if not match or bool(match.group(1)) != (kind == "secondary_reference"):
            form = "listed in src-NNNN, para N" if kind == "secondary_reference" else "para N or para N, M"
            return [("locator-invalid", f"locator {row.locator!r} for {row.source_id}: write it as {form!r}")]
        document = match.group(1) or row.source_id
        paragraphs = self._paragraphs(document)
        if paragraphs is None:
            file = self.sources.at[document, "corpus_file"] if document in self.sources.index else None
            return [("corpus-missing", f"{document}: its file {file!r} is not in {self.folder}")]
        numbers = [int(n) for n in match.group(2).split(", ")]
        past = [n for n in numbers if not 1 <= n <= len(paragraphs)]
        if past:
            return [("locator-missing", f"{document} has {len(paragraphs)} paragraphs; para {past[0]} does not exist")]
        if pd.notna(row.claim):
            return []
        text = "\n".join(paragraphs[n - 1] for n in numbers)
        return self._dates(row.record_id, text, document) + self._values(row.record_id, text)

    def _paragraphs(self, source_id: str) -> list[str] | None:
        """The non-empty lines of a corpus document: paragraph N is the N-th."""
        if source_id not in self.texts:
            file = self.sources.at[source_id, "corpus_file"] if source_id in self.sources.index else None
            path = self.folder / str(file)
            self.texts[source_id] = (
                [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
                if pd.notna(file) and path.is_file()
                else None
            )
        return self.texts[source_id]

    # What a record says

    def _span(self, record: str) -> tuple | None:
        """(first year, last year) the record's coded dates cover, or None when undated."""
        table, key, start, end = {
            "evt": ("events", "event_id", "date_start", "date_end"),
            "vis": ("visits", "visit_id", None, None),
            "agr": ("agreements", "agreement_id", "signed_start", "signed_end"),
            "trd": ("trade", "trade_id", "period_start", "period_end"),
        }[record[:3]]
        frame = self.frames[table].set_index(key)
        if table == "visits":
            return self._span(frame.at[record, "event_id"])
        first, last = frame.at[record, start], frame.at[record, end]
        return None if pd.isna(first) else (first.year, last.year)

    def _dates(self, record: str, text: str, document: str) -> list[tuple[str, str]]:
        span = self._span(record)
        if span is None or record.startswith("trd"):
            return []
        years = set(range(span[0], span[1] + 1))
        if years & {int(y) for y in _YEAR.findall(text)}:
            return []
        published = self.sources.loc[document, ["pub_date_start", "pub_date_end"]]
        window = (
            set(range(published.iloc[0].year - 1, published.iloc[1].year + 1)) if published.notna().all() else set()
        )
        if _RELATIVE.search(text) and years & window:
            return []
        shown = str(span[0]) if span[0] == span[1] else f"{span[0]}–{span[1]}"
        return [
            (
                "year-not-in-passage",
                f"{record} is coded to {shown}, which the cited paragraphs neither state nor "
                "imply relative to the publication date; correct the date or the locator, or record the source's claim",
            )
        ]

    def _values(self, record: str, text: str) -> list[tuple[str, str]]:
        wanted = self._wanted_values(record)
        stated = _stated_numbers(text)
        missing = [v for v in wanted if not any(abs(v - s) < 1e-6 * max(1.0, v) for s in stated)]
        return [
            ("value-not-in-passage", f"{record}: the value {v:g} is not stated in the cited paragraphs")
            for v in missing
        ]

    def _wanted_values(self, record: str) -> list[float]:
        if record.startswith("trd"):
            row = self.frames["trade"].set_index("trade_id").loc[record]
            return [float(v) for v in (row["value"], row["value_upper"]) if pd.notna(v)]
        if record.startswith("agr"):
            value = self.frames["agreements"].set_index("agreement_id").at[record, "value_amount"]
            return [] if pd.isna(value) else [float(value)]
        return []


def _stated_numbers(text: str) -> set[float]:
    """Every number in the text, also read as millions or billions where the text speaks of them."""
    plain = {0.5 if n.lower() == "half" else float(n) for n in _NUMBER.findall(text.replace(",", ""))}
    scaled = set(plain)
    if re.search(r"\bbillion\b", text, re.I):
        scaled |= {n * 1_000 for n in plain} | {n * 1_000_000_000 for n in plain}
    if re.search(r"\bmillion\b", text, re.I):
        scaled |= {n * 1_000_000 for n in plain}
    return scaled
