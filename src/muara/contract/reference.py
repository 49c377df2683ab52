"""Reference code lists (``schemas/reference/*.csv``): kelurahan, OPD registry, categories and targets.

Lists that carry ``kode_kota`` are filtered to the configured city, so a contract's code list
``kelurahan.kode_kelurahan`` means "a kelurahan of *this* city", never of another one.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from muara import settings

#: code lists a contract may reference, and the file each lives in
CODE_LISTS: dict[str, str] = {
    "kelurahan": "kelurahan.csv",
    "opd": "opd.csv",
    "kategori_aduan": "kategori_aduan.csv",
    "jenis_izin": "jenis_izin.csv",
    "jenis_darurat": "jenis_darurat.csv",
}


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
    if list_name not in CODE_LISTS:
        raise ReferenceError(f"unknown code list {list_name!r}; known: {', '.join(sorted(CODE_LISTS))}")
    fields, data = _read(settings.reference_dir() / CODE_LISTS[list_name])
    if "kode_kota" in fields:
        code = city_code or settings.city_code()
        return [r for r in data if r["kode_kota"] == code]
    return list(data)


def all_rows(list_name: str) -> list[dict[str, str]]:
    """Rows of a code list for every city (for checks that must not depend on ``MUARA_CITY``)."""
    if list_name not in CODE_LISTS:
        raise ReferenceError(f"unknown code list {list_name!r}; known: {', '.join(sorted(CODE_LISTS))}")
    return list(_read(settings.reference_dir() / CODE_LISTS[list_name])[1])


def columns(list_name: str) -> tuple[str, ...]:
    fields, _ = _read(settings.reference_dir() / CODE_LISTS[list_name])
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


def senders_of(dataset: str, sender_kind: str, city_code: str | None = None) -> list[str]:
    """Who sends ``dataset`` in this city: the OPDs the registry assigns it to, or every kelurahan."""
    if sender_kind == "kelurahan":
        return [r["kode_kelurahan"] for r in kelurahan(city_code)]
    if sender_kind == "opd":
        return [r["kode_opd"] for r in opd(city_code) if dataset in r["dataset_dikirim"].split()]
    raise ReferenceError(f"unknown sender kind {sender_kind!r}")
