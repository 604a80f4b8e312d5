"""Generate ``jiesu/calendar/data/statutory.csv``: the lunar and solar-term holiday dates, 2025-2100.

The statutory fallback of :class:`jiesu.calendar.WorkCalendar` (``beyond_coverage="statutory"``) needs,
for every year past the last bundled notice, the dates of 除夕 (the last day of the twelfth lunar month),
春节 (lunar 1/1), 清明 (the Qingming solar term, Beijing time), 端午 (lunar 5/5) and 中秋 (lunar 8/15).
jiesu's core has no lunar-calendar dependency, so the dates are computed once here with lunar-python
(PyPI ``lunar-python``, 6tail/lunar-python, MIT; the version is written into the file) and bundled as a
small CSV. ``tests/calendar/test_calendar_statutory.py`` recomputes every date from the library.

Run: ``.venv/bin/python benchmarks/statutory_dates.py`` (``--check`` only compares with the bundled file).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py shadows the standard library's ``calendar`` (imported by importlib.metadata):
# take this script's folder off the search path before anything else is imported.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE]

import argparse  # noqa: E402 - after the path fix above
import datetime as dt  # noqa: E402 - after the path fix above
import importlib.metadata  # noqa: E402 - after the path fix above

from lunar_python import Lunar  # noqa: E402 - after the path fix above

FIRST_YEAR, LAST_YEAR = 2025, 2100
TARGET = (
    Path(__file__).resolve().parents[1] / "src" / "jiesu" / "calendar" / "data" / "statutory.csv"
)
COLUMNS = ("year", "除夕", "春节", "清明", "端午", "中秋")


def _solar(lunar: Lunar) -> dt.date:
    solar = lunar.getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def festival_dates(year: int) -> tuple[dt.date, dt.date, dt.date, dt.date, dt.date]:
    """(除夕, 春节, 清明, 端午, 中秋) of a Gregorian year, from lunar-python."""
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    qingming_solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    qingming = dt.date(qingming_solar.getYear(), qingming_solar.getMonth(), qingming_solar.getDay())
    dates = (
        new_year - dt.timedelta(days=1),
        new_year,
        qingming,
        _solar(Lunar.fromYmd(year, 5, 5)),
        _solar(Lunar.fromYmd(year, 8, 15)),
    )
    if any(d.year != year for d in dates):  # pragma: no cover - a guard on the library's answer
        msg = f"{year}: a festival falls outside the year: {dates}"
        raise RuntimeError(msg)
    return dates


def render() -> str:
    """The CSV text, with a header citing the library and its version."""
    version = importlib.metadata.version("lunar-python")
    lines = [
        "# Lunar and solar-term dates of the statutory holidays (《全国年节及纪念日放假办法》, 2025 revision,",
        "# 国务院令第795号): 除夕 = last day of the 12th lunar month, 春节 = lunar 1/1, 清明 = the Qingming",
        "# solar term (Beijing time), 端午 = lunar 5/5, 中秋 = lunar 8/15.",
        f"# Computed with lunar-python {version} (PyPI lunar-python; github.com/6tail/lunar-python, MIT)",
        "# by benchmarks/statutory_dates.py; tests/calendar/test_calendar_statutory.py recomputes every date.",
        ",".join(COLUMNS),
    ]
    lines.extend(
        ",".join([str(year), *(d.isoformat() for d in festival_dates(year))])
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, compare) the bundled table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the bundled file")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = TARGET.read_text(encoding="utf-8") == text
        sys.stdout.write(f"{TARGET.name}: {'up to date' if same else 'DIFFERS'}\n")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET} ({LAST_YEAR - FIRST_YEAR + 1} years)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
