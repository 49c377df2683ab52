"""Realistic demo exports for every dataset and every sender, made from the contracts.

The demo, the end-to-end tests and the load tests need inbox files that look like what OPD and kelurahan
officers really send: XLSX saved from Excel with a title row above the header, semicolon CSV in Windows-1252
with dd/mm/yyyy dates and decimal commas, JSON from an app API; headers taken from the contract's aliases;
and a small share of the mistakes officers really make. Everything structural (columns, types, keys, code
lists, allowed values, patterns, ranges, pair rules, senders) comes from ``muara.contract`` and
``muara.reference``, so a new contract gets demo files without code; the per-dataset hooks below only add
realism (a complaint's status matches its times, attendance counts add up, beds never exceed capacity).

Output is a pure function of (seed, city, rows, datasets asked): times end at a fixed anchor derived from the
seed, never at ``now()``, and every (dataset, sender) draws from its own stable random stream, so files are
byte-identical between runs and one dataset's files do not change when others are added. Rows are made and
written in chunks with numpy, so 10 million complaints run in bounded memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, reduce
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter

from muara import contract as contracts
from muara import reference, settings
from muara.contract import Column, Contract, normalise_header

__all__ = [
    "DEFAULT_ROWS",
    "FORMATS",
    "MISTAKE_KINDS",
    "DemoFile",
    "anchor_date",
    "write_demo_data",
]

DEFAULT_ROWS = 2000  # aduan rows over all senders when ``rows`` is not given
FORMATS = ("xlsx", "csv", "json")
MISTAKE_KINDS = ("unknown_kelurahan", "bad_date", "missing_required", "duplicate_id", "closed_before_opened")
MISTAKE_SHARE = 0.01
PERIOD_DAYS = 60  # event times span this many days before the anchor
CHUNK_ROWS = 50_000
JSON_BATCH_ROWS = 2_000
XLSX_MAX_DATA_ROWS = 1_048_576 - 3  # Excel's row limit minus title, blank and header rows
ANCHOR_EARLIEST = date(2026, 2, 2)
ANCHOR_SPREAD_DAYS = 120
EXPORT_HOUR = 8  # exports are made at 08:00 local time on the anchor day
PARALLEL_FROM_ROWS = 300_000  # below this, worker start-up costs more than it saves


@dataclass(frozen=True)
class DemoFile:
    """One written export: who sent it, which dataset, where, in which format, how many rows and mistakes."""

    sender: str
    dataset: str
    path: Path
    format: str
    rows: int
    mistakes: dict[str, int] = field(default_factory=dict)


def anchor_date(seed: int) -> date:
    """The day the demo exports are made (at 08:00): fixed per seed, never ``now()``.

    It is capped at yesterday so that no generated time is in the future, even on a machine whose clock is
    earlier than the fixed range (then, and only then, the output depends on the date)."""
    day = ANCHOR_EARLIEST + timedelta(days=_stable("anchor", seed) % ANCHOR_SPREAD_DAYS)
    return min(day, date.today() - timedelta(days=1))


def write_demo_data(
    out: Path,
    *,
    city_code: str | None = None,
    rows: int | None = None,
    seed: int = 42,
    datasets: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> list[DemoFile]:
    """Write demo exports into ``out/<sender>/<dataset>/<file>`` and return what was written.

    ``rows`` is the number of ``aduan`` rows over all its senders (default 2000); other datasets get their
    natural size for the same period or a size scaled from ``rows``. ``workers`` > 1 writes files in
    parallel processes (default: one per CPU, up to 4, for large runs); the bytes do not depend on it.
    """
    rows = DEFAULT_ROWS if rows is None else int(rows)
    if rows < 0:
        raise ValueError("rows must be >= 0")
    _clear_caches()  # the contracts or reference lists may have changed since the last call
    city = settings.city(city_code)
    all_contracts = contracts.load_all()
    names = list(datasets) if datasets is not None else sorted(all_contracts)
    unknown = [n for n in names if n not in all_contracts]
    if unknown:
        raise KeyError(f"no contract for {', '.join(unknown)}; known: {', '.join(sorted(all_contracts))}")
    anchor = anchor_date(seed)
    tasks: list[_Task] = []
    for name in names:
        tasks.extend(_plan_dataset(all_contracts[name], Path(out), city.code, rows, seed, anchor))
    total = sum(t.n for t in tasks)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if total >= PARALLEL_FROM_ROWS else 1
    results: list[DemoFile] = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(_run_task(task))
            _report(progress, results[-1])
        return results
    # largest first, so the long XLSX files do not start last; results come back in plan order
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].n * (3 if tasks[i].fmt == "xlsx" else 1))
    done: dict[int, DemoFile] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures = {pool.submit(_run_task, tasks[i]): i for i in order}
        for fut in as_completed(futures):
            done[futures[fut]] = fut.result()
            _report(progress, done[futures[fut]])
    return [done[i] for i in range(len(tasks))]


def _clear_caches() -> None:
    for fn in (_world, _grid_table, _aduan_categories, _fleet, _kemacetan_grid, _kota_row):
        fn.cache_clear()


def _report(progress: Callable[[str], None] | None, f: DemoFile) -> None:
    if progress is not None:
        errs = sum(f.mistakes.values())
        progress(f"{f.dataset} {f.sender}: {f.rows} rows ({errs} mistakes) -> {f.path}")


def _mp_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("spawn")


# --------------------------------------------------------------------------------------------- seeding


def _stable(*parts: object) -> int:
    """A 64-bit number from the parts; unlike ``hash()`` it is the same in every process and run."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _rng(*parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(_stable(*parts)))


def _pick(rng: np.random.Generator, values: Sequence[Any] | np.ndarray, n: int, p: Any = None) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    return arr[rng.choice(len(arr), size=n, p=p)]


def _weights(rng: np.random.Generator, k: int, shape: float = 1.0) -> np.ndarray:
    w = rng.gamma(shape, 1.0, size=k) + 1e-3
    return w / w.sum()


def _norm(w: Sequence[float] | np.ndarray) -> np.ndarray:
    a = np.asarray(w, dtype=float)
    return a / a.sum()


# ------------------------------------------------------------------------------------------ vocabulary


def _words(text: str) -> list[str]:
    return text.split()


def _lines(text: str, sep: str = "|") -> list[str]:
    return [part.strip() for part in " ".join(text.split("\n")).split(sep) if part.strip()]


def _phrases(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``key`` lines each followed by indented phrases, as (key, phrases) pairs."""
    out: list[tuple[str, list[str]]] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            out[-1][1].append(line.strip())
        elif line.strip():
            out.append((line.strip(), []))
    return tuple((key, tuple(phrases)) for key, phrases in out)


FIRST_NAMES = _words("""
    Budi Siti Agus Dewi Rudi Sri Ahmad Nur Andi Rina Dedi Wati Hendra Lestari Rizky Putri Fajar Ayu Muhammad Fitri
    Eko Ratna Joko Indah Bambang Sari Hasan Nurul Irwan Yuni Dian Yusuf Eka Bayu Wahyu""")
COMMON_SURNAMES = _words("Santoso Wijaya Saputra Pratama Kurniawan Setiawan Hidayat Susanto Wibowo Purnomo")
#: first names and surnames heard in each province (by the first two digits of the kode wilayah)
REGIONAL_NAMES: dict[str, tuple[list[str], list[str]]] = {
    "53": (
        _words("""Yohanes Maria Agustinus Fransiska Yosef Theresia Petrus Yuliana Stefanus Agnes Markus Elisabeth
                  Yakobus Margaretha Daniel Ester Marthen Ruth Frans Imelda Fransiskus Goreti"""),
        _words("""Ndun Fanggidae Manafe Tefa Lay Bessie Nope Taneo Benu Kana Pah Seran Ataupah Foenay Messakh Radja
                  Lado Kore Nenoharan Tanesib Haning Riwu"""),
    ),
    "32": (
        _words("Asep Euis Ujang Neneng Cecep Iis Dadang Yanti Deden Ai Entin Jajang Nining Wawan Lilis Dede Imas Ade"),
        _words("""Suryana Hidayat Permana Kurniawan Setiawan Rahmat Sopian Supriatna Saepudin Hermawan Nugraha
                  Ramdani Mulyana Sutisna Gunawan Firmansyah"""),
    ),
    "21": (
        _words("Syahrul Nurhayati Daniel Siska Hendri Rahmawati Boy Tiurma Raja Zulfikar Melati Sinta"),
        _words("""Siregar Nasution Simanjuntak Lubis Hutagalung Saputra Pratama Wijaya Sitorus Tanjung Hasibuan Pane
                  Effendi Harahap"""),
    ),
    "16": (
        _words("Yusuf Hendri Mega Zainal Rohana Cik Kemas Masagus Nyimas Rahmat Sofyan Yuliani"),
        _words("Syafei Rozak Effendi Ibrahim Ismail Harun Zulkarnain Anwar Saputra Pratama Husin Mahmud"),
    ),
    "64": (
        _words("Syamsul Wahyuni Rahmat Fitria Hamdan Nurhayati Arif Sulastri Rusli Hairani"),
        _words("Rahman Syamsuddin Latif Hamzah Rusdi Arsyad Jufri Saleh Mappa Santoso Hidayat Noor"),
    ),
}
COMMON_STREETS = _lines("""
    Jl. Jenderal Sudirman | Jl. Ahmad Yani | Jl. Diponegoro | Jl. Gajah Mada | Jl. Imam Bonjol | Jl. Pattimura |
    Jl. Veteran | Jl. Merdeka | Jl. Pahlawan | Jl. Kartini | Jl. Soekarno–Hatta | Jl. Cut Nyak Dien | Jl. Hasanuddin""")
CITY_STREETS: dict[str, list[str]] = {
    "53.71": _lines("""
        Jl. Timor Raya | Jl. El Tari | Jl. W.J. Lalamentik | Jl. Frans Seda | Jl. Adisucipto | Jl. Piet A. Tallo |
        Jl. Herewila | Jl. Moh. Hatta | Jl. Cak Doko | Jl. Sam Ratulangi | Jl. Eltari II | Jl. Perintis Kemerdekaan |
        Jl. Bundaran PU | Jl. Kelapa Lima | Jl. Oekam"""),
    "32.78": _lines("""
        Jl. HZ. Mustofa | Jl. Otto Iskandardinata | Jl. Siliwangi | Jl. Ir. H. Juanda | Jl. Dr. Soekardjo |
        Jl. Letnan Harun | Jl. Cihideung | Jl. Mitra Batik | Jl. Tentara Pelajar | Jl. Perintis Kemerdekaan"""),
    "21.71": _lines("""
        Jl. Engku Putri | Jl. Raja Haji Fisabilillah | Jl. Laksamana Bintan | Jl. Duyung | Jl. Brigjen Katamso |
        Jl. Raja Ali Haji | Jl. Yos Sudarso | Jl. Hang Tuah | Jl. Ahmad Yani Batam Center"""),
    "16.71": _lines("""
        Jl. Demang Lebar Daun | Jl. Kolonel H. Barlian | Jl. Basuki Rahmat | Jl. Angkatan 45 | Jl. Radial |
        Jl. Residen Abdul Rozak | Jl. Mayor Ruslan | Jl. Kapten A. Rivai | Jl. Sultan Mahmud Badaruddin II"""),
    "64.71": _lines("""
        Jl. MT Haryono | Jl. Marsma R. Iswahyudi | Jl. Ruhui Rahayu | Jl. Syarifuddin Yoes | Jl. Pupuk Raya |
        Jl. Mulawarman | Jl. Letjen Suprapto | Jl. Klandasan | Jl. Gunung Malang"""),
}
LANDMARKS = _lines("""
    depan SD Inpres | samping Masjid Al-Ikhlas | dekat Gereja | depan Puskesmas | seberang Pasar | depan Indomaret |
    dekat Kantor Lurah | ujung gang | samping Alfamart | depan Café Senja | belakang Kantor Camat | dekat Posyandu |
    depan Toko Bangunan | simpang tiga | dekat jembatan | depan Apotek Kimia Farma""")
PLATE_PREFIX = {"53": "DH", "32": "Z", "21": "BP", "16": "BG", "64": "KT"}
PHONE_PREFIXES = _words("""
    0811 0812 0813 0814 0815 0816 0817 0818 0819 0821 0822 0823 0831 0838 0852 0853 0855 0856 0857 0858 0859 0877
    0878 0881 0882 0887 0895 0896 0897 0898""")
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
BAD_DATES = ("31/02/2026", "30/02/2026", "kemarin", "32/01/2026", "00/00/0000", "2026-13-01", "tgl 5", "15/13/2025")

#: complaint texts by a keyword of the category code (first match wins); {lok} is a place
ADUAN_TEXTS = _phrases("""
lampu
    Lampu jalan mati sejak Jum’at lalu{lok}, jalan gelap dan rawan begal.
    Tiang lampu PJU miring hampir roboh{lok}, mohon segera diperbaiki.
    Tiga titik lampu jalan padam{lok}, sudah dilaporkan ke RT tapi belum ada tindakan.
jalan
    Jalan berlubang cukup dalam{lok}, membahayakan pengendara motor terutama malam hari.
    Aspal rusak dan tergenang air saat hujan{lok}.
    Jalan retak–retak dan ambles sekitar 2 meter{lok}, sudah ada motor yang jatuh.
drainase
    Saluran drainase tersumbat sampah{lok} sehingga air meluap ke jalan saat hujan.
    Got di depan rumah warga tidak mengalir{lok}, bau dan banyak nyamuk.
banjir
    Banjir setinggi lutut{lok} setelah hujan deras tadi malam, air masuk ke rumah warga.
    Genangan air sekitar 30 cm{lok} belum surut sejak kemarin.
sampah
    Sampah menumpuk sudah 3 hari belum diangkut{lok}, bau menyengat.
    TPS penuh dan sampah meluber ke badan jalan{lok}.
    Warga membuang sampah sembarangan di lahan kosong{lok} – mohon dipasang larangan.
pohon
    Pohon besar tumbang menutup sebagian jalan{lok}, mohon segera dipotong.
    Dahan pohon sudah rapuh dan condong ke kabel listrik{lok}.
air
    Air PDAM tidak mengalir sudah 4 hari{lok}, warga terpaksa beli air tangki.
    Pipa air bocor di pinggir jalan{lok}, air terbuang percuma.
parkir
    Parkir liar di bahu jalan{lok} menyebabkan macet setiap sore.
    Kendaraan parkir di trotoar{lok}, pejalan kaki terpaksa jalan di aspal.
angkutan
    Bemo/angkot ngetem lama{lok} dan menurunkan penumpang sembarangan.
    Bus kota tidak berhenti di halte{lok}, jadwal tidak jelas.
puskesmas
    Antrean di puskesmas sangat panjang, pelayanan baru mulai pukul 09.00–09.30.
    Obat di puskesmas sering kosong, pasien disuruh beli di apotek.
rsud
    Pasien menunggu di IGD lebih dari 6 jam karena kamar penuh.
    Pelayanan loket BPJS di rumah sakit lambat dan petugas kurang ramah.
sosial
    Bantuan sosial tidak tepat sasaran{lok}, warga mampu malah terdaftar.
    Lansia di RT kami belum terdaftar penerima bansos{lok}.
adminduk
    KTP-el belum jadi sudah 2 bulan sejak perekaman.
    Pengurusan akta kelahiran lama, sistem sering offline.
pkl
    Pedagang kaki lima berjualan di trotoar{lok} sampai malam.
    Balap liar setiap malam Minggu{lok}, warga terganggu.
kebakaran
    Hidran di lingkungan kami tidak berfungsi{lok}, mohon dicek sebelum kemarau.
    Sisa puing bekas kebakaran belum dibersihkan{lok}.
bencana
    Tebing longsor di belakang rumah warga{lok} setelah hujan semalaman.
    Atap rumah warga rusak diterjang angin kencang{lok}.
izin
    Izin usaha (NIB) sudah diajukan 2 minggu belum ada kabar.
    PBG belum terbit melebihi standar pelayanan, berkas sudah lengkap.
sekolah
    Atap ruang kelas bocor{lok}, murid belajar di teras.
    Ada pungutan seragam di sekolah tanpa penjelasan.
pungli
    Diminta uang tambahan saat mengurus surat di kantor kelurahan.
    Oknum petugas meminta biaya di luar ketentuan.
cctv
    Wi-Fi publik di taman kota tidak bisa dipakai sejak seminggu.
    CCTV di simpang{lok} sepertinya mati, lampunya tidak menyala.
rumah
    Rumah warga lansia hampir roboh{lok}, mohon dibantu program RTLH.
    Permukiman kumuh{lok} belum tersentuh program perbaikan.
pasar
    Harga minyak goreng di pasar naik tidak wajar.
    Lapak pasar becek dan sampah tidak diangkut{lok}.
pencemaran
    Bau limbah dari usaha di sekitar{lok} sangat menyengat, suhu panas 34°C bikin makin parah.
    Asap pembakaran sampah{lok} mengganggu pernapasan anak-anak.
""")
GENERIC_REMARKS = _lines("""
    Sesuai laporan petugas lapangan. | Data diperbarui dari aplikasi. | Menunggu konfirmasi – koordinator. |
    Dicek ulang hari Jum’at. | Catatan: lokasi di Café dekat simpang. | Tidak ada catatan.""")


# ----------------------------------------------------------------------------------------------- world


class _World:
    """Everything about the city that every dataset shares: period, kelurahan, OPDs, word pools."""

    def __init__(self, seed: int, city_code: str, anchor: date) -> None:
        self.seed = seed
        self.city = settings.city(city_code)
        self.code = self.city.code
        self.province = self.code[:2]
        self.anchor_day = anchor
        self.anchor = np.datetime64(datetime.combine(anchor, time(EXPORT_HOUR, 0)), "s")
        self.start = self.anchor - np.timedelta64(PERIOD_DAYS, "D")
        rng = _rng(seed, self.code, "world")

        kel = reference.kelurahan(self.code)
        if not kel:
            raise ValueError(f"no kelurahan for city {self.code} in schemas/reference/kelurahan.csv")
        self.kel_code = np.array([r["kode_kelurahan"] for r in kel], dtype=object)
        self.kel_name = np.array([r["nama_kelurahan"] for r in kel], dtype=object)
        self.kel_kec = np.array([int(r["kode_kecamatan"].rsplit(".", 1)[-1]) for r in kel])
        self.kel_index = {c: i for i, c in enumerate(self.kel_code)}
        self.kel_p = _weights(rng, len(kel), 1.5)
        # pseudo-centroids: each kecamatan a sector around the centre, its kelurahan spread inside it
        radius = 0.5 * np.sqrt(_kota_area(self.code)) / 111.0
        kecs = sorted(set(self.kel_kec.tolist()))
        angle0 = {k: 2 * np.pi * i / len(kecs) for i, k in enumerate(kecs)}
        ang = np.array([angle0[k] for k in self.kel_kec]) + rng.uniform(0, 2 * np.pi / len(kecs), len(kel))
        dist = radius * np.sqrt(rng.uniform(0.02, 1.0, len(kel)))
        self.kel_lat = self.city.centre_lat + dist * np.sin(ang)
        self.kel_lon = self.city.centre_lon + dist * np.cos(ang)
        self.unknown_kel = self._unknown_kelurahan(rng)

        self.opd = {r["kode_opd"]: r for r in reference.opd(self.code)}
        first = FIRST_NAMES + REGIONAL_NAMES.get(self.province, ([], []))[0] * 2
        last = COMMON_SURNAMES + REGIONAL_NAMES.get(self.province, ([], []))[1] * 2
        k = 4096
        names = _pick(rng, first, k) + " " + _pick(rng, last, k)
        middle = rng.random(k) < 0.2
        names[middle] = _pick(rng, first, int(middle.sum())) + " " + names[middle]
        self.names = names
        self.streets = CITY_STREETS.get(self.code, []) * 3 + COMMON_STREETS
        self.addresses = self._addresses(rng, k)
        self.plate = PLATE_PREFIX.get(self.province, "B")
        self.slug = self.city.name.replace("Kota ", "").lower().replace(" ", "")

    def _unknown_kelurahan(self, rng: np.random.Generator) -> np.ndarray:
        known = set(self.kel_code.tolist())
        out = []
        for kec in range(1, 40):
            for d in (1099, 1050, 2001, 1031):
                code = f"{self.code}.{kec:02d}.{d}"
                if code not in known:
                    out.append(code)
        return _pick(rng, out, 64)

    def _addresses(self, rng: np.random.Generator, k: int) -> np.ndarray:
        street = _pick(rng, self.streets, k)
        num = rng.integers(1, 180, k).astype(str).astype(object)
        rt = np.char.zfill(rng.integers(1, 25, k).astype(str), 3).astype(object)
        rw = np.char.zfill(rng.integers(1, 12, k).astype(str), 3).astype(object)
        mark = _pick(rng, LANDMARKS, k)
        style = rng.integers(0, 4, k)
        out = np.where(style == 0, street + " No. " + num, street + " " + mark)
        out = np.where(style == 2, street + " RT " + rt + "/RW " + rw, out)
        return np.where(
            style == 3,
            "Gg. " + _pick(rng, ("Mawar", "Melati", "Kenanga", "Flamboyan", "Cempaka"), k) + ", " + street + " " + mark,
            out,
        )

    def kelurahan(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Kelurahan indexes, some kelurahan far busier than others."""
        return rng.choice(len(self.kel_code), size=n, p=self.kel_p)

    def points(
        self, rng: np.random.Generator, kel_idx: np.ndarray, spread: float = 0.006
    ) -> tuple[np.ndarray, np.ndarray]:
        lat = self.kel_lat[kel_idx] + rng.normal(0, spread, len(kel_idx))
        lon = self.kel_lon[kel_idx] + rng.normal(0, spread, len(kel_idx))
        return np.round(lat, 6), np.round(lon, 6)

    def opd_name(self, code: str) -> str:
        return self.opd.get(code, {}).get("nama_opd") or code

    def day_list(self, days: int, working: bool = False, include_anchor: bool = True) -> np.ndarray:
        last = self.anchor_day if include_anchor else self.anchor_day - timedelta(days=1)
        out = [last - timedelta(days=i) for i in range(days)]
        if working:
            hol = _holidays(last.year - 1, last.year)
            out = [d for d in out if d.weekday() < 5 and d not in hol]
        return np.array(sorted(out), dtype="datetime64[D]")


@cache
def _world(seed: int, city_code: str, anchor: date) -> _World:
    return _World(seed, city_code, anchor)


@cache
def _holidays(y0: int, y1: int) -> frozenset[date]:
    try:
        import holidays

        return frozenset(holidays.country_holidays("ID", years=range(y0, y1 + 1)))
    except Exception:  # the package is optional here: weekends alone are a fair approximation
        return frozenset()


@cache
def _kota_row(code: str) -> dict[str, str]:
    with (settings.reference_dir() / "kota.csv").open(encoding="utf-8", newline="") as f:
        return next((r for r in csv.DictReader(f) if r["kode_kota"] == code), {})


def _kota_area(code: str) -> float:
    return float(_kota_row(code).get("luas_km2") or 150.0)


# ------------------------------------------------------------------------------------ value generators

_S = np.timedelta64(1, "s")


def _secs(x: np.ndarray | float) -> np.ndarray:
    return np.asarray(np.round(x), dtype=np.int64) * _S


def _str_int(x: np.ndarray, width: int = 0) -> np.ndarray:
    s = np.asarray(x, dtype=np.int64).astype(str)
    return (np.char.zfill(s, width) if width else s).astype(object)


def _cat(*parts: Any) -> np.ndarray:
    return reduce(lambda a, b: a + b, parts)


def _nulls(values: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """Blank a share of an optional column, in the column's own null."""
    mask = rng.random(len(values)) < share
    if values.dtype == object:
        values = values.copy()
        values[mask] = None
        return values
    if values.dtype.kind == "M":
        return np.where(mask, np.datetime64("NaT"), values)
    return np.where(mask, np.nan, values.astype(float))


def _nik(w: _World, rng: np.random.Generator, kel_idx: np.ndarray) -> np.ndarray:
    n = len(kel_idx)
    day = rng.integers(1, 29, n) + np.where(rng.random(n) < 0.5, 40, 0)  # women: day + 40
    tail = day * 10**8 + rng.integers(1, 13, n) * 10**6 + rng.integers(50, 105, n) % 100 * 10**4
    tail += rng.integers(1, 999, n)
    head = int(w.code.replace(".", "")) * 10**12 + w.kel_kec[kel_idx].astype(np.int64) * 10**10
    return _str_int(head + tail)


def _phone(rng: np.random.Generator, n: int) -> np.ndarray:
    return _pick(rng, PHONE_PREFIXES, n) + _str_int(rng.integers(10**6, 10**8, n), 7)


def _plates(w: _World, rng: np.random.Generator, n: int, spaced: bool = True) -> np.ndarray:
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)
    suffix = _pick(rng, letters, n) + _pick(rng, letters, n)
    sep = " " if spaced else ""
    return w.plate + sep + _str_int(rng.integers(1000, 9999, n)) + sep + suffix


def _regex_samples(pattern: str, rng: np.random.Generator, k: int) -> list[str]:
    """Strings matching a simple regex (classes, repeats, groups, alternation), for columns without a hook."""
    import re
    import re._parser as sre

    alnum = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)]

    def chars_in(items: list[Any]) -> list[str]:
        pool: list[str] = []
        negate = False
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                pool.append(chr(av))
            elif name == "RANGE":
                pool.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif name == "CATEGORY":
                cat = str(av)
                pool.extend([chr(c) for c in range(48, 58)] if "DIGIT" in cat else alnum)
        return [c for c in alnum if c not in pool] if negate else pool or alnum

    def emit(tokens: Any) -> str:
        out = []
        for op, av in tokens:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "ANY":
                out.append(str(rng.choice(alnum)))
            elif name == "IN":
                pool = chars_in(av)
                out.append(pool[int(rng.integers(len(pool)))])
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                lo, hi, sub = av
                hi = min(hi, lo + 4) if hi != sre.MAXREPEAT else lo + 4
                out.extend(emit(sub) for _ in range(int(rng.integers(lo, hi + 1))))
            elif name == "SUBPATTERN":
                out.append(emit(av[-1]))
            elif name == "BRANCH":
                alts = av[1]
                out.append(emit(alts[int(rng.integers(len(alts)))]))
            elif name == "CATEGORY":
                out.append(str(rng.integers(10)))
        return "".join(out)

    parsed = sre.parse(pattern)
    compiled = re.compile(pattern)
    samples = [s for s in (emit(parsed) for _ in range(k * 3)) if compiled.fullmatch(s)][:k]
    if not samples:
        raise ValueError(f"cannot make demo values for pattern {pattern!r}")
    return samples


# ------------------------------------------------------------------------------------ dataset plans


@dataclass(frozen=True)
class _Task:
    """One file to write; plain data so it can go to a worker process."""

    dataset: str
    sender: str
    city: str
    seed: int
    anchor: date
    fmt: str
    path: Path
    start: int  # first row of this file within the sender's rows
    n: int
    sender_rows: int  # all rows of this sender (over its parts)
    part: int


@dataclass
class _Ctx:
    """What a row generator knows: the contract, the city, the sender and its size."""

    contract: Contract
    world: _World
    sender: str
    n_total: int
    model: _Model
    id_style: int = 0  # which of the sender's ID layouts (stable per sender and dataset)


@dataclass(frozen=True)
class _Model:
    """How a dataset is shaped: events (one row per thing that happened) or a grid (entity x period)."""

    kind: str  # events | grid
    ratio: float = 0.1  # events: rows per aduan row
    min_rows: int = 30
    hours: tuple[float, ...] = ()  # events: relative intensity per hour of day
    weekend: float = 0.6
    grid: Callable[[_Ctx, np.random.Generator], dict[str, np.ndarray]] | None = None
    scaled_grid: Callable[[_Ctx, int], _Grid] | None = None
    fill: Callable[[_Ctx, np.random.Generator, dict[str, np.ndarray]], None] | None = None
    ids: Callable[[_Ctx, np.random.Generator, np.ndarray, np.ndarray], np.ndarray] | None = None
    sender_weight: Callable[[_World, str], float] | None = None


@dataclass
class _Grid:
    """A key space of ``times`` x entities (columns of equal length), walked in time order."""

    times: np.ndarray
    entities: dict[str, np.ndarray]
    time_column: str

    @property
    def size(self) -> int:
        return len(self.times) * len(next(iter(self.entities.values())))


def _hours(text: str) -> tuple[float, ...]:
    """24 relative intensities, one per hour of the day from 00:00."""
    values = tuple(float(v) for v in text.split())
    assert len(values) == 24
    return values


DAY_HOURS = _hours("0.2 0.1 0.1 0.1 0.2 0.6 1.2 2.2 3.0 3.4 3.4 3.0 2.4 2.8 2.9 2.6 2.1 1.7 1.6 2.0 1.9 1.3 0.8 0.4")
OFFICE_HOURS = _hours("0.05 0 0 0 0 0 0.1 0.8 3.0 4.0 4.0 3.6 2.0 3.4 3.0 1.6 0.4 0.2 0.2 0.2 0.2 0.1 0.1 0.05")
TRAFFIC_HOURS = _hours(
    "0.6 0.4 0.4 0.3 0.4 0.8 1.6 2.6 2.0 1.4 1.3 1.4 1.6 1.5 1.5 1.8 2.4 2.8 2.6 2.2 1.8 1.5 1.2 0.9"
)
FLAT_HOURS = _hours("0.7 0.5 0.5 0.4 0.5 0.7 0.9 1.0 1.0 1.1 1.2 1.3 1.3 1.3 1.3 1.2 1.2 1.2 1.3 1.3 1.2 1.1 1.0 0.8")
BUS_HOURS = _hours("0 0 0 0 0 0.8 2.2 2.4 1.8 1.4 1.3 1.3 1.4 1.4 1.4 1.6 2.1 2.2 1.6 1.0 0.6 0.2 0 0")


def _plan_dataset(c: Contract, out: Path, city: str, rows: int, seed: int, anchor: date) -> list[_Task]:
    senders = reference.senders_of(c.name, c.sender_kind, city)
    if not senders:
        return []
    w = _world(seed, city, anchor)
    model = _model_for(c)
    if model.kind == "events":
        total = rows if c.name == "aduan" else max(model.min_rows, round(rows * model.ratio))
        weights = np.array(
            [
                (model.sender_weight(w, s) if model.sender_weight else 1.0)
                * (0.5 + (_stable(seed, c.name, s) % 1000) / 1000)
                for s in senders
            ]
        )
        counts = _apportion(total, weights)
    else:
        counts = [_sender_grid_rows(c, w, s, model, rows) for s in senders]
    fmts = _formats(c.name, senders)
    tasks = []
    stamp = anchor.strftime("%Y%m%d")
    for sender, n, fmt in zip(senders, counts, fmts, strict=True):
        slug = _slug(sender)
        limit = XLSX_MAX_DATA_ROWS if fmt == "xlsx" else max(n, 1)
        parts = max(1, -(-n // limit))
        for p in range(parts):
            suffix = f"_part{p + 1}" if p else ""
            path = out / sender / c.name / f"{c.name}_{slug}_{stamp}{suffix}.{fmt}"
            start = p * limit
            tasks.append(_Task(c.name, sender, city, seed, anchor, fmt, path, start, min(limit, n - start), n, p + 1))
    return tasks


def _apportion(total: int, weights: np.ndarray) -> list[int]:
    """Split ``total`` by weights with whole numbers that add up (largest remainder)."""
    share = total * weights / weights.sum()
    base = np.floor(share).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(share - base), kind="stable")
    base[order[:rest]] += 1
    return base.tolist()


def _formats(dataset: str, senders: Sequence[str]) -> list[str]:
    """Formats per sender: stable per (sender, dataset), and all three appear when there are 3+ senders."""
    order = sorted(range(len(senders)), key=lambda i: _stable("format", dataset, senders[i]))
    offset = _stable("format-offset", dataset) % 3
    out = [""] * len(senders)
    for rank, i in enumerate(order):
        out[i] = FORMATS[(rank + offset) % 3]
    return out


def _slug(sender: str) -> str:
    return "".join(ch for ch in sender.lower() if ch.isalnum() or ch == "-")


@cache
def _grid_table(dataset: str, sender: str, city: str, seed: int, anchor: date) -> dict[str, np.ndarray]:
    c = contracts.get(dataset)
    w = _world(seed, city, anchor)
    model = _model_for(c)
    assert model.grid is not None
    ctx = _Ctx(c, w, sender, 0, model)
    return model.grid(ctx, _rng(seed, city, dataset, sender, "grid"))


def _sender_grid_rows(c: Contract, w: _World, sender: str, model: _Model, rows: int) -> int:
    if model.scaled_grid is not None:
        total = max(model.min_rows, round(rows * model.ratio))
        n_senders = len(reference.senders_of(c.name, c.sender_kind, w.code))
        return -(-total // n_senders)
    table = _grid_table(c.name, sender, w.code, w.seed, w.anchor_day)
    return len(next(iter(table.values())))


# ------------------------------------------------------------------------------------- row generation


def _rows(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Rows ``idx`` of the sender's export: keys, then generic values per column, then the dataset hook."""
    c, w, m = ctx.contract, ctx.world, ctx.model
    t: dict[str, np.ndarray] = {}
    if m.kind == "grid" and m.scaled_grid is None:
        table = _grid_table(c.name, ctx.sender, w.code, w.seed, w.anchor_day)
        t.update({k: v[idx] for k, v in table.items()})
    elif m.scaled_grid is not None:
        grid = m.scaled_grid(ctx, ctx.n_total)
        # an evenly strided subset of the grid: sorted, unique keys, computable chunk by chunk
        stride = grid.size / max(ctx.n_total, 1)
        cell = np.floor((idx + rng.random(len(idx))) * stride).astype(np.int64)
        n_ent = len(next(iter(grid.entities.values())))
        t[grid.time_column] = grid.times[cell // n_ent]
        t.update({k: v[cell % n_ent] for k, v in grid.entities.items()})
    else:
        main = _event_time_column(c)
        if main is not None:
            times = _event_times(ctx, rng, idx)
            t[main] = times.astype("datetime64[D]") if c.column(main).logical_type == "date" else times
    if "_kel" not in t:
        t["_kel"] = w.kelurahan(rng, len(idx))
    key = c.primary_key[0] if m.kind == "events" else None
    for col in c.columns:
        if col.name not in t and col.name != key:
            t[col.name] = _generic(ctx, col, rng, t)
    if m.fill is not None:
        m.fill(ctx, rng, t)
    if key is not None:  # numbered last: IDs often carry the event's date
        when = t.get(_event_time_column(c) or "", np.full(len(idx), w.anchor))
        t[key] = (m.ids or _default_ids)(ctx, rng, idx, when)
    _repair_rules(c, t, w)
    t.pop("_kel", None)
    return t


def _event_time_column(c: Contract) -> str | None:
    """The column that says when the event happened: the first required timestamp (else date)."""
    timed = [col for col in c.columns if col.logical_type in ("timestamp", "date")]
    timed.sort(key=lambda col: (not col.required, col.logical_type != "timestamp"))
    return timed[0].name if timed else None


def _event_times(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray) -> np.ndarray:
    """Event times over the period, in row order, following an hour-of-day and weekday profile.

    Row i of n takes the (i + u)/n quantile of the intensity, so times are sorted and a chunk needs no
    other chunk."""
    w, m = ctx.world, ctx.model
    hours = np.array(m.hours or DAY_HOURS, dtype=float)
    start = w.start.astype("datetime64[h]")
    bins = start + np.arange(PERIOD_DAYS * 24)
    weekday = (bins.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    hour = (bins.astype(np.int64)) % 24
    inten = hours[hour] * np.where(weekday >= 5, m.weekend, 1.0)
    cum = np.concatenate([[0.0], np.cumsum(inten)])
    cum /= cum[-1]
    u = (idx + rng.random(len(idx))) / max(ctx.n_total, 1)
    b = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(bins) - 1)
    frac = (u - cum[b]) / np.maximum(cum[b + 1] - cum[b], 1e-12)
    secs = np.clip(frac, 0, 0.9999) * 3600
    ts = bins[b].astype("datetime64[s]") + _secs(secs // 60 * 60)
    return np.minimum(ts, w.anchor - np.timedelta64(1, "m"))


def _generic(ctx: _Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    """A plausible, valid value for any contract column, from its type, code list, pattern and name."""
    w, c = ctx.world, ctx.contract
    n = len(t["_kel"])
    name = col.name
    kel = t["_kel"]
    if name == c.owner_column:
        return np.full(n, ctx.sender, dtype=object)
    if col.code_list == "kelurahan.kode_kelurahan":
        out = w.kel_code[kel]
        return out if col.required else _nulls(out, rng, 0.05)
    if col.code_list:
        values = reference.values(col.code_list, w.code)
        return _pick(rng, values, n, _weights(_rng(w.seed, c.name, name, "p"), len(values)))
    if col.valid_values:
        allowed = col.valid_values
        out = _pick(rng, allowed, n, _weights(_rng(w.seed, c.name, name, "p"), len(allowed), 2.0))
        return out if col.required else _nulls(out, rng, 0.1)
    if col.logical_type in ("timestamp", "date"):
        main = _event_time_column(c)
        if main in t and main != name:
            delay = rng.lognormal(np.log(6 * 3600), 1.0, n)
            out = np.minimum(t[main].astype("datetime64[s]") + _secs(delay // 60 * 60), w.anchor)
        else:
            out = w.start + _secs(rng.uniform(0, PERIOD_DAYS * 86400, n) // 60 * 60)
        if col.logical_type == "date":
            out = out.astype("datetime64[D]")
        return out if col.required else _nulls(out, rng, 0.2)
    if col.logical_type in ("integer", "number"):
        return _generic_number(ctx, col, rng, t)
    if col.logical_type == "boolean":
        return np.where(rng.random(n) < 0.8, True, False).astype(object)
    out = _generic_text(ctx, col, rng, t)
    return out if col.required else _nulls(out, rng, 0.1)


def _generic_number(ctx: _Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    w = ctx.world
    n = len(t["_kel"])
    words = set(col.name.lower().split("_"))
    if words & {"lat", "latitude", "lintang"}:
        return w.points(rng, t["_kel"])[0]
    if words & {"lon", "lng", "long", "longitude", "bujur"}:
        return w.points(rng, t["_kel"])[1]
    lo = col.minimum if col.minimum is not None else 0.0
    hi = col.maximum
    example = next((float(e) for e in col.examples if isinstance(e, (int, float)) and e), None)
    out: np.ndarray
    if example is not None:
        out = example * rng.lognormal(0, 0.5, n)
    elif hi is not None:
        out = rng.uniform(lo, hi, n)
    else:
        out = lo + rng.poisson(3, n)
    out = np.clip(out, lo, hi if hi is not None else np.inf)
    if col.logical_type == "integer":
        out = np.round(out)
    elif example is not None and example >= 1000:
        out = np.round(out, -3)
    else:
        out = np.round(out, 2)
    return out if col.required else _nulls(out, rng, 0.1)


def _generic_text(ctx: _Ctx, col: Column, rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    w = ctx.world
    n = len(t["_kel"])
    lname = col.name.lower()
    kind = col.pii.kind if col.pii else ""
    if kind == "nik":
        return _nik(w, rng, t["_kel"])
    if kind == "telepon":
        return _phone(rng, n)
    if kind == "nama":
        return _pick(rng, w.names, n)
    if kind == "email":
        return _cat(
            _pick(rng, ("budi", "siti", "warga", "yohan", "rina"), n),
            _str_int(rng.integers(1, 999, n)),
            "@",
            _pick(rng, ("gmail.com", "yahoo.co.id"), n),
        )
    if col.pattern and col.pattern.startswith("^https?"):
        return _cat(f"https://{w.slug}kota.go.id/{ctx.contract.name}/", _str_int(rng.integers(1, 10**7, n)), ".jpg")
    if any(k in lname for k in ("alamat", "lokasi", "ruas")):
        return _pick(rng, w.addresses, n)
    if any(k in lname for k in ("deskripsi", "keterangan", "catatan", "uraian")):
        return _pick(rng, GENERIC_REMARKS, n)
    if col.pattern:
        pool = _regex_samples(col.pattern, _rng(w.seed, ctx.contract.name, col.name, "re"), 64)
        return _pick(rng, pool, n)
    if col.examples:
        return _pick(rng, [str(e) for e in col.examples], n)
    if "nama" in lname:
        return _pick(rng, w.names, n)
    return _pick(rng, ("ya", "tidak", "lainnya"), n)


def _default_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Sequence numbers in the first common layout the key column's pattern and length accept."""
    col = ctx.contract.column(ctx.contract.primary_key[0])
    prefix = ctx.contract.name[:4].upper()
    width = max(6, len(str(ctx.n_total)))
    layouts: list[Callable[[np.ndarray, np.ndarray], np.ndarray]] = [
        lambda seq, year: _cat(f"{prefix}/{ctx.sender}/", year, "/", seq),
        lambda seq, year: _cat(f"{prefix}-{_slug(ctx.sender).upper()}-", seq),
        lambda seq, year: _cat(f"{_slug(ctx.sender).upper()}", seq),
        lambda seq, year: seq,
    ]
    probe = _str_int(np.array([1, 10**width - 1]), width), np.array(["2026", "2026"], dtype=object)
    for layout in layouts:
        sample = layout(*probe)
        if all(_fits(col, str(v)) for v in sample):
            return layout(_str_int(idx + 1, width), _year(when))
    raise ValueError(f"{ctx.contract.name}.{col.name}: no ID layout fits pattern {col.pattern!r}; add an ids hook")


def _fits(col: Column, value: str) -> bool:
    import re

    if col.pattern and not re.fullmatch(col.pattern, value):
        return False
    return not ((col.max_length and len(value) > col.max_length) or (col.min_length and len(value) < col.min_length))


def _repair_rules(c: Contract, t: dict[str, np.ndarray], w: _World) -> None:
    """Make every pair rule hold where both values are present (hooks do; this catches generic columns)."""
    for _ in range(4):
        changed = False
        for r in c.rules:
            a, b = t.get(r.column_a), t.get(r.column_b)
            if a is None or b is None:
                continue
            bad = (a < b) if r.or_equal else (a <= b)
            if a.dtype.kind == "M":
                bad &= ~np.isnat(a) & ~np.isnat(b)
            if not bad.any():
                continue
            changed = True
            if a.dtype.kind == "M":
                step = np.timedelta64(0 if r.or_equal else 1, "m").astype(
                    f"timedelta64[{np.datetime_data(a.dtype)[0]}]"
                )
                t[r.column_a] = np.where(bad, np.minimum(b + step, w.anchor.astype(a.dtype)), a)
            else:
                t[r.column_a] = np.where(bad, b + (0 if r.or_equal else 1), a)
        if not changed:
            return


# --------------------------------------------------------------------------------------------- mistakes


def _apply_mistakes(
    ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray], k: int
) -> tuple[dict[str, dict[int, str]], Counter[str]]:
    """Spoil ``k`` rows the way officers do; returns text overrides (bad dates) and counts by kind."""
    c, w = ctx.contract, ctx.world
    n = len(next(iter(t.values())))
    overrides: dict[str, dict[int, str]] = {}
    counts: Counter[str] = Counter()
    k = min(k, n - 1) if n > 1 else 0
    if k <= 0:
        return overrides, counts
    rows = rng.choice(n, size=k, replace=False)
    clean = np.setdiff1d(np.arange(n), rows)
    pk = set(c.primary_key)
    kel_cols = [col.name for col in c.columns if col.code_list == "kelurahan.kode_kelurahan"]
    timed = [col for col in c.columns if col.logical_type in ("date", "timestamp")]
    date_cols = [x.name for x in sorted(timed, key=lambda x: (x.name in pk, not x.required))]
    req = [x.name for x in c.columns if x.required and x.name not in pk and x.name != c.owner_column]
    req = req or [x.name for x in c.columns if x.required and x.name != c.owner_column]
    for i in rows.tolist():
        options = []
        if kel_cols:
            options.append("unknown_kelurahan")
        dated = [d for d in date_cols if not _is_null(t[d][i])]
        if dated:
            options.append("bad_date")
        if req:
            options.append("missing_required")
        if pk and len(clean):
            options.append("duplicate_id")
        rules = [r for r in c.rules if _rule_spoilable(t, r, i)]
        if rules:
            options.append("closed_before_opened")
        kind = options[int(rng.integers(len(options)))]
        if kind == "unknown_kelurahan":
            col = kel_cols[int(rng.integers(len(kel_cols)))]
            t[col][i] = w.unknown_kel[int(rng.integers(len(w.unknown_kel)))]
        elif kind == "bad_date":
            overrides.setdefault(dated[0], {})[i] = BAD_DATES[int(rng.integers(len(BAD_DATES)))]
        elif kind == "missing_required":
            col = req[int(rng.integers(len(req)))]
            t[col][i] = _null_of(t[col])
        elif kind == "duplicate_id":
            j = int(clean[int(rng.integers(len(clean)))])
            for name in t:
                t[name][i] = t[name][j]
        else:
            r = rules[int(rng.integers(len(rules)))]
            a, b = t[r.column_a], t[r.column_b]
            if a.dtype.kind == "M":
                unit = np.datetime_data(a.dtype)[0]
                back = (
                    np.timedelta64(int(rng.integers(1, 72)), "h")
                    if unit != "D"
                    else np.timedelta64(int(rng.integers(1, 5)), "D")
                )
                a[i] = b[i] - back.astype(a.dtype.str.replace("M8", "m8"))
            else:
                b[i] = a[i] + int(rng.integers(1, 6))
        counts[kind] += 1
    return overrides, counts


def _rule_spoilable(t: dict[str, np.ndarray], r: Any, i: int) -> bool:
    a, b = t.get(r.column_a), t.get(r.column_b)
    if a is None or b is None:
        return False
    return not _is_null(b[i]) if a.dtype.kind == "M" else not _is_null(a[i])


def _is_null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, np.datetime64) and np.isnat(v))


def _null_of(arr: np.ndarray) -> Any:
    if arr.dtype == object:
        return None
    if arr.dtype.kind == "M":
        return np.datetime64("NaT")
    return np.nan


# ------------------------------------------------------------------------------------------ formatting


def _dmy(values: np.ndarray, with_time: bool) -> list[str | None]:
    """dd/mm/yyyy [HH:MM] text, vectorised by rearranging the characters of ISO strings."""
    iso = np.datetime_as_string(values.astype("datetime64[m]"), unit="m").astype("U16")
    chars = iso.view("U1").reshape(-1, 16)
    order = [8, 9, 4, 5, 6, 7, 0, 1, 2, 3, 10, 11, 12, 13, 14, 15] if with_time else [8, 9, 4, 5, 6, 7, 0, 1, 2, 3]
    out = chars[:, order]
    out[:, 2] = "/"
    out[:, 5] = "/"
    if with_time:
        out[:, 10] = " "
    text = np.ascontiguousarray(out).view(f"U{len(order)}").ravel().astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def _iso(values: np.ndarray, with_time: bool) -> list[str | None]:
    text = np.datetime_as_string(values, unit="s" if with_time else "D").astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def _excel_serial(values: np.ndarray) -> list[float | None]:
    secs = values.astype("datetime64[s]").astype(np.int64)
    serial = (secs / 86400.0 + 25569.0).astype(object)
    serial[np.isnat(values)] = None
    return serial.tolist()


def _numbers(values: np.ndarray, integer: bool, comma: bool) -> list[Any]:
    out: list[Any] = []
    for x in values.tolist():
        if x is None or x != x:
            out.append(None)
        elif integer or float(x).is_integer():
            out.append(str(int(x)) if comma else int(x))
        else:
            out.append(repr(float(x)).replace(".", ",") if comma else float(x))
    return out


def _cells(col: Column, values: np.ndarray, fmt: str, excel_dates: bool) -> list[Any]:
    """One column of a chunk as the values a file of ``fmt`` holds."""
    lt = col.logical_type
    if lt == "timestamp" or lt == "date":
        values = values.astype("datetime64[s]" if lt == "timestamp" else "datetime64[D]")
        if fmt == "json":
            return _iso(values, lt == "timestamp")
        if fmt == "xlsx" and excel_dates:
            return _excel_serial(values)
        return _dmy(values, lt == "timestamp")
    if lt in ("integer", "number"):
        return _numbers(values, lt == "integer", comma=fmt == "csv")
    if lt == "boolean":
        if fmt == "csv":
            return [None if v is None else ("Ya" if v else "Tidak") for v in values.tolist()]
        return [None if v is None else bool(v) for v in values.tolist()]
    return values.tolist()


# --------------------------------------------------------------------------------------------- writers


@dataclass
class _Style:
    headers: list[str]
    excel_dates: bool
    sheet: str
    merged_title: bool
    envelope: bool
    omit_nulls: bool
    id_style: int


def _style(c: Contract, task: _Task) -> _Style:
    rng = _rng(task.seed, task.city, c.name, task.sender, "style")
    mapping = c.header_map()
    mode = int(rng.integers(4))
    headers = []
    for col in c.columns:
        ok = [h for h in col.headers if h.strip() and mapping.get(normalise_header(h)) == col.name]
        if task.fmt == "json":
            snake = [h for h in ok if h.replace("_", "").isalnum() and h == h.lower() and " " not in h]
            headers.append(snake[int(rng.integers(len(snake)))] if snake and mode % 2 else col.name)
        elif mode == 0:
            headers.append(col.business_name if col.business_name in ok else col.name)
        else:
            h = ok[int(rng.integers(len(ok)))]
            headers.append(h.upper() if mode == 3 else h)
    sheet = c.sheet_aliases[int(rng.integers(len(c.sheet_aliases)))] if c.sheet_aliases else c.name
    return _Style(
        headers=headers,
        excel_dates=bool(rng.random() < 0.5),
        sheet=sheet[:31],
        merged_title=bool(rng.random() < 0.5),
        envelope=bool(rng.random() < 0.6),
        omit_nulls=bool(rng.random() < 0.3),
        id_style=int(rng.integers(1 << 30)),
    )


class _XlsxWriter:
    def __init__(self, task: _Task, c: Contract, style: _Style, title: str, created: datetime) -> None:
        self.wb = xlsxwriter.Workbook(str(task.path), {"constant_memory": True})
        if task.n > 400_000:
            self.wb.use_zip64()
        self.wb.set_properties(
            {
                "title": title,
                "author": f"Operator {task.sender}",
                "created": created,
                "company": settings.city(task.city).name,
            }
        )
        ws = self.wb.add_worksheet(style.sheet)
        bold = self.wb.add_format({"bold": True, "font_size": 12})
        head = self.wb.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True})
        ncol = len(style.headers)
        for i, h in enumerate(style.headers):
            ws.set_column(i, i, max(10, min(40, len(h) + 4)))
        if style.merged_title and ncol > 1:
            ws.merge_range(0, 0, 0, ncol - 1, title, bold)
        else:
            ws.write_string(0, 0, title, bold)
        for i, h in enumerate(style.headers):
            ws.write_string(2, i, h, head)
        ws.freeze_panes(3, 0)
        ts = self.wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        dt = self.wb.add_format({"num_format": "dd/mm/yyyy"})
        self.formats = [
            (ts if col.logical_type == "timestamp" else dt if col.logical_type == "date" else None)
            if style.excel_dates
            else None
            for col in c.columns
        ]
        self.ws = ws
        self.row = 3

    def write(self, cols: list[list[Any]]) -> None:
        ws_s, ws_n, ws_b = self.ws.write_string, self.ws.write_number, self.ws.write_boolean
        fmts = self.formats
        r = self.row
        for row in zip(*cols, strict=True):
            for c, v in enumerate(row):
                if v is None:
                    continue
                tv = type(v)
                if tv is str:
                    ws_s(r, c, v)
                elif tv is bool:
                    ws_b(r, c, v)
                else:
                    ws_n(r, c, v, fmts[c])
            r += 1
        self.row = r

    def close(self) -> None:
        self.wb.close()


class _CsvWriter:
    def __init__(self, task: _Task, style: _Style) -> None:
        self.f = task.path.open("w", encoding="cp1252", newline="")
        self.w = csv.writer(self.f, delimiter=";", lineterminator="\r\n")
        self.w.writerow(style.headers)

    def write(self, cols: list[list[Any]]) -> None:
        self.w.writerows(zip(*cols, strict=True))

    def close(self) -> None:
        self.f.close()


class _JsonWriter:
    """Streams ``{"data": [...], "meta": {...}}`` (or a bare array) a chunk at a time."""

    def __init__(self, task: _Task, style: _Style, meta: dict[str, Any]) -> None:
        self.f = task.path.open("w", encoding="utf-8", newline="\n")
        self.keys = style.headers
        self.style = style
        self.meta = meta
        self.first = True
        self.f.write('{"data":[' if style.envelope else "[")

    def write(self, cols: list[list[Any]]) -> None:
        keys, rows = self.keys, zip(*cols, strict=True)
        while batch := list(islice(rows, JSON_BATCH_ROWS)):  # small batches keep the text small
            if self.style.omit_nulls:
                recs = [{k: v for k, v in zip(keys, row, strict=True) if v is not None} for row in batch]
            else:
                recs = [dict(zip(keys, row, strict=True)) for row in batch]
            text = json.dumps(recs, ensure_ascii=False, separators=(",", ":"))[1:-1]
            self.f.write(text if self.first else "," + text)
            self.first = False

    def close(self) -> None:
        if self.style.envelope:
            self.f.write('],"meta":' + json.dumps(self.meta, ensure_ascii=False, separators=(",", ":")) + "}\n")
        else:
            self.f.write("]\n")
        self.f.close()


def _run_task(task: _Task) -> DemoFile:
    """Make and write one file chunk by chunk; nothing but the current chunk is held in memory."""
    c = contracts.get(task.dataset)
    w = _world(task.seed, task.city, task.anchor)
    style = _style(c, task)
    ctx = _Ctx(c, w, task.sender, task.sender_rows, _model_for(c), style.id_style)
    task.path.parent.mkdir(parents=True, exist_ok=True)
    first_day = (w.start.astype("datetime64[D]")).item()
    who = w.opd_name(task.sender) if c.sender_kind == "opd" else _kelurahan_title(w, task.sender)
    what = c.title.upper() if c.title.upper().startswith("REKAP") else f"REKAP {c.title.upper()}"
    title = f"{what} {who.upper()} {w.city.name.upper()} PERIODE {first_day:%d/%m/%Y} S.D. {w.anchor_day:%d/%m/%Y}"
    created = datetime.combine(w.anchor_day, time(EXPORT_HOUR, 0))
    writer: _XlsxWriter | _CsvWriter | _JsonWriter
    if task.fmt == "xlsx":
        writer = _XlsxWriter(task, c, style, title, created)
    elif task.fmt == "csv":
        writer = _CsvWriter(task, style)
    else:
        meta = {
            "total": task.n,
            "halaman": task.part,
            "pengirim": task.sender,
            "dataset": c.name,
            "diekspor_pada": created.isoformat(),
            "zona_waktu": w.city.zone_label,
        }
        writer = _JsonWriter(task, style, meta)
    counts: Counter[str] = Counter()
    try:
        end = task.start + task.n
        for a in range(task.start, end, CHUNK_ROWS):
            b = min(a + CHUNK_ROWS, end)
            rng = _rng(task.seed, task.city, c.name, task.sender, "rows", a)
            t = _rows(ctx, rng, np.arange(a, b, dtype=np.int64))
            k = int(rng.binomial(b - a, MISTAKE_SHARE))
            if a == task.start and task.n >= 50:
                k = max(k, 1)
            overrides, spoilt = _apply_mistakes(ctx, rng, t, k)
            counts += spoilt
            cols = []
            for col in c.columns:
                cells = _cells(col, t[col.name], task.fmt, style.excel_dates)
                for i, text in overrides.get(col.name, {}).items():
                    cells[i] = text
                cols.append(cells)
            writer.write(cols)
    finally:
        writer.close()
    return DemoFile(
        task.sender, c.name, task.path, task.fmt, task.n, {k: counts[k] for k in MISTAKE_KINDS if counts[k]}
    )


def _kelurahan_title(w: _World, code: str) -> str:
    i = w.kel_index.get(code)
    return f"KELURAHAN {w.kel_name[i]}" if i is not None else code


# ------------------------------------------------------------------------------------ dataset hooks
# Each hook only adds realism the contract cannot say (a status that matches its times, counts that add
# up); columns, codes and allowed values still come from the contract and the reference lists.


def _enum(col: Column, rng: np.random.Generator, n: int, weights: dict[str, float]) -> np.ndarray:
    """Allowed values of ``col`` with realistic weights (values the hook does not know get a small share)."""
    values = list(col.valid_values or weights)
    p = _norm([weights.get(v, 0.02) for v in values])
    return _pick(rng, values, n, p)


def _ymd(ts: np.ndarray) -> np.ndarray:
    return np.char.replace(np.datetime_as_string(ts, unit="D"), "-", "").astype(object)


def _year(ts: np.ndarray) -> np.ndarray:
    return _str_int(ts.astype("datetime64[Y]").astype(np.int64) + 1970)


def _roman_month(ts: np.ndarray) -> np.ndarray:
    return np.array(ROMAN, dtype=object)[ts.astype("datetime64[M]").astype(np.int64) % 12 + 1]


def _minutes(x: np.ndarray) -> np.ndarray:
    """Durations in minutes (float) as whole-minute timedeltas."""
    return np.asarray(np.round(x), dtype=np.int64) * np.timedelta64(60, "s")


def _only(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Text values where ``mask`` holds, blank elsewhere."""
    out = values.astype(object)
    out[~mask] = None
    return out


def _nat_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, values, np.datetime64("NaT"))


def _latest(*cols: np.ndarray) -> np.ndarray:
    return reduce(np.fmax, cols)


def _daytime(ts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move officer actions that fall at night to the next morning (07:00-09:00)."""
    day = ts.astype("datetime64[D]")
    hour = (ts - day).astype("timedelta64[h]").astype(np.int64)
    morning = _minutes(7 * 60 + rng.uniform(0, 120, len(ts)))
    return np.where(hour >= 21, day + np.timedelta64(1, "D") + morning, np.where(hour < 7, day + morning, ts)).astype(
        ts.dtype
    )


# aduan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Categories:
    codes: np.ndarray
    p: np.ndarray
    sla_hours: np.ndarray
    texts: tuple[np.ndarray, ...]


def _sla_hours(row: dict[str, str]) -> float:
    value = float(row.get("sla_nilai") or 5)
    unit = row.get("sla_satuan") or "hari_kerja"
    return value if unit == "jam" else value * 24 * (7 / 5 if unit == "hari_kerja" else 1)


def _aduan_weight(w: _World, sender: str) -> float:
    own = sum(1 for r in reference.rows("kategori_aduan") if r.get("kode_opd_default") == sender)
    return 1.0 + 1.5 * own if own else 0.6


@cache
def _aduan_categories(seed: int, city: str, anchor: date, sender: str) -> _Categories:
    """The sender's categories (those routed to it by default; any, for an OPD without its own) and texts."""
    w = _world(seed, city, anchor)
    rows = reference.rows("kategori_aduan")
    own = [r for r in rows if r.get("kode_opd_default") == sender] or rows
    rng = _rng(seed, city, "aduan-texts", sender)
    texts = []
    for r in own:
        code = r["kode_kategori"]
        templates = next(
            (tpl for key, tpl in ADUAN_TEXTS if key in code),
            (f"Mohon ditindaklanjuti: {r.get('nama_kategori', code).lower()}{{lok}}.",),
        )
        pool = []
        for _ in range(48):
            kel = w.kel_name[int(rng.integers(len(w.kel_name)))]
            lok = (
                f" di {rng.choice(w.streets)}",
                f" {rng.choice(LANDMARKS)}",
                f" di Kel. {kel}",
                f" di {rng.choice(w.addresses)}",
                f" {rng.choice(LANDMARKS)} Kel. {kel}",
            )[int(rng.integers(5))]
            text = str(rng.choice(templates)).format(lok=lok)
            pool.append(text + (" Mohon segera ditindaklanjuti, terima kasih." if rng.random() < 0.3 else ""))
        texts.append(np.array(pool, dtype=object))
    return _Categories(
        codes=np.array([r["kode_kategori"] for r in own], dtype=object),
        p=_weights(rng, len(own), 2.0),
        sla_hours=np.array([_sla_hours(r) for r in own]),
        texts=tuple(texts),
    )


def _aduan_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    cats = _aduan_categories(w.seed, w.code, w.anchor_day, ctx.sender)
    k = rng.choice(len(cats.codes), size=n, p=cats.p)
    t["kode_kategori"] = cats.codes[k]
    desc = np.empty(n, dtype=object)
    for j in np.unique(k).tolist():
        sel = k == j
        desc[sel] = cats.texts[j][rng.integers(len(cats.texts[j]), size=int(sel.sum()))]
    t["deskripsi"] = desc
    t["kanal"] = _enum(
        c.column("kanal"),
        rng,
        n,
        {
            "lapor": 0.24,
            "whatsapp": 0.3,
            "aplikasi": 0.14,
            "web": 0.08,
            "telepon": 0.09,
            "media_sosial": 0.08,
            "langsung": 0.05,
            "email": 0.02,
        },
    )
    lat, lon = w.points(rng, t["_kel"])
    located = rng.random(n) < 0.7
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)
    t["alamat"] = _nulls(_pick(rng, w.addresses, n), rng, 0.15)
    t["url_foto"] = _nulls(
        _cat(
            f"https://lapor.{w.slug}kota.go.id/foto/",
            _ymd(t["waktu_lapor"]),
            "/",
            _str_int(rng.integers(10**7, 10**8, n)),
            ".jpg",
        ),
        rng,
        0.45,
    )
    t["nama_pelapor"] = _nulls(t["nama_pelapor"], rng, 0.2)
    t["nik_pelapor"] = _nulls(t["nik_pelapor"], rng, 0.45)
    t["telepon_pelapor"] = _nulls(t["telepon_pelapor"], rng, 0.3)

    # status follows the times: a complaint is answered after a delay, closed after another; whatever has
    # not happened by the export time is still open, so older complaints are more often done
    lapor = t["waktu_lapor"]
    sla = cats.sla_hours[k]
    resp = _daytime(lapor + _minutes(60 * rng.lognormal(np.log(np.minimum(8.0, 0.3 * sla)), 1.1, n)), rng)
    closed = _daytime(resp + _minutes(60 * rng.lognormal(np.log(0.7 * sla), 0.9, n)), rng)
    rejected = rng.random(n) < 0.05
    closed = np.where(rejected, resp + _minutes(60 * rng.lognormal(np.log(4.0), 0.8, n)), closed)
    responded = (rng.random(n) >= 0.08) & (resp <= w.anchor)
    done = responded & (closed <= w.anchor)
    waiting = _pick(rng, ("menunggu", "diverifikasi"), n, (0.65, 0.35))
    working = _pick(rng, ("didisposisi", "diproses"), n, (0.3, 0.7))
    t["status"] = np.where(done, np.where(rejected, "ditolak", "selesai"), np.where(responded, working, waiting))
    t["waktu_respons_pertama"] = _nat_where(responded, resp)
    t["waktu_selesai"] = _nat_where(done, closed)
    touched = _latest(lapor, t["waktu_respons_pertama"], t["waktu_selesai"])
    t["waktu_pembaruan"] = np.minimum(touched + _minutes(rng.exponential(90, n)), w.anchor)


def _aduan_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(6, len(str(ctx.n_total))))
    style = ctx.id_style % 3
    if style == 0:
        return _cat(f"ADU/{ctx.sender}/", _year(when), "/", seq)
    if style == 1:
        return _cat("LPR-", _year(when), f"-{ctx.sender}-", seq)
    return _cat(f"{ctx.sender}-", _ymd(when), "-", seq)


# izin ----------------------------------------------------------------------------------------------

PAID_PERMITS = {"pbg": 6e6, "izin_reklame": 3e6, "slf": 1.5e6, "izin_trayek": 7.5e5, "pkkpr": 2e6}
BUSINESS_PERMITS = ("nib", "toko", "apotek", "klinik", "slhs", "sppl", "reklame")


def _izin_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kinds = reference.rows("jenis_izin")
    codes = np.array([r["kode_jenis_izin"] for r in kinds], dtype=object)
    days = np.array([float(r.get("standar_hari_kerja") or 5) for r in kinds])
    p = _norm([6.0 if "nib" in code else 2.5 if code in ("pbg", "sppl") else 1.0 for code in codes])
    k = rng.choice(len(codes), size=n, p=p)
    t["kode_jenis_izin"] = codes[k]
    t["jalur"] = _enum(
        c.column("jalur"), rng, n, {"oss": 0.35, "mpp": 0.33, "online": 0.17, "loket": 0.1, "jemput_bola": 0.05}
    )
    business = np.array([any(b in code for b in BUSINESS_PERMITS) for code in codes])[k]
    companies = _cat(
        _pick(rng, ("CV ", "PT ", "UD ", "Toko "), n),
        _pick(
            rng,
            (
                "Maju Jaya",
                "Sinar Timor",
                "Berkat Abadi",
                "Karya Mandiri",
                "Sumber Rejeki",
                "Flobamora Sejahtera",
                "Cahaya Baru",
                "Mitra Usaha",
            ),
            n,
        ),
    )
    t["nama_pemohon"] = _nulls(np.where(business & (rng.random(n) < 0.4), companies, t["nama_pemohon"]), rng, 0.05)
    t["nik_pemohon"] = _nulls(t["nik_pemohon"], rng, 0.15)
    t["telepon_pemohon"] = _nulls(t["telepon_pemohon"], rng, 0.1)
    nib = _cat("91", _str_int(rng.integers(0, 10**11, n), 11))
    t["nib"] = _only(business, nib)

    # one timeline per application; the stage is wherever the timeline stands at export time
    sub = t["waktu_pengajuan"]
    std_h = days[k] * 24 * 7 / 5
    check_start = _daytime(sub + _minutes(rng.uniform(5, 240, n)), rng)
    verified = _daytime(check_start + _minutes(60 * rng.lognormal(np.log(20), 0.8, n)), rng)
    review_end = _daytime(verified + _minutes(60 * std_h * rng.lognormal(np.log(0.45), 0.6, n)), rng)
    paid = np.array([code in PAID_PERMITS for code in codes])[k]
    issued = _daytime(
        review_end + np.where(paid, _minutes(60 * rng.lognormal(np.log(30), 0.7, n)), np.timedelta64(0, "s")), rng
    )
    revoke_at = _daytime(issued + _minutes(60 * 24 * rng.uniform(1, 20, n)), rng)
    now = w.anchor
    refused = rng.random(n) < 0.05
    revoked = ~refused & (rng.random(n) < 0.015) & (revoke_at <= now)
    stage = np.select(
        [check_start > now, verified > now, review_end > now, issued > now],
        ["diajukan", "verifikasi", "kajian_teknis", "pembayaran"],
        default=np.where(refused, "ditolak", np.where(revoked, "dicabut", "terbit")),
    )
    stage = np.where((stage == "pembayaran") & ~paid, "kajian_teknis", stage)
    t["tahap"] = stage.astype(object)
    t["waktu_verifikasi"] = _nat_where(verified <= now, verified)
    t["waktu_tahap"] = np.select(
        [
            stage == "diajukan",
            stage == "verifikasi",
            stage == "kajian_teknis",
            stage == "pembayaran",
            stage == "dicabut",
        ],
        [sub, check_start, verified, review_end, revoke_at],
        default=issued,
    )
    granted = (stage == "terbit") | (stage == "dicabut")
    t["waktu_terbit"] = _nat_where(granted, issued)
    short = np.array([code.split("_")[0].upper()[:6] for code in codes], dtype=object)[k]
    number = _cat("503/", short, "/", _str_int(rng.integers(1, 9999, n), 4), f"/{ctx.sender}/", _year(sub))
    t["nomor_izin"] = _only(granted, number)
    base = np.array([PAID_PERMITS.get(code, 0.0) for code in codes])[k]
    fee = np.round(base * rng.lognormal(0, 0.6, n), -3)
    t["nilai_retribusi"] = np.where(stage == "diajukan", np.nan, fee)


def _izin_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(5, len(str(ctx.n_total))))
    oss = _cat("I-", _ymd(when), _str_int(when.astype("datetime64[m]").astype(np.int64) % 1440, 4), seq)
    local = _cat("503/", seq, f"/{ctx.sender}/", _roman_month(when), "/", _year(when))
    return np.where(ctx.id_style % 2 == 0, local, np.where(np.arange(len(idx)) % 3 == 0, oss, local))


# kecelakaan ----------------------------------------------------------------------------------------


def _kecelakaan_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kind = _enum(
        c.column("jenis_kecelakaan"),
        rng,
        n,
        {
            "tabrak_belakang": 0.25,
            "tabrak_samping": 0.2,
            "tunggal": 0.2,
            "tabrak_depan": 0.14,
            "tabrak_pejalan_kaki": 0.08,
            "beruntun": 0.05,
            "lainnya": 0.08,
        },
    )
    t["jenis_kecelakaan"] = kind
    vehicles = np.where(
        kind == "beruntun", rng.integers(3, 6, n), np.where(np.isin(kind, ("tunggal", "tabrak_pejalan_kaki")), 1, 2)
    )
    t["jumlah_kendaraan"] = _nulls(vehicles.astype(float), rng, 0.05)
    t["meninggal_dunia"] = (rng.random(n) < 0.06).astype(float) + (rng.random(n) < 0.01)
    t["luka_berat"] = rng.poisson(0.4, n).astype(float)
    t["luka_ringan"] = rng.poisson(1.3, n).astype(float) + (kind == "beruntun")
    t["kerugian_materi"] = _nulls(np.round(rng.lognormal(np.log(2.5e6), 0.9, n), -5), rng, 0.15)
    t["kondisi_jalan"] = _nulls(
        _enum(
            c.column("kondisi_jalan"),
            rng,
            n,
            {"kering": 0.62, "basah": 0.15, "licin": 0.05, "berlubang": 0.1, "tergenang": 0.04, "lainnya": 0.04},
        ),
        rng,
        0.2,
    )
    t["lokasi"] = _cat(_pick(rng, w.streets, n), " ", _pick(rng, LANDMARKS, n))
    t["kode_kelurahan"] = _nulls(w.kel_code[t["_kel"]], rng, 0.08)
    lat, lon = w.points(rng, t["_kel"])
    located = rng.random(n) < 0.75
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)


def _kecelakaan_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(4, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return _cat("LP/A/", seq, "/", _roman_month(when), "/", _year(when), f"/{ctx.sender}")
    return _cat("LAKA-", _year(when), f"-{ctx.sender}-", seq)


# darurat -------------------------------------------------------------------------------------------


def _darurat_weight(w: _World, sender: str) -> float:
    own = sum(1 for r in reference.rows("jenis_darurat") if r.get("kode_opd") == sender)
    return 1.0 + own


def _darurat_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c, w = ctx.contract, ctx.world
    n = len(t["_kel"])
    kinds = [r for r in reference.rows("jenis_darurat") if r.get("kode_opd") == ctx.sender] or reference.rows(
        "jenis_darurat"
    )
    codes = np.array([r["kode_jenis_darurat"] for r in kinds], dtype=object)
    target = np.array([float(r.get("target_respons_menit") or 30) for r in kinds])
    k = rng.choice(len(codes), size=n, p=_weights(_rng(w.seed, "darurat", ctx.sender), len(codes), 2.0))
    t["kode_jenis_darurat"] = codes[k]
    t["kanal"] = _enum(
        c.column("kanal"),
        rng,
        n,
        {
            "panggilan_112": 0.45,
            "tombol_panik": 0.14,
            "telepon": 0.15,
            "whatsapp": 0.1,
            "aplikasi": 0.07,
            "radio": 0.06,
            "langsung": 0.03,
        },
    )
    t["kode_kelurahan"] = _nulls(w.kel_code[t["_kel"]], rng, 0.03)
    t["alamat"] = _nulls(_pick(rng, w.addresses, n), rng, 0.1)
    lat, lon = w.points(rng, t["_kel"])
    located = (rng.random(n) < 0.5) | (t["kanal"] == "tombol_panik")
    t["latitude"], t["longitude"] = np.where(located, lat, np.nan), np.where(located, lon, np.nan)
    t["nama_pelapor"] = _nulls(t["nama_pelapor"], rng, 0.35)
    t["telepon_pelapor"] = _nulls(t["telepon_pelapor"], rng, 0.15)

    # minutes matter here: dispatch within minutes, arrival around the type's target, then handling
    call = t["waktu_lapor"]
    dispatch = call + _minutes(rng.lognormal(np.log(2.5), 0.5, n))
    arrive = dispatch + _minutes(rng.lognormal(np.log(0.6 * target[k]), 0.45, n))
    finish = arrive + _minutes(rng.lognormal(np.log(70), 0.7, n))
    hoax = rng.random(n) < 0.04
    finish = np.where(hoax, call + _minutes(rng.uniform(3, 20, n)), finish)
    now = w.anchor
    sent = ~hoax & (dispatch <= now)
    there = sent & (arrive <= now)
    closed = (finish <= now) & (there | hoax)
    t["status"] = np.select(
        [hoax & closed, closed, there, sent], ["palsu", "selesai", "di_lokasi", "didispatch"], default="diterima"
    ).astype(object)
    t["waktu_dispatch"] = _nat_where(sent, dispatch)
    t["waktu_tiba"] = _nat_where(there, arrive)
    t["waktu_selesai"] = _nat_where(closed, finish)


def _darurat_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(5, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return _cat(f"{ctx.sender}/", _year(when), "/", _roman_month(when), "/", seq)
    return _cat("112-", _ymd(when), f"-{ctx.sender}-", seq)


# ritase_bus ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fleet:
    routes: np.ndarray
    route_km: np.ndarray
    route_p: np.ndarray
    bus_route: np.ndarray  # route index per bus
    plates: np.ndarray


@cache
def _fleet(seed: int, city: str, anchor: date, sender: str) -> _Fleet:
    w = _world(seed, city, anchor)
    rng = _rng(seed, city, "fleet", sender)
    r = int(rng.integers(4, 8))
    buses = int(rng.integers(4, 7)) * r
    return _Fleet(
        routes=np.array([f"K{i + 1}" for i in range(r)], dtype=object),
        route_km=np.round(rng.uniform(9, 28, r), 1),
        route_p=_weights(rng, r, 3.0),
        bus_route=rng.integers(0, r, buses),
        plates=_plates(w, rng, buses, spaced=True),
    )


def _ritase_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    w = ctx.world
    n = len(t["_kel"])
    fleet = _fleet(w.seed, w.code, w.anchor_day, ctx.sender)
    route = rng.choice(len(fleet.routes), size=n, p=fleet.route_p)
    bus = np.empty(n, dtype=np.int64)
    for j in np.unique(route).tolist():
        sel = route == j
        own = np.flatnonzero(fleet.bus_route == j)
        own = own if len(own) else np.arange(len(fleet.plates))
        bus[sel] = own[rng.integers(len(own), size=int(sel.sum()))]
    plates = fleet.plates[bus]
    if ctx.id_style % 3 == 0:  # this operator types plates without spaces
        plates = np.char.replace(plates.astype(str), " ", "").astype(object)
    t["kode_rute"] = fleet.routes[route]
    t["nomor_armada"] = plates
    start = t["waktu_berangkat"]
    t["tanggal"] = start.astype("datetime64[D]")
    km = fleet.route_km[route]
    t["jarak_km"] = _nulls(np.round(km + rng.normal(0, 0.3, n), 1), rng, 0.1)
    arrive = start + _minutes(60 * km / rng.uniform(14, 24, n))
    t["waktu_tiba"] = _nat_where((arrive <= w.anchor) & (rng.random(n) > 0.03), arrive)
    hour = (start.astype("datetime64[h]").astype(np.int64)) % 24
    peak = np.isin(hour, (6, 7, 16, 17))
    t["jumlah_penumpang"] = np.minimum(rng.poisson(np.where(peak, 34, 15)), 60).astype(float)


def _ritase_ids(ctx: _Ctx, rng: np.random.Generator, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    seq = _str_int(idx + 1, max(6, len(str(ctx.n_total))))
    if ctx.id_style % 2:
        return _cat("TRIP/", _ymd(when), f"/{ctx.sender}/", seq)
    return _cat(f"{ctx.sender}-", _ymd(when), "-", seq)


# absensi -------------------------------------------------------------------------------------------

STAFF_BY_RUMPUN = {
    "sekretariat": (180, 320),
    "dinas": (60, 260),
    "badan": (35, 120),
    "satuan": (80, 160),
    "rsud": (280, 520),
    "kecamatan": (20, 45),
}


def _absensi_table(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w = ctx.world
    days = w.day_list(42, working=True, include_anchor=False)
    n = len(days)
    lo, hi = STAFF_BY_RUMPUN.get(w.opd.get(ctx.sender, {}).get("rumpun", ""), (40, 200))
    staff = int(rng.integers(lo, hi)) + np.cumsum(rng.choice((-1, 0, 0, 0, 0, 0, 1), n))
    staff = np.maximum(staff, 5)
    weekday = (days.astype(np.int64) + 3) % 7
    leave = rng.binomial(staff, 0.02)
    sick = rng.binomial(staff, 0.015 + 0.01 * (weekday == 0))
    permit = rng.binomial(staff, 0.01)
    travel = rng.binomial(staff, 0.04)
    absent = rng.binomial(staff, 0.006 + 0.01 * (weekday == 4))
    present = staff - leave - sick - permit - travel - absent
    return {
        "tanggal": days,
        "jumlah_pegawai": staff.astype(float),
        "hadir": present.astype(float),
        "terlambat": rng.binomial(present, 0.06 + 0.06 * (weekday == 0)).astype(float),
        "pulang_cepat": rng.binomial(present, 0.025 + 0.03 * (weekday == 4)).astype(float),
        "izin": permit.astype(float),
        "sakit": sick.astype(float),
        "cuti": leave.astype(float),
        "dinas_luar": travel.astype(float),
        "tanpa_keterangan": absent.astype(float),
    }


# tempat_tidur --------------------------------------------------------------------------------------

HOSPITALS: dict[str, list[str]] = {
    "53.71": [
        "RSUD Prof. Dr. W.Z. Johannes",
        "RS Bhayangkara Drs. Titus Uly",
        "RS Tentara Wirasakti",
        "RS Siloam Kupang",
        "RS Leona",
        "RS Mamami",
        "RSIA Dedari",
        "RS Kartini",
    ],
}
GENERIC_HOSPITALS = [
    "RS Bhayangkara",
    "RS Siloam",
    "RS Hermina",
    "RS Muhammadiyah",
    "RS Islam",
    "RSIA Bunda",
    "RS Mitra Keluarga",
    "RS Santa Elisabeth",
    "RS Tentara",
]
BED_CLASSES = {  # capacity range, typical occupancy, chance a hospital has the class
    "vvip": ((2, 5), 0.45, 0.3),
    "vip": ((6, 16), 0.6, 0.8),
    "kelas_1": ((10, 26), 0.75, 1.0),
    "kelas_2": ((14, 32), 0.8, 1.0),
    "kelas_3": ((20, 56), 0.88, 1.0),
    "kris": ((10, 40), 0.8, 0.4),
    "icu": ((4, 14), 0.82, 0.9),
    "iccu": ((2, 8), 0.7, 0.4),
    "nicu": ((3, 12), 0.8, 0.6),
    "picu": ((2, 8), 0.65, 0.4),
    "hcu": ((4, 10), 0.75, 0.6),
    "isolasi": ((4, 14), 0.4, 0.7),
    "igd": ((8, 22), 0.7, 1.0),
}


def _tempat_tidur_table(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    c, w = ctx.contract, ctx.world
    opd = w.opd.get(ctx.sender, {})
    if opd.get("rumpun") == "rsud":  # a hospital reports itself
        names = [opd.get("singkatan") or opd.get("nama_opd") or ctx.sender]
        codes = [ctx.sender if _fits(c.column("kode_rs"), ctx.sender) else f"{w.code.replace('.', '')}001"]
    else:
        names = HOSPITALS.get(w.code) or [f"{h} {w.city.name.replace('Kota ', '')}" for h in GENERIC_HOSPITALS[:7]]
        codes = [f"{w.code.replace('.', '')}{(11 + 7 * i):03d}" for i in range(len(names))]
    allowed = set(c.column("kelas").valid_values or BED_CLASSES)
    ent_code, ent_name, ent_class, ent_cap, ent_occ = [], [], [], [], []
    for code, name in zip(codes, names, strict=True):
        size = rng.uniform(0.6, 1.6)
        for cls, ((lo, hi), occ, have) in BED_CLASSES.items():
            if cls in allowed and (have >= 1.0 or rng.random() < have):
                ent_code.append(code)
                ent_name.append(name)
                ent_class.append(cls)
                ent_cap.append(max(1, round(rng.integers(lo, hi + 1) * size)))
                ent_occ.append(occ)
    days = w.day_list(30)
    e, d = len(ent_code), len(days)
    cap = np.array(ent_cap)[None, :] + rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1), (d, e))
    cap = np.maximum(cap, 1)
    level = np.clip(np.array(ent_occ)[None, :] + np.cumsum(rng.normal(0, 0.03, (d, e)), axis=0), 0.05, 1.05)
    used = np.minimum(rng.binomial(cap, np.minimum(level, 1.0)), cap)
    queue = np.where(used >= cap, rng.poisson(1.6, (d, e)), rng.poisson(0.05, (d, e)))
    hosp_of = {code: i for i, code in enumerate(codes)}
    offset = np.array([hosp_of[x] * 7 % 50 for x in ent_code])[None, :]
    minute = 7 * 60 + offset + rng.integers(0, 9, (d, 1))  # each hospital reports all classes at once
    when = days[:, None].astype("datetime64[s]") + _minutes(np.broadcast_to(minute, (d, e)))
    return {
        "waktu_laporan": when.ravel(),
        "kode_rs": np.tile(np.array(ent_code, dtype=object), d),
        "kelas": np.tile(np.array(ent_class, dtype=object), d),
        "nama_rs": np.tile(np.array(ent_name, dtype=object), d),
        "kapasitas": cap.ravel().astype(float),
        "terisi": used.ravel().astype(float),
        "antrean": np.where(rng.random(d * e) < 0.1, np.nan, queue.ravel().astype(float)),
    }


# cctv ----------------------------------------------------------------------------------------------


def _cameras(ctx: _Ctx, rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    w = ctx.world
    kel = w.kelurahan(rng, count)
    lat, lon = w.points(rng, kel, 0.004)
    place = _pick(
        rng,
        [f"Simpang {s.removeprefix('Jl. ')}" for s in w.streets]
        + [f"{s} {m}" for s in w.streets[:6] for m in ("depan Pasar", "Taman Kota", "Bundaran")],
        count,
    )
    return {"kel": kel, "lat": lat, "lon": lon, "place": place}


def _cctv_table(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w = ctx.world
    count = int(rng.integers(12, 30))
    cams = _cameras(ctx, rng, count)
    prefix = "ATCS" if "HUB" in ctx.sender else "CCTV"
    codes = np.array([f"{prefix}-{_slug(ctx.sender).upper()[:8]}-{i + 1:03d}" for i in range(count)], dtype=object)
    days = w.day_list(30, include_anchor=False)
    d = len(days)
    reliability = rng.beta(8, 1.2, count)[None, :]
    off = np.where(rng.random((d, count)) > reliability, rng.exponential(240, (d, count)), 0.0)
    broken = np.zeros((d, count), dtype=bool)  # a broken camera stays broken for days
    for j in np.flatnonzero(rng.random(count) < 0.2).tolist():
        s = int(rng.integers(0, d))
        broken[s : s + int(rng.integers(2, 12)), j] = True
    service = ~broken & (rng.random((d, count)) < 0.01)
    off = np.where(broken, 1440.0, np.where(service, np.maximum(off, rng.uniform(60, 300, (d, count))), off))
    off = np.minimum(np.round(off), 1440)
    status = np.where(broken, "rusak", np.where(service, "perawatan", np.where(off >= 720, "offline", "online")))
    ravel = lambda a: np.tile(a, d)  # noqa: E731 - entity attributes repeat every day
    return {
        "kode_kamera": ravel(codes),
        "tanggal": np.repeat(days, count),
        "nama_lokasi": ravel(cams["place"]),
        "_kel": ravel(cams["kel"]),
        "kode_kelurahan": ravel(w.kel_code[cams["kel"]]),
        "latitude": ravel(cams["lat"]),
        "longitude": ravel(cams["lon"]),
        "status": status.ravel().astype(object),
        "uptime_persen": np.round(100 * (1440 - off.ravel()) / 1440, 1),
        "durasi_offline_menit": off.ravel(),
    }


# halte ---------------------------------------------------------------------------------------------


def _halte_table(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    c, w = ctx.contract, ctx.world
    count = int(rng.integers(30, 49))
    fleet = _fleet(w.seed, w.code, w.anchor_day, ctx.sender)
    kel = w.kelurahan(rng, count)
    lat, lon = w.points(rng, kel, 0.003)
    route = rng.integers(0, len(fleet.routes), count)
    second = rng.integers(0, len(fleet.routes), count)
    routes = np.where(
        (rng.random(count) < 0.3) & (second != route),
        fleet.routes[route] + ", " + fleet.routes[second],
        fleet.routes[route],
    )
    codes = np.array([f"HLT-{fleet.routes[r]}-{i + 1:03d}" for i, r in enumerate(route.tolist())], dtype=object)
    names = _cat(
        "Halte ",
        _pick(
            rng,
            [s.removeprefix("Jl. ") for s in w.streets]
            + [m.removeprefix("depan ").removeprefix("dekat ") for m in LANDMARKS],
            count,
        ),
    )
    seen = w.start.astype("datetime64[D]") + rng.integers(0, PERIOD_DAYS, count)
    return {
        "kode_halte": codes,
        "nama_halte": names,
        "_kel": kel,
        "kode_kelurahan": w.kel_code[kel],
        "alamat": _cat(_pick(rng, w.streets, count), " ", _pick(rng, LANDMARKS, count)),
        "latitude": lat,
        "longitude": lon,
        "kode_rute": _nulls(routes, rng, 0.05),
        "kondisi": _enum(
            c.column("kondisi"),
            rng,
            count,
            {"baik": 0.6, "rusak_ringan": 0.25, "rusak_berat": 0.1, "tidak_aktif": 0.05},
        ),
        "tanggal_pendataan": np.sort(seen),
    }


# kemiskinan ----------------------------------------------------------------------------------------

POVERTY_RATE = {"53.71": 0.086, "32.78": 0.111, "21.71": 0.049, "16.71": 0.103, "64.71": 0.025}


def _kemiskinan_table(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w = ctx.world
    first = w.anchor_day.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    periods = np.array(sorted(months), dtype="datetime64[D]")
    population = float(_kota_row(w.code).get("jumlah_penduduk") or 400_000)
    size = population / len(w.kel_code) * rng.lognormal(0, 0.45)
    people = np.round(size * (1 + np.cumsum(rng.normal(0.001, 0.002, 3))))
    families = np.round(people / rng.uniform(3.4, 3.9))
    poor = np.round(
        people
        * min(0.35, POVERTY_RATE.get(w.code, 0.08) * rng.lognormal(0, 0.4))
        * (1 + np.cumsum(rng.normal(0, 0.01, 3)))
    )
    poor_families = np.minimum(np.round(poor / rng.uniform(3.6, 4.2)), families)
    return {
        "periode": periods,
        "jumlah_penduduk": people,
        "jumlah_kk": families,
        "penduduk_miskin": poor,
        "penduduk_miskin_ekstrem": np.round(poor * rng.uniform(0.03, 0.15)),
        "kk_miskin": poor_families,
        "penerima_pkh": np.round(poor_families * rng.uniform(0.4, 0.7)),
        "penerima_bpnt": np.round(poor_families * rng.uniform(0.6, 0.95)),
        "penerima_pbi_jk": np.minimum(np.round(poor * rng.uniform(1.8, 2.8)), people),
    }


# kemacetan (a strided sample of points x 15-minute slots) -----------------------------------------


@cache
def _kemacetan_grid(seed: int, city: str, anchor: date, sender: str, n: int) -> _Grid:
    w = _world(seed, city, anchor)
    rng = _rng(seed, city, "kemacetan-points", sender)
    step, points = 15, int(rng.integers(16, 26))
    days = w.day_list(PERIOD_DAYS, include_anchor=False)
    while True:
        per_day = (21 * 60 - 6 * 60) // step
        if len(days) * per_day * points >= n:
            break
        step, points = (max(1, step // 3), points) if step > 1 else (step, points * 2)
    minutes = 6 * 60 + step * np.arange(per_day)
    times = (days[:, None].astype("datetime64[s]") + _minutes(minutes)[None, :]).ravel()
    kel = w.kelurahan(rng, points)
    lat, lon = w.points(rng, kel, 0.004)
    roads = [r.removeprefix("Jl. ") for r in dict.fromkeys(w.streets)]
    cross = [(i, (i * 7 + 3) % len(roads)) for i in range(points)]
    name = np.array(
        [
            f"Simpang {roads[a % len(roads)]} – {roads[b if b != a % len(roads) else (b + 1) % len(roads)]}"
            if a % 3
            else f"Jl. {roads[a % len(roads)]}"
            for a, b in cross
        ],
        dtype=object,
    )
    return _Grid(
        times=times,
        time_column="waktu_pengamatan",
        entities={
            "id_titik": np.array(
                [f"SMP-{i + 1:03d}" if i % 3 else f"TP-{i + 1:03d}" for i in range(points)], dtype=object
            ),
            "nama_ruas": name,
            "_kel": kel,
            "kode_kelurahan": w.kel_code[kel],
            "latitude": lat,
            "longitude": lon,
            "_busy": rng.uniform(0.3, 1.0, points),
        },
    )


def _kemacetan_scaled(ctx: _Ctx, n: int) -> _Grid:
    w = ctx.world
    return _kemacetan_grid(w.seed, w.code, w.anchor_day, ctx.sender, n)


LEVELS = ("lancar", "ramai_lancar", "padat", "macet", "macet_total")
LEVEL_SPEED = np.array([(35, 50), (25, 35), (15, 25), (5, 15), (0, 5)], dtype=float)
LEVEL_QUEUE = np.array([(0, 40), (30, 120), (100, 300), (250, 700), (600, 1500)], dtype=float)
LEVEL_VC = np.array([(0.3, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.1), (1.1, 1.35)])


def _kemacetan_fill(ctx: _Ctx, rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    c = ctx.contract
    n = len(t["_kel"])
    hour = (t["waktu_pengamatan"].astype("datetime64[m]").astype(np.int64) // 60) % 24
    peak = np.where(np.isin(hour, (7, 16, 17)), 1.0, np.where(np.isin(hour, (6, 8, 12, 13, 18)), 0.7, 0.35))
    score = t.pop("_busy") * peak + rng.normal(0, 0.15, n)
    level = np.digitize(score, (0.3, 0.5, 0.7, 0.9))
    names = np.array(
        [v if v in (c.column("tingkat").valid_values or LEVELS) else LEVELS[0] for v in LEVELS], dtype=object
    )
    t["tingkat"] = names[level]
    u = rng.random(n)
    t["kecepatan_rata_kmh"] = _nulls(
        np.round(LEVEL_SPEED[level, 0] + u * np.ptp(LEVEL_SPEED, axis=1)[level], 1), rng, 0.05
    )
    t["panjang_antrian_m"] = _nulls(
        np.round(LEVEL_QUEUE[level, 0] + u * np.ptp(LEVEL_QUEUE, axis=1)[level], -1), rng, 0.1
    )
    t["rasio_vc"] = _nulls(np.round(LEVEL_VC[level, 0] + u * np.ptp(LEVEL_VC, axis=1)[level], 2), rng, 0.2)


# generic grid, for a contract without a hook ---------------------------------------------------------


def _generic_grid(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every combination of the key columns: days (or months) x allowed values x a few entities."""
    c, w = ctx.contract, ctx.world
    dims: list[tuple[str, np.ndarray]] = []
    for name in c.primary_key:
        col = c.column(name)
        if name == c.owner_column:
            continue
        if col.logical_type in ("date", "timestamp"):
            monthly = c.frequency >= timedelta(days=28)
            days = w.day_list(90 if monthly else 30, include_anchor=False)
            if monthly:
                days = np.unique(days.astype("datetime64[M]").astype("datetime64[D]"))[-3:]
            values = days if col.logical_type == "date" else days.astype("datetime64[s]") + np.timedelta64(7, "h")
        elif col.valid_values:
            values = np.array(col.valid_values, dtype=object)
        elif col.code_list:
            values = np.array(reference.values(col.code_list, w.code), dtype=object)
        elif col.logical_type == "integer":
            values = np.arange(int(col.minimum or 1), int(col.minimum or 1) + 3).astype(float)
        else:
            pool = (
                _regex_samples(col.pattern, rng, 40)
                if col.pattern
                else [f"{name[:3].upper()}-{i + 1:03d}" for i in range(8)]
            )
            values = np.array(sorted(set(pool))[:8], dtype=object)
        dims.append((name, values))
    if not dims:
        return {c.primary_key[0] if c.primary_key else c.columns[0].name: np.array([ctx.sender], dtype=object)}
    grids = np.meshgrid(*[np.arange(len(v)) for _, v in dims], indexing="ij")
    return {name: values[g.ravel()] for (name, values), g in zip(dims, grids, strict=True)}


MODELS: dict[str, _Model] = {
    "aduan": _Model(
        "events", ratio=1.0, hours=DAY_HOURS, fill=_aduan_fill, ids=_aduan_ids, sender_weight=_aduan_weight
    ),
    "izin": _Model("events", ratio=0.5, hours=OFFICE_HOURS, weekend=0.08, fill=_izin_fill, ids=_izin_ids),
    "kecelakaan": _Model(
        "events", ratio=0.03, min_rows=40, hours=TRAFFIC_HOURS, weekend=1.1, fill=_kecelakaan_fill, ids=_kecelakaan_ids
    ),
    "darurat": _Model(
        "events",
        ratio=0.1,
        min_rows=60,
        hours=FLAT_HOURS,
        weekend=1.0,
        fill=_darurat_fill,
        ids=_darurat_ids,
        sender_weight=_darurat_weight,
    ),
    "ritase_bus": _Model(
        "events", ratio=1.0, min_rows=100, hours=BUS_HOURS, weekend=0.7, fill=_ritase_fill, ids=_ritase_ids
    ),
    "kemacetan": _Model("grid", ratio=0.25, min_rows=60, scaled_grid=_kemacetan_scaled, fill=_kemacetan_fill),
    "absensi": _Model("grid", grid=_absensi_table),
    "tempat_tidur": _Model("grid", grid=_tempat_tidur_table),
    "cctv": _Model("grid", grid=_cctv_table),
    "halte": _Model("grid", grid=_halte_table),
    "kemiskinan": _Model("grid", grid=_kemiskinan_table),
}


def _model_for(c: Contract) -> _Model:
    """The dataset's hook, or one inferred from its key: a single free-text key means events."""
    if c.name in MODELS:
        return MODELS[c.name]
    pk = [c.column(k) for k in c.primary_key]
    if len(pk) == 1 and pk[0].logical_type == "string" and not pk[0].code_list and not pk[0].valid_values:
        return _Model("events")
    return _Model("grid", grid=_generic_grid)
