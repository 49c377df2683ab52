"""/lapor, the citizens' report form, over real HTTP: `muara portal up` on a free port, on the tests' Postgres, with
its own data folder (no Airflow: the report's aduan file waits in the OPD's inbox, and the pipeline test ingests
it in-process and runs dbt on the complaint models).

- a real browser (Debian's chromium, driven by playwright) on a phone-sized touch viewport fills the form with a
  photo carrying EXIF GPS, "Gunakan lokasi saya" and a map pin, gets an id and the status page; the complaint then
  reaches ``marts.fct_aduan`` as ``merah`` (status menunggu) and the public dashboard's counts, and the stored
  photo has no EXIF; the same form with JavaScript off (typed latitude/longitude) also gets an id;
- at most MUARA_LAPOR_POSTS_PER_10_MINUTES posts per address;
- the status page never shows the posted name, NIK, phone or e-mail;
- bad input: CSRF missing or forged, missing fields, unknown category, a 20 MB "photo" (413), a PDF renamed
  ``.jpg``, a text file; nothing of them is stored.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from PIL import Image

from tests.conftest import ROOT
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port
from tests.portal_support import portal
from tests.unit.test_foto import KUPANG, jpeg_with_gps

pytestmark = pytest.mark.integration

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DASHBOARD = "http://127.0.0.1:9/superset/dashboard/aduan-warga-publik/"
NAME = ("Yohanes", "Fanggidae")
PHONE = "081298765432"
NIK = "5371012345678901"
EMAIL = "yohanes.uji@example.com"
KELURAHAN = "53.71.01.1004"  # Nunhila, Alak
IMG = ROOT / "docs" / "img"
FRESH = "(the token of a form page fetched just before)"


@pytest.fixture(scope="module")
def served(pg: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("lapor") / "data"
    env = {
        "MUARA_PORTAL_PORT": str(free_port()),
        "MUARA_DATA_DIR": str(data),
        "MUARA_AIRFLOW_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens: files wait in the inbox
        "MUARA_AIRFLOW_PASSWORD": "-",
        "MUARA_LAPOR_POSTS_PER_10_MINUTES": "1000",
        "MUARA_PUBLIC_DASHBOARD_URL": DASHBOARD,
    }
    with portal(env) as base:
        yield {"base": base, "env": env, "data": data}


def form(http: httpx.Client) -> str:
    page = http.get("/lapor")
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def fields(**over: str) -> dict[str, str]:
    base = {
        "kategori": "jalan_rusak",
        "deskripsi": "Lubang besar di tengah jalan depan SD Inpres Nunhila, motor sering jatuh.",
        "lat": "",
        "long": "",
        "alamat": "",
        "kelurahan": KELURAHAN,
    }
    return {**base, **over}


def stored(data: Path) -> list[Path]:
    return sorted(p for p in (data / "media").rglob("*") if p.is_file()) if (data / "media").exists() else []


def inbox_files(data: Path) -> list[Path]:
    return sorted((data / "inbox").rglob("warga_*.json")) if (data / "inbox").exists() else []


def test_the_form_page(served: dict[str, Any]) -> None:
    with httpx.Client(base_url=served["base"], timeout=60) as http:
        page = http.get("/lapor")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src" not in csp  # scripts from the portal only
    assert page.headers["x-content-type-options"] == "nosniff"
    cookie = page.headers["set-cookie"]
    assert "muara_lapor_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Jalan rusak / berlubang" in page.text and "Lampu penerangan jalan umum mati" in page.text
    assert "Nunhila" in page.text and f'href="{DASHBOARD}"' in page.text
    assert not re.search(r'<script[^>]+src="(?!/static/)', page.text), "a script from outside the portal"
    assert 'enctype="multipart/form-data"' in page.text and 'name="lat"' in page.text


def test_bad_input_is_refused_and_nothing_is_kept(served: dict[str, Any], tmp_path: Path) -> None:
    data = served["data"]
    before = (len(stored(data)), len(inbox_files(data)))
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" * 50
    started = time.monotonic()
    with httpx.Client(base_url=served["base"], timeout=120) as http:
        token = form(http)
        cases: list[tuple[str, dict[str, str], Any, int, str]] = [
            ("no CSRF token", fields(), None, 403, "Formulir kedaluwarsa"),
            ("forged CSRF token", {**fields(), "csrf": token[:-4] + "abcd"}, None, 403, "Formulir kedaluwarsa"),
            ("no category", {**fields(kategori=""), "csrf": FRESH}, None, 400, "Pilih kategori"),
            ("unknown category", {**fields(kategori="jalan_hilang"), "csrf": FRESH}, None, 400, "tidak ada"),
            ("no description", {**fields(deskripsi=""), "csrf": FRESH}, None, 400, "Tuliskan apa yang terjadi"),
            ("no location", {**fields(kelurahan=""), "csrf": FRESH}, None, 400, "Tentukan lokasinya"),
            ("half a point", {**fields(lat="-10.17"), "csrf": FRESH}, None, 400, "lintang dan bujur"),
            ("point outside the city", {**fields(lat="-6.2", long="106.8"), "csrf": FRESH}, None, 400, "di luar"),
            (
                "PDF renamed .jpg",
                {**fields(alamat="Jl. Timor Raya"), "csrf": FRESH},
                {"foto": ("jalan.jpg", pdf, "image/jpeg")},
                400,
                "bukan foto",
            ),
            (
                "text file",
                {**fields(alamat="Jl. Timor Raya"), "csrf": FRESH},
                {"foto": ("foto.png", b"hanya teks, bukan gambar\n" * 40, "image/png")},
                400,
                "bukan foto",
            ),
            (
                "20 MB photo",
                {**fields(alamat="Jl. Timor Raya"), "csrf": FRESH},
                {"foto": ("besar.jpg", jpeg_with_gps() + b"\0" * (20 * 1024 * 1024), "image/jpeg")},
                413,
                "Foto lebih besar dari batas 8 MB",
            ),
        ]
        for why, body, files, status, text in cases:
            if body.get("csrf") == FRESH:  # each form page sets its own cookie: the token of the latest one
                token = body["csrf"] = form(http)
            resp = http.post("/lapor", data=body, files=files)
            assert resp.status_code == status, (why, resp.status_code, resp.text[-1500:])
            assert text in resp.text, (why, resp.text[-1500:])
            assert "Traceback" not in resp.text
        # a token is only good with its own cookie (double submit): another browser's token is refused
        with httpx.Client(base_url=served["base"], timeout=60) as other:
            resp = other.post("/lapor", data={**fields(alamat="Jl. Timor Raya"), "csrf": FRESH})
            assert resp.status_code == 403
    assert (len(stored(data)), len(inbox_files(data))) == before, "a refused report left a photo or a file"
    print(f"{len(cases) + 1} bad reports refused in {time.monotonic() - started:.1f} s")


def test_the_status_page_shows_no_personal_data(served: dict[str, Any]) -> None:
    data = served["data"]
    with httpx.Client(base_url=served["base"], timeout=60) as http:
        token = form(http)
        description = f"Lampu jalan mati sejak seminggu. Hubungi saya {PHONE}, NIK {NIK}, terima kasih."
        body = {
            **fields(kategori="lampu_jalan", deskripsi=description, kelurahan=""),
            "csrf": token,
            "nama_depan": NAME[0],
            "nama_belakang": NAME[1],
            "telepon": PHONE,
            "email": EMAIL,
        }
        photo = {"foto": ("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")}
        resp = http.post("/lapor", data={**body, "kelurahan": KELURAHAN}, files=photo)
        assert resp.status_code == 303, resp.text[-2000:]
        where = resp.headers["location"]
        assert re.fullmatch(r"/lapor/WRG-\d{4}-[A-Z2-7]{10}\?baru=1", where), where
        rid = where.split("/")[2].split("?")[0]
        page = http.get(where)
        assert page.status_code == 200 and rid in page.text and "diterima" in page.text
        for secret in (*NAME, PHONE, NIK, EMAIL, "0812", "537101"):
            assert secret not in page.text, f"{secret!r} on the status page"
        assert "Lampu penerangan jalan umum mati" in page.text and "Lampu jalan mati sejak seminggu" in page.text
        # the photo's EXIF position became the report's point; the photo is served without metadata
        assert f"{KUPANG[0]}" in page.text[:20000] or "-10.158" in page.text
        media = re.search(r'<img src="(/media/[^"]+)"', page.text)
        assert media, page.text
        got = http.get(media.group(1))
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        assert got.headers["x-content-type-options"] == "nosniff"
        with Image.open(io.BytesIO(got.content)) as img:
            assert len(img.getexif()) == 0 and "exif" not in img.info
        for probe in ("/media/", "/media/2026/", "/media/../secrets/portal-csrf.key", "/media/%2e%2e/secrets/x"):
            assert http.get(probe).status_code == 404, probe
        # the same report again within 10 minutes: the same id
        photos = len(stored(data))
        again = http.post("/lapor", data={**body, "kelurahan": KELURAHAN, "csrf": form(http)}, files=photo)
        assert again.status_code == 303 and again.headers["location"] == f"/lapor/{rid}?ulang=1"
        assert len(stored(data)) == photos, "the duplicate's photo was kept"
        assert http.get("/lapor/WRG-2026-AAAAAAAAAA").status_code == 404
        assert http.get("/lapor/..%2f..%2fetc").status_code == 404
    # the OPD gets the contact (the ingest protects it as the contract says); the portal's table has none of it
    (sent,) = [p for p in inbox_files(data) if rid in p.name]
    row = json.loads(sent.read_text())[0]
    assert row["telepon_pelapor"] == PHONE and row["kanal"] == "web" and row["url_foto"].endswith(media.group(1))
    from muara.stack import postgres as db

    with psycopg.connect(db.url()) as conn:
        kept = conn.execute("select to_jsonb(l)::text from portal.laporan_warga l where id = %s", (rid,)).fetchone()
    assert kept is not None
    for secret in (*NAME, PHONE, NIK, EMAIL):
        assert secret not in kept[0]


def _exif_photo(path: Path) -> Path:
    path.write_bytes(jpeg_with_gps(size=(1200, 900)))
    return path


def test_a_phone_reports_with_photo_and_pin_and_it_reaches_the_marts_as_red(
    served: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, data = served["base"], served["data"]
    photo = _exif_photo(tmp_path / "IMG_20261207_0815.jpg")
    problems: list[str] = []
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="id-ID",
                geolocation={"latitude": -10.1629, "longitude": 123.5931, "accuracy": 12},
                permissions=["geolocation"],
                user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/140.0 Mobile Safari/537.36",
            )
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/lapor")
            assert page.locator("#peta").is_visible(), "the pin map did not start (Leaflet)"
            assert page.locator("#lokasi-saya").is_visible(), "no 'Gunakan lokasi saya' button"
            page.select_option("#kategori", "jalan_rusak")
            page.fill("#deskripsi", "Jalan berlubang dalam di depan Pasar Oeba, air menggenang saat hujan.")
            page.set_input_files("#foto", str(photo))
            # "Gunakan lokasi saya": the phone's position fills the fields and places the pin
            page.locator("#lokasi-saya").tap()
            expect(page.locator("#lat")).to_have_value("-10.162900")
            assert page.input_value("#long") == "123.593100"
            # then the reporter moves the pin with a tap on the map
            page.locator("#peta").scroll_into_view_if_needed()
            box = page.locator("#peta").bounding_box()  # in the viewport's coordinates, as a finger taps
            assert box is not None
            page.touchscreen.tap(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
            expect(page.locator("#lat")).not_to_have_value("-10.162900")  # (no wait_for_function: CSP forbids eval)
            lat, lon = float(page.input_value("#lat")), float(page.input_value("#long"))
            assert -10.4 < lat < -9.9 and 123.4 < lon < 123.8, (lat, lon)
            assert page.locator(".leaflet-marker-icon").count() == 1
            page.select_option("#kelurahan", KELURAHAN)
            IMG.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(IMG / "lapor-ponsel.png"), full_page=True)
            page.locator("#kirim-lapor").tap()
            page.wait_for_url(re.compile(r".*/lapor/WRG-.*"))
            rid = page.inner_text("#nomor")
            assert re.fullmatch(r"WRG-\d{4}-[A-Z2-7]{10}", rid), rid
            assert page.locator("#tautan").get_attribute("href") == f"/lapor/{rid}"
            assert page.locator("#dasbor-publik").get_attribute("href") == DASHBOARD
            text = page.inner_text("main")
            assert "Jalan rusak" in text and "Ditangani oleh" in text
            assert page.locator("img.foto-laporan").evaluate("i => i.naturalWidth") > 0
            page.screenshot(path=str(IMG / "lapor-status.png"), full_page=True)

            # JavaScript off (an old phone, a data saver): no map, no location button; typed lat/long still work
            plain = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=False
            ).new_page()
            plain.goto(f"{base}/lapor")
            assert not plain.locator("#peta").is_visible() and not plain.locator("#lokasi-saya").is_visible()
            plain.select_option("#kategori", "lampu_jalan")
            plain.fill("#deskripsi", "Lampu jalan mati di tikungan depan gereja, gelap sekali malam hari.")
            plain.fill("#lat", "-10,1702")  # a comma, as Indonesian keyboards write decimals
            plain.fill("#long", "123.6011")
            plain.select_option("#kelurahan", KELURAHAN)
            plain.locator("#kirim-lapor").tap()
            plain.wait_for_url(re.compile(r".*/lapor/WRG-.*"))
            assert "Lampu penerangan jalan umum mati" in plain.inner_text("main")
            assert "-10.1702" in plain.inner_text("main")
        finally:
            browser.close()
    assert not problems, problems  # no CSP violation, no script error
    print(f"browser: form to status page in {time.monotonic() - started:.1f} s")

    # the pin, not the photo's EXIF, is the report's point (the reporter chose it); the photo is stored bare
    (sent,) = [p for p in inbox_files(data) if rid in p.name]
    row = json.loads(sent.read_text())[0]
    assert row["latitude"] == pytest.approx(lat, abs=1e-5) and row["status"] == "menunggu"
    (kept,) = [p for p in stored(data) if row["url_foto"].endswith(p.name)]
    with Image.open(kept) as img:
        assert len(img.getexif()) == 0 and "exif" not in img.info and max(img.size) <= 2048

    # the normal path: the ingest takes the OPD's file, dbt builds the complaint marts
    from muara.ingest import pipeline as ingest
    from muara.stack import postgres as db
    from muara.warehouse import dbt as warehouse

    started = time.monotonic()
    sender = sent.parent.parent.name
    outcome = ingest.ingest_file(sent, "aduan", sender, write_report=False)
    assert outcome.rows_loaded == 1, outcome
    # seeds, snapshots and models up to the public dashboard's counts (through fct_aduan), without their data tests
    # (the dbt suite runs those)
    warehouse.run_dbt(["build", "--select", "+rpt_aduan_publik", "--indirect-selection", "empty", "--threads", "2"])
    with psycopg.connect(db.url()) as conn:
        found = conn.execute(
            "select status_warna, kode_opd, kode_kelurahan from marts.fct_aduan where nomor_aduan = %s", (rid,)
        ).fetchone()
    assert found is not None and found[0] == "merah", found
    assert found[1] == sender and found[2] == KELURAHAN
    with psycopg.connect(db.url()) as conn:
        counted = conn.execute(
            "select sum(jumlah) from reporting.rpt_aduan_publik where kode_opd = %s and nama_kelurahan = 'Nunhila' "
            "and status = 'menunggu' and status_warna = 'merah' and bulan_berjalan",
            (sender,),
        ).fetchone()
        columns = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'reporting' "
                "and table_name = 'rpt_aduan_publik'"
            )
        }
    assert counted is not None and counted[0] >= 1, "the public dashboard's counts miss the report"
    assert not columns & {"nomor_aduan", "deskripsi", "latitude", "longitude", "nama_pelapor", "telepon_pelapor"}
    print(f"ingest + dbt build +rpt_aduan_publik: {time.monotonic() - started:.1f} s")


def test_reports_per_address_are_limited(served: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """MUARA_LAPOR_POSTS_PER_10_MINUTES posts per address to /lapor, then 429 in Bahasa; the form still opens."""
    import asyncio

    from muara.portal.app import create_app

    monkeypatch.setenv("MUARA_LAPOR_POSTS_PER_10_MINUTES", "3")
    monkeypatch.setenv("MUARA_DATA_DIR", str(served["data"]))

    async def ask() -> tuple[list[httpx.Response], int]:
        transport = httpx.ASGITransport(app=create_app(), client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://lapor.test") as client:
            answers = [await client.post("/lapor", data=fields()) for _ in range(5)]
            return answers, (await client.get("/lapor")).status_code

    answers, form_status = asyncio.run(ask())
    assert [a.status_code for a in answers] == [403, 403, 403, 429, 429]
    assert "Terlalu banyak laporan dari alamat ini dalam 10 menit" in answers[-1].text
    assert form_status == 200
