"""Superset provisioning (``muara superset provision``): a read-only login role for Superset on Muara's
warehouse, the dashboards bundle (``superset/dashboards/``) imported through Superset's REST API, and the roles,
users and row-level security that give each OPD its own rows.

The server itself (start, stop, its secrets) is :mod:`muara.stack.superset`; this module talks to it over HTTP.
"""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from muara import settings
from muara.dashboards import bundle
from muara.dashboards.bundle import READER_ROLE
from muara.stack import postgres as db
from muara.stack import superset as server

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

# --------------------------------------------------------------------------------------------- provision
# `muara superset provision`: a read-only login role for Superset on Muara's warehouse, and the dashboards
# bundle (superset/dashboards/, written by `muara superset bundle`) imported through Superset's REST API.
# The only schema Superset may read: dbt's reporting models, one contracted table per dataset. Not marts (what
# the role read before reporting existed: FORMER_SCHEMAS are revoked), raw, staging, quarantine or muara.
READER_SCHEMA = "reporting"
FORMER_SCHEMAS = ("marts",)
DATABASE_FILE = f"databases/{bundle.DATABASE_FILE}.yaml"
BUNDLE_ROOT = "muara_dashboards"  # the folder inside the zip Superset expects; it strips it from the paths
PASSWORD_MASK = "XXXXXXXXXX"  # Superset's mask for a password kept out of a bundle


def bundle_dir() -> Path:
    return bundle.bundle_dir()


def dashboard_slugs() -> list[str]:
    """The slugs of the bundle's dashboards, Ruang Komando first (the one leadership opens)."""
    import yaml

    slugs = [
        str(yaml.safe_load(p.read_text(encoding="utf-8"))["slug"]) for p in (bundle_dir() / "dashboards").glob("*.yaml")
    ]
    return sorted(slugs, key=lambda s: (s != "ruang-komando", s))


def reader_password_file() -> Path:
    return server.secrets_dir() / "superset-db.password"


def reader_password() -> str:
    """``MUARA_SUPERSET_READER_PASSWORD`` when set (docker-compose's .env), else the generated one."""
    return os.environ.get("MUARA_SUPERSET_READER_PASSWORD") or server.secret_file(reader_password_file(), 24)


def ensure_reader_role() -> str:
    """Create (or re-align) ``muara_superset``: it logs in with the password in ``secrets/superset-db.password``
    and may only read ``reporting``, including the tables dbt creates later (default privileges for the role dbt
    runs as, the connecting superuser). Safe to repeat: the password and the grants are set every time, and what
    an earlier Muara granted on ``marts`` is taken back. Returns the password."""
    import psycopg
    from psycopg import sql

    password = reader_password()
    role = sql.Identifier(READER_ROLE)
    schema = sql.Identifier(READER_SCHEMA)
    try:
        with psycopg.connect(db.url(), autocommit=True) as conn:
            row = conn.execute("select current_user").fetchone()
            owner = sql.Identifier(str(row[0]) if row else "postgres")
            exists = conn.execute("select 1 from pg_roles where rolname = %s", (READER_ROLE,)).fetchone()
            verb = "alter" if exists else "create"
            conn.execute(
                sql.SQL(
                    "{} role {} with login nosuperuser nocreatedb nocreaterole noinherit noreplication password {}"
                ).format(sql.SQL(verb), role, sql.Literal(password))
            )
            # the warehouse DAG creates reporting on its first run; creating it first lets the default privileges
            # below cover the tables dbt writes into it (dbt's `create schema if not exists` then does nothing)
            conn.execute(sql.SQL("create schema if not exists {}").format(schema))
            conn.execute(sql.SQL("revoke create on schema public from {}").format(role))
            conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema, role))
            conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, role))
            conn.execute(
                sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}").format(
                    owner, schema, role
                )
            )
            _revoke_former_schemas(conn, role, owner)
            # belt and braces: even a grant given by mistake later cannot let Superset write
            conn.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(role))
    except psycopg.Error as exc:
        raise server.SupersetError(f"cannot prepare role {READER_ROLE} on {db.redact(db.url())}: {exc}") from exc
    return password


def _revoke_former_schemas(conn: psycopg.Connection[Any], role: sql.Identifier, owner: sql.Identifier) -> None:
    """Take back the grants on the schemas the role read before (their tables, default privileges, usage)."""
    from psycopg import sql

    for name in FORMER_SCHEMAS:
        if conn.execute("select 1 from pg_namespace where nspname = %s", (name,)).fetchone() is None:
            continue
        schema = sql.Identifier(name)
        conn.execute(sql.SQL("revoke all on all tables in schema {} from {}").format(schema, role))
        conn.execute(
            sql.SQL("alter default privileges for role {} in schema {} revoke select on tables from {}").format(
                owner, schema, role
            )
        )
        conn.execute(sql.SQL("revoke usage on schema {} from {}").format(schema, role))


def reader_uri(password: str | None = None) -> str:
    """The warehouse as Superset's SQLAlchemy 1.4 sees it (psycopg2), as ``muara_superset``; the password is
    Superset's mask unless given."""
    from urllib.parse import quote, urlsplit

    parts = urlsplit(db.url())
    secret = quote(password, safe="") if password is not None else PASSWORD_MASK
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 5432
    database = parts.path.lstrip("/") or "muara"
    return f"postgresql+psycopg2://{READER_ROLE}:{secret}@{host}:{port}/{database}"


def bundle_files(kinds: tuple[str, ...] = ("databases", "datasets", "charts", "dashboards")) -> dict[str, str]:
    """The bundle's YAML by path (``databases/muara_gudang.yaml``, ...), the database's URI filled in for this
    server (host, port, database; the password stays masked), and a ``metadata.yaml`` naming what is imported."""
    import yaml

    root = bundle_dir()
    if not (root / "metadata.yaml").exists():
        raise server.SupersetError(f"{root} has no bundle: run `muara superset bundle`")
    from urllib.parse import urlsplit

    target = urlsplit(reader_uri())
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] not in kinds:
            continue
        text = path.read_text(encoding="utf-8")
        if rel == DATABASE_FILE:
            text = (
                text.replace("__MUARA_HOST__", target.hostname or "127.0.0.1")
                .replace("__MUARA_PORT__", str(target.port or 5432))
                .replace("__MUARA_DB__", target.path.lstrip("/"))
                .replace("__MUARA_TZ__", settings.city().tz_name)
            )
        out[rel] = text
    metadata = yaml.safe_load((root / "metadata.yaml").read_text(encoding="utf-8"))
    kind_names = {"dashboards": "Dashboard", "charts": "Slice", "datasets": "SqlaTable", "databases": "Database"}
    metadata["type"] = kind_names[kinds[-1]]
    out["metadata.yaml"] = yaml.safe_dump(metadata, sort_keys=False)
    return out


def bundle_zip(files: dict[str, str]) -> bytes:
    """Zip the bundle in memory, under the one top folder Superset's importer expects."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, text in sorted(files.items()):
            zf.writestr(f"{BUNDLE_ROOT}/{rel}", text)
    return buf.getvalue()


class Api:
    """Superset's REST API as the admin: a JWT for the calls, and the session cookie + CSRF token that its
    form posts (the imports) also need."""

    def __init__(self, base: str, user: str, password: str) -> None:
        import http.cookiejar

        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = self.call(
            "POST",
            "/api/v1/security/login",
            {"username": user, "password": password, "provider": "db", "refresh": True},
        )
        self.headers = {"Authorization": f"Bearer {token['access_token']}", "Referer": self.base}
        self.headers["X-CSRFToken"] = str(self.call("GET", "/api/v1/security/csrf_token/")["result"])

    def call(
        self, method: str, path: str, body: object = None, *, raw: bytes | None = None, content_type: str = ""
    ) -> dict[str, object]:
        import json

        headers = dict(getattr(self, "headers", {}))
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=300) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:2000]
            raise server.SupersetError(f"Superset answered {exc.code} to {method} {path}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise server.SupersetError(
                f"Superset at {self.base} does not answer ({exc}): run `muara superset up`"
            ) from exc
        result = json.loads(payload or b"{}")
        return result if isinstance(result, dict) else {"result": result}

    def import_bundle(self, kind: str, archive: bytes, passwords: dict[str, str]) -> None:
        """``POST /api/v1/<kind>/import/`` with ``overwrite=true`` and the database passwords."""
        import json

        boundary = f"muara{secrets.token_hex(12)}"
        parts = [
            (f'name="formData"; filename="{BUNDLE_ROOT}.zip"', "application/zip", archive),
            ('name="overwrite"', "text/plain", b"true"),
            ('name="passwords"', "text/plain", json.dumps(passwords).encode()),
        ]
        body = b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {disp}\r\nContent-Type: {ctype}\r\n\r\n".encode()
            + value
            + b"\r\n"
            for disp, ctype, value in parts
        )
        body += f"--{boundary}--\r\n".encode()
        self.call("POST", f"/api/v1/{kind}/import/", raw=body, content_type=f"multipart/form-data; boundary={boundary}")

    def find(self, kind: str, col: str, value: str) -> list[dict[str, object]]:
        from urllib.parse import quote

        q = f"(filters:!((col:{col},opr:eq,value:'{value}')),page_size:100)"
        result = self.call("GET", f"/api/v1/{kind}/?q={quote(q)}").get("result")
        return list(result) if isinstance(result, list) else []


# ------------------------------------------------------------------------------------------------- access
# Who sees what, deny by default. Every user gets Superset's Gamma role (dashboards and charts, no data) plus one
# Muara role that grants the data:
# - ``Pimpinan`` (leadership, user ``pimpinan``): every Muara dataset, every row.
# - ``OPD <kode_opd>`` (one per OPD of the city's registry, user ``opd_<kode_opd>``): every Muara dataset, but
#   row-level security keeps only the OPD's own rows (``kode_opd = '<kode>'``) in datasets with a ``kode_opd``
#   column; datasets without one show it nothing.
# - ``Admin`` (Superset's own, user ``admin``): data engineers.
# Deny by default is a base RLS rule ``1 = 0`` on every Muara dataset for every role except Admin and Pimpinan,
# in the same group as the OPD rules (Superset ORs rules of one group): a role Muara does not know, or an OPD
# role on a dataset with no OPD column, gets no rows. Passwords are generated once into
# ``secrets/superset-logins.json`` (0600), the truth each provision sets again.
LEADERSHIP_ROLE = "Pimpinan"
LEADERSHIP_USER = "pimpinan"
OPD_ROLE_PREFIX = "OPD "
OPD_COLUMN = "kode_opd"
RLS_GROUP = "opd"
DENY_RULE = "Muara: tanpa baris kecuali Admin, Pimpinan atau OPD pemilik"


def logins_file() -> Path:
    return server.secrets_dir() / "superset-logins.json"


def logins() -> dict[str, str]:
    """The generated passwords by username (not the admin's, which has its own file)."""
    import json

    try:
        return dict(json.loads(logins_file().read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def user_password(username: str) -> str:
    """The user's password, generated (and written, 0600) the first time it is asked for."""
    import json

    known = logins()
    if username not in known:
        known[username] = secrets.token_urlsafe(12)
        path = logins_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(known, f, indent=2, sort_keys=True)
        tmp.replace(path)
    return known[username]


def opd_role(kode_opd: str) -> str:
    return f"{OPD_ROLE_PREFIX}{kode_opd}"


def opd_user(kode_opd: str) -> str:
    return f"opd_{kode_opd.lower()}"


def opd_clause(kode_opd: str) -> str:
    import re

    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_-]*", kode_opd):  # the registry's codes; nothing else reaches SQL
        raise server.SupersetError(f"kode_opd {kode_opd!r} in schemas/reference/opd.csv is not A-Z, 0-9, _ or -")
    return f"{OPD_COLUMN} = '{kode_opd}'"


@dataclass(frozen=True)
class Access:
    roles: dict[str, int]  # Muara's roles by name
    users: dict[str, str]  # username -> role
    rules: int  # RLS rules in place
    datasets_with_opd: list[str]  # the datasets the OPD rules filter; the rest show OPD roles nothing


def _all(api: Api, path: str) -> list[dict[str, object]]:
    """Every row of a list endpoint, page by page."""
    from urllib.parse import quote

    out: list[dict[str, object]] = []
    page = 0
    while True:
        result = api.call("GET", f"{path}?q={quote(f'(page:{page},page_size:100)')}").get("result")
        rows = list(result) if isinstance(result, list) else []
        out.extend(rows)
        if len(rows) < 100:
            return out
        page += 1


def _role_id(api: Api, name: str, create: bool = True) -> int:
    found = api.find("security/roles", "name", name)
    if found:
        return int(str(found[0]["id"]))
    if not create:
        raise server.SupersetError(f"Superset has no role {name!r}: run `muara superset up` (it runs `superset init`)")
    return int(str(api.call("POST", "/api/v1/security/roles/", {"name": name})["id"]))


def _upsert(api: Api, kind: str, col: str, value: str, body: dict[str, object]) -> int:
    """Create the object named ``value`` or, when it exists, put ``body`` on it again; returns its id."""
    found = api.find(kind, col, value)
    if found:
        pk = int(str(found[0]["id"]))
        api.call("PUT", f"/api/v1/{kind}/{pk}", body)
        return pk
    return int(str(api.call("POST", f"/api/v1/{kind}/", body)["id"]))


def datasets_by_id(api: Api, dataset_ids: list[int]) -> dict[int, tuple[str, bool]]:
    """Each imported dataset's table name, and whether it has the column row-level security filters on."""
    datasets: dict[int, tuple[str, bool]] = {}
    for dataset_id in dataset_ids:
        detail = api.call("GET", f"/api/v1/dataset/{dataset_id}").get("result")
        if not isinstance(detail, dict):
            raise server.SupersetError(f"Superset does not show dataset {dataset_id}")
        columns = {str(c["column_name"]) for c in detail.get("columns", []) if isinstance(c, dict)}
        datasets[dataset_id] = (str(detail["table_name"]), OPD_COLUMN in columns)
    return datasets


def datasource_access_ids(api: Api, dataset_ids: list[int]) -> list[int]:
    """The ``datasource_access`` permission on each dataset, which Superset made when it was imported."""
    suffixes = tuple(f"(id:{i})" for i in dataset_ids)
    found: list[int] = []
    for pvm in _all(api, "/api/v1/security/permissions-resources/"):
        permission, view = pvm.get("permission"), pvm.get("view_menu")
        if not (isinstance(permission, dict) and isinstance(view, dict)):
            continue
        if permission.get("name") == "datasource_access" and str(view.get("name", "")).endswith(suffixes):
            found.append(int(str(pvm["id"])))
    if len(found) != len(dataset_ids):
        raise server.SupersetError(
            f"Superset has datasource_access for {len(found)} of the {len(dataset_ids)} datasets: "
            "run `muara superset up` again (superset init syncs permissions), then provision"
        )
    return found


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    first_name: str
    last_name: str


def grant_login(api: Api, login: Login, access_ids: list[int], gamma: int) -> int:
    """The role (with read access to the datasets) and its user, Gamma plus the role; returns the role's id."""
    role_id = _role_id(api, login.role)
    api.call("POST", f"/api/v1/security/roles/{role_id}/permissions", {"permission_view_menu_ids": access_ids})
    _upsert(
        api,
        "security/users",
        "username",
        login.username,
        {
            "username": login.username,
            "first_name": login.first_name[:64],
            "last_name": login.last_name[:64],
            "email": f"{login.username}@muara.invalid",
            "active": True,
            "password": user_password(login.username),
            "roles": [gamma, role_id],
        },
    )
    return role_id


def opd_rule(api: Api, opd: dict[str, str], role_id: int, tables: list[int]) -> None:
    """The OPD's role sees rows with its own ``kode_opd`` in the datasets that have one."""
    kode = opd["kode_opd"]
    name = f"OPD {kode}: baris sendiri"
    body: dict[str, object] = {
        "name": name,
        "description": f"{opd['nama_opd']} melihat baris {OPD_COLUMN} = {kode} saja.",
        "filter_type": "Regular",
        "tables": tables,
        "roles": [role_id],
        "group_key": RLS_GROUP,
        "clause": opd_clause(kode),
    }
    _upsert(api, "rowlevelsecurity", "name", name, body)


def deny_rule(api: Api, tables: list[int], exempt_roles: list[int]) -> None:
    """Deny by default: ``1 = 0`` on every dataset for every role but the exempt ones, in the OPD rules' group."""
    body: dict[str, object] = {
        "name": DENY_RULE,
        "description": "Tolak secara bawaan: peran selain Admin dan Pimpinan hanya melihat baris yang diizinkan "
        "aturan OPD-nya (kelompok 'opd').",
        "filter_type": "Base",
        "tables": tables,
        "roles": exempt_roles,
        "group_key": RLS_GROUP,
        "clause": "1 = 0",
    }
    _upsert(api, "rowlevelsecurity", "name", DENY_RULE, body)


def provision_access(api: Api, dataset_ids: list[int], say: Callable[[str], object] = print) -> Access:
    """Roles, users and row-level security for the imported datasets; safe to repeat (everything is set again)."""
    from muara.contract import reference

    datasets = datasets_by_id(api, dataset_ids)
    with_opd = [i for i, (_, has) in datasets.items() if has]
    access_ids = datasource_access_ids(api, list(datasets))
    gamma = _role_id(api, "Gamma", create=False)
    admin = _role_id(api, "Admin", create=False)

    leadership = Login(LEADERSHIP_ROLE, LEADERSHIP_USER, "Pimpinan", "Kepala Daerah")
    roles = {LEADERSHIP_ROLE: grant_login(api, leadership, access_ids, gamma)}
    users = {LEADERSHIP_USER: LEADERSHIP_ROLE}
    opds = reference.opd(settings.city_code())
    for opd in opds:
        login = Login(opd_role(opd["kode_opd"]), opd_user(opd["kode_opd"]), opd["singkatan"], opd["nama_opd"])
        roles[login.role] = grant_login(api, login, access_ids, gamma)
        users[login.username] = login.role
        opd_rule(api, opd, roles[login.role], with_opd)
    deny_rule(api, list(datasets), [admin, roles[LEADERSHIP_ROLE]])
    rules = len(opds) + 1  # one per OPD, and the deny rule
    say(
        f"access: role {LEADERSHIP_ROLE} sees every row; {len(roles) - 1} OPD roles see their own rows in "
        f"{len(with_opd)} of {len(datasets)} datasets (the rest: none); {rules} row-level security rules; "
        f"logins in {logins_file()}"
    )
    return Access(roles=roles, users=users, rules=rules, datasets_with_opd=sorted(datasets[i][0] for i in with_opd))


# ------------------------------------------------------------------------------------------------- public
# The public window: "Aduan Warga — Publik" for anyone without a login. Superset 6.1's built-in Public role
# (superset_config.py: AUTH_ROLE_PUBLIC = PUBLIC_ROLE_LIKE = "Public"; `superset init` gives it only what viewing a
# dashboard needs: can_read on Dashboard and Chart, chart data, no Dataset/Database API, no SQL Lab, no explore
# save) is what an anonymous request runs as. Provisioning adds exactly:
# - datasource_access on the public datasets (PUBLIC_MODELS: counts only, no personal column), and takes back any
#   other data permission the role had;
# - the public dashboard's roles (DASHBOARD_RBAC): Public, and Gamma so every logged-in user can open it too;
#   published. Every other dashboard has no roles, so Superset's regular rule applies to it: visible only with
#   access to one of its datasets, which the Public role has for none of them;
# - a row-level security rule ``1 = 1`` for Public on the public datasets in the OPD rules' group, which Superset ORs
#   with the deny-by-default ``1 = 0``: the public sees the city-wide counts, every other role keeps its own rules.
# `superset init` (every `muara superset up`) resets the Public role to Superset's list, so provision runs after it.
PUBLIC_ROLE = "Public"
PUBLIC_DASHBOARD = "aduan-warga-publik"
PUBLIC_MODELS = ("rpt_aduan_publik",)
PUBLIC_RULE = "Publik: jumlah aduan seluruh kota"
DATA_PERMISSIONS = frozenset(
    {
        "datasource_access",
        "schema_access",
        "catalog_access",
        "database_access",
        "all_datasource_access",
        "all_database_access",
        "all_query_access",
    }
)


def provision_public(api: Api, dataset_ids: list[int], say: Callable[[str], object] = print) -> int:
    """Open the public dashboard and its datasets to anonymous visitors, and nothing else; returns the role's id."""
    public_datasets = [i for i, (name, _) in datasets_by_id(api, dataset_ids).items() if name in PUBLIC_MODELS]
    if len(public_datasets) != len(PUBLIC_MODELS):
        raise server.SupersetError(f"the import left {len(public_datasets)} of the public datasets {PUBLIC_MODELS}")
    role_id = _role_id(api, PUBLIC_ROLE, create=False)
    current = api.call("GET", f"/api/v1/security/roles/{role_id}/permissions/").get("result")
    keep = [
        int(str(p["id"]))
        for p in (current if isinstance(current, list) else [])
        if isinstance(p, dict) and p.get("permission_name") not in DATA_PERMISSIONS
    ]
    access = datasource_access_ids(api, public_datasets)
    api.call("POST", f"/api/v1/security/roles/{role_id}/permissions", {"permission_view_menu_ids": keep + access})
    dashboard = api.call("GET", f"/api/v1/dashboard/{PUBLIC_DASHBOARD}").get("result")
    if not isinstance(dashboard, dict):
        raise server.SupersetError(f"the import left no dashboard {PUBLIC_DASHBOARD!r} in Superset")
    gamma = _role_id(api, "Gamma", create=False)
    api.call("PUT", f"/api/v1/dashboard/{dashboard['id']}", {"roles": [role_id, gamma], "published": True})
    _upsert(
        api,
        "rowlevelsecurity",
        "name",
        PUBLIC_RULE,
        {
            "name": PUBLIC_RULE,
            "description": "Pengunjung tanpa login (peran Public) melihat semua baris dataset publik: hanya jumlah.",
            "filter_type": "Regular",
            "tables": public_datasets,
            "roles": [role_id],
            "group_key": RLS_GROUP,
            "clause": "1 = 1",
        },
    )
    say(
        f"public: role {PUBLIC_ROLE} reads {', '.join(PUBLIC_MODELS)} only and opens "
        f"{server.url()}/superset/dashboard/{PUBLIC_DASHBOARD}/ without a login"
    )
    return role_id


@dataclass(frozen=True)
class Provisioned:
    database_id: int
    dataset_ids: list[int]
    dashboards: dict[str, str]  # slug -> URL
    access: Access


def _import_bundle(api: Api, password: str, say: Callable[[str], object]) -> None:
    """Datasets and charts first on their own with ``overwrite=true`` (the dashboard import never overwrites what
    it brings along, so a changed bundle would not land on a re-run), then the dashboards."""
    passwords = {DATABASE_FILE: password}
    for kind, kinds in (
        ("dataset", ("databases", "datasets")),
        ("chart", ("databases", "datasets", "charts")),
        ("dashboard", ("databases", "datasets", "charts", "dashboards")),
    ):
        api.import_bundle(kind, bundle_zip(bundle_files(kinds)), passwords)
        say(f"imported the {kind}s of {bundle_dir()} (overwrite)")


def _point_database(api: Api, password: str, say: Callable[[str], object]) -> int:
    """Set the database's URI (host, port, password) and extra (the city's time zone) of this run, also on a
    database that existed: an import keeps an existing connection's old URI. Returns its id."""
    import json

    import yaml

    database = yaml.safe_load((bundle_dir() / DATABASE_FILE).read_text(encoding="utf-8"))
    found = api.find("database", "uuid", str(database["uuid"]))
    if not found:
        raise server.SupersetError(f"the import left no database {database['database_name']!r} in Superset")
    database_id = int(str(found[0]["id"]))
    filled = yaml.safe_load(bundle_files(("databases",))[DATABASE_FILE])
    api.call(
        "PUT",
        f"/api/v1/database/{database_id}",
        {"sqlalchemy_uri": reader_uri(password), "extra": json.dumps(filled["extra"])},
    )
    say(f"database {database['database_name']!r} (id {database_id}): {reader_uri()}")
    return database_id


def _refresh_datasets(api: Api, say: Callable[[str], object]) -> list[int]:
    """Each dataset's columns as the warehouse has them now (the bundle lists what dbt declares; a warehouse built
    from another revision of dbt/ may differ, and Superset should show what is there). Returns their ids."""
    import yaml

    dataset_ids: list[int] = []
    for path in sorted((bundle_dir() / "datasets").rglob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows = api.find("dataset", "uuid", str(spec["uuid"]))
        if not rows:
            raise server.SupersetError(f"the import left no dataset {spec['table_name']!r} in Superset")
        dataset_id = int(str(rows[0]["id"]))
        try:
            api.call("PUT", f"/api/v1/dataset/{dataset_id}/refresh")
        except server.SupersetError as exc:
            raise server.SupersetError(
                f"dataset {spec['table_name']!r} cannot read the warehouse as {READER_ROLE} ({exc}). Is the "
                "warehouse built (`make warehouse`)? The log of Superset says more: "
                f"{server.log_file()}"
            ) from exc
        dataset_ids.append(dataset_id)
    say(f"datasets refreshed from the warehouse: {len(dataset_ids)}")
    return dataset_ids


def _dashboard_links(api: Api) -> dict[str, str]:
    dashboards: dict[str, str] = {}
    for slug in dashboard_slugs():
        result = api.call("GET", f"/api/v1/dashboard/{slug}").get("result")
        if not isinstance(result, dict):
            raise server.SupersetError(f"the import left no dashboard {slug!r} in Superset")
        dashboards[slug] = f"{server.url()}/superset/dashboard/{slug}/"
    return dashboards


def provision(say: Callable[[str], object] = print) -> Provisioned:
    """Give Superset its read-only role and import Muara's dashboards; safe to repeat (stable UUIDs, overwrite).

    The database's URI in the bundle holds this server's host and port but a masked password (the password
    travels in ``passwords``) and is set again every run: a moved port or a new password takes."""
    if not os.environ.get("MUARA_SUPERSET_URL"):  # a Superset elsewhere needs no local environment
        server.check_installed()
    if not server.healthy():
        raise server.SupersetError(f"Superset does not answer at {server.url()}: run `muara superset up` first")
    password = ensure_reader_role()
    say(f"role {READER_ROLE}: reads {READER_SCHEMA} only (password in {reader_password_file()})")
    api = Api(server.url(), server.ADMIN_USER, server.admin_password())
    _import_bundle(api, password, say)
    database_id = _point_database(api, password, say)
    dataset_ids = _refresh_datasets(api, say)
    dashboards = _dashboard_links(api)
    access = provision_access(api, dataset_ids, say)
    provision_public(api, dataset_ids, say)
    return Provisioned(database_id=database_id, dataset_ids=dataset_ids, dashboards=dashboards, access=access)
