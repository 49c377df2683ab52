"""Fixtures of the DAG tests: the integration tests' own Postgres cluster, for the tests that stop a server."""

from __future__ import annotations

from tests.integration.conftest import own_cluster

__all__ = ["own_cluster"]
