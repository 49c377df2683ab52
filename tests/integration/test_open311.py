"""Open311 GeoReport v2 at /open311/v2/ over real HTTP: `muara portal up` on a free port and the tests' Postgres;
a report posted by a client app goes through the real ingest (in-process, as tests/dbt does) and a dbt build of
`+fct_aduan_publik +fct_aduan`, then shows in requests.json with the marts' SLA deadline.

What must hold: every GET validates against JSON Schemas written from the spec (tests/open311/schemas) and its
XML carries the same fields; errors are the spec's list with codes 400/403/404 (and 413/429); a POST answers an id
at once and a repeat within 10 minutes the same id; per-IP and per-key limits; no response contains the name,
NIK or phone number that was posted.

Each test speaks from its own loopback address (127.0.0.N), so the per-IP limits of one never count another's.
"""

from __future__ import annotations

import json
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jsonschema
import psycopg
import pytest

from tests.conftest import ROOT, muara
from tests.e2e.conftest import free_port
from tests.portal_support import portal

pytestmark = pytest.mark.integration
SCHEMAS = ROOT / "tests" / "open311" / "schemas"
PER_IP, PER_KEY = 6, 8
NAME = ("Maria Goreti", "Ndolu")
NIK = "5371046105920003"
PHONE = "081339112233"
#: the kelurahan centres the server reads (MUARA_KELURAHAN_TITIK): two real Kupang codes, made-up centres
#: a word no earlier run wrote, so a rerun within 10 minutes is never answered as a repeat of it
UNIQUE = f"(uji {secrets.token_hex(3)})"
TITIK = {"53.71.03.1010": (-10.1490, 123.6330), "53.71.06.1007": (-10.1630, 123.5930)}


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def valid(body: Any, name: str) -> Any:
    jsonschema.validate(body, schema(name), cls=jsonschema.Draft202012Validator)
    return body


def sql(query: str, *args: object) -> list[tuple[Any, ...]]:
    from muara.stack import postgres as db

    with psycopg.connect(db.url(), autocommit=True) as conn:
        cur = conn.execute(query, args)
        return cur.fetchall() if cur.description else []


@pytest.fixture(scope="module")
def served(pg: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    sql("truncate portal.laporan_warga, portal.client_token")  # no earlier session's report counts as a repeat
    work = tmp_path_factory.mktemp("open311")
    titik = work / "kelurahan_titik.csv"
    titik.write_text("kode_kelurahan,lat,lon\n" + "".join(f"{k},{a},{b}\n" for k, (a, b) in TITIK.items()))
    env = {
        "MUARA_PORTAL_PORT": str(free_port()),
        "MUARA_DATA_DIR": str(work / "data"),
        "MUARA_AIRFLOW_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens: the inbox files wait
        "MUARA_PORTAL_POSTS_PER_MINUTE": "1000",
        "MUARA_OPEN311_POSTS_PER_IP": str(PER_IP),
        "MUARA_OPEN311_POSTS_PER_KEY": str(PER_KEY),
        "MUARA_KELURAHAN_TITIK": str(titik),
    }
    with portal(env) as base:
        made = muara("portal", "token", "create", "--client", "Aplikasi Uji", env=env)
        assert made.returncode == 0, made.stdout + made.stderr
        key = dict(line.split(": ", 1) for line in made.stdout.splitlines())["token"]
        yield {"base": base, "env": env, "data": work / "data", "key": key, "next_ip": [10]}


def http(served: dict[str, Any]) -> httpx.Client:
    """A client from a loopback address no other test uses."""
    served["next_ip"][0] += 1
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{served['next_ip'][0]}")
    return httpx.Client(base_url=served["base"] + "/open311/v2", transport=transport, timeout=60)


def new_key(served: dict[str, Any], name: str) -> str:
    from muara.portal import accounts
    from muara.portal import db as portal_db

    with portal_db.connect() as conn:
        return accounts.create_client_token(conn, name)[1]


def report(key: str, **fields: str) -> dict[str, str]:
    base = {
        "api_key": key,
        "service_code": "jalan_rusak",
        "description": f"Jalan berlubang dalam di depan SD Inpres, motor sering jatuh malam hari. {UNIQUE}",
        "lat": "-10.1495",
        "long": "123.6335",
    }
    return {**base, **fields}


def xml_rows(text: str, root: str, item: str) -> list[dict[str, str]]:
    top = ET.fromstring(text.encode())
    assert top.tag == root
    return [{child.tag: child.text or "" for child in el} for el in top if el.tag == item] if len(top) else []


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same_in_xml(c: httpx.Client, path: str, body: list[dict[str, Any]], root: str, item: str) -> None:
    """The .xml twin of a .json answer parses and carries the same elements, in the same order, same values."""
    resp = c.get(path.replace(".json", ".xml"))
    assert resp.headers["content-type"].startswith("text/xml"), resp.headers
    assert resp.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    rows = xml_rows(resp.text, root, item)
    assert [list(r) for r in rows] == [list(b) for b in body]
    assert rows == [{k: as_text(v) for k, v in b.items()} for b in body]


def error_of(resp: httpx.Response, code: int) -> str:
    assert resp.status_code == code, (resp.status_code, resp.text)
    if resp.request.url.path.endswith(".xml"):
        (err,) = xml_rows(resp.text, "errors", "error")
        assert err["code"] == str(code) and err["description"]
        return err["description"]
    (err,) = valid(resp.json(), "errors")
    assert err["code"] == code
    return str(err["description"])


# -------------------------------------------------------------------------------- the pipeline round trip
@pytest.fixture(scope="module")
def posted(served: dict[str, Any]) -> dict[str, Any]:
    """A report with a name, a phone, and a NIK and phone in its text, posted; then the inbox file ingested and
    `dbt build --select +fct_aduan_publik +fct_aduan`. Keeps every response seen before the pipeline, for the PII
    test."""
    from muara.ingest import pipeline
    from muara.warehouse import dbt as warehouse

    seen: list[str] = []
    with http(served) as c:
        started = time.monotonic()
        resp = c.post(
            "/requests.json",
            data=report(
                served["key"],
                service_code="sampah",
                description=f"Sampah menumpuk di TPS, sudah 4 hari. Hubungi saya {PHONE} atau NIK {NIK}. {UNIQUE}",
                lat="-10.1628",
                long="123.5934",
                first_name=NAME[0],
                last_name=NAME[1],
                phone=PHONE,
                email="maria@example.org",
                device_id="uji-1",
            ),
        )
        answered = time.monotonic() - started
        seen.append(resp.text)
        (got,) = valid(resp.json(), "post_response")
        rid = got["service_request_id"]
        for path in ("/requests.json", "/requests.xml", f"/requests/{rid}.json", f"/requests/{rid}.xml"):
            seen.append(c.get(path).text)
        before = c.get(f"/requests/{rid}.json").json()[0]
    ((kode_opd, berkas, kelurahan, dari),) = sql(
        "select kode_opd, berkas, kode_kelurahan, kelurahan_dari from portal.laporan_warga where id = %s", rid
    )
    inbox_file = served["data"] / "inbox" / kode_opd / "aduan" / berkas
    assert inbox_file.is_file() and inbox_file.stat().st_mode & 0o777 == 0o600
    t0 = time.monotonic()
    outcome = pipeline.ingest_file(inbox_file, "aduan", kode_opd, write_report=False)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 1, 0), outcome.as_json()
    # only what the public view needs, and only the tests of what was built (cautious: not the relationship tests
    # of marts elsewhere that merely point at dim_opd)
    warehouse.build(
        select=["+fct_aduan_publik", "+fct_aduan"], full_refresh=True, extra=["--indirect-selection", "cautious"]
    )
    return {
        "id": rid,
        "kode_opd": kode_opd,
        "kelurahan": (kelurahan, dari),
        "answered_s": answered,
        "pipeline_s": time.monotonic() - t0,
        "before": before,
        "seen_before": seen,
    }


def test_post_round_trip_reaches_requests_with_the_marts_deadline(
    served: dict[str, Any], posted: dict[str, Any]
) -> None:
    rid = posted["id"]
    assert rid.startswith("WRG-20") and len(rid) == 19 and posted["answered_s"] < 10
    assert posted["kelurahan"] == ("53.71.06.1007", "titik")  # the nearest centre in MUARA_KELURAHAN_TITIK
    assert posted["before"]["status"] == "open" and posted["before"]["status_notes"] == "Menunggu diproses"
    ((batas, warna, nama_opd, kanal),) = sql(
        "select batas_waktu, status_warna, nama_opd, kanal from marts.fct_aduan where nomor_aduan = %s", rid
    )
    assert warna == "merah" and kanal == "aplikasi"
    with http(served) as c:
        listed = valid(c.get("/requests.json").json(), "requests")
        (mine,) = [r for r in listed if r["service_request_id"] == rid]
        assert mine["status"] == "open" and mine["status_notes"] == "Menunggu verifikasi"  # from the marts now
        assert mine["agency_responsible"] == nama_opd and nama_opd
        assert mine["expected_datetime"] is not None
        assert datetime.fromisoformat(mine["expected_datetime"]) == batas
        assert mine["expected_datetime"].endswith("+08:00")  # Kupang, WITA
        assert mine["service_code"] == "sampah" and mine["lat"] == pytest.approx(-10.1628)
        assert c.get(f"/requests/{rid}.json").json() == [mine]
        assert len([r for r in listed if r["service_request_id"] == rid]) == 1  # not also as a portal row


def test_no_response_holds_the_posted_name_nik_or_phone(served: dict[str, Any], posted: dict[str, Any]) -> None:
    rid = posted["id"]
    with http(served) as c:
        after = [
            c.get(p).text
            for p in (
                "/services.json",
                "/requests.json",
                "/requests.xml",
                f"/requests/{rid}.json",
                f"/requests/{rid}.xml",
                f"/requests.json?service_request_id={rid}",
                "/requests.json?status=open&service_code=sampah",
            )
        ]
    secrets = [*NAME, " ".join(NAME), NIK, PHONE, PHONE[1:], "maria@example.org"]
    for text in posted["seen_before"] + after:
        for secret in secrets:
            assert secret not in text, (secret, text[:500])
    assert "[NIK disamarkan]" in after[3] and "[nomor HP disamarkan]" in after[3]
    ((raw_name, raw_phone),) = sql("select nama_pelapor, telepon_pelapor from raw.aduan where nomor_aduan = %s", rid)
    assert raw_name and NAME[0] not in raw_name and raw_phone == "********2233"  # the contract's protection


# ---------------------------------------------------------------------------------------------- conformance
def test_every_get_validates_and_xml_carries_the_same_fields(served: dict[str, Any], posted: dict[str, Any]) -> None:
    with http(served) as c:
        other = valid(c.post("/requests.json", data=report(served["key"], lat="-10.1480")).json(), "post_response")
        rid, fresh = posted["id"], other[0]["service_request_id"]  # one from the marts, one not yet built

        services = valid(c.get("/services.json").json(), "services")
        assert {s["service_code"] for s in services} >= {"jalan_rusak", "sampah", "lampu_jalan"}
        assert all(s["type"] == "realtime" and s["metadata"] is False and s["group"] for s in services)
        same_in_xml(c, "/services.json", services, "services", "service")

        now = datetime.now(UTC)
        start, end = now - timedelta(days=1), now + timedelta(minutes=5)
        window = f"start_date={start:%Y-%m-%dT%H:%M:%SZ}&end_date={end:%Y-%m-%dT%H:%M:%SZ}"
        for query in (
            "",
            f"?service_request_id={rid},{fresh},WRG-2026-AAAAAAAAAA",
            "?service_code=jalan_rusak,sampah",
            "?status=open",
            "?status=closed",
            "?status=open,closed",
            f"?{window}",
            "?jurisdiction_id=kupangkota.go.id",
        ):
            body = valid(c.get(f"/requests.json{query}").json(), "requests")
            same_in_xml(c, f"/requests.json{query}", body, "service_requests", "request")
            ids = {r["service_request_id"] for r in body}
            if "closed" not in query or "open" in query:
                assert {rid, fresh} <= ids, query
            if query == "?status=closed":
                assert all(r["status"] == "closed" for r in body)
        assert {r["service_request_id"] for r in c.get("/requests.json?service_code=lampu_jalan").json()}.isdisjoint(
            {rid, fresh}
        )
        for one in (rid, fresh):
            body = valid(c.get(f"/requests/{one}.json").json(), "requests")
            assert [r["service_request_id"] for r in body] == [one]
            same_in_xml(c, f"/requests/{one}.json", body, "service_requests", "request")
        assert c.get("/services.json").headers["access-control-allow-origin"] == "*"

        error_of(c.get("/requests/WRG-2026-ZZZZZZZZZZ.json"), 404)
        error_of(c.get("/requests/WRG-2026-ZZZZZZZZZZ.xml"), 404)
        error_of(c.get("/requests.json?start_date=2026-01-01T00:00:00"), 400)  # no offset
        error_of(c.get("/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"), 400)  # > 90 d
        error_of(c.get("/requests.json?status=selesai"), 400)
        error_of(c.get("/services.csv"), 404)
        error_of(c.get("/tidak-ada.xml"), 404)


# ---------------------------------------------------------------------------------------- bad input, abuse
def test_bad_input_answers_the_spec_error_list(served: dict[str, Any]) -> None:
    key, key2 = new_key(served, "Aplikasi Salah"), new_key(served, "Aplikasi Salah")  # PER_KEY: 8 posts each
    refused_before = sql("select count(*) from portal.audit where action = 'open311_kunci_ditolak'")[0][0]
    with http(served) as c:
        assert "service_code" in error_of(c.post("/requests.json", data=report(key, service_code="")), 400)
        assert "description" in error_of(c.post("/requests.xml", data=report(key, description="")), 400)
    with http(served) as c:
        assert "zzz" in error_of(c.post("/requests.json", data=report(key, service_code="zzz")), 404)
        error_of(c.post("/requests.xml", data=report(key, service_code="jalan_hilang")), 404)
        error_of(c.post("/requests.json", data=report("open311_salah")), 403)
        error_of(c.post("/requests.json", data={k: v for k, v in report("").items() if k != "api_key"}), 403)
    sender_token = muara("portal", "token", "create", "--sender", "PUPR", env=served["env"])
    token = dict(line.split(": ", 1) for line in sender_token.stdout.splitlines())["token"]
    with http(served) as c:
        error_of(c.post("/requests.json", data=report(token)), 403)  # an OPD's push token is no client key
        assert "luar wilayah" in error_of(c.post("/requests.json", data=report(key, lat="-6.2", long="106.8")), 400)
        error_of(c.post("/requests.json", data=report(key, lat="utara")), 400)
        error_of(c.post("/requests.json", data=report(key, long="")), 400)  # lat without long
    with http(served) as c:
        no_place = {k: v for k, v in report(key).items() if k not in ("lat", "long")}
        assert "Lokasi" in error_of(c.post("/requests.json", data=no_place), 400)
        error_of(c.post("/requests.json", data=report(key2, phone="12345")), 400)
        error_of(c.post("/requests.xml", data=report(key2, media_url="javascript:alert(1)")), 400)
        error_of(c.post("/requests.json", data=report(key2, description="x" * 4001)), 400)
    with http(served) as c:
        big = report(key2, description="lubang " * 4000)  # ~28 KB over the 16 KB body limit
        assert "16 KB" in error_of(c.post("/requests.json", data=big), 413)
        assert "16 KB" in error_of(c.post("/requests.xml", data=big), 413)
    assert sql("select count(*) from portal.laporan_warga where client = 'Aplikasi Salah'") == [(0,)]
    refused_after = sql("select count(*) from portal.audit where action = 'open311_kunci_ditolak'")[0][0]
    assert refused_after - refused_before == 3  # bad key, no key, a sender's token: each in the audit trail


def test_a_repeat_within_ten_minutes_gets_the_same_id(served: dict[str, Any]) -> None:
    key = new_key(served, "Aplikasi Ulang")
    text = f"Lampu jalan mati sepanjang gang belakang gereja, gelap total sejak minggu lalu. {UNIQUE}"
    with http(served) as c:
        first = c.post("/requests.json", data=report(key, service_code="lampu_jalan", description=text)).json()
        # the same text a few metres away and with other spacing and case: the same report
        again = c.post(
            "/requests.xml",
            data=report(key, service_code="lampu_jalan", description="  " + text.upper(), lat="-10.14965"),
        )
        (again_row,) = xml_rows(again.text, "service_requests", "request")
        farther = c.post(
            "/requests.json", data=report(key, service_code="lampu_jalan", description=text, lat="-10.1530")
        ).json()
    assert again_row["service_request_id"] == first[0]["service_request_id"]
    assert "sudah diterima" in again_row["service_notice"]
    assert farther[0]["service_request_id"] != first[0]["service_request_id"]  # ~390 m away: another light
    files = list((served["data"] / "inbox").rglob(f"warga_{first[0]['service_request_id']}.json"))
    assert len(files) == 1


def test_posts_are_limited_per_key_and_per_ip(served: dict[str, Any]) -> None:
    key, other = new_key(served, "Aplikasi Banyak"), new_key(served, "Aplikasi Lain")
    bad = {"service_code": "tidak_ada"}  # 404 each: counted, nothing recorded
    codes = []
    for _ in range(2):  # PER_KEY (8) posts of one key, spread over two addresses to stay under PER_IP (6)
        with http(served) as c:
            codes += [c.post("/requests.json", data=report(key, **bad)).status_code for _ in range(PER_KEY // 2)]
    with http(served) as c:
        over = c.post("/requests.json", data=report(key, **bad))
        assert over.headers.get("retry-after") == "60"
        codes.append(over.status_code)
        assert "api_key" in error_of(over, 429)
        codes.append(c.post("/requests.json", data=report(other, **bad)).status_code)  # another key still goes
    assert codes == [404] * PER_KEY + [429, 404], codes
    with http(served) as c:
        per_ip = [c.post("/requests.xml", data=report(other, **bad)).status_code for _ in range(PER_IP + 1)]
        assert per_ip == [404] * PER_IP + [429], per_ip
        assert "alamat ini" in error_of(c.post("/requests.xml", data=report(other, **bad)), 429)
        assert c.get("/services.json").status_code == 200  # reading is not limited by the post limits


def test_cli_creates_client_keys_hashed(served: dict[str, Any]) -> None:
    res = muara("portal", "token", "create", "--client", "Aplikasi CLI", "--sender", "PUPR", env=served["env"])
    assert res.returncode != 0  # one kind at a time
    rows = sql("select token_hash, client from portal.client_token where client = 'Aplikasi Uji'")
    assert len(rows) == 1 and rows[0][0] != served["key"] and len(rows[0][0]) == 64
    made = muara("portal", "token", "create", "--client", "Aplikasi Cabut", env=served["env"])
    ident, key = (dict(line.split(": ", 1) for line in made.stdout.splitlines())[k] for k in ("id", "token"))
    assert muara("portal", "token", "revoke", ident, env=served["env"]).returncode == 0
    with http(served) as c:
        error_of(c.post("/requests.json", data=report(key)), 403)


def test_the_opds_own_export_later_updates_the_request(served: dict[str, Any], posted: dict[str, Any]) -> None:
    """The OPD the report was routed to later exports the same nomor_aduan, finished: after the usual ingest and
    build the request reads closed, from the marts, once (the warehouse keeps the sender's latest version)."""
    from muara import settings
    from muara.ingest import pipeline
    from muara.warehouse import dbt as warehouse

    rid, kode_opd = posted["id"], posted["kode_opd"]
    ((kode_kategori, kelurahan, lapor),) = sql(
        "select kategori, kode_kelurahan, waktu_lapor from marts.fct_aduan where nomor_aduan = %s", rid
    )
    now = datetime.now(UTC).astimezone(settings.city().tz).replace(microsecond=0)
    row = {
        "nomor_aduan": rid,
        "kanal": "aplikasi",
        "kode_kategori": kode_kategori,
        "deskripsi": "Sampah menumpuk di TPS (diteruskan dari aplikasi warga).",
        "kode_opd": kode_opd,
        "kode_kelurahan": kelurahan,
        "status": "selesai",
        "waktu_lapor": lapor.astimezone(settings.city().tz).isoformat(),
        "waktu_respons_pertama": (now - timedelta(seconds=2)).isoformat(),
        "waktu_selesai": (now - timedelta(seconds=1)).isoformat(),
        "waktu_pembaruan": now.isoformat(),
    }
    export = served["data"] / "inbox" / kode_opd / "aduan" / "ekspor_opd_selesai.json"
    export.write_text(json.dumps([row]), encoding="utf-8")
    outcome = pipeline.ingest_file(export, "aduan", kode_opd, write_report=False)
    assert (outcome.status, outcome.rows_loaded) == ("loaded", 1), outcome.as_json()
    warehouse.build(
        select=["+fct_aduan_publik", "+fct_aduan"], full_refresh=True, extra=["--indirect-selection", "cautious"]
    )
    assert sql("select status, status_warna from marts.fct_aduan where nomor_aduan = %s", rid) == [("selesai", "hijau")]
    with http(served) as c:
        (mine,) = valid(c.get(f"/requests/{rid}.json").json(), "requests")
        assert (mine["status"], mine["status_notes"]) == ("closed", "Selesai"), mine
        assert [r["service_request_id"] for r in c.get("/requests.json?status=closed").json()].count(rid) == 1
        assert rid not in [r["service_request_id"] for r in c.get("/requests.json?status=open").json()]
