"""``/lapor``: the citizens' report form, for a phone browser, with no app and no login, in Bahasa Indonesia.

- ``GET /lapor``: the form (category, description, photo, location by "Gunakan lokasi saya", a map pin or typed
  latitude/longitude, optional kelurahan and contact). Works with JavaScript off: the map and the location
  button only fill the two plain number fields.
- ``POST /lapor``: checked here (CSRF, the fields, the photo: :mod:`muara.portal.warga.foto`), then handed to
  :func:`muara.portal.warga.intake.submit` (validation, duplicates, routing, the aduan file into the OPD's
  inbox); answers 303 to the status page.
- ``GET /lapor/<id>``: the report's public fields only (:func:`intake.public_status`), never a name, NIK, phone
  or e-mail; anything in the description that looks like a NIK or a phone number masked once more here.
- ``GET /media/<yyyy>/<mm>/<name>.jpg``: the stored photos (re-encoded, without metadata).

CSRF without a session (a public page): a signed double-submit token. ``GET /lapor`` sets a random nonce in an
HttpOnly, SameSite=Strict cookie and puts ``nonce.issued.HMAC(key, nonce.issued)`` in the form; ``POST`` needs
both, the cookie equal to the token's nonce, the signature right (key: ``MUARA_PORTAL_SECRET`` or the generated
``data/secrets/portal-csrf.key``) and the token younger than :data:`CSRF_HOURS`. Another site can neither read
the form's token nor set the cookie, and a token cannot be made without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from muara import settings
from muara.contract import reference
from muara.portal import db as portal_db
from muara.portal.deps import Conn, client
from muara.portal.warga import foto

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "muara_lapor_csrf"
CSRF_HOURS = 4
#: the largest description accepted (a few paragraphs; Open311's clients send far less)
MAX_DESCRIPTION = 4000
#: the form's fields besides the photo: the body limit for /lapor is the photo's plus this
FORM_ENVELOPE = 64 * 1024
PHONE_OR_NIK = re.compile(r"(?<![\d+])\(?(?:\+?62[\s.-]?)?\d(?:[\s.()-]{0,2}\d){8,15}(?!\d)")
NOT_FOUND = "Laporan dengan nomor ini tidak ditemukan. Periksa kembali nomornya."
CSRF_REFUSED = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman Lapor lalu kirim lagi."


# ------------------------------------------------------------------------------------------------------ settings
def map_tiles() -> str:
    """``MUARA_MAP_TILES``: a tile URL template (``https://tile.example/{z}/{x}/{y}.png``) for the pin map; empty
    (the default) means no tiles, as on a network without internet: the map then shows the city's outline box
    and its centre, and a tap still places the pin."""
    return (os.environ.get("MUARA_MAP_TILES") or "").strip()


def tile_origin() -> str | None:
    """The tiles' origin (scheme://host[:port]) to allow in the page's CSP, or None."""
    from urllib.parse import urlsplit

    tiles = map_tiles()
    parts = urlsplit(tiles)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def page_csp(base: str) -> str:
    """The portal's CSP, with the map tiles' origin (when ``MUARA_MAP_TILES`` is set) added to ``img-src``: the
    one outside source a /lapor page may load."""
    origin = tile_origin()
    return base.replace("img-src 'self' data:", f"img-src 'self' data: {origin}") if origin else base


def public_base() -> str:
    """The portal's address as citizens reach it (``MUARA_PORTAL_PUBLIC_URL``, e.g. ``https://lapor.kota.go.id``;
    default: this machine's portal, ``http://127.0.0.1:<MUARA_PORTAL_PORT>``). The photo's ``media_url`` is made
    from it, since Open311 and the aduan contract want an absolute http(s) URL. Never the request's Host header:
    anyone can send any Host, and the link is stored and published."""
    explicit = (os.environ.get("MUARA_PORTAL_PUBLIC_URL") or "").strip().rstrip("/")
    scheme = "https" if settings.portal_https() else "http"
    return explicit or f"{scheme}://127.0.0.1:{settings.portal_port()}"


def public_dashboard_url() -> str:
    """The public dashboard (``MUARA_PUBLIC_DASHBOARD_URL``; default: the local Superset's "Aduan Warga —
    Publik")."""
    explicit = (os.environ.get("MUARA_PUBLIC_DASHBOARD_URL") or "").strip()
    if explicit:
        return explicit
    base = (os.environ.get("MUARA_SUPERSET_URL") or "").strip().rstrip("/")
    if not base:
        base = f"http://127.0.0.1:{os.environ.get('MUARA_SUPERSET_PORT') or 8088}"
    return f"{base}/superset/dashboard/aduan-warga-publik/"


# --------------------------------------------------------------------------------------------------------- csrf
def _key() -> bytes:
    explicit = os.environ.get("MUARA_PORTAL_SECRET", "").strip()
    if explicit:
        return explicit.encode()
    return _generated_key(settings.data_dir() / "secrets" / "portal-csrf.key")


@cache
def _generated_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    except FileExistsError:  # another worker made it first
        pass
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it and start the portal again")
    return value.encode()


def _sign(nonce: str, issued: int) -> str:
    return hmac.new(_key(), f"lapor|{nonce}|{issued}".encode(), hashlib.sha256).hexdigest()


def new_csrf() -> tuple[str, str]:
    """(cookie value, form token) for one form."""
    nonce, issued = secrets.token_urlsafe(24), int(time.time())
    return nonce, f"{nonce}.{issued}.{_sign(nonce, issued)}"


def csrf_ok(token: str, cookie: str) -> bool:
    parts = token.split(".")
    if len(parts) != 3 or not cookie or not parts[1].isdigit():
        return False
    nonce, issued, mac = parts[0], int(parts[1]), parts[2]
    fresh = 0 <= time.time() - issued <= CSRF_HOURS * 3600
    signed = hmac.compare_digest(mac.encode(), _sign(nonce, issued).encode())
    return fresh and signed and hmac.compare_digest(nonce.encode(), cookie.encode())


# --------------------------------------------------------------------------------------------------------- lists
def categories() -> list[dict[str, str]]:
    """The categories a report can be routed for in this city (intake's list), by their Bahasa names."""
    from muara.portal.warga import intake

    return sorted(intake.categories().values(), key=lambda r: r["nama_kategori"])


def kelurahan_list() -> list[dict[str, str]]:
    return sorted(reference.kelurahan(settings.city_code()), key=lambda r: (r["nama_kecamatan"], r["nama_kelurahan"]))


def mask(text: str | None) -> str | None:
    """Anything that looks like a phone number or a NIK (9-16 digits, spaces, dots or dashes between) masked."""
    if text is None:
        return None
    return PHONE_OR_NIK.sub("[disamarkan]", text)


# --------------------------------------------------------------------------------------------------------- pages
def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    from muara.portal.pages import TEMPLATES

    city = settings.city()
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"city": city, "dashboard_url": public_dashboard_url(), **context},
        status_code=status_code,
    )


def _form(
    request: Request,
    status_code: int = 200,
    error: str | None = None,
    field: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    cookie, token = new_csrf()
    b = settings.city().bounds()
    resp = _render(
        request,
        "lapor.html",
        status_code,
        csrf=token,
        categories=categories(),
        kelurahan=kelurahan_list(),
        error=error,
        field=field,
        v=values or {},
        bounds=b,
        tiles=map_tiles(),
        max_mb=f"{foto.max_bytes() / (1024 * 1024):g}",
    )
    resp.set_cookie(
        CSRF_COOKIE,
        cookie,
        max_age=CSRF_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.portal_https(),
        path="/lapor",
    )
    return resp


def error_page(request: Request, status: int, text: str) -> Response:
    return _render(request, "lapor_galat.html", status, code=status, text=text)


@router.get("/lapor")
def lapor_form(request: Request) -> Response:
    return _form(request)


def _float(text: str, name: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise _Invalid(f"{name} harus berupa angka desimal, misalnya -10.1772.", "lat") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise _Invalid(f"{name} harus berupa angka desimal.", "lat")
    return value


class _Invalid(ValueError):
    def __init__(self, message: str, field: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


FORM_FIELDS = (
    "kategori",
    "deskripsi",
    "lat",
    "long",
    "alamat",
    "kelurahan",
    "nama_depan",
    "nama_belakang",
    "telepon",
    "email",
)


def _checked(values: dict[str, str]) -> tuple[float | None, float | None]:
    """The form's own checks, in the order the reporter reads the form; the typed point (or none)."""
    if not values["kategori"]:
        raise _Invalid("Pilih kategori laporan.", "kategori")
    if values["kategori"] not in {r["kode_kategori"] for r in categories()}:
        raise _Invalid("Kategori ini tidak ada. Pilih salah satu kategori di daftar.", "kategori")
    if len(values["deskripsi"]) < 10:
        raise _Invalid("Tuliskan apa yang terjadi (paling sedikit 10 huruf).", "deskripsi")
    lat, lon = _float(values["lat"], "Lintang"), _float(values["long"], "Bujur")
    if (lat is None) != (lon is None):
        raise _Invalid("Isi lintang dan bujur keduanya, atau kosongkan keduanya.", "lat")
    if values["kelurahan"] and values["kelurahan"] not in {r["kode_kelurahan"] for r in kelurahan_list()}:
        raise _Invalid("Kelurahan ini tidak ada di daftar kota ini.", "kelurahan")
    return lat, lon


async def _photo(upload: Any) -> tuple[Any, tuple[float, float] | None]:
    """The uploaded photo checked (:func:`foto.check`) and the position its EXIF carried; (None, None) without one."""
    from starlette.concurrency import run_in_threadpool

    if upload is None or isinstance(upload, str) or not upload.filename:
        return None, None
    data = await upload.read(foto.max_bytes() + 1)
    if not data:
        return None, None
    try:
        image, position = await run_in_threadpool(foto.check, data)
    except foto.FotoError as exc:
        raise _Invalid(str(exc), "foto", exc.status) from exc
    return image, position


def _laporan(values: dict[str, str], lat: float | None, lon: float | None) -> Any:
    """The report as the intake takes it, checked by the intake's own rules."""
    from muara.portal.warga import intake

    laporan = intake.Laporan(
        service_code=values["kategori"],
        description=values["deskripsi"],
        lat=lat,
        long=lon,
        address_string=values["alamat"] or None,
        media_url=None,
        first_name=values["nama_depan"] or None,
        last_name=values["nama_belakang"] or None,
        email=values["email"] or None,
        phone=values["telepon"] or None,
        kanal="web",
        client="lapor",
        kode_kelurahan=values["kelurahan"] or None,
    )
    try:
        intake.validate(laporan)
    except intake.LaporanError as exc:
        raise _Invalid(str(exc), str(getattr(exc, "field", "") or ""), 400) from exc
    return laporan


async def _submit(c: Any, laporan: Any, image: Any) -> Any:
    """The photo stored, then the report handed to the intake; a photo nobody will see is removed again (the
    report refused, or a repeat of one that has its own photo)."""
    from starlette.concurrency import run_in_threadpool

    from muara.portal.warga import intake

    kept: Path | None = None
    if image is not None:
        rel_url, kept = await run_in_threadpool(foto.store, image)
        laporan.media_url = public_base() + rel_url
    try:
        got = await run_in_threadpool(intake.submit, c, laporan)
    except intake.LaporanError as exc:
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise _Invalid(str(exc), str(getattr(exc, "field", "") or ""), 400) from exc
    if got.duplicate and kept is not None:  # the first report has its own photo
        kept.unlink(missing_ok=True)
        laporan.media_url = None
    return got


@router.post("/lapor")
async def lapor_submit(request: Request, c: Conn) -> Response:
    form = await request.form(max_files=1, max_fields=30)
    if not csrf_ok(str(form.get("csrf") or ""), request.cookies.get(CSRF_COOKIE) or ""):
        raise HTTPException(403, CSRF_REFUSED)
    values = {k: _text(form, k, MAX_DESCRIPTION if k == "deskripsi" else 200) for k in FORM_FIELDS}
    try:
        lat, lon = _checked(values)
        image, exif_position = await _photo(form.get("foto"))
        if lat is None and exif_position and foto.in_city(*exif_position):
            lat, lon = exif_position
            values["lat"], values["long"] = str(lat), str(lon)
        if lat is None and not values["alamat"]:
            raise _Invalid(
                'Tentukan lokasinya: tekan "Gunakan lokasi saya", ketuk peta, isi lintang dan bujur, atau tulis '
                "alamatnya.",
                "lat",
            )
        laporan = _laporan(values, lat, lon)
        got = await _submit(c, laporan, image)
    except _Invalid as exc:  # the form again, with the reporter's own entries (to this reporter only) and why
        return _form(request, exc.status, str(exc), exc.field, values)
    portal_db.audit(
        c,
        "lapor",
        client=client(request),
        laporan=got.service_request_id,
        duplikat=got.duplicate,
        foto=laporan.media_url is not None,
    )
    suffix = "?ulang=1" if got.duplicate else "?baru=1"
    return RedirectResponse(f"/lapor/{got.service_request_id}{suffix}", 303)


#: the public fields shown on the status page, in this order, with their labels (whatever else
#: intake.public_status returns is not shown)
PUBLIC_FIELDS = (
    ("status", "Status"),
    ("status_notes", "Catatan"),
    ("service_name", "Kategori"),
    ("agency_responsible", "Ditangani oleh"),
    ("nama_kelurahan", "Kelurahan"),
    ("requested_datetime", "Dilaporkan"),
    ("updated_datetime", "Diperbarui"),
    ("expected_datetime", "Batas waktu penanganan"),
    ("address", "Alamat"),
    ("description", "Uraian"),
)
STATUS_BAHASA = {"open": "terbuka — menunggu / sedang ditangani", "closed": "selesai"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(settings.city().tz).strftime("%d/%m/%Y %H.%M ") + settings.city().zone_label
    return str(value)


def _own_media(url: Any) -> str | None:
    """A photo this portal stored, as a path on this site (the page's CSP loads images from itself only)."""
    from urllib.parse import urlsplit

    if not isinstance(url, str):
        return None
    path = urlsplit(url).path
    if path.startswith(foto.MEDIA_URL + "/") and foto.STORED_NAME.fullmatch(path[len(foto.MEDIA_URL) + 1 :]):
        return path
    return None


@router.get("/lapor/{service_request_id}")
def lapor_status(request: Request, service_request_id: str, c: Conn) -> Response:
    from muara.portal.warga import intake

    if not ID_PATTERN.fullmatch(service_request_id):
        raise HTTPException(404, NOT_FOUND)
    found = intake.public_status(c, service_request_id)
    if not found:
        raise HTTPException(404, NOT_FOUND)
    rows = []
    for key, label in PUBLIC_FIELDS:
        value = found.get(key)
        if value in (None, ""):
            continue
        if key == "status":
            value = STATUS_BAHASA.get(str(value), str(value))
            if found.get("status_warna"):
                value = f"{value} ({found['status_warna']})"
        elif key.endswith("_datetime"):
            value = _when(value)
        elif key in ("description", "status_notes", "address"):
            value = mask(str(value))
        rows.append((label, value))
    lat, lon = found.get("lat"), found.get("long")
    media = _own_media(found.get("media_url"))
    return _render(
        request,
        "lapor_status.html",
        rid=service_request_id,
        rows=rows,
        lat=lat,
        lon=lon,
        media=media,
        fresh=request.query_params.get("baru") == "1",
        again=request.query_params.get("ulang") == "1",
    )


@router.get("/media/{rel:path}")
def media(rel: str) -> Response:
    path = foto.media_file(rel)
    if path is None:
        raise HTTPException(404, "Foto ini tidak ada.")
    return FileResponse(path, media_type="image/jpeg", headers={"Content-Disposition": "inline"})
