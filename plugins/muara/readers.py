"""Open an officer's export (CSV, XLSX or JSON), find its header, map it to the contract and stream its rows.

Officers send what their application or Excel gives them: a title row above the header, Windows-1252 text with
semicolons, a two-row header with a merged group cell, an API dump wrapped in ``{"data": [...]}``. This module
turns all of that into one shape, :class:`Layout` (what the file is) plus an iterator of :class:`Chunk` (the rows,
a bounded number at a time, under contract column names, with the row number the officer sees).

Every problem that makes the whole file unusable is raised as :class:`UnusableFile` *before* ``open_export``
returns, with a sentence in Bahasa Indonesia that names the file and says how to fix it. Values are not typed here
(see :mod:`muara.coerce`); a bad value is a row problem, not a file problem.

The format is decided by the bytes, not the file name: an XLSX renamed ``.csv`` is still read as XLSX.
Unnamed columns (empty header cell) are ignored; columns with a header that maps to no contract column are kept
in :attr:`Chunk.extra` for quarantine. Fully blank rows are not data and are skipped (their numbers are simply
absent from :attr:`Chunk.row_numbers`).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from muara.contract import Contract

__all__ = ["Chunk", "Layout", "UnusableFile", "open_export"]

DEFAULT_MAX_FILE_MB = 2048
DEFAULT_MAX_XLSX_UNCOMPRESSED_MB = 4096
MAX_COMPRESSION_RATIO = 200  # an XLSX that inflates more than this is treated as a zip bomb
SNIFF_BYTES = 64 * 1024


class UnusableFile(Exception):
    """The file as a whole cannot be read; ``message`` and ``fix`` are for the officer (Bahasa Indonesia).

    ``reason`` is one of: empty, not_a_table, encoding, too_large, xlsx_too_large_uncompressed, no_header,
    missing_columns, no_rows, no_sheet, unsupported_format.
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
    """Up to ``chunk_rows`` rows, values as read (see :mod:`muara.coerce` for typing).

    ``frame`` has the contract columns present in the file, in contract order, object dtype: ``str`` (stripped,
    empty -> ``None``) for CSV/JSON text, Python ``int``/``float``/``bool`` for JSON numbers, calamine's values
    for XLSX (``str``, ``float``, ``bool``, ``datetime``, ``date``, ``time``). ``row_numbers`` are what the officer
    sees: the Excel row, the CSV line where the record starts (header counted), the 1-based position in a JSON
    array. ``extra`` holds the unknown columns of the same rows (original header text as column names).
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    extra: pd.DataFrame | None


def open_export(
    path: Path,
    contract: Contract,
    *,
    chunk_rows: int = 100_000,
    max_bytes: int | None = None,
    max_xlsx_uncompressed: int | None = None,
) -> tuple[Layout, Iterator[Chunk]]:
    """Check the file, find its layout and return it with an iterator of chunks.

    Raises :class:`UnusableFile` for every file-level problem before returning: too large, empty, not a table,
    undecodable text, an XLSX that inflates beyond ``max_xlsx_uncompressed`` (or 200:1), no header, missing
    required columns, no data rows. Limits default to ``MUARA_MAX_FILE_MB`` (2048) and
    ``MUARA_MAX_XLSX_UNCOMPRESSED_MB`` (4096).
    """
    path = Path(path)
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be >= 1")
    limit = max_bytes if max_bytes is not None else _env_mb("MUARA_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)
    size = path.stat().st_size
    if size > limit:
        raise UnusableFile(
            "too_large",
            f"Berkas '{path.name}' berukuran {format_mb(size)}, melebihi batas {format_mb(limit)}.",
            "Pecah data menjadi beberapa berkas yang lebih kecil (misalnya per bulan), lalu kirim satu per satu.",
        )
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head.strip() or head.strip() in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise UnusableFile(
            "empty",
            f"Berkas '{path.name}' kosong, tidak berisi judul kolom maupun data.",
            "Ekspor ulang data dari aplikasi atau Excel, pastikan berkas berisi baris judul kolom dan baris data, "
            "lalu kirim lagi.",
        )
    kind = sniff_format(path, head)
    if kind == "xlsx":
        from muara import readers_xlsx

        xlimit = (
            max_xlsx_uncompressed
            if max_xlsx_uncompressed is not None
            else _env_mb("MUARA_MAX_XLSX_UNCOMPRESSED_MB", DEFAULT_MAX_XLSX_UNCOMPRESSED_MB)
        )
        return readers_xlsx.open_xlsx(path, contract, chunk_rows=chunk_rows, max_uncompressed=xlimit)
    if kind == "json":
        from muara import readers_json

        return readers_json.open_json(path, contract, chunk_rows=chunk_rows)
    from muara import readers_csv

    return readers_csv.open_csv(path, contract, head, chunk_rows=chunk_rows)


# ------------------------------------------------------------------------------------------ format sniffing

_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "unsupported_format", "dokumen PDF"),
    (b"\x89PNG", "not_a_table", "gambar PNG"),
    (b"\xff\xd8\xff", "not_a_table", "gambar JPEG"),
    (b"GIF8", "not_a_table", "gambar GIF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unsupported_format", "Excel lama (.xls) atau berkas berkata sandi"),
    (b"\x1f\x8b", "unsupported_format", "arsip terkompresi (gzip)"),
    (b"Rar!", "unsupported_format", "arsip RAR"),
    (b"7z\xbc\xaf\x27\x1c", "unsupported_format", "arsip 7-Zip"),
    (b"{\\rtf", "unsupported_format", "dokumen RTF"),
)


def sniff_format(path: Path, head: bytes) -> str:
    """``xlsx``, ``json`` or ``csv`` from the first bytes; anything else raises :class:`UnusableFile`."""
    for magic, reason, what in _MAGIC:
        if head.startswith(magic):
            raise _wrong_kind(path, reason, what)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableFile(
            "not_a_table",
            f"Berkas '{path.name}' tampak seperti berkas Excel/zip tetapi rusak dan tidak bisa dibuka ({exc}).",
            "Buka berkas di Excel dan simpan ulang sebagai .xlsx (atau ekspor ulang dari aplikasi), lalu kirim lagi.",
        ) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            raise _wrong_kind(path, "unsupported_format", "Excel biner (.xlsb)")
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        raise _wrong_kind(path, "unsupported_format", "lembar kerja OpenDocument (.ods)")
    if "word/document.xml" in names:
        raise _wrong_kind(path, "unsupported_format", "dokumen Word")
    raise _wrong_kind(path, "unsupported_format", "arsip zip")


def _wrong_kind(path: Path, reason: str, what: str) -> UnusableFile:
    if reason == "not_a_table":
        return UnusableFile(
            reason,
            f"Berkas '{path.name}' adalah {what}, bukan tabel data.",
            "Kirim data sebagai tabel: CSV, Excel (.xlsx) atau JSON hasil ekspor aplikasi.",
        )
    return UnusableFile(
        reason,
        f"Berkas '{path.name}' berformat {what} yang tidak bisa dibaca Muara.",
        "Buka berkas di Excel lalu Simpan Sebagai 'Excel Workbook (.xlsx)' atau 'CSV UTF-8', tanpa kata sandi "
        "dan tanpa di-zip, lalu kirim lagi.",
    )


def not_a_table(path: Path, detail: str) -> UnusableFile:
    return UnusableFile(
        "not_a_table",
        f"Berkas '{path.name}' tidak terbaca sebagai tabel data: {detail}.",
        "Kirim data sebagai tabel: CSV, Excel (.xlsx) atau JSON hasil ekspor aplikasi, tanpa diubah manual.",
    )


# ------------------------------------------------------------------------------------------ small helpers


def _env_mb(name: str, default: int) -> int:
    try:
        mb = float(os.environ.get(name, "") or default)
    except ValueError:
        mb = default
    return int(mb * 1024 * 1024)


def format_mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB".replace(",", "_").replace(".", ",").replace("_", ".")
