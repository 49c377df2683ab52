"""Personal data typed where no column expects it is masked; dates, prices, codes and coordinates are not."""

from __future__ import annotations

import pandas as pd
import pytest

from muara.ingest.pii import mask_free_text, mask_free_text_values


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK saya 5371041507900001 mohon", "NIK saya [NIK disamarkan] mohon"),
        ("nik 5371 0415 0790 0001.", "nik [NIK disamarkan]."),
        ("NIK 5371.04.150790.0005", "NIK [NIK disamarkan]"),
        ("hp 0812-3456-7801, wa +62 813 3456 7802", "hp [nomor HP disamarkan], wa [nomor HP disamarkan]"),
        ("kontak 6281234567808!", "kontak [nomor HP disamarkan]!"),
        ("surel budi.santoso@contoh.id ya", "surel [surel disamarkan] ya"),
    ],
)
def test_personal_data_in_free_text_is_masked(text: str, masked: str) -> None:
    assert mask_free_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Lampu mati sejak 12/11/2026 pukul 19.30 di Jl. Kenari no 12 RT 003/RW 001",
        "Retribusi Rp 2.500.000 untuk 3 bulan",
        "Koordinat -10.1631, 123.6114 dekat kode 53.71.04.1011",
        "Nomor aduan ADU/2026/00012, tiket 123456",
    ],
)
def test_dates_prices_codes_and_coordinates_are_left_alone(text: str) -> None:
    assert mask_free_text(text) == text


def test_a_column_is_masked_where_needed_and_keeps_its_other_values() -> None:
    values = pd.Series(["hubungi 081234567890", None, "jalan rusak", 7, "5371041507900001"], dtype=object)
    assert mask_free_text_values(values).tolist() == [
        "hubungi [nomor HP disamarkan]",
        None,
        "jalan rusak",
        7,
        "[NIK disamarkan]",
    ]
