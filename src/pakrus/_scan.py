"""CSV bytes -> cells as strings, with the physical line of every record and its structural problems.

Arrow's CSV reader parses the cells; it cannot say on which physical line a record starts (a
quoted newline shifts every later row) nor report every malformed row, so a vectorised scan of the
bytes does, and the reader only sees the records the scan found well formed.
"""

from __future__ import annotations

import csv
import io
import mmap
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pakrus import _schema
from pakrus._problems import Problem

BOM = b"\xef\xbb\xbf"
_QUOTE, _COMMA, _LF = 34, 44, 10


@dataclass
class Raw:
    """The cells of one CSV file as Arrow text (empty cell -> null), and where each row starts."""

    header: list[str]
    table: pa.Table  # one large_string column per expected field, in order
    lines: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False when no row could be read (bad bytes, wrong header)
    complete: bool = True  # False when some rows were left out (quoting, cell counts)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The cells as pandas string columns (empty cell -> <NA>), sharing the Arrow text."""
        return _schema.frame(self.table)


def read(data: bytes | mmap.mmap, rel: str, expected: list[str]) -> Raw:
    """Parse `data`, the bytes of `rel` (or the file mapped), whose header should be `expected`."""
    return _read_clean(data, expected) or read_scanned(data, rel, expected)


def read_scanned(data: bytes, rel: str, expected: list[str]) -> Raw:
    """Parse `data` after a full scan of its bytes, reporting every problem found."""
    data = bytes(data)  # a mapped file becomes bytes here: this path edits and decodes them
    problems: list[Problem] = []
    empty = Raw([], _arrow_table(b"", expected, False), np.zeros(0, np.int64), problems, False)
    if not data:
        problems.append(
            Problem(
                rel, 1, 1, "header-mismatch", f"the file is empty; it needs at least the header {','.join(expected)}"
            )
        )
        return empty
    if data.startswith(BOM):
        problems.append(
            Problem(rel, 1, 1, "bom", "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
        )
        data = data[len(BOM) :]
    data, readable = _bytes_ok(data, rel, problems)
    if not readable:
        return empty
    scan = _Scan(data)
    problems += scan.problems(rel)
    header = scan.header()
    if header != expected:
        problems.append(_header_problem(rel, header, expected))
        return Raw(header, empty.table, empty.lines, problems, False)
    good = scan.good_records(len(expected), rel, problems)
    table = _parse(scan, good, expected)
    rows = int((scan.starts[1:] < scan.ends[1:]).sum())  # records that are not blank lines
    return Raw(header, table, scan.lines[good], problems, complete=len(good) == rows)


def _read_clean(data: bytes | mmap.mmap, expected: list[str]) -> Raw | None:
    """The fast path for a well-formed file: Arrow reads it whole and the scan is skipped, or
    limited to quotes and newlines when the file has quotes. None at the first sign of trouble
    (which the full scan then finds and reports); on a well-formed file both give the same Raw."""
    header_end = data.find(b"\n")
    if header_end < 0 or data[:header_end] != ",".join(expected).encode() or b'"' in data[:header_end]:
        return None
    present = _present(data, b'\r\0"')
    if b"\r" in present or b"\0" in present:
        return None
    body = memoryview(data)[header_end + 1 :]
    lines, quoted_newlines = None, False
    if b'"' in present:  # quotes can hide newlines, which move every later record down a line
        scan = _Scan(data)
        if len(scan.quotes) % 2 or scan.bad_quotes or np.any(scan.starts[1:] == scan.ends[1:]):  # or a blank line
            return None
        lines, quoted_newlines = scan.lines[1:], scan.multiline
    try:  # every byte outside the header is a cell's, a comma, a quote or a newline: Arrow checks UTF-8
        table = _arrow_table(body, expected, quoted_newlines)
    except pa.ArrowInvalid:  # bytes that are not UTF-8, or a row with too many or too few cells
        return None
    if lines is None:  # no quotes: a record is a line, and every byte is a cell's, a comma or a newline
        cells = sum(pc.sum(pc.binary_length(column)).as_py() or 0 for column in table.columns)
        if cells + table.num_rows * len(expected) - (data[-1:] != b"\n") != len(body):
            return None  # a blank line, which the reader skipped
        lines = np.arange(2, table.num_rows + 2)
    return Raw(list(expected), table, lines) if table.num_rows == len(lines) else None


# Bytes


def _bytes_ok(data: bytes, rel: str, problems: list[Problem]) -> tuple[bytes, bool]:
    """Check encoding, NUL and line ends. Every bad byte is reported, then masked with `?` (same
    length, so no position moves) for the row checks; False when rows cannot be read at all."""
    scan = None
    for offsets, code, message in (
        (_bad_utf8(data), "encoding", "byte 0x{b:02x} at offset {o} is not valid UTF-8; save the file as UTF-8"),
        (_all(data, b"\0"), "nul-byte", "NUL byte at offset {o}; remove it"),
    ):
        if not offsets:
            continue
        scan = scan or _Scan(data)
        for o in offsets[:_MAX_REPORTED]:
            problems.append(Problem(rel, *scan.locate(o), code, message.format(b=data[o], o=o)))
        if len(offsets) > _MAX_REPORTED:
            problems.append(
                Problem(
                    rel,
                    *scan.locate(offsets[_MAX_REPORTED]),
                    code,
                    f"{len(offsets) - _MAX_REPORTED} more such bytes not listed",
                )
            )
        masked = bytearray(data)
        for o in offsets:
            masked[o] = ord("?")
        data = bytes(masked)
    cr = data.find(b"\r")
    if cr >= 0:
        line, col = _Scan(data).locate(cr)
        lone = data.replace(b"\r\n", b"").find(b"\r") >= 0
        problems.append(
            Problem(
                rel,
                line,
                col,
                "line-ending",
                "carriage return (\\r) found: lines must end with \\n alone" + ("; rows not checked" if lone else ""),
            )
        )
        return data, not lone
    return data, True


_MAX_REPORTED = 50


def _bad_utf8(data: bytes) -> list[int]:
    """Offsets of every byte that is not part of valid UTF-8."""
    if data.isascii() or _valid_utf8(data):  # the common case, without decoding the whole file
        return []
    bad, pos = [], 0
    while len(bad) <= _MAX_REPORTED * 4:
        try:
            data[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            bad += range(pos + exc.start, pos + exc.end)
            pos += exc.end
    return bad


def _present(data: bytes | mmap.mmap, needles: bytes) -> set[bytes]:
    """Which of the single bytes `needles` occur in `data`, in one pass. A mapped file is searched
    a window at a time as bytes: the C library's memchr is many times faster than mmap.find."""
    found: set[bytes] = set()
    step = 4 * _CHUNK
    windows = (data,) if isinstance(data, bytes) else (data[i : i + step] for i in range(0, len(data), step))
    for window in windows:
        found |= {bytes([b]) for b in needles if window.find(bytes([b])) >= 0}
        if len(found) == len(needles):
            break
    return found


def _valid_utf8(data: bytes) -> bool:
    """Arrow's UTF-8 validation, many times faster than decoding to a Python string."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _all(data: bytes, needle: bytes) -> list[int]:
    if data.find(needle) < 0:  # the common case, without a byte mask the size of the file
        return []
    return _offsets(np.frombuffer(data, dtype=np.uint8), needle[0]).tolist()


_CHUNK = 1 << 22


def _offsets(arr: np.ndarray, byte: int) -> np.ndarray:
    """Offsets of every `byte` in `arr`, a few MiB at a time: a mask of the whole file is several
    times slower than masks that stay in the processor's cache."""
    if len(arr) <= _CHUNK:
        return np.flatnonzero(arr == byte)
    parts = [np.flatnonzero(arr[i : i + _CHUNK] == byte) + i for i in range(0, len(arr), _CHUNK)]
    return np.concatenate(parts)


# Scanning


class _Scan:
    """Record boundaries, lines and cell counts of CSV bytes, computed with numpy. Commas, the most
    numerous byte, are only located when cell counts or cell numbers are asked for."""

    def __init__(self, data: bytes | mmap.mmap):
        # (`in` and find on a mapped file are slow: _present looks for the CR instead)
        self.data = bytes(data).replace(b"\r\n", b"\n") if b"\r" in _present(data, b"\r") else data
        self.arr = np.frombuffer(self.data, dtype=np.uint8)
        self.size = len(self.arr)
        self.quotes = _offsets(self.arr, _QUOTE)
        self.newlines = _offsets(self.arr, _LF)
        ends = _unquoted(self.newlines, self.quotes)
        self.multiline = len(ends) < len(self.newlines)  # some quoted cell holds a newline
        self.starts = np.concatenate(([0], ends + 1))
        self.ends = np.concatenate((ends, [self.size]))
        if self.starts[-1] == self.size:  # the file ends with a newline
            self.starts, self.ends = self.starts[:-1], self.ends[:-1]
        self.lines = np.searchsorted(self.newlines, self.starts) + 1

    @cached_property
    def commas(self) -> np.ndarray:
        return _unquoted(_offsets(self.arr, _COMMA), self.quotes)

    @cached_property
    def cells(self) -> np.ndarray:
        return np.searchsorted(self.commas, self.ends) - np.searchsorted(self.commas, self.starts) + 1

    def locate(self, offset: int) -> tuple[int, int]:
        """Physical line and cell number (1-based) of a byte offset."""
        line = int(np.searchsorted(self.newlines, offset)) + 1
        record = int(np.searchsorted(self.ends, offset))
        start = self.starts[min(record, len(self.starts) - 1)] if len(self.starts) else 0
        cell = int(np.searchsorted(self.commas, offset) - np.searchsorted(self.commas, start)) + 1
        return line, cell

    def header(self) -> list[str]:
        if not len(self.starts):
            return []
        text = self.data[self.starts[0] : self.ends[0]].decode("utf-8")
        try:
            return next(csv.reader(io.StringIO(text, newline="")), [])
        except csv.Error:  # malformed quoting in the header: compare it as written
            return text.split(",")

    def problems(self, rel: str) -> list[Problem]:
        """Quotes in the wrong place, and a quote that never closes."""
        out = []
        for offset, code, message in self.bad_quotes:
            line, col = self.locate(offset)
            out.append(Problem(rel, line, col, code, message))
        return out

    @cached_property
    def bad_quotes(self) -> list[tuple[int, str, str]]:
        return _quote_problems(self.data, self.quotes)

    def good_records(self, width: int, rel: str, problems: list[Problem]) -> np.ndarray:
        """Indices of data records (header excluded) that can be parsed; report the others."""
        ok = np.ones(len(self.starts), dtype=bool)
        ok[0] = False
        ok[np.searchsorted(self.ends, [o for o, _, _ in self.bad_quotes]).astype(np.int64)] = False
        blank = (self.starts == self.ends) & ok
        for i in np.flatnonzero(blank):
            problems.append(Problem(rel, int(self.lines[i]), 1, "blank-line", "empty line inside the table; delete it"))
        ok &= ~blank
        for i in np.flatnonzero(ok & (self.cells != width)):
            n = int(self.cells[i])
            code, col = ("extra-cells", width + 1) if n > width else ("missing-cells", n + 1)
            problems.append(
                Problem(
                    rel,
                    int(self.lines[i]),
                    col,
                    code,
                    f"the row has {n} cells but the header has {width}; check for an unquoted comma or a missing one",
                )
            )
        return np.flatnonzero(ok & (self.cells == width))


def _quote_problems(data: bytes, q: np.ndarray) -> list[tuple[int, str, str]]:
    """(offset, code, message) of every quote (at offsets `q` of `data`) that breaks RFC 4180 quoting."""
    n = len(q)
    if not n:
        return []
    arr = np.frombuffer(data, dtype=np.uint8)  # a line end stands before the file and after it
    prev = np.where(q > 0, arr[np.maximum(q - 1, 0)], _LF)  # the byte before each quote
    nxt = np.where(q + 1 < arr.size, arr[np.minimum(q + 1, arr.size - 1)], _LF)  # the byte after it
    opening = np.arange(n) % 2 == 0
    doubled_before = np.concatenate(([False], q[1:] == q[:-1] + 1))
    doubled_after = np.concatenate((q[1:] == q[:-1] + 1, [False]))
    bad_open = opening & ~np.isin(prev, (_COMMA, _LF)) & ~doubled_before
    bad_close = ~opening & ~np.isin(nxt, (_COMMA, _LF)) & ~doubled_after
    found = [
        (
            int(o),
            "bad-quote",
            "a quote inside an unquoted cell, or text after a closing quote: "
            "quote the whole cell and double every quote inside it",
        )
        for o in q[bad_open | bad_close]
    ]
    if n % 2 and int(q[-1]) not in {o for o, _, _ in found}:
        found.append(
            (
                int(q[-1]),
                "unclosed-quote",
                "this quote opens a cell that is never closed; it swallows every later line",
            )
        )
    return found


def _unquoted(offsets: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """The offsets that lie outside quoted text (after an even number of quotes)."""
    return offsets[np.searchsorted(quotes, offsets) % 2 == 0] if len(quotes) else offsets


# Parsing


def _header_problem(rel: str, found: list[str], expected: list[str]) -> Problem:
    col = next(
        (i + 1 for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
        min(len(found), len(expected)) + 1,
    )
    return Problem(
        rel,
        1,
        col,
        "header-mismatch",
        f"header is {','.join(found)!r} but the Table Schema gives {','.join(expected)!r}; "
        "rows not checked until the header matches",
    )


def _parse(scan: _Scan, good: np.ndarray, expected: list[str]) -> pa.Table:
    """Arrow's CSV reader reads the good records, every cell as a string (empty -> <NA>)."""
    if len(good) == len(scan.starts) - 1:
        body = memoryview(scan.data)[scan.ends[0] + 1 :]
    elif not len(good):
        body = b""
    else:  # the runs of consecutive good records, joined
        cut = np.flatnonzero(np.diff(good) != 1) + 1
        firsts, lasts = good[np.concatenate(([0], cut))], good[np.concatenate((cut - 1, [len(good) - 1]))]
        view = memoryview(scan.data)
        body = b"".join(view[a : b + 1] for a, b in zip(scan.starts[firsts], scan.ends[lasts], strict=True))
    table = _arrow_table(body, expected, scan.multiline)
    if table.num_rows != len(good):  # pragma: no cover - the scan and the reader disagree on structure
        raise RuntimeError(f"pakrus: CSV scan found {len(good)} rows, the CSV reader {table.num_rows}")
    return table


def _arrow_table(body, expected: list[str], newlines_in_values: bool) -> pa.Table:
    """CSV records without their header -> one Arrow text column per field (empty cell -> null)."""
    if not len(body):
        return pa.Table.from_arrays([pa.nulls(0, pa.large_string())] * len(expected), names=expected)
    return pa_csv.read_csv(
        pa.py_buffer(body),
        read_options=pa_csv.ReadOptions(column_names=expected, block_size=_CHUNK, use_threads=len(body) > _CHUNK),
        parse_options=pa_csv.ParseOptions(newlines_in_values=newlines_in_values),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(expected, pa.large_string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
