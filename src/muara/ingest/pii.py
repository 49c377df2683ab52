"""Personal data never reaches the warehouse in clear text.

The contract marks each personal column (``customProperties.pii``) with how it is protected:

- ``hash``: keyed HMAC-SHA256 (hex) of the normalised value. The key comes from ``MUARA_PII_KEY``; equal
  NIKs give equal hashes, so a repeat reporter can still be counted without anyone reading the NIK, and
  without the key nobody can test a guessed NIK against the hash.
- ``mask``: everything but the last four characters replaced by ``*`` (phone numbers: ``********7890``),
  enough for an officer to recognise a number they already have.

Personal data also hides where no contract column expects it: a NIK, a phone number or an e-mail address typed
into free text (``deskripsi``, ``alamat``). :func:`mask_free_text` replaces those by a marker in every text value
that is not itself a protected personal column, and values of columns the contract does not know are not kept
at all (the pipeline keeps their names only).

Protection is applied before anything is written: to raw rows, to quarantined rows' original values, and to
what reports show.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from muara import settings
from muara.contract.model import Column, Contract

KEY_ENV = "MUARA_PII_KEY"
_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D+")


#: personal data typed into free text, and the marker each is replaced by (e-mail first: it may hold digits)
FREE_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[surel disamarkan]"),
    # a NIK: 16 digits, written together or in groups (5371 0412 3456 7890, 5371.04.123456.7890)
    (re.compile(r"(?<![\d])(?:\d[ .-]?){15}\d(?![\d])"), "[NIK disamarkan]"),
    # an Indonesian mobile number: 08.., 628.., +62 8.., with spaces, dots or dashes between groups
    (re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?![\d])"), "[nomor HP disamarkan]"),
)
#: a cheap test first (RE2 through Arrow for a whole column): an at-sign, or nine digits in a row (separators
#: allowed), which every NIK and mobile number has and dates, prices and house numbers do not
MAYBE_PERSONAL = r"@|\d(?:[ .-]?\d){8}"
_MAYBE_PERSONAL = re.compile(MAYBE_PERSONAL)


def mask_free_text(text: str) -> str:
    """``text`` with every NIK, mobile number and e-mail address replaced by a marker."""
    if not _MAYBE_PERSONAL.search(text):
        return text
    for pattern, marker in FREE_TEXT_PATTERNS:
        text = pattern.sub(marker, text)
    return text


def is_free_text(column: Column) -> bool:
    """A text column whose values follow no pattern, list or code list: where personal data can hide."""
    return (
        column.pii is None
        and column.logical_type == "string"
        and column.pattern is None
        and column.valid_values is None
        and column.code_list is None
    )


def mask_free_text_values(values: pd.Series) -> pd.Series:
    """:func:`mask_free_text` over a column; Arrow's RE2 picks the few values that may hold personal data, so
    Python's regexes (which need look-behind) run on those alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        flags = pc.match_substring_regex(pa.array(values, type=pa.string(), from_pandas=True), MAYBE_PERSONAL)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: value by value
        flags = pa.array([isinstance(v, str) and bool(_MAYBE_PERSONAL.search(v)) for v in values])
    hits = np.flatnonzero(flags.fill_null(False).to_numpy(zero_copy_only=False))
    if len(hits) == 0:
        return values
    out = values.astype(object).copy()
    out.iloc[hits] = [mask_free_text(v) if isinstance(v, str) else v for v in out.iloc[hits].tolist()]
    return out


class MissingKeyError(RuntimeError):
    """Production must set MUARA_PII_KEY; a generated key would make hashes differ between machines."""


def _key_file() -> Path:
    return settings.data_dir() / "secrets" / "pii.key"


@cache
def key() -> bytes:
    """The HMAC key: ``MUARA_PII_KEY``; for a local demo, a generated key kept in ``data/secrets`` (0600)."""
    if value := os.environ.get(KEY_ENV):
        return value.encode("utf-8")
    if os.environ.get("MUARA_REQUIRE_PII_KEY", "").lower() in {"1", "true", "yes"}:
        raise MissingKeyError(
            f"{KEY_ENV} is not set; set it to a long random secret (and keep it: it defines the hashes)"
        )
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        path.write_text(secrets.token_hex(32) + "\n")
        path.chmod(0o600)
    return path.read_text().strip().encode("utf-8")


def normalise(kind: str, value: str) -> str:
    """The same person written two ways hashes the same: NIK and phone by digits, names by case and spaces."""
    if kind in ("nik", "telepon"):
        return _NON_DIGITS.sub("", value)
    return _SPACES.sub(" ", value).strip().casefold()


def hash_values(values: pd.Series, kind: str, secret: bytes | None = None) -> pd.Series:
    """HMAC-SHA256 hex of each non-missing value; unique values are hashed once."""
    base = hmac.new(secret if secret is not None else key(), digestmod=hashlib.sha256)
    present = values.dropna()
    if present.empty:
        return values.astype(object)
    digests: dict[str, str] = {}
    for v in pd.unique(present.astype(str)):
        h = base.copy()
        h.update(normalise(kind, v).encode("utf-8"))
        digests[v] = h.hexdigest()
    out = values.astype(object).copy()
    out.loc[present.index] = present.astype(str).map(digests)
    return out


def mask_values(values: pd.Series, keep: int = 4) -> pd.Series:
    present = values.dropna().astype(str)
    out = values.astype(object).copy()
    if present.empty:
        return out
    out.loc[present.index] = present.map(
        lambda v: "*" * max(len(v) - keep, 0) + v[-keep:] if len(v) > keep else "*" * len(v)
    )
    return out


def protect_column(values: pd.Series, column: Column, secret: bytes | None = None) -> pd.Series:
    if column.pii is None:
        return values
    if column.pii.protection == "hash":
        return hash_values(values, column.pii.kind, secret)
    return mask_values(values)


def protect(frame: pd.DataFrame, contract: Contract, secret: bytes | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with every personal column of the contract protected and personal data in its free
    text masked."""
    out = frame.copy()
    for column in contract.pii_columns:
        if column.name in out.columns:
            out[column.name] = protect_column(out[column.name], column, secret)
    for column in contract.columns:
        if column.name in out.columns and is_free_text(column):
            out[column.name] = mask_free_text_values(out[column.name])
    return out


def protect_text(value: object, column: Column) -> object:
    """One value, for messages, reports and quarantine (a rejected NIK must not be printed either; nor a phone
    number typed into any other text column)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    if column.pii is None:
        return mask_free_text(value) if isinstance(value, str) else value
    text = str(value)
    if column.pii.protection == "hash":
        h = _base_hmac().copy()
        h.update(normalise(column.pii.kind, text).encode("utf-8"))
        return h.hexdigest()
    return "*" * max(len(text) - 4, 0) + text[-4:] if len(text) > 4 else "*" * len(text)


@cache
def _base_hmac() -> hmac.HMAC:
    return hmac.new(key(), digestmod=hashlib.sha256)
