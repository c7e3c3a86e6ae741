"""The `pakrus` command: thin commands over the Python API."""

from __future__ import annotations

import argparse
import json
import os
import sys

import pakrus
from pakrus._cite import FORMATS as CITE_FORMATS
from pakrus._export import FORMATS as EXPORT_FORMATS
from pakrus._problems import PakrusError, Report


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code. Never lets a traceback through."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except PakrusError as exc:
        report = Report(tuple(exc.problems))
        sys.stderr.write(report.to_text())
        return report.exit_code
    except BrokenPipeError:  # `pakrus show events | head`
        sys.stderr.close()
        return 0
    except Exception as exc:
        if os.environ.get("PAKRUS_DEBUG"):
            raise
        sys.stderr.write(f"pakrus: internal error: {exc!r}; set PAKRUS_DEBUG=1 to see where, and please report it\n")
        return 2


def _parser() -> argparse.ArgumentParser:
    package = argparse.ArgumentParser(add_help=False)
    package.add_argument(
        "--package",
        metavar="PATH",
        default=None,
        help="a data package directory or its datapackage.json (default: the one shipped with pakrus)",
    )
    local = argparse.ArgumentParser(add_help=False)  # commands that write: the package in the working tree
    local.add_argument(
        "path",
        nargs="?",
        default=".",
        metavar="PATH",
        help="a data package directory or its datapackage.json (default: the current directory)",
    )
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    parser = argparse.ArgumentParser(prog="pakrus", description=pakrus.__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pakrus {pakrus.__version__} (data version)")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    cmd = commands.add_parser("tables", parents=[package], help="list the tables")
    cmd.set_defaults(run=_tables)
    cmd = commands.add_parser("show", parents=[package], help="print the first rows of a table")
    cmd.add_argument("table", help="table name, as listed by `pakrus tables`")
    cmd.add_argument("--head", type=int, default=10, metavar="N", help="number of rows to print (default: 10)")
    cmd.set_defaults(run=_show)
    cmd = commands.add_parser(
        "validate",
        parents=[fmt],
        help="check a data package; exit 0 valid, 1 invalid data, 2 metadata, safety or usage error",
    )
    cmd.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="a data package directory or its datapackage.json (default: the one shipped with pakrus)",
    )
    cmd.set_defaults(run=_validate)
    cmd = commands.add_parser("info", parents=[package, fmt], help="version, licence, row counts and how to cite")
    cmd.set_defaults(run=_info)
    cmd = commands.add_parser("cite", parents=[package], help="print how to cite this release")
    cmd.add_argument(
        "--format",
        choices=CITE_FORMATS,
        default="apa",
        help="citation format (default: apa)",
    )
    cmd.add_argument(
        "--with-sources",
        action="store_true",
        help="also cite the datasets this release incorporates, as their producers ask",
    )
    cmd.set_defaults(run=_cite)
    cmd = commands.add_parser("diff", help="record-level changes between two releases of the package")
    cmd.add_argument("old", metavar="OLD", help="the older package (directory or datapackage.json)")
    cmd.add_argument("new", metavar="NEW", help="the newer package (directory or datapackage.json)")
    cmd.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="output format (default: text)"
    )
    cmd.set_defaults(run=_diff)
    cmd = commands.add_parser("export", parents=[package], help="write the tables as Parquet, Stata, Excel or SQLite")
    cmd.add_argument("--format", choices=tuple(EXPORT_FORMATS), required=True, help="file format")
    cmd.add_argument("--out", metavar="DIR", required=True, help="folder to write the files to")
    cmd.add_argument("--panel", action="store_true", help="also write the dyad-year panel (table `panel`)")
    cmd.set_defaults(run=_export)
    cmd = commands.add_parser("resolve", parents=[package, fmt], help="what a record id means in this release")
    cmd.add_argument("id", help="a record id, such as evt-0001")
    cmd.set_defaults(run=_resolve)
    cmd = commands.add_parser(
        "audit",
        parents=[package, fmt],
        help="maintainers: check every citation against the corpus texts (exit 0 clean, 1 problems, 2 no corpus)",
    )
    cmd.add_argument(
        "--corpus",
        metavar="DIR",
        default="../shared/corpus",
        help="folder of the corpus documents (default: ../shared/corpus)",
    )
    cmd.set_defaults(run=_audit)
    cmd = commands.add_parser(
        "docs", parents=[package], help="maintainers: write the generated pages and figures of the documentation site"
    )
    cmd.add_argument(
        "--out",
        metavar="DIR",
        default="docs/generated",
        help="folder to write them to (default: docs/generated, which mkdocs.yml expects)",
    )
    cmd.set_defaults(run=_docs)
    cmd = commands.add_parser(
        "fmt",
        parents=[local],
        help="rewrite the CSV files in canonical form and refresh the hashes (--check: only report)",
    )
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is not canonical")
    cmd.set_defaults(run=_fmt)
    cmd = commands.add_parser(
        "rehash",
        parents=[local],
        help="write each file's byte count and sha256 into datapackage.json (after an intended edit)",
    )
    cmd.set_defaults(run=_rehash)
    return parser


def _tables(args) -> int:
    print("\n".join(pakrus.tables(args.package)))
    return 0


def _show(args) -> int:
    print(pakrus.load(args.table, args.package).head(args.head).to_string())
    return 0


def _validate(args) -> int:
    return _report(pakrus.validate(args.path), args.format, f"pakrus validate: {args.path or 'the shipped package'}")


def _report(report: Report, fmt: str, what: str) -> int:
    """Print a report as text (one problem a line, a summary on stderr) or JSON; return its exit code."""
    if fmt == "json":
        print(report.to_json())
    else:
        sys.stdout.write(report.to_text())
        sys.stderr.write(f"{what}: {'valid' if report.valid else f'{len(report.problems)} problem(s)'}\n")
    return report.exit_code


def _cite(args) -> int:
    sys.stdout.write(pakrus.cite(args.format, args.with_sources, args.package))
    return 0


def _diff(args) -> int:
    from pakrus import _diff as diffing

    result = pakrus.diff(args.old, args.new)
    sys.stdout.write(
        diffing.to_json(result)
        if args.format == "json"
        else diffing.to_text(result, markdown=args.format == "markdown")
    )
    return 0


def _export(args) -> int:
    try:
        written = pakrus.export(args.format, args.out, args.package, panel=args.panel)
    except ModuleNotFoundError as exc:
        sys.stderr.write(
            f"pakrus export: {exc.name} is missing; install the export tools: pip install 'pakrus[export]'\n"
        )
        return 2
    print("\n".join(str(p) for p in written))
    return 0


def _resolve(args) -> int:
    answer = pakrus.resolve(args.id, args.package)
    if args.format == "json":
        print(json.dumps(answer, indent=2, ensure_ascii=False, default=str))
    elif answer["status"] == "current":
        print(f"{args.id}: current, in {answer['table']}")
        for key, value in answer["record"].items():
            print(f"  {key}: {value}")
    elif answer["status"] == "retired":
        r = answer["record"]
        print(f"{args.id}: retired in {r['retired_in']} ({r['reason']}); replaced by {r['replaced_by']}")
    else:
        print(f"{args.id}: unknown in this release")
    return 0 if answer["status"] != "unknown" else 1


def _audit(args) -> int:
    return _report(pakrus.audit(args.corpus, args.package), args.format, f"pakrus audit: {args.corpus}")


def _docs(args) -> int:
    try:
        from pakrus._docs import build  # matplotlib and the page renderers load only here
    except ModuleNotFoundError as exc:
        sys.stderr.write(
            f"pakrus docs: {exc.name} is missing; install the documentation tools: pip install 'pakrus[docs]'\n"
        )
        return 2

    written = build(args.out, args.package)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def _info(args) -> int:
    info = pakrus.info(args.package)
    if args.format == "json":
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"{info['title']}, version {info['version']}")
    print(f"licence: {', '.join(info['licenses'])}")
    width = max(map(len, info["rows"]))
    for name, rows in info["rows"].items():
        print(f"  {name:<{width}}  {rows:>6} rows")
    print(f"cite as: {info['citation']}")
    return 0


def _fmt(args) -> int:
    changed = pakrus.fmt(args.path, check=args.check)
    verb = "would reformat" if args.check else "reformatted"
    for rel in changed:
        print(f"{verb} {rel}")
    if not changed:
        print("every file is in canonical form")
    return 1 if args.check and changed else 0


def _rehash(args) -> int:
    changed = pakrus.rehash(args.path)
    print(f"updated: {', '.join(changed)}" if changed else "nothing to update: every hash matches")
    return 0
