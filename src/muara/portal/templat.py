"""Templat: an XLSX per dataset, generated from its contract, for the officer who fills data in Excel.

Sheet ``Data``: the header row (the contract's column names, which every reader accepts) and one example row;
sheet ``Penjelasan``: each column explained in Bahasa Indonesia (meaning, required, format, allowed values).
Every text cell is written as text, never as a formula, and text that a spreadsheet would run (``=``, ``+``,
``-``, ``@``) is neutralised the way the reports do it.
"""

from __future__ import annotations

import io
from typing import Any

from muara.contract.model import Column, Contract, get
from muara.ingest.report import neutralise

FORMAT_TEXT = {
    "string": "teks",
    "integer": "bilangan bulat, tanpa titik ribuan (contoh 1250)",
    "number": "angka, pakai titik untuk desimal (contoh -10.1772)",
    "date": "tanggal TTTT-BB-HH (contoh 2026-12-01); 01/12/2026 juga diterima",
    "timestamp": "tanggal dan jam TTTT-BB-HH JJ:MM waktu setempat (contoh 2026-12-01 08:30)",
    "boolean": "ya / tidak",
}
TYPED_EXAMPLE: dict[str, Any] = {
    "string": "contoh",
    "integer": 1,
    "number": 1.5,
    "date": "2026-12-01",
    "timestamp": "2026-12-01 08:30",
    "boolean": "ya",
}


def _allowed(column: Column, city_code: str | None) -> list[str]:
    from muara.contract import reference

    if column.valid_values:
        return list(column.valid_values)
    if column.code_list:
        try:
            return reference.values(column.code_list, city_code)
        except Exception:  # a list this city lacks: the explanation says where the codes live instead
            return []
    return []


def example(column: Column, contract: Contract, sender: str | None, city_code: str | None = None) -> Any:
    """The example cell: the sender's own code in its owner column, else the contract's example, else a
    value of the right type."""
    if sender and column.name == contract.owner_column:
        return sender
    if column.examples:
        return column.examples[0]
    allowed = _allowed(column, city_code)
    if allowed:
        return allowed[0]
    return TYPED_EXAMPLE.get(column.logical_type, "contoh")


def _explain(column: Column, contract: Contract, city_code: str | None) -> list[Any]:
    allowed = _allowed(column, city_code)
    if allowed:
        shown = ", ".join(allowed[:30]) + (f" ... ({len(allowed)} kode)" if len(allowed) > 30 else "")
    elif column.code_list:
        shown = f"kode dari daftar {column.code_list.split('.')[0]}"
    else:
        shown = "-"
    rules = []
    if column.primary_key_position is not None:
        rules.append("kunci: tidak boleh ganda")
    if column.max_length:
        rules.append(f"paling panjang {column.max_length} karakter")
    if column.minimum is not None:
        rules.append(f"paling kecil {column.minimum:g}")
    if column.maximum is not None:
        rules.append(f"paling besar {column.maximum:g}")
    if column.not_in_future:
        rules.append("tidak boleh di masa depan")
    if column.pii:
        rules.append("data pribadi: disamarkan saat disimpan")
    if column.name == contract.owner_column:
        rules.append("isi dengan kode pengirim Anda sendiri")
    return [
        column.name,
        column.business_name,
        column.description,
        "wajib" if column.required else "boleh kosong",
        FORMAT_TEXT.get(column.logical_type, column.logical_type),
        shown,
        "; ".join(rules) or "-",
        ", ".join(column.aliases[:6]) or "-",
    ]


def _cell(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        sheet.write_string(row, col, str(neutralise("" if value is None else str(value))), fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def xlsx(dataset: str, sender: str | None = None, city_code: str | None = None) -> bytes:
    """The template's bytes."""
    import xlsxwriter

    contract = get(dataset)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet("Data")
    for i, column in enumerate(contract.columns):
        _cell(data, 0, i, column.name, bold)
        _cell(data, 1, i, example(column, contract, sender, city_code))
        data.set_column(i, i, max(14, min(40, len(column.name) + 4)))
    data.freeze_panes(1, 0)
    notes = book.add_worksheet("Penjelasan")
    heads = ["Kolom", "Nama", "Arti", "Wajib?", "Format", "Nilai yang boleh", "Aturan", "Judul lain yang dikenali"]
    _cell(notes, 0, 0, f"{contract.title} ({contract.name}), kontrak versi {contract.version}", bold)
    _cell(
        notes,
        1,
        0,
        "Isi lembar Data mulai baris 2 (hapus baris contoh). Satu baris = satu catatan. Jangan ubah judul kolom.",
    )
    for i, head in enumerate(heads):
        _cell(notes, 3, i, head, bold)
    for r, column in enumerate(contract.columns, start=4):
        for i, value in enumerate(_explain(column, contract, city_code)):
            _cell(notes, r, i, value, wrap)
    for i, width in enumerate((22, 24, 50, 12, 30, 40, 34, 30)):
        notes.set_column(i, i, width)
    book.close()
    return buf.getvalue()
