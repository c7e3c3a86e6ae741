"""The coded data: faithful to the external series, one spelling per person, changelog counts that agree."""

from __future__ import annotations

import csv
import re
from difflib import SequenceMatcher
from itertools import combinations

import pytest
from conftest import CHECKOUT

import pakrus

EXTERNAL = CHECKOUT.parent / "shared" / "external"
needs_external = pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"the external extracts are not at {EXTERNAL}")


def _series(series: str):
    trade = pakrus.load("trade")
    return trade[trade["series"] == series]


@needs_external
def test_cow_series_is_the_extract_year_by_year():
    cow = _series("COW Trade v4.0 dyadic")
    with open(EXTERNAL / "trade_cow_v4_pak_rus_1948_2014.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected = {
        (int(r["year"]), flow): float(r[col])
        for r in rows
        for flow, col in (
            ("pak_imports_from_rus", "pak_imports_from_rus_musd"),
            ("pak_exports_to_rus", "pak_exports_to_rus_musd"),
        )
    }
    coded = {(row.period_start.year, row.flow): float(row.value) for row in cow.itertuples()}
    assert coded == expected
    assert set(cow["unit"]) == {"usd_million"} and set(cow["kind"]) == {"recorded"}
    assert (cow["partner_country"] == cow["period_start"].dt.year.map(lambda y: "SUN" if y <= 1991 else "RUS")).all()


@needs_external
def test_sipri_series_is_the_extract_year_by_year():
    sipri = _series("SIPRI TIV")
    with open(EXTERNAL / "sipri_tiv_ussr_russia_to_pakistan_1950_2021.csv", encoding="utf-8") as fh:
        expected = {int(r["year"]): float(r["tiv_mn"]) for r in csv.DictReader(fh)}
    assert {row.period_start.year: float(row.value) for row in sipri.itertuples()} == expected
    assert set(sipri["unit"]) == {"sipri_tiv_million"}


def test_every_zero_says_what_it_means():
    trade = pakrus.load("trade")
    zeros = trade[trade["value"] == 0]
    assert zeros["notes"].str.contains("less than|no deliveries").all()


def test_one_spelling_per_person():
    visitors = pakrus.load("visits")["visitor"]
    names = sorted(set(visitors[~visitors.str.contains("not named|delegation", case=False)]))
    close = [(a, b) for a, b in combinations(names, 2) if SequenceMatcher(None, a, b).ratio() > 0.85]
    assert close == []


def test_changelog_gives_the_row_counts_of_this_release():
    text = (CHECKOUT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = next(part for part in text.split("\n## [")[1:] if not part.startswith("Unreleased"))
    counts = {name: int(n) for name, n in re.findall(r"`(\w+)` (\d+)", newest.split("### ")[0])}
    assert counts == pakrus.info()["rows"]
