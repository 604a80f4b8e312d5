"""What a rules file scores (考评指标): rate components, points rules, checklist items, frozen mappings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from jiesu.errors import RuleError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "BUILTIN_COMPONENTS",
    "DENOMINATORS",
    "INDICATORS",
    "ChecklistItem",
    "Component",
    "FrozenMap",
    "Grade",
    "PointsRule",
    "freeze",
    "to_decimal",
]

K = TypeVar("K")
V = TypeVar("V")

INDICATORS: Final = (
    "contacted",
    "solved",
    "satisfaction",
    "closed",
    "replied_on_time",
    "signed_on_time",
    "valid_callback",
    "returned",
    "overdue",
)
"""Per-ticket indicators a component counts (单项指标): 是否联系, 是否解决, 满意度, 办结, 按时办结/反馈, 及时签收,
有效回访, 退单, 超期."""

DENOMINATORS: Final = ("valid_callbacks", "dispatched", "closed")
"""What a rate is counted over (分母): valid callbacks (有效回访), dispatched tickets (派单), closed tickets (办结)."""


def to_decimal(value: object, *, field: str) -> Decimal:
    """Read a number from TOML or a caller exactly (floats by their shortest decimal form)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise RuleError("must be a number", field=field, value=value)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise RuleError("must be a number", field=field, value=value) from None
    if not number.is_finite():
        raise RuleError("must be a finite number", field=field, value=value)
    return number


class FrozenMap(Mapping[K, V]):
    """A read-only mapping (只读映射) that keeps its order, hashes, pickles and compares like a dict.

    Examples:
        >>> m = FrozenMap({"yes": 1})
        >>> m["yes"], m == {"yes": 1}, m
        (1, True, {'yes': 1})
        >>> m["yes"] = 2
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMap' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        """Copy ``data``; later changes to it do not reach the map."""
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        """The value of ``key``."""
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        """The keys in order."""
        return iter(self._data)

    def __len__(self) -> int:
        """The number of keys."""
        return len(self._data)

    def __hash__(self) -> int:
        """A hash of the items (values must be hashable)."""
        return hash(tuple(self._data.items()))

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same items."""
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        """Shown as the dict it holds."""
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        """Pickle as the class and a dict copy."""
        return (type(self), (dict(self._data),))


def freeze(value: Mapping[K, V]) -> FrozenMap[K, V]:
    """``value`` as a :class:`FrozenMap` (kept when it is one already)."""
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@attrs.frozen
class PointsRule:
    """A piecewise-linear rule (计分规则) that turns a rate in percent into points.

    ``points = min(cap, max(floor, slope × rate + offset))``, except that a rate below ``threshold``
    scores 0. The rate is the item's score: the rate itself, or ``100 − rate`` when lower is better.

    Attributes:
        slope: Points per percent point.
        offset: Points added after the slope (negative to start counting at a rate).
        floor: The fewest points at or above the threshold.
        cap: The most points, or ``None`` for no cap.
        threshold: A rate below this (percent) scores 0.

    Examples:
        >>> rule = PointsRule(slope=Decimal(1), offset=Decimal(-75))
        >>> rule.apply(Decimal("92.5")), rule.apply(Decimal(60))
        (Decimal('17.5'), Decimal('0'))
    """

    slope: Decimal = Decimal(1)
    offset: Decimal = Decimal(0)
    floor: Decimal = Decimal(0)
    cap: Decimal | None = None
    threshold: Decimal = Decimal(0)

    def apply(self, rate: Decimal) -> Decimal:
        """The points of ``rate`` (percent, 0..100), unrounded."""
        if rate < self.threshold:
            return Decimal(0)
        points = max(self.floor, self.slope * rate + self.offset)
        return points if self.cap is None else min(points, self.cap)


@attrs.frozen
class Component:
    """A scored rate (考评指标): its name, 中文 label, weight and how it is counted per ticket.

    Attributes:
        name: The key used in the rules file and in :meth:`Rules.composite`.
        label: The Chinese name, e.g. 办结率.
        weight: The weight in a weighted family, ``None`` in a points family or a bare declaration.
        indicator: The per-ticket indicator counted (one of :data:`INDICATORS`).
        denominator: What the rate is counted over (one of :data:`DENOMINATORS`).
        higher_is_better: ``False`` for rates such as 退单率, which score ``100 − rate``.
        threshold: In ``threshold-points``, a score below this (percent) counts 0.
        points: In the ``points`` family, the rule that turns the rate into points.

    Examples:
        >>> from jiesu.scoring import Rules
        >>> [(c.name, c.label, str(c.weight)) for c in Rules.preset("panjin-2023").components]
        [('closure', '办结率', '0.2'), ('satisfaction', '满意率', '0.3'), ('on_time_feedback', '按时反馈率', '0.25'), ('valid_callback', '有效回访率', '0.25')]
    """  # noqa: E501 - the doctest shows the whole list

    name: str
    label: str
    indicator: str
    denominator: str
    higher_is_better: bool = True
    weight: Decimal | None = None
    threshold: Decimal = Decimal(0)
    points: PointsRule | None = None

    def score(self, rate: Decimal) -> Decimal:
        """The item's score of a rate: the rate, or ``100 − rate`` when lower is better."""
        return rate if self.higher_is_better else Decimal(100) - rate


@attrs.frozen
class ChecklistItem:
    """A checklist item (检查项): fixed points when the item is satisfied, none otherwise.

    Attributes:
        name: The key used in the rules file and in :meth:`Rules.composite` (passed ``True`` or ``False``).
        label: The Chinese name, e.g. 按时报送总结.
        points: The points of a satisfied item.
    """

    name: str
    label: str
    points: Decimal


@attrs.frozen
class Grade:
    """A grade band (等级): units whose composite is at least ``min`` get ``label``.

    Attributes:
        label: The band's name, e.g. 先进 or 优秀.
        min: The lowest composite (inclusive, percent points) of the band.
    """

    label: str
    min: Decimal


def _builtin(
    name: str, label: str, indicator: str, denominator: str, *, higher: bool = True
) -> Component:
    return Component(name, label, indicator, denominator, higher_is_better=higher)


BUILTIN_COMPONENTS: Final[FrozenMap[str, Component]] = FrozenMap(
    (c.name, c)
    for c in (
        _builtin("response", "响应率", "contacted", "valid_callbacks"),
        _builtin("resolution", "解决率", "solved", "valid_callbacks"),
        _builtin("satisfaction", "满意率", "satisfaction", "valid_callbacks"),
        _builtin("closure", "办结率", "closed", "dispatched"),
        _builtin("on_time_feedback", "按时反馈率", "replied_on_time", "dispatched"),
        _builtin("on_time_reply", "按时办结率", "replied_on_time", "dispatched"),
        _builtin("signed_on_time", "及时签收率", "signed_on_time", "dispatched"),
        _builtin("valid_callback", "有效回访率", "valid_callback", "closed"),
        _builtin("returned", "退单率", "returned", "dispatched", higher=False),
        _builtin("overdue", "超期率", "overdue", "dispatched", higher=False),
    )
)
"""Components a rules file may weight without declaring them (内置指标), by name."""
