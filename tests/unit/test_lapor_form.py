"""/lapor's pieces that need no server: the signed double-submit CSRF token, the masking of NIK- and phone-like
numbers on the status page, and the CSP that lets map tiles in only when MUARA_MAP_TILES names a server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from muara.portal.app import PAGE_CSP
from muara.portal.warga import lapor


@pytest.fixture(autouse=True)
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUARA_PORTAL_SECRET", "uji-kunci-rahasia")
    monkeypatch.delenv("MUARA_MAP_TILES", raising=False)


def test_a_token_is_good_only_with_its_cookie_its_signature_and_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    cookie, token = lapor.new_csrf()
    assert lapor.csrf_ok(token, cookie)
    other_cookie, other_token = lapor.new_csrf()
    assert not lapor.csrf_ok(token, other_cookie)  # another browser's cookie
    assert not lapor.csrf_ok(other_token, cookie)
    nonce, issued, mac = token.split(".")
    assert not lapor.csrf_ok(f"{nonce}.{issued}.{'0' * len(mac)}", cookie)  # forged signature
    assert not lapor.csrf_ok(f"{nonce}.{int(issued) + 1}.{mac}", cookie)  # a changed time breaks the signature
    assert not lapor.csrf_ok("", cookie) and not lapor.csrf_ok(token, "") and not lapor.csrf_ok("a.b", cookie)
    monkeypatch.setenv("MUARA_PORTAL_SECRET", "kunci-lain")
    assert not lapor.csrf_ok(token, cookie)  # a token signed with another key
    monkeypatch.setenv("MUARA_PORTAL_SECRET", "uji-kunci-rahasia")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + lapor.CSRF_HOURS * 3600 + 5)
    assert not lapor.csrf_ok(token, cookie)  # expired


def test_the_generated_key_is_kept_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUARA_PORTAL_SECRET")
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    cookie, token = lapor.new_csrf()
    path = tmp_path / "data" / "secrets" / "portal-csrf.key"
    assert oct(path.stat().st_mode & 0o777) == "0o600" and lapor.csrf_ok(token, cookie)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("telp 0812-9876-5432 ya", "telp [disamarkan] ya"),
        ("NIK 5371012345678901", "NIK [disamarkan]"),
        ("+62 812 9876 5432", "[disamarkan]"),
        ("(0380) 821 234", "[disamarkan]"),
        ("jalan no 12 rt 03, rusak 200 meter", "jalan no 12 rt 03, rusak 200 meter"),
        ("koordinat -10.1772, 123.6070", "koordinat -10.1772, 123.6070"),
    ],
)
def test_numbers_like_a_nik_or_a_phone_are_masked(text: str, shown: str) -> None:
    assert lapor.mask(text) == shown


def test_map_tiles_enter_the_csp_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert lapor.page_csp(PAGE_CSP) == PAGE_CSP
    monkeypatch.setenv("MUARA_MAP_TILES", "https://tiles.kota.example/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tiles.kota.example;" in lapor.page_csp(PAGE_CSP)
    assert "default-src 'self'" in lapor.page_csp(PAGE_CSP)
    monkeypatch.setenv("MUARA_MAP_TILES", "javascript:alert(1)")
    assert lapor.page_csp(PAGE_CSP) == PAGE_CSP
