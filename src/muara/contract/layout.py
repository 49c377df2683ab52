"""Names that both the build-time generators and the run-time pipeline use, so neither imports the other.

- the lineage columns every ``raw.<dataset>`` table carries after the contract's own (the DDL generator writes
  them, the loader fills them, the staging generator selects them);
- the names of the suite parameters (``$PARAMETER``) that make one generated GX suite serve every city (the
  suite generator writes them, the validator fills them from the city's settings and code lists);
- the example shape of each kind of personal data, for the officer's fix text.
"""

from __future__ import annotations

LINEAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_batch_id", "uuid not null", "Batch (ledger muara.ingest_batch) yang memuat baris ini."),
    ("_sender", "text not null", "Pengirim berkas (kode OPD atau kode kelurahan)."),
    ("_source_file", "text not null", "Nama berkas asal."),
    ("_row_number", "bigint not null", "Nomor baris di berkas asal (baris data pertama = 1)."),
    ("_loaded_at", "timestamptz not null default now()", "Waktu baris dimuat ke gudang data."),
)

NOW_PARAMETER = "sekarang"
PII_SHAPES = {
    "nik": " NIK terdiri dari 16 angka, tanpa spasi atau titik.",
    "telepon": " Nomor HP diawali 08, 628 atau +628, tanpa spasi atau tanda hubung.",
    "nama": "",
    "email": " Alamat surel seperti nama@contoh.id.",
}


def city_bound_parameter(axis: str, end: str) -> str:
    """Suite parameter name for the city's box: ``batas_latitude_min`` and so on."""
    return f"batas_{axis}_{end}"


def code_list_parameter(ref: str) -> str:
    """Suite parameter name for a code list: ``kelurahan.kode_kelurahan`` -> ``daftar_kelurahan__kode_kelurahan``."""
    list_name, _, column = ref.partition(".")
    return f"daftar_{list_name}__{column}"
