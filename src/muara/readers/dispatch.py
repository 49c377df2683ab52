"""Open an officer's export (CSV, XLSX or JSON), find its header, map it to the contract and stream its rows.

Officers send what their application or Excel gives them: a title row above the header, Windows-1252 text with
semicolons, a two-row header with a merged group cell, an API dump wrapped in ``{"data": [...]}``. This module
turns all of that into one shape, :class:`Layout` (what the file is) plus an iterator of :class:`Chunk` (the rows,
a bounded number at a time, under contract column names, with the row number the officer sees).

Every problem that makes the whole file unusable is raised as :class:`UnusableFile` *before* ``open_export``
returns, with a sentence in Bahasa Indonesia that names the file and says how to fix it. Values are not typed here
(see :mod:`muara.ingest.coerce`); a bad value is a row problem, not a file problem.

The format is decided by the bytes, not the file name: an XLSX renamed ``.csv`` is still read as XLSX.
Unnamed columns (empty header cell) are ignored; columns with a header that maps to no contract column are kept
in :attr:`Chunk.extra` for quarantine. Fully blank rows are not data and are skipped (their numbers are simply
absent from :attr:`Chunk.row_numbers`).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from muara.contract.model import Contract
from muara.readers.types import (
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_XLSX_UNCOMPRESSED_MB,
    SNIFF_BYTES,
    Chunk,
    Layout,
    UnusableFile,
    format_mb,
)


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
        from muara.readers import xlsx_reader

        xlimit = (
            max_xlsx_uncompressed
            if max_xlsx_uncompressed is not None
            else _env_mb("MUARA_MAX_XLSX_UNCOMPRESSED_MB", DEFAULT_MAX_XLSX_UNCOMPRESSED_MB)
        )
        return xlsx_reader.open_xlsx(path, contract, chunk_rows=chunk_rows, max_uncompressed=xlimit)
    if kind == "json":
        from muara.readers import json_reader

        return json_reader.open_json(path, contract, chunk_rows=chunk_rows)
    from muara.readers import csv_reader

    return csv_reader.open_csv(path, contract, head, chunk_rows=chunk_rows)


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


# ------------------------------------------------------------------------------------------ small helpers


def _env_mb(name: str, default: int) -> int:
    try:
        mb = float(os.environ.get(name, "") or default)
    except ValueError:
        mb = default
    return int(mb * 1024 * 1024)
