"""The Python steps of the warehouse: what dbt-postgres cannot do in SQL, written into the schema ``analitik``
(``sql/muara/analitik.sql``), which dbt reads as a source (``dbt/models/staging/analitik``).

- :func:`refresh_saran`: the router's suggestion for every complaint whose text it has not read yet (reads
  ``raw.aduan``, so it runs *before* dbt builds ``marts.fct_aduan`` and a misrouted complaint shows at once).
- :func:`refresh_hotspot`: Getis-Ord Gi* per category and month (reads ``marts.fct_aduan``: after dbt).
- :func:`refresh_forecast`: each OPD's open and overdue complaints a week ahead (reads ``marts.fct_aduan``: after
  dbt).

Each takes a database URL (default: Muara's warehouse) and replaces its rows in one transaction, so a rerun is
safe and a reader never sees half a refresh. ``muara analitik refresh`` runs them; ``dags/analitik.py`` too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from muara import settings

STEPS = ("saran", "hotspot", "prakiraan")
#: months of complaints the hotspot step tests (the running month included)
HOTSPOT_MONTHS = 13
#: days of backlog history the forecast reads at most
HISTORY_DAYS = 365
BATCH = 5000

LATEST_ADUAN = """
select distinct on (nomor_aduan) nomor_aduan, deskripsi
from raw.aduan
order by nomor_aduan, _loaded_at desc, _row_number desc
"""


def _url(url: str | None) -> str:
    if url:
        return url
    from muara.stack import postgres as db

    return db.url()


def _md5(text: str | None) -> str:
    return hashlib.md5((text or "").encode("utf-8"), usedforsecurity=False).hexdigest()


def refresh_saran(url: str | None = None, *, all_rows: bool = False) -> int:
    """Route every complaint (latest version in ``raw.aduan``) whose description has no suggestion yet, or has
    changed since; ``all_rows`` routes them all again (after retraining the router). Returns how many."""
    import psycopg

    from muara.analytics import rute

    with psycopg.connect(_url(url)) as conn:
        known: dict[str, str] = {}
        if not all_rows:
            known = dict(conn.execute("select nomor_aduan, md5_deskripsi from analitik.saran_rute").fetchall())
        todo = [(n, d) for n, d in conn.execute(LATEST_ADUAN) if known.get(n) != _md5(d)]
        if not todo:
            return 0
        router = rute.load()
        with conn.cursor() as cur:
            cur.execute("create temp table saran_baru (like analitik.saran_rute including defaults) on commit drop")
            for start in range(0, len(todo), BATCH):
                part = todo[start : start + BATCH]
                saran = router.route([d or "" for _, d in part])
                with cur.copy(
                    "copy saran_baru (nomor_aduan, md5_deskripsi, kategori_saran, kategori_saran_2, kategori_saran_3,"
                    " opd_saran, keyakinan, perlu_ditinjau, ambang) from stdin"
                ) as copy:
                    for (nomor, text), s in zip(part, saran, strict=True):
                        copy.write_row(
                            (
                                nomor,
                                _md5(text),
                                s.kategori[0] or None,
                                s.kategori[1] or None,
                                s.kategori[2] or None,
                                s.opd or None,
                                s.keyakinan,
                                s.perlu_ditinjau,
                                router.threshold,
                            )
                        )
            cur.execute(
                "insert into analitik.saran_rute select * from saran_baru on conflict (nomor_aduan) do update set "
                "md5_deskripsi = excluded.md5_deskripsi, kategori_saran = excluded.kategori_saran, "
                "kategori_saran_2 = excluded.kategori_saran_2, kategori_saran_3 = excluded.kategori_saran_3, "
                "opd_saran = excluded.opd_saran, keyakinan = excluded.keyakinan, "
                "perlu_ditinjau = excluded.perlu_ditinjau, ambang = excluded.ambang, dihitung_pada = now()"
            )
    return len(todo)


def _complaints(conn: Any, columns: str, where: str = "true") -> Any:
    import pandas as pd

    cur = conn.execute(f"select {columns} from marts.fct_aduan where {where}")
    return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def refresh_hotspot(url: str | None = None, *, as_of: datetime | None = None) -> int:
    """Gi* hotspots per category and month over the last ``HOTSPOT_MONTHS`` months (marts.fct_aduan's located
    complaints). Returns the rows written (one per cell with complaints of that category that month)."""
    import pandas as pd
    import psycopg

    from muara.analytics import hotspot

    tz = settings.city().tz
    now = (as_of or datetime.now(tz)).astimezone(tz)
    first = (now.replace(day=1) - pd.DateOffset(months=HOTSPOT_MONTHS - 1)).date()
    rows: list[tuple[Any, ...]] = []
    with psycopg.connect(_url(url)) as conn:
        frame = _complaints(
            conn,
            "kategori, latitude, longitude, waktu_lapor",
            "latitude is not null and longitude is not null",
        )
        if frame.empty:
            return _replace(conn, "hotspot", [])
        frame["bulan"] = [t.astimezone(tz).date().replace(day=1) for t in frame["waktu_lapor"]]
        grid = hotspot.grid_for(frame["latitude"], frame["longitude"])
        cells, base = hotspot.area(grid, frame["latitude"], frame["longitude"])
        recent = frame[(frame["bulan"] >= first) & (frame["bulan"] <= now.date())]
        for (kategori, bulan), part in recent.groupby(["kategori", "bulan"], sort=True):
            if len(part) < hotspot.MIN_POINTS:
                continue
            result = hotspot.gi_star(grid, cells, base, part["latitude"], part["longitude"])
            for r in result[result["jumlah"] > 0].itertuples():
                lat, lon = grid.centre(int(r.ix), int(r.iy))
                rows.append(
                    (
                        bulan,
                        kategori,
                        f"{r.ix}_{r.iy}",
                        round(lat, 6),
                        round(lon, 6),
                        int(r.jumlah),
                        int(r.jumlah_sekitar),
                        round(float(r.harapan_sekitar), 3),
                        round(float(r.gi_z), 3),
                        float(r.p_nilai),
                        bool(r.signifikan),
                        len(cells),
                        grid.cell_m,
                    )
                )
        return _replace(conn, "hotspot", rows)


def _midnights(start: datetime, end: datetime) -> list[Any]:
    """Every 00:00 (city time) after ``start`` up to ``end``."""
    import pandas as pd

    first = (start + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(pd.date_range(first, end, freq="D"))


def refresh_forecast(url: str | None = None, *, as_of: datetime | None = None) -> int:
    """Open and overdue complaints per OPD a week ahead, with the backtest (see :mod:`prakiraan`). Returns the
    forecast rows written (two per OPD with history); the daily history goes to ``riwayat_tunggakan``."""
    import psycopg

    from muara.analytics import prakiraan

    tz = settings.city().tz
    now = (as_of or datetime.now(tz)).astimezone(tz)
    with psycopg.connect(_url(url)) as conn:
        frame = _complaints(conn, "kode_opd, waktu_lapor, waktu_tuntas, batas_waktu", "waktu_lapor <= now()")
        frame = frame[frame["waktu_lapor"] <= now] if not frame.empty else frame
        if frame.empty:
            _replace(conn, "riwayat_tunggakan", [])
            return _replace(conn, "prakiraan_tunggakan", [])
        first = frame["waktu_lapor"].min().to_pydatetime().astimezone(tz)
        start = max(first + timedelta(days=prakiraan.BURN_IN_DAYS), now - timedelta(days=HISTORY_DAYS))
        moments = _midnights(start, now)
        if not moments:
            _replace(conn, "riwayat_tunggakan", [])
            return _replace(conn, "prakiraan_tunggakan", [])
        history = prakiraan.daily_backlog(frame, moments)
        last = moments[-1].date()
        target = last + timedelta(days=prakiraan.HORIZON_DAYS)
        forecasts: list[tuple[Any, ...]] = []
        past: list[tuple[Any, ...]] = []
        for opd, part in history.groupby("kode_opd", sort=True):
            for ukuran in ("terbuka", "terlambat"):
                values = [float(v) for v in part[ukuran]]
                past += [(opd, ukuran, d, v) for d, v in zip(part["tanggal"], values, strict=True)]
                f = prakiraan.forecast(values)
                forecasts.append(
                    (
                        opd,
                        ukuran,
                        last,
                        target,
                        f.nilai_terakhir,
                        f.prakiraan,
                        f.batas_bawah,
                        f.batas_atas,
                        f.metode,
                        f.jumlah_hari_riwayat,
                        f.jumlah_titik_uji,
                        f.mae_model,
                        f.mae_naif,
                        f.mase,
                    )
                )
        _replace(conn, "riwayat_tunggakan", past)
        return _replace(conn, "prakiraan_tunggakan", forecasts)


COLUMNS = {
    "hotspot": (
        "bulan, kode_kategori, sel, latitude, longitude, jumlah, jumlah_sekitar, harapan_sekitar, gi_z, p_nilai, "
        "signifikan, jumlah_sel, ukuran_sel_m"
    ),
    "prakiraan_tunggakan": (
        "kode_opd, ukuran, tanggal_terakhir, tanggal_prakiraan, nilai_terakhir, prakiraan, batas_bawah, batas_atas, "
        "metode, jumlah_hari_riwayat, jumlah_titik_uji, mae_model, mae_naif, mase"
    ),
    "riwayat_tunggakan": "kode_opd, ukuran, tanggal, nilai",
}


def _replace(conn: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> int:
    """Replace ``analitik.<table>`` with ``rows`` in the connection's transaction (committed on leaving it)."""
    with conn.cursor() as cur:
        cur.execute(f"delete from analitik.{table}")
        with cur.copy(f"copy analitik.{table} ({COLUMNS[table]}) from stdin") as copy:
            for row in rows:
                copy.write_row(row)
    conn.commit()
    return len(rows)


def refresh(url: str | None = None, only: Sequence[str] = (), *, as_of: datetime | None = None) -> dict[str, int]:
    """Run the steps (all, or ``only``), in order. Returns the rows each wrote."""
    steps = [s for s in STEPS if not only or s in only]
    out: dict[str, int] = {}
    for step in steps:
        if step == "saran":
            out[step] = refresh_saran(url)
        elif step == "hotspot":
            out[step] = refresh_hotspot(url, as_of=as_of)
        else:
            out[step] = refresh_forecast(url, as_of=as_of)
    return out
