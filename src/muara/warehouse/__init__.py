"""The dbt warehouse: building it and writing the manifest the warehouse DAG renders from."""
