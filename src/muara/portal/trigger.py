"""Wake the ``ingest`` DAG the moment a file lands, through Airflow's REST API: a manual DAG run
(``POST /api/v2/dags/ingest/dagRuns`` with a JWT from ``/auth/token``), so the officer's answer comes in seconds
instead of at the next 2-minute scan. When Airflow does not answer, the file simply waits in the inbox for that
scan: nothing is lost, and the portal says the file is queued (*antre*).

Where Airflow is: ``MUARA_AIRFLOW_URL``, ``MUARA_AIRFLOW_USER`` and ``MUARA_AIRFLOW_PASSWORD`` when set
(docker-compose), else the local ``airflow standalone`` of :mod:`muara.stack.airflow` and the admin password
it generated.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request

DAG_ID = "ingest"
#: the trigger runs after the officer's answer is sent (a background task), so it can wait for a busy api-server
TIMEOUT = 30.0
TOKEN_SECONDS = 600.0  # a JWT is reused this long (Airflow's default lifetime is far longer)
log = logging.getLogger(__name__)
_token: dict[str, tuple[float, str]] = {}


def _where() -> tuple[str, str, str | None]:
    from muara.stack import airflow as airflow_server

    base = os.environ.get("MUARA_AIRFLOW_URL") or airflow_server.url()
    user = os.environ.get("MUARA_AIRFLOW_USER") or airflow_server.ADMIN_USER
    password = os.environ.get("MUARA_AIRFLOW_PASSWORD")
    if password is None:
        try:
            password = airflow_server.admin_password()
        except airflow_server.AirflowError:  # no AIRFLOW_HOME: no local Airflow to ask
            password = None
    return base.rstrip("/"), user, password


def _post(url: str, body: object, token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        answer = json.load(resp)
    return dict(answer) if isinstance(answer, dict) else {}


def _jwt(base: str, user: str, password: str, fresh: bool = False) -> str:
    import time

    cached = _token.get(base)
    if cached and not fresh and cached[0] > time.monotonic():
        return cached[1]
    token = str(_post(f"{base}/auth/token", {"username": user, "password": password}).get("access_token"))
    _token[base] = (time.monotonic() + TOKEN_SECONDS, token)
    return token


def trigger_ingest(note: str) -> bool:
    """Start an ``ingest`` run now; False (and a log line) when Airflow cannot be reached or refuses."""
    base, user, password = _where()
    if not password:
        log.warning("no Airflow password known: the file waits for the ingest DAG's next scan")
        return False
    body = {"logical_date": None, "note": note[:200]}
    try:
        try:
            _post(f"{base}/api/v2/dags/{DAG_ID}/dagRuns", body, _jwt(base, user, password))
        except urllib.error.HTTPError as exc:
            if exc.code != 401:
                raise
            _post(f"{base}/api/v2/dags/{DAG_ID}/dagRuns", body, _jwt(base, user, password, fresh=True))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("Airflow at %s did not take the trigger (%s): the file waits for the next scan", base, exc)
        return False
    return True


def trigger_and_mark(kiriman_id: object) -> None:
    """The background task after a file is sent: trigger, then record on the kiriman whether Airflow took it
    (``dipicu``) or the file waits for the scan (``antre``)."""
    import uuid

    from muara.portal import db as portal_db
    from muara.portal import kiriman

    ident = uuid.UUID(str(kiriman_id))
    triggered = trigger_ingest(f"Pintu Data: kiriman {ident}")
    with portal_db.connect() as conn:
        kiriman.mark_trigger(conn, ident, triggered)
        portal_db.audit(conn, "picu_ingest", kiriman=str(ident), dipicu=triggered)
