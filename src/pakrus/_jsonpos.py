"""Where each value of a JSON text starts: JSON Pointer -> (line, column), for located messages."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def positions(text: str) -> dict[str, tuple[int, int]]:
    """Map every JSON Pointer of a valid JSON text to the 1-based (line, column) where it starts.

    For an object member the position is that of its key, where an editor would look.
    The json module keeps no positions, hence this small walker.
    """
    starts: dict[str, int] = {}
    _value(text, 0, "", starts)
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    out = {}
    for pointer, offset in starts.items():
        line = bisect_right(newlines, offset - 1)
        column = offset - (newlines[line - 1] + 1 if line else 0)
        out[pointer] = (line + 1, column + 1)
    return out


def locate(table: dict[str, tuple[int, int]], pointer: str) -> tuple[int, int]:
    """The position of `pointer`, or of its nearest existing ancestor."""
    while pointer and pointer not in table:
        pointer = pointer.rsplit("/", 1)[0]
    return table.get(pointer, (1, 1))


def escape(token: str) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()


def _value(text: str, i: int, pointer: str, starts: dict[str, int]) -> int:
    i = _skip(text, i)
    starts.setdefault(pointer, i)
    if text[i] == "{":
        return _members(text, i + 1, pointer, starts)
    if text[i] == "[":
        return _items(text, i + 1, pointer, starts)
    return _DECODER.raw_decode(text, i)[1]


def _members(text: str, i: int, pointer: str, starts: dict[str, int]) -> int:
    i = _skip(text, i)
    while text[i] != "}":
        key_at = i
        key, i = scanstring(text, i + 1)
        child = f"{pointer}/{escape(key)}"
        starts[child] = key_at
        i = _value(text, _skip(text, i) + 1, child, starts)
        i = _skip(text, i)
        i = _skip(text, i + 1) if text[i] == "," else i
    return i + 1


def _items(text: str, i: int, pointer: str, starts: dict[str, int]) -> int:
    i = _skip(text, i)
    index = 0
    while text[i] != "]":
        i = _skip(text, _value(text, i, f"{pointer}/{index}", starts))
        i = _skip(text, i + 1) if text[i] == "," else i
        index += 1
    return i + 1
