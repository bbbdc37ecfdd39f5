"""Weekly demand forecasts (民生需求预测): a seasonal level model and its backtest.

The model (docs/analytics.md, "Forecasts"; docs/decisions for why not statsmodels):
- level: exponentially weighted mean of the past weeks' volumes, each first divided by its
  seasonal factor (so last year's Spring Festival dip does not drag this week down);
- seasonal factor of a week: the volume in the same week a year before (±SMOOTH weeks)
  over the level then (the mean of the 13 weeks around it), shrunk towards 1 by BETA; 1
  while there is less than a year of history;
- forecast = level × factor of the target week; the 80% interval from the quantiles of the
  model's own past one-step relative errors (widened by √horizon), or Poisson while there
  are fewer than 8 of them.
ALPHA and BETA are picked per series from a small grid by the one-step error on its own
history only, so a backtest never sees the week it predicts.

The baseline is the seasonal naive forecast: the same week one season (52 weeks) earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SEASON = 52
SMOOTH = 1
GAP_WEEKS = 8
ALPHAS = (0.1, 0.2, 0.3, 0.5)
BETAS = (0.0, 0.5, 1.0)
Z80 = 1.2816


@dataclass(frozen=True)
class Prediction:
    week: dt.date
    mean: float
    low: float
    high: float


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly(
    days: Iterable[dt.date], *, through: dt.date | None = None
) -> tuple[list[dt.date], np.ndarray]:
    """Volumes of whole weeks (Monday to Sunday), empty weeks as 0. The series starts after
    its last gap of GAP_WEEKS or more empty weeks (a few stray early messages are not a
    series) and ends with the last whole week: before `through`'s week if given, else
    before the week of the latest day unless that day is a Sunday."""
    days = sorted(days)
    if not days:
        return [], np.zeros(0)
    end = (
        monday(through)
        if through
        else monday(days[-1]) + dt.timedelta(weeks=days[-1].weekday() == 6)
    )
    start = monday(days[0])
    n = max(0, (end - start).days // 7)
    counts = np.zeros(n)
    for day in days:
        i = (monday(day) - start).days // 7
        if 0 <= i < n:
            counts[i] += 1
    first = _after_last_gap(counts)
    weeks = [start + dt.timedelta(weeks=i) for i in range(first, n)]
    return weeks, counts[first:]


def _after_last_gap(counts: np.ndarray) -> int:
    first, run = 0, 0
    for i, c in enumerate(counts):
        run = run + 1 if c == 0 else 0
        if run >= GAP_WEEKS:
            first = i + 1
    return first


def _factors(y: np.ndarray, beta: float, season: int) -> np.ndarray:
    """The seasonal factor of each week 0..len(y) (one past the end included)."""
    factors = np.ones(len(y) + season)
    for t in range(season, len(y) + season):
        then = t - season
        near = y[max(0, then - SMOOTH) : then + SMOOTH + 1]
        level = y[max(0, then - 6) : then + 7].mean()
        if level > 0 and len(near):
            factors[t] = 1 + beta * (near.mean() / level - 1)
    return np.clip(factors, 0.2, 5.0)


def _run(y: np.ndarray, alpha: float, beta: float, season: int) -> tuple[np.ndarray, np.ndarray]:
    """One-step predictions of weeks 1..len(y) (the last is the week after the history)
    and the factors used."""
    factors = _factors(y, beta, season)
    level = y[0] / factors[0] if len(y) else 0.0
    predictions = np.zeros(len(y))
    for t in range(1, len(y) + 1):
        level = alpha * (y[t - 1] / factors[t - 1]) + (1 - alpha) * level
        predictions[t - 1] = level * factors[t]
    return predictions, factors


def _fit(y: np.ndarray, season: int) -> tuple[float, float]:
    best, params = np.inf, (ALPHAS[0], BETAS[0])
    for alpha in ALPHAS:
        for beta in BETAS if len(y) > season else (0.0,):
            predictions, _ = _run(y, alpha, beta, season)
            error = _mape(y[1:], predictions[:-1])
            if error < best:
                best, params = error, (alpha, beta)
    return params


def forecast(
    y: np.ndarray, weeks: list[dt.date], *, horizon: int = 1, season: int = SEASON
) -> list[Prediction]:
    """The next `horizon` weeks after the history `y` (whose weeks are `weeks`)."""
    if len(y) < 2:
        return []
    alpha, beta = _fit(y, season)
    predictions, factors = _run(y, alpha, beta, season)
    level = predictions[-1] / factors[len(y)]
    errors = (y[1:] - predictions[:-1]) / np.maximum(predictions[:-1], 1)
    out = []
    for h in range(1, horizon + 1):
        t = len(y) + h - 1
        factor = factors[t] if t < len(factors) else 1.0
        mean = max(0.0, level * factor)
        low, high = _interval(mean, errors[-SEASON:], h)
        out.append(Prediction(weeks[-1] + dt.timedelta(weeks=h), mean, low, high))
    return out


def _interval(mean: float, errors: np.ndarray, h: int) -> tuple[float, float]:
    if len(errors) >= 8:
        lo, hi = np.quantile(errors, [0.1, 0.9]) * np.sqrt(h)
        return max(0.0, mean * (1 + lo)), mean * (1 + hi)
    spread = Z80 * np.sqrt(max(mean, 1.0) * h)
    return max(0.0, mean - spread), mean + spread


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error over the weeks with a volume (a zero week has none)."""
    kept = actual > 0
    if not kept.any():
        return np.inf
    return float(np.mean(np.abs(actual[kept] - predicted[kept]) / actual[kept]) * 100)


def backtest(y: np.ndarray, *, weeks: int = 26, horizon: int = 1, season: int = SEASON) -> dict:
    """Rolling origin: each of the last `weeks` weeks that has a seasonal-naive forecast
    (a volume one season before) is predicted `horizon` weeks ahead from the history before
    it, by the model and by the seasonal naive; both scored on the same weeks."""
    targets = [t for t in range(max(season, len(y) - weeks), len(y)) if t - horizon + 1 >= 2]
    model, naive = [], []
    for t in targets:
        origin = t - horizon + 1
        history = y[:origin]
        model.append(forecast(history, _dummy_weeks(origin), horizon=horizon)[-1].mean)
        naive.append(y[t - season])
    actual = y[targets]
    if not targets:
        return {"weeks": 0, "mape": None, "mape_seasonal_naive": None}
    return {
        "weeks": len(targets),
        "mape": round(_mape(actual, np.array(model)), 2),
        "mape_seasonal_naive": round(_mape(actual, np.array(naive)), 2),
        "wape": round(_wape(actual, np.array(model)), 2),
        "wape_seasonal_naive": round(_wape(actual, np.array(naive)), 2),
    }


def _wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Absolute errors over total volume, in percent: unlike MAPE, a week of 1 message
    predicted as 80 weighs as 79 messages, not as 7,900%."""
    return float(np.abs(actual - predicted).sum() / max(actual.sum(), 1) * 100)


def _dummy_weeks(n: int) -> list[dt.date]:
    return [dt.date(2000, 1, 3) + dt.timedelta(weeks=i) for i in range(n)]
