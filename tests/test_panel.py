"""The dyad-year panel: its columns are its Table Schema's, and its values the tables'."""

from __future__ import annotations

import pandas as pd
import pytest

import pakrus
from pakrus._export import read_back
from pakrus._panel import panel_schema


@pytest.fixture(scope="module")
def panel():
    return pakrus.panel()


def test_columns_and_types_follow_its_schema(panel):
    fields = panel_schema()["fields"]
    assert list(panel.columns) == [f["name"] for f in fields]
    for field in fields:
        assert str(panel[field["name"]].dtype) == {"integer": "Int64", "number": "Float64"}[field["type"]]


def test_one_row_per_year_from_1947_to_the_latest_year(panel):
    tables = pakrus.load_all()
    last = max(tables["events"]["date_end"].max().year, tables["trade"]["period_end"].max().year)
    assert panel["year"].tolist() == list(range(1947, last + 1))


def test_values_come_from_the_trade_table_and_are_missing_where_no_source_covers_a_year(panel):
    trade = pakrus.load("trade")
    cow_2014 = trade[(trade["series"] == "COW Trade v4.0 dyadic") & (trade["period_start"].dt.year == 2014)]
    row = panel.set_index("year").loc[2014]
    assert row["pak_imports_from_rus_musd"] == cow_2014.loc[cow_2014["flow"] == "pak_imports_from_rus", "value"].item()
    by_year = panel.set_index("year")
    assert by_year.loc[1947, ["pak_imports_from_rus_musd", "arms_transfers_tiv"]].isna().all()
    assert by_year.loc[2021, "pak_exports_to_rus_musd"] is pd.NA
    assert by_year.loc[1955, "arms_transfers_tiv"] == 0  # SIPRI covers 1955 and records no delivery


def test_counts_add_up_to_the_countable_records(panel):
    events = pakrus.load("events")
    dated = events[(events["status"] == "occurred") & events["date_start"].notna()]
    countable = (dated["date_start"].dt.year == dated["date_end"].dt.year).sum()
    assert panel.filter(like="events_").to_numpy().sum() == countable


def test_export_with_the_panel_reads_back_equal(tmp_path, panel):
    pakrus.export("parquet", tmp_path, panel=True)
    back = read_back("parquet", tmp_path, {"panel": panel_schema()})
    pd.testing.assert_frame_equal(back["panel"], panel)


def test_its_schema_is_a_valid_table_schema_with_every_field_described():
    from pakrus._metadata import schema_problems

    assert schema_problems(panel_schema(), pakrus.tables()) == []
