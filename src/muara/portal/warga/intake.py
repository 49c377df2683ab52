"""One door for citizens' reports, whichever way they come (an Open311 client app: ``kanal="aplikasi"``; the
``/lapor`` form: ``kanal="web"``).

``submit`` checks the report (``validate``), answers a repeat of the same report (same text, same place, within
``DUPLICATE_MINUTES``) with the first one's id, routes it to an OPD, finds its kelurahan, records its public part
in ``portal.laporan_warga`` and drops a one-row ``aduan`` JSON file into the routed OPD's inbox
(``data/inbox/<KODE_OPD>/aduan/warga_<id>.json``). From there it is an ordinary export: the ingest DAG's watcher
takes it, the contract checks, protects the reporter's name and phone, loads or quarantines it, and the
warehouse builds it. Nothing here writes to ``raw`` directly.

Personal data (name, phone, e-mail) goes only into the inbox file, which the ingest protects as the contract says;
the portal table keeps the description and address with NIKs, phone numbers and e-mail addresses masked, and no
name, phone or e-mail at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from muara import settings
from muara.ingest import inbox
from muara.ingest.pii import mask_free_text
from muara.portal.warga import lokasi, status
from muara.portal.warga.katalog import DATASET, aduan_opds, categories

ID_PREFIX = "WRG"
DUPLICATE_MINUTES = 10
DUPLICATE_METRES = 50.0
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 4000  # the contract's maxLength for deskripsi
MAX_ADDRESS = 500  # the contract's maxLength for alamat
MAX_NAME = 100
MAX_URL = 1000
KANAL = ("aplikasi", "web")
PHONE = re.compile(r"(\+62|62|0)8[0-9]{7,12}")  # the contract's pattern for telepon_pelapor
EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
URL = re.compile(r"https?://\S+")  # the contract's pattern for url_foto
KELURAHAN = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_SPACES = re.compile(r"\s+")
_PHONE_SEPARATORS = re.compile(r"[\s.()-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Laporan:
    """A citizen's report as the client sent it (Open311 field names)."""

    service_code: str
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    media_url: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    kanal: str = "aplikasi"
    client: str = ""
    kode_kelurahan: str | None = None


@dataclass(frozen=True)
class Diterima:
    """The answer: the request id (the ``nomor_aduan``), and whether it is the id of an earlier equal report."""

    service_request_id: str
    duplicate: bool


class LaporanError(ValueError):
    """A report that cannot be taken: ``code`` is the HTTP status (400 invalid, 403 refused, 404 unknown service),
    ``field`` the Open311 field at fault (None when not one field), ``str(e)`` the reason in Bahasa Indonesia."""

    def __init__(self, message: str, code: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


# ---------------------------------------------------------------------------------------------- validation
def _text(value: str | None) -> str | None:
    """Trimmed, control characters removed, None when empty."""
    if value is None:
        return None
    text = _CONTROL.sub("", str(value)).strip()
    return text or None


def _clean(lap: Laporan) -> Laporan:
    return Laporan(
        service_code=(_text(lap.service_code) or ""),
        description=(_text(lap.description) or ""),
        lat=lap.lat,
        long=lap.long,
        address_string=_text(lap.address_string),
        media_url=_text(lap.media_url),
        first_name=_text(lap.first_name),
        last_name=_text(lap.last_name),
        email=_text(lap.email),
        phone=_PHONE_SEPARATORS.sub("", _text(lap.phone) or "") or None,
        kanal=(_text(lap.kanal) or ""),
        client=(_text(lap.client) or ""),
        kode_kelurahan=_text(lap.kode_kelurahan),
    )


def _check_point(lap: Laporan) -> None:
    if (lap.lat is None) != (lap.long is None):
        field = "long" if lap.long is None else "lat"
        raise LaporanError("Lintang (lat) dan bujur (long) harus dikirim berdua.", 400, field)
    if lap.lat is None or lap.long is None:
        return
    for name, value in (("lat", lap.lat), ("long", lap.long)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise LaporanError(f"{name} harus berupa angka derajat desimal (WGS84).", 400, name)
    b = settings.city().bounds()
    if not (b["latitude_min"] <= lap.lat <= b["latitude_max"] and b["longitude_min"] <= lap.long <= b["longitude_max"]):
        raise LaporanError(
            f"Titik ({lap.lat:.5f}, {lap.long:.5f}) berada di luar wilayah {settings.city().name}. Periksa lokasi "
            "(lintang dulu, lalu bujur) atau isi alamat.",
            400,
            "lat",
        )


def validate(lap: Laporan) -> None:
    """Raise :class:`LaporanError` for the first thing wrong with the report; return None when it may be taken.
    Checks the values as ``submit`` will store them (trimmed; phone without spaces or dashes)."""
    lap = _clean(lap)
    if lap.kanal not in KANAL:
        raise LaporanError(
            f"Kanal {lap.kanal!r} tidak dikenal; pakai salah satu dari {', '.join(KANAL)}.", 400, "kanal"
        )
    if not lap.client:
        raise LaporanError("Nama aplikasi pengirim (client) kosong.", 400, "client")
    if not lap.service_code:
        raise LaporanError("service_code wajib diisi: pilih kategori aduan (lihat services.json).", 400, "service_code")
    if lap.service_code not in categories():
        raise LaporanError(
            f"Kategori {lap.service_code[:60]!r} tidak dikenal di kota ini; lihat daftar di services.json.",
            404,
            "service_code",
        )
    if not lap.description:
        raise LaporanError("Uraian aduan (description) wajib diisi.", 400, "description")
    if len(lap.description) < MIN_DESCRIPTION:
        raise LaporanError(
            f"Uraian aduan terlalu pendek: tulis paling sedikit {MIN_DESCRIPTION} huruf tentang apa dan di mana.",
            400,
            "description",
        )
    if len(lap.description) > MAX_DESCRIPTION:
        raise LaporanError(f"Uraian aduan paling panjang {MAX_DESCRIPTION} karakter.", 400, "description")
    _check_point(lap)
    if lap.address_string and len(lap.address_string) > MAX_ADDRESS:
        raise LaporanError(f"Alamat paling panjang {MAX_ADDRESS} karakter.", 400, "address_string")
    if lap.lat is None and not lap.address_string:
        raise LaporanError(
            "Lokasi wajib: kirim lat dan long (titik di peta) atau address_string (alamat atau patokan).", 400, "lat"
        )
    if lap.media_url and (len(lap.media_url) > MAX_URL or not URL.fullmatch(lap.media_url)):
        raise LaporanError("media_url harus tautan http:// atau https:// tanpa spasi.", 400, "media_url")
    for name in ("first_name", "last_name"):
        value = getattr(lap, name)
        if value and len(value) > MAX_NAME:
            raise LaporanError(f"{name} paling panjang {MAX_NAME} karakter.", 400, name)
    if lap.email and (len(lap.email) > 254 or not EMAIL.fullmatch(lap.email)):
        raise LaporanError("Alamat surel (email) tidak sah.", 400, "email")
    if lap.phone and not PHONE.fullmatch(lap.phone):
        raise LaporanError(
            "Nomor telepon tidak sah: tulis nomor HP seperti 081234567890 atau +6281234567890.", 400, "phone"
        )


# ---------------------------------------------------------------------------------------------- duplicates
def _normalised(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _keyed(text: str) -> str:
    """A keyed hash (the PII key): the table can compare texts without holding a reversible copy."""
    from muara.ingest import pii

    return hmac.new(pii.key(), _normalised(text).encode("utf-8"), hashlib.sha256).hexdigest()


def _duplicate_of(conn: Any, lap: Laporan, text_hash: str, address_hash: str | None, now: datetime) -> str | None:
    rows = conn.execute(
        "select id, lat, long, alamat_hash from portal.laporan_warga "
        "where deskripsi_hash = %s and service_code = %s and created_at > %s and created_at <= %s "
        "order by created_at",
        (text_hash, lap.service_code, now - timedelta(minutes=DUPLICATE_MINUTES), now),
    ).fetchall()
    for r in rows:
        near = (
            lap.lat is not None
            and lap.long is not None
            and r["lat"] is not None
            and r["long"] is not None
            and lokasi.km_between(lap.lat, lap.long, r["lat"], r["long"]) * 1000 <= DUPLICATE_METRES
        )
        if near:
            return str(r["id"])
        if address_hash is not None and r["alamat_hash"] == address_hash:
            return str(r["id"])
    return None


# ------------------------------------------------------------------------------------------------- routing
_router_failed = False


def route(description: str, service_code: str) -> tuple[str, str, float | None]:
    """The OPD for a report: the complaint router's when it is confident and that OPD takes complaints here,
    else the chosen category's default OPD. Returns (kode_opd, how: ``rute`` or ``kategori``, confidence).
    A missing or broken model never stops a report: it falls back to the category."""
    global _router_failed
    default = categories()[service_code]["kode_opd_default"]
    if _router_failed or os.environ.get("MUARA_WARGA_RUTE", "1").strip() in ("0", "false", "no"):
        return default, "kategori", None
    try:
        from muara.analytics import rute

        saran = rute.load().route([description])[0]
    except Exception:  # no model, no scikit-learn, a broken artefact: route by category from now on
        _router_failed = True
        return default, "kategori", None
    if not saran.perlu_ditinjau and saran.opd in aduan_opds():
        return saran.opd, "rute", saran.keyakinan
    return default, "kategori", saran.keyakinan


# ------------------------------------------------------------------------------------------------ the file
def new_id(now: datetime) -> str:
    """``WRG-2026-K7Q2M4X9TA``: 10 random base32 characters (50 bits), so ids cannot be guessed or counted."""
    random = base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:10]
    return f"{ID_PREFIX}-{now.astimezone(settings.city().tz):%Y}-{random}"


def inbox_path(kode_opd: str, service_request_id: str) -> Path:
    return inbox.inbox_dir() / kode_opd / DATASET / f"warga_{service_request_id}.json"


def aduan_row(lap: Laporan, rid: str, kode_opd: str, kode_kelurahan: str, now: datetime) -> dict[str, Any]:
    """The row as the ``aduan`` contract names its columns; the ingest protects the personal ones."""
    local = now.astimezone(settings.city().tz).replace(microsecond=0).isoformat()
    name = " ".join(p for p in (lap.first_name, lap.last_name) if p) or None
    return {
        "nomor_aduan": rid,
        "kanal": lap.kanal,
        "kode_kategori": lap.service_code,
        "deskripsi": lap.description,
        "kode_opd": kode_opd,
        "kode_kelurahan": kode_kelurahan,
        "alamat": lap.address_string,
        "latitude": lap.lat,
        "longitude": lap.long,
        "url_foto": lap.media_url,
        "nama_pelapor": name,
        "telepon_pelapor": lap.phone,
        "status": "menunggu",
        "waktu_lapor": local,
        "waktu_pembaruan": local,
    }


def write_inbox_file(path: Path, row: dict[str, Any]) -> None:
    """Write under a hidden name (the inbox scan skips dot-files), then rename: the watcher never sees half a
    file. 0600: it holds the reporter's name and phone until the ingest protects them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([row], f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------------- submit
def submit(conn: Any, lap: Laporan, *, now: datetime | None = None) -> Diterima:
    """Take a report: validate, answer a duplicate with its first id, route, place, record, deliver.

    ``conn``: a psycopg connection with dict rows (the portal's). Raises :class:`LaporanError`. The id is
    answered at once; the row reaches ``marts.fct_aduan`` (as ``merah``: waiting) after the ingest and the
    warehouse run."""
    validate(lap)
    lap = _clean(lap)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    text_hash = _keyed(lap.description)
    address_hash = _keyed(lap.address_string) if lap.address_string else None
    # routing and placing may read a model or the warehouse: done before the lock, which only guards the check
    # for a repeat and the insert
    kode_opd, routed_by, confidence = route(lap.description, lap.service_code)
    kode_kelurahan, found_by = _kelurahan(conn, lap)
    with conn.transaction():
        # one report at a time per text: two equal reports sent at once get one id
        conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 311))", (text_hash,))
        if (earlier := _duplicate_of(conn, lap, text_hash, address_hash, now)) is not None:
            return Diterima(earlier, True)
        rid = new_id(now)
        path = inbox_path(kode_opd, rid)
        conn.execute(
            "insert into portal.laporan_warga (id, created_at, client, kanal, service_code, kode_opd, dirute_oleh, "
            "keyakinan_rute, kode_kelurahan, kelurahan_dari, lat, long, alamat, deskripsi, media_url, "
            "deskripsi_hash, alamat_hash, berkas) "
            "values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                rid,
                now,
                lap.client[:100],
                lap.kanal,
                lap.service_code,
                kode_opd,
                routed_by,
                confidence,
                kode_kelurahan,
                found_by,
                lap.lat,
                lap.long,
                mask_free_text(lap.address_string) if lap.address_string else None,
                mask_free_text(lap.description),
                lap.media_url,
                text_hash,
                address_hash,
                path.name,
            ),
        )
        # the file last, inside the transaction: if writing fails nothing is recorded; if the commit failed after
        # it, the report would still reach the OPD (the safer of the two)
        write_inbox_file(path, aduan_row(lap, rid, kode_opd, kode_kelurahan, now))
    return Diterima(rid, False)


def _kelurahan(conn: Any, lap: Laporan) -> tuple[str, str]:
    known = lokasi.city_kelurahan()
    if lap.kode_kelurahan and KELURAHAN.fullmatch(lap.kode_kelurahan) and lap.kode_kelurahan in known:
        return lap.kode_kelurahan, "pelapor"
    code, found_by = lokasi.find(conn, lap.lat, lap.long, lap.address_string)
    if code is None:
        raise LaporanError(
            "Kelurahan lokasi tidak dapat ditentukan dari titik atau alamat. Pilih kelurahan, atau tulis nama "
            "kelurahan di alamat (address_string).",
            400,
            "kode_kelurahan" if lap.kanal == "web" else "address_string",
        )
    return code, found_by


def public_status(conn: Any, service_request_id: str) -> dict[str, Any] | None:
    """The public fields of one request (Open311 names; no personal data), from the marts once the pipeline has
    built it, else from the portal table (``status`` open, ``status_notes`` "menunggu diproses"); None when
    unknown."""
    found = status.requests(conn, ids=[service_request_id])
    return found[0] if found else None
