"""Typing values per the contract: Indonesian dates, numbers and codes, and a CellError for every failure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from muara.contract import model as contracts
from muara.contract.model import Column, Contract
from muara.ingest.coerce import CellError, coerce

WITA = ZoneInfo("Asia/Makassar")
ADUAN = contracts.get("aduan")
ABSENSI = contracts.get("absensi")
IZIN = contracts.get("izin")


def frame(**columns: list[Any]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


def one(c: Contract, name: str, values: list[Any], **kw: Any) -> tuple[pd.Series, list[CellError]]:
    typed, errors = coerce(frame(**{name: values}), c, WITA, **kw)
    return typed[name], errors


def local(*args: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(*args), tz=WITA)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("22/11/2026", local(2026, 11, 22)),
        ("22-11-2026", local(2026, 11, 22)),
        ("22.11.2026", local(2026, 11, 22)),
        ("2/1/2026 9:05", local(2026, 1, 2, 9, 5)),
        ("22/11/2026 14:05", local(2026, 11, 22, 14, 5)),
        ("22-11-2026 14:05:09", local(2026, 11, 22, 14, 5, 9)),
        ("22/11/26", local(2026, 11, 22)),
        ("22 Nov 2026", local(2026, 11, 22)),
        ("22 Nopember 2026", local(2026, 11, 22)),
        ("22 November 2026 14.05", local(2026, 11, 22, 14, 5)),
        ("1 Pebruari 2026", local(2026, 2, 1)),
        ("17 Agustus 2026", local(2026, 8, 17)),
        ("5 Okt 2026", local(2026, 10, 5)),
        ("24-Des-2026", local(2026, 12, 24)),
        ("1 Mei 2026", local(2026, 5, 1)),
        ("3 Juni 2026", local(2026, 6, 3)),
        ("3 Jun 2026", local(2026, 6, 3)),
        ("4 Juli 2026", local(2026, 7, 4)),
        ("4 Jul 2026", local(2026, 7, 4)),
        ("Senin, 23 November 2026 pukul 08.30", local(2026, 11, 23, 8, 30)),
        ("2026-11-22", local(2026, 11, 22)),
        ("2026-11-22T14:05:00", local(2026, 11, 22, 14, 5)),
        ("2026-11-22T14:05:00.250", local(2026, 11, 22, 14, 5, 0, 250_000)),
        ("2026-11-22 14:05:00+08:00", local(2026, 11, 22, 14, 5)),
        ("2026-11-22 14:05:00+07:00", local(2026, 11, 22, 15, 5)),
        ("2026-11-22T06:05:00Z", local(2026, 11, 22, 14, 5)),
        ("22/11/2026 14:05 WIB", local(2026, 11, 22, 15, 5)),
        ("22/11/2026 14:05 WITA", local(2026, 11, 22, 14, 5)),
        ("22/11/2026 14:05 WIT", local(2026, 11, 22, 13, 5)),
        ("46348", local(2026, 11, 22)),
        ("46348,5", local(2026, 11, 22, 12)),
        (46348, local(2026, 11, 22)),
        (46348.5854, local(2026, 11, 22, 14, 2, 59)),
        (dt.datetime(2026, 11, 22, 14, 5), local(2026, 11, 22, 14, 5)),
        (dt.date(2026, 11, 22), local(2026, 11, 22)),
        ("  22/11/2026 14:05  ", local(2026, 11, 22, 14, 5)),
    ],
)
def test_timestamps_in_city_time(value: Any, expected: pd.Timestamp) -> None:
    typed, errors = one(ADUAN, "waktu_lapor", [value])
    assert errors == []
    assert str(typed.dtype) == "datetime64[ns, Asia/Makassar]"
    assert typed.iloc[0] == expected


def test_timestamps_are_vectorised_over_mixed_values() -> None:
    values = ["22/11/2026 14:05", "2026-11-22T14:05:00", "22 Nopember 2026 14.05", 46348, None, "", "kemarin"]
    typed, errors = one(ADUAN, "waktu_lapor", values * 1000)
    assert typed.iloc[:4].tolist()[:3] == [local(2026, 11, 22, 14, 5)] * 3
    assert typed.isna().sum() == 3000
    assert len(errors) == 1000 and {e.value for e in errors} == {"kemarin"}


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("31/02/2026", "tidak ada di kalender"),
        ("15/13/2025", "tidak ada di kalender"),
        ("22/11/2026 25:00", "tidak ada di kalender"),
        ("kemarin", "tidak dikenali"),
        ("tgl 5", "tidak dikenali"),
        ("2026", "tidak dikenali"),
        (dt.time(14, 5), "tidak dikenali"),
        (True, "tidak dikenali"),
    ],
)
def test_bad_dates_become_missing_and_are_reported(value: Any, what: str) -> None:
    typed, errors = one(ADUAN, "waktu_lapor", ["22/11/2026", value], headers={"waktu_lapor": "Tgl Lapor"})
    assert pd.isna(typed.iloc[1]) and not pd.isna(typed.iloc[0])
    [err] = errors
    assert (err.position, err.column, err.reason) == (1, "waktu_lapor", "type_date")
    assert err.message.endswith(f"di kolom 'Tgl Lapor' {what}.") and f"'{err.value}'" in err.message
    assert "22/11/2026 14:05" in err.fix


def test_impossible_date_message_example() -> None:
    _, [err] = one(ABSENSI, "tanggal", ["31/02/2026"], headers={"tanggal": "Tgl Lapor"})
    assert err.message == "Tanggal '31/02/2026' di kolom 'Tgl Lapor' tidak ada di kalender."
    assert err.fix == "Tulis tanggal sebagai dd/mm/yyyy, misalnya 22/11/2026."


def test_date_columns_are_midnight_datetime64() -> None:
    values = ["22/11/2026", "22/11/2026 23:30", "2026-11-22T15:30:00Z", dt.date(2026, 11, 22), 46348.9]
    typed, errors = one(ABSENSI, "tanggal", values)
    assert errors == []
    assert str(typed.dtype) == "datetime64[ns]"
    assert typed.tolist() == [pd.Timestamp(2026, 11, 22)] * 5
    # an offset is applied before the time is dropped: 16:00Z is 00:00 on the 23rd in Kupang
    assert one(ABSENSI, "tanggal", ["2026-11-22T16:00:00Z"])[0].iloc[0] == pd.Timestamp(2026, 11, 23)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-10,1718", -10.1718),
        ("-10.1718", -10.1718),
        ("123,607", 123.607),
        ("1.234", 1.234),  # single dot in a plain number column: decimal
        ("1.234.567", 1234567.0),
        ("1.234.567,5", 1234567.5),
        ("Rp 1.234", 1234.0),
        ("Rp 1.234.567", 1234567.0),
        ("Rp1.234.567,50", 1234567.5),
        ("Rp. 5.000,-", 5000.0),
        ("1 234 567", 1234567.0),
        ("1\u00a0234,5", 1234.5),
        ("1,234,567.89", 1234567.89),
        ("+5", 5.0),
        ("1e3", 1000.0),
        (-10.1718, -10.1718),
        (12, 12.0),
    ],
)
def test_numbers(value: Any, expected: float) -> None:
    typed, errors = one(ADUAN, "latitude", [value])
    assert errors == []
    assert str(typed.dtype) == "Float64"
    assert typed.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(("value", "expected"), [("1.234", 1234.0), ("1.234,50", 1234.5), ("12.5", 12.5)])
def test_rupiah_columns_read_a_single_dot_with_three_digits_as_thousands(value: str, expected: float) -> None:
    typed, errors = one(IZIN, "nilai_retribusi", [value])
    assert errors == [] and typed.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("1.234", 1234),
        ("1.234.567", 1234567),
        ("12,0", 12),
        (" 7 ", 7),
        (7.0, 7),
        (9, 9),
        ("Rp 2.000", 2000),
    ],
)
def test_integers(value: Any, expected: int) -> None:
    typed, errors = one(ABSENSI, "hadir", [value])
    assert errors == []
    assert str(typed.dtype) == "Int64" and typed.iloc[0] == expected


@pytest.mark.parametrize("value", ["12,5", "12.5", "1.2345", "dua belas", 7.5, True, "1,234"])
def test_integer_errors(value: Any) -> None:
    typed, [err] = one(ABSENSI, "hadir", [value])
    assert pd.isna(typed.iloc[0])
    assert err.reason == "type_integer" and err.message == f"Nilai '{err.value}' di kolom 'Hadir' harus bilangan bulat."


def test_number_errors_name_value_and_column() -> None:
    typed, [err] = one(ADUAN, "latitude", ["sepuluh", None, "", "  "], headers={"latitude": "LAT"})
    assert typed.isna().all()
    assert err == CellError(
        position=0,
        column="latitude",
        value="sepuluh",
        reason="type_number",
        message="Angka 'sepuluh' di kolom 'LAT' tidak dikenali.",
        fix="Tulis angka tanpa huruf, dengan koma sebagai tanda desimal, misalnya -10,1718.",
    )


def test_booleans() -> None:
    col = Column(name="aktif", business_name="Aktif", description="", logical_type="boolean", physical_type="boolean")
    c = dataclasses.replace(ADUAN, columns=(*ADUAN.columns, col))
    values = ["Ya", "tidak", "TRUE", "0", 1, False, None, "", "mungkin"]
    typed, [err] = one(c, "aktif", values)
    assert str(typed.dtype) == "boolean"
    assert typed.tolist()[:6] == [True, False, True, False, True, False]
    assert typed.isna().tolist()[6:] == [True, True, True]
    assert (err.position, err.reason, err.fix) == (8, "type_boolean", "Tulis Ya atau Tidak.")


def test_text_kept_as_written_except_codes() -> None:
    typed, errors = coerce(
        frame(
            deskripsi=["  Jalan   rusak  ", "", None, 1001.0],
            status=["Diproses ", "SELESAI", "belum", None],
            kode_opd=["pupr", " Pupr", "Dinas X", "DISHUB"],
            kanal=["Media Sosial", "WhatsApp", "media-sosial", "sms"],
            nik_pelapor=[5371041203850002.0, "5371041203850002", None, 12],
        ),
        ADUAN,
        WITA,
    )
    assert errors == []
    assert all(typed[c].dtype == object for c in typed.columns)
    assert typed["deskripsi"].tolist() == ["Jalan   rusak", None, None, "1001"]
    assert typed["status"].tolist() == ["diproses", "selesai", "belum", None]
    assert typed["kode_opd"].tolist() == ["PUPR", "PUPR", "Dinas X", "DISHUB"]
    assert typed["kanal"].tolist() == ["media_sosial", "whatsapp", "media_sosial", "sms"]
    assert typed["nik_pelapor"].tolist() == ["5371041203850002", "5371041203850002", None, "12"]


def test_nothing_is_dropped_silently() -> None:
    rng = np.random.default_rng(1)
    pool = np.array(["22/11/2026 14:05", "31/02/2026", None, "x", "2026-11-22"], dtype=object)
    values = pool[rng.integers(len(pool), size=5000)]
    typed, errors = one(ADUAN, "waktu_lapor", list(values))
    missing_in = pd.isna(values).sum()
    assert typed.isna().sum() == missing_in + len(errors)
    assert sorted(e.position for e in errors) == [e.position for e in errors]


def test_other_columns_pass_through_and_index_is_kept() -> None:
    f = frame(status=["selesai"], lain=["x"])
    f.index = pd.Index([41])
    typed, _ = coerce(f, ADUAN, WITA)
    assert typed.index.tolist() == [41] and typed["lain"].tolist() == ["x"]


def test_fast_enough_for_a_hundred_thousand_rows() -> None:
    n = 100_000
    f = frame(
        nomor_aduan=[f"ADU/{i}" for i in range(n)],
        status=["diproses"] * n,
        latitude=["-10,1718"] * n,
        waktu_lapor=["22/11/2026 14:05"] * n,
        waktu_selesai=["2026-11-22T14:05:00"] * n,
    )
    start = time.perf_counter()
    typed, errors = coerce(f, ADUAN, WITA)
    assert time.perf_counter() - start < 5
    assert errors == [] and typed["waktu_lapor"].notna().all()
