"""The figures of the documentation site, drawn with matplotlib from the tables at build time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

FIGURES = {
    "timeline": (
        "Events by domain, 1947 onward",
        "Each dated event at the middle of its date range; hollow markers are planned, announced or expected "
        "steps. Undated events are left out. Source: pakrus events table, coded from the corpus documents.",
    ),
    "visits": (
        "Official visits by direction and level",
        "Visits per five-year period, by the visitor's rank; left, Pakistani visitors to the USSR/Russia; "
        "right, Soviet/Russian visitors to Pakistan. Planned visits and meetings in third countries are left "
        "out. Source: pakrus visits and events tables.",
    ),
    "agreements": (
        "Agreements by domain",
        "Number of agreements in each domain, by their stage. Source: pakrus agreements table.",
    ),
    "trade": (
        "Goods trade and arms transfers",
        "Top: Pakistan's goods imports from and exports to the USSR/Russia, 1948–2014, in current US$ million "
        "(COW Trade v4.0, Barbieri and Keshk 2016, as rounded in the peacesciencer copy), with figures the "
        "corpus documents report marked separately; a bar spans a reported range or period. Bottom: deliveries "
        "of major arms from the USSR/Russia to Pakistan in SIPRI trend-indicator value (TIV) million, a volume "
        "index and not money (SIPRI Arms Transfers Database, tables of 28 July 2022).",
    ),
}
DIRECTIONS = {
    ("PAK", "SUN"): "Pakistan → USSR/Russia",
    ("PAK", "RUS"): "Pakistan → USSR/Russia",
    ("SUN", "PAK"): "USSR/Russia → Pakistan",
    ("RUS", "PAK"): "USSR/Russia → Pakistan",
}


def draw(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Draw every figure as a PNG in `out`; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, painter in (("timeline", _timeline), ("visits", _visits), ("agreements", _agreements), ("trade", _trade)):
        fig = painter(tables)
        fig.suptitle(FIGURES[name][0], fontsize=12)
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=110, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written


def _midyear(frame: pd.DataFrame, start: str = "date_start", end: str = "date_end") -> pd.Series:
    middle = frame[start] + (frame[end] - frame[start]) / 2
    return middle.dt.year + (middle.dt.day_of_year - 1) / 365.25


def _timeline(tables):
    events = tables["events"].dropna(subset=["date_start"])
    domains = list(events["domain"].cat.categories)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = _midyear(events)
    y = events["domain"].cat.codes
    done = (events["status"] == "occurred").to_numpy()
    ax.scatter(x[done], y[done], s=28, color="tab:blue", label="occurred")
    ax.scatter(x[~done], y[~done], s=28, facecolors="none", edgecolors="tab:blue", label="planned, announced, expected")
    ax.set_yticks(range(len(domains)), domains)
    ax.set_xlim(1945, max(2025, int(x.max()) + 2))
    ax.set_xlabel("Year")
    ax.set_ylabel("Domain")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def _visits(tables):
    visits = tables["visits"].merge(tables["events"][["event_id", "date_start", "date_end", "status"]], on="event_id")
    visits = visits[(visits["status"] == "occurred") & visits["date_start"].notna()]
    visits = visits.assign(
        direction=[
            DIRECTIONS.get((a, b)) for a, b in zip(visits["visitor_country"], visits["host_country"], strict=True)
        ],
        period=(_midyear(visits) // 5 * 5).astype(int),
    ).dropna(subset=["direction"])
    levels = list(tables["visits"]["level"].cat.categories)
    periods = range(1970, int(visits["period"].max()) + 5, 5)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, direction in zip(axes, ("Pakistan → USSR/Russia", "USSR/Russia → Pakistan"), strict=True):
        part = visits[visits["direction"] == direction]
        counts = pd.crosstab(part["period"], part["level"]).reindex(index=periods, columns=levels, fill_value=0)
        bottom = pd.Series(0, index=counts.index)
        for level in levels:
            ax.bar([str(p) for p in counts.index], counts[level], bottom=bottom, label=level.replace("_", " "))
            bottom += counts[level]
        ax.set_title(direction, fontsize=10)
        ax.set_xlabel("Five-year period starting")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel("Visits")
    axes[1].legend(fontsize=7, title="visitor's level", title_fontsize=7)
    return fig


def _agreements(tables):
    agreements = tables["agreements"]
    counts = pd.crosstab(agreements["domain"], agreements["status"]).reindex(
        index=agreements["domain"].cat.categories, columns=agreements["status"].cat.categories, fill_value=0
    )
    fig, ax = plt.subplots(figsize=(8, 3.5))
    left = pd.Series(0, index=counts.index)
    for status in counts.columns:
        ax.barh(counts.index.astype(str), counts[status], left=left, label=status.replace("_", " "))
        left += counts[status]
    ax.set_xlabel("Agreements")
    ax.set_ylabel("Domain")
    ax.legend(fontsize=8, title="stage", title_fontsize=8)
    return fig


def _trade(tables):
    trade = tables["trade"].sort_values("period_start")
    year = trade["period_start"].dt.year
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7))
    cow = trade[trade["series"] == "COW Trade v4.0 dyadic"]
    for flow, label in (
        ("pak_imports_from_rus", "Pakistan's imports (COW)"),
        ("pak_exports_to_rus", "Pakistan's exports (COW)"),
    ):
        part = cow[cow["flow"] == flow]
        top.plot(year[part.index], part["value"], label=label)
    reported = trade[trade["kind"].isin(["reported", "projected"])]
    for row in reported.itertuples():
        x0 = row.period_start.year + (row.period_start.day_of_year - 1) / 365.25
        x1 = row.period_end.year + row.period_end.day_of_year / 365.25
        high = row.value_upper if pd.notna(row.value_upper) else row.value
        marker = "s" if row.kind == "reported" else "^"
        top.errorbar(
            (x0 + x1) / 2,
            (row.value + high) / 2,
            xerr=(x1 - x0) / 2,
            yerr=(high - row.value) / 2,
            fmt=marker,
            color="black",
            capsize=3,
            markersize=5,
        )
    top.plot([], [], "ks", label="total trade reported in the corpus")
    top.plot([], [], "k^", label="total trade projected in the corpus")
    top.set_ylabel("US$ million (current)")
    top.set_xlabel("Year")
    top.legend(fontsize=8)
    sipri = trade[trade["series"] == "SIPRI TIV"]
    bottom.bar(year[sipri.index], sipri["value"], color="tab:red", label="Arms deliveries to Pakistan (SIPRI)")
    bottom.set_ylabel("SIPRI TIV million (not US$)")
    bottom.set_xlabel("Year")
    bottom.legend(fontsize=8)
    for ax in (top, bottom):
        ax.set_xlim(1945, 2025)
        ax.grid(alpha=0.3)
    return fig
