"""Build time only: everything derived from the contracts (GX suites, raw DDL, dbt sources and staging, the
dataset list). The run-time pipeline never imports this package.
"""
