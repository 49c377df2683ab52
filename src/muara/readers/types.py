"""What every reader returns and raises: the file's :class:`Layout`, its rows as :class:`Chunk` s, and
:class:`UnusableFile` for a file that cannot be used at all; with the size limits they share.

Its own module so that the dispatcher (:mod:`muara.readers.dispatch`) and the per-format readers import these
types from one place and not from each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_MAX_FILE_MB = 2048
DEFAULT_MAX_XLSX_UNCOMPRESSED_MB = 4096
DEFAULT_MAX_FIELD_MB = 16  # one cell; officers paste base64 photos into text fields
MAX_COMPRESSION_RATIO = 200  # an XLSX that inflates more than this is treated as a zip bomb
SNIFF_BYTES = 64 * 1024


class UnusableFile(Exception):
    """The file as a whole cannot be read; ``message`` and ``fix`` are for the officer (Bahasa Indonesia).

    ``reason`` is one of: empty, not_a_table, encoding, too_large, xlsx_too_large_uncompressed, too_many_rows,
    too_long, too_deep, no_header, missing_columns, no_rows, no_sheet, unsupported_format.
    """

    def __init__(self, reason: str, message: str, fix: str) -> None:
        super().__init__(f"{reason}: {message} {fix}")
        self.reason = reason
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class Layout:
    """What the file turned out to be: format, text encoding, delimiter, sheet, header row, column mapping."""

    path: Path
    format: str  # "csv" | "xlsx" | "json"
    encoding: str | None  # csv: "utf-8", "utf-8-sig", "cp1252", "utf-16-le", "utf-16-be"
    delimiter: str | None  # csv
    sheet: str | None  # xlsx
    header_row: int | None  # 1-based physical row/line of the header (csv/xlsx); for a two-row header, the lower
    columns: dict[str, str]  # original header text -> contract column name
    unknown_columns: tuple[str, ...]  # original headers that map to no contract column
    missing_optional: tuple[str, ...]  # contract columns absent from the file


@dataclass
class Chunk:
    """Up to ``chunk_rows`` rows, values as read (see :mod:`muara.ingest.coerce` for typing).

    ``frame`` has the contract columns present in the file, in contract order, object dtype: ``str`` (stripped,
    empty -> ``None``) for CSV/JSON text, Python ``int``/``float``/``bool`` for JSON numbers, calamine's values
    for XLSX (``str``, ``float``, ``bool``, ``datetime``, ``date``, ``time``). ``row_numbers`` are what the officer
    sees: the Excel row, the CSV line where the record starts (header counted), the 1-based position in a JSON
    array. ``extra`` holds the unknown columns of the same rows (original header text as column names).
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    extra: pd.DataFrame | None
    oversized: bool = False  # some cell holds an :class:`OversizedValue` (the pipeline rejects its row)
    nbytes: int = 0  # text the rows hold, when the reader measured it (0: not measured)


@dataclass(frozen=True)
class OversizedValue:
    """Stands in for a field over the size limit: the value itself is never held, only its size."""

    nbytes: int
    limit: int

    def __str__(self) -> str:
        return f"(isi {format_mb(self.nbytes)}, melebihi batas {format_mb(self.limit)})"


#: what to do about a photo or file pasted into a cell (the fix of every ``too_long`` answer)
FIX_PASTED = (
    "Jangan tempel foto atau berkas ke dalam data: simpan fotonya terpisah dan tulis tautannya (URL) di selnya, "
    "lalu kirim lagi."
)


def field_limit() -> int:
    """The largest field read, in bytes: ``MUARA_MAX_FIELD_MB`` (default 16)."""
    raw = os.environ.get("MUARA_MAX_FIELD_MB", "").strip()
    return int(float(raw) * 1024 * 1024) if raw else DEFAULT_MAX_FIELD_MB * 1024 * 1024


def not_a_table(path: Path, detail: str) -> UnusableFile:
    return UnusableFile(
        "not_a_table",
        f"Berkas '{path.name}' tidak terbaca sebagai tabel data: {detail}.",
        "Kirim data sebagai tabel: CSV, Excel (.xlsx) atau JSON hasil ekspor aplikasi, tanpa diubah manual.",
    )


def format_mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB".replace(",", "_").replace(".", ",").replace("_", ".")
