"""The two-way whistle-and-report scorecard (吹哨报到双向评价): departments by their reports, streets by theirs.

Under 吹哨报到 ([BJ-Reg] Art. 33) a street or township summons departments to a local problem and both
sides are rated. This module reads the whistles, reports and ratings of :class:`jiesu.model.Ticket`
histories (not a dataframe: the events live in the tickets).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs

from jiesu.errors import ValidationError
from jiesu.model import Duration, Ticket, TimeUnit

__all__ = [
    "DEFAULT_REPORT_WITHIN",
    "DepartmentWhistleCard",
    "StreetWhistleCard",
    "WhistleScorecard",
    "whistle_scorecard",
]

DEFAULT_REPORT_WITHIN: Final = "30m"
"""The default time a summoned department has to report (报到时限): 30 natural minutes.

Assumed (practice, not an official text: [BJ-Reg] Art. 33 sets no limit); pass ``report_within`` to
:func:`whistle_scorecard` to use another.
"""

_MINUTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:m|min|分钟)\s*$")
_MAX_MINUTES: Final = 1e6
_HOURS: Final = {TimeUnit.NATURAL_HOURS: 1, TimeUnit.NATURAL_DAYS: 24}


@attrs.frozen
class DepartmentWhistleCard:
    """A summoned department's row (部门报到评价): how it answered whistles and how streets rated it.

    Attributes:
        unit: The department's unit code.
        summoned: How many times a whistle summoned it (召集次数; one per whistle naming it).
        reported: How many of those summonses it answered (报到次数).
        reported_on_time: How many reports came within the report limit of their whistle (按时报到).
        report_rate: ``reported`` ÷ ``summoned`` in %, 2 decimals half-up (报到率); ``None`` if never
            summoned.
        on_time_rate: ``reported_on_time`` ÷ ``reported`` in %, 2 decimals half-up (按时报到率);
            ``None`` if it never reported.
        rating_count: How many ratings streets gave it (被评价次数).
        mean_rating: The mean of those scores, 2 decimals half-up (平均得分); ``None`` if unrated.
    """

    unit: str
    summoned: int
    reported: int
    reported_on_time: int
    report_rate: Decimal | None
    on_time_rate: Decimal | None
    rating_count: int
    mean_rating: Decimal | None


@attrs.frozen
class StreetWhistleCard:
    """A whistling street's or township's row (街乡吹哨评价): its whistles and how departments rated it.

    Attributes:
        unit: The street's or township's unit code.
        whistles: How many whistles it blew (吹哨次数).
        departments_summoned: How many summonses those whistles sent (召集部门次数): one per department
            per whistle, so a department summoned by two whistles counts twice.
        rating_count: How many ratings the departments gave it (被评价次数).
        mean_rating: The mean of those scores, 2 decimals half-up (平均得分); ``None`` if unrated.
    """

    unit: str
    whistles: int
    departments_summoned: int
    rating_count: int
    mean_rating: Decimal | None


@attrs.frozen
class WhistleScorecard:
    """The two-way whistle-and-report scorecard (吹哨报到双向评价): both tables, sorted by unit code.

    Attributes:
        departments: One row per summoned department.
        streets: One row per whistling street or township.
        report_within: The report limit the on-time counts used (natural time).
    """

    departments: tuple[DepartmentWhistleCard, ...]
    streets: tuple[StreetWhistleCard, ...]
    report_within: dt.timedelta


def _limit(value: object) -> dt.timedelta:
    """The report limit as natural time: minutes (``"30m"``, ``"30 分钟"``), hours or days."""
    match = _MINUTES.match(value) if isinstance(value, str) else None
    if match is not None:
        minutes = float(match.group(1))
        if minutes >= _MAX_MINUTES:
            raise ValidationError("must be below 1e6 minutes", field="report_within", value=value)
        return dt.timedelta(minutes=minutes)
    try:
        duration = value if isinstance(value, Duration) else Duration.parse(value)
    except ValidationError:
        raise ValidationError(
            "must be natural time such as '30m', '2h' or '1d'", field="report_within", value=value
        ) from None
    hours = _HOURS.get(duration.unit)
    if hours is None:
        raise ValidationError(
            "must be natural time (minutes, hours or days); working time needs jiesu.calendar",
            field="report_within",
            value=str(duration),
        )
    return dt.timedelta(hours=duration.amount * hours)


def _tickets(tickets: object) -> list[Ticket]:
    if isinstance(tickets, (str, bytes)) or not isinstance(tickets, Iterable):
        raise ValidationError("must be a sequence of tickets", field="tickets", value=tickets)
    out: list[Ticket] = []
    seen: set[str] = set()
    for i, ticket in enumerate(tickets):
        if not isinstance(ticket, Ticket):
            raise ValidationError("must be a Ticket", field=f"tickets[{i}]", value=ticket)
        if ticket.id in seen:
            raise ValidationError(
                "repeats a ticket id (each ticket counts once)",
                field=f"tickets[{i}]",
                value=ticket.id,
            )
        seen.add(ticket.id)
        out.append(ticket)
    return out


def _ratio(part: int, whole: int, scale: int) -> Decimal | None:
    """``part / whole * scale`` rounded half-up to 2 decimals, exactly (integers only); ``None`` for 0/0."""
    if whole == 0:
        return None
    hundredths = (2 * part * scale * 100 + whole) // (2 * whole)
    return Decimal(hundredths).scaleb(-2)


@attrs.define
class _Tally:
    summoned: int = 0
    reported: int = 0
    on_time: int = 0
    whistles: int = 0
    sent: int = 0
    scores: list[int] = attrs.field(factory=list)


def whistle_scorecard(
    tickets: Iterable[Ticket], *, report_within: str | Duration = DEFAULT_REPORT_WITHIN
) -> WhistleScorecard:
    """The two-way whistle-and-report scorecard (吹哨报到双向评价) of a set of tickets.

    For each summoned department: how often it was summoned, how often it reported and in time, and
    the streets' ratings of it; for each whistling street or township: its whistles, the summonses they
    sent, and the departments' ratings of it. A department's reports answer its summonses first come,
    first served (as :attr:`jiesu.model.Ticket.whistle_summons`), and a report is on time when it comes
    no later than ``report_within`` after the whistle it answers. A rating whose rater whistled the ratee
    (which reported) is the street's rating of that department; any other is the department's rating of
    the street (a unit may whistle on one ticket and be summoned on another). Rates and means are exact decimals rounded half-up to 2 places; a count of
    0 gives ``None``, never 0 or NaN.

    Args:
        tickets: The tickets (each id once).
        report_within: The report limit in natural time: ``"30m"`` (minutes, also ``"30 分钟"``),
            ``"2h"``, ``"1d"`` or a natural :class:`~jiesu.model.Duration`. Assumed default: 30 minutes
            (:data:`DEFAULT_REPORT_WITHIN`).

    Returns:
        The scorecard; both tables sorted by unit code.

    Raises:
        ValidationError: ``tickets`` is not a sequence of tickets, repeats a ticket id, or
            ``report_within`` is not natural time.

    Examples:
        >>> import pendulum
        >>> from jiesu.model import (Complaint, Dispatch, Intake, SignFor, Ticket, Whistle,
        ...                          WhistleRating, WhistleReport)
        >>> t0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
        >>> t = Ticket(Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03"), [
        ...     Intake(t0), Dispatch(t0.add(hours=1), "S01"), SignFor(t0.add(hours=2), "S01"),
        ...     Whistle(t0.add(hours=3), "S01", ["D07", "D09"], "占道经营"),
        ...     WhistleReport(t0.add(hours=3, minutes=25), "D07"),
        ...     WhistleReport(t0.add(hours=4), "D09"),
        ...     WhistleRating(t0.add(hours=6), "S01", "D07", 5),
        ...     WhistleRating(t0.add(hours=6), "S01", "D09", 3),
        ...     WhistleRating(t0.add(hours=7), "D07", "S01", 4)])
        >>> card = whistle_scorecard([t])
        >>> [(d.unit, d.reported_on_time, d.on_time_rate, d.mean_rating) for d in card.departments]
        [('D07', 1, Decimal('100.00'), Decimal('5.00')), ('D09', 0, Decimal('0.00'), Decimal('3.00'))]
        >>> card.streets
        (StreetWhistleCard(unit='S01', whistles=1, departments_summoned=2, rating_count=1, mean_rating=Decimal('4.00')),)
        >>> whistle_scorecard([t], report_within="1h").departments[1].on_time_rate
        Decimal('100.00')
    """  # noqa: E501 - the doctest shows the whole row
    limit = _limit(report_within)
    departments: dict[str, _Tally] = {}
    streets: dict[str, _Tally] = {}
    for ticket in _tickets(tickets):
        for whistle in ticket.whistles:
            street = streets.setdefault(whistle.actor, _Tally())
            street.whistles += 1
            street.sent += len(whistle.departments)
        answered: set[tuple[str, str]] = set()
        for whistle, unit, report in ticket.whistle_summons:
            tally = departments.setdefault(unit, _Tally())
            tally.summoned += 1
            if report is not None:
                answered.add((whistle.actor, unit))
                tally.reported += 1
                tally.on_time += report.at - whistle.at <= limit
        for rating in ticket.whistle_ratings:
            side = departments if (rating.rater, rating.ratee) in answered else streets
            side[rating.ratee].scores.append(rating.score)
    return WhistleScorecard(
        departments=tuple(
            DepartmentWhistleCard(
                unit=unit,
                summoned=t.summoned,
                reported=t.reported,
                reported_on_time=t.on_time,
                report_rate=_ratio(t.reported, t.summoned, 100),
                on_time_rate=_ratio(t.on_time, t.reported, 100),
                rating_count=len(t.scores),
                mean_rating=_ratio(sum(t.scores), len(t.scores), 1),
            )
            for unit, t in sorted(departments.items())
        ),
        streets=tuple(
            StreetWhistleCard(
                unit=unit,
                whistles=t.whistles,
                departments_summoned=t.sent,
                rating_count=len(t.scores),
                mean_rating=_ratio(sum(t.scores), len(t.scores), 1),
            )
            for unit, t in sorted(streets.items())
        ),
        report_within=limit,
    )
