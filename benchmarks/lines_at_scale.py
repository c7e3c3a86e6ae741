"""At scale, every problem is still reported with its physical line: break a large synthetic
package in known places (a quoted newline early on shifts every later line) and compare.
With --structure, one row also gets an extra cell, so that the full byte scan (not the fast
path for well-formed files) reads the million rows.

    python benchmarks/lines_at_scale.py N
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from generate import generate

import pakrus


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1_000_000
    structure = "--structure" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        pkg = generate(n, Path(tmp) / "pkg")
        path = pkg / "data" / "events.csv"
        lines = path.read_bytes().split(b"\n")
        # row i (0-based) is on line i + 2 before the edit; the quoted newline at row 10 pushes later rows down by one
        lines[12] = lines[12].replace(b",Islamabad,", b',"Islam\nabad",', 1)
        broken = {}
        for row, field, old, new in (
            (n // 2, "status", b",occurred,", b",Occurred,"),
            (n - 1, "country", b",PAK,", b",PK,"),
        ):
            lines[row + 1] = lines[row + 1].replace(old, new, 1)
            broken[field] = row + 2 + 1
        if structure:  # row n // 4 gets a 14th cell
            lines[n // 4 + 1] += b",extra"
        path.write_bytes(b"\n".join(lines))
        pakrus.rehash(pkg)
        start = time.perf_counter()
        report = pakrus.validate(pkg)
        took = time.perf_counter() - start
    found = {(p.code, p.line) for p in report.problems if p.file == "data/events.csv"}
    expected = {("enum", broken["status"]), ("pattern", broken["country"])}
    if structure:
        expected.add(("extra-cells", n // 4 + 3))
    print(f"{n:,} rows, validated in {took:.1f} s; expected {sorted(expected)}, reported {sorted(found)}")
    return 0 if expected <= found else 1


if __name__ == "__main__":
    sys.exit(main())
