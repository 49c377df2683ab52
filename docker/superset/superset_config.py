"""Superset settings for the production stack: every secret comes from the environment (docker-compose.yml).

Read with ``os.environ[...]`` on purpose: a missing value stops Superset at start-up instead of running
with Superset's built-in placeholder key or a SQLite metadata file inside the container.
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_DATABASE_URI"]
