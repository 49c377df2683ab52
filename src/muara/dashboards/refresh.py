"""Dashboards as fresh as the warehouse: after a warehouse run, drop Superset's cached chart data.

Superset keeps query results in its data cache (``DATA_CACHE_CONFIG`` in ``superset/superset_config.py``: the
metastore, for ``CACHE_DEFAULT_TIMEOUT`` at most), so a dashboard opened by many viewers queries the warehouse
once. The marts change only when the warehouse DAG builds; its last task calls :func:`invalidate_marts`, which
asks Superset (``POST /api/v1/cachekey/invalidate``) to forget every cached result of Muara's datasets, so the next
load of any chart reads the new rows.

Which Superset: ``MUARA_SUPERSET_URL`` (production) with the admin's password from ``SUPERSET_ADMIN_PASSWORD``,
else the local stack's (``muara superset up``) when it runs. With neither, there is no cache to drop:
:class:`NoSuperset`, and the DAG marks the task skipped.
"""

from __future__ import annotations

import os
from typing import Any

from muara.stack import superset as server


class NoSuperset(RuntimeError):
    """No Superset to refresh on this machine (none configured, none running)."""


def _target() -> tuple[str, str]:
    configured = bool(os.environ.get("MUARA_SUPERSET_URL", "").strip())
    if not configured and not server.password_file().exists() and not os.environ.get("SUPERSET_ADMIN_PASSWORD"):
        raise NoSuperset("no Superset on this machine (never started with `muara superset up`): nothing to refresh")
    if not server.healthy():
        if configured:  # production's Superset is down: fail, so the task retries and the run shows it
            raise server.SupersetError(f"Superset at {server.url()} does not answer")
        raise NoSuperset(f"Superset at {server.url()} does not run: its cache starts empty when it starts again")
    return server.url(), server.admin_password()


def invalidate_marts() -> dict[str, Any]:
    """Drop Superset's cached results of every dataset; returns how many datasets and cache keys were dropped."""
    from muara.dashboards.provision import Api

    base, password = _target()
    api = Api(base, server.ADMIN_USER, password)
    found = api.call("GET", "/api/v1/dataset/?q=(columns:!(id),page:0,page_size:1000)")
    rows = found.get("result")
    uids = [f"{row['id']}__table" for row in rows] if isinstance(rows, list) else []
    if uids:
        api.call("POST", "/api/v1/cachekey/invalidate", {"datasource_uids": uids})
    return {"superset": base, "datasets": len(uids)}
