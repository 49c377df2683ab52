"""Superset's configuration for Muara, the one file for the local stack and production.

Locally ``muara superset up`` points ``SUPERSET_CONFIG_PATH`` at it; the production image
(``docker/superset/Dockerfile``) copies it to ``/app/pythonpath/superset_config.py``. Everything secret or
machine-specific comes from the environment, so this file holds no password and no key, and both get the same
number formats, access control and CSRF settings:

- ``SUPERSET_SECRET_KEY`` (required): signs sessions and encrypts the database passwords Superset stores.
  ``muara superset up`` generates one into ``data/secrets/superset.key`` (0600) unless it is set;
  docker-compose demands it from ``.env``.
- ``SUPERSET_DATABASE_URI`` (required): Superset's metadata database, the ``superset`` database on Muara's
  Postgres (``muara superset up`` and docker-compose pass it; never SQLite, which the default would silently
  create).
- ``SUPERSET_HOME``: where Superset writes its own files (``data/superset``; the image's ``/app/superset_home``).
- ``SUPERSET_COOKIE_SECURE`` (``true`` behind HTTPS) and ``SUPERSET_PROXY_FIX`` (``true`` behind a reverse proxy
  that sets ``X-Forwarded-*``): off by default, as the local stack serves plain HTTP on 127.0.0.1.

Checked against apache-superset 6.1.0 (superset/config.py).
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from typing import Any


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(
            f"{name} is not set: start Superset with `muara superset up`, which sets it, or set it in .env for "
            "docker-compose (see .env.example)"
        )
    return value


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


SECRET_KEY = _required("SUPERSET_SECRET_KEY")
SQLALCHEMY_DATABASE_URI = _required("SUPERSET_DATABASE_URI")
# a small pool: one web server with a few workers on a machine shared with Postgres, Airflow and dbt;
# pre-ping so a restarted embedded Postgres costs one retry, not a failed page
SQLALCHEMY_ENGINE_OPTIONS = {
    "pool_size": 5,
    "max_overflow": 5,
    "pool_timeout": 30,
    "pool_recycle": 1800,
    "pool_pre_ping": True,
}

# Embedded dashboards are off (EMBEDDED_SUPERSET), but the guest-token secret must never be the public default
GUEST_TOKEN_JWT_SECRET = hashlib.sha256(f"guest-token:{SECRET_KEY}".encode()).hexdigest()

# ------------------------------------------------------------------------------------------------ language
# Superset 6.1 ships no Indonesian translation (superset/translations has no "id"), and its LANGUAGES default
# is {} (i18n off): BABEL_DEFAULT_LOCALE = "id" would only fall back to English. Muara's dashboards carry their
# Indonesian titles and labels themselves; numbers and dates follow Indonesian conventions here.
BABEL_DEFAULT_LOCALE = "en"
LANGUAGES: dict[str, dict[str, str]] = {}
D3_FORMAT = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["Rp", ""],
}
D3_TIME_FORMAT = {
    "dateTime": "%A, %e %B %Y %H.%M.%S",
    "date": "%d/%m/%Y",
    "time": "%H.%M.%S",
    "periods": ["AM", "PM"],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
}
CURRENCIES = ["IDR", "USD"]

# ------------------------------------------------------------------------------------------- feature flags
# Row-level security needs no flag in 6.1 (it is always on: Settings > Row Level Security and
# /api/v1/rowlevelsecurity/). Native dashboard filters need none either. DASHBOARD_RBAC lets a dashboard be
# granted to roles, so an OPD head's role sees only the OPD's own dashboards (with the datasets they use).
FEATURE_FLAGS = {
    "DASHBOARD_RBAC": True,
    "EMBEDDED_SUPERSET": False,
    "ENABLE_TEMPLATE_PROCESSING": False,  # no Jinja in SQL: leadership dashboards need none
    "ALERT_REPORTS": False,  # needs Celery + a browser, which the local stack does not run
}

# ------------------------------------------------------------------------------------------------ security
# The public window (issue 17): a visitor without a login runs as the role "Public", and Superset 6.1's built-in
# Public permissions (PUBLIC_ROLE_LIKE = "Public": view dashboards and their charts' data; no SQL Lab, no
# dataset/database API, no saving) are set on it by `superset init`. Which data it may read is granted by
# `muara superset provision` only: the one public dataset (rpt_aduan_publik, counts without any personal column)
# and the one public dashboard, "Aduan Warga — Publik" (src/muara/dashboards/provision.py, provision_public).
AUTH_ROLE_PUBLIC = "Public"
PUBLIC_ROLE_LIKE = "Public"


def FLASK_APP_MUTATOR(app: Any) -> None:
    """Two request hooks: an anonymous event-log beacon is dropped (see the first), and a request with a Bearer
    token is that token's user on every endpoint, also those the Public role may read.

    Flask-AppBuilder's ``@protect()`` runs an endpoint the Public role may use *before* it looks at the JWT, so with
    a public role an API client (``muara superset provision``, the tests) would read ``GET /api/v1/dashboard/...``
    and chart data as an anonymous visitor: 404 for every dashboard but the public one. Verifying the token first
    (Flask-AppBuilder's JWT user loader then sets ``g.user``) keeps API clients who they are; a missing or bad
    token leaves the request anonymous, and the endpoint's own check answers as before."""
    from flask import Response, request, session

    @app.before_request
    def _anonymous_log_beacon() -> Response | None:
        """Answer an anonymous visitor's event-log beacon (``POST /superset/log/``) with 204 and write nothing.

        The frontend sends one when a page unloads, the login page included. Without a login, ``@has_access``
        answered it with a redirect to the login page and a flash message in the session cookie; that answer
        could arrive after the login's own answer and replace the fresh login cookie with an anonymous one, so
        the next page asked for a login again (seen in CI, on 2 busy cores). This check reads ``_user_id`` from the
        session without loading the user, which would modify the session itself. Anonymous visitors of the public
        dashboard write no event-log rows either."""
        if request.method != "POST" or request.path.rstrip("/") != "/superset/log":
            return None
        if "_user_id" in session or request.headers.get("Authorization"):
            return None
        return Response(status=204)

    @app.before_request
    def _bearer_user_first() -> None:
        if not request.headers.get("Authorization", "").lower().startswith("bearer "):
            return
        from flask_jwt_extended import verify_jwt_in_request

        try:
            verify_jwt_in_request()
        except Exception:  # expired or forged: stays anonymous; @protect() refuses what Public may not do
            return


WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _flag("SUPERSET_COOKIE_SECURE")
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
# the Muara stack serves over plain HTTP on 127.0.0.1; a reverse proxy in production sets the headers
TALISMAN_ENABLED = True
ENABLE_PROXY_FIX = _flag("SUPERSET_PROXY_FIX")
PREVENT_UNSAFE_DB_CONNECTIONS = True  # no sqlite:// or file paths as "databases"
AUTH_RATE_LIMITED = True

# ------------------------------------------------------------------------------------------------- queries
# A dashboard chart never needs more than 10,000 rows (overdue list, map by kelurahan); SQL Lab gets more.
ROW_LIMIT = 10_000
SAMPLES_ROW_LIMIT = 1_000
SQL_MAX_ROW = 100_000
SUPERSET_WEBSERVER_TIMEOUT = int(timedelta(minutes=2).total_seconds())
SQLLAB_TIMEOUT = int(timedelta(minutes=2).total_seconds())

# No chart-data cache (Superset's default NullCache): every chart load reads dbt's reporting tables, so a
# dashboard shows a warehouse build's rows on its next load. A metastore cache dropped by the warehouse DAG
# after each build was tried (issue 14) and removed: Superset 6.1 records the keys to drop in a session it does
# not commit (superset/utils/cache.py), so the drop was unreliable, and cached entries keep a foreign key to the
# user who loaded them, so deleting that user fails. The reporting tables are small; the command room needs none.

# ---------------------------------------------------------------------------------------------- no extras
# No examples: `muara superset up` never runs `superset load-examples`, so the examples database Superset's
# default names (SQLite under SUPERSET_HOME) is never created.
