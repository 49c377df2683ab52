"""What every route shares, injected with ``Depends``: the database connection, the logged-in officer (from
the session cookie) or the system (from the Bearer token), and the CSRF check. The sender always comes from
here, never from a form field or a JSON body.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from muara import settings
from muara.portal import accounts
from muara.portal import db as portal_db

SESSION_COOKIE = "muara_sesi"
LOGIN_CSRF_COOKIE = "muara_csrf_masuk"
SESSION_HOURS = 8


class LoginRequired(Exception):
    """No valid session: the page handler sends the officer to /masuk."""


def conn() -> Iterator[Any]:
    with portal_db.connect() as c:
        yield c


Conn = Annotated[Any, Depends(conn)]


def client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    account: accounts.Account
    csrf: str

    @property
    def sender(self) -> str | None:
        return self.account.sender


def cookie_options() -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": settings.portal_https(), "path": "/"}


def open_session(c: Any, account: accounts.Account) -> tuple[str, Session]:
    """A new session: the cookie's value (random, returned once) and what it stands for (its hash is kept)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    c.execute(
        "insert into portal.session (id_hash, username, csrf, expires_at) values (%s, %s, %s, %s)",
        (_hash(sid), account.username, csrf, datetime.now(UTC) + timedelta(hours=SESSION_HOURS)),
    )
    return sid, Session(account, csrf)


def close_session(c: Any, request: Request) -> None:
    if sid := request.cookies.get(SESSION_COOKIE):
        c.execute("delete from portal.session where id_hash = %s", (_hash(sid),))


def optional_session(request: Request, c: Conn) -> Session | None:
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid or len(sid) > 100:
        return None
    row = c.execute(
        "select s.csrf, a.username, a.sender, a.role from portal.session s join portal.account a using (username) "
        "where s.id_hash = %s and s.expires_at > now() and a.active",
        (_hash(sid),),
    ).fetchone()
    if row is None:
        return None
    return Session(accounts.Account(row["username"], row["sender"], row["role"]), row["csrf"])


OptionalSession = Annotated[Session | None, Depends(optional_session)]


def session(s: OptionalSession) -> Session:
    """The logged-in officer; every page but /masuk depends on it."""
    if s is None:
        raise LoginRequired()
    return s


SessionDep = Annotated[Session, Depends(session)]


def check_csrf(s: Session, token: str | None) -> None:
    """The form's hidden token must be this session's (a page of another site cannot know it)."""
    if not token or not hmac.compare_digest(token.encode(), s.csrf.encode()):
        raise HTTPException(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi.")


@dataclass(frozen=True)
class Caller:
    """Who calls the push API: the token's sender."""

    sender: str
    token_id: Any


def bearer(request: Request, c: Conn) -> Caller:
    """``Authorization: Bearer <token>``: a live token of a sender, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    found = accounts.token_sender(c, token.strip()) if scheme.lower() == "bearer" and token else None
    if found is None:
        portal_db.audit(c, "token_ditolak", client=client(request), path=request.url.path)
        raise HTTPException(
            401,
            "Token tidak ada, salah atau sudah dicabut. Kirim header 'Authorization: Bearer <token>' dengan token "
            "dari admin Muara (muara portal token create).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token_id, sender = found
    portal_db.audit(c, "token_pakai", sender=sender, client=client(request), token=str(token_id), path=request.url.path)
    return Caller(sender, token_id)


CallerDep = Annotated[Caller, Depends(bearer)]


def report_reader(request: Request, c: Conn) -> tuple[str | None, bool]:
    """For report files: the officer's session or a system's token. Returns (sender, is_admin)."""
    if request.headers.get("authorization"):
        caller = bearer(request, c)
        return caller.sender, False
    s = optional_session(request, c)
    if s is None:
        raise LoginRequired()
    return s.sender, s.account.is_admin


ReportReader = Annotated[tuple[str | None, bool], Depends(report_reader)]
