"""The officers' pages, server-rendered (Jinja2, autoescaped), in Bahasa Indonesia: Masuk, Beranda, Unggah,
Riwayat, Templat, and the report files behind Riwayat's links. Every page is scoped to the logged-in sender;
``admin`` sees every sender."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from muara import settings
from muara.portal import accounts, kiriman
from muara.portal import db as portal_db
from muara.portal.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Conn,
    OptionalSession,
    ReportReader,
    Session,
    SessionDep,
    check_csrf,
    client,
    close_session,
    cookie_options,
    open_session,
)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["app_name"] = "Pintu Data Muara"
STATUS_TEXT = {
    "loaded": "loaded — diterima semua",
    "partial": "partial — sebagian ditolak",
    "rejected": "rejected — ditolak",
    "duplicate": "duplicate — sudah pernah dikirim",
    "failed": "failed — kesalahan di Muara",
    "diterima": "diterima — sedang diproses",
}
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, s: Session | None, status_code: int = 200, **context: Any) -> Response:
    return TEMPLATES.TemplateResponse(
        request, name, {"s": s, "status_text": STATUS_TEXT, **context}, status_code=status_code
    )


def _sender_name(sender: str | None) -> str:
    if sender is None:
        return "semua pengirim (admin)"
    return accounts.senders().get(sender, sender)


# ---------------------------------------------------------------------------------------------------- masuk
@router.get("/masuk")
def masuk_form(request: Request, s: OptionalSession) -> Response:
    if s is not None:
        return RedirectResponse("/", 303)
    token = secrets.token_urlsafe(32)
    resp = render(request, "masuk.html", None, csrf=token)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_options())
    return resp


@router.post("/masuk")
async def masuk(request: Request, c: Conn) -> Response:
    form = await request.form()
    token, cookie = str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not token or not secrets.compare_digest(token.encode(), cookie.encode()):
        raise HTTPException(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu masuk lagi.")
    username = str(form.get("username") or "")[:64]
    result = accounts.authenticate(c, username, str(form.get("password") or ""))
    if isinstance(result, accounts.Refused):
        portal_db.audit(
            c,
            "masuk_dikunci" if result.locked_until else "masuk_gagal",
            username=username.strip().lower(),
            client=client(request),
        )
        status = 429 if result.locked_until else 401
        return render(request, "masuk.html", None, status_code=status, csrf=token, error=result.message)
    sid, _ = open_session(c, result)
    portal_db.audit(c, "masuk", username=result.username, sender=result.sender, client=client(request))
    resp = RedirectResponse("/", 303)
    resp.set_cookie(SESSION_COOKIE, sid, max_age=8 * 3600, **cookie_options())
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return resp


@router.post("/keluar")
async def keluar(request: Request, s: SessionDep, c: Conn) -> Response:
    form = await request.form()
    check_csrf(s, str(form.get("csrf") or ""))
    close_session(c, request)
    portal_db.audit(c, "keluar", username=s.account.username, sender=s.sender, client=client(request))
    resp = RedirectResponse("/masuk", 303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


# -------------------------------------------------------------------------------------------------- beranda
@router.get("/")
def beranda(request: Request, s: SessionDep, c: Conn) -> Response:
    from muara.portal import jadwal

    if s.sender is None:  # admin: every sender's lines
        lines = [(sender, jadwal.for_sender(c, sender, accounts.datasets_of(sender))) for sender in accounts.senders()]
    else:
        lines = [(s.sender, jadwal.for_sender(c, s.sender, accounts.datasets_of(s.sender)))]
    return render(request, "beranda.html", s, lines=lines, names=accounts.senders(), tz=settings.city().tz)


# ---------------------------------------------------------------------------------------------------- unggah
def _datasets(s: Session) -> list[str]:
    return accounts.datasets_of(s.sender)


@router.get("/unggah")
def unggah_form(request: Request, s: SessionDep) -> Response:
    return render(request, "unggah.html", s, datasets=_datasets(s), senders=accounts.senders())


def _owned(s: Session, dataset: str, sender_field: str | None) -> str:
    """The sender the upload is for: the session's own, or (admin only) the one chosen; 403 when the dataset
    is not theirs."""
    sender = s.sender if s.sender is not None else (sender_field or "")
    if sender not in accounts.senders() or dataset not in accounts.datasets_of(sender):
        raise HTTPException(
            403,
            f"Dataset {dataset!r} bukan dataset yang dikirim oleh {sender or 'pengirim ini'}. Pilih salah satu "
            "dataset di daftar; bila pengirim Anda memang bertugas mengirimnya, minta admin Muara mendaftarkannya.",
        )
    return sender


@router.post("/unggah")
async def unggah(request: Request, s: SessionDep, c: Conn) -> Response:
    from starlette.concurrency import run_in_threadpool

    from muara.portal.checking import check

    form = await request.form()
    check_csrf(s, str(form.get("csrf") or ""))
    dataset = str(form.get("dataset") or "")
    sender = _owned(s, dataset, str(form.get("pengirim") or "") or None)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(
            request,
            "unggah.html",
            s,
            status_code=400,
            datasets=_datasets(s),
            senders=accounts.senders(),
            error="Pilih berkas CSV, XLSX atau JSON dulu, lalu tekan Periksa.",
        )
    got = await run_in_threadpool(kiriman.receive, upload.file, upload.filename)
    checked = await run_in_threadpool(check, got, dataset, sender)
    kiriman.record(
        c,
        got,
        sender=sender,
        dataset=dataset,
        via="portal",
        username=s.account.username,
        check_exit=checked.exit_code,
        check_answer={k: v for k, v in checked.answer.items() if k != "rejected_rows"},
    )
    if checked.exit_code == 2:  # cannot be sent: nothing of it stays
        kiriman.discard(got.path)
    portal_db.audit(
        c,
        "unggah",
        username=s.account.username,
        sender=sender,
        client=client(request),
        kiriman=str(got.id),
        dataset=dataset,
        berkas=got.original_name,
        bytes=got.size,
        exit=checked.exit_code,
    )
    return render(
        request,
        "unggah.html",
        s,
        datasets=_datasets(s),
        senders=accounts.senders(),
        chosen=dataset,
        got=got,
        checked=checked,
        sender=sender,
    )


@router.post("/unggah/{kiriman_id}/kirim")
async def kirim(
    request: Request, kiriman_id: uuid.UUID, s: SessionDep, c: Conn, background: BackgroundTasks
) -> Response:
    """Into the inbox at once, where the ingest DAG's watcher takes it within seconds (Riwayat follows it)."""
    from muara.portal.trigger import check_and_mark

    form = await request.form()
    check_csrf(s, str(form.get("csrf") or ""))
    row = kiriman.one(c, kiriman_id, s.sender)
    if row is None:
        raise HTTPException(404, "Berkas ini tidak ditemukan.")
    if row["state"] != "diperiksa":
        return RedirectResponse(f"/riwayat?baru={kiriman_id}", 303)
    if row["check_exit"] == 2:
        raise HTTPException(
            409,
            f"Berkas ini tidak dapat dikirim karena tidak bisa dibaca sebagai data {row['dataset']}: "
            f"{(row['check_answer'] or {}).get('message') or ''} Perbaiki berkasnya lalu unggah lagi.",
        )
    kiriman.deliver(c, kiriman_id, row["sender"], row["dataset"], row["stored_name"])
    background.add_task(check_and_mark, kiriman_id)
    portal_db.audit(
        c,
        "kirim",
        username=s.account.username,
        sender=row["sender"],
        client=client(request),
        kiriman=str(kiriman_id),
        dataset=row["dataset"],
    )
    return RedirectResponse(f"/riwayat?baru={kiriman_id}", 303)


# --------------------------------------------------------------------------------------------------- riwayat
@router.get("/riwayat")
def riwayat(request: Request, s: SessionDep, c: Conn) -> Response:
    rows = kiriman.history(c, s.sender)
    fresh = request.query_params.get("baru")
    return render(request, "riwayat.html", s, rows=rows, fresh=fresh, tz=settings.city().tz)


# --------------------------------------------------------------------------------------------------- templat
@router.get("/templat")
def templat_list(request: Request, s: SessionDep) -> Response:
    from muara.contract.model import get

    items = [(name, get(name).title, get(name).frequency_text) for name in _datasets(s)]
    return render(request, "templat.html", s, items=items)


@router.get("/templat/{dataset}.xlsx")
def templat_file(dataset: str, s: SessionDep) -> Response:
    from muara.portal import templat

    if dataset not in _datasets(s):
        raise HTTPException(404, "Templat ini tidak ada untuk pengirim Anda.")
    body = templat.xlsx(dataset, s.sender)
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="templat_{dataset}.xlsx"'},
    )


# --------------------------------------------------------------------------------------------------- laporan
NOT_FOUND = "Laporan ini tidak ditemukan."


def _report_files(c: Any, batch_id: str, who: tuple[str | None, bool]) -> dict[str, Path]:
    """The report files of a ledger row this caller may read; 404 for anything else (another sender's batch
    answers exactly like one that does not exist)."""
    sender, is_admin = who
    try:
        ident = uuid.UUID(batch_id)
    except ValueError as exc:
        raise HTTPException(404, NOT_FOUND) from exc
    row = c.execute(
        "select sender, report_path, data_docs_path from muara.ingest_batch where batch_id = %s", (ident,)
    ).fetchone()
    if row is None or not row["report_path"] or (not is_admin and row["sender"] != sender):
        raise HTTPException(404, NOT_FOUND)
    root = (settings.data_dir() / "reports").resolve()
    html = Path(row["report_path"]).resolve()
    files = {"html": html, "csv": html.with_name(html.stem + "_ditolak.csv")}
    if row["data_docs_path"]:
        files["gx"] = Path(row["data_docs_path"]).resolve()
    return {k: p for k, p in files.items() if p.is_relative_to(root) and p.is_file()}


@router.get("/laporan/{batch_id}/")
def laporan(batch_id: str, c: Conn, who: ReportReader) -> Response:
    files = _report_files(c, batch_id, who)
    if "html" not in files:
        raise HTTPException(404, NOT_FOUND)
    return FileResponse(files["html"], media_type="text/html; charset=utf-8")


@router.get("/laporan/{batch_id}/{name}")
def laporan_file(batch_id: str, name: str, c: Conn, who: ReportReader) -> Response:
    """``ditolak.csv``, ``gx``, or the GX page by the name the HTML report links it with."""
    files = _report_files(c, batch_id, who)
    if name == "ditolak.csv" and "csv" in files:
        return FileResponse(files["csv"], media_type="text/csv; charset=utf-8", filename=f"{batch_id[:8]}_ditolak.csv")
    if "gx" in files and name in ("gx", files["gx"].name):
        return FileResponse(files["gx"], media_type="text/html; charset=utf-8")
    raise HTTPException(404, NOT_FOUND)
