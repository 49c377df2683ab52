"""The package's shape: rooms by stage, no import circle, the pipeline never imports the generators, and a
cheap ``muara`` start-up.

Imports are read from the source (``ast``), every one of them: at module top, inside functions (lazy imports
are still a dependency) and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "muara"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, known: dict[str, Path] = MODULES) -> set[str]:
    """The ``muara`` modules a file imports (``from muara.x import y`` is ``muara.x.y`` when y is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "muara")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("muara"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return found


GRAPH = {name: imported(path) - {name} for name, path in MODULES.items()}


def test_every_import_names_a_module_that_exists() -> None:
    missing = {f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets if t not in MODULES}
    assert not missing, sorted(missing)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a path (first == last), or None: depth-first search with three colours."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_one() -> None:
    """The detector itself: a three-module circle is found, a chain is not."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def reachable(start: str, graph: dict[str, set[str]] = GRAPH) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


RUNTIME = (
    "muara.readers",
    "muara.ingest",
    "muara.warehouse",
    "muara.contract",
    "muara.stack",
    "muara.dashboards",
    "muara.portal",
    "muara.analytics",
)


@pytest.mark.parametrize("room", RUNTIME)
def test_the_pipeline_never_imports_build_or_dev_tools(room: str) -> None:
    """Run-time rooms reach neither the generators (build time) nor devtools (demo data, benchmarks)."""
    bad = {
        f"{m} -> {t}"
        for m in MODULES
        if m == room or m.startswith(room + ".")
        for t in reachable(m)
        if t.startswith(("muara.generate", "muara.devtools", "muara.cli"))
    }
    assert not bad, sorted(bad)


def test_dags_import_no_generator() -> None:
    for dag_file in sorted((ROOT / "dags").glob("*.py")):
        reached = set().union(*(reachable(m) | {m} for m in imported(dag_file)))
        assert not {m for m in reached if m.startswith(("muara.generate", "muara.devtools"))}, dag_file.name


def test_no_airflow_plugins_folder_and_no_flat_modules() -> None:
    """Airflow would import every module of a plugins folder again under a top-level name."""
    assert not (ROOT / "plugins").exists()
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "cli.py", "settings.py"})
    assert not flat, f"modules outside a room: {flat}"


def test_cli_start_up_imports_no_pandas_and_no_great_expectations() -> None:
    code = (
        "import json, sys; import muara.cli; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pandas', 'great_expectations', 'numpy', 'pyarrow', 'airflow', 'dbt'))))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    heavy = json.loads(res.stdout)
    assert heavy == [], f"`import muara.cli` imported {sorted({m.split('.')[0] for m in heavy})}"


def test_help_runs_without_heavy_imports() -> None:
    """`muara --help` answers (every command registered) without pandas or GX."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from muara.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('pandas' in sys.modules, 'great_expectations' in sys.modules, 'check' in r.output)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert res.stdout.split() == ["False", "False", "True"], res.stdout + res.stderr


LONG = 60  # lines, def to last line


def test_no_long_function_without_a_reason_at_its_top() -> None:
    """A function longer than a screen does one job only if it says why it is long ("Long on purpose: ...")."""
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                size = node.end_lineno - node.lineno + 1
                if size > LONG and "Long on purpose:" not in (ast.get_docstring(node) or ""):
                    long.append(f"{name}.{node.name}: {size} lines")
    assert not long, long
