"""Who may log in and for which sender: one account per OPD registered for at least one dataset
(``opd_pupr``), one per kelurahan when a dataset is sent by kelurahan (``kel_53_71_04_1011``), named officers
added by hand, and ``admin`` (data engineers: every sender). Passwords are hashed with argon2id; API tokens
with sha256 (256 random bits need no slow hash). Login throttling: 5 failures in 15 minutes lock the name for
15 minutes, whether or not the name exists (so the answer tells nobody which names do).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from muara import settings

ADMIN = "admin"
#: OWASP's argon2id minimum (19 MiB, 2 passes): provisioning a city's few hundred accounts takes seconds
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
USERNAME = re.compile(r"[a-z][a-z0-9_]{2,63}")
TOKEN_PREFIX = "muara_"
#: Open311 client apps' API keys: another prefix and another table, so neither kind passes as the other
CLIENT_TOKEN_PREFIX = "open311_"
CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{1,63}")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Account:
    username: str
    sender: str | None  # None: admin, every sender
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def username_for(sender: str) -> str:
    """``PUPR`` -> ``opd_pupr``; ``53.71.04.1011`` -> ``kel_53_71_04_1011``."""
    if re.fullmatch(r"\d{2}(\.\d+)+", sender):
        return "kel_" + sender.replace(".", "_")
    return "opd_" + sender.lower()


def senders(city_code: str | None = None) -> dict[str, str]:
    """Every sender that must send something in this city, with its name: OPDs registered for at least one
    dataset, and every kelurahan when a dataset is sent by kelurahan."""
    from muara.contract import reference
    from muara.contract.model import load_all

    contracts = load_all()
    out: dict[str, str] = {}
    names = {r["kode_opd"]: r["nama_opd"] for r in reference.opd(city_code)}
    names |= {r["kode_kelurahan"]: f"Kelurahan {r['nama_kelurahan']}" for r in reference.kelurahan(city_code)}
    for name, contract in sorted(contracts.items()):
        for sender in reference.senders_of(name, contract.sender_kind, city_code):
            out[sender] = names.get(sender, sender)
    return dict(sorted(out.items()))


def datasets_of(sender: str | None, city_code: str | None = None) -> list[str]:
    """The datasets ``sender`` is registered for (every dataset for None, the admin)."""
    from muara.contract import reference
    from muara.contract.model import load_all

    contracts = load_all()
    if sender is None:
        return sorted(contracts)
    return sorted(
        name for name, c in contracts.items() if sender in reference.senders_of(name, c.sender_kind, city_code)
    )


def logins_file() -> Path:
    return settings.data_dir() / "secrets" / "portal-logins.json"


def _write_logins(logins: dict[str, str]) -> Path:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(logins, f, indent=2, sort_keys=True)
    tmp.replace(path)
    return path


def _set(conn: Any, username: str, sender: str | None, role: str, password: str) -> None:
    conn.execute(
        "insert into portal.account (username, sender, role, password_hash) values (%s, %s, %s, %s) "
        "on conflict (username) do update set sender = excluded.sender, role = excluded.role, "
        "password_hash = excluded.password_hash, password_set_at = now(), active = true",
        (username, sender, role, HASHER.hash(password)),
    )


def provision(conn: Any, city_code: str | None = None) -> dict[str, str]:
    """Every sender's account and ``admin``, each with a new generated password, written to
    ``data/secrets/portal-logins.json`` (0600): the truth each provision sets again. Named officers' accounts
    (``user add``) keep theirs. Returns the logins by username."""
    logins = {ADMIN: secrets.token_urlsafe(12)}
    _set(conn, ADMIN, None, "admin", logins[ADMIN])
    for sender in senders(city_code):
        username = username_for(sender)
        logins[username] = secrets.token_urlsafe(12)
        _set(conn, username, sender, "petugas", logins[username])
    _write_logins(logins)
    return logins


def add_user(conn: Any, sender: str, username: str, city_code: str | None = None) -> str:
    """A named officer of ``sender``; returns the generated password (shown once, not written to a file)."""
    if not USERNAME.fullmatch(username):
        raise AccountError(
            f"Nama pengguna {username!r} tidak sah: huruf kecil, angka dan garis bawah, 3-64 karakter, "
            "diawali huruf (misalnya budi_pupr)."
        )
    if sender not in senders(city_code):
        raise AccountError(f"Pengirim {sender!r} tidak terdaftar untuk dataset apa pun di kota ini.")
    row = conn.execute("select sender from portal.account where username = %s", (username,)).fetchone()
    if row is not None and row["sender"] != sender:
        raise AccountError(f"Nama pengguna {username!r} sudah dipakai oleh pengirim lain.")
    password = secrets.token_urlsafe(12)
    _set(conn, username, sender, "petugas", password)
    return password


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Any, sender: str, label: str | None = None, by: str | None = None) -> tuple[uuid.UUID, str]:
    """A new API token for ``sender``: returned once, stored only as its sha256."""
    if sender not in senders():
        raise AccountError(f"Pengirim {sender!r} tidak terdaftar untuk dataset apa pun di kota ini.")
    token_id = uuid.uuid4()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "insert into portal.token (id, sender, token_hash, label, created_by) values (%s, %s, %s, %s, %s)",
        (token_id, sender, _token_hash(token), label, by),
    )
    return token_id, token


def revoke_token(conn: Any, token_id: str) -> bool:
    """Revoke a sender's token or an Open311 client key by its id (as ``token create`` printed it). False when no
    live token or key has that id."""
    try:
        ident = uuid.UUID(token_id)
    except ValueError as exc:
        raise AccountError(f"{token_id!r} bukan id token (UUID seperti yang dicetak `token create`).") from exc
    for table in ("token", "client_token"):  # fixed names: never from the caller
        row = conn.execute(
            f"update portal.{table} set revoked_at = now() where id = %s and revoked_at is null returning id",
            (ident,),
        ).fetchone()
        if row is not None:
            return True
    return False


def token_sender(conn: Any, token: str) -> tuple[uuid.UUID, str] | None:
    """The live token's id and sender, or None (unknown or revoked); marks it used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(
        "update portal.token set last_used_at = now() where token_hash = %s and revoked_at is null "
        "returning id, sender",
        (_token_hash(token),),
    ).fetchone()
    return (row["id"], row["sender"]) if row else None


def create_client_token(
    conn: Any, client: str, label: str | None = None, by: str | None = None
) -> tuple[uuid.UUID, str]:
    """A new Open311 API key for the client app ``client`` (e.g. ``FixMyStreet Kupang``): returned once, stored
    only as its sha256 in ``portal.client_token``. It can post citizens' reports, nothing else."""
    if not CLIENT_NAME.fullmatch(client):
        raise AccountError(
            f"Nama aplikasi {client!r} tidak sah: 2-64 huruf, angka, spasi, titik, garis bawah atau tanda hubung, "
            "diawali huruf atau angka (misalnya 'FixMyStreet Kupang')."
        )
    token_id = uuid.uuid4()
    token = CLIENT_TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "insert into portal.client_token (id, client, token_hash, label, created_by) values (%s, %s, %s, %s, %s)",
        (token_id, client, _token_hash(token), label, by),
    )
    return token_id, token


def token_client(conn: Any, token: str) -> tuple[uuid.UUID, str] | None:
    """The live Open311 key's id and client app name, or None (unknown, revoked, or a sender's token)."""
    if not token.startswith(CLIENT_TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(
        "update portal.client_token set last_used_at = now() where token_hash = %s and revoked_at is null "
        "returning id, client",
        (_token_hash(token),),
    ).fetchone()
    return (row["id"], row["client"]) if row else None


@dataclass(frozen=True)
class Refused:
    """A login that did not succeed: ``locked_until`` set when the name is locked."""

    message: str
    locked_until: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _locked_until(conn: Any, username: str) -> datetime | None:
    row = conn.execute("select locked_until from portal.login_lock where username = %s", (username,)).fetchone()
    until = row["locked_until"] if row else None
    return until if until is not None and until > _now() else None


def _lock_message(until: datetime) -> str:
    local = until.astimezone(settings.city().tz)
    return (
        f"Akun ini dikunci sementara sampai pukul {local:%H:%M} {settings.city().zone_label} karena "
        f"{MAX_FAILURES} kali gagal masuk dalam 15 menit. Tunggu sampai jam itu lalu coba lagi; bila lupa kata "
        "sandi, minta admin Muara membuatkan yang baru."
    )


def _failed(conn: Any, username: str) -> Refused:
    """Count a failure; the fifth within the window locks the name."""
    now = _now()
    row = conn.execute(
        "insert into portal.login_lock (username, failures) values (%s, array[%s::timestamptz]) "
        "on conflict (username) do update set failures = "
        "array(select f from unnest(portal.login_lock.failures || %s::timestamptz) f where f > %s) "
        "returning failures",
        (username, now, now, now - WINDOW),
    ).fetchone()
    if len(row["failures"]) >= MAX_FAILURES:
        until = now + LOCK
        conn.execute(
            "update portal.login_lock set locked_until = %s, failures = '{}' where username = %s", (until, username)
        )
        return Refused(_lock_message(until), until)
    return Refused("Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil lalu coba lagi.")


def authenticate(conn: Any, username: str, password: str) -> Account | Refused:
    """The account when the password matches and the name is not locked; otherwise why not (in Bahasa)."""
    username = username.strip().lower()[:64]
    if until := _locked_until(conn, username):
        return Refused(_lock_message(until), until)
    row = conn.execute(
        "select username, sender, role, password_hash from portal.account where username = %s and active",
        (username,),
    ).fetchone()
    try:
        ok = row is not None and HASHER.verify(row["password_hash"], password[:1024])
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        if row is None:  # the same work as a real check, so the time taken tells nothing about the name
            HASHER.hash(password[:1024])
        return _failed(conn, username)
    conn.execute("update portal.login_lock set failures = '{}' where username = %s", (username,))
    return Account(row["username"], row["sender"], row["role"])


def account(conn: Any, username: str) -> Account | None:
    row = conn.execute(
        "select username, sender, role from portal.account where username = %s and active", (username,)
    ).fetchone()
    return Account(row["username"], row["sender"], row["role"]) if row else None
