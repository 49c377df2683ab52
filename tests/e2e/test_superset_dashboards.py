"""`muara superset provision` end to end: demo exports ingested and the warehouse built for real on the test
Postgres, a real Superset (its own environment, a temporary data folder and a free port, as in
test_superset_up.py), then the read-only role and the dashboards bundle imported through Superset's API.

What must hold: every dashboard of the bundle exists once by slug, with its title and charts; every chart of every
dashboard returns rows through `GET /api/v1/chart/{id}/data/` (only charts saved with a query_context do); the
native filters point at the datasets and charts they were written for; Superset connects as
`muara_superset`, which can read dbt's reporting models but not marts or raw; running provision again changes
nothing. The dashboards, titles and charts expected are the specs' (superset/specs/), never a list kept here.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml

from tests import odd_places
from tests.e2e.conftest import BUNDLE, SLUGS, SPECS, Client

pytestmark = pytest.mark.integration


def _charts(client: Client, slug: str) -> list[dict]:  # type: ignore[type-arg]
    return list(client.get(f"/api/v1/dashboard/{slug}/charts")["result"])


# every dashboard of the specs: slug -> (title, number of charts)
EXPECTED = {spec.slug: (spec.title, len(spec.charts)) for spec in SPECS}
N_CHARTS = sum(n for _, n in EXPECTED.values())


def _bundle(kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((BUNDLE / kind).rglob("*.yaml"))]


def test_the_bundle_holds_what_the_tests_expect() -> None:
    """The expectations above are the bundle's: its dashboards, their titles and charts, and the chart files."""
    in_bundle = {
        d["slug"]: (
            d["dashboard_title"],
            sum(1 for v in d["position"].values() if isinstance(v, dict) and v.get("type") == "CHART"),
        )
        for d in _bundle("dashboards")
    }
    assert in_bundle == EXPECTED and EXPECTED
    assert tuple(sorted(EXPECTED)) == SLUGS
    assert len(_bundle("charts")) == N_CHARTS


def test_every_dashboard_exists_by_slug_once(provisioned: tuple[dict[str, str], Client]) -> None:
    _, client = provisioned
    for slug, (title, n_charts) in EXPECTED.items():
        dash = client.get(f"/api/v1/dashboard/{slug}")["result"]
        assert dash["dashboard_title"] == title and dash["slug"] == slug
        assert len(_charts(client, slug)) == n_charts, slug
    # two provisions, still one of each
    listed = client.get("/api/v1/dashboard/?q=(page_size:100)")["result"]
    assert sorted(d["slug"] for d in listed) == sorted(EXPECTED)
    charts = client.get("/api/v1/chart/?q=(page_size:100)")["result"]
    assert len(charts) == N_CHARTS and len({c["slice_name"] for c in charts}) == N_CHARTS


def test_native_filters_point_at_their_datasets(provisioned: tuple[dict[str, str], Client]) -> None:
    """The import turns each filter's datasetUuid into the id of that dataset here, and the excluded chart ids of
    the bundle into the ids of the same charts here: every id resolves, to the dataset and charts meant."""
    _, client = provisioned
    table_of_uuid = {d["uuid"]: d["table_name"] for d in _bundle("datasets")}
    chart_of_placeholder = {
        v["meta"]["chartId"]: v["meta"]["sliceName"]
        for d in _bundle("dashboards")
        for v in d["position"].values()
        if isinstance(v, dict) and v.get("type") == "CHART"
    }
    wanted = {d["slug"]: d["metadata"]["native_filter_configuration"] for d in _bundle("dashboards")}
    assert wanted["ruang-komando"] and wanted["kinerja-opd"], "the OPD filter is missing"
    for slug, filters in wanted.items():
        dash = client.get(f"/api/v1/dashboard/{slug}")["result"]
        imported = {f["id"]: f for f in json.loads(dash["json_metadata"])["native_filter_configuration"]}
        assert sorted(imported) == sorted(f["id"] for f in filters), slug
        charts = {c["id"]: c["slice_name"] for c in _charts(client, slug)}
        for want in filters:
            got = imported[want["id"]]
            target = got["targets"][0]
            assert "datasetUuid" not in target and isinstance(target.get("datasetId"), int), (slug, got)
            dataset = client.get(f"/api/v1/dataset/{target['datasetId']}")["result"]
            assert dataset["table_name"] == table_of_uuid[want["targets"][0]["datasetUuid"]], (slug, want["name"])
            assert target["column"]["name"] in {c["column_name"] for c in dataset["columns"]}, (slug, want["name"])
            excluded = got["scope"]["excluded"]
            assert all(i in charts for i in excluded), (slug, want["name"], excluded, charts)
            assert sorted(charts[i] for i in excluded) == sorted(
                chart_of_placeholder[i] for i in want["scope"]["excluded"]
            ), (slug, want["name"])


def test_every_chart_returns_rows_without_personal_data(provisioned: tuple[dict[str, str], Client]) -> None:
    """Every chart of every dashboard answers with rows, and none of them carries the NIK, phone numbers or e-mail
    addresses of the odd-places export (tests/odd_places.py) that was ingested with the demo data."""
    _, client = provisioned
    empty = []
    texts = []
    for slug in SLUGS:
        for chart in _charts(client, slug):
            body = client.get(f"/api/v1/chart/{chart['id']}/data/")
            rows = sum(len(r.get("data") or []) for r in body["result"])
            print(f"{slug} / {chart['slice_name']}: {rows} rows")
            if rows == 0:
                empty.append(f"{slug} / {chart['slice_name']}")
            texts.append((f"{slug} / {chart['slice_name']}", json.dumps(body, ensure_ascii=False)))
    assert not empty, f"charts without rows: {empty}"
    assert odd_places.leaks(texts) == []


def test_superset_connects_as_the_read_only_role(provisioned: tuple[dict[str, str], Client]) -> None:
    env, client = provisioned
    databases = client.get("/api/v1/database/?q=(page_size:100)")["result"]
    assert [d["database_name"] for d in databases] == ["Muara Gudang"]
    detail = client.get(f"/api/v1/database/{databases[0]['id']}/connection")["result"]
    uri = urlsplit(detail["sqlalchemy_uri"])
    assert uri.username == "muara_superset"
    assert uri.password in (None, "XXXXXXXXXX"), "Superset shows the password"
    # charts count days in the city's time zone (Kupang: WITA), not UTC
    from muara import settings

    extra = json.loads(detail["extra"])
    assert extra["engine_params"]["connect_args"]["options"] == f"-c TimeZone={settings.city().tz_name}"

    from muara.stack import postgres as db

    secret = Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-db.password"
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    server = urlsplit(db.url())
    reader = psycopg.connect(
        host=server.hostname,
        port=server.port,
        dbname=server.path.lstrip("/"),
        user="muara_superset",
        password=secret.read_text().strip(),
        autocommit=True,
    )
    command_room = SPECS[0].models[0]  # what Ruang Komando reads
    with reader:
        assert reader.execute(f"select count(*) from reporting.{command_room}").fetchone()[0] > 0  # type: ignore[index]
        for table in ("marts.fct_aduan", "raw.aduan", "muara.ingest_batch", "staging.stg_raw__aduan"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"select 1 from {table} limit 1")
        with pytest.raises(psycopg.errors.Error):  # read-only: no table of its own anywhere
            reader.execute("create table public.superset_was_here (x int)")

    # a table dbt (the server's superuser) creates later in reporting is readable without provisioning again
    with psycopg.connect(db.url(), autocommit=True) as owner:
        owner.execute("create table reporting._uji_hak_baca as select 1 as x")
    try:
        with psycopg.connect(
            host=server.hostname,
            port=server.port,
            dbname=server.path.lstrip("/"),
            user="muara_superset",
            password=secret.read_text().strip(),
        ) as reader:
            assert reader.execute("select x from reporting._uji_hak_baca").fetchone() == (1,)
    finally:
        with psycopg.connect(db.url(), autocommit=True) as owner:
            owner.execute("drop table reporting._uji_hak_baca")
