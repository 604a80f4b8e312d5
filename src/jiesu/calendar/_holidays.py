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
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from jiesu._loader import DATE, INT, TEXT, Doc, Reader, Table, parse_toml, read_toml
from jiesu.errors import DataFileError, Problem

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


def _fail(source: str, key: str, reason: str, value: object) -> DataFileError:
    return DataFileError(source, [Problem(source, key, value, reason)])


_YEAR_KEYS: Final = ("year", "workdays", "holidays", "notice", "amendments")
_NOTICE_KEYS: Final = ("title", "number", "issued", "published", "urls", "seen_at")
_AMENDMENT_KEYS: Final = (*_NOTICE_KEYS, "holidays", "add_workdays", "remove_workdays")
_SPAN_KEYS: Final = ("name", "en", "start", "end")


def _text(table: Table, key: str) -> str:
    return table.get(key, TEXT, "x")


def _texts(table: Table, key: str) -> tuple[str, ...]:
    return tuple(table.each(key, TEXT))


def _dates(table: Table, key: str, *, required: bool) -> tuple[dt.date, ...]:
    if key not in table and required:
        table.missing(key)
    return tuple(table.each(key, DATE))


def _spans(table: Table, key: str, *, required: bool) -> tuple[HolidaySpan, ...]:
    if key not in table and required:
        table.missing(key)
    spans = []
    for raw in table.tables(key):
        raw.check_keys(_SPAN_KEYS, required=_SPAN_KEYS)
        span = HolidaySpan(
            name=_text(raw, "name"),
            en=_text(raw, "en"),
            start=raw.get("start", DATE, None) or dt.date.min,
            end=raw.get("end", DATE, None) or dt.date.max,
        )
        if span.end < span.start:
            raw.problem("end", f"must not be before start {span.start}", span.end)
        spans.append(span)
    return tuple(spans)


def _notice(raw: Table) -> Notice:
    for key in ("title", "number", "issued", "urls"):
        if key not in raw:
            raw.missing(key)
    issued = raw.get("issued", DATE, dt.date.min)
    return Notice(
        title=_text(raw, "title"),
        number=_text(raw, "number"),
        issued=issued,
        published=raw.get("published", DATE, issued),
        urls=_texts(raw, "urls"),
        seen_at=_texts(raw, "seen_at"),
    )


def _amendments(root: Table, *, required: bool) -> tuple[Amendment, ...]:
    if "amendments" not in root and required:
        root.missing("amendments")
    result = []
    for raw in root.tables("amendments"):
        raw.check_keys(_AMENDMENT_KEYS)
        result.append(
            Amendment(
                notice=_notice(raw),
                holidays=_spans(raw, "holidays", required=False),
                add_workdays=_dates(raw, "add_workdays", required=False),
                remove_workdays=_dates(raw, "remove_workdays", required=False),
            )
        )
    return tuple(result)


def _sane_year(year: int) -> str | None:
    if 1949 < year < 2200:  # noqa: PLR2004 - sane years
        return None
    return "must be an integer year between 1950 and 2199"


def _year(root: Table) -> int:
    return root.get("year", INT, check=_sane_year)


def _parse(doc: Doc, years: Mapping[int, NoticeYear]) -> NoticeYear:
    """One file: a new year (with a ``[notice]``) or amendments to a year in ``years``."""
    reader = Reader(doc)
    root = reader.root()
    source = doc.source
    if "notice" in root:
        root.check_keys(_YEAR_KEYS)
        notice = root.table("notice")
        notice.check_keys(_NOTICE_KEYS)
        year = NoticeYear(
            year=_year(root),
            notice=_notice(notice),
            original_holidays=_spans(root, "holidays", required=True),
            original_workdays=_dates(root, "workdays", required=True),
            amendments=_amendments(root, required=False),
            source=source,
        )
        reader.raise_if_any()
        if year.year in years:
            raise _fail(source, "year", "this year is already in the data", year.year)
        return year
    root.check_keys(("year", "amendments"))
    number = _year(root)
    amendments = _amendments(root, required=True)
    reader.raise_if_any()
    if number not in years:
        raise _fail(source, "year", "no notice for this year to amend", number)
    old = years[number]
    return attrs.evolve(old, amendments=old.amendments + amendments, source=source)


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
    texts = [(p.name, p.read_bytes()) for p in folder.iterdir() if _YEAR_FILE.match(p.name)]
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
        cls, texts: Iterable[tuple[str, str | bytes]], base: HolidayData | None = None
    ) -> HolidayData:
        """Build (or extend ``base``) from ``(source name, TOML text)`` pairs (加载数据).

        A file with a ``[notice]`` table adds a new year; a file with only ``year`` and ``[[amendments]]``
        appends amendments to a year already present.

        Raises:
            DataFileError: A file is not UTF-8, not TOML or malformed, a year is given twice, an amendment
                names an absent year, or the result breaks a rule (working days on weekends, outside spans;
                spans not overlapping).
        """
        years = {y.year: y for y in (base.years if base else ())}
        for source, text in texts:
            year = _parse(parse_toml(text, source=source), years)
            _check_year(year)
            years[year.year] = year
        data = cls(tuple(years[k] for k in sorted(years)))
        data._check_across()
        return data

    def with_file(self, path: str | Path) -> HolidayData:
        """Add a year or an amendment (补充年份或调整通知) from a user's TOML file.

        Raises:
            DataFileError: The file cannot be read or is malformed; every problem is listed as
                ``file:line: key: reason (got value)``.
        """
        path = Path(path)
        years = {y.year: y for y in self.years}
        year = _parse(read_toml(path, source=path.name), years)
        _check_year(year)
        years[year.year] = year
        data = HolidayData(tuple(years[k] for k in sorted(years)))
        data._check_across()
        return data

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
