"""After a file lands in the inbox: nothing to start. The ingest DAG's inbox watcher (an ``AssetWatcher`` in
Airflow's triggerer, :mod:`muara.ingest.watch`) sees a settled new file within seconds and starts one run; a second
start from here (a manual run through the REST API, as the portal used to make) only queued a run that found
nothing and took CPU from the warehouse build the officer's rows wait for.

What the portal still tells the officer is whether anything is watching: ``dipicu`` when Airflow's health endpoint
reports the scheduler and the triggerer healthy, ``antre`` when it does not answer or one of them is down (the file
waits in the inbox for the watcher's return or the DAG's 15-minute safety net; nothing is lost).

Where Airflow is: ``MUARA_AIRFLOW_URL`` when set (docker-compose), else the local ``airflow standalone`` of
:mod:`muara.stack.airflow`. The health endpoint needs no login.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request

#: the check runs after the officer's answer is sent (a background task), so it can wait for a busy api-server
TIMEOUT = 10.0
WATCHERS = ("scheduler", "triggerer")
log = logging.getLogger(__name__)


def _base() -> str:
    from muara.stack import airflow as airflow_server

    return (os.environ.get("MUARA_AIRFLOW_URL") or airflow_server.url()).rstrip("/")


def watched() -> bool:
    """Whether Airflow's scheduler and triggerer (where the inbox watcher runs) report healthy."""
    base = _base()
    try:
        with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=TIMEOUT) as resp:
            body = json.load(resp)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("Airflow at %s did not answer (%s): the file waits in the inbox", base, exc)
        return False
    down = [name for name in WATCHERS if (body.get(name) or {}).get("status") != "healthy"]
    if down:
        log.warning("Airflow at %s reports %s not healthy: the file waits in the inbox", base, ", ".join(down))
    return not down


def check_and_mark(kiriman_id: object) -> None:
    """The background task after a file is sent: record on the kiriman whether the watcher is there to take it
    (``dipicu``) or the file waits (``antre``)."""
    import uuid

    from muara.portal import db as portal_db
    from muara.portal import kiriman

    ident = uuid.UUID(str(kiriman_id))
    taken = watched()
    with portal_db.connect() as conn:
        kiriman.mark_trigger(conn, ident, taken)
        portal_db.audit(conn, "pantau_ingest", kiriman=str(ident), dipantau=taken)
