"""Table Schema -> Pandera DataFrameSchema, and Pandera's failure cases -> located problems.

Imported only by the validator, so that `import pakrus` and `load()` never pull in pandera.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.config import ValidationDepth, config_context

from pakrus import _schema
from pakrus._problems import Problem


def build(schema: dict, plain: dict[str, pd.Series] | None = None) -> pa.DataFrameSchema:
    """The Pandera schema of a table as `validate` reads it (enums as strings, checked by `enum`).

    `plain` may give, for text fields, the cells already known to pass every hygiene rule (see
    `plain_cells`); the hygiene checks then examine only the others.
    """
    plain = plain or {}
    columns = {f["name"]: _column(f, schema, plain.get(f["name"])) for f in _schema.fields(schema)}
    pk = _schema.primary_key(schema)
    checks = []
    if len(pk) > 1 or (pk and not _constraints(_field(schema, pk[0])).get("unique")):
        checks.append(pa.Check(lambda df, pk=pk: _first_of_kind(_folded_frame(df[pk])), name="primary-key"))
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, name=schema.get("title"))


def problems(schema: dict, frame: pd.DataFrame, rel: str, lines: np.ndarray) -> list[Problem]:
    """Run the Pandera schema over `frame` and turn every failure case into a Problem."""
    plain = {name: plain_cells(frame[name]) for name in _text_fields(schema) if name in frame}
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            build(schema, plain).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        else:
            return []
    positions = {name: i for i, name in enumerate(frame.columns)}
    first: dict[tuple, np.ndarray] = {}  # per uniqueness check, each row's first duplicate, found once
    out = []
    for case in cases.itertuples(index=False):  # one per failing cell, not per row of the table
        code = "required" if case.check == "not_nullable" else str(case.check)
        column = _schema.primary_key(schema)[0] if code == "primary-key" else case.column
        row = frame.index.get_loc(case.index)
        message = _message(code, column, frame, row, schema, lines, first)
        out.append(Problem(rel, int(lines[row]), positions[column] + 1, code, message))
    return out


def _text_fields(schema: dict) -> list[str]:
    """The fields whose cells the hygiene rules check: free text (an enum refuses everything else)."""
    return [f["name"] for f in _schema.fields(schema) if f.get("type", "string") == "string" and not _schema.enum(f)]


def _column(field: dict, schema: dict, plain: pd.Series | None = None) -> pa.Column:
    c = _constraints(field)
    checks = []
    if c.get("unique"):
        checks.append(pa.Check(lambda s: _first_of_kind(_folded(s).to_frame()), name="unique"))
    if field["name"] in _text_fields(schema):
        checks += _hygiene(plain)
    if "enum" in c:
        checks.append(pa.Check(lambda s, v=c["enum"]: s.isin(v), name="enum"))
    if "pattern" in c:
        checks.append(pa.Check(lambda s, p=c["pattern"]: s.str.fullmatch(p).astype(bool), name="pattern"))
    if "minimum" in c:
        checks.append(pa.Check(lambda s, v=c["minimum"]: s >= _bound(v, s), name="minimum"))
    if "maximum" in c:
        checks.append(pa.Check(lambda s, v=c["maximum"]: s <= _bound(v, s), name="maximum"))
    if "minLength" in c:
        checks.append(pa.Check(lambda s, v=c["minLength"]: s.str.len() >= v, name="min-length"))
    if "maxLength" in c:
        checks.append(pa.Check(lambda s, v=c["maxLength"]: s.str.len() <= v, name="max-length"))
    return pa.Column(
        _schema.dtype(field, categorical=False),
        checks=checks,
        nullable=not _schema.required(field, schema),
        required=True,
    )


# Text hygiene: what spreadsheets, copy-paste and look-alike letters do to text cells

# Zero-width and bidirectional controls, other C0/C1 controls; U+200C (zero-width non-joiner) is
# legitimate in Urdu and Persian and stays allowed.
_INVISIBLE = "[\u200b\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_MIXED = r"(?=[^\W\d_]*[A-Za-z])(?=[^\W\d_]*[\u0400-\u04ff])[^\W\d_]+"  # a word of Latin and Cyrillic letters
_FORMULA = "^[=@+\\-\t\r]"


_RULES = {
    "whitespace": lambda s: s == s.str.strip(),
    "not-nfc": lambda s: s == s.str.normalize("NFC"),
    "invisible-char": lambda s: ~s.str.contains(_INVISIBLE, regex=True),
    "mixed-script": lambda s: ~s.str.contains(_MIXED, regex=True),
    "formula-cell": lambda s: ~s.str.contains(_FORMULA, regex=True),
}


def _hygiene(plain: pd.Series | None) -> list[pa.Check]:
    return [  # ignore_na=False: the check passes empty cells itself, sparing pandera a copy of the column
        pa.Check(lambda s, rule=rule: _on_suspects(s, rule, plain), name=code, ignore_na=False)
        for code, rule in _RULES.items()
    ]


def plain_cells(s: pd.Series) -> pd.Series:
    """Cells that pass every hygiene rule by their bytes alone: printable ASCII only (U+0020 to
    U+007E, so no control, invisible, decomposed or Cyrillic character), not starting with a space
    or = @ + -, not ending with a space. The rules' own checks, partly in Python, then run only on
    the other cells (usually few). Screened on the column's bytes with numpy, a few milliseconds a
    column: first and last bytes picked out through the offsets, and printable ASCII checked once
    for the whole column, cell by cell (by Arrow) only when some byte is not."""
    chunks = [_plain_chunk(chunk) for chunk in _schema.arrow(s).chunks]
    return pd.Series(np.concatenate(chunks) if chunks else np.zeros(0, dtype=bool), index=s.index)


_RISKY_FIRST = np.array([ord(c) for c in " =@+-"], dtype=np.uint8)


def _plain_chunk(chunk: pyarrow.LargeStringArray) -> np.ndarray:
    n = len(chunk)
    _, offsets, data = chunk.buffers()
    if n == 0:
        return np.zeros(0, dtype=bool)
    offsets = np.frombuffer(offsets, dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    text = data[offsets[0] : offsets[-1]]
    if ((text - np.uint8(0x20)) < np.uint8(0x5F)).all():  # every byte printable ASCII (wraps below 0x20)
        ok = np.ones(n, dtype=bool)
    else:
        ok = pc.ascii_is_printable(chunk).fill_null(True).to_numpy(zero_copy_only=False).copy()
    filled = np.flatnonzero(offsets[1:] > offsets[:-1])
    first, last = data[offsets[filled]], data[offsets[filled + 1] - 1]
    ok[filled[np.isin(first, _RISKY_FIRST) | (last == 0x20)]] = False
    if chunk.null_count:  # an empty cell passes every rule, whatever bytes its slot may span
        ok |= chunk.is_null().to_numpy(zero_copy_only=False)
    return ok


def _on_suspects(s: pd.Series, rule, plain: pd.Series | None) -> pd.Series:
    """`rule` (cell -> passes) applied to the cells that are not plain; plain and empty cells pass."""
    ok = pd.Series(True, index=s.index)
    plain = plain_cells(s) if plain is None else plain.reindex(s.index, fill_value=True)
    suspect = ~plain.to_numpy(dtype=bool)
    if suspect.any():
        ok[suspect] = rule(s[suspect]).fillna(True).to_numpy(dtype=bool)
    return ok


def _folded(s: pd.Series) -> pd.Series:
    """Values as compared for uniqueness: NFC-normalised and case-folded (ids differing only so
    collide). ASCII cells, nearly all, are lower-cased by Arrow; only the others go through Python."""
    if s.dtype != "string":
        return s
    a = _schema.arrow(s)
    out = pd.Series(pd.arrays.ArrowStringArray(pc.ascii_lower(a)), index=s.index)
    wide = ~pc.string_is_ascii(a).fill_null(True).to_numpy(zero_copy_only=False)
    if wide.any():
        out[wide] = s[wide].str.normalize("NFC").str.casefold()
    return out


def _first_of_kind(keys: pd.DataFrame) -> pd.Series:
    """False for a row whose keys already appeared above. Ids are usually written in order, and
    keys in strictly increasing order cannot repeat: Arrow sees that in one comparison of
    neighbours, and only keys out of order are hashed."""
    if _increasing(keys):
        return pd.Series(True, index=keys.index)
    return ~keys.duplicated(keep="first")


def _increasing(keys: pd.DataFrame) -> bool:
    """Whether the rows, compared column by column, are in strictly increasing order (no gaps)."""
    if len(keys) < 2 or keys.isna().to_numpy().any() or any(t != "string" for t in keys.dtypes):
        return len(keys) < 2
    later = pyarrow.scalar(False)  # rows already known to be later than the row above
    for name in reversed(keys.columns):  # lexicographic: the first column decides, ties go on to the next
        a = _schema.arrow(keys[name])
        before, after = a.slice(0, len(a) - 1), a.slice(1)
        later = pc.or_(pc.greater(after, before), pc.and_(pc.equal(after, before), later))
    return bool(pc.all(later).as_py())


def _folded_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(_folded)


def _first_occurrence(frame: pd.DataFrame) -> np.ndarray:
    """For each row, the position of the first row with the same values."""
    group = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.empty(group.max() + 1 if len(group) else 0, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group))[::-1]  # the last write, the earliest row, wins
    return first[group]


def _bound(value, series: pd.Series):
    return pd.Timestamp(value) if series.dtype.kind == "M" else value


def _field(schema: dict, name: str) -> dict:
    return next(f for f in _schema.fields(schema) if f["name"] == name)


def _constraints(field: dict) -> dict:
    return field.get("constraints", {})


HYGIENE = {
    "whitespace": "leading or trailing white space; remove it",
    "not-nfc": "not in Unicode normal form C (decomposed accents); save it as NFC",
    "invisible-char": "contains an invisible or control character (zero-width, bidirectional or C0/C1); remove it",
    "mixed-script": "mixes Latin and Cyrillic letters in one word (a look-alike letter?); retype the word",
    "formula-cell": "starts with =, @, +, -, a tab or a carriage return, which spreadsheets execute; rephrase it",
}


def _message(
    code: str, column: str, frame: pd.DataFrame, row: int, schema: dict, lines: np.ndarray, first: dict
) -> str:
    value = frame[column].iloc[row]
    c = _constraints(_field(schema, column))
    if code == "required":
        return f"{column} is required but empty"
    if code in ("unique", "primary-key"):
        keys = _schema.primary_key(schema) if code == "primary-key" else [column]
        if tuple(keys) not in first:
            first[tuple(keys)] = _first_occurrence(_folded_frame(frame[keys]))
        earliest = int(first[tuple(keys)][row])
        shown = ", ".join(str(frame[k].iloc[row]) for k in keys)
        exact = all(frame[k].iloc[earliest] == frame[k].iloc[row] for k in keys)
        how = (
            ""
            if exact
            else f" once case and Unicode normalisation are ignored (there: {frame[keys[0]].iloc[earliest]!r})"
        )
        return f"{'/'.join(keys)} {shown!r} is not unique: it already appears at line {int(lines[earliest])}{how}"
    if code in HYGIENE:
        return f"{column} {_schema.show(value)}: {HYGIENE[code]}"
    rule = {
        "enum": f"be one of: {', '.join(map(str, c.get('enum', [])))}",
        "pattern": f"match the pattern {c.get('pattern')}",
        "minimum": f"be at least {c.get('minimum')}",
        "maximum": f"be at most {c.get('maximum')}",
        "min-length": f"be at least {c.get('minLength')} characters long",
        "max-length": f"be at most {c.get('maxLength')} characters long ({len(str(value))} now)",
    }.get(code, code)
    return f"{column} {_schema.show(value)} must {rule}"
