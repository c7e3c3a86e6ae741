"""At scale, every problem is still reported with its physical line: break a large synthetic
package in known places (a quoted newline early on shifts every later line) and compare.

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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
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
        path.write_bytes(b"\n".join(lines))
        pakrus.rehash(pkg)
        start = time.perf_counter()
        report = pakrus.validate(pkg)
        took = time.perf_counter() - start
    found = {(p.code, p.line) for p in report.problems if p.file == "data/events.csv"}
    expected = {("enum", broken["status"]), ("pattern", broken["country"])}
    print(f"{n:,} rows, validated in {took:.1f} s; expected {sorted(expected)}, reported {sorted(found)}")
    return 0 if expected <= found else 1


if __name__ == "__main__":
    sys.exit(main())
