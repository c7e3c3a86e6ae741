"""Benchmark pakrus against its floors and peers, timing whole processes; write a Markdown report.

    python benchmarks/run.py [--sizes 1000,100000,1000000] [--runs 3] [--out benchmarks/results.md]

1. Loading the shipped package: `import pakrus; pakrus.load_all()` against plain `pd.read_csv` of
   the same files (the floor).
2. `pakrus validate` against `frictionless validate datapackage.json` on synthetic packages of
   each size (benchmarks/generate.py).
3. pakrus's time per row at each size.
The two sides of each comparison alternate run by run; the report gives medians, the median of
the paired ratios, and peak memory (max RSS). Timing targets live here, never in the tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LOAD = "import pakrus; pakrus.load_all()"
FLOOR = (
    "import glob, pandas as pd, pakrus._files as f; "
    "[pd.read_csv(p) for p in sorted(glob.glob(str(f.default_root() / 'data' / '*.csv')))]"
)


def measure(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and max RSS (MiB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{argv} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def paired(a: list[str], b: list[str], runs: int) -> dict:
    """Alternate a and b `runs` times; medians, median of ratios a/b, peak memory."""
    times_a, times_b, rss_a, rss_b = [], [], [], []
    for i in range(runs):
        for argv, times, rss in (
            ((a, times_a, rss_a), (b, times_b, rss_b)) if i % 2 == 0 else ((b, times_b, rss_b), (a, times_a, rss_a))
        ):
            wall, mem = measure(argv)
            times.append(wall)
            rss.append(mem)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return {
        "a": statistics.median(times_a),
        "b": statistics.median(times_b),
        "ratio": statistics.median(ratios),
        "speedup": statistics.median(1 / r for r in ratios),
        "rss_a": max(rss_a),
        "rss_b": max(rss_b),
        "runs": runs,
    }


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    names = ("pakrus", "pandas", "pyarrow", "pandera", "frictionless", "numpy")
    packages = ", ".join(f"{p} {version(p)}" for p in names)
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"Python {platform.python_version()}; {packages}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-runs", type=int, default=15, help="runs of the load comparison (half a second each)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    py, pakrus_cli, frictionless_cli = str(Path(sys.executable)), str(BIN / "pakrus"), str(BIN / "frictionless")

    rows = []
    load = paired([py, "-c", LOAD], [py, "-c", FLOOR], args.load_runs)
    rows.append(("Load the shipped package", "`pakrus.load_all()`", "plain `pd.read_csv`", load))
    per_row, floor_rss = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            pkg = Path(tmp) / f"n{n}"
            subprocess.run([py, str(HERE / "generate.py"), str(n), str(pkg)], check=True, stdout=subprocess.DEVNULL)
            result = paired(
                [pakrus_cli, "validate", str(pkg)],
                [frictionless_cli, "validate", str(pkg / "datapackage.json")],
                args.runs,
            )
            rows.append((f"Validate {n:,} events", "`pakrus validate`", "`frictionless validate`", result))
            per_row[n] = result["a"] / n
            events = str(pkg / "data" / "events.csv")
            floor_rss[n] = measure([py, "-c", f"import pandas as pd; pd.read_csv({events!r})"])[1]
            print(f"{n}: pakrus {result['a']:.2f} s, frictionless {result['b']:.2f} s", file=sys.stderr)

    lines = [
        "| task | pakrus | peer | pakrus (median s) | peer (median s) | median ratio pakrus/peer "
        "| peer/pakrus (how many times faster) | pakrus max RSS (MiB) | peer max RSS (MiB) | runs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for task, a, b, r in rows:
        lines.append(
            f"| {task} | {a} | {b} | {r['a']:.2f} | {r['b']:.2f} | {r['ratio']:.3f} | {r['speedup']:.1f}× "
            f"| {r['rss_a']:.0f} "
            f"| {r['rss_b']:.0f} | {r['runs']} |"
        )
    lines += [
        "",
        "Time per validated row (pakrus): " + ", ".join(f"{n:,} rows: {t * 1e6:.1f} µs" for n, t in per_row.items()),
        "",
        "Peak memory of a plain `pd.read_csv` of the same events file (the memory floor): "
        + ", ".join(f"{n:,} rows: {m:.0f} MiB" for n, m in floor_rss.items()),
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `python benchmarks/run.py --sizes {args.sizes} --runs {args.runs} --load-runs {args.load_runs}`; "
        f"written {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
