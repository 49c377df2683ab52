"""Shared by the portal's tests: a real `muara portal up` on a free port, an officer's HTTP client, and aduan
files made from the contract's own example row (clean) or with known mistakes."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import muara

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PHONE = "081298765432"


def aduan_rows(n: int, sender: str = "PUPR", start: int = 0) -> list[dict[str, Any]]:
    from muara.contract.model import get
    from muara.portal import templat

    contract = get("aduan")
    base = {c.name: templat.example(c, contract, sender) for c in contract.columns}
    return [{**base, "nomor_aduan": f"LPR-2026-{start + i:06d}"} for i in range(n)]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def bad_aduan(path: Path) -> Path:
    """Five rows: two good, three with a mistake each (category, date, latitude); a phone number in clear in
    the rows with mistakes, which the page must never show."""
    rows = aduan_rows(5, start=900)
    rows[1]["kode_kategori"] = "jalan_hilang"
    rows[2]["waktu_lapor"] = "31/02/2026 10:00"
    rows[3]["latitude"] = "99.5"
    for r in rows[1:4]:
        r["telepon_pelapor"] = PHONE
    return write_csv(path, rows)


@contextmanager
def portal(env: dict[str, str]) -> Iterator[str]:
    """`muara portal up` with ``env`` (its port, data folder, Airflow), stopped afterwards."""
    up = muara("portal", "up", env=env)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield f"http://127.0.0.1:{env['MUARA_PORTAL_PORT']}"
    finally:
        stop = muara("portal", "stop", env=env)
        assert "stopped" in stop.stdout, stop.stdout + stop.stderr


class Officer:
    """A browser-less officer: cookies kept, redirects not followed (the tests look at them)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
        self.csrf = ""

    def login(self, username: str, password: str) -> httpx.Response:
        page = self.http.get("/masuk")
        token = CSRF.search(page.text)
        assert token, page.text
        resp = self.http.post("/masuk", data={"csrf": token.group(1), "username": username, "password": password})
        if resp.status_code == 303:
            self.csrf = CSRF.search(self.http.get("/unggah").text).group(1)  # type: ignore[union-attr]
        return resp

    def upload(self, path: Path, dataset: str = "aduan", name: str | None = None) -> httpx.Response:
        with path.open("rb") as f:
            return self.http.post(
                "/unggah", data={"csrf": self.csrf, "dataset": dataset}, files={"file": (name or path.name, f)}
            )

    def send(self, page: httpx.Response) -> httpx.Response:
        found = re.search(r'action="(/unggah/[0-9a-f-]+/kirim)"', page.text)
        assert found, page.text[-3000:]
        return self.http.post(found.group(1), data={"csrf": self.csrf})
