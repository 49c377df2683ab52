"""The local servers: the embedded Postgres, Airflow and Superset, started and stopped as background services."""
