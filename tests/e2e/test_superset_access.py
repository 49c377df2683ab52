"""Who sees what in Superset, asked through Superset's own chart data API (`POST /api/v1/chart/data`) as each user,
on the provisioned Superset of tests/e2e/conftest.py (demo warehouse, `muara superset provision` run twice).

- an OPD's user gets only that OPD's rows, in every dataset that has a `kode_opd` column, and no rows from the
  datasets that have none;
- the leadership user (`pimpinan`) gets every row, the same as the admin;
- deny by default: a user whose role may read the datasets but that no OPD rule names gets no rows at all;
- provisioning twice leaves one role, one user and one row-level security rule per OPD, plus the base rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import SPECS, Client

pytestmark = pytest.mark.integration

COUNT = {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "n", "hasCustomLabel": True}


def _logins(env: dict[str, str]) -> dict[str, str]:
    return dict(json.loads((Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-logins.json").read_text()))


def _datasets(admin: Client) -> list[dict[str, Any]]:
    """Muara's datasets with their column names."""
    listed = admin.get("/api/v1/dataset/?q=(page_size:100)")["result"]
    out = []
    for ds in listed:
        detail = admin.get(f"/api/v1/dataset/{ds['id']}")["result"]
        out.append({"id": ds["id"], "name": ds["table_name"], "columns": {c["column_name"] for c in detail["columns"]}})
    assert out, "no datasets"
    return out


def _counts(client: Client, dataset: dict[str, Any]) -> dict[str | None, int]:
    """COUNT(*) per kode_opd (or in total, under None, for a dataset without one) as ``client`` sees it."""
    by_opd = "kode_opd" in dataset["columns"]
    query = {
        "columns": ["kode_opd"] if by_opd else [],
        "metrics": [COUNT],
        "filters": [],
        "orderby": [],
        "row_limit": 10000,
    }
    body = client.post(
        "/api/v1/chart/data",
        {
            "datasource": {"id": dataset["id"], "type": "table"},
            "queries": [query],
            "result_format": "json",
            "result_type": "full",
            "force": True,  # never a cached answer computed for another user
        },
    )
    rows = body["result"][0]["data"]
    counts = {(r["kode_opd"] if by_opd else None): int(r["n"]) for r in rows}
    return {k: v for k, v in counts.items() if v}


@pytest.fixture(scope="module")
def seen_by_admin(provisioned: tuple[dict[str, str], Client]) -> dict[str, dict[str | None, int]]:
    _, admin = provisioned
    return {ds["name"]: _counts(admin, ds) for ds in _datasets(admin)}


def test_an_opd_user_gets_only_its_own_rows(
    provisioned: tuple[dict[str, str], Client], seen_by_admin: dict[str, dict[str | None, int]]
) -> None:
    env, admin = provisioned
    datasets = _datasets(admin)
    aduan = seen_by_admin[SPECS[0].models[0]]  # Ruang Komando's complaints
    assert len(aduan) > 5, f"the demo should spread complaints over many OPDs: {aduan}"
    # the two OPDs with the most complaints, so both have rows in several datasets
    for kode in sorted(aduan, key=lambda k: -aduan[k])[:2]:
        assert kode is not None
        user = f"opd_{kode.lower()}"
        client = Client(admin.base, _logins(env)[user], username=user)
        checked = 0
        for ds in datasets:
            got = _counts(client, ds)
            if "kode_opd" in ds["columns"]:
                want = {kode: seen_by_admin[ds["name"]][kode]} if kode in seen_by_admin[ds["name"]] else {}
                assert got == want, f"{user} in {ds['name']}: {got}, expected {want}"
                checked += bool(want)
            else:
                assert got == {}, f"{user} sees {got} in {ds['name']}, which has no OPD column"
        print(f"{user}: own rows only in {checked} datasets with rows of {kode}; none elsewhere")
        assert checked >= 2


def test_leadership_sees_every_row(
    provisioned: tuple[dict[str, str], Client], seen_by_admin: dict[str, dict[str | None, int]]
) -> None:
    env, admin = provisioned
    client = Client(admin.base, _logins(env)["pimpinan"], username="pimpinan")
    for ds in _datasets(admin):
        assert _counts(client, ds) == seen_by_admin[ds["name"]], ds["name"]
        assert seen_by_admin[ds["name"]], f"{ds['name']} has no rows even for the admin"


def test_deny_by_default(provisioned: tuple[dict[str, str], Client]) -> None:
    """A role that may read every dataset (Pimpinan's permissions) but that no rule names sees no row."""
    from muara.dashboards import provision

    env, admin = provisioned
    api = provision.Api(
        admin.base, "admin", (Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-admin.password").read_text().strip()
    )
    leadership = api.find("security/roles", "name", "Pimpinan")[0]["id"]
    perms = api.call("GET", f"/api/v1/security/roles/{leadership}/permissions/")["result"]
    role = api.call("POST", "/api/v1/security/roles/", {"name": "Uji tanpa aturan"})["id"]
    gamma = api.find("security/roles", "name", "Gamma")[0]["id"]
    user = None
    try:
        api.call(
            "POST", f"/api/v1/security/roles/{role}/permissions", {"permission_view_menu_ids": [p["id"] for p in perms]}
        )
        user = api.call(
            "POST",
            "/api/v1/security/users/",
            {
                "username": "uji_tanpa_aturan",
                "first_name": "Uji",
                "last_name": "Tanpa Aturan",
                "email": "uji@muara.invalid",
                "active": True,
                "password": "Uji-tanpa-aturan-1",
                "roles": [gamma, role],
            },
        )["id"]
        client = Client(admin.base, "Uji-tanpa-aturan-1", username="uji_tanpa_aturan")
        for ds in _datasets(admin):
            assert _counts(client, ds) == {}, ds["name"]
    finally:
        if user is not None:
            api.call("DELETE", f"/api/v1/security/users/{user}")
        api.call("DELETE", f"/api/v1/security/roles/{role}")


def test_provisioning_twice_leaves_one_role_user_and_rule_per_opd(provisioned: tuple[dict[str, str], Client]) -> None:
    from muara import settings
    from muara.contract import reference

    env, admin = provisioned
    opds = [o["kode_opd"] for o in reference.opd(settings.city_code())]
    roles = [r["name"] for r in admin.get("/api/v1/security/roles/?q=(page_size:100)")["result"]]
    assert sorted(r for r in roles if r.startswith("OPD ")) == sorted(f"OPD {k}" for k in opds)
    assert roles.count("Pimpinan") == 1
    rules = admin.get("/api/v1/rowlevelsecurity/?q=(page_size:100)")["result"]
    assert len(rules) == len(opds) + 2  # one per OPD, the deny rule, and the public window's (test_superset_public)
    assert sum(r["name"] == "Publik: jumlah aduan seluruh kota" for r in rules) == 1
    base = [r for r in rules if r["filter_type"] == "Base"]
    assert len(base) == 1 and base[0]["clause"] == "1 = 0"
    assert sorted(r["name"] for r in base[0]["roles"]) == ["Admin", "Pimpinan"]
    assert set(_logins(env)) == {"pimpinan", *(f"opd_{k.lower()}" for k in opds)}
    assert oct((Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-logins.json").stat().st_mode & 0o777) == "0o600"
