"""Reference code lists (``schemas/reference/*.csv``): kelurahan, OPD registry, categories and targets.

Lists that carry ``kode_kota`` are filtered to the configured city, so a contract's code list
``kelurahan.kode_kelurahan`` means "a kelurahan of *this* city", never of another one.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from muara import settings

#: reference files that describe cities rather than list codes a contract may point at
CITY_SETTINGS = frozenset({"kota", "kota_setelan"})


def code_lists() -> dict[str, str]:
    """Code lists a contract may reference (``<list>.<column>``), by name: every ``schemas/reference/<list>.csv``
    but the city settings. A new list is a new CSV file there, no code."""
    folder = settings.reference_dir()
    return {p.stem: p.name for p in sorted(folder.glob("*.csv")) if p.stem not in CITY_SETTINGS}


def _list_file(list_name: str) -> Path:
    lists = code_lists()
    if list_name not in lists:
        raise ReferenceError(f"unknown code list {list_name!r}; known: {', '.join(sorted(lists))}")
    return settings.reference_dir() / lists[list_name]


class ReferenceError(ValueError):
    """A reference list is missing or malformed."""


@cache
def _read(path: Path) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    if not path.is_file():
        raise ReferenceError(f"{path}: reference list not found")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = tuple(dict(r) for r in reader)
        return tuple(reader.fieldnames or ()), rows


def rows(list_name: str, city_code: str | None = None) -> list[dict[str, str]]:
    """Rows of a code list, limited to the city when the list has a ``kode_kota`` column."""
    fields, data = _read(_list_file(list_name))
    if "kode_kota" in fields:
        code = city_code or settings.city_code()
        return [r for r in data if r["kode_kota"] == code]
    return list(data)


def all_rows(list_name: str) -> list[dict[str, str]]:
    """Rows of a code list for every city (for checks that must not depend on ``MUARA_CITY``)."""
    return list(_read(_list_file(list_name))[1])


def columns(list_name: str) -> tuple[str, ...]:
    fields, _ = _read(_list_file(list_name))
    return fields


def values(ref: str, city_code: str | None = None) -> list[str]:
    """Allowed values of ``<list>.<column>`` (e.g. ``kelurahan.kode_kelurahan``), sorted."""
    list_name, _, column = ref.partition(".")
    if column not in columns(list_name):
        raise ReferenceError(f"code list {list_name!r} has no column {column!r}")
    return sorted({r[column] for r in rows(list_name, city_code)})


def kelurahan(city_code: str | None = None) -> list[dict[str, str]]:
    return rows("kelurahan", city_code)


def opd(city_code: str | None = None) -> list[dict[str, str]]:
    return rows("opd", city_code)


def known_senders(city_code: str | None = None) -> set[str]:
    """Every code that may send anything in this city: its OPDs and its kelurahan."""
    return {r["kode_opd"] for r in opd(city_code)} | {r["kode_kelurahan"] for r in kelurahan(city_code)}


def senders_of(dataset: str, sender_kind: str, city_code: str | None = None) -> list[str]:
    """Who sends ``dataset`` in this city: the OPDs the registry assigns it to, or every kelurahan."""
    if sender_kind == "kelurahan":
        return [r["kode_kelurahan"] for r in kelurahan(city_code)]
    if sender_kind == "opd":
        return [r["kode_opd"] for r in opd(city_code) if dataset in r["dataset_dikirim"].split()]
    raise ReferenceError(f"unknown sender kind {sender_kind!r}")
