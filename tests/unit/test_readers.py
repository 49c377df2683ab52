"""The readers against real files written here: cp1252/latin-1/UTF-8/UTF-16 CSV, XLSX made by xlsxwriter, JSON.

Each quirk officers really send gets a file, and each file-level problem its Bahasa Indonesia message.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from muara.contract import model as contracts
from muara.readers import xlsx_reader as readers_xlsx
from muara.readers.dispatch import open_export
from muara.readers.types import Chunk, Layout, OversizedValue, UnusableFile
from tests.conftest import muara
from tests.xlsx_support import sheet_workbook

ADUAN = contracts.get("aduan")
HEADER = ["No. Aduan", "Kanal", "Kategori", "Isi Laporan", "OPD", "Kelurahan", "Status", "Tgl Lapor"]
TARGETS = ["nomor_aduan", "kanal", "kode_kategori", "deskripsi", "kode_opd", "kode_kelurahan", "status", "waktu_lapor"]


def row(i: int, text: str = "Jalan berlubang") -> list[str]:
    return [f"ADU/2026/{i:05d}", "lapor", "jalan_rusak", text, "PUPR", "53.71.04.1001", "diproses", "22/11/2026 14:05"]


def read_all(path: Path, **kwargs: Any) -> tuple[Layout, list[Chunk]]:
    layout, chunks = open_export(path, ADUAN, **kwargs)
    return layout, list(chunks)


def rows_of(chunks: list[Chunk]) -> np.ndarray:
    return np.concatenate([c.row_numbers for c in chunks])


def column(chunks: list[Chunk], name: str) -> list[Any]:
    return [v for c in chunks for v in c.frame[name].tolist()]


def write_text(path: Path, lines: Sequence[str], encoding: str, newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    return path


def unusable(path: Path, **kwargs: Any) -> UnusableFile:
    with pytest.raises(UnusableFile) as info:
        open_export(path, ADUAN, **kwargs)
    err = info.value
    assert path.name in err.message, err.message  # every message names the file
    assert err.fix
    return err


# ----------------------------------------------------------------------------------------------------- CSV


def test_csv_cp1252_semicolons_title_lines_blank_rows(tmp_path: Path) -> None:
    lines = [
        "REKAP ADUAN DINAS PUPR KOTA KUPANG;;;",
        "Periode 01/11/2026 s.d. 22/11/2026",
        "",
        ";".join([*HEADER, "Catatan Petugas"]),
        ";".join([*row(1, "Jalan rusak – depan café"), "cek lokasi"]),
        ";;;;;;;;",
        ";".join([*row(2), ""]),
        "",
        "",
    ]
    path = write_text(tmp_path / "aduan.csv", lines, "cp1252")
    layout, chunks = read_all(path)
    assert (layout.format, layout.encoding, layout.delimiter, layout.header_row) == ("csv", "cp1252", ";", 4)
    assert layout.columns == {**dict(zip(HEADER, TARGETS, strict=True))}
    assert layout.unknown_columns == ("Catatan Petugas",)
    assert "alamat" in layout.missing_optional and "nomor_aduan" not in layout.missing_optional
    assert list(chunks[0].frame.columns) == TARGETS  # contract order, contract names
    assert rows_of(chunks).tolist() == [5, 7]  # the blank row on line 6 is not data
    assert column(chunks, "deskripsi") == ["Jalan rusak – depan café", "Jalan berlubang"]
    extra = chunks[0].extra
    assert extra is not None and extra["Catatan Petugas"].tolist() == ["cek lokasi", None]


def test_csv_utf8_bom_comma(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", [",".join(HEADER), ",".join(row(1, "Sampah di Jl. Oebobo"))], "utf-8-sig")
    layout, chunks = read_all(path)
    assert (layout.encoding, layout.delimiter, layout.header_row) == ("utf-8-sig", ",", 1)
    assert column(chunks, "nomor_aduan") == ["ADU/2026/00001"]


def test_csv_plain_utf8_with_accents(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "a.csv", [";".join(HEADER), ";".join(row(1, "Lampu mati di depan rumah Bpk. José"))], "utf-8"
    )
    layout, chunks = read_all(path)
    assert layout.encoding == "utf-8"
    assert column(chunks, "deskripsi") == ["Lampu mati di depan rumah Bpk. José"]


def test_csv_neither_utf8_nor_windows_1252_is_an_encoding_error(tmp_path: Path) -> None:
    # byte 0x9D is undefined in Windows-1252; Latin-1 would read it as a C1 control code, which is never text
    path = write_text(tmp_path / "a.csv", [";".join(HEADER), ";".join(row(1, "Peñataan\x9d taman"))], "latin-1")
    with pytest.raises(UnusableFile) as err:
        read_all(path)
    assert err.value.reason == "encoding" and "a.csv" in err.value.message


def test_csv_utf16_with_bom(tmp_path: Path) -> None:
    lines = ["Rekap aduan", "\t".join(HEADER), "\t".join(row(1, "Drainase tersumbat")), "\t".join(row(2))]
    path = write_text(tmp_path / "a.csv", lines, "utf-16")
    layout, chunks = read_all(path)
    assert (layout.encoding, layout.delimiter, layout.header_row) == ("utf-16-le", "\t", 2)
    assert rows_of(chunks).tolist() == [3, 4]
    assert column(chunks, "deskripsi") == ["Drainase tersumbat", "Jalan berlubang"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    path = write_text(
        tmp_path / "a.csv", [delimiter.join(HEADER), delimiter.join(row(1)), delimiter.join(row(2))], "utf-8"
    )
    layout, chunks = read_all(path)
    assert layout.delimiter == delimiter
    assert column(chunks, "nomor_aduan") == ["ADU/2026/00001", "ADU/2026/00002"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_quoted_newlines_keep_physical_line_numbers(tmp_path: Path, newline: str) -> None:
    multi = '"Jalan berlubang' + newline + "di depan SD" + newline + 'sangat ""dalam"""'
    lines = [
        ";".join(HEADER),
        ";".join(row(1)),  # line 2
        ";".join(row(2)[:3]) + ";" + multi + ";" + ";".join(row(2)[4:]),  # lines 3-5
        "",  # line 6
        ";".join(row(3)),  # line 7
    ]
    path = write_text(tmp_path / "a.csv", lines, "utf-8", newline=newline)
    _, chunks = read_all(path)
    assert rows_of(chunks).tolist() == [2, 3, 7]
    nl = "\n" if newline == "\n" else "\r\n"
    assert column(chunks, "deskripsi")[1] == f'Jalan berlubang{nl}di depan SD{nl}sangat "dalam"'


def test_csv_literal_quote_inside_a_field_does_not_shift_rows(tmp_path: Path) -> None:
    lines = [";".join(HEADER), ";".join(row(1, 'Pipa 4" bocor')), ";".join(row(2)), ";".join(row(3))]
    path = write_text(tmp_path / "a.csv", lines, "utf-8")
    _, chunks = read_all(path)
    assert rows_of(chunks).tolist() == [2, 3, 4]
    assert column(chunks, "deskripsi")[0] == 'Pipa 4" bocor'


def test_csv_rows_with_too_few_or_too_many_fields_are_kept(tmp_path: Path) -> None:
    lines = [
        ";".join(HEADER),
        ";".join(row(1)),
        ";".join(row(2)[:5]),  # trailing fields missing
        ";".join([*row(3), "tambahan", ""]),  # two fields too many
        ";".join(row(4)),
    ]
    path = write_text(tmp_path / "a.csv", lines, "cp1252")
    _, chunks = read_all(path)
    assert rows_of(chunks).tolist() == [2, 3, 4, 5]
    assert column(chunks, "status") == ["diproses", None, "diproses", "diproses"]
    extra = chunks[0].extra
    assert extra is not None and extra["(kolom tanpa judul)"].tolist() == [None, None, "tambahan", None]


def test_xlsx_saved_as_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "ekspor.csv"
    write_xlsx(path, [HEADER, row(1)])
    layout, chunks = read_all(path)
    assert layout.format == "xlsx"
    assert column(chunks, "nomor_aduan") == ["ADU/2026/00001"]


# ---------------------------------------------------------------------------------------------------- XLSX


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Sheet1", start: int = 0) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                ws.write_datetime(start + r, c, v, fmt)
            elif v is not None:
                ws.write(start + r, c, v)
    wb.close()
    return path


def test_xlsx_title_rows_sheet_alias_types_and_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "aduan.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("Petunjuk")
    notes.write(0, 0, "Isi data di lembar berikutnya. Status: menunggu/diproses/selesai.")
    ws = wb.add_worksheet("Data Aduan")
    ws.merge_range(0, 0, 0, len(HEADER) - 1, "REKAP ADUAN PUPR KOTA KUPANG PERIODE NOVEMBER 2026")
    for c, h in enumerate([*HEADER, "Lintang"]):
        ws.write(2, c, h)
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write_row(3, 0, row(1)[:7])
    ws.write_datetime(3, 7, dt.datetime(2026, 11, 22, 14, 5), stamp)
    ws.write_number(3, 8, -10.1718)
    ws.write_row(5, 0, row(2)[:7])  # row 5 (Excel) left blank
    ws.write_number(5, 7, 46348.5, stamp)
    ws.write(9, 0, "")  # trailing blank rows
    wb.close()
    layout, chunks = read_all(path)
    assert (layout.format, layout.sheet, layout.header_row) == ("xlsx", "Data Aduan", 3)
    assert layout.columns["Lintang"] == "latitude"
    assert rows_of(chunks).tolist() == [4, 6]  # Excel row numbers; the blank Excel row 5 is skipped
    assert column(chunks, "waktu_lapor") == [dt.datetime(2026, 11, 22, 14, 5), dt.datetime(2026, 11, 22, 12, 0)]
    assert column(chunks, "latitude") == [-10.1718, None]


def test_xlsx_merged_group_header_over_sub_headers(tmp_path: Path) -> None:
    path = tmp_path / "aduan.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("rekap")
    ws.write(0, 0, "LAPORAN ADUAN")
    top = ["No. Aduan", "Kanal", "Kategori", "Isi Laporan", "OPD", "Kelurahan", "Status"]
    for c, h in enumerate(top):  # each merged down over the two header rows
        ws.merge_range(1, c, 2, c, h)
    ws.merge_range(1, 7, 1, 8, "Waktu")  # group header over two sub-headers
    ws.write(2, 7, "Lapor")
    ws.write(2, 8, "Selesai")
    ws.write_row(3, 0, [*row(1), "25/11/2026 16:00"])
    wb.close()
    layout, chunks = read_all(path)
    assert layout.header_row == 3
    assert layout.columns["Waktu Lapor"] == "waktu_lapor"
    assert layout.columns["Waktu Selesai"] == "waktu_selesai"
    assert layout.columns["No. Aduan"] == "nomor_aduan"
    assert rows_of(chunks).tolist() == [4]
    assert column(chunks, "waktu_selesai") == ["25/11/2026 16:00"]


def test_xlsx_first_sheet_with_a_header_when_no_alias_matches(tmp_path: Path) -> None:
    path = tmp_path / "aduan.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write(0, 0, "catatan saja")
    ws = wb.add_worksheet("Sheet2")
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, row(1))
    wb.close()
    layout, chunks = read_all(path)
    assert layout.sheet == "Sheet2"
    assert rows_of(chunks).tolist() == [2]


# ---------------------------------------------------------------------------------------------------- JSON


def records(n: int) -> list[dict[str, Any]]:
    return [dict(zip(TARGETS, row(i), strict=True)) | {"latitude": -10.17, "jumlah": 3} for i in range(1, n + 1)]


def test_json_envelope_with_meta_first(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"meta": {"errors": [], "total": 2}, "data": records(2)}), encoding="utf-8")
    layout, chunks = read_all(path)
    assert (layout.format, layout.encoding, layout.header_row) == ("json", None, None)
    assert layout.unknown_columns == ("jumlah",)
    assert rows_of(chunks).tolist() == [1, 2]
    assert column(chunks, "latitude") == [-10.17, -10.17]
    extra = chunks[0].extra
    assert extra is not None and extra["jumlah"].tolist() == [3, 3]


@pytest.mark.parametrize(
    "shape",
    [
        lambda recs: recs,
        lambda recs: {"items": recs},
        lambda recs: {"status": "ok", "result": {"rows": recs}},
    ],
    ids=["bare-array", "items", "nested"],
)
def test_json_shapes(tmp_path: Path, shape: Any) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(shape(records(3))).encode())
    _, chunks = read_all(path)
    assert column(chunks, "nomor_aduan") == ["ADU/2026/00001", "ADU/2026/00002", "ADU/2026/00003"]


def test_json_lines_nested_objects_and_late_keys(tmp_path: Path) -> None:
    recs = records(3)
    recs[0]["lokasi"] = {"lat": -10.1, "alamat": "Jl. Timor Raya"}
    recs[2]["kolom_baru"] = "x"
    recs[1]["deskripsi"] = "  "
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    layout, chunks = read_all(path, chunk_rows=2)
    assert layout.columns["lokasi.alamat"] == "alamat"
    assert rows_of(chunks).tolist() == [1, 2, 3]
    assert column(chunks, "alamat") == ["Jl. Timor Raya", None, None]
    assert column(chunks, "deskripsi")[1] is None
    assert chunks[-1].extra is not None and chunks[-1].extra["kolom_baru"].tolist() == ["x"]


# ----------------------------------------------------------------------------------------------- streaming


def test_streaming_chunks_of_exactly_chunk_rows(tmp_path: Path) -> None:
    lines = [";".join(HEADER)] + [";".join(row(i)) for i in range(10_000)]
    path = write_text(tmp_path / "besar.csv", lines, "cp1252")
    _, chunks = read_all(path, chunk_rows=1000)
    assert [len(c.frame) for c in chunks] == [1000] * 10
    assert rows_of(chunks).tolist() == list(range(2, 10_002))
    assert all(c.row_numbers.dtype == np.int64 for c in chunks)


def test_streaming_xlsx_and_json(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "a.xlsx", [["REKAP"], [], HEADER] + [row(i) for i in range(2500)])
    _, chunks = read_all(xlsx, chunk_rows=1000)
    assert [len(c.frame) for c in chunks] == [1000, 1000, 500]
    assert rows_of(chunks)[[0, -1]].tolist() == [4, 2503]
    js = tmp_path / "a.json"
    js.write_text(json.dumps({"data": records(2500)}))
    _, chunks = read_all(js, chunk_rows=1000)
    assert [len(c.frame) for c in chunks] == [1000, 1000, 500]
    assert rows_of(chunks)[[0, -1]].tolist() == [1, 2500]


# ------------------------------------------------------------------------------------------ unusable files


def test_empty_files(tmp_path: Path) -> None:
    (tmp_path / "kosong.csv").write_bytes(b"")
    assert unusable(tmp_path / "kosong.csv").reason == "empty"
    (tmp_path / "spasi.csv").write_bytes(b"\xef\xbb\xbf  \r\n\r\n")
    assert unusable(tmp_path / "spasi.csv").reason == "empty"


def test_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "foto.csv").write_bytes(bytes(range(256)) * 40)
    err = unusable(tmp_path / "foto.csv")
    assert err.reason == "not_a_table" and "bukan teks" in err.message
    (tmp_path / "surat.pdf").write_bytes(b"%PDF-1.7\n%binary")
    err = unusable(tmp_path / "surat.pdf")
    assert err.reason == "unsupported_format" and "PDF" in err.message
    (tmp_path / "potong.json").write_text('{"data": [{"nomor_aduan": "A-1", "kanal": ')
    assert unusable(tmp_path / "potong.json").reason == "not_a_table"


def test_encoding_error_when_bom_lies(tmp_path: Path) -> None:
    path = tmp_path / "salah.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + ";".join(HEADER).encode() + b"\r\n" + ";".join(row(1, "caf\xe9")).encode("cp1252")
    )
    err = unusable(path)
    assert err.reason == "encoding" and "baris 2" in err.message and "UTF-8" in err.fix
    js = tmp_path / "salah.json"
    js.write_bytes(json.dumps(records(1)).replace("Jalan", "Jal\\u00e1n").encode().replace(b"Jal\\u00e1n", b"Jal\xe1n"))
    assert unusable(js).reason == "encoding"


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_text(tmp_path / "a.csv", [";".join(HEADER), ";".join(row(1))], "utf-8")
    err = unusable(path, max_bytes=100)
    assert err.reason == "too_large" and "MB" in err.message
    monkeypatch.setenv("MUARA_MAX_FILE_MB", "0.0001")
    assert unusable(path).reason == "too_large"


def test_no_header(tmp_path: Path) -> None:
    path = write_text(tmp_path / "lain.csv", ["Nama;Alamat Rumah;Umur", "Budi;Jl. A;30"], "utf-8")
    err = unusable(path)
    assert err.reason == "no_header" and "30 baris pertama" in err.message
    assert "Nomor aduan" in err.fix


def test_missing_required_columns_named_with_their_aliases(tmp_path: Path) -> None:
    path = write_text(tmp_path / "kurang.csv", [";".join(HEADER[:6]), ";".join(row(1)[:6])], "utf-8")
    err = unusable(path)
    assert err.reason == "missing_columns"
    assert "'Status' (judul yang diterima: status, Status, Status Laporan" in err.message
    assert "'Waktu lapor'" in err.message and "Tgl Lapor" in err.message


def test_no_rows(tmp_path: Path) -> None:
    csv_path = write_text(tmp_path / "judul.csv", [";".join(HEADER), ";;;;;;;", ""], "utf-8")
    assert unusable(csv_path).reason == "no_rows"
    xlsx = write_xlsx(tmp_path / "judul.xlsx", [["REKAP"], HEADER])
    err = unusable(xlsx)
    assert err.reason == "no_rows" and "Sheet1" in err.message
    js = tmp_path / "kosong.json"
    js.write_text('{"data": [], "meta": {"total": 0}}')
    assert unusable(js).reason == "no_rows"


def test_no_sheet_with_data(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1")
    wb.close()
    err = unusable(path)
    assert err.reason == "no_sheet" and "'data aduan'" in err.fix


def test_unsupported_formats(tmp_path: Path) -> None:
    (tmp_path / "lama.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    err = unusable(tmp_path / "lama.xls")
    assert err.reason == "unsupported_format" and ".xlsx" in err.fix
    with zipfile.ZipFile(tmp_path / "lembar.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    assert unusable(tmp_path / "lembar.ods").reason == "unsupported_format"
    with zipfile.ZipFile(tmp_path / "kiriman.zip", "w") as z:
        z.writestr("aduan.csv", ";".join(HEADER))
    assert unusable(tmp_path / "kiriman.zip").reason == "unsupported_format"


class _NoCalamine:
    @staticmethod
    def from_path(*_: object, **__: object) -> None:
        raise AssertionError("calamine must not open a file refused by the zip check")


def test_xlsx_over_uncompressed_limit_is_refused_before_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "besar.xlsx", [HEADER, row(1)])
    declared = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(readers_xlsx, "CalamineWorkbook", _NoCalamine)
    err = unusable(path, max_xlsx_uncompressed=declared - 1)
    assert err.reason == "xlsx_too_large_uncompressed"
    monkeypatch.setenv("MUARA_MAX_XLSX_UNCOMPRESSED_MB", "0.001")
    assert unusable(path).reason == "xlsx_too_large_uncompressed"


def test_xlsx_zip_bomb_ratio_is_refused_before_calamine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + "<row/>" * 2_000_000 + "</sheetData>")
    monkeypatch.setattr(readers_xlsx, "CalamineWorkbook", _NoCalamine)
    err = unusable(path)
    assert err.reason == "xlsx_too_large_uncompressed" and "kali" in err.message


# ----------------------------------------------------------------------------------------------- demo data


def test_every_demo_export_is_readable_with_all_required_columns(tmp_path: Path) -> None:
    out = tmp_path / "inbox"
    muara("demo-data", "--out", str(out), "--rows", "300", check=True)
    files = sorted(p for p in out.rglob("*") if p.suffix in (".csv", ".xlsx", ".json"))
    formats = set()
    assert files
    for path in files:
        contract = contracts.get(path.parent.name)
        layout, chunks = open_export(path, contract)
        present = set(layout.columns.values())
        assert not [c for c in contract.required_columns if c not in present], path
        assert layout.unknown_columns == (), path
        numbers = np.concatenate([c.row_numbers for c in chunks])
        assert len(numbers) > 0 and np.all(np.diff(numbers) > 0), path
        formats.add(layout.format)
    assert formats == {"csv", "xlsx", "json"}


def test_row_numbers_match_a_reference_reader_across_block_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quoted newlines, blank lines, literal quotes and ragged rows, with blocks far smaller than the file."""
    from muara.readers import csv_reader as readers_csv

    monkeypatch.setattr(readers_csv, "ARROW_BLOCK", 16 * 1024)
    monkeypatch.setattr(readers_csv, "SCAN_BLOCK", 7 * 1024 + 3)
    rng = np.random.default_rng(7)
    lines = ["Rekap", ";".join(HEADER)]
    expected: list[tuple[int, str]] = []
    line_no = 3
    for i in range(3000):
        kind = rng.integers(6)
        text = f"aduan {i}"
        if kind == 0:
            text = f'"aduan {i}\r\nbaris kedua ""kutip"""'
        elif kind == 1:
            text = f'aduan {i} pipa 2" bocor'
        fields = row(i, text)
        if kind == 2:
            fields = fields[:4]
        elif kind == 3:
            fields = [*fields, "lebih"]
        elif kind == 4:
            lines.append("")
            line_no += 1
        lines.append(";".join(fields))
        expected.append((line_no, f"ADU/2026/{i:05d}"))
        line_no += 2 if kind == 0 else 1
    path = write_text(tmp_path / "acak.csv", lines, "cp1252")
    _, chunks = read_all(path, chunk_rows=700)
    assert list(zip(rows_of(chunks).tolist(), column(chunks, "nomor_aduan"), strict=True)) == expected


def _nested(depth: int) -> str:
    return '{"a": ' * depth + '"v"' + "}" * depth


def test_json_nested_past_the_limit_is_refused_and_names_the_record(tmp_path: Path) -> None:
    """A poison record (a thousand levels deep) is refused with its position, not a RecursionError."""
    aduan = contracts.get("aduan")
    fields = (
        '"kanal": "web", "kode_kategori": "JALAN", "kode_opd": "PUPR", "kode_kelurahan": "53.71.04.1011", '
        '"status": "baru", '
        '"waktu_lapor": "14/11/2026 08:00"'
    )
    good = f'{{"nomor_aduan": "ADU/2026/00001", {fields}, "deskripsi": "Jalan berlubang"}}'
    deep = f'{{"nomor_aduan": "ADU/2026/00002", {fields}, "deskripsi": {_nested(1000)}}}'
    path = tmp_path / "aduan_dalam.json"
    path.write_text(f'{{"data": [{good}, {deep}]}}', encoding="utf-8")
    _, chunks = open_export(path, aduan, chunk_rows=1)
    with pytest.raises(UnusableFile) as caught:
        list(chunks)
    assert caught.value.reason == "too_deep"
    assert "data ke-2" in caught.value.message and "64 tingkat" in caught.value.message
    assert "daftar datar" in caught.value.fix

    first = tmp_path / "aduan_dalam_pertama.json"
    first.write_text(f'{{"data": [{deep}]}}', encoding="utf-8")
    with pytest.raises(UnusableFile) as caught:
        open_export(first, aduan)
    assert caught.value.reason == "too_deep"


def test_json_tens_of_thousands_of_levels_cost_no_memory(tmp_path: Path) -> None:
    """`muara check` on 200,000 levels in 1.2 MB answers "too deep" (exit 2) with a peak RSS far under 1 GB."""

    import subprocess
    import sys

    path = tmp_path / "aduan_racun.json"
    path.write_text(f'{{"data": [{{"nomor_aduan": "ADU/2026/00001", "deskripsi": {_nested(200_000)}}}]}}')
    code = (
        "import resource, subprocess, sys; "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'too_deep' in r.stdout)"
    )
    muara_bin = str(Path(sys.executable).parent / "muara")
    args = [muara_bin, "check", str(path), "--dataset", "aduan", "--sender", "PUPR", "--json"]
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    exit_code, peak_kb, said_too_deep = out.stdout.split()
    assert exit_code == "2" and said_too_deep == "True", out.stdout + out.stderr
    assert int(peak_kb) < 1024 * 1024, f"peak RSS {int(peak_kb) / 1024:.0f} MB"


def test_two_headers_for_one_contract_column_are_refused_naming_both(tmp_path: Path) -> None:
    """'Kelurahan' (names) beside 'Kode Kelurahan' (codes): which holds the codes cannot be guessed."""
    header = [*HEADER, "Kode Kelurahan"]
    lines = [";".join(header), ";".join([*row(1), "53.71.04.1001"])]
    err = unusable(write_text(tmp_path / "aduan_ganda.csv", lines, "utf-8"))
    assert err.reason == "duplicate_columns"
    assert "'Kelurahan' (kolom ke-6) dan 'Kode Kelurahan' (kolom ke-9)" in err.message
    assert "baris judul: baris 1" in err.message and "Hapus kolom yang berlebih" in err.fix

    book = tmp_path / "aduan_ganda.xlsx"
    with xlsxwriter.Workbook(book) as wb:
        ws = wb.add_worksheet("aduan")
        ws.write_row(0, 0, ["Rekap aduan November"])
        ws.write_row(1, 0, header)
        ws.write_row(2, 0, [*row(1), "53.71.04.1001"])
    err = unusable(book)
    assert err.reason == "duplicate_columns" and "baris judul: baris 2" in err.message


def test_a_stray_nul_byte_is_named_by_its_line(tmp_path: Path) -> None:
    lines = [";".join(HEADER), ";".join(row(1)), ";".join(row(2, "Jalan\x00berlubang")), ";".join(row(3))]
    err = unusable(write_text(tmp_path / "aduan_nul.csv", lines, "utf-8"))
    assert err.reason == "not_a_table" and "byte nol (NUL" in err.message and "di baris 3" in err.message
    assert "periksa baris 3" in err.fix


# ------------------------------------------------------------------------------------ long fields, big sheets


def test_csv_fields_of_megabytes_read_whole_with_their_lines(tmp_path: Path) -> None:
    """A pasted photo (2.5 MB of base64) in one row, quoted newlines around it: every row, every byte, right line."""
    photo = "iVBORw0KGgo" + "A" * (2_500_000 - 11)
    lines = [
        ";".join(HEADER),
        ";".join(row(1, '"baris satu\ndan dua"')),
        ";".join(row(2, photo)),
        ";".join(row(3)),
        ";".join(row(4, '"lagi\ndua baris"')),
    ]
    path = write_text(tmp_path / "aduan_foto.csv", lines, "utf-8", newline="\n")
    _, chunks = read_all(path)
    assert rows_of(chunks).tolist() == [2, 4, 5, 6]
    assert [len(v) for v in column(chunks, "deskripsi")] == [len("baris satu\ndan dua"), 2_500_000, 15, 14]
    assert column(chunks, "deskripsi")[1] == photo


def test_csv_field_over_the_limit_stands_in_for_its_row_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MUARA_MAX_FIELD_MB=1: a 1.5 MB field becomes an OversizedValue in its own row and column; the rows around it
    read as usual."""
    monkeypatch.setenv("MUARA_MAX_FIELD_MB", "1")
    lines = [";".join(HEADER), ";".join(row(1)), ";".join(row(2, "x" * 1_500_000)), ";".join(row(3))]
    path = write_text(tmp_path / "aduan.csv", lines, "utf-8", newline="\n")
    _, chunks = read_all(path)
    values = column(chunks, "deskripsi")
    assert rows_of(chunks).tolist() == [2, 3, 4]
    assert values[0] == values[2] == "Jalan berlubang"
    big = values[1]
    assert isinstance(big, OversizedValue) and big.nbytes == 1_500_000 and big.limit == 1024 * 1024
    assert str(big) == "(isi 1,4 MB, melebihi batas 1,0 MB)"
    assert any(c.oversized for c in chunks)


def test_csv_record_beyond_the_largest_block_is_refused_naming_line_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUARA_MAX_FIELD_MB", "1")  # blocks up to 4 MB, so records up to 2 MB
    lines = [";".join(HEADER), ";".join(row(1)), ";".join(row(2)), ";".join(row(3, "x" * 3_000_000))]
    path = write_text(tmp_path / "aduan.csv", lines, "utf-8", newline="\n")
    err = unusable(path)
    assert err.reason == "too_long"
    assert "mulai baris 4" in err.message and "1,0 MB (MUARA_MAX_FIELD_MB)" in err.message, err.message
    assert "tautannya (URL)" in err.fix


def test_rebatch_cuts_chunks_of_long_rows_by_bytes(tmp_path: Path) -> None:
    from muara.readers.layout import rebatch

    def chunk(start: int, n: int, nbytes: int) -> Chunk:
        frame = pd.DataFrame({"a": np.arange(start, start + n)}, dtype=object)
        return Chunk(frame=frame, row_numbers=np.arange(start, start + n, dtype=np.int64), extra=None, nbytes=nbytes)

    # rows of 1 MB each: 10 per 10 MB chunk even though chunk_rows allows 1000
    out = list(rebatch([chunk(0, 25, 25 << 20), chunk(25, 5, 5 << 20)], 1000, max_bytes=10 << 20))
    assert [len(c.row_numbers) for c in out] == [10, 10, 10]
    assert np.concatenate([c.row_numbers for c in out]).tolist() == list(range(30))
    # unmeasured chunks keep the exact row count
    out = list(rebatch([chunk(0, 25, 0), chunk(25, 5, 0)], 7, max_bytes=1))
    assert [len(c.row_numbers) for c in out] == [7, 7, 7, 7, 2]


def _sheet_workbook(path: Path, rows: int) -> Path:
    """A real workbook whose sheet holds ``rows`` minimal rows of one cell."""
    return sheet_workbook(path, HEADER, rows, lambda r: b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r))


def test_xlsx_past_excels_row_cap_is_refused_before_any_xml_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sheet_workbook(tmp_path / "aduan_besar.xlsx", readers_xlsx.EXCEL_MAX_ROWS + 10)
    monkeypatch.setattr(readers_xlsx, "CalamineWorkbook", _NoCalamine)
    err = unusable(path)
    assert err.reason == "too_many_rows"
    assert "1.048.586 baris" in err.message and "batas Excel 1.048.576 baris" in err.message, err.message


def test_xlsx_streamed_reads_the_same_as_calamine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The openpyxl path (a sheet over the memory budget) gives the same layout, values and Excel row numbers."""
    path = tmp_path / "aduan.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data Aduan")
    when = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write(0, 0, "REKAP ADUAN")
    ws.write_row(2, 0, HEADER)
    for i in range(1, 2600):
        r = 2 + i + (i > 1000) * 3  # a gap of three empty rows after row 1000
        ws.write_row(r, 0, row(i)[:7])
        ws.write_datetime(r, 7, dt.datetime(2026, 11, 22, 14, 5), when)
    wb.close()
    calamine_layout, calamine_chunks = read_all(path, chunk_rows=1000)
    monkeypatch.setattr(readers_xlsx, "SHEET_COST", 1e12)
    streamed_layout, streamed_chunks = read_all(path, chunk_rows=1000)
    assert streamed_layout == calamine_layout
    assert rows_of(streamed_chunks).tolist() == rows_of(calamine_chunks).tolist()
    assert rows_of(streamed_chunks)[[0, 999, 1000, -1]].tolist() == [4, 1003, 1007, 2605]
    for name in ("nomor_aduan", "deskripsi", "waktu_lapor"):
        assert column(streamed_chunks, name) == column(calamine_chunks, name)


def test_xlsx_over_the_cell_limit_is_refused_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _sheet_workbook(tmp_path / "aduan_lebar.xlsx", 200_000)
    monkeypatch.setenv("MUARA_MAX_XLSX_CELLS", "150000")
    monkeypatch.setattr(readers_xlsx, "CalamineWorkbook", _NoCalamine)
    err = unusable(path)
    assert err.reason == "too_many_rows"
    assert "200.000 sel" in err.message and "150.000 sel (MUARA_MAX_XLSX_CELLS)" in err.message, err.message


def test_json_text_over_the_limit_stands_in_for_its_record_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUARA_MAX_FIELD_MB", "1")
    recs = records(3)
    recs[1]["deskripsi"] = "data:image/png;base64," + "A" * 1_500_000
    path = tmp_path / "aduan.json"
    path.write_text(json.dumps({"data": recs}))
    _, chunks = read_all(path)
    values = column(chunks, "deskripsi")
    assert isinstance(values[1], OversizedValue) and values[1].nbytes == 1_500_022
    assert not isinstance(values[0], OversizedValue) and not isinstance(values[2], OversizedValue)
    assert [c.oversized for c in chunks] == [True]


def test_json_text_beyond_twice_the_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUARA_MAX_FIELD_MB", "1")
    recs = records(3)
    recs[2]["deskripsi"] = 'foto \\" ' + "A" * 3_000_000  # an escaped quote inside does not split the value
    path = tmp_path / "aduan.json"
    path.write_text(json.dumps({"data": recs}))
    err = unusable(path)
    assert err.reason == "too_long" and "1,0 MB per nilai (MUARA_MAX_FIELD_MB)" in err.message, err.message


def test_json_values_ending_in_a_backslash_do_not_shift_the_string_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows path ends in an escaped backslash (``"C:\\\\"``): its closing quote still closes the string, so
    3 MB of numbers after it are not taken for a text value."""
    monkeypatch.setenv("MUARA_MAX_FIELD_MB", "1")
    recs = records(2)
    recs[0]["lampiran"] = "C:\\data\\"
    recs[1]["angka"] = list(range(400_000))  # about 3 MB of JSON outside any string
    path = tmp_path / "aduan.json"
    path.write_text(json.dumps({"data": recs}))
    _, chunks = read_all(path)
    assert rows_of(chunks).tolist() == [1, 2]
