"""Tools for developers, never on the pipeline's path: demo data, the demo runner, benchmarks."""
