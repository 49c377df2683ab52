"""Backlog forecast: each OPD's open and overdue complaints a week ahead, with a backtest against the naive forecast.

- **History.** For every day at 00:00 (city time) the backlog is rebuilt from the complaints themselves: open =
  reported before that moment and not yet closed at it; overdue = open and past its deadline at it. The first
  ``BURN_IN_DAYS`` days after the first complaint are dropped: a backlog counted from an empty start grows for
  a while whatever the OPD does. Daily points, not weekly: a city's first months give a dozen weeks, too few
  to fit or to test anything; the target is still one week ahead (``HORIZON_DAYS``).
- **Model.** Holt's linear trend with a damped trend and additive errors (``statsmodels`` ETS, fitted by maximum
  likelihood): a level and a trend that flattens, the standard model for a short count series with drift and no
  season. Below ``MIN_DAYS`` days of history the naive forecast (in a week = today) is given instead.
- **Backtest.** Rolling origin over the last ``BACKTEST_ORIGINS`` days whose week-ahead value is known: the
  model (parameters fitted on the days before the first origin) runs over the days up to each origin,
  forecasts a week ahead, and is compared with what came. ``mase`` = the model's mean absolute
  error ÷ the naive forecast's (in a week = at the origin) over the same origins: below 1 the model beats
  "same as today", above 1 it does not.
- **Interval.** ``prakiraan ± 1.96 ×`` the backtest's root mean square error, floored at 0: about 95 % if next
  week errs as the tested weeks did.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

BURN_IN_DAYS = 14
MIN_DAYS = 28
HORIZON_DAYS = 7
BACKTEST_ORIGINS = 14
METHOD = "holt_teredam"
NAIVE = "naif"


@dataclass(frozen=True)
class Prakiraan:
    nilai_terakhir: float
    prakiraan: float
    batas_bawah: float
    batas_atas: float
    metode: str
    jumlah_hari_riwayat: int
    jumlah_titik_uji: int
    mae_model: float | None
    mae_naif: float | None
    mase: float | None


def _model(history: list[float]) -> Any:
    import numpy as np
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(np.asarray(history, dtype=float), error="add", trend="add", damped_trend=True)


def fit_params(history: list[float]) -> Any | None:
    """The damped-Holt parameters fitted on ``history`` (None when too short or flat: naive instead)."""
    if len(history) < MIN_DAYS or len(set(history)) == 1:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series; the backtest judges the result
        return _model(history).fit(disp=False).params


def ahead(history: list[float], params: Any | None, horizon: int = HORIZON_DAYS) -> float:
    """The forecast ``horizon`` days after ``history`` with ``params`` (naive when there are none)."""
    if params is None:
        return float(history[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(_model(history).smooth(params).forecast(horizon)[-1])
    return max(0.0, value) if math.isfinite(value) else float(history[-1])


def forecast(values: list[float], horizon: int = HORIZON_DAYS) -> Prakiraan:
    """The value ``horizon`` days after the last of a daily series, with the rolling-origin backtest.

    The backtest's parameters are fitted once, on the days before its first origin, and each origin's forecast
    runs the model with them over the days up to that origin: nothing from the tested weeks leaks into the
    parameters, and it costs one fit instead of one per origin. The forecast itself is refitted on every day."""
    n = len(values)
    last_origin = n - 1 - horizon
    origins = [o for o in range(last_origin - BACKTEST_ORIGINS + 1, last_origin + 1) if o + 1 >= MIN_DAYS]
    backtest_params = fit_params(values[: origins[0] + 1]) if origins else None
    errors = [abs(ahead(values[: o + 1], backtest_params, horizon) - values[o + horizon]) for o in origins]
    naive = [abs(values[o] - values[o + horizon]) for o in origins]
    mae = sum(errors) / len(errors) if errors else None
    mae_naive = sum(naive) / len(naive) if naive else None
    mase = mae / mae_naive if mae is not None and mae_naive else None
    rmse = math.sqrt(sum(e * e for e in errors) / len(errors)) if errors else 0.0
    point = ahead(values, fit_params(values), horizon)
    return Prakiraan(
        nilai_terakhir=float(values[-1]),
        prakiraan=round(point, 2),
        batas_bawah=round(max(0.0, point - 1.96 * rmse), 2),
        batas_atas=round(point + 1.96 * rmse, 2),
        metode=METHOD if n >= MIN_DAYS else NAIVE,
        jumlah_hari_riwayat=n,
        jumlah_titik_uji=len(origins),
        mae_model=None if mae is None else round(mae, 3),
        mae_naif=None if mae_naive is None else round(mae_naive, 3),
        mase=None if mase is None else round(mase, 3),
    )


def daily_backlog(complaints: Any, moments: list[Any]) -> Any:
    """Open and overdue complaints per OPD at each of ``moments`` (tz-aware, midnights).

    ``complaints``: a DataFrame with ``kode_opd, waktu_lapor, waktu_tuntas, batas_waktu`` (tz-aware; waktu_tuntas
    empty while open). Returns ``kode_opd, tanggal, terbuka, terlambat``, zero-filled."""
    import numpy as np
    import pandas as pd

    def ns(values: Any) -> Any:  # one unit for every comparison (pandas 3 keeps microseconds from the database)
        return pd.DatetimeIndex(values).as_unit("ns")

    at = ns(moments).asi8
    frames = []
    for opd, part in complaints.groupby("kode_opd", sort=True):
        lapor = ns(part["waktu_lapor"]).asi8[:, None]
        tuntas_ix = ns(part["waktu_tuntas"])
        tuntas = np.where(tuntas_ix.isna(), np.iinfo("int64").max, tuntas_ix.asi8)[:, None]
        batas = ns(part["batas_waktu"]).asi8[:, None]
        is_open = (lapor < at) & (tuntas >= at)
        frames.append(
            pd.DataFrame(
                {
                    "kode_opd": opd,
                    "tanggal": [m.date() for m in moments],
                    "terbuka": is_open.sum(axis=0),
                    "terlambat": (is_open & (batas < at)).sum(axis=0),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["kode_opd", "tanggal", "terbuka", "terlambat"])
    return pd.concat(frames, ignore_index=True)
