"""Open311 GeoReport v2 at ``/open311/v2/`` (open311/open311.github.io, ``GeoReport/v2``), JSON and XML by the
suffix (``services.json``, ``requests.xml``):

- ``GET services.{fmt}``: the city's complaint categories (``kategori_aduan.csv``), ``group`` = the OPD's name;
- ``GET requests.{fmt}``: ``service_request_id`` (comma list; overrides the rest), ``service_code`` (comma list),
  ``start_date`` / ``end_date`` (w3 with offset, at most 90 days apart), ``status`` (open, closed); the last 90
  days and at most 1,000 by default; from the marts (``marts.fct_aduan_publik``) plus reports taken but not yet
  through the pipeline; nothing personal, NIKs and phone numbers in texts masked;
- ``GET requests/{id}.{fmt}``: a list of one, or a 404 error list;
- ``POST requests.{fmt}``: form-encoded, ``api_key`` of a client app (``muara portal token create --client``),
  answers ``[{"service_request_id", "service_notice", "account_id"}]`` at once (:func:`intake.submit`).

Errors are the spec's list (``[{"code": 404, "description": ...}]``, ``<errors><error><code>``) with the HTTP status
as code; the app's own handlers (unknown route, body too large, rate limit, crash) answer in the same shape for
every path under ``/open311/`` (:func:`error_response`).

GETs carry ``Access-Control-Allow-Origin: *``: this is open data for anyone's map or newsroom page, the answers hold
nothing personal, and no cookie or credential is involved. POST does not: a key belongs in a client app's server
or app, not in a web page of another site.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from muara import settings
from muara.portal import accounts
from muara.portal import db as portal_db
from muara.portal.deps import Conn, client
from muara.portal.warga import intake, status

PREFIX = "/open311/v2"
FORMATS = ("json", "xml")
MAX_SPAN = timedelta(days=status.DEFAULT_DAYS)
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
POST_FIELDS = ("service_request_id", "service_notice", "account_id")
#: characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{3,39}")
_WORD = re.compile(r"[a-z0-9]+")
SATUAN = {"hari_kerja": "hari kerja", "hari": "hari", "jam": "jam"}

router = APIRouter(prefix=PREFIX, tags=["open311"])


# ------------------------------------------------------------------------------------------------ rendering
def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def to_xml(root: str, item: str, rows: list[dict[str, Any]], fields: tuple[str, ...]) -> bytes:
    """``<root><item><field>…`` as the spec's examples; ElementTree escapes every text."""
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        for f in fields:
            ET.SubElement(el, f).text = _xml_text(row.get(f))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def answer(
    fmt: str, root: str, item: str, rows: list[dict[str, Any]], fields: tuple[str, ...], code: int = 200
) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, rows, fields), code, media_type="text/xml; charset=utf-8")
    import json

    body = json.dumps([{f: r.get(f) for f in fields} for r in rows], ensure_ascii=False)
    return Response(body.encode("utf-8"), code, media_type="application/json; charset=utf-8")


def fmt_of(path: str) -> str:
    """``xml`` when the path ends in ``.xml``, else ``json`` (also for an unknown suffix's error)."""
    return "xml" if path.lower().endswith(".xml") else "json"


def error_response(path: str, code: int, description: str, headers: dict[str, str] | None = None) -> Response:
    """The spec's error list, in the format the path asks for."""
    resp = answer(
        fmt_of(path), "errors", "error", [{"code": code, "description": description}], ("code", "description")
    )
    resp.status_code = code
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


class Open311Error(Exception):
    def __init__(self, code: int, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.headers = headers


def _check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise Open311Error(404, f"Format {fmt[:10]!r} tidak tersedia; pakai .json atau .xml.")
    return fmt


def _cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


# -------------------------------------------------------------------------------------------------- services
def services() -> list[dict[str, Any]]:
    opds = intake.aduan_opds()
    out = []
    for code, row in intake.categories().items():
        opd = opds.get(row["kode_opd_default"], row["kode_opd_default"])
        words = sorted({w for w in _WORD.findall(row["nama_kategori"].lower()) if len(w) > 2})
        out.append(
            {
                "service_code": code,
                "service_name": row["nama_kategori"],
                "description": (
                    f"{row['nama_kategori']}. Ditangani {opd}; target penanganan {row['sla_nilai']} "
                    f"{SATUAN.get(row['sla_satuan'], row['sla_satuan'])}."
                ),
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join([code.replace("_", " "), *words]),
                "group": opd,
            }
        )
    return out


@router.get("/services.{fmt}")
def get_services(request: Request, fmt: str) -> Response:
    try:
        fmt = _check_format(fmt)
    except Open311Error as e:
        return error_response(request.url.path, e.code, e.description)
    return _cors(answer(fmt, "services", "service", services(), SERVICE_FIELDS))


# -------------------------------------------------------------------------------------------------- requests
def _when(name: str, value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    text = value.strip().replace(" ", "+")  # a '+' offset not URL-encoded arrives as a space
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} bukan waktu w3 yang sah (contoh 2026-12-01T00:00:00+08:00).") from exc
    if when.tzinfo is None:
        raise Open311Error(400, f"{name} harus memuat zona waktu (Z atau +08:00), contoh 2026-12-01T00:00:00Z.")
    return when


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def query(conn: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    """GET requests: the spec's arguments, checked; ``jurisdiction_id`` ignored (one city per endpoint)."""
    ids = [i for i in _list(params.get("service_request_id")) if _ID.fullmatch(i)][: status.MAX_REQUESTS]
    if params.get("service_request_id", "").strip():
        return status.requests(conn, ids=ids) if ids else []
    codes = _list(params.get("service_code"))
    statuses = {s.lower() for s in _list(params.get("status"))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status hanya boleh open atau closed (boleh keduanya, dipisah koma).")
    start, end = _when("start_date", params.get("start_date")), _when("end_date", params.get("end_date"))
    if start and end and end < start:
        raise Open311Error(400, "end_date lebih awal dari start_date.")
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "Rentang start_date sampai end_date paling lama 90 hari.")
    wanted = statuses.pop() if len(statuses) == 1 else None
    return status.requests(conn, service_codes=codes or None, start=start, end=end, status=wanted)


def _public(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{f: r.get(f) for f in status.OPEN311_FIELDS} for r in rows]


@router.get("/requests.{fmt}")
def get_requests(request: Request, fmt: str, conn: Conn) -> Response:
    try:
        fmt = _check_format(fmt)
        rows = query(conn, dict(request.query_params))
    except Open311Error as e:
        return error_response(request.url.path, e.code, e.description)
    return _cors(answer(fmt, "service_requests", "request", _public(rows), status.OPEN311_FIELDS))


@router.get("/requests/{service_request_id:path}.{fmt}")  # ids from OPD systems may hold "/"
def get_request(request: Request, service_request_id: str, fmt: str, conn: Conn) -> Response:
    try:
        fmt = _check_format(fmt)
        found = intake.public_status(conn, service_request_id) if _ID.fullmatch(service_request_id) else None
        if found is None:
            raise Open311Error(404, f"Permintaan {service_request_id[:40]!r} tidak ditemukan.")
    except Open311Error as e:
        return _cors(error_response(request.url.path, e.code, e.description))
    return _cors(answer(fmt, "service_requests", "request", _public([found]), status.OPEN311_FIELDS))


# ------------------------------------------------------------------------------------------------------ POST
class Window:
    """A sliding one-minute window per key: ``hit`` says whether one more is allowed, and counts it."""

    def __init__(self) -> None:
        self.seen: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str, most: int, window: float = 60.0) -> bool:
        now = time.monotonic()
        hits = self.seen[key]
        while hits and hits[0] < now - window:
            hits.popleft()
        if len(hits) >= most:
            return False
        hits.append(now)
        return True


def _limiter(request: Request) -> Window:
    state = request.app.state
    if not hasattr(state, "open311_window"):
        state.open311_window = Window()
    window: Window = state.open311_window
    return window


TOO_MANY_IP = "Terlalu banyak laporan dari alamat ini dalam satu menit ({n}). Tunggu sebentar lalu kirim lagi."
TOO_MANY_KEY = "Terlalu banyak laporan dengan api_key ini dalam satu menit ({n}). Tunggu sebentar lalu kirim lagi."
RETRY = {"Retry-After": "60"}


def _float(name: str, value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value.strip())
    except ValueError as exc:
        raise intake.LaporanError(f"{name} harus angka derajat desimal (contoh -10.1718).", 400, name) from exc


def _notice(rid: str, duplicate: bool, conn: Any) -> str:
    found = intake.public_status(conn, rid)
    opd = found["agency_responsible"] if found else None
    if duplicate:
        return f"Laporan yang sama sudah diterima beberapa menit lalu dengan nomor {rid}; tidak dicatat dua kali."
    return (
        f"Laporan diterima dengan nomor {rid} dan diteruskan ke {opd}. Status dapat dipantau di "
        f"{PREFIX}/requests/{rid}.json."
    )


@router.post("/requests.{fmt}")
async def post_request(request: Request, fmt: str, conn: Conn) -> Response:
    path = request.url.path
    limits = settings.open311_limits()
    window = _limiter(request)
    who = client(request)
    try:
        fmt = _check_format(fmt)
        if not window.hit(f"ip:{who}", limits["per_ip"]):
            raise Open311Error(429, TOO_MANY_IP.format(n=limits["per_ip"]), RETRY)
        form = await request.form(max_files=0, max_fields=50)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        found = accounts.token_client(conn, fields.get("api_key", "").strip())
        if found is None:
            portal_db.audit(conn, "open311_kunci_ditolak", client=who, path=path)
            raise Open311Error(403, "api_key tidak ada, salah atau sudah dicabut. Minta kunci ke admin Muara kota.")
        token_id, app_name = found
        if not window.hit(f"key:{token_id}", limits["per_key"]):
            raise Open311Error(429, TOO_MANY_KEY.format(n=limits["per_key"]), RETRY)
        laporan = intake.Laporan(
            service_code=fields.get("service_code", ""),
            description=fields.get("description", ""),
            lat=_float("lat", fields.get("lat")),
            long=_float("long", fields.get("long")),
            address_string=fields.get("address_string"),
            media_url=fields.get("media_url"),
            first_name=fields.get("first_name"),
            last_name=fields.get("last_name"),
            email=fields.get("email"),
            phone=fields.get("phone"),
            kanal="aplikasi",
            client=app_name,
        )
        got = intake.submit(conn, laporan)
    except Open311Error as e:
        return error_response(path, e.code, e.description, e.headers)
    except intake.LaporanError as e:
        return error_response(path, e.code, str(e))
    portal_db.audit(
        conn, "open311_laporan", client=who, token=str(token_id), id=got.service_request_id, duplikat=got.duplicate
    )
    row = {
        "service_request_id": got.service_request_id,
        "service_notice": _notice(got.service_request_id, got.duplicate, conn),
        "account_id": None,
    }
    return answer(fmt, "service_requests", "request", [row], POST_FIELDS)
