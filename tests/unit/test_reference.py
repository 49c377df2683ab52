"""Reference code lists and the city setting."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from muara import settings
from muara.contract import reference
from muara.contract.datasets import DATASETS
from tests.conftest import ROOT, muara


def test_kupang_has_its_51_kelurahan_and_tasikmalaya_its_69() -> None:
    assert muara("reference", "kelurahan", "--count", check=True).stdout.strip() == "51"
    res = muara("reference", "kelurahan", "--count", env={"MUARA_CITY": "32.78"}, check=True)
    assert res.stdout.strip() == "69"
    codes = {r["kode_kelurahan"] for r in reference.kelurahan("32.78")}
    assert all(c.startswith("32.78.") for c in codes)
    # a kelurahan's last part starts with 1 (a desa's with 2)
    assert all(c.split(".")[3].startswith("1") for c in codes)


def test_kemendagri_lists_are_unedited_copies() -> None:
    """kelurahan.csv and kota.csv are facts copied verbatim from cahyadsn/wilayah: no hand edits."""
    ref = ROOT / "schemas" / "reference"
    for line in (ref / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((ref / name).read_bytes()).hexdigest() == digest, f"{name} was edited"
        shared = ROOT.parent / "shared" / "reference" / name
        if shared.exists():  # beside a checkout of the project, the source itself is at hand
            assert (ref / name).read_bytes() == shared.read_bytes()


def test_kelurahan_counts_per_city() -> None:
    counts = {code: len(reference.kelurahan(code)) for code in settings.known_cities()}
    assert counts == {"53.71": 51, "32.78": 69, "21.71": 64, "16.71": 107, "64.71": 34}


@pytest.mark.parametrize(
    ("code", "tz", "zone"),
    [
        ("53.71", "Asia/Makassar", "WITA"),
        ("64.71", "Asia/Makassar", "WITA"),
        ("32.78", "Asia/Jakarta", "WIB"),
        ("21.71", "Asia/Jakarta", "WIB"),
        ("16.71", "Asia/Jakarta", "WIB"),
    ],
)
def test_city_time_zone(code: str, tz: str, zone: str) -> None:
    city = settings.city(code)
    assert (city.tz_name, city.zone_label) == (tz, zone)


def test_unknown_city_is_a_clear_error() -> None:
    res = muara("reference", "city", env={"MUARA_CITY": "99.99"})
    assert res.returncode == 2
    assert "MUARA_CITY='99.99'" in res.stderr and "kota.csv" in res.stderr


def test_default_city_is_kupang() -> None:
    out = muara("reference", "city", check=True).stdout
    assert "53.71 Kota Kupang" in out and "Asia/Makassar" in out


def _read(name: str) -> list[dict[str, str]]:
    with (ROOT / "schemas" / "reference" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_registry_foreign_keys_hold() -> None:
    opd = {r["kode_opd"]: r for r in _read("opd.csv")}
    sends = {k: set(r["dataset_dikirim"].split()) for k, r in opd.items()}
    assert all(ds <= set(DATASETS) for ds in sends.values())
    assert all("absensi" in ds for ds in sends.values()), "every OPD reports its own attendance"
    for r in _read("kategori_aduan.csv"):
        assert "aduan" in sends[r["kode_opd_default"]], r
        assert r["sla_satuan"] in {"hari_kerja", "jam", "hari"} and int(r["sla_nilai"]) > 0
    for r in _read("jenis_izin.csv"):
        assert r["kode_opd_teknis"] in opd and int(r["standar_hari_kerja"]) > 0
    for r in _read("jenis_darurat.csv"):
        assert "darurat" in sends[r["kode_opd"]] and int(r["target_respons_menit"]) > 0


def test_road_damage_turns_red_within_a_week() -> None:
    jalan = next(r for r in _read("kategori_aduan.csv") if r["kode_kategori"] == "jalan_rusak")
    assert (jalan["sla_nilai"], jalan["sla_satuan"]) == ("5", "hari_kerja")


def test_senders_of_each_dataset() -> None:
    assert reference.senders_of("izin", "opd", "53.71") == ["DPMPTSP"]
    assert len(reference.senders_of("kemiskinan", "kelurahan", "53.71")) == 51
    assert len(reference.senders_of("absensi", "opd", "53.71")) == len(reference.opd("53.71"))


def test_empty_settings_mean_the_defaults(tmp_path: Path) -> None:
    """A copied .env.example leaves MUARA_* empty: that means "the default", not "" (or the current folder)."""
    out = muara("reference", "city", env={"MUARA_CITY": "", "MUARA_DATA_DIR": ""}, check=True).stdout
    assert "53.71 Kota Kupang" in out
    res = muara("db", "status", env={"MUARA_DATA_DIR": "", "MUARA_PG_DIR": "", "MUARA_DATABASE_URL": ""}, cwd=tmp_path)
    assert f"data: {ROOT / 'data' / 'postgres' / 'pgdata'}" in res.stdout
