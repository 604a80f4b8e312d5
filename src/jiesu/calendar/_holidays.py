"""Holiday data (节假日数据): the State Council's yearly notices, their amendments, and the loader.

One TOML file per notice year is bundled in ``jiesu/calendar/data``. Each file cites its notice (title,
document number, issue date, addresses) and lists the notice's holiday spans and adjusted working days
(调休上班) *as first issued*; later amendments are their own cited ``[[amendments]]`` entries that replace
a span of the same name (or add one) and add or remove working days. The calendar in force is the notice
with every amendment applied. Everything is indexed by date: a notice's days can fall in the previous
calendar year (2011-12-31 belongs to the 2012 notice).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from jiesu.errors import DataFormatError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Amendment", "HolidayData", "HolidaySpan", "Notice", "NoticeYear"]

_SATURDAY = 5


@attrs.frozen
class HolidaySpan:
    """A holiday span (放假区间) named in a notice: first and last day off, both inclusive.

    Attributes:
        name: The holiday's name as the notice gives it (e.g. ``"春节"``, ``"中秋节、国庆节"``).
        en: An English name.
        start: The first day off named in the notice.
        end: The last day off named in the notice.

    Examples:
        >>> import datetime as dt
        >>> span = HolidaySpan("春节", "Spring Festival", dt.date(2025, 1, 28), dt.date(2025, 2, 4))
        >>> span.days
        8
    """

    name: str
    en: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many calendar days the span covers (天数)."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        """Every date of the span (日期列表), in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]


@attrs.frozen
class Notice:
    """A notice that sets holidays (放假通知): its title, document number (文号), dates and addresses.

    Attributes:
        title: The notice's title.
        number: The document number, e.g. ``"国办发明电〔2024〕12号"``.
        issued: The date on the notice (成文日期).
        published: The date it was published, when known to differ; else the issue date.
        urls: Official addresses (gov.cn).
        seen_at: Other addresses where the text was read.
    """

    title: str
    number: str
    issued: dt.date
    published: dt.date
    urls: tuple[str, ...]
    seen_at: tuple[str, ...] = ()


@attrs.frozen
class Amendment:
    """A later notice changing a year already announced (调整通知), e.g. 2015, 2019, 2020.

    Attributes:
        notice: The amending notice, cited.
        holidays: Spans it sets: each replaces the span of the same name, or is added.
        add_workdays: Working days it adds.
        remove_workdays: Working days it cancels.
    """

    notice: Notice
    holidays: tuple[HolidaySpan, ...] = ()
    add_workdays: tuple[dt.date, ...] = ()
    remove_workdays: tuple[dt.date, ...] = ()


@attrs.frozen
class NoticeYear:
    """One notice year (年度安排): the notice as first issued and its amendments.

    Attributes:
        year: The year the notice is for.
        notice: The yearly notice, cited.
        original_holidays: The spans as first issued.
        original_workdays: The adjusted working days as first issued.
        amendments: Later changes, in issue order.
        source: Where the data was read from (file name).
    """

    year: int
    notice: Notice
    original_holidays: tuple[HolidaySpan, ...]
    original_workdays: tuple[dt.date, ...]
    amendments: tuple[Amendment, ...] = ()
    source: str = ""

    def in_force(
        self, as_of: dt.date | None = None
    ) -> tuple[tuple[HolidaySpan, ...], tuple[dt.date, ...]]:
        """The spans and working days in force (现行安排), with the amendments issued by ``as_of`` applied.

        Args:
            as_of: Apply only the amendments issued on or before this date; ``None`` applies all.

        Returns:
            ``(spans, workdays)``, spans in date order and working days sorted.
        """
        spans = {s.name: s for s in self.original_holidays}
        work = set(self.original_workdays)
        for amendment in self.amendments:
            if as_of is not None and amendment.notice.issued > as_of:
                continue
            for span in amendment.holidays:
                spans[span.name] = span
            work |= set(amendment.add_workdays)
            work -= set(amendment.remove_workdays)
        return tuple(sorted(spans.values(), key=lambda s: s.start)), tuple(sorted(work))

    @property
    def holidays(self) -> tuple[HolidaySpan, ...]:
        """The spans in force (现行放假区间), every amendment applied."""
        return self.in_force()[0]

    @property
    def workdays(self) -> tuple[dt.date, ...]:
        """The adjusted working days in force (现行调休上班日), every amendment applied."""
        return self.in_force()[1]


# --------------------------------------------------------------------------------------------- parsing


def _fail(source: str, key: str, reason: str, value: object) -> DataFormatError:
    return DataFormatError(reason, field=f"{source}: {key}", value=value)


def _get(table: Mapping[str, Any], key: str, source: str, prefix: str = "") -> Any:  # noqa: ANN401 - raw TOML
    if key not in table:
        raise _fail(source, prefix + key, "missing key", None)
    return table[key]


def _date(value: object, source: str, key: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(source, key, "must be a TOML date such as 2025-01-01", value)
    return value


def _text(value: object, source: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, key, "must be a non-empty string", value)
    return value


def _list(value: object, source: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(source, key, "must be an array", value)
    return value


def _dates(value: object, source: str, key: str) -> tuple[dt.date, ...]:
    items = _list(value, source, key)
    return tuple(_date(v, source, f"{key}[{i}]") for i, v in enumerate(items))


def _strings(value: object, source: str, key: str) -> tuple[str, ...]:
    items = _list(value, source, key)
    return tuple(_text(v, source, f"{key}[{i}]") for i, v in enumerate(items))


def _spans(value: object, source: str, key: str) -> tuple[HolidaySpan, ...]:
    spans = []
    for i, raw in enumerate(_list(value, source, key)):
        where = f"{key}[{i}]"
        if not isinstance(raw, dict):
            raise _fail(source, where, "must be a table with name, en, start and end", raw)
        span = HolidaySpan(
            name=_text(_get(raw, "name", source, f"{where}."), source, f"{where}.name"),
            en=_text(_get(raw, "en", source, f"{where}."), source, f"{where}.en"),
            start=_date(_get(raw, "start", source, f"{where}."), source, f"{where}.start"),
            end=_date(_get(raw, "end", source, f"{where}."), source, f"{where}.end"),
        )
        if span.end < span.start:
            raise _fail(source, f"{where}.end", f"must not be before start {span.start}", span.end)
        spans.append(span)
    return tuple(spans)


def _notice(raw: object, source: str, key: str) -> Notice:
    if not isinstance(raw, dict):
        raise _fail(source, key, "must be a table", raw)
    issued = _date(_get(raw, "issued", source, f"{key}."), source, f"{key}.issued")
    return Notice(
        title=_text(_get(raw, "title", source, f"{key}."), source, f"{key}.title"),
        number=_text(_get(raw, "number", source, f"{key}."), source, f"{key}.number"),
        issued=issued,
        published=_date(raw.get("published", issued), source, f"{key}.published"),
        urls=_strings(_get(raw, "urls", source, f"{key}."), source, f"{key}.urls"),
        seen_at=_strings(raw.get("seen_at", []), source, f"{key}.seen_at"),
    )


def _amendments(value: object, source: str) -> tuple[Amendment, ...]:
    result = []
    for i, raw in enumerate(_list(value, source, "amendments")):
        key = f"amendments[{i}]"
        if not isinstance(raw, dict):
            raise _fail(source, key, "must be a table", raw)
        result.append(
            Amendment(
                notice=_notice(raw, source, key),
                holidays=_spans(raw.get("holidays", []), source, f"{key}.holidays"),
                add_workdays=_dates(raw.get("add_workdays", []), source, f"{key}.add_workdays"),
                remove_workdays=_dates(
                    raw.get("remove_workdays", []), source, f"{key}.remove_workdays"
                ),
            )
        )
    return tuple(result)


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, "(file)", f"not valid TOML: {exc}", text[:60]) from None


def _year(raw: Mapping[str, Any], source: str) -> int:
    year = _get(raw, "year", source)
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:  # noqa: PLR2004 - sane years
        raise _fail(source, "year", "must be an integer year between 1950 and 2199", year)
    return year


def _parse_year(raw: Mapping[str, Any], source: str) -> NoticeYear:
    return NoticeYear(
        year=_year(raw, source),
        notice=_notice(_get(raw, "notice", source), source, "notice"),
        original_holidays=_spans(_get(raw, "holidays", source), source, "holidays"),
        original_workdays=_dates(_get(raw, "workdays", source), source, "workdays"),
        amendments=_amendments(raw.get("amendments", []), source),
        source=source,
    )


def _check_year(year: NoticeYear) -> None:
    """Check one year as in force: working days are weekend days outside every span; spans don't overlap."""
    spans, work = year.in_force()
    where = year.source
    for a, b in itertools.pairwise(spans):
        if b.start <= a.end:
            raise _fail(
                where, "holidays", f"span {b.name!r} overlaps span {a.name!r}", str(b.start)
            )
    for day in work:
        if day.weekday() < _SATURDAY:
            raise _fail(
                where, "workdays", "an adjusted working day must be a Saturday or Sunday", day
            )
        for span in spans:
            if span.start <= day <= span.end:
                raise _fail(where, "workdays", f"working day lies inside span {span.name!r}", day)
    for amendment in year.amendments:
        for day in amendment.remove_workdays:
            if day not in year.original_workdays:
                raise _fail(
                    where, "amendments.remove_workdays", "not a working day of the notice", day
                )


# ------------------------------------------------------------------------------------------ the data set

_YEAR_FILE = re.compile(r"^\d{4}\.toml$")


@functools.cache
def _bundled() -> HolidayData:
    folder = resources.files("jiesu.calendar") / "data"
    texts = [
        (p.name, p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if _YEAR_FILE.match(p.name)
    ]
    return HolidayData.from_texts(sorted(texts))


@attrs.frozen
class HolidayData:
    """The national holiday data set (全国节假日数据): every notice year, indexed by date.

    Build it with :meth:`bundled` (the years shipped with jiesu) and extend it with :meth:`with_file`
    (a user's own year or amendment) without touching the package.

    Attributes:
        years: The notice years, in year order.

    Examples:
        >>> data = HolidayData.bundled()
        >>> data.first_year, data.last_year
        (2010, 2026)
        >>> data.year(2020).amendments[0].notice.number
        '国办发明电〔2020〕1号'
        >>> import datetime as dt
        >>> data.span_of(dt.date(2018, 12, 30)).name
        '元旦'
    """

    years: tuple[NoticeYear, ...]

    @classmethod
    def bundled(cls) -> HolidayData:
        """The bundled data (内置数据): one notice year per file in ``jiesu/calendar/data`` (cached)."""
        return _bundled()

    @classmethod
    def from_texts(
        cls, texts: Iterable[tuple[str, str]], base: HolidayData | None = None
    ) -> HolidayData:
        """Build (or extend ``base``) from ``(source name, TOML text)`` pairs (加载数据).

        A file with a ``[notice]`` table adds a new year; a file with only ``year`` and ``[[amendments]]``
        appends amendments to a year already present.

        Raises:
            DataFormatError: A file is malformed, a year is given twice, an amendment names an absent year,
                or the result breaks a rule (working days on weekends, outside spans; spans not overlapping).
        """
        years = {y.year: y for y in (base.years if base else ())}
        for source, text in texts:
            raw = _read_toml(text, source)
            if "notice" in raw:
                year = _parse_year(raw, source)
                if year.year in years:
                    raise _fail(source, "year", "this year is already in the data", year.year)
            else:
                number = _year(raw, source)
                if number not in years:
                    raise _fail(source, "year", "no notice for this year to amend", number)
                old = years[number]
                year = attrs.evolve(
                    old,
                    amendments=old.amendments
                    + _amendments(_get(raw, "amendments", source), source),
                    source=source,
                )
            _check_year(year)
            years[year.year] = year
        data = cls(tuple(years[k] for k in sorted(years)))
        data._check_across()
        return data

    def with_file(self, path: str | Path) -> HolidayData:
        """Add a year or an amendment (补充年份或调整通知) from a user's TOML file.

        Raises:
            DataFormatError: The file cannot be read or is malformed (named by file, key and value).
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(
                str(path), "(file)", f"cannot be read: {exc.__class__.__name__}", str(path)
            ) from None
        return HolidayData.from_texts([(path.name, text)], base=self)

    def _check_across(self) -> None:
        spans = sorted(((s, y) for y in self.years for s in y.holidays), key=lambda p: p[0].start)
        for (a, _), (b, yb) in itertools.pairwise(spans):
            if b.start <= a.end:
                raise _fail(
                    yb.source, "holidays", f"span {b.name!r} overlaps span {a.name!r}", str(b.start)
                )
        work: dict[dt.date, str] = {}
        for y in self.years:
            for day in y.workdays:
                if day in work:
                    raise _fail(
                        y.source, "workdays", f"working day also listed in {work[day]}", day
                    )
                work[day] = y.source
        for span, _ in spans:
            for day in (d for d in work if span.start <= d <= span.end):
                raise _fail(
                    work[day], "workdays", f"working day lies inside span {span.name!r}", day
                )

    @property
    def first_year(self) -> int:
        """The first notice year (起始年份)."""
        return self.years[0].year

    @property
    def last_year(self) -> int:
        """The last notice year (最后年份)."""
        return self.years[-1].year

    def year(self, year: int) -> NoticeYear:
        """The notice year ``year`` (年度安排).

        Raises:
            KeyError: No notice for that year in the data.
        """
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def spans(self, as_of: dt.date | None = None) -> list[HolidaySpan]:
        """Every holiday span in force (放假区间), as of a date if given, in date order."""
        return sorted((s for y in self.years for s in y.in_force(as_of)[0]), key=lambda s: s.start)

    def workdays(self, as_of: dt.date | None = None) -> list[dt.date]:
        """Every adjusted working day in force (调休上班日), as of a date if given, sorted."""
        return sorted(d for y in self.years for d in y.in_force(as_of)[1])

    def span_of(self, day: dt.date) -> HolidaySpan | None:
        """The span containing ``day`` (所在假期), or ``None``."""
        for span in self.spans():
            if span.start <= day <= span.end:
                return span
        return None

    def notice_of(self, day: dt.date) -> Notice | None:
        """The notice (依据通知) that made ``day`` a day off or an adjusted working day, if any."""
        for year in self.years:
            for amendment in reversed(year.amendments):
                if (
                    any(s.start <= day <= s.end for s in amendment.holidays)
                    or day in amendment.add_workdays
                ):
                    return amendment.notice
            spans, work = year.in_force()
            if day in work or any(s.start <= day <= s.end for s in spans):
                return year.notice
        return None
