"""What the public may read about complaints: Open311 ``requests`` and the ``/lapor/<id>`` status page.

From the marts (``marts.fct_aduan_publik``: built by the pipeline, no personal column), plus the citizens'
reports taken but not yet through the pipeline (``portal.laporan_warga``: status ``open``, "Menunggu
diproses"). Never from raw. Descriptions and addresses are masked again on the way out
(:func:`muara.ingest.pii.mask_free_text`), so a NIK, phone number or e-mail typed into them never shows, even in
a row an OPD sent from an older system.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from muara import settings
from muara.ingest.pii import mask_free_text
from muara.portal.warga import katalog, lokasi

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
STATUS_NOTES = {
    "menunggu": "Menunggu verifikasi",
    "diverifikasi": "Sudah diverifikasi, menunggu disposisi ke OPD",
    "didisposisi": "Sudah diteruskan ke OPD",
    "diproses": "Sedang diproses OPD",
    "selesai": "Selesai",
    "ditolak": "Ditolak (bukan kewenangan atau tidak valid)",
}
WAITING_NOTE = "Menunggu diproses"
#: the fields Open311 GeoReport v2 defines for a request, in the spec's order
OPEN311_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)

#: the requests chosen first (at most ``limit``, newest first, the id breaking ties so a JSON and an XML call list
#: the same order), and only those joined to fct_aduan for the colour and names: a join of the whole view before
#: the limit is planned as 1M x 1M when the tables were just rebuilt and not yet analyzed
MART_SQL = """
with pilih as (
    select * from marts.fct_aduan_publik p
    where {where}
    order by p.waktu_lapor desc, p.nomor_aduan desc
    limit %s
)
select p.nomor_aduan as id, p.kategori as service_code, p.nama_kategori as service_name, p.status, f.status_warna,
       p.sudah_selesai, p.deskripsi, p.alamat, p.latitude as lat, p.longitude as long, p.url_foto as media_url,
       p.kode_opd, f.nama_opd, p.kode_kelurahan, f.nama_kelurahan, p.waktu_lapor, p.waktu_pembaruan, p.batas_waktu,
       'gudang' as sumber
from pilih p
left join marts.fct_aduan f on p.nomor_aduan = f.nomor_aduan
"""
PORTAL_SQL = """
select w.id, w.service_code, null::text as service_name, 'menunggu' as status, 'merah' as status_warna,
       false as sudah_selesai, w.deskripsi, w.alamat, w.lat, w.long, w.media_url, w.kode_opd, null::text as nama_opd,
       w.kode_kelurahan, null::text as nama_kelurahan, w.created_at as waktu_lapor, w.created_at as waktu_pembaruan,
       null::timestamptz as batas_waktu, 'portal' as sumber
from portal.laporan_warga w
where {where} {not_built}
"""


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(settings.city().tz).replace(microsecond=0).isoformat()


def _mart_exists(conn: Any) -> bool:
    """Both marts the public reads are built (the same dbt build makes them)."""
    row = conn.execute(
        "select to_regclass('marts.fct_aduan_publik') is not null and to_regclass('marts.fct_aduan') is not null as ada"
    ).fetchone()
    return bool(row["ada"])


def _filters(
    id_col: str,
    code_col: str,
    time_col: str,
    closed_col: str,
    ids: list[str] | None,
    service_codes: list[str] | None,
    start: datetime | None,
    end: datetime | None,
    status: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause: ids alone when given (the spec: other parameters are then ignored), else the others."""
    if ids:
        return f"{id_col} = any(%s)", [ids]
    parts = [f"{time_col} >= %s", f"{time_col} <= %s"]
    args: list[Any] = [start, end]
    if service_codes:
        parts.append(f"{code_col} = any(%s)")
        args.append(service_codes)
    if status == "open":
        parts.append(f"not {closed_col}")
    elif status == "closed":
        parts.append(f"{closed_col}")
    return " and ".join(parts), args


def requests(
    conn: Any,
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    limit: int = MAX_REQUESTS,
) -> list[dict[str, Any]]:
    """Requests, newest first, as dicts with the Open311 fields and, for the ``/lapor`` page, ``status_aduan``
    (the Bahasa status), ``status_warna`` and ``nama_kelurahan``. Without ids and dates: the last
    ``DEFAULT_DAYS`` days. At most ``limit`` (1,000)."""
    now = datetime.now(UTC)
    if end is None:
        end = now if start is None else start + timedelta(days=DEFAULT_DAYS)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    limit = max(1, min(limit, MAX_REQUESTS))
    rows: list[dict[str, Any]] = []
    built = _mart_exists(conn)
    if built:
        where, args = _filters(
            "p.nomor_aduan", "p.kategori", "p.waktu_lapor", "p.sudah_selesai", ids, service_codes, start, end, status
        )
        rows += conn.execute(MART_SQL.format(where=where), (*args, limit)).fetchall()
    if status != "closed":
        where, args = _filters("w.id", "w.service_code", "w.created_at", "false", ids, service_codes, start, end, None)
        not_built = (
            "and not exists (select 1 from marts.fct_aduan_publik m where m.nomor_aduan = w.id)" if built else ""
        )
        rows += conn.execute(
            PORTAL_SQL.format(where=where, not_built=not_built) + " order by w.created_at desc, w.id desc limit %s",
            (*args, limit),
        ).fetchall()
    rows.sort(key=lambda r: (r["waktu_lapor"], r["id"]), reverse=True)
    cats = katalog.categories()
    opds = katalog.aduan_opds()
    names = lokasi.city_kelurahan()
    return [_public(r, cats, opds, names) for r in rows[:limit]]


def _public(
    r: dict[str, Any], cats: dict[str, dict[str, str]], opds: dict[str, str], kelurahan: dict[str, str]
) -> dict[str, Any]:
    category = cats.get(r["service_code"], {})
    waiting = r["sumber"] == "portal"  # taken, not yet through the pipeline
    return {
        "service_request_id": r["id"],
        "status": "closed" if r["sudah_selesai"] else "open",
        "status_notes": WAITING_NOTE if waiting else STATUS_NOTES.get(r["status"], r["status"]),
        "service_name": r["service_name"] or category.get("nama_kategori") or r["service_code"],
        "service_code": r["service_code"],
        "description": mask_free_text(r["deskripsi"] or ""),
        "agency_responsible": r["nama_opd"] or opds.get(r["kode_opd"]) or r["kode_opd"],
        "service_notice": None,
        "requested_datetime": _iso(r["waktu_lapor"]),
        "updated_datetime": _iso(r["waktu_pembaruan"]),
        "expected_datetime": _iso(r["batas_waktu"]),
        "address": mask_free_text(r["alamat"]) if r["alamat"] else None,
        "address_id": None,
        "zipcode": None,
        "lat": float(r["lat"]) if r["lat"] is not None else None,
        "long": float(r["long"]) if r["long"] is not None else None,
        "media_url": r["media_url"],
        "status_aduan": r["status"],
        "status_warna": r["status_warna"],
        "nama_kelurahan": r["nama_kelurahan"] or kelurahan.get(r["kode_kelurahan"] or ""),
    }
