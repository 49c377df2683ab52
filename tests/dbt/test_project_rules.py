"""The dbt project's DAG against dbt-labs/dbt-project-evaluator's rules (its docs/rules.md), read from
``dbt/target/manifest.json`` (dbt parse; no database).

The evaluator itself is a dbt hub package, which cannot be installed here, so each rule is restated over the
manifest, one test per rule, named in its docstring, following the evaluator's own SQL where its prose is
looser. Defaults are the evaluator's: ``models_fanout_threshold`` 3, ``too_many_joins_threshold`` 7, prefixes
``stg_`` / ``int_`` / ``fct_`` ``dim_`` / ``base_`` / ``rpt_`` and folders ``staging`` / ``intermediate`` /
``marts`` / ``base``. A model's type comes from its prefix, else from the deepest such folder in its path, else
it is ``other`` (the evaluator's ``int_all_graph_resources``). Tests are not part of the DAG; exposures are
nodes but never models.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import pytest

MODELS_FANOUT_THRESHOLD = 3
TOO_MANY_JOINS_THRESHOLD = 7
PREFIXES = {
    "stg_": "staging",
    "int_": "intermediate",
    "fct_": "marts",
    "dim_": "marts",
    "base_": "base",
    "rpt_": "other",
}
FOLDERS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts", "base": "base"}
PHYSICAL = {"table", "incremental"}


@dataclass
class Dag:
    """The manifest as a graph: every model, seed, snapshot, source and exposure, with its direct parents."""

    nodes: dict[str, dict[str, Any]]
    parents: dict[str, set[str]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tests: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Dag:
        kept = ("model", "seed", "snapshot")
        nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in kept}
        nodes.update(manifest["sources"])
        nodes.update(manifest["exposures"])
        dag = cls(nodes=nodes)
        for uid, node in nodes.items():
            dag.parents[uid] = set(node.get("depends_on", {}).get("nodes", []))
            for parent in dag.parents[uid]:
                dag.children[parent].add(uid)
        dag.tests = [v for v in manifest["nodes"].values() if v["resource_type"] == "test"]
        return dag

    def of_type(self, resource_type: str) -> list[str]:
        return sorted(k for k, v in self.nodes.items() if v["resource_type"] == resource_type)

    def kind(self, uid: str) -> str:
        return str(self.nodes[uid]["resource_type"])

    def name(self, uid: str) -> str:
        node = self.nodes[uid]
        return f"{node['source_name']}.{node['name']}" if node["resource_type"] == "source" else str(node["name"])

    def model_type(self, uid: str) -> str | None:
        """staging / intermediate / marts / base / other for models and snapshots, None for anything else."""
        if self.kind(uid) not in ("model", "snapshot"):
            return None
        return self.prefix_type(uid) or self.folder_type(uid) or "other"

    def prefix_type(self, uid: str) -> str | None:
        name = self.nodes[uid]["name"]
        return next((t for p, t in PREFIXES.items() if name.startswith(p)), None)

    def folder_type(self, uid: str) -> str | None:
        """The model type of the deepest folder in the model's path named after one."""
        folders = PurePosixPath(self.nodes[uid]["original_file_path"]).parent.parts
        return next((FOLDERS[f] for f in reversed(folders) if f in FOLDERS), None)

    def names(self, uids: set[str] | list[str]) -> list[str]:
        return sorted(self.name(u) for u in uids)


@pytest.fixture(scope="module")
def dag(dbt_manifest: object) -> Dag:
    return Dag.from_manifest(json.loads(open(str(dbt_manifest), encoding="utf-8").read()))


def _fail_message(rule: str, found: object) -> str:
    return f"dbt-project-evaluator {rule}: {found}"


# -------------------------------------------------------------------------------------------------- modeling


def test_root_models(dag: Dag) -> None:
    """fct_root_models: a model with no direct parent (no ref, no source) cannot be traced back to anything
    declared in the project."""
    roots = [dag.name(m) for m in dag.of_type("model") if not dag.parents[m]]
    assert not roots, _fail_message("fct_root_models", roots)


def test_model_fanout(dag: Dag) -> None:
    """fct_model_fanout: a model with at least ``models_fanout_threshold`` (3) direct leaf children. A leaf is
    a model with no children of its own, tests and exposures aside (an exposure is not a model: a mart read only
    by dashboards is still a leaf, and exposures never count as children). The evaluator's SQL counts
    ``>= threshold`` (its docs' prose says "more than 3", its example flags three)."""

    def is_leaf(uid: str) -> bool:
        return dag.kind(uid) == "model" and not any(dag.kind(c) != "exposure" for c in dag.children[uid])

    fanning = {
        dag.name(m): dag.names([c for c in dag.children[m] if is_leaf(c)])
        for m in dag.of_type("model")
        if sum(is_leaf(c) for c in dag.children[m]) >= MODELS_FANOUT_THRESHOLD
    }
    assert not fanning, _fail_message("fct_model_fanout (parent: its leaf children)", fanning)


def test_too_many_joins(dag: Dag) -> None:
    """fct_too_many_joins: a model referencing ``too_many_joins_threshold`` (7) or more distinct models, seeds,
    snapshots or sources."""
    wide = {
        dag.name(m): len(dag.parents[m])
        for m in dag.of_type("model")
        if len(dag.parents[m]) >= TOO_MANY_JOINS_THRESHOLD
    }
    assert not wide, _fail_message("fct_too_many_joins (model: direct parents)", wide)


def test_rejoining_of_upstream_concepts(dag: Dag) -> None:
    """fct_rejoining_of_upstream_concepts: a parent A, its child B and a grandchild C where C reads both A and
    B, and B has no other child than C (exposures aside): B's SQL belongs in a CTE of C."""
    loops = sorted(
        f"{dag.name(a)} -> {dag.name(b)} -> {dag.name(c)}"
        for c in dag.nodes
        if dag.kind(c) != "exposure"
        for b in dag.parents[c]
        if [x for x in dag.children[b] if dag.kind(x) != "exposure"] == [c]
        for a in dag.parents[b] & dag.parents[c]
    )
    assert not loops, _fail_message(
        "fct_rejoining_of_upstream_concepts (parent -> single-use child -> both's child)", loops
    )


def test_marts_or_intermediate_dependent_on_source(dag: Dag) -> None:
    """fct_marts_or_intermediate_dependent_on_source: a marts or intermediate model reading a source
    directly instead of its staging model."""
    found = {
        dag.name(m): dag.names([p for p in dag.parents[m] if dag.kind(p) == "source"])
        for m in dag.of_type("model")
        if dag.model_type(m) in ("marts", "intermediate") and any(dag.kind(p) == "source" for p in dag.parents[m])
    }
    assert not found, _fail_message("fct_marts_or_intermediate_dependent_on_source", found)


def test_staging_dependent_on_marts_or_intermediate(dag: Dag) -> None:
    """fct_staging_dependent_on_marts_or_intermediate: a staging model reading an intermediate or marts model
    (staging reads sources only)."""
    found = {
        dag.name(m): dag.names([p for p in dag.parents[m] if dag.model_type(p) in ("marts", "intermediate")])
        for m in dag.of_type("model")
        if dag.model_type(m) == "staging"
        and any(dag.model_type(p) in ("marts", "intermediate") for p in dag.parents[m])
    }
    assert not found, _fail_message("fct_staging_dependent_on_marts_or_intermediate", found)


def test_intermediate_dependent_on_marts(dag: Dag) -> None:
    """Intermediate models read only staging, intermediate models and seeds, never marts: the layering
    staging -> intermediate -> marts of the dbt structure guide (and of STYLE.md), which the evaluator's
    fct_staging_dependent_on_marts_or_intermediate states for the layer below."""
    found = {
        dag.name(m): dag.names([p for p in dag.parents[m] if dag.model_type(p) == "marts"])
        for m in dag.of_type("model")
        if dag.model_type(m) == "intermediate" and any(dag.model_type(p) == "marts" for p in dag.parents[m])
    }
    assert not found, _fail_message("intermediate models reading marts", found)


def test_staging_dependent_on_staging(dag: Dag) -> None:
    """fct_staging_dependent_on_staging: a staging model reading another staging model."""
    found = {
        dag.name(m): dag.names([p for p in dag.parents[m] if dag.model_type(p) == "staging"])
        for m in dag.of_type("model")
        if dag.model_type(m) == "staging" and any(dag.model_type(p) == "staging" for p in dag.parents[m])
    }
    assert not found, _fail_message("fct_staging_dependent_on_staging", found)


def test_direct_join_to_source(dag: Dag) -> None:
    """fct_direct_join_to_source: a model reading both a source and a model."""
    found = [dag.name(m) for m in dag.of_type("model") if {dag.kind(p) for p in dag.parents[m]} >= {"source", "model"}]
    assert not found, _fail_message("fct_direct_join_to_source", found)


def test_multiple_sources_joined(dag: Dag) -> None:
    """fct_multiple_sources_joined: a model reading more than one source."""
    found = {
        dag.name(m): dag.names([p for p in dag.parents[m] if dag.kind(p) == "source"])
        for m in dag.of_type("model")
        if sum(dag.kind(p) == "source" for p in dag.parents[m]) > 1
    }
    assert not found, _fail_message("fct_multiple_sources_joined", found)


def test_source_fanout(dag: Dag) -> None:
    """fct_source_fanout: a source read by more than one resource (exposures aside)."""
    found = {
        dag.name(s): dag.names(kids)
        for s in dag.of_type("source")
        if len(kids := [c for c in dag.children[s] if dag.kind(c) != "exposure"]) > 1
    }
    assert not found, _fail_message("fct_source_fanout", found)


def test_unused_sources(dag: Dag) -> None:
    """fct_unused_sources: a source nothing reads."""
    found = [dag.name(s) for s in dag.of_type("source") if not dag.children[s]]
    assert not found, _fail_message("fct_unused_sources", found)


def test_duplicate_sources(dag: Dag) -> None:
    """fct_duplicate_sources: two source definitions for one database relation."""
    by_relation: dict[str, list[str]] = defaultdict(list)
    for s in dag.of_type("source"):
        by_relation[str(dag.nodes[s]["relation_name"])].append(dag.name(s))
    found = {r: names for r, names in by_relation.items() if len(names) > 1}
    assert not found, _fail_message("fct_duplicate_sources", found)


# --------------------------------------------------------------------------------------------------- testing


def test_missing_primary_key_tests(dag: Dag) -> None:
    """fct_missing_primary_key_tests: every model has ``unique`` and ``not_null`` on one column (or ``unique``
    and a not_null constraint on it), or dbt_utils' ``unique_combination_of_columns``. Other combination
    tests (our kunci_gabungan) do not count: the evaluator only knows these."""
    column_tests: dict[tuple[str, str], set[str]] = defaultdict(set)
    combination: set[str] = set()
    for test in dag.tests:
        meta, node = test.get("test_metadata") or {}, test.get("attached_node")
        if not meta or not node:
            continue
        name = f"{meta.get('namespace') or 'dbt'}.{meta['name']}"
        if name == "dbt_utils.unique_combination_of_columns":
            combination.add(node)
        elif test.get("column_name"):
            column_tests[(node, test["column_name"])].add(name)
    for uid in dag.of_type("model"):
        for column, spec in dag.nodes[uid]["columns"].items():
            if any(c.get("type") == "not_null" for c in spec.get("constraints", [])):
                column_tests[(uid, column)].add("dbt.not_null")
    keyed = {uid for (uid, _), names in column_tests.items() if {"dbt.unique", "dbt.not_null"} <= names}
    missing = [dag.name(m) for m in dag.of_type("model") if m not in keyed | combination]
    assert not missing, _fail_message("fct_missing_primary_key_tests", missing)


def test_sources_without_freshness(dag: Dag) -> None:
    """fct_sources_without_freshness: every source has a freshness check (warn_after or error_after) and a
    loaded_at_field."""

    def has_freshness(uid: str) -> bool:
        freshness = dag.nodes[uid].get("freshness") or {}
        checked = any((freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after"))
        return bool(checked and dag.nodes[uid].get("loaded_at_field"))

    found = [dag.name(s) for s in dag.of_type("source") if not has_freshness(s)]
    assert not found, _fail_message("fct_sources_without_freshness", found)


# ------------------------------------------------------------------------------------------------- structure


def test_model_naming_conventions(dag: Dag) -> None:
    """fct_model_naming_conventions: a model whose name starts with none of the configured prefixes."""
    found = [dag.name(m) for m in dag.of_type("model") if dag.prefix_type(m) is None]
    assert not found, _fail_message("fct_model_naming_conventions", found)


def test_model_directories(dag: Dag) -> None:
    """fct_model_directories: a staging model sits under a folder named after every source it reads (through
    any depth); any other model's deepest type folder matches its prefix's type."""

    def sources_upstream(uid: str) -> set[str]:
        seen, todo = set(), list(dag.parents[uid])
        while todo:
            if (p := todo.pop()) not in seen:
                seen.add(p)
                todo.extend(dag.parents.get(p, ()))
        return {dag.nodes[p]["source_name"] for p in seen if dag.kind(p) == "source"}

    found = []
    for m in dag.of_type("model"):
        path = dag.nodes[m]["original_file_path"]
        folder = str(PurePosixPath(path).parent)
        if dag.model_type(m) == "staging":
            found += [f"{path} (source {s})" for s in sorted(sources_upstream(m)) if s not in folder]
        elif (folder_type := dag.folder_type(m)) is not None and folder_type != dag.model_type(m):
            found.append(f"{path} ({dag.model_type(m)} model under {folder_type}/)")
    assert not found, _fail_message("fct_model_directories", found)


def test_source_directories(dag: Dag) -> None:
    """fct_source_directories: a source is defined in a YAML file under models/staging/<source name>/."""
    found = [
        f"{dag.name(s)} in {dag.nodes[s]['original_file_path']}"
        for s in dag.of_type("source")
        if PurePosixPath(dag.nodes[s]["original_file_path"]).parent.parts[-2:]
        != ("staging", dag.nodes[s]["source_name"])
    ]
    assert not found, _fail_message("fct_source_directories", found)


def test_test_directories(dag: Dag) -> None:
    """fct_test_directories: a model's generic tests are declared in a YAML file in the model's own folder."""
    found = sorted(
        {
            f"{dag.name(t['attached_node'])}: {t['original_file_path']}"
            for t in dag.tests
            if t.get("test_metadata")
            and t.get("attached_node") in dag.nodes
            and dag.kind(t["attached_node"]) == "model"
            and PurePosixPath(t["original_file_path"]).parent
            != PurePosixPath(dag.nodes[t["attached_node"]]["original_file_path"]).parent
        }
    )
    assert not found, _fail_message("fct_test_directories (model: YAML declaring its tests)", found)


# ------------------------------------------------------------------------------------- governance, performance


def test_public_models_without_contract(dag: Dag) -> None:
    """fct_public_models_without_contract: a model with ``access: public`` has an enforced contract."""
    found = [
        dag.name(m)
        for m in dag.of_type("model")
        if dag.nodes[m].get("access") == "public" and not dag.nodes[m]["config"]["contract"]["enforced"]
    ]
    assert not found, _fail_message("fct_public_models_without_contract", found)


def test_undocumented_public_models(dag: Dag) -> None:
    """fct_undocumented_public_models: a public model has a description and describes every column it
    declares."""
    found = [
        dag.name(m)
        for m in dag.of_type("model")
        if dag.nodes[m].get("access") == "public"
        and (
            not dag.nodes[m]["description"].strip()
            or any(not c["description"].strip() for c in dag.nodes[m]["columns"].values())
        )
    ]
    assert not found, _fail_message("fct_undocumented_public_models", found)


def test_exposures_dependent_on_private_models(dag: Dag) -> None:
    """fct_exposures_dependent_on_private_models: an exposure reads anything but a model with
    ``access: public``."""
    found = {
        dag.name(e): dag.names([p for p in dag.parents[e] if dag.nodes[p].get("access") != "public"])
        for e in dag.of_type("exposure")
        if any(dag.nodes[p].get("access") != "public" for p in dag.parents[e])
    }
    assert not found, _fail_message("fct_exposures_dependent_on_private_models (exposure: non-public parents)", found)


def test_exposure_parents_materializations(dag: Dag) -> None:
    """fct_exposure_parents_materializations: an exposure reads a source, or a model that is not a table or
    incremental (a view is computed at every dashboard query)."""

    def not_physical(uid: str) -> bool:
        return dag.kind(uid) == "source" or (
            dag.kind(uid) == "model" and dag.nodes[uid]["config"]["materialized"] not in PHYSICAL
        )

    found = {
        dag.name(e): dag.names([p for p in dag.parents[e] if not_physical(p)])
        for e in dag.of_type("exposure")
        if any(not_physical(p) for p in dag.parents[e])
    }
    assert not found, _fail_message("fct_exposure_parents_materializations (exposure: view or source parents)", found)
