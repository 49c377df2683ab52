"""The backlog forecast (src/muara/analytics/prakiraan.py): the backtest and its MASE against the naive forecast."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from muara.analytics import prakiraan

KUPANG = ZoneInfo("Asia/Makassar")


def test_a_steady_trend_beats_naive() -> None:
    rng = np.random.default_rng(5)
    values = list(20 + 0.8 * np.arange(60) + rng.normal(0, 1, 60))
    f = prakiraan.forecast(values)
    assert f.metode == prakiraan.METHOD and f.jumlah_titik_uji == prakiraan.BACKTEST_ORIGINS
    assert f.mase is not None and f.mase < 0.5, f
    assert f.batas_bawah <= f.prakiraan <= f.batas_atas
    assert abs(f.prakiraan - (20 + 0.8 * 66)) < 6


def test_short_or_flat_history_is_naive() -> None:
    short = prakiraan.forecast([3.0, 4.0, 5.0])
    assert (short.metode, short.prakiraan, short.mase) == (prakiraan.NAIVE, 5.0, None)
    flat = prakiraan.forecast([7.0] * 40)
    assert flat.prakiraan == 7.0 and flat.mase is None  # the naive forecast never erred: no ratio to give


def test_daily_backlog_counts_open_and_overdue_at_midnight() -> None:
    t = datetime(2026, 11, 2, 9, 0, tzinfo=KUPANG)
    frame = pd.DataFrame(
        {
            "kode_opd": ["PUPR", "PUPR", "DLHK"],
            "waktu_lapor": [t, t + timedelta(days=1), t],
            "waktu_tuntas": [t + timedelta(days=3), pd.NaT, pd.NaT],
            "batas_waktu": [t + timedelta(days=1), t + timedelta(days=2), t + timedelta(days=10)],
        }
    )
    for col in ("waktu_lapor", "waktu_tuntas", "batas_waktu"):
        frame[col] = pd.to_datetime(frame[col], utc=True).dt.tz_convert(KUPANG)
    moments = list(pd.date_range(datetime(2026, 11, 3, tzinfo=KUPANG), periods=4, freq="D"))
    got = prakiraan.daily_backlog(frame, moments).set_index(["kode_opd", "tanggal"])
    pupr = got.loc["PUPR"]
    assert pupr["terbuka"].tolist() == [1, 2, 2, 1]  # the first closes on the 5th at 09:00
    assert pupr["terlambat"].tolist() == [0, 1, 2, 1]  # deadlines 3 Nov 09:00 and 4 Nov 09:00
    assert got.loc["DLHK"]["terbuka"].tolist() == [1, 1, 1, 1]
