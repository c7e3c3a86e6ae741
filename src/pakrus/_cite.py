"""Citations of a release, from its CITATION.cff: BibTeX, APA, RIS, CSL-JSON or the CFF itself."""

from __future__ import annotations

import json
import os

from pakrus import _files

FORMATS = ("apa", "bibtex", "ris", "csl-json", "cff")


def cite(format: str = "apa", with_sources: bool = False, path: str | os.PathLike | None = None) -> str:
    """The citation of this release in `format`; `with_sources` adds the datasets it incorporates."""
    if format not in FORMATS:
        raise ValueError(f"unknown citation format {format!r}; use one of: {', '.join(FORMATS)}")
    text = _files.read_text(_files.find_root(path), "CITATION.cff")
    if format == "cff":
        return text
    import yaml

    cff = yaml.safe_load(text)
    if format == "apa" and with_sources:  # the producers' own wording, from the sources table
        return _apa([_release(cff)]) + "\n" + _requested(path)
    works = [_release(cff)] + (
        [_reference(r) for r in cff.get("references", []) if r.get("type") == "data"] if with_sources else []
    )
    return {"apa": _apa, "bibtex": _bibtex, "ris": _ris, "csl-json": _csl}[format](works)


def _requested(path) -> str:
    from pakrus._load import load

    sources = load("sources", path)
    datasets = sources[sources["kind"] == "dataset"]
    lines = ["This release incorporates these datasets; their producers ask to be cited as follows."]
    lines += [f"- {row.title}: {row.requested_citation}" for row in datasets.itertuples()]
    return "\n".join(lines) + "\n"


# One neutral shape for the release and the datasets it incorporates


def _release(cff: dict) -> dict:
    return {
        "id": f"pakrus-{cff['version']}",
        "type": "dataset",
        "title": cff["title"],
        "authors": [_person(a) for a in cff["authors"]],
        "year": str(cff["date-released"])[:4],
        "date": str(cff["date-released"]),
        "version": str(cff["version"]),
        "license": cff.get("license", ""),
        "url": cff.get("repository-code") or cff.get("url") or "",
        "note": "",
    }


def _reference(ref: dict) -> dict:
    title = ref["title"]
    return {
        "id": "".join(ch for ch in title.split()[0].lower() if ch.isalnum()) + f"-{ref.get('year', '')}",
        "type": "dataset",
        "title": title,
        "authors": [_person(a) for a in ref["authors"]],
        "year": str(ref.get("year", "")),
        "date": str(ref.get("date-published", "")),
        "version": str(ref.get("version", "")),
        "license": "",
        "url": ref.get("url", ""),
        "note": ref.get("notes", ""),
    }


def _person(author: dict) -> dict:
    if "name" in author:
        return {"literal": author["name"]}
    return {"family": author["family-names"], "given": author.get("given-names", "")}


def _name(person: dict, family_first: bool = True) -> str:
    if "literal" in person:
        return person["literal"]
    return f"{person['family']}, {person['given']}" if family_first else f"{person['given']} {person['family']}"


# Formats


def _apa(works: list[dict]) -> str:
    lines = []
    for w in works:
        names = " & ".join(_apa_name(p) for p in w["authors"])
        version = f" (Version {w['version']})" if w["version"] else ""
        url = f" {w['url']}" if w["url"] else ""
        lines.append(f"{names.rstrip('.')}. ({w['year']}). {w['title']}{version} [Data set].{url}")
    return "\n\n".join(lines) + "\n"


def _apa_name(person: dict) -> str:
    if "literal" in person:
        return person["literal"]
    initials = " ".join(f"{part[0]}." for part in person["given"].replace(".", " ").split())
    return f"{person['family']}, {initials}"


def _bibtex(works: list[dict]) -> str:
    entries = []
    for w in works:
        fields = {
            "author": " and ".join("{" + p["literal"] + "}" if "literal" in p else _name(p) for p in w["authors"]),
            "title": "{" + w["title"] + "}",
            "year": w["year"],
            "version": w["version"],
            "howpublished": "Data set",
            "url": w["url"],
            "note": w["note"] or (f"Licence {w['license']}" if w["license"] else ""),
        }
        body = ",\n".join(f"  {key} = {{{_tex(value)}}}" for key, value in fields.items() if value)
        entries.append(f"@misc{{{w['id'].replace('.', '_')},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def _tex(value: str) -> str:
    return value.replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")


def _ris(works: list[dict]) -> str:
    records = []
    for w in works:
        lines = [
            "TY  - DATA",
            *(f"AU  - {_name(p)}" for p in w["authors"]),
            f"TI  - {w['title']}",
            f"PY  - {w['year']}",
        ]
        lines += [f"DA  - {w['date'].replace('-', '/')}"] if w["date"] else []
        lines += [f"ET  - {w['version']}"] if w["version"] else []
        lines += [f"UR  - {w['url']}"] if w["url"] else []
        lines += [f"N1  - {w['note']}"] if w["note"] else []
        records.append("\n".join([*lines, "ER  - "]))
    return "\n\n".join(records) + "\n"


def _csl(works: list[dict]) -> str:
    items = []
    for w in works:
        item = {
            "id": w["id"],
            "type": "dataset",
            "title": w["title"],
            "author": w["authors"],
            "issued": {"date-parts": [[int(x) for x in (w["date"] or w["year"]).split("-")]]},
        }
        item |= {"version": w["version"]} if w["version"] else {}
        item |= {"URL": w["url"]} if w["url"] else {}
        item |= {"note": w["note"]} if w["note"] else {}
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
