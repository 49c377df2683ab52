"""The data contract: ODCS v3.1.0 YAML files in ``schemas/``, read into typed objects.

Everything downstream (GX suites, raw DDL, dbt sources, header aliases, PII handling, freshness) is derived
from these objects, so this module is the only place that knows how Muara's facts sit inside ODCS:

- allowed values: ``quality: [{type: library, metric: invalidValues, arguments: {validValues: [...]}}]``
- patterns, lengths, ranges: ``logicalTypeOptions`` (``pattern``, ``minLength``, ``maxLength``,
  ``minimum``, ``maximum``)
- Muara's own facts: ``customProperties`` (ODCS's extension point): ``aliases``, ``codeList``, ``pii``,
  ``notInFuture``, ``withinCity`` per column; ``senderKind``, ``ownerColumn``, ``sheetAliases`` per dataset
- cross-column rules: schema-level ``quality`` of ``type: custom, engine: great-expectations``
- delivery rhythm: ``slaProperties`` ``frequency`` (value + unit) and ``timeOfAvailability``

Loading assumes the file passed ``muara contracts lint``; lint explains what is wrong, loading does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from muara import settings

CONTRACT_SUFFIX = ".odcs.yaml"

#: physical types the raw tables may use, per ODCS logical type
PHYSICAL_TYPES: dict[str, frozenset[str]] = {
    "string": frozenset({"text"}),
    "integer": frozenset({"bigint", "integer"}),
    "number": frozenset({"double precision", "numeric(18,2)", "numeric"}),
    "date": frozenset({"date"}),
    "timestamp": frozenset({"timestamptz"}),
    "boolean": frozenset({"boolean"}),
}

#: ODCS ``frequency`` units we accept, as a duration
FREQUENCY_UNITS: dict[str, timedelta] = {
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "m": timedelta(days=31),
    "q": timedelta(days=92),
    "y": timedelta(days=366),
}

_NORMALISE = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """How headers are matched: case, spaces and punctuation do not count (``No. Aduan`` == ``no_aduan``)."""
    return _NORMALISE.sub("", str(text).casefold())


@dataclass(frozen=True)
class Pii:
    kind: str  # nik | nama | telepon | email
    protection: str  # hash (keyed HMAC-SHA256) | mask (keep the last 4 characters)


@dataclass(frozen=True)
class Column:
    name: str
    business_name: str
    description: str
    logical_type: str
    physical_type: str
    required: bool = False
    primary_key_position: int | None = None
    unique: bool = False
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    valid_values: tuple[str, ...] | None = None
    code_list: str | None = None  # "<list>.<column>"
    aliases: tuple[str, ...] = ()
    pii: Pii | None = None
    not_in_future: bool = False
    within_city: str | None = None  # "latitude" | "longitude": must lie in the configured city's area
    classification: str | None = None
    examples: tuple[Any, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header text that maps to this column: its name, business name and aliases."""
        return (self.name, self.business_name, *self.aliases)


@dataclass(frozen=True)
class PairRule:
    """``column_a`` must be >= (or >) ``column_b`` where both are present."""

    name: str
    description: str
    column_a: str
    column_b: str
    or_equal: bool


@dataclass(frozen=True)
class Contract:
    name: str
    path: Path
    version: str
    title: str
    purpose: str
    sender_kind: str
    owner_column: str
    sheet_aliases: tuple[str, ...]
    frequency: timedelta
    frequency_text: str
    time_of_availability: str | None
    columns: tuple[Column, ...]
    rules: tuple[PairRule, ...] = field(default=())

    @cached_property
    def primary_key(self) -> tuple[str, ...]:
        keyed = [c for c in self.columns if c.primary_key_position is not None]
        return tuple(c.name for c in sorted(keyed, key=lambda c: c.primary_key_position or 0))

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.name} has no column {name!r}") from None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def pii_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.pii is not None)

    def header_map(self) -> dict[str, str]:
        """Normalised header text -> column name, for the readers."""
        mapping: dict[str, str] = {}
        for c in self.columns:
            for h in c.headers:
                mapping.setdefault(normalise_header(h), c.name)
        return mapping


def custom_properties(node: dict[str, Any]) -> dict[str, Any]:
    return {cp["property"]: cp["value"] for cp in node.get("customProperties") or []}


def _column(prop: dict[str, Any]) -> Column:
    opts = prop.get("logicalTypeOptions") or {}
    cps = custom_properties(prop)
    valid: tuple[str, ...] | None = None
    for q in prop.get("quality") or []:
        if q.get("metric") == "invalidValues":
            valid = tuple(str(v) for v in q["arguments"]["validValues"])
    pii = cps.get("pii")
    return Column(
        name=prop["name"],
        business_name=prop.get("businessName", prop["name"]),
        description=" ".join(str(prop.get("description", "")).split()),
        logical_type=prop["logicalType"],
        physical_type=prop["physicalType"],
        required=bool(prop.get("required", False)),
        primary_key_position=prop.get("primaryKeyPosition") if prop.get("primaryKey") else None,
        unique=bool(prop.get("unique", False)),
        pattern=opts.get("pattern"),
        min_length=opts.get("minLength"),
        max_length=opts.get("maxLength"),
        minimum=opts.get("minimum"),
        maximum=opts.get("maximum"),
        valid_values=valid,
        code_list=cps.get("codeList"),
        aliases=tuple(cps.get("aliases") or ()),
        pii=Pii(kind=pii["kind"], protection=pii["protection"]) if pii else None,
        not_in_future=bool(cps.get("notInFuture", False)),
        within_city=cps.get("withinCity"),
        classification=prop.get("classification"),
        examples=tuple(prop.get("examples") or ()),
    )


def _frequency(doc: dict[str, Any]) -> tuple[timedelta, str]:
    for sla in doc.get("slaProperties") or []:
        if sla.get("property") == "frequency":
            value, unit = int(sla["value"]), str(sla.get("unit", "d"))
            return FREQUENCY_UNITS[unit] * value, f"{value}{unit}"
    raise KeyError("frequency")


def from_document(doc: dict[str, Any], path: Path) -> Contract:
    obj = doc["schema"][0]
    cps = custom_properties(doc)
    freq, freq_text = _frequency(doc)
    availability = next(
        (str(s["value"]) for s in doc.get("slaProperties") or [] if s.get("property") == "timeOfAvailability"),
        None,
    )
    rules = []
    for q in obj.get("quality") or []:
        impl = q["implementation"]
        kwargs = impl["kwargs"]
        rules.append(
            PairRule(
                name=q["name"],
                description=q.get("description", ""),
                column_a=kwargs["column_A"],
                column_b=kwargs["column_B"],
                or_equal=bool(kwargs.get("or_equal", False)),
            )
        )
    return Contract(
        name=doc["name"],
        path=path,
        version=str(doc["version"]),
        title=obj.get("businessName", doc["name"]),
        purpose=" ".join(str((doc.get("description") or {}).get("purpose", "")).split()),
        sender_kind=cps["senderKind"],
        owner_column=cps["ownerColumn"],
        sheet_aliases=tuple(cps.get("sheetAliases") or ()),
        frequency=freq,
        frequency_text=freq_text,
        time_of_availability=availability,
        columns=tuple(_column(p) for p in obj["properties"]),
        rules=tuple(rules),
    )


#: LibYAML's safe loader parses a contract ~10x faster than PyYAML's pure-Python one (0.8 s per ingest process)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        doc = yaml.load(f, Loader=_YAML_LOADER)  # a safe loader: LibYAML's C one when present
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a YAML mapping")
    return doc


def contract_paths(directory: Path | None = None) -> list[Path]:
    directory = directory or settings.schemas_dir()
    return sorted(directory.glob(f"*{CONTRACT_SUFFIX}"))


def load(path: Path) -> Contract:
    return from_document(read_document(path), path)


@cache
def _load_all(directory: Path) -> dict[str, Contract]:
    return {c.name: c for c in (load(p) for p in contract_paths(directory))}


def load_all(directory: Path | None = None) -> dict[str, Contract]:
    """Every contract in ``schemas/`` by dataset name (cached per folder)."""
    return dict(_load_all((directory or settings.schemas_dir()).resolve()))


def get(dataset: str, directory: Path | None = None) -> Contract:
    contracts = load_all(directory)
    if dataset not in contracts:
        raise KeyError(f"no contract for dataset {dataset!r}; known: {', '.join(sorted(contracts))}")
    return contracts[dataset]
