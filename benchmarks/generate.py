"""Synthetic pakrus packages for benchmarking: N valid events with their citations, deterministic.

    python benchmarks/generate.py N OUT_DIR [--seed S]

Uses the shipped Table Schemas and checks, so the package is a real pakrus package; text lengths
follow the shipped data (titles of ~60 characters, summaries of ~150, notes of ~200).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

import pakrus
from pakrus import _files

WORDS = np.array(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "Pakistan",
        "Russia",
        "visit",
        "agreement",
        "talks",
        "defence",
        "energy",
        "trade",
        "minister",
        "army",
        "foreign",
        "cooperation",
        "pipeline",
        "exercise",
        "joint",
        "security",
        "Moscow",
        "Islamabad",
        "delegation",
        "signed",
        "meeting",
        "relations",
        "official",
        "economic",
        "counter",
        "terrorism",
        "steel",
        "mill",
        "gas",
    ]
)


def text(rng: np.random.Generator, n: int, words: int) -> np.ndarray:
    """n sentences of about `words` words each, vectorised."""
    picks = WORDS[rng.integers(0, len(WORDS), size=(n, words))]
    return np.char.add(np.apply_along_axis(" ".join, 1, picks), ".")


def generate(n: int, out: Path, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    root = _files.default_root()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for part in ("schemas", "validation"):
        shutil.copytree(root / part, out / part)
    (out / "data").mkdir()
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    tables = {name: pakrus.load(name, root).iloc[0:0] for name in pakrus.tables(root)}
    tables["sources"] = pakrus.load("sources", root)
    tables["sources"] = tables["sources"][tables["sources"]["kind"] != "secondary_reference"]
    documents = tables["sources"].loc[tables["sources"]["kind"] == "corpus_document", "source_id"].to_numpy()

    years = rng.integers(1947, 2022, n)
    months = rng.integers(1, 13, n)
    start = pd.to_datetime({"year": years, "month": months, "day": 1})
    ids = np.char.add("evt-", np.char.zfill(np.arange(1, n + 1).astype(str), 4 if n < 10_000 else len(str(n))))
    types = np.array(["meeting", "talks", "exercise", "statement", "establishment"])
    domains = np.array(["diplomatic", "defence", "economic", "energy", "security", "cultural"])
    events = pd.DataFrame(
        {
            "event_id": ids,
            "date_start": start.dt.strftime("%Y-%m-%d"),
            "date_end": (start + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d"),
            "date_precision": "month",
            "title": text(rng, n, 9),
            "summary": text(rng, n, 24),
            "domain": domains[rng.integers(0, 6, n)],
            "event_type": types[rng.integers(0, 5, n)],
            "place": "Islamabad",
            "country": "PAK",
            "status": "occurred",
            "disputed": "false",
            "notes": text(rng, n, 30),
        }
    )
    citations = pd.DataFrame(
        {
            "record_id": ids,
            "source_id": documents[rng.integers(0, len(documents), n)],
            "locator": np.char.add("para ", rng.integers(1, 30, n).astype(str)),
            "claim": "",
        }
    )
    # every corpus document must be cited: cite each once more by the first event
    extra = pd.DataFrame({"record_id": ids[0], "source_id": documents, "locator": "para 1", "claim": ""})
    citations = pd.concat([citations, extra]).drop_duplicates(["record_id", "source_id"])
    citations = citations.sort_values(["record_id", "source_id"])
    datasets = tables["sources"].loc[tables["sources"]["kind"] == "dataset", "source_id"].to_numpy()
    trade = pakrus.load("trade", root)
    trade = trade[trade["source_id"].isin(datasets)]
    citations = pd.concat([citations, pakrus.load("citations", root).query("record_id in @trade.trade_id")])

    frames = {"events": events, "citations": citations, "trade": trade, "sources": tables["sources"]}
    for name in pakrus.tables(root):
        schema = pakrus.schema(name, root)
        frame = frames.get(name, tables[name])
        if name in ("trade", "sources"):
            from pakrus._fmt import render

            frame = render(frame, schema)
        _write(out / "data" / f"{name}.csv", frame[[f["name"] for f in schema["fields"]]])
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pakrus.rehash(out)
    return out


def _write(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.rows, args.out, args.seed))


if __name__ == "__main__":
    main()
