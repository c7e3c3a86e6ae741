"""The generated documentation: codebook, sources, disputes, figures, citing and reference pages.

`pakrus docs` writes them, with the figures, into a git-ignored folder before `mkdocs build`;
nothing here runs inside MkDocs, so the site can move to another builder by configuration alone.
The renderers are pure functions of their inputs; only `build` reads the package and writes files.
"""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

import pandas as pd

from pakrus import _files, _load, _schema
from pakrus._files import DESCRIPTOR
from pakrus._problems import CODES

FACT_TABLES = {"events": "event_id", "visits": "visit_id", "agreements": "agreement_id", "trade": "trade_id"}
RULES = {
    "1": "Reference: the claim backed by a dated reference a document lists",
    "2": "Majority: the claim made by more documents",
    "3": "Specificity: the more specific claim",
    "4": "Proximity: the claim of the document published nearer the event",
}


def build(out: str | Path = "docs/generated", path=None, parser: argparse.ArgumentParser | None = None) -> list[Path]:
    """Write every generated page and figure of the site into `out`; return the files written."""
    out = Path(out)
    root = _files.find_root(path)
    tables = _load.load_all(root)
    schemas = {name: _load.schema(name, root) for name in tables}
    pages = {f"tables/{name}.md": codebook(schemas[name], examples(frame)) for name, frame in tables.items()}
    from pakrus._panel import panel, panel_schema

    pages["tables/panel.md"] = codebook(panel_schema(root), examples(panel(root, tables)))
    pages["tables/index.md"] = tables_index(schemas, {n: len(f) for n, f in tables.items()})
    version = _files.read_json(root, DESCRIPTOR).value["version"]
    pages["snippets/coverage.txt"] = coverage(version, tables)  # included by docs/index.md
    pages["timeline.md"] = timeline_page(tables["events"], tables["visits"])
    pages["sources.md"] = sources_page(tables["sources"], tables["citations"], tables["trade"])
    pages["disputes.md"] = disputes_page(tables)
    pages["figures.md"] = figures_page(tables)
    pages["citing.md"] = citing_page(tables["sources"], root)
    pages["reference.md"] = reference_page(parser)
    pages["checks.md"] = checks_page(root)
    written = []
    for rel, text in pages.items():
        written.append(_write(out / rel, text))
    from pakrus import _figures  # matplotlib loads only here

    written += _figures.draw(tables, out / "figures")
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Codebook: a pure function of one Table Schema (and example values)


def examples(frame: pd.DataFrame, n: int = 3) -> dict[str, list[str]]:
    """A few distinct non-empty values of each column, as text, shortest first."""
    out = {}
    for name in frame.columns:
        values = frame[name].dropna()
        text = values.dt.strftime("%Y-%m-%d") if values.dtype.kind == "M" else values.astype(str)
        unique = sorted(set(text), key=lambda v: (len(v), v))
        out[name] = [v if len(v) <= 60 else v[:57] + "…" for v in unique[:n]]
    return out


def codebook(schema: dict, sample: dict[str, list[str]] | None = None) -> str:
    """The codebook page of one table, rendered from its Table Schema alone (plus example values)."""
    sample = sample or {}
    lines = [f"# {schema.get('title', 'Table')}", "", schema.get("description", ""), ""]
    lines += _keys(schema)
    lines += ["## Fields", "", "| # | field | type | required | unique | constraints |", "|---|---|---|---|---|---|"]
    for i, field in enumerate(schema["fields"], start=1):
        c = field.get("constraints", {})
        pk = field["name"] in _schema.primary_key(schema)
        lines.append(
            f"| {i} | [`{field['name']}`](#{_anchor(field['name'])}) | {field.get('type', 'string')} "
            f"| {'yes' if c.get('required') or pk else 'no'} | {'yes' if c.get('unique') else 'no'} "
            f"| {_escape(_constraints(c))} |"
        )
    lines.append("")
    for field in schema["fields"]:
        lines += _field_section(field, schema, sample.get(field["name"], []))
    return "\n".join(lines) + "\n"


def _field_section(field: dict, schema: dict, sample: list[str]) -> list[str]:
    c = field.get("constraints", {})
    required = _schema.required(field, schema)
    lines = [f"### `{field['name']}` {{#{_anchor(field['name'])}}}", "", field.get("description", ""), ""]
    lines.append(f"- **Type:** {field.get('type', 'string')}" + _format(field))
    missing = "not allowed (required)" if required else "an empty cell means not stated or not applicable"
    lines.append(f"- **Missing value:** {missing}")
    if _constraints(c):
        lines.append(f"- **Constraints:** {_constraints(c)}")
    if sample:
        lines.append("- **Examples:** " + ", ".join(f"`{v}`" for v in sample))
    lines.append("")
    if field.get("categories"):
        lines += ["| value | meaning |", "|---|---|"]
        lines += [f"| `{cat['value']}` | {_escape(cat.get('label', ''))} |" for cat in field["categories"]]
        if field.get("categoriesOrdered"):
            lines.append("")
            lines.append("The values are ordered as listed.")
        lines.append("")
    return lines


def _keys(schema: dict) -> list[str]:
    lines = ["## Keys", "", f"- **Primary key:** {', '.join(f'`{k}`' for k in _schema.primary_key(schema))}"]
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        target = ref.get("resource") or "this table"
        lines.append(f"- **Foreign key:** {_code_list(fk['fields'])} → {target} ({_code_list(ref['fields'])})")
    return [*lines, ""]


def _code_list(names) -> str:
    return ", ".join(f"`{n}`" for n in ([names] if isinstance(names, str) else names))


def _constraints(c: dict) -> str:
    parts = []
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    for key, word in (("minimum", "at least"), ("maximum", "at most")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    for key, word in (("minLength", "at least"), ("maxLength", "at most")):
        if key in c:
            parts.append(f"{word} {c[key]} characters")
    if "enum" in c:
        parts.append("one of the values below")
    return "; ".join(parts)


def _format(field: dict) -> str:
    if field.get("type") == "date":
        return " (YYYY-MM-DD)"
    if field.get("type") == "boolean":
        return (
            f" ({_code_list(field.get('trueValues', ['true']))} or {_code_list(field.get('falseValues', ['false']))})"
        )
    return ""


def _anchor(name: str) -> str:
    return "field-" + name.replace("_", "-")


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def tables_index(schemas: dict[str, dict], rows: dict[str, int]) -> str:
    lines = [
        "# Tables",
        "",
        "Each table is one CSV file in `data/` with its Table Schema in `schemas/`.",
        "",
        "| table | rows | what one row is |",
        "|---|---|---|",
    ]
    for name, schema in schemas.items():
        lines.append(f"| [{name}]({name}.md) | {rows[name]} | {_escape(schema.get('description', ''))} |")
    lines += ["", "## How the tables join", ""]
    for name, schema in schemas.items():
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            lines.append(
                f"- `{name}`: {_code_list(fk['fields'])} → `{ref.get('resource') or name}`: {_code_list(ref['fields'])}"
            )
    lines.append(
        "- The [dyad-year panel](panel.md) is derived from these tables by `pakrus.panel()`; it is not "
        "a file of the package."
    )
    lines.append(
        "- `citations.record_id` → the id of a row of `events`, `visits`, `agreements` or `trade` (checked by "
        "`pakrus validate`, since a foreign key can point to one table only)"
    )
    return "\n".join(lines) + "\n"


# Home page coverage


def coverage(version: str, tables: dict[str, pd.DataFrame]) -> str:
    events = tables["events"]
    dated = events.dropna(subset=["date_start"])
    trade = tables["trade"]
    lines = [
        f"Version **{version}**. Events run from {dated['date_start'].min().year} to "
        f"{dated['date_end'].max().year} ({len(events) - len(dated)} undated); the trade table covers "
        f"{trade['period_start'].min().year}–{trade['period_end'].max().year}.",
        "",
        "| table | rows |",
        "|---|---|",
    ]
    lines += [f"| [{name}](generated/tables/{name}.md) | {len(frame)} |" for name, frame in tables.items()]
    return "\n".join(lines) + "\n"


# Timeline


def timeline_page(events: pd.DataFrame, visits: pd.DataFrame) -> str:
    """Every event in date order (undated ones last), with the visitors of each visit."""
    who = visits.groupby("event_id")["visitor"].agg(lambda names: "; ".join(names))
    ordered = events.sort_values(["date_start", "event_id"], na_position="last")
    lines = [
        "# Timeline",
        "",
        "Every event of the `events` table in date order; undated events come last.",
        "",
        "| id | when | event | type | status | visitors |",
        "|---|---|---|---|---|---|",
    ]
    for row in ordered.itertuples():
        when = _dates(row.date_start, row.date_end) + f" ({row.date_precision})"
        flag = " (disputed)" if row.disputed else ""
        lines.append(
            f"| `{row.event_id}` | {when} | {_escape(row.title)}{flag} | {row.event_type} | {row.status} "
            f"| {_escape(who.get(row.event_id, ''))} |"
        )
    return "\n".join(lines) + "\n"


# Sources


def sources_page(sources: pd.DataFrame, citations: pd.DataFrame, trade: pd.DataFrame) -> str:
    supported = citations.groupby("source_id")["record_id"].nunique()
    lines = [
        "# Sources",
        "",
        "The bibliography, from the `sources` table, with the number of records each source supports.",
        "",
    ]
    for kind, group in sources.groupby("kind", observed=True, sort=False):
        lines += [f"## {str(kind).replace('_', ' ').capitalize()}s", ""]
        for row in group.itertuples():
            count = int(supported.get(row.source_id, 0))
            lines.append(f"- **`{row.source_id}`** {_reference(row)} — supports **{count}** records.")
            if pd.notna(row.notes):
                lines.append(f"  {row.notes}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _reference(row) -> str:
    parts = [
        str(row.authors) if pd.notna(row.authors) else None,
        f"*{row.title}*",
        str(row.outlet) if pd.notna(row.outlet) else None,
        _pub_date(row),
    ]
    text = ". ".join(p for p in parts if p)
    if pd.notna(row.url):
        text += f". <{row.url}>"
    if pd.notna(row.cited_by):
        text += f" Listed by `{row.cited_by}`."
    return text


def _pub_date(row) -> str:
    if pd.isna(row.pub_date_start):
        return "undated"
    start, end, precision = row.pub_date_start, row.pub_date_end, str(row.pub_date_precision)
    shown = {"day": start.strftime("%-d %B %Y"), "month": start.strftime("%B %Y")}.get(
        precision, f"{start.year}" if start.year == end.year else f"{start.year}–{end.year}"
    )
    return shown + (" (inferred)" if row.pub_date_basis == "inferred" else "")


# Disputes


def disputes_page(tables: dict[str, pd.DataFrame]) -> str:
    citations, sources = tables["citations"], tables["sources"].set_index("source_id")
    events = tables["events"].set_index("event_id")
    lines = [
        "# Disputes",
        "",
        "Every record the sources disagree about: the value coded, the rule that chose it (see the "
        "[coding rules](../coding-rules.md#disagreements)), and what each source says.",
        "",
    ]
    for table, key in FACT_TABLES.items():
        frame = tables[table]
        if "disputed" not in frame:
            continue
        for row in frame[frame["disputed"].fillna(False)].itertuples():
            record = getattr(row, key)
            lines += [
                f"## `{record}` {_title(row, events)}",
                "",
                f"- **Coded:** {_coded(row, table)}",
                f"- **Rule:** {dispute_rule(row, events)}",
                "",
                "| source | where | what it says |",
                "|---|---|---|",
            ]
            for cite in citations[citations["record_id"] == record].itertuples():
                said = cite.claim if pd.notna(cite.claim) else "agrees with the coded value"
                name = sources.at[cite.source_id, "title"] if cite.source_id in sources.index else ""
                lines.append(f"| `{cite.source_id}` {_escape(name)} | {cite.locator} | {_escape(said)} |")
            lines.append("")
    return "\n".join(lines) + "\n"


def dispute_rule(row, events: pd.DataFrame) -> str:
    """The rule named in the record's notes, or in its event's notes."""
    for notes in (getattr(row, "notes", None), _event_notes(row, events)):
        found = re.search(r"\brule (\d)", str(notes)) if pd.notna(notes) else None
        if found and found.group(1) in RULES:
            return f"{found.group(1)}. {RULES[found.group(1)]}"
    return "not stated"


def _event_notes(row, events: pd.DataFrame):
    event = getattr(row, "event_id", None)
    return events.at[event, "notes"] if pd.notna(event) and event in events.index else None


def _title(row, events: pd.DataFrame) -> str:
    if hasattr(row, "title"):
        return row.title
    if hasattr(row, "visitor"):
        return f"{row.visitor}: {events.at[row.event_id, 'title']}"
    return ""


def _coded(row, table: str) -> str:
    if table == "events":
        where = " ".join(str(v) for v in (row.place, row.country) if pd.notna(v))
        return f"{_dates(row.date_start, row.date_end)} ({row.date_precision}) {where}".strip()
    if table == "agreements":
        value = f", {row.value_amount:,.0f} {row.value_currency}" if pd.notna(row.value_amount) else ""
        return f"{_dates(row.signed_start, row.signed_end)} ({row.signed_precision}){value}"
    if table == "visits":
        return f"{row.visitor}, {row.office}; {row.visitor_country} → {row.host_country}"
    return f"{row.value} {row.unit}"


def _dates(start, end) -> str:
    if pd.isna(start):
        return "undated"
    return start.strftime("%Y-%m-%d") + ("" if start == end else " to " + end.strftime("%Y-%m-%d"))


# Figures page


def figures_page(tables: dict[str, pd.DataFrame]) -> str:
    from pakrus._figures import FIGURES

    lines = ["# Figures", "", "Drawn from the data at every build of this site.", ""]
    for name, (title, caption) in FIGURES.items():
        lines += [f"## {title}", "", f"![{title}](figures/{name}.png)", "", f"*{caption}*", ""]
    return "\n".join(lines) + "\n"


# Citing


def citing_page(sources: pd.DataFrame, path=None) -> str:
    from pakrus._cite import cite

    datasets = sources[sources["kind"] == "dataset"]
    lines = [
        "# Citing pakrus",
        "",
        "Cite the exact version you used. This page is generated from `CITATION.cff` "
        "(also printed by `pakrus cite --format apa|bibtex|ris|csl-json|cff`).",
        "",
        "## Reference",
        "",
        cite("apa", path=path).strip(),
        "",
        "## BibTeX",
        "",
        "```bibtex",
        cite("bibtex", path=path).strip(),
        "```",
        "",
        "## The datasets pakrus incorporates",
        "",
        "The trade table includes values from these datasets; their producers ask to be cited as follows.",
        "",
    ]
    lines += [f"- **{row.title}** (`{row.source_id}`): {row.requested_citation}" for row in datasets.itertuples()]
    return "\n".join(lines) + "\n"


# Reference


def reference_page(parser: argparse.ArgumentParser | None = None) -> str:
    import pakrus

    if parser is None:
        from pakrus.cli import _parser

        parser = _parser()
    lines = ["# Reference", "", "## Python", ""]
    for name in pakrus.__all__:
        obj = getattr(pakrus, name)
        if inspect.isfunction(obj):
            lines += [f"### `pakrus.{name}{inspect.signature(obj)}`", "", inspect.getdoc(obj) or "", ""]
        elif inspect.isclass(obj):
            lines += [f"### `pakrus.{name}`", "", inspect.getdoc(obj) or "", ""]
    lines += ["## Command line", "", "```text", parser.format_help().rstrip(), "```", ""]
    for command, sub in _subcommands(parser).items():
        lines += [f"### `pakrus {command}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(lines) + "\n"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers here; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def checks_page(root) -> str:
    lines = [
        "# What the validator checks",
        "",
        "`pakrus validate` reads the descriptor, the Table Schemas, `validation/checks.json` and every "
        "file, and reports every problem in one run as `FILE:LINE:COLUMN: CODE: MESSAGE`, with the "
        "physical line of the file. Metadata, safety and usage problems make it exit with 2, data "
        "problems with 1; it never writes a file, and Pandera's switches "
        "(`PANDERA_VALIDATION_ENABLED=False`, `PANDERA_VALIDATION_DEPTH=SCHEMA_ONLY`) do not turn it off.",
        "",
        "## One example per class",
        "",
        "Each message below was produced by this build, from a copy of the package broken on purpose.",
        "",
    ]
    for title, code, line in _examples(root):
        lines += [f"**{title}** (`{code}`)", "", "```text", line, "```", ""]
    lines += ["## Every code", "", "| code | class | meaning |", "|---|---|---|"]
    lines += [f"| `{code}` | {kind} | {_escape(meaning)} |" for code, (kind, meaning) in CODES.items()]
    return "\n".join(lines) + "\n"


def _examples(root) -> list[tuple[str, str, str]]:
    """(class, code, message line) for each class of bad input, made by breaking copies of the package."""
    import csv
    import io
    import shutil
    import tempfile

    from pakrus._validate import validate

    def cells(pkg, table, row, **values):
        path = pkg / "data" / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for name, value in values.items():
            rows[row + 1][rows[0].index(name)] = value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")

    def extra_cell(pkg):
        path = pkg / "data" / "citations.csv"
        head, first, rest = path.read_bytes().split(b"\n", 2)
        path.write_bytes(b"\n".join([head, first + b",stray", rest]))

    def bom(pkg):
        path = pkg / "data" / "events.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    def unsafe(pkg):
        text = (pkg / DESCRIPTOR).read_text(encoding="utf-8")
        (pkg / DESCRIPTOR).write_text(text.replace('"data/citations.csv"', '"../citations.csv"'), encoding="utf-8")

    cases = [
        ("Bytes and encoding", "bom", bom),
        ("CSV structure", "extra-cells", extra_cell),
        ("Types", "type-error", lambda p: cells(p, "events", 0, date_end="21/11/2014")),
        ("Constraints", "enum", lambda p: cells(p, "visits", 0, level="minister ")),
        ("References", "foreign-key", lambda p: cells(p, "trade", 0, source_id="src-0090")),
        ("Text hygiene", "formula-cell", lambda p: cells(p, "events", 0, notes="=1+1")),
        ("Cross-field checks", "date-order", lambda p: cells(p, "events", 3, date_start="2021-04-09")),
        ("Metadata and safety", "path-unsafe", unsafe),
    ]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, code, breaker in cases:
            pkg = Path(tmp) / code
            pkg.mkdir()
            for part in ("datapackage.json", "data", "schemas", "validation"):
                (shutil.copytree if (root / part).is_dir() else shutil.copy2)(root / part, pkg / part)
            breaker(pkg)
            if code != "path-unsafe":
                _load.rehash(pkg)
            found = [p for p in validate(pkg).problems if p.code == code]
            out.append((title, code, str(found[0]) if found else f"(no {code} problem was produced)"))
    return out
