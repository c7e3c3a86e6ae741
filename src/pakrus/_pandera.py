"""Table Schema -> Pandera DataFrameSchema, and Pandera's failure cases -> located problems.

Imported only by the validator, so that `import pakrus` and `load()` never pull in pandera.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.config import ValidationDepth, config_context

from pakrus import _schema
from pakrus._problems import Problem


def build(schema: dict) -> pa.DataFrameSchema:
    """The Pandera schema of a table as `validate` reads it (enums as strings, checked by `enum`)."""
    columns = {f["name"]: _column(f, schema) for f in _schema.fields(schema)}
    pk = _schema.primary_key(schema)
    checks = []
    if len(pk) > 1 or (pk and not _constraints(_field(schema, pk[0])).get("unique")):
        checks.append(pa.Check(lambda df, pk=pk: ~_folded_frame(df[pk]).duplicated(keep="first"), name="primary-key"))
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, name=schema.get("title"))


def problems(schema: dict, frame: pd.DataFrame, rel: str, lines: np.ndarray) -> list[Problem]:
    """Run the Pandera schema over `frame` and turn every failure case into a Problem."""
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            build(schema).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        else:
            return []
    positions = {name: i for i, name in enumerate(frame.columns)}
    out = []
    for case in cases.itertuples(index=False):  # one per failing cell, not per row of the table
        code = "required" if case.check == "not_nullable" else str(case.check)
        column = _schema.primary_key(schema)[0] if code == "primary-key" else case.column
        row = frame.index.get_loc(case.index)
        out.append(
            Problem(
                rel, int(lines[row]), positions[column] + 1, code, _message(code, column, frame, row, schema, lines)
            )
        )
    return out


def _column(field: dict, schema: dict) -> pa.Column:
    c = _constraints(field)
    checks = []
    if c.get("unique"):
        checks.append(pa.Check(lambda s: ~_folded(s).duplicated(keep="first"), name="unique"))
    if field.get("type", "string") == "string" and "enum" not in c:  # an enum check already refuses the rest
        checks += _hygiene()
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


def _hygiene() -> list[pa.Check]:
    return [
        pa.Check(lambda s: s == s.str.strip(), name="whitespace"),
        pa.Check(_nfc, name="not-nfc"),
        pa.Check(lambda s: ~s.str.contains(_INVISIBLE, regex=True), name="invisible-char"),
        pa.Check(_no_mixed_script, name="mixed-script"),
        pa.Check(lambda s: ~s.str.contains(_FORMULA, regex=True), name="formula-cell"),
    ]


def _nfc(s: pd.Series) -> pd.Series:
    """Whether each cell is in NFC; only cells with non-ASCII characters can fail, so only they are
    normalised (Unicode normalisation runs in Python, one cell at a time)."""
    ok = pd.Series(True, index=s.index)
    wide = ~s.str.isascii().fillna(True).to_numpy(dtype=bool)
    if wide.any():
        part = s[wide]
        ok[wide] = (part == part.str.normalize("NFC")).to_numpy(dtype=bool)
    return ok


def _no_mixed_script(s: pd.Series) -> pd.Series:
    """The look-ahead word pattern is slow, so it runs only on the rare cells holding Cyrillic at all."""
    ok = pd.Series(True, index=s.index)
    cyrillic = s.str.contains("[\u0400-\u04ff]", regex=True).fillna(False).to_numpy(dtype=bool)
    if cyrillic.any():
        ok[cyrillic] = ~s[cyrillic].str.contains(_MIXED, regex=True).to_numpy(dtype=bool)
    return ok


def _folded(s: pd.Series) -> pd.Series:
    """Values as compared for uniqueness: NFC-normalised and case-folded (ids differing only so collide)."""
    return s.str.normalize("NFC").str.casefold() if s.dtype == "string" else s


def _folded_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(_folded)


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


def _message(code: str, column: str, frame: pd.DataFrame, row: int, schema: dict, lines: np.ndarray) -> str:
    value = frame[column].iloc[row]
    c = _constraints(_field(schema, column))
    if code == "required":
        return f"{column} is required but empty"
    if code in ("unique", "primary-key"):
        keys = _schema.primary_key(schema) if code == "primary-key" else [column]
        folded = _folded_frame(frame[keys])
        same = (folded == folded.iloc[row]).all(axis=1).to_numpy()
        first = int(np.flatnonzero(same)[0])
        shown = ", ".join(str(frame[k].iloc[row]) for k in keys)
        exact = all(frame[k].iloc[first] == frame[k].iloc[row] for k in keys)
        how = (
            "" if exact else f" once case and Unicode normalisation are ignored (there: {frame[keys[0]].iloc[first]!r})"
        )
        return f"{'/'.join(keys)} {shown!r} is not unique: it already appears at line {int(lines[first])}{how}"
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
