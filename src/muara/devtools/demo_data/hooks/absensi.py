"""absensi: daily attendance per OPD on working days; present, leave, sick and absent add up to the staff."""

from __future__ import annotations

import numpy as np

from muara.devtools.demo_data.shapes import Ctx

STAFF_BY_RUMPUN = {
    "sekretariat": (180, 320),
    "dinas": (60, 260),
    "badan": (35, 120),
    "satuan": (80, 160),
    "rsud": (280, 520),
    "kecamatan": (20, 45),
}


def absensi_table(ctx: Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
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
