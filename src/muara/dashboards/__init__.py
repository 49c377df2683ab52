"""Superset's dashboards: provisioning the read-only role, the bundle, roles, users and row-level security."""
