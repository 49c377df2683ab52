"""What the city offers citizens to report: the complaint categories it serves and the OPDs that take
complaints, from the reference lists (``kategori_aduan.csv``, ``opd.csv``). Shared by the intake, the public
reads and Open311's ``services``."""

from __future__ import annotations

from muara.contract import reference

DATASET = "aduan"


def categories() -> dict[str, dict[str, str]]:
    """The categories this city serves (``kategori_aduan.csv``), by code: those whose default OPD is registered
    for ``aduan`` in this city, so a report can always be delivered to someone."""
    opds = set(aduan_opds())
    return {r["kode_kategori"]: r for r in reference.all_rows("kategori_aduan") if r["kode_opd_default"] in opds}


def aduan_opds() -> dict[str, str]:
    """OPDs of this city that take complaints: code -> name."""
    registered = set(reference.senders_of(DATASET, "opd"))
    return {r["kode_opd"]: r["nama_opd"] for r in reference.opd() if r["kode_opd"] in registered}
