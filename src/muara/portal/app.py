"""The portal's web application: ``create_app()`` (uvicorn ``--factory``) wires the pages, the push API, and
what a security auditor asks for around them: the size limit enforced while the body streams in, rate limits,
security headers (CSP, frame denial, nosniff), and errors that never show a stack trace.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from muara import settings
from muara.portal import api, pages
from muara.portal.deps import LoginRequired, optional_session
from muara.portal.kiriman import TooLarge
from muara.portal.warga import lapor, open311

log = logging.getLogger("muara.portal")
#: the multipart envelope around the file: boundaries, field names, the dataset and the CSRF token
ENVELOPE = 64 * 1024
PAGE_CSP = (
    "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
OPEN311 = open311.PREFIX + "/"
#: the reports are self-contained pages with inline styles and no script of theirs to run
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"


def rate_limits() -> dict[str, tuple[int, float]]:
    """Requests per minute per client address: POSTs (``MUARA_PORTAL_POSTS_PER_MINUTE``, default 60) and all."""
    import os

    posts = int(os.environ.get("MUARA_PORTAL_POSTS_PER_MINUTE") or 60)
    # citizens' reports from /lapor: MUARA_LAPOR_POSTS_PER_10_MINUTES per address (default 10; a whole
    # kampung behind one carrier NAT may need more)
    reports = int(os.environ.get("MUARA_LAPOR_POSTS_PER_10_MINUTES") or 10)
    return {"post": (posts, 60.0), "any": (max(600, posts * 4), 60.0), "lapor": (reports, 600.0)}


def too_large_text() -> str:
    mb = settings.max_file_bytes() / (1024 * 1024)
    return (
        f"Berkas lebih besar dari batas {mb:g} MB (MUARA_MAX_FILE_MB). Pecah berkas per bulan atau per minggu, "
        "atau simpan sebagai CSV (lebih kecil dari XLSX), lalu kirim lagi."
    )


def body_limit(path: str) -> int:
    """The largest body a path takes: an export plus its envelope for uploads; a small form for Open311; one photo
    (``MUARA_LAPOR_FOTO_MB``) and a few fields for a citizen's report on /lapor."""
    if path.startswith(OPEN311):
        return settings.open311_limits()["max_body"]
    if _lapor(path):
        from muara.portal.warga import foto

        return foto.max_bytes() + lapor.FORM_ENVELOPE
    return settings.max_file_bytes() + ENVELOPE


def too_large_for(path: str) -> str:
    if path.startswith(OPEN311):
        kb = settings.open311_limits()["max_body"] / 1024
        return (
            f"Isi permintaan lebih besar dari batas {kb:g} KB (MUARA_OPEN311_MAX_BODY_KB); kirim foto sebagai "
            "media_url."
        )
    if _lapor(path):
        from muara.portal.warga import foto

        return foto.too_large_text()
    return too_large_text()


class BodyLimit:
    """413 for a body over the limit: at once when Content-Length says so, else as soon as the streamed bytes
    pass it (the upload is abandoned; nothing of it reaches the inbox)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _answer(scope, send, 413, too_large_for(scope["path"]))
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(seen)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except TooLarge:
            if not started:
                await _answer(scope, send, 413, too_large_for(scope["path"]))


def _lapor(path: str) -> bool:
    return path == "/lapor" or path.startswith("/lapor/")


async def _answer(scope: Scope, send: Send, status: int, text: str) -> None:
    if scope["path"].startswith(OPEN311):
        resp: Response = open311.error_response(scope["path"], status, text)
    elif scope["path"].startswith("/api/"):
        resp = JSONResponse({"detail": text}, status)
    else:
        back = ("/lapor", "Kembali ke formulir Lapor") if _lapor(scope["path"]) else ("/unggah", "Kembali ke Unggah")
        resp = Response(_plain_page(status, text, back), status, media_type="text/html; charset=utf-8")
    _headers(resp, scope["path"])
    await resp(scope, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a response never reads the request
    return {"type": "http.disconnect"}


def _plain_page(status: int, text: str, back: tuple[str, str] = ("/unggah", "Kembali ke Unggah")) -> str:
    import html

    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Pintu Data Muara</title>'
        '<link rel="stylesheet" href="/static/portal.css"></head><body><main>'
        f"<h1>Tidak dapat diproses ({status})</h1><p>{html.escape(text)}</p>"
        f'<p><a href="{back[0]}">{back[1]}</a></p></main></body></html>'
    )


class RateLimit:
    """A sliding window per client address: ``rate_limits()`` for POSTs and for everything; 429 beyond."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.limits = rate_limits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        who = (scope.get("client") or ("-", 0))[0]
        now = time.monotonic()
        kinds: tuple[str, ...] = ("any", "post") if scope["method"] == "POST" else ("any",)
        if scope["method"] == "POST" and scope["path"] == "/lapor":
            kinds += ("lapor",)
        for kind in kinds:
            most, window = self.limits[kind]
            hits = self.seen[(who, kind)]
            while hits and hits[0] < now - window:
                hits.popleft()
            if len(hits) >= most:
                text = (
                    "Terlalu banyak laporan dari alamat ini dalam 10 menit. Tunggu beberapa menit lalu kirim lagi."
                    if kind == "lapor"
                    else "Terlalu banyak permintaan dari alamat ini dalam satu menit. Tunggu sebentar lalu coba lagi."
                )
                await _answer(scope, send, 429, text)
                return
            hits.append(now)
        await self.app(scope, receive, send)


def _headers(response: Response, path: str) -> None:
    csp = REPORT_CSP if path.startswith("/laporan/") else PAGE_CSP
    if _lapor(path):
        csp = lapor.page_csp(csp)
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    if settings.portal_https():
        response.headers["Strict-Transport-Security"] = "max-age=31536000"


def create_app() -> FastAPI:
    """The application (``uvicorn --factory muara.portal.app:create_app``)."""
    app = FastAPI(
        title="Pintu Data Muara — API kiriman",
        version="1",
        description=(
            "Kirim berkas ekspor (CSV, XLSX, JSON) dari sistem Anda ke Muara dengan token per pengirim "
            "(`Authorization: Bearer <token>`; minta ke admin Muara: `muara portal token create --sender KODE`)."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        _headers(response, request.url.path)
        return response

    app.add_middleware(BodyLimit)
    app.add_middleware(RateLimit)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(open311.router)
    app.include_router(lapor.router)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The OpenAPI description as a plain page (Swagger UI would load its scripts from a CDN)."""
        return pages.render(request, "api_docs.html", None, spec=app.openapi())

    @app.get("/sehat", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    install_error_pages(app)
    return app


def _error(request: Request, status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """An error as JSON for the API, as the spec's error list for Open311, and as a page in Bahasa for the
    officer; never a stack trace."""
    if request.url.path.startswith(OPEN311):
        resp = open311.error_response(request.url.path, status, text, headers)
        _headers(resp, request.url.path)
        return resp
    if request.url.path.startswith("/api/"):
        resp = JSONResponse({"detail": text}, status, headers=headers)
        _headers(resp, request.url.path)
        return resp
    if _lapor(request.url.path) or request.url.path.startswith("/media/"):  # a citizen: the citizens' page
        resp = lapor.error_page(request, status, text)
        _headers(resp, request.url.path)
        return resp
    try:
        from muara.portal import db as portal_db

        with portal_db.connect() as c:
            s = optional_session(request, c)
    except Exception:
        s = None
    resp = pages.render(request, "galat.html", s, status_code=status, code=status, text=text)
    _headers(resp, "/")
    return resp


def install_error_pages(app: FastAPI) -> None:
    """Every error an officer or a system can meet, in Bahasa; Starlette's own (404, 405) included."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.startswith("/laporan/"):
            return _error(request, 404, pages.NOT_FOUND)
        return RedirectResponse("/masuk", 303)

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        return _error(request, 413, too_large_text())

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        text = exc.detail if isinstance(exc.detail, str) else "Permintaan tidak dapat diproses."
        if exc.status_code == 404 and text == "Not Found":
            text = "Halaman ini tidak ada."
        if exc.status_code == 400 and "multipart" in text.lower():
            text = "Isi kiriman tidak terbaca sebagai formulir unggah (multipart). Kirim ulang berkasnya."
        if exc.status_code == 405:
            text = "Cara permintaan ini tidak dilayani di alamat ini."
        return _error(request, exc.status_code, text, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        missing = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        return _error(
            request, 422, f"Isian tidak lengkap atau tidak sah: {', '.join(missing) or '-'}. Kirim dataset dan file."
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return _error(
            request,
            500,
            "Terjadi kesalahan di sistem Muara, bukan karena berkas Anda. Kesalahan ini sudah tercatat untuk tim "
            "data; coba lagi beberapa saat lagi atau hubungi admin Muara.",
        )
