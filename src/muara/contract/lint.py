"""``muara contracts lint``: is every contract valid ODCS v3.1.0, and does it follow Muara's own rules?

Two layers, in this order:
1. the official ODCS v3.1.0 JSON Schema (the copy bundled with datacontract-cli, so lint works offline);
2. Muara's rules, which the standard cannot know: names, keys, code lists that exist, PII that is
   protected, aliases that do not collide, examples that pass their own column's rules, and so on.

Each finding names the file, the field (a JSON path) and the fix. A contract that is not valid ODCS is an
error, never a warning: nothing downstream is generated from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from muara.contract import reference
from muara.contract.model import (
    CONTRACT_SUFFIX,
    FREQUENCY_UNITS,
    PHYSICAL_TYPES,
    contract_paths,
    custom_properties,
    normalise_header,
)

ODCS_VERSION = "v3.1.0"
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
DATASET_CUSTOM = {"senderKind", "ownerColumn", "sheetAliases"}
COLUMN_CUSTOM = {"aliases", "codeList", "pii", "notInFuture", "withinCity"}
PII_KINDS = {"nik", "nama", "telepon", "email"}
PII_PROTECTIONS = {"hash", "mask"}
RULE_TYPES = {"expect_column_pair_values_a_to_be_greater_than_b"}
OWNER_LISTS = {"opd": "opd.kode_opd", "kelurahan": "kelurahan.kode_kelurahan"}


@dataclass(frozen=True)
class Finding:
    file: str
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}. Fix: {self.fix}"


@cache
def odcs_schema() -> dict[str, Any]:
    text = resources.files("datacontract").joinpath("schemas", "odcs-3.1.0.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _schema_findings(doc: Any, file: str) -> list[Finding]:
    validator = _validator()
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        # the most specific cause is what a person can act on
        best = jsonschema.exceptions.best_match([err]) or err
        where = best.json_path.replace("$", "", 1).lstrip(".")
        fix = "make it match the ODCS v3.1.0 schema"
        if best.validator == "enum":
            fix = f"use one of {best.validator_value}"
        elif best.validator == "required":
            missing = re.findall(r"'([^']+)' is a required property", best.message)
            where = ".".join(filter(None, [where, *missing]))
            fix = "add the missing field"
        elif best.validator in ("unevaluatedProperties", "additionalProperties"):
            extra = re.findall(r"'([^']+)'", best.message)
            where = ".".join(filter(None, [where, ",".join(extra)]))
            fix = "remove or rename the field (Muara's own facts go in customProperties)"
        elif best.validator == "type":
            fix = f"write a value of type {best.validator_value}"
        where = where or "(top level)"
        if (where, fix) in seen:  # unevaluated- and additionalProperties report the same field twice
            continue
        seen.add((where, fix))
        found.append(Finding(file, where, f"not valid ODCS {ODCS_VERSION}: {best.message}", fix))
    return found


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(odcs_schema())


class _Checker:
    """Muara's own rules over one contract document that already passed the ODCS schema."""

    def __init__(self, doc: dict[str, Any], path: Path) -> None:
        self.doc = doc
        self.path = path
        self.file = path.name
        self.findings: list[Finding] = []

    def add(self, field: str, problem: str, fix: str) -> None:
        self.findings.append(Finding(self.file, field, problem, fix))

    def run(self) -> list[Finding]:
        doc = self.doc
        expected = self.file.removesuffix(CONTRACT_SUFFIX)
        if doc.get("apiVersion") != ODCS_VERSION:
            self.add("apiVersion", f"is {doc.get('apiVersion')!r}", f"Muara contracts use {ODCS_VERSION}")
        if doc.get("name") != expected:
            self.add("name", f"is {doc.get('name')!r} but the file is {self.file}", f"set name: {expected}")
        if doc.get("id") != f"muara-{expected}":
            self.add("id", f"is {doc.get('id')!r}", f"set id: muara-{expected}")
        schema = doc.get("schema") or []
        if len(schema) != 1:
            self.add("schema", f"has {len(schema)} objects", "describe exactly one table per contract file")
            return self.findings
        obj = schema[0]
        if obj.get("name") != expected or obj.get("physicalName", expected) != expected:
            self.add("schema[0].name", f"is {obj.get('name')!r}", f"name the table {expected} like the file")
        self._dataset(doc, obj)
        props = obj.get("properties") or []
        if not props:
            self.add("schema[0].properties", "is empty", "list the columns")
        names = [p.get("name") for p in props]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            self.add("schema[0].properties", f"column {dup!r} appears twice", "keep one definition per column")
        for i, prop in enumerate(props):
            self._column(prop, f"schema[0].properties[{i}] ({prop.get('name')})")
        self._keys(props)
        self._aliases(props)
        self._owner(doc, props)
        self._rules(obj, set(names))
        return self.findings

    def _dataset(self, doc: dict[str, Any], obj: dict[str, Any]) -> None:
        cps = custom_properties(doc)
        for key in sorted(set(cps) - DATASET_CUSTOM):
            self.add(f"customProperties.{key}", "is not a property Muara knows", f"use one of {sorted(DATASET_CUSTOM)}")
        for key in ("senderKind", "ownerColumn"):
            if key not in cps:
                self.add("customProperties", f"has no {key}", f"add {{property: {key}, value: ...}}")
        if cps.get("senderKind") not in (None, *OWNER_LISTS):
            self.add("customProperties.senderKind", f"is {cps['senderKind']!r}", f"use one of {sorted(OWNER_LISTS)}")
        sheets = cps.get("sheetAliases", [])
        if not isinstance(sheets, list) or not all(isinstance(s, str) for s in sheets):
            self.add("customProperties.sheetAliases", "is not a list of sheet names", "write a YAML list of strings")
        freq = [s for s in doc.get("slaProperties") or [] if s.get("property") == "frequency"]
        if not freq:
            self.add(
                "slaProperties",
                "has no frequency",
                "add {property: frequency, value: 1, unit: d}: how often senders send",
            )
        for s in freq:
            if str(s.get("unit")) not in FREQUENCY_UNITS or not str(s.get("value", "")).isdigit():
                self.add(
                    "slaProperties.frequency",
                    f"is {s.get('value')!r} {s.get('unit')!r}",
                    f"use a whole number and a unit from {sorted(FREQUENCY_UNITS)}",
                )
        for s in doc.get("slaProperties") or []:
            if s.get("property") == "timeOfAvailability" and not re.fullmatch(
                r"[0-2][0-9]:[0-5][0-9]", str(s.get("value"))
            ):
                self.add("slaProperties.timeOfAvailability", f"is {s.get('value')!r}", "write local time as HH:MM")
        if not (doc.get("description") or {}).get("purpose"):
            self.add("description.purpose", "is missing", "say in Bahasa Indonesia what the data is for")

    def _column(self, prop: dict[str, Any], where: str) -> None:
        """Every rule of one column, one concern per method."""
        self._column_names_and_types(prop, where)
        opts = prop.get("logicalTypeOptions") or {}
        self._column_options(opts, where)
        cps = custom_properties(prop)
        self._column_custom_properties(prop, cps, where)
        self._column_pii(prop, cps.get("pii"), where)
        valid = self._column_valid_values(prop, where)
        self._examples(prop, where, opts.get("pattern"), opts, valid)

    def _column_names_and_types(self, prop: dict[str, Any], where: str) -> None:
        name = prop.get("name", "")
        if not SNAKE.match(name):
            self.add(
                f"{where}.name",
                f"{name!r} is not snake_case",
                "use lowercase Bahasa Indonesia snake_case, e.g. nomor_aduan",
            )
        for key in ("businessName", "description", "logicalType", "physicalType"):
            if not prop.get(key):
                self.add(f"{where}.{key}", "is missing", f"add {key}: every column needs it")
        logical, physical = prop.get("logicalType"), prop.get("physicalType")
        if logical in PHYSICAL_TYPES and physical and physical not in PHYSICAL_TYPES[logical]:
            self.add(
                f"{where}.physicalType",
                f"{physical!r} does not fit logicalType {logical!r}",
                f"use one of {sorted(PHYSICAL_TYPES[logical])}",
            )
        if logical not in (None, *PHYSICAL_TYPES):
            self.add(
                f"{where}.logicalType",
                f"{logical!r} is not supported for raw tables",
                f"use one of {sorted(PHYSICAL_TYPES)}",
            )

    def _column_options(self, opts: dict[str, Any], where: str) -> None:
        """``logicalTypeOptions``: an anchored pattern that compiles, a minimum not above the maximum."""
        pattern = opts.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.add(
                    f"{where}.logicalTypeOptions.pattern",
                    f"does not compile ({exc})",
                    "write a valid regular expression",
                )
            if not (str(pattern).startswith("^") and str(pattern).endswith("$")):
                self.add(f"{where}.logicalTypeOptions.pattern", "is not anchored", "start it with ^ and end it with $")
        lo, hi = opts.get("minimum"), opts.get("maximum")
        if lo is not None and hi is not None and lo > hi:
            self.add(f"{where}.logicalTypeOptions", f"minimum {lo} is above maximum {hi}", "swap or correct them")

    def _column_custom_properties(self, prop: dict[str, Any], cps: dict[str, Any], where: str) -> None:
        """Known properties only; aliases a list of header texts; code lists, city bounds and "not in the
        future" on columns they fit."""
        for key in sorted(set(cps) - COLUMN_CUSTOM):
            self.add(
                f"{where}.customProperties.{key}",
                "is not a property Muara knows",
                f"use one of {sorted(COLUMN_CUSTOM)}",
            )
        aliases = cps.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            self.add(
                f"{where}.customProperties.aliases", "is not a list of header texts", "write a YAML list of strings"
            )
        if "codeList" in cps and self._code_list(str(cps["codeList"]), f"{where}.customProperties.codeList"):
            self._code_list_examples(prop, str(cps["codeList"]), where)
        logical = prop.get("logicalType")
        if "withinCity" in cps and (cps["withinCity"] not in ("latitude", "longitude") or logical != "number"):
            self.add(
                f"{where}.customProperties.withinCity",
                f"is {cps['withinCity']!r} on a {logical} column",
                "use latitude or longitude, on a number column",
            )
        if "notInFuture" in cps and logical not in ("date", "timestamp"):
            self.add(
                f"{where}.customProperties.notInFuture",
                f"is set on a {logical} column",
                "use it on date or timestamp columns only",
            )

    def _column_pii(self, prop: dict[str, Any], pii: Any, where: str) -> None:
        """Personal data: a known kind and protection, a restricted classification, never a key; and a
        restricted column always says how it is protected."""
        classification = prop.get("classification")
        if pii is None:
            if classification in ("restricted", "confidential"):
                self.add(
                    f"{where}.customProperties",
                    f"classification is {classification} but no pii protection is given",
                    "add {property: pii, value: {kind: ..., protection: hash|mask}}",
                )
            return
        known = isinstance(pii, dict) and pii.get("kind") in PII_KINDS and pii.get("protection") in PII_PROTECTIONS
        if not known:
            self.add(
                f"{where}.customProperties.pii",
                f"is {pii!r}",
                f"write {{kind: one of {sorted(PII_KINDS)}, protection: one of {sorted(PII_PROTECTIONS)}}}",
            )
        if classification not in ("restricted", "confidential"):
            self.add(
                f"{where}.classification",
                f"is {classification!r} for personal data",
                "set classification: restricted",
            )
        if prop.get("primaryKey"):
            self.add(f"{where}.primaryKey", "personal data cannot be a key", "key the table on a non-personal id")

    def _column_valid_values(self, prop: dict[str, Any], where: str) -> list[Any] | None:
        """The allowed values (a ``library`` rule ``invalidValues``), the only quality rule a column may carry."""
        valid = None
        for j, q in enumerate(prop.get("quality") or []):
            if q.get("metric") == "invalidValues":
                valid = (q.get("arguments") or {}).get("validValues")
                if not isinstance(valid, list) or not valid:
                    self.add(
                        f"{where}.quality[{j}].arguments.validValues", "is missing or empty", "list the allowed values"
                    )
                    valid = None
            elif q.get("type") not in ("text",):
                self.add(
                    f"{where}.quality[{j}]",
                    f"type {q.get('type')!r} metric {q.get('metric')!r} is not supported on a column",
                    "use {type: library, metric: invalidValues, arguments: {validValues: [...]}}",
                )
        return valid

    def _code_list(self, ref: str, where: str) -> bool:
        """True when the code list and its column exist (so examples can be checked against it)."""
        list_name, _, column = ref.partition(".")
        if list_name not in reference.code_lists():
            self.add(
                where, f"{ref!r} names no code list", f"use one of {sorted(reference.code_lists())} as <list>.<column>"
            )
            return False
        try:
            cols = reference.columns(list_name)
        except reference.ReferenceError as exc:
            self.add(where, str(exc), f"add schemas/reference/{reference.code_lists()[list_name]}")
            return False
        if column not in cols:
            self.add(where, f"{list_name} has no column {column!r}", f"use one of {list(cols)}")
            return False
        return True

    def _code_list_examples(self, prop: dict[str, Any], ref: str, where: str) -> None:
        list_name, _, column = ref.partition(".")
        known = {r[column] for r in reference.all_rows(list_name)}
        for ex in prop.get("examples") or []:
            if str(ex) not in known:
                self.add(
                    f"{where}.examples",
                    f"example {ex!r} is not in code list {ref}",
                    f"use a real code from schemas/reference/{reference.code_lists()[list_name]}",
                )

    def _examples(self, prop: dict[str, Any], where: str, pattern: Any, opts: dict[str, Any], valid: Any) -> None:
        examples = prop.get("examples") or []
        if not examples:
            self.add(f"{where}.examples", "is missing", "give one or two values as officers write them")
        for ex in examples:
            text = str(ex)
            if pattern and isinstance(pattern, str) and prop.get("logicalType") == "string":
                try:
                    if not re.fullmatch(pattern, text):
                        self.add(
                            f"{where}.examples",
                            f"example {text!r} breaks the column's own pattern",
                            "fix the example or the pattern",
                        )
                except re.error:
                    pass
            if valid and text not in [str(v) for v in valid]:
                self.add(f"{where}.examples", f"example {text!r} is not an allowed value", f"use one of {valid}")
            if isinstance(ex, (int, float)) and not isinstance(ex, bool):
                lo, hi = opts.get("minimum"), opts.get("maximum")
                if (lo is not None and ex < lo) or (hi is not None and ex > hi):
                    self.add(f"{where}.examples", f"example {ex} is outside {lo}..{hi}", "fix the example or the range")

    def _keys(self, props: list[dict[str, Any]]) -> None:
        keyed = [p for p in props if p.get("primaryKey")]
        if not keyed:
            self.add("schema[0].properties", "no column is primaryKey", "mark the natural key with primaryKey: true")
            return
        positions = sorted(p.get("primaryKeyPosition", -1) for p in keyed)
        if positions != list(range(1, len(keyed) + 1)):
            self.add(
                "schema[0].properties.primaryKeyPosition",
                f"key positions are {positions}",
                f"number the {len(keyed)} key columns 1..{len(keyed)}",
            )
        for p in keyed:
            if not p.get("required"):
                self.add(
                    f"schema[0].properties ({p.get('name')}).required", "a key column is optional", "set required: true"
                )
        if len(keyed) > 1:
            for p in keyed:
                if p.get("unique"):
                    self.add(
                        f"schema[0].properties ({p.get('name')}).unique",
                        "is set on one part of a composite key",
                        "remove unique: the key is unique as a whole",
                    )

    def _aliases(self, props: list[dict[str, Any]]) -> None:
        seen: dict[str, str] = {}
        for p in props:
            name = p.get("name", "")
            texts = [name, p.get("businessName") or name, *(custom_properties(p).get("aliases") or [])]
            for text in texts:
                key = normalise_header(str(text))
                if not key:
                    continue
                owner = seen.setdefault(key, name)
                if owner != name:
                    self.add(
                        f"schema[0].properties ({name}).customProperties.aliases",
                        f"header {text!r} also maps to column {owner!r}",
                        "make every header text point to one column only",
                    )

    def _owner(self, doc: dict[str, Any], props: list[dict[str, Any]]) -> None:
        cps = custom_properties(doc)
        owner, kind = cps.get("ownerColumn"), cps.get("senderKind")
        by_name = {p.get("name"): p for p in props}
        if owner is None:
            return
        if owner not in by_name:
            self.add(
                "customProperties.ownerColumn",
                f"names {owner!r}, which is not a column",
                "name the column holding the sender's code",
            )
            return
        prop = by_name[owner]
        expected = OWNER_LISTS.get(str(kind))
        if expected and custom_properties(prop).get("codeList") != expected:
            self.add(
                f"customProperties.ownerColumn ({owner})",
                f"has no codeList {expected}",
                f"give {owner} customProperties codeList: {expected}",
            )
        if not prop.get("required"):
            self.add(
                f"customProperties.ownerColumn ({owner})", "the owner column is optional", "set required: true on it"
            )

    def _rules(self, obj: dict[str, Any], names: set[str]) -> None:
        for j, q in enumerate(obj.get("quality") or []):
            where = f"schema[0].quality[{j}] ({q.get('name')})"
            if q.get("type") != "custom" or q.get("engine") != "great-expectations":
                self.add(
                    where,
                    f"type {q.get('type')!r} engine {q.get('engine')!r} is not supported",
                    "use type: custom, engine: great-expectations",
                )
                continue
            impl = q.get("implementation")
            if not isinstance(impl, dict) or impl.get("type") not in RULE_TYPES:
                self.add(f"{where}.implementation", f"is {impl!r}", f"use type one of {sorted(RULE_TYPES)} with kwargs")
                continue
            kwargs = impl.get("kwargs") or {}
            for key in ("column_A", "column_B"):
                if kwargs.get(key) not in names:
                    self.add(
                        f"{where}.implementation.kwargs.{key}",
                        f"{kwargs.get(key)!r} is not a column",
                        "name a column of this table",
                    )
            if not q.get("name") or not SNAKE.match(str(q.get("name"))):
                self.add(f"{where}.name", "is missing or not snake_case", "name the rule, e.g. selesai_setelah_lapor")
            if not q.get("description"):
                self.add(
                    f"{where}.description", "is missing", "say in Bahasa Indonesia what must hold; officers read it"
                )


def lint_file(path: Path) -> list[Finding]:
    try:
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as exc:
        return [Finding(path.name, "(file)", f"is not valid YAML: {exc}", "fix the YAML syntax at the line shown")]
    if not isinstance(doc, dict):
        return [
            Finding(path.name, "(file)", "is not a YAML mapping", "write an ODCS contract (apiVersion, kind, id, ...)")
        ]
    found = _schema_findings(doc, path.name)
    if found:
        return found
    return _Checker(doc, path).run()


def lint_registry(paths: list[Path]) -> list[Finding]:
    """Cross-file rules: every dataset an OPD is registered for has a contract, and every OPD dataset has a sender."""
    found: list[Finding] = []
    names = {p.name.removesuffix(CONTRACT_SUFFIX) for p in paths}
    try:
        opds = reference.all_rows("opd")
    except reference.ReferenceError as exc:
        return [Finding("reference/opd.csv", "(file)", str(exc), "add the OPD registry")]
    for r in opds:
        for ds in r["dataset_dikirim"].split():
            if ds not in names:
                found.append(
                    Finding(
                        "reference/opd.csv",
                        f"{r['kode_opd']}.dataset_dikirim",
                        f"names dataset {ds!r}, which has no contract",
                        f"add schemas/{ds}{CONTRACT_SUFFIX} or remove it",
                    )
                )
    for p in paths:
        try:
            with p.open(encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            kind = custom_properties(doc).get("senderKind")
        except (yaml.YAMLError, AttributeError, KeyError, TypeError):
            continue
        ds = p.name.removesuffix(CONTRACT_SUFFIX)
        if kind == "opd" and not any(ds in r["dataset_dikirim"].split() for r in opds):
            found.append(
                Finding(
                    p.name,
                    "customProperties.senderKind",
                    "no OPD in the registry is assigned this dataset",
                    f"add {ds} to dataset_dikirim of its OPD in schemas/reference/opd.csv",
                )
            )
    return found


def lint(directory: Path | None = None) -> list[Finding]:
    paths = contract_paths(directory)
    if not paths:
        return [
            Finding(str(directory or "schemas"), "(folder)", "holds no *.odcs.yaml contract", "add one per dataset")
        ]
    found: list[Finding] = []
    for p in paths:
        found.extend(lint_file(p))
    found.extend(lint_registry(paths))
    return found
