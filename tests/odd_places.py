"""Personal data in odd places: an aduan export from PUPR with NIK, phone numbers and e-mail addresses where no
contract column expects them (in the complaint text, in the address, in columns the contract does not know), and
the scan that looks for any of them in clear text. Shared by the ingest test (tables and reports), the Airflow test
(task logs) and the Superset tests (chart data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

ODD_PLACES_HEADER = (
    "Nomor Aduan;Kanal;Kategori;Isi Aduan;OPD;Kelurahan;Alamat;Status;Tgl Lapor;NIK Suami;HP Alternatif;Email Cadangan"
)
# NIK, phone numbers and e-mail addresses where no contract column expects them: in the complaint text, in the
# address, and in columns the contract does not know; some rows are rejected (unknown kelurahan, bad status)
ODD_PLACES_ROWS = [
    "ADU/2026/90001;whatsapp;jalan_rusak;Jalan rusak depan rumah, NIK saya 5371041507900001 hp 0812-3456-7801;PUPR;"
    "53.71.04.1011;Jl. Kenari no 5 (telp +62 813 3456 7802);menunggu;14/11/2026 08:00;5371041507900002;"
    "081234567803;budi.santoso@contoh.id",
    "ADU/2026/90002;web;jalan_rusak;Lubang besar. Hubungi 085239567804 atau siti@contoh.id;PUPR;99.99.99.9999;"
    "RT 03 RW 01 dekat pos, NIK 5371.04.150790.0005;menunggu;14/11/2026 09:00;5371041507900006;0852 3956 7807;"
    "ani@contoh.id",
    "ADU/2026/90003;telepon;jalan_rusak;Aspal mengelupas, kontak 6281234567808;PUPR;53.71.04.1011;;entahlah;"
    "14/11/2026 10:00;5371041507900009;+6281234567810;",
]
ODD_PLACES_SECRETS = [
    "5371041507900001", "081234567801", "081334567802", "081234567803", "budi.santoso@contoh.id",
    "085239567804", "siti@contoh.id", "5371041507900005", "5371041507900006", "085239567807", "ani@contoh.id",
    "6281234567808", "5371041507900009", "6281234567810",
]  # fmt: skip


def _digits_and_words(text: str) -> str:
    """Digits without their separators (a NIK written 5371.04.150790.0005 is still that NIK) beside the text."""
    return re.sub(r"(?<=\d)[ .-](?=\d)", "", text) + "\n" + text


def write(path: Path, where: str) -> Path:
    """The export, as PUPR would send it (3 rows: 1 good, 2 rejected for an unknown kelurahan and a bad status).
    ``where`` (the test writing it) goes into the third row's address, so each test's file is a new file to the
    ledger, not a duplicate of another test's in the same session."""
    rows = [*ODD_PLACES_ROWS[:2], ODD_PLACES_ROWS[2].replace(";;entahlah;", f";Gang {where};entahlah;")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([ODD_PLACES_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def leaks(texts: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(where, secret) for every secret found in clear in any of the (where, text) pairs."""
    return [(where, s) for where, text in texts for s in ODD_PLACES_SECRETS if s in _digits_and_words(text)]
