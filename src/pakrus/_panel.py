"""The dyad-year panel: one row per year, counts and yearly values derived from the tables.

Its columns are described in schemas/panel.json; `panel()` builds exactly those columns.
"""

from __future__ import annotations

import os

import pandas as pd

from pakrus import _files, _load, _schema

PAKISTAN, PARTNER = "PAK", {"SUN", "RUS"}


def panel(path: str | os.PathLike | None = None, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per year from 1947 to the latest year in the data, typed from schemas/panel.json
    (`tables`: the package's tables, when the caller has loaded them already)."""
    tables = tables if tables is not None else _load.load_all(path)
    schema = panel_schema(path)
    years = pd.RangeIndex(1947, _last_year(tables) + 1, name="year")
    columns = {"year": pd.Series(years, index=years)}
    columns |= _counts(_within_year(tables["events"]), "domain", "events_", years)
    columns |= _visit_counts(tables, years)
    columns |= _counts(_agreements(tables["agreements"]), "agreement_type", "agreements_", years)
    columns |= _series(tables["trade"], years)
    frame = pd.DataFrame(columns).reset_index(drop=True)
    return frame[[f["name"] for f in schema["fields"]]].astype({f["name"]: _schema.dtype(f) for f in schema["fields"]})


def panel_schema(path=None) -> dict:
    return _files.read_json(_files.find_root(path), "schemas/panel.json").value


def _last_year(tables) -> int:
    ends = [tables["events"]["date_end"].max(), tables["trade"]["period_end"].max()]
    return max(int(d.year) for d in ends if pd.notna(d))


def _within_year(events: pd.DataFrame) -> pd.DataFrame:
    """Events that occurred and are dated within one calendar year, with that year."""
    dated = events[(events["status"] == "occurred") & events["date_start"].notna()]
    dated = dated[dated["date_start"].dt.year == dated["date_end"].dt.year]
    return dated.assign(year=dated["date_start"].dt.year)


def _counts(frame: pd.DataFrame, by: str, prefix: str, years: pd.Index) -> dict[str, pd.Series]:
    table = pd.crosstab(frame["year"], frame[by]).reindex(index=years, columns=frame[by].cat.categories, fill_value=0)
    return {f"{prefix}{value}": table[value] for value in table.columns}


def _visit_counts(tables, years) -> dict[str, pd.Series]:
    events = _within_year(tables["events"])[["event_id", "year"]]
    visits = tables["visits"].merge(events, on="event_id")
    out = {}
    for direction, (origin, host) in (("pak_to_rus", ({PAKISTAN}, PARTNER)), ("rus_to_pak", (PARTNER, {PAKISTAN}))):
        part = visits[visits["visitor_country"].isin(origin) & visits["host_country"].isin(host)]
        out |= _counts(part, "level", f"visits_{direction}_", years)
    return out


def _agreements(agreements: pd.DataFrame) -> pd.DataFrame:
    dated = agreements[agreements["signed_start"].notna()]
    dated = dated[dated["signed_start"].dt.year == dated["signed_end"].dt.year]
    return dated.assign(year=dated["signed_start"].dt.year)


def _series(trade: pd.DataFrame, years) -> dict[str, pd.Series]:
    recorded = trade[(trade["kind"] == "recorded") & (trade["period_type"] == "calendar_year")]
    recorded = recorded.assign(year=recorded["period_start"].dt.year)
    out = {}
    for column, flow in (
        ("pak_imports_from_rus_musd", "pak_imports_from_rus"),
        ("pak_exports_to_rus_musd", "pak_exports_to_rus"),
        ("arms_transfers_tiv", "arms_transfers_to_pak"),
    ):
        values = recorded[recorded["flow"] == flow].set_index("year")["value"]
        out[column] = values.reindex(years)  # a year no source covers stays missing, never 0
    return out
