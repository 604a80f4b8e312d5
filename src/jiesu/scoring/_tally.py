"""Mergeable counts (可合并计数) per unit, period and category."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.errors import ValidationError
from jiesu.scoring._scorecard import Scorecard, key_index, mean_of_monthly, score
from jiesu.scoring._states import COUNT_INDEX as _C
from jiesu.scoring._states import COUNTS, N_COUNTS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jiesu.scoring._data import Adjustment
    from jiesu.scoring._rules import Rules

__all__ = ["Tally"]

IntArray = npt.NDArray[np.int64]


def _label_array(values: Iterable[Any] | npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr = np.asarray(values if isinstance(values, np.ndarray) else list(values))
    if arr.dtype == object:
        arr = arr.astype(str)
    return arr


@attrs.frozen(eq=False)
class Tally:
    """Mergeable counts per unit, period and category (可合并计数): one column per :data:`COUNTS` entry.

    ``a + b`` adds counts key by key; it is associative and commutative and ``Tally.empty()`` is its
    identity, so chunks, processes or a distributed engine give the same numbers as one pass. Keys are
    kept sorted, so equal tallies compare equal. Rules enter only when scoring (:meth:`scores`).

    Attributes:
        units: Unit code of each row.
        periods: Period label of each row.
        categories: Category label of each row (``""`` when not split).
        counts: ``(rows, 9)`` integer counts, one column per :data:`COUNTS` entry.

    Examples:
        >>> import numpy as np
        >>> a = Tally.from_counts(["S01"], ["2025-03"], [{"tickets": 3, "answered": 3, "solved": 2}])
        >>> b = Tally.from_counts(["S01"], ["2025-03"], [{"tickets": 1, "unreachable": 1}])
        >>> (a + b).row("S01", "2025-03")["tickets"], (a + b) == (b + a)
        (4, True)
    """

    units: npt.NDArray[Any]
    periods: npt.NDArray[Any]
    categories: npt.NDArray[Any]
    counts: IntArray

    @classmethod
    def empty(cls) -> Tally:
        """The empty tally (空计数), identity of ``+``."""
        return cls(
            np.array([], dtype=str),
            np.array([], dtype=str),
            np.array([], dtype=str),
            np.zeros((0, N_COUNTS), dtype=np.int64),
        )

    @classmethod
    def from_keys(
        cls,
        units: npt.NDArray[Any],
        periods: npt.NDArray[Any],
        categories: npt.NDArray[Any] | None,
        counts: IntArray,
    ) -> Tally:
        """Build a tally from possibly repeated keys, adding their counts (rows need not be sorted).

        Args:
            units: Unit code per row.
            periods: Period label per row.
            categories: Category per row, or ``None``.
            counts: ``(rows, 9)`` counts (:data:`COUNTS`).

        Returns:
            The canonical tally (sorted, one row per key, no all-zero row).
        """
        keep = counts.any(axis=1)
        units, periods, counts = units[keep], periods[keep], counts[keep]
        if categories is None:  # not split: no category key to sort
            inverse, (u, p) = key_index(units, periods)
            c = np.full(len(u), "", dtype=str)
        else:
            inverse, (u, p, c) = key_index(units, periods, categories[keep])
        summed = np.zeros((len(u), N_COUNTS), dtype=np.int64)
        if len(u) == len(inverse):  # keys already unique (a group-by's output): only reorder
            summed[inverse] = counts
        else:
            np.add.at(summed, inverse, counts)
            nonzero = summed.any(axis=1)  # rows that cancel out (a correction) leave the tally
            if not nonzero.all():
                u, p, c, summed = u[nonzero], p[nonzero], c[nonzero], summed[nonzero]
        return cls(u, p, c, summed)

    @classmethod
    def from_counts(
        cls,
        units: Iterable[Any],
        periods: Iterable[Any],
        counts: Iterable[Mapping[str, int]],
        categories: Iterable[Any] | None = None,
    ) -> Tally:
        """Build a tally from per-key dictionaries of counts (计数).

        Args:
            units: Unit code per row.
            periods: Period label per row.
            counts: Per row, a mapping from a :data:`COUNTS` name to a count (missing names are 0).
            categories: Category per row (optional).

        Returns:
            The tally.

        Raises:
            ValidationError: A name is unknown, a count is negative, or the counts contradict each other
                (e.g. more solved than answered).
        """
        rows = []
        for i, row in enumerate(counts):
            vector = np.zeros(N_COUNTS, dtype=np.int64)
            for name, count in row.items():
                if name not in _C:
                    raise ValidationError(
                        f"unknown count; allowed: {', '.join(COUNTS)}",
                        field=f"counts[{i}]",
                        value=name,
                    )
                if count < 0:
                    raise ValidationError(
                        "must not be negative", field=f"counts[{i}].{name}", value=count
                    )
                vector[_C[name]] = count
            _check_counts(vector, i)
            rows.append(vector)
        matrix = np.array(rows, dtype=np.int64).reshape(-1, N_COUNTS)
        cats = None if categories is None else _label_array(categories)
        return cls.from_keys(_label_array(units), _label_array(periods), cats, matrix)

    def __add__(self, other: object) -> Tally:
        """Merge two tallies (合并): counts of equal keys add."""
        if not isinstance(other, Tally):
            return NotImplemented
        if not len(other.units):
            return self
        if not len(self.units):
            return other
        return Tally.from_keys(
            np.concatenate([self.units, other.units]),
            np.concatenate([self.periods, other.periods]),
            np.concatenate([self.categories, other.categories]),
            np.concatenate([self.counts, other.counts]),
        )

    def __eq__(self, other: object) -> bool:
        """Equal keys and equal counts."""
        if not isinstance(other, Tally):
            return NotImplemented
        return (
            len(self.units) == len(other.units)
            and bool(np.array_equal(self.units, other.units))
            and bool(np.array_equal(self.periods, other.periods))
            and bool(np.array_equal(self.categories, other.categories))
            and bool(np.array_equal(self.counts, other.counts))
        )

    __hash__ = None  # type: ignore[assignment] # mutable arrays inside: not hashable

    def __len__(self) -> int:
        """The number of keys."""
        return len(self.units)

    def __repr__(self) -> str:
        """Show size, counted tickets and excluded tickets."""
        tickets, excluded = (int(self.counts[:, _C[k]].sum()) for k in ("tickets", "excluded"))
        return f"Tally(keys={len(self)}, tickets={tickets}, excluded={excluded})"

    def row(self, unit: Any, period: Any, category: Any = "") -> dict[str, int]:  # noqa: ANN401 - labels of any type
        """The counts of one key by name (:data:`COUNTS`), all zero when the key is absent."""
        hit = np.flatnonzero(
            (self.units == unit) & (self.periods == period) & (self.categories == category)
        )
        vector = self.counts[hit].sum(axis=0) if len(hit) else np.zeros(N_COUNTS, dtype=np.int64)
        return {name: int(v) for name, v in zip(COUNTS, vector, strict=True)}

    def by_unit_period(self) -> Tally:
        """Sum over categories (合并类别): one row per unit and period."""
        return Tally.from_keys(self.units, self.periods, None, self.counts)

    def relabel(self, period: Any) -> Tally:  # noqa: ANN401 - labels of any type
        """Pool every period under one label (合并周期), e.g. ``"2025-H1"``."""
        labels = np.full(len(self.units), period)
        return Tally.from_keys(self.units, labels, self.categories, self.counts)

    def scores(
        self,
        rules: Rules,
        *,
        kinds: Mapping[Any, Any] | None = None,
        population: Mapping[Any, int] | None = None,
        adjustments: Iterable[Adjustment] = (),
        area_volume: Mapping[Any, int] | None = None,
    ) -> Scorecard:
        """Score every key (打分): three rates, composite, rank within group, grade, 万人诉求量.

        Args:
            rules: The rules.
            kinds: Unit code → unit kind (a ``UnitKind``, its code, or a ``jiesu.model.Unit``) for ranking
                groups; without it every unit is ranked in one group ``"all"``.
            population: Unit code → resident population of the unit's area, for 万人诉求量.
            adjustments: Bonuses and deductions per unit and period.
            area_volume: Complaints located in (or about) each unit's area (诉求量 by territory), keyed
                by ``(unit, period)`` or by unit: a street's complaints for the street, all the
                district's complaints for the district (see :func:`area_volume_many`).

        Returns:
            The scorecard. 万人诉求量 (``per_10k``) is the area's complaints ÷ its population × 10,000;
            ``per_10k_led`` is (counted + excluded tickets the unit led) ÷ population × 10,000; both
            rounded half-up to the rules' places (assumed formulas: the notices give no arithmetic).

        Raises:
            ValidationReport: An adjustment names a unit and period the tally does not have.
            ValidationError: ``kinds`` lacks a unit of the tally, or an area volume is not a count.
        """
        return score(
            self,
            rules,
            kinds=kinds,
            population=population,
            adjustments=tuple(adjustments),
            area_volume=area_volume,
        )

    def combine_periods(
        self,
        rules: Rules,
        *,
        label: Any,  # noqa: ANN401 - labels of any type
        kinds: Mapping[Any, Any] | None = None,
        population: Mapping[Any, int] | None = None,
    ) -> Scorecard:
        """Score several periods as one (多月合并) the way :attr:`Rules.combine` says.

        ``pooled`` adds the counts and scores them once; ``mean_of_monthly`` scores each period and takes
        the mean of the rated periods' rates and composites (rounded by the rules).

        Args:
            rules: The rules.
            label: The combined period's label.
            kinds: As in :meth:`scores`.
            population: As in :meth:`scores`.

        Returns:
            One row per unit (and category).
        """
        if rules.combine == "pooled":
            return self.relabel(label).scores(rules, kinds=kinds, population=population)
        return mean_of_monthly(self, rules, label=label, kinds=kinds, population=population)


def _check_counts(vector: IntArray, row: int) -> None:
    c = {name: int(vector[i]) for name, i in _C.items()}
    rules = (
        ("answered", c["answered"] + c["unreachable"] + c["refused"], c["tickets"], "tickets"),
        ("contacted", c["contacted"], c["answered"], "answered"),
        ("solved", c["solved"], c["answered"], "answered"),
        ("satisfied", c["satisfied"] + c["basically_satisfied"], c["answered"], "answered"),
    )
    for name, part, whole, whole_name in rules:
        if part > whole:
            raise ValidationError(
                f"exceeds {whole_name} ({whole})", field=f"counts[{row}].{name}", value=part
            )
