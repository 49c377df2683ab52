"""XLSX exports, read with python-calamine after the zip directory has been checked.

An XLSX is a zip of XML. Before any XML is parsed the central directory is read (cheap, no inflation): a total
uncompressed size over the limit, or an entry that inflates more than 200 times its stored size, is refused as a
zip bomb. Only then does calamine open the workbook.

The sheet: the first visible worksheet whose name matches one of the contract's ``sheetAliases`` (or the dataset
name), ignoring case, spaces and punctuation, and that has a header; else the first worksheet with a header. The
header is the row among the first 30 that names the most contract columns (title rows above it are skipped; a
group header merged across columns in the row above is combined with the sub-headers below it).

Memory: calamine loads the whole sheet into its own (Rust) structure when the sheet is opened; rows are then
converted to Python a chunk at a time. An Excel sheet holds at most 1,048,576 rows, which bounds that cost.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from muara.contract.model import Contract, normalise_header
from muara.readers.layout import (
    HEADER_SEARCH_ROWS,
    ChunkBuilder,
    HeaderMatch,
    clean_text_values,
    find_header,
    layout_for,
    no_header,
    peek_rows,
    rebatch,
)
from muara.readers.types import MAX_COMPRESSION_RATIO, Chunk, Layout, UnusableFile, format_mb, not_a_table

RATIO_MIN_BYTES = 1024 * 1024  # entries smaller than this are not judged by their compression ratio
_FIX_BOMB = (
    "Simpan ulang dari Excel sebagai .xlsx biasa atau kirim sebagai CSV. Bila datanya memang sangat besar, pecah "
    "menjadi beberapa berkas (misalnya per bulan)."
)


def open_xlsx(
    path: Path, contract: Contract, *, chunk_rows: int, max_uncompressed: int
) -> tuple[Layout, Iterator[Chunk]]:
    check_zip(path, max_uncompressed)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as exc:
        raise not_a_table(path, f"berkas Excel rusak atau terkunci ({exc})") from exc
    sheet, rows, match = _choose_sheet(path, wb, contract)
    header_row = match.index + 1  # rows start at Excel row 1 (calamine yields from the sheet's first row)
    layout = layout_for(contract, path, match, fmt="xlsx", sheet=sheet.name, header_row=header_row)
    builder = ChunkBuilder(contract, match)
    return layout, peek_rows(_chunks(rows, header_row, builder, chunk_rows), path, sheet.name)


def check_zip(path: Path, max_uncompressed: int) -> None:
    """Refuse an XLSX whose zip directory declares too much inflated data, before any of it is inflated."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_a_table(path, f"berkas Excel rusak ({exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise UnusableFile(
            "xlsx_too_large_uncompressed",
            f"Isi berkas Excel '{path.name}' jika dibuka berukuran {format_mb(total)}, melebihi batas "
            f"{format_mb(max_uncompressed)}.",
            _FIX_BOMB,
        )
    stored = sum(i.compress_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnusableFile(
                "xlsx_too_large_uncompressed",
                f"Berkas Excel '{path.name}' tidak wajar: bagian '{info.filename}' membesar {ratio:,.0f} kali "
                f"saat dibuka (batas {MAX_COMPRESSION_RATIO} kali), sehingga ditolak demi keamanan.",
                _FIX_BOMB,
            )
    if total >= RATIO_MIN_BYTES and total / max(stored, 1) > MAX_COMPRESSION_RATIO:
        raise UnusableFile(
            "xlsx_too_large_uncompressed",
            f"Berkas Excel '{path.name}' tidak wajar: isinya membesar {total / max(stored, 1):,.0f} kali saat "
            f"dibuka (batas {MAX_COMPRESSION_RATIO} kali), sehingga ditolak demi keamanan.",
            _FIX_BOMB,
        )


def _choose_sheet(
    path: Path, wb: CalamineWorkbook, contract: Contract
) -> tuple[CalamineSheet, Iterator[list[Any]], HeaderMatch]:
    """The sheet to read, its row iterator positioned after the header, and the header match."""
    wanted = {normalise_header(a) for a in (*contract.sheet_aliases, contract.name, contract.title)}
    metas = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in metas if m.visible == SheetVisibleEnum.Visible]
    hidden = [m.name for m in metas if m.visible != SheetVisibleEnum.Visible]
    named = [n for n in visible if normalise_header(n) in wanted]
    order = named + [n for n in visible if n not in named] + hidden
    any_data = False
    for name in order:
        try:
            sheet = wb.get_sheet_by_name(name)
        except CalamineError as exc:
            raise not_a_table(path, f"lembar '{name}' rusak ({exc})") from exc
        if sheet.start is None:
            continue
        any_data = True
        rows = sheet.iter_rows()
        head = [clean_text_values(r) for r in islice(rows, HEADER_SEARCH_ROWS)]
        match = find_header(head, contract)
        if match is not None:
            after = head[match.index + 1 :]
            return sheet, _chain_rows(after, rows), match
    if not any_data:
        aliases = ", ".join(f"'{a}'" for a in contract.sheet_aliases) or f"'{contract.name}'"
        raise UnusableFile(
            "no_sheet",
            f"Berkas Excel '{path.name}' tidak memiliki lembar (sheet) yang berisi data.",
            f"Letakkan data di lembar pertama atau di lembar bernama {aliases}, lalu kirim ulang.",
        )
    where = f"lembar {', '.join(repr(n) for n in order)} pada"
    raise no_header(path, contract, where)


def _chain_rows(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    for row in rest:
        yield clean_text_values(row)


def _chunks(rows: Iterator[list[Any]], header_row: int, builder: ChunkBuilder, chunk_rows: int) -> Iterator[Chunk]:
    """Chunks of exactly ``chunk_rows`` non-blank rows (the last fewer); Excel row numbers start after the header."""

    def built() -> Iterator[Chunk]:
        next_row = header_row + 1
        while block := list(islice(rows, chunk_rows)):
            numbers = np.arange(next_row, next_row + len(block), dtype=np.int64)
            next_row += len(block)
            width = max(len(r) for r in block)
            padded = block if all(len(r) == width for r in block) else [r + [None] * (width - len(r)) for r in block]
            chunk = builder.build([list(c) for c in zip(*padded, strict=True)], numbers)
            if chunk is not None:
                yield chunk

    return rebatch(built(), chunk_rows)
