"""Citizens' reports, the rules that need no server: what ``intake.validate`` refuses and with which code, ids that
fit the contract and cannot be counted, the kelurahan from an address or the nearest centre, routing that falls
back to the category when the model is missing, the inbox row in the contract's own column names, and XML that
escapes what a citizen may type."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from muara.contract.model import get
from muara.portal.warga import intake, lokasi, open311

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def laporan(**changes: object) -> intake.Laporan:
    base = intake.Laporan(
        service_code="jalan_rusak",
        description="Jalan berlubang di depan SD Inpres Oesapa, membahayakan pengendara motor.",
        lat=-10.1490,
        long=123.6330,
        kanal="aplikasi",
        client="uji",
    )
    return intake.Laporan(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_a_good_report_passes() -> None:
    intake.validate(laporan())
    intake.validate(laporan(lat=None, long=None, address_string="Jl. Timor Raya, Oesapa", kanal="web"))
    intake.validate(laporan(phone="0812-3456 7890", first_name="Yohanes", email="y@contoh.id"))


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "jalan_hilang"}, 404, "service_code"),
        ({"description": "   "}, 400, "description"),
        ({"description": "lubang"}, 400, "description"),
        ({"description": "a" * 4001}, 400, "description"),
        ({"lat": -6.2, "long": 106.8}, 400, "lat"),  # Jakarta, not Kupang
        ({"lat": float("nan")}, 400, "lat"),
        ({"long": None}, 400, "long"),
        ({"lat": None, "long": None}, 400, "lat"),  # no place at all
        ({"address_string": "x" * 501}, 400, "address_string"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "12345"}, 400, "phone"),
        ({"email": "bukan surel"}, 400, "email"),
        ({"kanal": "sms"}, 400, "kanal"),
        ({"client": ""}, 400, "client"),
    ],
)
def test_what_validate_refuses(changes: dict[str, object], code: int, field: str) -> None:
    with pytest.raises(intake.LaporanError) as caught:
        intake.validate(laporan(**changes))
    assert (caught.value.code, caught.value.field) == (code, field)
    assert isinstance(caught.value, ValueError) and len(str(caught.value)) > 20


def test_ids_fit_the_contract_and_cannot_be_counted() -> None:
    pattern = re.compile(get("aduan").column("nomor_aduan").pattern or "")
    ids = {intake.new_id(NOW) for _ in range(2000)}
    assert len(ids) == 2000
    assert all(pattern.fullmatch(i) and re.fullmatch(r"WRG-2026-[A-Z2-7]{10}", i) for i in ids)


def test_kelurahan_from_an_address_whole_words_only() -> None:
    assert lokasi.from_address("Jl. Timor Raya, depan gereja, Oesapa") == "53.71.03.1010"
    assert lokasi.from_address("JALAN OEBA NO. 4") == "53.71.06.1007"
    assert lokasi.from_address("Oesapanya") is None  # not a whole word
    assert lokasi.from_address("depan pasar") is None


def test_nearest_centre_within_reach() -> None:
    centres = {"A": (-10.15, 123.60), "B": (-10.20, 123.65)}
    assert lokasi.nearest(centres, -10.151, 123.601) == "A"
    assert lokasi.nearest(centres, -10.199, 123.649) == "B"
    assert lokasi.nearest(centres, -10.60, 123.60) is None  # ~50 km: not guessed
    assert lokasi.nearest({}, -10.15, 123.60) is None
    assert lokasi.km_between(-10.15, 123.60, -10.15045, 123.60) == pytest.approx(0.05, abs=0.001)


def test_routing_falls_back_to_the_category_without_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from muara.analytics import rute

    def broken() -> None:
        raise FileNotFoundError("model/rute.joblib")

    monkeypatch.setattr(rute, "load", broken)
    monkeypatch.setattr(intake, "_router_failed", False)
    assert intake.route("Sampah menumpuk di TPS pasar, bau sekali", "lampu_jalan") == ("DISHUB", "kategori", None)
    monkeypatch.setenv("MUARA_WARGA_RUTE", "0")
    assert intake.route("apa saja", "sampah")[:2] == ("DLHK", "kategori")


def test_the_inbox_row_names_only_contract_columns() -> None:
    lap = laporan(first_name="Yohanes", last_name="Ndun", phone="081234567890", media_url="https://x.id/a.jpg")
    row = intake.aduan_row(lap, "WRG-2026-ABCDEFGHJK", "PUPR", "53.71.03.1010", NOW)
    assert set(row) <= {c.name for c in get("aduan").columns}
    assert row["status"] == "menunggu" and row["kanal"] == "aplikasi" and row["nama_pelapor"] == "Yohanes Ndun"
    assert row["waktu_lapor"] == "2026-12-07T16:00:00+08:00"  # Kupang's offset, WITA


def test_xml_escapes_what_a_citizen_types() -> None:
    text = 'Got <script>alert("x")</script> & lubang\x00\x1b di "jalan" ]]>'
    body = open311.to_xml("service_requests", "request", [{"description": text, "lat": None}], ("description", "lat"))
    request = ET.fromstring(body).find("request")
    assert request is not None
    assert request.findtext("description") == 'Got <script>alert("x")</script> & lubang di "jalan" ]]>'
    assert request.findtext("lat") == "" and b"<script>" not in body
