"""Fixtures of the integration tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, muara


@pytest.fixture
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of a second embedded Postgres cluster, empty and not started (``muara db start`` with it
    starts it); stopped and removed afterwards. The folder is under the checkout, not /tmp: the server's
    system user must reach it."""
    base = ROOT / "data" / "tmp-tests" / tmp_path_factory.mktemp("pg").name
    env = {"MUARA_PG_DIR": str(base)}
    yield env
    muara("db", "stop", env=env)
    shutil.rmtree(base, ignore_errors=True)
