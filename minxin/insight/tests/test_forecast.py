import datetime as dt
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from minxin.insight.forecast import backtest, forecast, weekly
from minxin.insight.tests.helpers import shared

MONDAY = dt.date(2021, 1, 4)


def seasonal(years: int, seed: int = 1) -> np.ndarray:
    """Weekly volumes growing 20% a year, with a three-week dip (Spring Festival) and a
    summer peak, and Poisson noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(52 * years)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 52) - 0.6 * np.isin(t % 52, [4, 5, 6])
    return rng.poisson(100 * (1.2 ** (t / 52)) * season).astype(float)


def test_the_model_beats_the_seasonal_naive_on_a_growing_seasonal_series():
    result = backtest(seasonal(3), weeks=52)
    assert result["weeks"] == 52
    assert result["mape"] < result["mape_seasonal_naive"]


def test_forecast_follows_last_years_season_with_an_interval():
    y = seasonal(2)
    weeks = [MONDAY + dt.timedelta(weeks=i) for i in range(len(y))]
    ahead = forecast(y, weeks, horizon=8)
    assert [p.week for p in ahead] == [weeks[-1] + dt.timedelta(weeks=h) for h in range(1, 9)]
    assert all(p.low <= p.mean <= p.high for p in ahead)
    # Weeks 4 to 6 of the year after: the Spring Festival dip seen a year before.
    assert ahead[5].mean < 0.8 * ahead[0].mean


def test_weekly_counts_whole_weeks_and_skips_stray_early_messages():
    days = [dt.date(2017, 6, 8)] + [MONDAY + dt.timedelta(days=d) for d in range(0, 30)]
    weeks, y = weekly(days)
    assert weeks[0] == MONDAY  # the 2017 message is not the start of a series
    assert list(y) == [7, 7, 7, 7]  # the last, unfinished week is left out


def test_forecast_evaluate_on_the_dated_public_messages(capsys):
    files = [shared("messages-with-replies.csv"), shared("messages-unlabeled.csv")]
    call_command("forecast-evaluate", *[a for f in files for a in ("--messages", str(f))], "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["weeks"] == 26
    assert result["mape"] < result["mape_seasonal_naive"]


def test_forecast_evaluate_refuses_a_short_series(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("id,title,text,date\n1,路灯,不亮,2024-01-02 10:00:00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="连续数据不足"):
        call_command("forecast-evaluate", "--messages", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("forecast-evaluate", "--messages", str(tmp_path / "none.csv"))
