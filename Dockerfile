# The Airflow image of the production stack (docker-compose.yml): Airflow, GX, dbt, Cosmos and the muara
# package from the same uv.lock as `make install`, so production runs what the tests ran.
# The tag must equal the apache-airflow pin in pyproject.toml (tests/integration/test_compose.py checks it).
FROM apache/airflow:3.3.2-python3.11

# uv at the version the Makefile installs (UV_VERSION)
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /uvx /usr/local/bin/

USER root
# The data folders exist in the image, owned by airflow, so the named volumes mounted on them start with
# the right owner (Docker copies a fresh volume's ownership from the image).
RUN mkdir -p /opt/muara/data/inbox /opt/muara/data/archive /opt/muara/data/reports \
    && chown -R airflow:0 /opt/muara
USER airflow
WORKDIR /opt/muara

ENV UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/muara/.venv

# 1. the locked dependencies with the `production` extra (Celery executor + Redis, FAB auth manager), a
#    layer that changes only when the lock does
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra production --no-install-project --python python3.11
# 2. the project itself, editable: the venv points at /opt/muara/src, which docker-compose.yml mounts
#    read-only over this copy, so the running code is the checkout's
COPY --chown=airflow:0 src/ src/
RUN uv sync --frozen --no-dev --extra production --python python3.11

ENV PATH="/opt/muara/.venv/bin:${PATH}" \
    VIRTUAL_ENV=/opt/muara/.venv
