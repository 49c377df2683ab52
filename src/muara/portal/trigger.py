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
TIMEOUT = 5.0
log = logging.getLogger(__name__)


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


def trigger_ingest(note: str) -> bool:
    """Start an ``ingest`` run now; False (and a log line) when Airflow cannot be reached or refuses."""
    base, user, password = _where()
    if not password:
        log.warning("no Airflow password known: the file waits for the ingest DAG's next scan")
        return False
    try:
        token = _post(f"{base}/auth/token", {"username": user, "password": password}).get("access_token")
        _post(f"{base}/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "note": note[:200]}, str(token))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("Airflow at %s did not take the trigger (%s): the file waits for the next scan", base, exc)
        return False
    return True
