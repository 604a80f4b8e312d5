"""Benchmark: China's working calendar (调休) in jiesu against its peers, in one process.

Jobs (full size; ``--quick`` runs small sizes):

1. ``is_workday`` over 10M random dates 2015-2026;
2. ``add_workdays`` for 1M dates with n in 1..15;
3. ``add_working_hours`` (+24 working hours, 09:00-12:00 and 13:30-17:30) for 1M aware timestamps.

Peers: chinesecalendar, holidays and workalendar loops (timed on a sample and scaled), numpy
``is_busday``/``busday_offset``, pandas ``bdate_range``/``CustomBusinessDay``/``CustomBusinessHour`` and polars
``is_business_day``/``add_business_days``. Each weekday-based peer runs twice: the obvious setup (Mon-Fri mask +
the statutory holidays: wrong on every adjusted working day) and the only correct setup their model allows
(7-day mask + every non-working day listed). Limits: a precomputed day table + gather; a cumulative
working-day count + gather; a working-time position + searchsorted. The limits are built from chinesecalendar's
data, so they are also the independent truth every "wrong" count is measured against.
"""

from __future__ import annotations

# ruff: noqa: A005
# (the file name is fixed: `make bench` runs benchmarks/calendar.py)
import sys
from pathlib import Path

# This script is named like the standard library's ``calendar`` module, which pandas and holidays import:
# move the script's folder from the front of the search path to its end (``_common`` is still found there).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import argparse  # noqa: E402 - after the path fix above
import datetime as dt  # noqa: E402 - imported after the setup above
import functools  # noqa: E402 - imported after the setup above
import warnings  # noqa: E402 - imported after the setup above
from typing import TYPE_CHECKING, Any  # noqa: E402 - imported after the setup above

import chinese_calendar  # noqa: E402 - imported after the setup above
import holidays  # noqa: E402 - imported after the setup above
import numpy as np  # noqa: E402 - imported after the setup above
import pandas as pd  # noqa: E402 - imported after the setup above
import pendulum  # noqa: E402 - imported after the setup above
import polars as pl  # noqa: E402 - imported after the setup above
from workalendar.asia import China  # noqa: E402 - imported after the setup above

from _common import measure, mib, print_table  # noqa: E402 - imported after the setup above
from jiesu.calendar import WorkCalendar  # noqa: E402 - imported after the setup above

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

LO, HI = dt.date(2015, 1, 1), dt.date(2026, 12, 31)
TABLE_LO, TABLE_HI = dt.date(2014, 12, 1), dt.date(2026, 12, 31)
H = 3600
TARGETS = {"is_workday": 2.0, "add_workdays": 3.0, "add_working_hours": 5.0}
Row = list[str]


def _days(lo: dt.date, hi: dt.date) -> list[dt.date]:
    return [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]


class Truth:
    """Day tables built from chinesecalendar's data (the limits, and the truth)."""

    def __init__(self) -> None:
        days = _days(TABLE_LO, TABLE_HI)
        self.t0 = int(np.datetime64(TABLE_LO, "D").astype(np.int64))
        self.work = np.array([chinese_calendar.is_workday(d) for d in days])
        self.cum_after = np.cumsum(self.work)  # working days <= each day
        self.widx = np.flatnonzero(self.work)
        self.wcum = np.concatenate(
            [[0], np.cumsum(self.work * 7 * H)]
        )  # working seconds before each day
        self.off = [d for d, w in zip(days, self.work, strict=True) if not w]
        cal = WorkCalendar.china()
        self.statutory = [
            d for s in cal.data.spans() for d in s.dates() if TABLE_LO <= d <= TABLE_HI
        ]


def limit_is_workday(truth: Truth, dates: NDArray[np.datetime64]) -> NDArray[np.bool_]:
    out: NDArray[np.bool_] = truth.work[dates.view(np.int64) - truth.t0]
    return out


def limit_add_workdays(
    truth: Truth, dates: NDArray[np.datetime64], n: NDArray[np.int64]
) -> NDArray[Any]:
    k = truth.cum_after[dates.view(np.int64) - truth.t0]
    k += n - 1
    out: NDArray[Any] = (truth.widx[k] + truth.t0).view("datetime64[D]")
    return out


def limit_add_hours(truth: Truth, utc_s: NDArray[np.int64], hours: int) -> NDArray[np.int64]:
    local = utc_s + 8 * H
    day = local // 86400
    sec = local - day * 86400
    idx = day - truth.t0
    pos = truth.wcum[idx]
    pos += (np.clip(sec - 9 * H, 0, 3 * H) + np.clip(sec - int(13.5 * H), 0, 4 * H)) * truth.work[
        idx
    ]
    pos += hours * H
    j = np.searchsorted(truth.wcum[1:], pos, side="left")
    rest = pos - truth.wcum[j]
    wall = np.where(rest <= 3 * H, 9 * H + rest, int(13.5 * H) + rest - 3 * H)
    out: NDArray[np.int64] = (j + truth.t0) * 86400 + wall - 8 * H
    return out


def _np_is_busday(dates: NDArray[np.datetime64], bcal: np.busdaycalendar) -> NDArray[np.bool_]:
    return np.asarray(np.is_busday(dates, busdaycal=bcal))


def _np_busday_offset(
    dates: NDArray[np.datetime64], steps: NDArray[np.int64], bcal: np.busdaycalendar
) -> NDArray[np.datetime64]:
    return np.asarray(np.busday_offset(dates, steps, roll="backward", busdaycal=bcal))


def _pl_is_business_day(
    series: pl.Series, mask: tuple[bool, ...], hol: list[dt.date]
) -> NDArray[Any]:
    return series.dt.is_business_day(week_mask=mask, holidays=hol).to_numpy()


def _pl_add_business_days(
    series: pl.Series, steps: pl.Series, mask: tuple[bool, ...], hol: list[dt.date]
) -> NDArray[Any]:
    return series.dt.add_business_days(
        steps, week_mask=mask, holidays=hol, roll="backward"
    ).to_numpy()


def _apply_each(fn: Callable[[dt.date], object], days: list[dt.date], k: int) -> NDArray[Any]:
    return np.array([fn(d) for d in days[:k]], dtype=object)


def _apply_pairs(
    fn: Callable[[dt.date, int], object], days: list[dt.date], steps: list[int], k: int
) -> NDArray[Any]:
    return np.array(
        [fn(d, s) for d, s in zip(days[:k], steps[:k], strict=True)], dtype="datetime64[D]"
    )


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The peer's answer, or ``None`` where it refuses (workalendar has no China data after 2023)."""

    def call(*args: Any) -> Any:  # noqa: ANN401 - peers are untyped
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001 - any refusal counts as a wrong result
            return None

    return call


def _loop(fn: Callable[[int], object], sample: int, total: int) -> tuple[object, float, int]:
    result, seconds, peak = measure(lambda: fn(sample), repeat=1)
    return result, seconds * total / sample, peak


def _row(  # noqa: PLR0917 - one table row, positionally
    job: str,
    name: str,
    setup: str,
    rows: str,
    seconds: float,
    limit: float,
    wrong: object,
    peak: int,
) -> Row:
    return [
        job,
        name,
        setup,
        rows,
        f"{seconds:.4f}",
        f"{seconds / limit:,.1f}",
        str(wrong),
        mib(peak),
    ]


def job_is_workday(
    truth: Truth, n: int, sample: int, rng: np.random.Generator
) -> tuple[list[Row], float]:
    cal = WorkCalendar.china()
    lo, hi = np.datetime64(LO, "D").astype(np.int64), np.datetime64(HI, "D").astype(np.int64)
    dates = rng.integers(lo, hi + 1, n).view("datetime64[D]")
    expected, t_limit, m_limit = measure(lambda: limit_is_workday(truth, dates))
    rows = [
        _row("is_workday", "limit: day table + gather", "-", f"{n:,}", t_limit, t_limit, 0, m_limit)
    ]
    got, t, m = measure(lambda: cal.is_workday_many(dates))
    twin = sum(
        cal.is_workday(d) != bool(g)
        for d, g in zip(dates[:sample].tolist(), got[:sample], strict=True)
    )
    rows.append(
        _row(
            "is_workday",
            "jiesu is_workday_many",
            f"twin≠{twin}",
            f"{n:,}",
            t,
            t_limit,
            int((got != expected).sum()),
            m,
        )
    )
    ratio = t / t_limit
    setups = {
        "obvious": ("1111100", "Mon Tue Wed Thu Fri", (True,) * 5 + (False,) * 2, truth.statutory),
        "correct": ("1111111", "Mon Tue Wed Thu Fri Sat Sun", (True,) * 7, truth.off),
    }
    series = pl.Series(dates)
    for setup, (mask, pd_mask, pl_mask, hol) in setups.items():
        bcal = np.busdaycalendar(weekmask=mask, holidays=np.array(hol, dtype="datetime64[D]"))
        got, t, m = measure(functools.partial(_np_is_busday, dates, bcal))
        rows.append(
            _row(
                "is_workday",
                "numpy is_busday",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )

        def pandas_run(pd_mask: str = pd_mask, hol: list[dt.date] = hol) -> NDArray[np.bool_]:
            bdays = pd.bdate_range(LO, HI, freq="C", weekmask=pd_mask, holidays=hol)
            return np.asarray(pd.Index(dates).isin(bdays))

        got, t, m = measure(pandas_run)
        rows.append(
            _row(
                "is_workday",
                "pandas bdate_range+isin",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )
        got, t, m = measure(functools.partial(_pl_is_business_day, series, pl_mask, hol))
        rows.append(
            _row(
                "is_workday",
                "polars is_business_day",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )
    sample_dates = dates[:sample].tolist()
    cn = holidays.country_holidays("CN", years=range(2014, 2027))
    wa = China()
    peers: dict[str, Callable[[dt.date], bool]] = {
        "chinesecalendar loop": chinese_calendar.is_workday,
        "holidays loop": cn.is_working_day,
        "workalendar loop": _safe(wa.is_working_day),
    }
    for name, fn in peers.items():
        got_s, t, m = _loop(functools.partial(_apply_each, fn, sample_dates), sample, n)
        wrong = int((np.asarray(got_s) != expected[:sample]).sum())
        rows.append(
            _row(
                "is_workday",
                name,
                f"sample {sample:,}, scaled",
                f"{n:,}",
                t,
                t_limit,
                f"{wrong}/{sample:,}",
                m,
            )
        )
    return rows, ratio


def _walk(is_work: Callable[[dt.date], bool], day: dt.date, k: int) -> dt.date:
    while k:
        day += dt.timedelta(days=1)
        k -= bool(is_work(day))
    return day


def job_add_workdays(
    truth: Truth, n: int, sample: int, rng: np.random.Generator
) -> tuple[list[Row], float]:
    cal = WorkCalendar.china()
    lo, hi = (
        np.datetime64(LO, "D").astype(np.int64),
        np.datetime64(dt.date(2026, 11, 30), "D").astype(np.int64),
    )
    dates = rng.integers(lo, hi + 1, n).view("datetime64[D]")
    steps = rng.integers(1, 16, n)
    expected, t_limit, m_limit = measure(lambda: limit_add_workdays(truth, dates, steps))
    rows = [
        _row("add_workdays", "limit: count + gather", "-", f"{n:,}", t_limit, t_limit, 0, m_limit)
    ]
    got, t, m = measure(lambda: cal.add_workdays_many(dates, steps))
    twin = sum(
        cal.add_workdays(d, int(k)) != g
        for d, k, g in zip(
            dates[:sample].tolist(), steps[:sample], got[:sample].tolist(), strict=True
        )
    )
    rows.append(
        _row(
            "add_workdays",
            "jiesu add_workdays_many",
            f"twin≠{twin}",
            f"{n:,}",
            t,
            t_limit,
            int((got != expected).sum()),
            m,
        )
    )
    ratio = t / t_limit
    setups = {
        "obvious": ("1111100", "Mon Tue Wed Thu Fri", (True,) * 5 + (False,) * 2, truth.statutory),
        "correct": ("1111111", "Mon Tue Wed Thu Fri Sat Sun", (True,) * 7, truth.off),
    }
    series, nseries = pl.Series(dates), pl.Series(steps)
    for setup, (mask, pd_mask, pl_mask, hol) in setups.items():
        bcal = np.busdaycalendar(weekmask=mask, holidays=np.array(hol, dtype="datetime64[D]"))
        got, t, m = measure(functools.partial(_np_busday_offset, dates, steps, bcal))
        rows.append(
            _row(
                "add_workdays",
                "numpy busday_offset",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )

        def pandas_run(pd_mask: str = pd_mask, hol: list[dt.date] = hol) -> NDArray[Any]:
            index = pd.DatetimeIndex(dates)
            out = np.empty(n, dtype="datetime64[D]")
            for k in range(1, 16):  # one vectorized offset per distinct n, not per row
                rows_k = steps == k
                moved = index[rows_k] + k * pd.offsets.CustomBusinessDay(
                    weekmask=pd_mask, holidays=hol
                )
                out[rows_k] = moved.to_numpy().astype("datetime64[D]")
            return out

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, t, m = measure(pandas_run)
        rows.append(
            _row(
                "add_workdays",
                "pandas + k*CustomBusinessDay",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )
        got, t, m = measure(functools.partial(_pl_add_business_days, series, nseries, pl_mask, hol))
        rows.append(
            _row(
                "add_workdays",
                "polars add_business_days",
                setup,
                f"{n:,}",
                t,
                t_limit,
                int((got != expected).sum()),
                m,
            )
        )
    sample_dates, sample_n = dates[:sample].tolist(), steps[:sample].tolist()
    cn = holidays.country_holidays("CN", years=range(2014, 2028))
    wa = China()
    peers: dict[str, Callable[[dt.date, int], dt.date]] = {
        "chinesecalendar loop": lambda d, k: _walk(chinese_calendar.is_workday, d, k),
        "holidays loop": lambda d, k: _walk(cn.is_working_day, d, k),
        "workalendar add_working_days": _safe(wa.add_working_days),
    }
    for name, fn in peers.items():
        got_s, t, m = _loop(
            functools.partial(_apply_pairs, fn, sample_dates, sample_n),
            sample,
            n,
        )
        wrong = int((np.asarray(got_s) != expected[:sample]).sum())
        rows.append(
            _row(
                "add_workdays",
                name,
                f"sample {sample:,}, scaled",
                f"{n:,}",
                t,
                t_limit,
                f"{wrong}/{sample:,}",
                m,
            )
        )
    return rows, ratio


def job_add_working_hours(
    truth: Truth, n: int, sample: int, rng: np.random.Generator
) -> tuple[list[Row], float]:
    cal = WorkCalendar.china()
    lo = int(pendulum.datetime(2015, 1, 1, tz="UTC").timestamp())
    hi = int(pendulum.datetime(2026, 11, 30, tz="UTC").timestamp())
    utc_s = rng.integers(lo, hi, n)
    stamps = utc_s.view("datetime64[s]")
    expected_s, t_limit, m_limit = measure(lambda: limit_add_hours(truth, utc_s, 24))
    expected = expected_s.view("datetime64[s]").astype("datetime64[us]")
    rows = [
        _row(
            "add_working_hours",
            "limit: position + searchsorted",
            "-",
            f"{n:,}",
            t_limit,
            t_limit,
            0,
            m_limit,
        )
    ]
    got, t, m = measure(lambda: cal.add_working_hours_many(stamps, 24))
    twin = sum(
        cal.add_working_hours(pendulum.from_timestamp(int(s), tz="UTC"), 24)
        != pendulum.instance(g.astype(dt.datetime), tz="UTC")
        for s, g in zip(utc_s[:sample], got[:sample], strict=True)
    )
    rows.append(
        _row(
            "add_working_hours",
            "jiesu add_working_hours_many",
            f"twin≠{twin}",
            f"{n:,}",
            t,
            t_limit,
            int((got != expected).sum()),
            m,
        )
    )
    ratio = t / t_limit
    local = pd.DatetimeIndex(stamps[:sample] + np.timedelta64(8, "h"))
    for setup, (mask, hol) in {
        "obvious": ("Mon Tue Wed Thu Fri", truth.statutory),
        "correct": ("Mon Tue Wed Thu Fri Sat Sun", truth.off),
    }.items():
        offset = pd.offsets.CustomBusinessHour(
            n=24,
            start=["09:00", "13:30"],
            end=["12:00", "17:30"],
            weekmask=mask,  # type: ignore[call-arg]  # the stubs miss CustomBusinessHour's weekmask
            holidays=hol,
        )

        def pandas_run(k: int, offset: pd.offsets.CustomBusinessHour = offset) -> NDArray[Any]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                moved = local[:k] + offset
            return np.asarray(moved.to_numpy().astype("datetime64[us]")) - np.timedelta64(8, "h")

        got_s, t, m = _loop(pandas_run, sample, n)
        # pandas lands on the next opening where the time runs out at a closing (12:00 -> 13:30, 17:30 ->
        # next day 09:00): judge it by the working time it counted, which must be exactly 24 hours
        counted = cal.working_time_between_many(stamps[:sample], np.asarray(got_s))
        wrong = int((counted != np.timedelta64(24, "h")).sum())
        rows.append(
            _row(
                "add_working_hours",
                "pandas CustomBusinessHour",
                f"{setup}, sample {sample:,}, scaled",
                f"{n:,}",
                t,
                t_limit,
                f"{wrong}/{sample:,}",
                m,
            )
        )
    return rows, ratio


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; return 1 when a target or a correctness check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # workalendar warns on every call outside 2018-2023
    sizes = (50_000, 5_000, 5_000, 100) if args.quick else (10_000_000, 1_000_000, 1_000_000, 3_000)
    rng = np.random.default_rng(12345)
    truth = Truth()
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    for job, fn, n in (
        ("is_workday", job_is_workday, sizes[0]),
        ("add_workdays", job_add_workdays, sizes[1]),
        ("add_working_hours", job_add_working_hours, sizes[2]),
    ):
        job_rows, ratios[job] = fn(truth, n, sizes[3], rng)
        rows.extend(job_rows)
    header = ["job", "implementation", "setup", "rows", "seconds", "× limit", "wrong", "peak MiB"]
    print_table(
        "China working calendar (调休): jiesu vs peers" + (" [quick]" if args.quick else ""),
        header,
        rows,
    )
    ok = True
    print("\ntargets (jiesu / limit):")
    for job, target in TARGETS.items():
        passed = ratios[job] <= target
        ok &= passed
        print(
            f"  {job}: {ratios[job]:.2f}× (target ≤ {target:.0f}×) {'met' if passed else 'MISSED'}"
        )
    jiesu_rows = [r for r in rows if r[1].startswith("jiesu")]
    correct = all(r[6] == "0" and r[2] == "twin≠0" for r in jiesu_rows)
    print(
        f"  jiesu wrong results: 0 and every result equal to its scalar twin: {'yes' if correct else 'NO'}"
    )
    return 0 if (correct and (ok or args.quick)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
