"""docker-compose.yml: valid for Debian's docker-compose, strict about secrets, and the same shape as the local stack.

No Docker engine runs here, so the production stack is never started; instead ``docker-compose config -q``
(which needs no engine) proves the file is valid and that every secret is demanded, and the parsed YAML is
held against what the local stack uses: the Airflow pin in pyproject.toml, the settings in .env.example,
the folders the Makefile points Airflow at. A change on one side that the other misses fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.integration

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
INIT_SQL = ROOT / "docker" / "postgres" / "10-muara-databases.sh"

# What production cannot run without; each must be demanded with ${VAR:?...}, never defaulted.
SECRETS = {
    "POSTGRES_PASSWORD",
    "WAREHOUSE_DB_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "SUPERSET_DB_PASSWORD",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_ADMIN_PASSWORD",
    "SUPERSET_SECRET_KEY",
    "SUPERSET_ADMIN_PASSWORD",
    "SUPERSET_READER_DB_PASSWORD",
    "MUARA_PII_KEY",
}
# The long-running Airflow components, by the command each service runs.
AIRFLOW_COMMANDS = {"api-server", "scheduler", "dag-processor", "triggerer", "celery worker"}
AIRFLOW_SHARED = (
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CORE__EXECUTOR",
    "MUARA_DATABASE_URL",
    "MUARA_AIRFLOW_DATABASE_URL",
)
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?-])?")  # `$${X}` is an escaped `$`


@pytest.fixture(scope="module")
def docker_compose() -> str:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail(
            "docker-compose is not installed: run `make system-deps` (it apt-gets Debian's docker-compose, "
            "which validates docker-compose.yml without a Docker engine)"
        )
    return exe


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def airflow_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every service built from the Airflow image (the x-airflow-common anchor), airflow-init included."""
    return {name: s for name, s in services.items() if str(s.get("image", "")).startswith("muara-airflow:")}


def _dummy_env(tmp: Path, leave_out: str | None = None) -> Path:
    path = tmp / "compose.env"
    path.write_text("".join(f"{name}=dummy-{name.lower()}\n" for name in sorted(SECRETS) if name != leave_out))
    return path


def _config(docker_compose: str, env_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    # a clean environment: a secret exported in the developer's shell must not hide a missing one
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(env_file.parent)}
    return subprocess.run(
        [docker_compose, "--env-file", str(env_file), "-f", str(COMPOSE), "config", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=env_file.parent,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def resolved(docker_compose: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The file as docker-compose resolves it with dummy secrets (anchors merged, variables filled in)."""
    tmp = tmp_path_factory.mktemp("compose")
    res = _config(docker_compose, _dummy_env(tmp))
    assert res.returncode == 0, res.stderr
    yield yaml.safe_load(res.stdout)


def _strings(node: object) -> Iterator[str]:
    """Every string in the parsed file (keys and values; comments are gone), where interpolation happens."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def _interpolations(compose: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for text in _strings(compose) for m in INTERPOLATION.finditer(text)]


def _env_example_names() -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def _airflow_pin() -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = [d.split("==", 1)[1].strip() for d in deps if d.replace(" ", "").startswith("apache-airflow==")]
    assert len(pins) == 1, f"expected one apache-airflow== pin in pyproject.toml, found {pins}"
    return pins[0]


# ------------------------------------------------------------------------------------ docker-compose itself
def test_config_is_valid_with_every_secret_set(docker_compose: str, tmp_path: Path) -> None:
    res = _config(docker_compose, _dummy_env(tmp_path), "-q")
    assert res.returncode == 0, f"docker-compose config -q failed:\n{res.stderr}"


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_config_fails_naming_a_missing_secret(docker_compose: str, tmp_path: Path, secret: str) -> None:
    res = _config(docker_compose, _dummy_env(tmp_path, leave_out=secret), "-q")
    assert res.returncode != 0, f"docker-compose accepted the file without {secret}"
    assert f"set {secret} in .env" in res.stderr, res.stderr


def test_every_secret_is_demanded_never_defaulted(compose: dict[str, Any]) -> None:
    uses = _interpolations(compose)
    demanded = {name for name, op in uses if op == ":?"}
    assert demanded == SECRETS, f"demanded with :? {sorted(demanded)}, expected {sorted(SECRETS)}"
    loose = sorted({name for name, op in uses if name in SECRETS and op != ":?"})
    assert not loose, f"secrets used without ${{VAR:?...}} (a default or an empty value would slip through): {loose}"


def test_every_variable_the_file_reads_is_in_env_example(compose: dict[str, Any]) -> None:
    names = _env_example_names()
    read = {name for name, _ in _interpolations(compose)}
    missing = sorted(read - names)
    assert not missing, f"docker-compose.yml reads {missing}, which .env.example does not list"


def test_resolved_airflow_services_share_secrets(resolved: dict[str, Any]) -> None:
    airflow = {n: s for n, s in resolved["services"].items() if str(s.get("image", "")).startswith("muara-airflow:")}
    jwt = {n: s["environment"]["AIRFLOW__API_AUTH__JWT_SECRET"] for n, s in airflow.items()}
    assert set(jwt.values()) == {"dummy-airflow_jwt_secret"}, jwt
    fernet = {n: s["environment"]["AIRFLOW__CORE__FERNET_KEY"] for n, s in airflow.items()}
    assert set(fernet.values()) == {"dummy-airflow_fernet_key"}, fernet


# ------------------------------------------------------------------------------ same shape as the local stack
def test_image_tags_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        image = str(service.get("image", ""))
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image), f"{name}: image {image!r} has no tag"
        assert not image.endswith(":latest"), f"{name}: pin the image, not latest"
    for dockerfile in (DOCKERFILE, ROOT / "docker" / "superset" / "Dockerfile"):
        for line in dockerfile.read_text(encoding="utf-8").splitlines():
            if line.startswith(("FROM ", "COPY --from=")):
                ref = line.split()[1].removeprefix("--from=")
                assert re.fullmatch(r"[\w./-]+:[\w.-]+", ref) and not ref.endswith(":latest"), f"{dockerfile}: {line}"


def test_airflow_image_matches_the_pyproject_pin(airflow_services: dict[str, dict[str, Any]]) -> None:
    pin = _airflow_pin()
    python = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    minor = re.search(r">=\s*(3\.\d+)", python).group(1)  # type: ignore[union-attr]
    base = [line.split()[1] for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if line.startswith("FROM ")]
    assert base == [f"apache/airflow:{pin}-python{minor}"], f"Dockerfile FROM {base}; pyproject pins {pin}"
    for name, service in airflow_services.items():
        assert service["image"] == f"muara-airflow:{pin}-python{minor}", name
        assert service["build"]["dockerfile"] == "Dockerfile", name


def test_dockerfile_installs_from_the_lock_with_the_makefile_uv() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    uv_version = re.search(r"^UV_VERSION\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)  # type: ignore[union-attr]
    assert f"ghcr.io/astral-sh/uv:{uv_version} " in text
    assert "uv.lock" in text and "uv sync --frozen --no-dev" in text


def test_service_set(services: dict[str, dict[str, Any]], airflow_services: dict[str, dict[str, Any]]) -> None:
    commands = {str(s.get("command")) for s in airflow_services.values()}
    assert commands >= AIRFLOW_COMMANDS, f"Airflow components missing: {sorted(AIRFLOW_COMMANDS - commands)}"
    assert {"postgres", "redis", "superset", "airflow-init"} <= set(services)
    assert services["postgres"]["image"].split(":")[0] == "postgres"
    assert services["postgres"]["image"].split(":")[1].split(".")[0] == "18"
    assert "healthcheck" in services["postgres"]
    assert services["superset"]["image"].split(":")[1].startswith("6.1.")
    assert "8088:8088" in services["superset"]["ports"]
    assert "8080:8080" in next(s for s in airflow_services.values() if s.get("command") == "api-server")["ports"]


def test_portal_shares_the_inbox_and_asks_the_api_server(services: dict[str, dict[str, Any]]) -> None:
    """Pintu Data writes into the same inbox volume the workers and the triggerer's watcher read, serves the reports
    they write, keeps its logins with the other generated secrets, and reads the api-server's health."""
    portal = services["portal"]
    mounts = dict(reversed(v.split(":")[:2]) for v in portal["volumes"])
    data_dir = portal["environment"]["MUARA_DATA_DIR"]
    for sub in ("inbox", "archive", "reports", "secrets"):
        assert mounts.get(f"{data_dir}/{sub}") in ("inbox", "archive", "reports", "muara-secrets"), sub
    assert "8090:8090" in portal["ports"]
    assert portal["environment"]["MUARA_AIRFLOW_URL"] == "http://airflow-apiserver:8080"
    assert "MUARA_AIRFLOW_PASSWORD" not in portal["environment"]  # the health endpoint it asks needs no login
    assert "muara.portal.app:create_app" in " ".join(portal["command"])


def test_airflow_services_share_one_configuration(airflow_services: dict[str, dict[str, Any]]) -> None:
    assert len(airflow_services) == len(AIRFLOW_COMMANDS) + 3  # + airflow-init, superset-provision, portal
    for key in AIRFLOW_SHARED:
        values = {name: s["environment"].get(key) for name, s in airflow_services.items()}
        assert None not in values.values(), f"{key} missing in {[n for n, v in values.items() if v is None]}"
        assert len(set(values.values())) == 1, f"{key} differs between Airflow services: {values}"
    env = next(iter(airflow_services.values()))["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
    assert "@postgres:5432/airflow" in env["AIRFLOW__CELERY__RESULT_BACKEND"]
    assert (
        env["AIRFLOW__API_AUTH__JWT_SECRET"]
        == "${AIRFLOW_JWT_SECRET:?set AIRFLOW_JWT_SECRET in .env (see .env.example)}"
    )


def test_checkout_folders_are_mounted_read_only(airflow_services: dict[str, dict[str, Any]]) -> None:
    for name, service in airflow_services.items():
        env, volumes = service["environment"], service["volumes"]
        assert f"./dags:{env['AIRFLOW__CORE__DAGS_FOLDER']}:ro" in volumes, name
        assert "AIRFLOW__CORE__PLUGINS_FOLDER" not in env, f"{name}: Muara has no Airflow plugin"
        for folder in ("src", "dbt", "schemas", "expectations", "sql"):  # found by MUARA_HOME (settings.project_root)
            assert f"./{folder}:{env['MUARA_HOME']}/{folder}:ro" in volumes, f"{name}: ./{folder}"


def test_runtime_data_are_named_volumes(compose: dict[str, Any], airflow_services: dict[str, dict[str, Any]]) -> None:
    declared = set(compose["volumes"])
    for name, service in airflow_services.items():
        data_dir = service["environment"]["MUARA_DATA_DIR"]
        mounts = dict(reversed(v.split(":")[:2]) for v in service["volumes"])  # target -> source
        for sub in ("inbox", "archive", "reports"):
            source = mounts.get(f"{data_dir}/{sub}")
            assert source in declared, f"{name}: {data_dir}/{sub} must be a named volume, is {source!r}"


def test_muara_settings_are_in_env_example(services: dict[str, dict[str, Any]]) -> None:
    names = _env_example_names()
    set_here = {key for s in services.values() for key in (s.get("environment") or {}) if key.startswith("MUARA_")}
    assert set_here, "no MUARA_* setting in docker-compose.yml"
    missing = sorted(set_here - names)
    assert not missing, f"docker-compose.yml sets {missing}, which .env.example does not list"


def test_superset_runs_the_one_config_of_the_local_stack(resolved: dict[str, Any]) -> None:
    """One superset_config.py for both stacks: the image copies superset/superset_config.py (the file `muara superset
    up` points SUPERSET_CONFIG_PATH at) onto Superset's path, and the environment it demands is passed."""
    dockerfile = ROOT / "docker" / "superset" / "Dockerfile"
    assert not (ROOT / "docker" / "superset" / "superset_config.py").exists(), "a second Superset config"
    lines = dockerfile.read_text(encoding="utf-8").splitlines()
    copies = [line.split()[-2:] for line in lines if line.startswith("COPY")]
    assert ["superset/superset_config.py", "/app/pythonpath/superset_config.py"] in copies, copies
    config = (ROOT / "superset" / "superset_config.py").read_text(encoding="utf-8")
    demanded = set(re.findall(r'_required\("([A-Z_]+)"\)', config))
    assert demanded == {"SUPERSET_SECRET_KEY", "SUPERSET_DATABASE_URI"}
    for name in ("superset", "superset-init"):
        service = resolved["services"][name]
        assert Path(service["build"]["context"]) == ROOT, f"{name}: build context must be the repository root"
        assert service["build"]["dockerfile"] == "docker/superset/Dockerfile", name
        assert demanded <= set(service["environment"]), f"{name} does not pass {demanded}"
    assert "superset/.venv" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def test_postgres_creates_the_three_databases(services: dict[str, dict[str, Any]]) -> None:
    assert "./docker/postgres:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    script = INIT_SQL.read_text(encoding="utf-8").lower()
    for database in ("muara", "airflow", "superset"):
        assert f"create database {database} owner {database}" in script, database
    env = services["airflow-apiserver"]["environment"]
    assert env["MUARA_DATABASE_URL"].endswith("@postgres:5432/muara")
    assert env["MUARA_AIRFLOW_DATABASE_URL"].endswith("@postgres:5432/airflow")
    assert services["superset"]["environment"]["SUPERSET_DATABASE_URI"].endswith("@postgres:5432/superset")
