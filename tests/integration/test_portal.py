"""Pintu Data over real HTTP: `muara portal up` (uvicorn) on a free port, on the tests' Postgres, with its own
data folder and an Airflow address where nothing listens (so every sent file is *antre*: it waits in the inbox,
nothing lost). The Airflow that takes the file is in tests/e2e/test_portal_live.py.

What must hold: accounts per sender with argon2id hashes and the logins file 0600; login throttling; CSRF on
every form; the check before sending with every rejected row (personal data masked); file names never used as
paths; the size limit while streaming (413, nothing lands); every push API error code; reports and kiriman
scoped to their sender (404 otherwise); security headers; no route without authentication.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import muara
from tests.e2e.conftest import free_port
from tests.portal_support import PHONE, Officer, aduan_rows, bad_aduan, portal, write_csv

pytestmark = pytest.mark.integration
LIMIT_MB = 1


@pytest.fixture(scope="module")
def served(pg: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from muara.stack import postgres as db

    with psycopg.connect(db.url(), autocommit=True) as conn:
        conn.execute("drop schema if exists portal cascade")
    data = tmp_path_factory.mktemp("portal") / "data"
    env = {
        "MUARA_PORTAL_PORT": str(free_port()),
        "MUARA_DATA_DIR": str(data),
        "MUARA_MAX_FILE_MB": str(LIMIT_MB),
        "MUARA_AIRFLOW_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens: Airflow is down
        "MUARA_PORTAL_POSTS_PER_MINUTE": "1000",
    }
    with portal(env) as base:
        logins = json.loads((data / "secrets" / "portal-logins.json").read_text())
        yield {"base": base, "env": env, "data": data, "logins": logins}


def officer(served: dict[str, Any], username: str = "opd_pupr") -> Officer:
    o = Officer(served["base"])
    assert o.login(username, served["logins"][username]).status_code == 303
    return o


def token(served: dict[str, Any], sender: str = "PUPR") -> tuple[str, str]:
    res = muara("portal", "token", "create", "--sender", sender, env=served["env"])
    assert res.returncode == 0, res.stdout + res.stderr
    lines = dict(line.split(": ", 1) for line in res.stdout.splitlines())
    return lines["id"], lines["token"]


def sql(query: str, *args: object) -> list[tuple[Any, ...]]:
    from muara.stack import postgres as db

    with psycopg.connect(db.url(), autocommit=True) as conn:
        return conn.execute(query, args).fetchall()


def _trigger_of(stored_name: str, within: float = 40.0) -> str | None:
    """The kiriman's trigger outcome once the background task recorded it."""
    import time

    started = time.monotonic()
    while time.monotonic() - started < within:
        (value,) = sql("select trigger from portal.kiriman where stored_name = %s", stored_name)[0]
        if value is not None:
            return str(value)
        time.sleep(0.5)
    return None


def inbox_files(served: dict[str, Any]) -> list[Path]:
    return sorted(p for p in (served["data"] / "inbox").rglob("*") if p.is_file())


def test_accounts_per_sender_hashed_and_written_0600(served: dict[str, Any]) -> None:
    from muara.portal import accounts

    logins, path = served["logins"], served["data"] / "secrets" / "portal-logins.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert {"admin", "opd_pupr", "opd_dlhk"} <= set(logins)
    assert any(u.startswith("kel_53_71_") for u in logins)  # kelurahan send kemiskinan
    assert set(logins) - {"admin"} == {accounts.username_for(s) for s in accounts.senders()}
    hashes = sql("select password_hash from portal.account")
    assert len(hashes) == len(logins) and all(h[0].startswith("$argon2id$") for h in hashes)
    assert not any(pw in h[0] for h in hashes for pw in logins.values())


def test_login_throttling_locks_after_five_failures(served: dict[str, Any]) -> None:
    o = Officer(served["base"])
    for _ in range(4):
        assert o.login("opd_dlhk", "salah").status_code == 401
    fifth = o.login("opd_dlhk", "salah")
    assert fifth.status_code == 429 and "dikunci sementara" in fifth.text
    locked = o.login("opd_dlhk", served["logins"]["opd_dlhk"])  # the right password, within the lock
    assert locked.status_code == 429 and "dikunci" in locked.text
    assert o.login("opd_bpbd", served["logins"]["opd_bpbd"]).status_code == 303  # others are not locked
    actions = [r[0] for r in sql("select action from portal.audit where username = 'opd_dlhk' order by id")]
    assert actions[:4] == ["masuk_gagal"] * 4 and actions[4:] == ["masuk_dikunci", "masuk_dikunci"]


def test_csrf_is_required_on_every_form(served: dict[str, Any], tmp_path: Path) -> None:
    o = officer(served)
    good = write_csv(tmp_path / "a.csv", aduan_rows(1))
    with good.open("rb") as f:
        for token in ("", "palsu"):
            f.seek(0)
            resp = o.http.post("/unggah", data={"csrf": token, "dataset": "aduan"}, files={"file": ("a.csv", f)})
            assert resp.status_code == 403 and "Formulir kedaluwarsa" in resp.text
    assert o.http.post("/keluar", data={}).status_code == 403
    checked = o.upload(good)
    kirim = checked.text.split('action="')[2].split('"')[0]
    assert o.http.post(kirim, data={"csrf": "palsu"}).status_code == 403
    fresh = httpx.Client(base_url=served["base"])  # a login form posted without the form's own cookie
    resp = fresh.post("/masuk", data={"csrf": "x", "username": "opd_pupr", "password": served["logins"]["opd_pupr"]})
    assert resp.status_code == 403


def test_unggah_shows_every_rejected_row_masked_then_sends_while_airflow_is_down(
    served: dict[str, Any], tmp_path: Path
) -> None:
    o = officer(served)
    page = o.upload(bad_aduan(tmp_path / "aduan mei.csv"))
    assert page.status_code == 200
    assert '<td id="dibaca">5</td>' in page.text and '<td id="ditolak">3</td>' in page.text
    assert "jalan_hilang" in page.text and "31/02/2026 10:00" in page.text and "99.5" in page.text
    assert PHONE not in page.text  # personal data is masked the way the reports mask it
    assert "aduan mei.csv" in page.text and 'id="kirim"' in page.text
    sent = o.send(page)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/riwayat?baru=")
    stored = sql("select original_name, stored_name, state, trigger from portal.kiriman where sender = 'PUPR'")
    row = next(r for r in stored if r[0] == "aduan mei.csv")
    assert row[2] == "diterima"
    history = o.http.get(sent.headers["location"])
    assert "aduan mei.csv" in history.text and 'data-status="diterima"' in history.text
    assert '<meta http-equiv="refresh"' in history.text  # the page follows the file by itself
    # the trigger runs after the answer: Airflow does not answer here, so the file waits for the next scan
    assert _trigger_of(row[1]) == "antre"
    assert "antre" in o.http.get("/riwayat").text
    assert (served["data"] / "inbox" / "PUPR" / "aduan" / row[1]).is_file()


def test_an_unusable_file_cannot_be_sent(served: dict[str, Any], tmp_path: Path) -> None:
    o = officer(served)
    junk = tmp_path / "bukan data.csv"
    junk.write_text("halo\n", encoding="utf-8")
    page = o.upload(junk)
    assert "Berkas ini tidak dapat dikirim" in page.text and "Perbaikan:" in page.text
    assert 'id="kirim"' not in page.text
    ident, stored = sql("select id, stored_name from portal.kiriman where original_name = 'bukan data.csv'")[0]
    assert o.http.post(f"/unggah/{ident}/kirim", data={"csrf": o.csrf}).status_code == 409
    assert not [p for p in inbox_files(served) if p.name == stored]  # nothing of it stays


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd",
        "/etc/cron.d/muara.csv",
        "a\x00b.csv",
        "x" * 1000 + ".csv",
        "..\\..\\win.csv",
        "aduan.csv\nStatus     : DITERIMA SEMUA.csv",  # a forged line in the text report
    ],
)
def test_file_names_are_never_paths(served: dict[str, Any], tmp_path: Path, name: str) -> None:
    _, secret = token(served)
    body = write_csv(tmp_path / "f.csv", aduan_rows(1, start=700)).read_bytes()
    before = set(inbox_files(served))
    resp = httpx.post(
        f"{served['base']}/api/v1/kiriman",
        headers={"Authorization": f"Bearer {secret}"},
        data={"dataset": "aduan"},
        files={"file": (name, body)},
    )
    assert resp.status_code == 202, resp.text
    new = set(inbox_files(served)) - before
    assert len(new) == 1
    (landed,) = new
    assert landed.parent == served["data"] / "inbox" / "PUPR" / "aduan"
    assert landed.name.startswith("kiriman-") and len(landed.name) < 60
    (original,) = sql("select original_name from portal.kiriman where id = %s", uuid.UUID(resp.json()["id"]))[0]
    assert "\x00" not in original and "\n" not in original and len(original) <= 200


def _chunks(body: bytes, size: int = 65536) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


def test_oversize_upload_is_413_and_nothing_lands(served: dict[str, Any]) -> None:
    _, secret = token(served)
    big = b"nomor_aduan\n" + b"LPR-2026-000001\n" * (LIMIT_MB * 1024 * 1024 // 16 + 10)
    before = set(inbox_files(served))
    auth = {"Authorization": f"Bearer {secret}"}
    declared = httpx.post(
        f"{served['base']}/api/v1/kiriman", headers=auth, data={"dataset": "aduan"}, files={"file": ("b.csv", big)}
    )
    assert declared.status_code == 413 and "MUARA_MAX_FILE_MB" in declared.json()["detail"]
    # no Content-Length: the limit holds while the body streams in
    boundary = "muaratest"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\naduan\r\n--{boundary}\r\n'
            'Content-Disposition: form-data; name="file"; filename="b.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    streamed = httpx.post(
        f"{served['base']}/api/v1/kiriman",
        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=_chunks(body),
    )
    assert streamed.status_code == 413
    o = officer(served)  # and through the page
    page = o.http.post("/unggah", data={"csrf": o.csrf, "dataset": "aduan"}, files={"file": ("b.csv", big)})
    assert page.status_code == 413 and "Berkas lebih besar dari batas" in page.text
    assert set(inbox_files(served)) == before


def test_push_api_answers_every_error(served: dict[str, Any], tmp_path: Path) -> None:
    base = served["base"]
    token_id, secret = token(served)
    _, dlh = token(served, "DLHK")
    good = write_csv(tmp_path / "g.csv", aduan_rows(2, start=500)).read_bytes()

    def push(auth: str | None, dataset: str = "aduan", path: str = "/api/v1/kiriman") -> httpx.Response:
        headers = {"Authorization": auth} if auth else {}
        return httpx.post(f"{base}{path}", headers=headers, data={"dataset": dataset}, files={"file": ("g.csv", good)})

    assert push(None).status_code == 401
    assert push("Bearer muara_salah").status_code == 401
    assert push(f"Basic {secret}").status_code == 401
    assert push(f"Bearer {secret}", "tidak_ada").status_code == 400
    assert push(f"Bearer {secret}", "tempat_tidur").status_code == 403  # PUPR does not send hospital beds
    accepted = push(f"Bearer {secret}")
    assert accepted.status_code == 202
    answer = accepted.json()
    assert answer["status"] == "diterima" and set(answer) == {"id", "status"}
    (stored,) = sql("select stored_name from portal.kiriman where id = %s", uuid.UUID(answer["id"]))[0]
    assert _trigger_of(stored) == "antre"
    mine = httpx.get(f"{base}/api/v1/kiriman/{answer['id']}", headers={"Authorization": f"Bearer {secret}"})
    assert mine.status_code == 200 and mine.json()["batch_id"] is None
    assert (mine.json()["status"], mine.json()["antre"]) == ("diterima", True)
    theirs = httpx.get(f"{base}/api/v1/kiriman/{answer['id']}", headers={"Authorization": f"Bearer {dlh}"})
    assert theirs.status_code == 404
    checked = push(f"Bearer {secret}", path="/api/v1/periksa")
    assert checked.status_code == 200 and checked.json()["rows_read"] == 2 and checked.json()["exit_code"] == 0
    assert checked.json()["file"] == "g.csv" and checked.json()["mode"] == "check"
    revoke = muara("portal", "token", "revoke", token_id, env=served["env"])
    assert revoke.returncode == 0 and "revoked" in revoke.stdout
    assert push(f"Bearer {secret}").status_code == 401
    used = sql("select count(*) from portal.audit where action = 'token_pakai' and detail->>'token' = %s", token_id)
    assert used[0][0] >= 4


def test_reports_are_reachable_only_by_their_sender(served: dict[str, Any], tmp_path: Path) -> None:
    from muara.ingest.pipeline import ingest_file

    os.environ["MUARA_DATA_DIR"] = str(served["data"])  # the report lands where the portal serves from
    try:
        out = ingest_file(bad_aduan(tmp_path / "laporan.csv"), "aduan", "PUPR")
    finally:
        os.environ.pop("MUARA_DATA_DIR")
    batch = out.batch_id
    pupr, admin = officer(served), officer(served, "admin")
    page = pupr.http.get(f"/laporan/{batch}/")
    assert page.status_code == 200 and "DITOLAK" in page.text.upper() and PHONE not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert pupr.http.get(f"/laporan/{batch}/ditolak.csv").status_code == 200
    assert pupr.http.get(f"/laporan/{batch}/gx").status_code == 200
    assert admin.http.get(f"/laporan/{batch}/").status_code == 200
    other = officer(served, "opd_bpbd")
    for suffix in ("", "ditolak.csv", "gx", "../../secrets/portal-logins.json"):
        assert other.http.get(f"/laporan/{batch}/{suffix}").status_code == 404, suffix
    assert httpx.get(f"{served['base']}/laporan/{batch}/").status_code == 404  # nobody logged in
    assert pupr.http.get(f"/laporan/{uuid.uuid4()}/").status_code == 404
    assert pupr.http.get("/laporan/..%2F..%2Fsecrets/").status_code == 404


def test_pages_templat_and_headers(served: dict[str, Any]) -> None:
    from python_calamine import CalamineWorkbook

    from muara.contract.model import get

    o = officer(served)
    home = o.http.get("/")
    assert home.status_code == 200 and "<code>aduan</code>" in home.text
    assert "Terlambat" in home.text or "Tepat waktu" in home.text or "Jatuh tempo" in home.text
    assert home.headers["x-frame-options"] == "DENY" and home.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    xlsx = o.http.get("/templat/aduan.xlsx")
    assert xlsx.status_code == 200
    path = served["data"] / "templat_aduan.xlsx"
    path.write_bytes(xlsx.content)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Data", "Penjelasan"]
    rows = book.get_sheet_by_name("Data").to_python()
    assert rows[0] == list(get("aduan").column_names) and len(rows) == 2
    assert rows[1][rows[0].index("kode_opd")] == "PUPR"
    assert o.http.get("/templat/tempat_tidur.xlsx").status_code == 404  # not PUPR's dataset
    missing = o.http.get("/tidak-ada")
    assert missing.status_code == 404 and "Halaman ini tidak ada" in missing.text and "Traceback" not in missing.text
    cookie = httpx.Client(base_url=served["base"]).get("/masuk").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    docs = httpx.get(f"{served['base']}/api/docs")
    assert docs.status_code == 200 and "/api/v1/kiriman" in docs.text
    spec = httpx.get(f"{served['base']}/api/openapi.json").json()
    assert {"/api/v1/kiriman", "/api/v1/kiriman/{kiriman_id}", "/api/v1/periksa"} <= set(spec["paths"])


def test_no_route_answers_without_authentication(served: dict[str, Any]) -> None:
    """Every route of the app, walked: without a session or token it redirects to /masuk, or answers 401/404.
    Open311's GETs are open data (nothing personal); its POST needs a client app's api_key (403 without). The
    citizens' form /lapor is public by design (no login); its POST needs the form's signed CSRF token (403 without),
    and a report's status page or a photo that does not exist is 404."""
    from fastapi.routing import APIRoute

    from muara.portal.app import create_app

    public = {"/masuk", "/api/docs", "/api/openapi.json", "/sehat"}
    walked = 0
    for route in create_app().routes:
        if not isinstance(route, APIRoute) or route.path in public:
            continue
        path = route.path.replace("{kiriman_id}", str(uuid.uuid4())).replace("{batch_id}", str(uuid.uuid4()))
        path = path.replace("{dataset}", "aduan").replace("{name}", "gx")
        path = path.replace("{fmt}", "json").replace("{service_request_id:path}", "WRG-2026-AAAAAAAAAA")
        path = path.replace("{service_request_id}", "WRG-2026-AAAAAAAAAA").replace("{rel:path}", "2026/12/x.jpg")
        for method in route.methods:
            resp = httpx.request(method, f"{served['base']}{path}")
            walked += 1
            if route.path.startswith("/open311/"):
                assert method == "GET" or resp.status_code == 403, (method, path, resp.status_code)
            elif route.path == "/lapor":
                assert resp.status_code == (200 if method == "GET" else 403), (method, path, resp.status_code)
            elif route.path.startswith("/api/"):
                assert resp.status_code in (401, 422), (method, path, resp.status_code)
            else:
                assert resp.status_code == 404 or resp.headers.get("location") == "/masuk", (method, path)
    assert walked >= 10


def test_rate_limit_and_status(served: dict[str, Any]) -> None:
    status = muara("portal", "status", env=served["env"])
    assert status.returncode == 0 and "answers: yes" in status.stdout
    env = {**served["env"], "MUARA_PORTAL_PORT": str(free_port()), "MUARA_PORTAL_POSTS_PER_MINUTE": "5"}
    with portal(env) as base:
        codes = [httpx.post(f"{base}/api/v1/periksa").status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429], codes


def test_named_officer_logs_in_and_out(served: dict[str, Any]) -> None:
    added = muara("portal", "user", "add", "--sender", "PUPR", "--username", "budi_pupr", env=served["env"])
    assert added.returncode == 0, added.stdout + added.stderr
    password = added.stdout.strip().rsplit(": ", 1)[1]
    o = Officer(served["base"])
    assert o.login("budi_pupr", password).status_code == 303
    assert "budi_pupr · PUPR" in o.http.get("/").text
    assert o.http.post("/keluar", data={"csrf": o.csrf}).status_code == 303
    assert o.http.get("/").headers["location"] == "/masuk"  # the session is gone on the server too
    wrong = muara("portal", "user", "add", "--sender", "TIDAKADA", "--username", "siapa", env=served["env"])
    assert wrong.returncode == 2 and "tidak terdaftar" in wrong.stderr
