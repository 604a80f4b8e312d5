"""The scorecard (成绩单): exact rates, composites, ranks, grades and 万人诉求量 from a tally's counts."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.errors import Problem, RuleError, ValidationError, ValidationReport
from jiesu.model import Unit
from jiesu.scoring._rules import Points, Rules, require_three_rates
from jiesu.scoring._states import COUNT_INDEX as _C
from jiesu.scoring._states import N_COUNTS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jiesu.scoring._data import Adjustment
    from jiesu.scoring._tally import Tally

__all__ = ["Score", "Scorecard"]

IntArray = npt.NDArray[np.int64]


def _answer_vectors(
    rules: Rules,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], int]:
    """Per-count vectors of Python integers (object arrays, never overflowing), and their scale.

    The vectors give valid callbacks and the scaled response, resolution and satisfaction sums; the
    scale is the power of ten that makes every answer value an integer.
    """
    require_three_rates(rules)
    values = [*rules.response_values.values(), *rules.resolution_values.values()]
    values += list(rules.satisfaction_values.values())
    digits = max(max(-v.as_tuple().exponent, 0) for v in values)  # type: ignore[operator] # finite values
    scale = 10**digits

    def scaled(value: Decimal) -> int:
        return int(value.scaleb(digits))

    fail = {
        "unreachable": int(rules.unreachable == "failure"),
        "refused": int(rules.refused == "failure"),
    }

    def zeros() -> npt.NDArray[Any]:
        return np.array([0] * N_COUNTS, dtype=object)

    valid = zeros()
    valid[_C["answered"]] = 1
    vectors = []
    for key, yes, no in (
        ("contacted", rules.response_values["yes"], rules.response_values["no"]),
        ("solved", rules.resolution_values["yes"], rules.resolution_values["no"]),
    ):
        vec = zeros()
        vec[_C[key]] = scaled(yes) - scaled(no)
        vec[_C["answered"]] = scaled(no)
        vectors.append(vec)
    sat = zeros()
    dis = scaled(rules.satisfaction_values["dissatisfied"])
    sat[_C["answered"]] = dis
    sat[_C["satisfied"]] = scaled(rules.satisfaction_values["satisfied"]) - dis
    sat[_C["basically_satisfied"]] = scaled(rules.satisfaction_values["basically_satisfied"]) - dis
    for name, flag in fail.items():
        valid[_C[name]] = flag
        vectors[0][_C[name]] = flag * scaled(rules.response_values["no"])
        vectors[1][_C[name]] = flag * scaled(rules.resolution_values["no"])
        sat[_C[name]] = flag * dis
    return valid, vectors[0], vectors[1], sat, scale


_INT64_SAFE: Final = 1 << 62


def _fits_int64(counts: IntArray, vectors: tuple[npt.NDArray[Any], ...], *scales: int) -> bool:
    """Whether every intermediate of the scoring arithmetic stays within int64 (a generous bound).

    The largest is a weighted numerator: a count sum times a vector entry times the rate, weight and
    threshold scales. Rules with many decimals (1/3 written ``0.3333333333333333``) exceed it; the
    arithmetic then runs on Python integers, exact at any size.
    """
    top = int(counts.max()) + 1 if counts.size else 1
    bound = top * N_COUNTS * max(abs(int(v)) for vec in vectors for v in vec.tolist())
    for factor in scales:
        bound *= max(factor, 1)
    return bound * 8 < _INT64_SAFE


def _round_div(num: npt.NDArray[Any], den: npt.NDArray[Any], mode: str) -> IntArray:
    """``num / den`` rounded to an integer (half-up away from zero, or half-even); ``den > 0``.

    ``num`` and ``den`` are int64 or object arrays of Python integers (exact at any size); the quotient
    fits int64.
    """
    sign = np.where(num < 0, -1, 1)
    mag = np.abs(num)
    q = mag // den
    r = mag - q * den
    twice = 2 * r
    up = np.asarray(twice > den, dtype=bool)
    tie = np.asarray(twice == den, dtype=bool)
    up |= tie & (np.asarray(q % 2 == 1, dtype=bool) if mode == "half_even" else True)
    return np.asarray(sign * (q + up), dtype=np.int64)


def _scaled(value: Decimal, places: int, *, field: str) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise RuleError(f"must have at most {places} decimal places", field=field, value=str(value))
    return int(scaled)


def _ceil_scaled(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    integral = scaled.to_integral_value(rounding="ROUND_CEILING")
    return int(integral)


@attrs.frozen
class Score:
    """One unit's figures for one period (单位月度成绩).

    Attributes:
        unit: The unit code (承办单位).
        period: The period label (考核周期).
        category: The category label, ``""`` when the tally is not split by category.
        group: The ranking group, ``None`` when the unit's kind is not ranked.
        volume: Counted tickets (工单量), excluded ones not included.
        excluded: Tickets excluded by approved requests (剔除量).
        valid: Valid callbacks (有效回访量), the denominator of the three rates.
        response: 响应率 in percent, ``None`` when not rated.
        resolution: 解决率 in percent, ``None`` when not rated.
        satisfaction: 满意率 in percent, ``None`` when not rated.
        weighted: Weighted score before bonus and deduction, ``None`` when not rated.
        bonus: Bonus points applied (加分, after the cap).
        deduction: Deduction points applied (扣分, after the cap).
        composite: 综合成绩, ``None`` when not rated (never 0, never NaN).
        rank: Dense rank within period and group, ``None`` when not rated or not ranked.
        grade: Grade band (等级), ``None`` when not rated.
        per_10k: 万人诉求量 of the unit's area: the complaints located in the area (``area_volume``)
            per 10,000 residents, ``None`` without an area volume or a population for the unit.
        status: ``"rated"`` or ``"not rated: <why>"``.
        per_10k_led: The tickets the unit handled (counted and excluded) per 10,000 residents of its
            area (主办工单万人比), ``None`` without a population; not 万人诉求量.
    """

    unit: Any
    period: Any
    category: Any
    group: str | None
    volume: int
    excluded: int
    valid: int
    response: Points | None
    resolution: Points | None
    satisfaction: Points | None
    weighted: Points | None
    bonus: Points
    deduction: Points
    composite: Points | None
    rank: int | None
    grade: str | None
    per_10k: Points | None
    status: str
    per_10k_led: Points | None = None

    @property
    def rated(self) -> bool:
        """Whether the unit is rated (has enough valid callbacks)."""
        return self.status == "rated"


def key_index(*columns: npt.NDArray[Any]) -> tuple[IntArray, list[npt.NDArray[Any]]]:
    """Group rows by several key columns; return the inverse and the unique keys (sorted)."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64), [c[:0] for c in columns]
    code = np.zeros(n, dtype=np.int64)
    uniques = []
    for col in columns:
        if (col == col[0]).all():  # one value (no categories, one ranking group): nothing to sort
            uniq, inv = col[:1], np.zeros(n, dtype=np.int64)
        else:
            uniq, inv = np.unique(col, return_inverse=True)
        uniques.append(uniq)
        code = code * len(uniq) + inv
    keys, inverse = np.unique(code, return_inverse=True)
    out = []
    for uniq in reversed(uniques):
        keys, part = np.divmod(keys, len(uniq))
        out.append(uniq[part])
    return np.asarray(inverse, dtype=np.int64), out[::-1]


@attrs.frozen(eq=False)
class Scorecard:
    """Scores of every unit and period (成绩单), as columns; :meth:`rows` gives :class:`Score` objects.

    Integer columns hold exact values: rates and composites in units of ``10**-places`` percent, so ranks
    never depend on floating point. Rows that are not rated carry ``rated = False`` and no rate.

    Attributes:
        rules: The rules used.
        columns: Column name → numpy array (see :meth:`rows` for their meaning).
    """

    rules: Rules
    columns: dict[str, npt.NDArray[Any]]

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.columns["unit"])

    def __repr__(self) -> str:
        """Rules name and size."""
        return f"Scorecard(rules={self.rules.name!r}, rows={len(self)})"

    def _points(self, value: int) -> Points:
        return Points(Decimal(int(value)).scaleb(-self.rules.places))

    def rows(self) -> list[Score]:
        """One :class:`Score` per unit and period, sorted by period, group, rank, unit."""
        c = self.columns
        order = np.lexsort(
            (
                c["unit"],
                np.where(c["rated"], c["rank"], np.iinfo(np.int64).max),
                c["group"],
                c["period"],
            )
        )
        return [self._score_at(i) for i in order.tolist()]

    def _score_at(self, i: int) -> Score:
        c = self.columns
        rated = bool(c["rated"][i])

        def pts(name: str) -> Points | None:
            return self._points(c[name][i]) if rated else None

        return Score(
            unit=c["unit"][i].item(),
            period=c["period"][i].item(),
            category=c["category"][i].item(),
            group=str(c["group"][i]) or None,
            volume=int(c["volume"][i]),
            excluded=int(c["excluded"][i]),
            valid=int(c["valid"][i]),
            response=pts("response"),
            resolution=pts("resolution"),
            satisfaction=pts("satisfaction"),
            weighted=pts("weighted"),
            bonus=self._points(c["bonus"][i]),
            deduction=self._points(c["deduction"][i]),
            composite=pts("composite"),
            rank=int(c["rank"][i]) if rated and c["group"][i] != "" else None,
            grade=(str(c["grade"][i]) or None) if rated else None,
            per_10k=self._points(c["per_10k"][i]) if c["per_10k_known"][i] else None,
            status=str(c["status"][i]),
            per_10k_led=(self._points(c["per_10k_led"][i]) if c["per_10k_led_known"][i] else None),
        )

    def get(self, unit: Any, period: Any, category: Any = "") -> Score:  # noqa: ANN401 - labels of any type
        """The score of one unit and period (and category).

        Raises:
            ValidationError: No row has that key.
        """
        c = self.columns
        hit = np.flatnonzero(
            (c["unit"] == unit) & (c["period"] == period) & (c["category"] == category)
        )
        if not len(hit):
            raise ValidationError(
                "no such unit and period in the scorecard", field="unit", value=(unit, period)
            )
        return self._score_at(int(hit[0]))

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Columns for a table (成绩表): rates and composite as float64 masked where not rated (never NaN).

        Returns:
            ``unit, period, category, group, volume, excluded, valid, response, resolution, satisfaction,
            bonus, deduction, composite, rank, grade, per_10k, per_10k_led, status``; the float columns are
            :class:`numpy.ma.MaskedArray` masked where there is no value.
        """
        c = self.columns
        scale = 10.0**self.rules.places
        not_rated = ~c["rated"]
        out: dict[str, npt.NDArray[Any]] = {
            name: c[name]
            for name in ("unit", "period", "category", "group", "volume", "excluded", "valid")
        }
        for name in ("response", "resolution", "satisfaction", "composite"):
            out[name] = np.ma.masked_array(c[name] / scale, mask=not_rated)
        out["bonus"] = c["bonus"] / scale
        out["deduction"] = c["deduction"] / scale
        out["rank"] = np.ma.masked_array(c["rank"], mask=not_rated | (c["group"] == ""))
        out["grade"] = c["grade"]
        for name in ("per_10k", "per_10k_led"):
            out[name] = np.ma.masked_array(c[name] / scale, mask=~c[f"{name}_known"])
        out["status"] = c["status"]
        return out


def _tie_keys(rules: Rules, cols: Mapping[str, IntArray]) -> list[IntArray]:
    names = {"composite": "composite", "volume": "volume", "response": "response"}
    names |= {"resolution": "resolution", "satisfaction": "satisfaction"}
    return [cols[names[k]] for k in rules.tie_break]


def _dense_rank(
    partition: IntArray, keys: list[IntArray], eligible: npt.NDArray[np.bool_]
) -> IntArray:
    """Dense rank, best (largest keys) first, within each partition, over the eligible rows."""
    n = len(partition)
    rank = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(eligible)
    if not len(idx):
        return rank
    part = partition[idx]
    sort_keys = [-k[idx] for k in reversed(keys)]
    order = np.lexsort((*sort_keys, part))
    part_s = part[order]
    new_part = np.ones(len(order), dtype=bool)
    new_part[1:] = part_s[1:] != part_s[:-1]
    changed = new_part.copy()
    for k in keys:
        ks = k[idx][order]
        changed[1:] |= ks[1:] != ks[:-1]
    counter = np.cumsum(changed)
    start = np.maximum.accumulate(np.where(new_part, counter, 0))
    rank[idx[order]] = counter - start + 1
    return rank


def score(
    tally: Tally,
    rules: Rules,
    *,
    kinds: Mapping[Any, Any] | None,
    population: Mapping[Any, int] | None,
    adjustments: tuple[Adjustment, ...],
    area_volume: Mapping[Any, int] | None = None,
) -> Scorecard:
    n = len(tally)
    valid_v, resp_v, reso_v, sat_v, scale = _answer_vectors(rules)
    places = rules.places
    factor = 100 * 10**places
    w_digits = max(max(-w.as_tuple().exponent, 0) for _, w in rules.weights.items())  # type: ignore[operator] # finite
    w_scale = 10**w_digits
    vectors = (valid_v, resp_v, reso_v, sat_v)
    counts: npt.NDArray[Any] = tally.counts
    if _fits_int64(counts, vectors, scale, factor, w_scale, factor):
        valid_v, resp_v, reso_v, sat_v = (v.astype(np.int64) for v in vectors)
    else:  # exact on Python integers: a handful of rows per unit and period, never per ticket
        counts = counts.astype(object)
    volume = tally.counts[:, _C["tickets"]]
    excluded = tally.counts[:, _C["excluded"]]
    valid = np.asarray(counts @ valid_v, dtype=np.int64)
    rated = valid >= rules.min_valid_callbacks
    den = np.maximum(valid, 1).astype(counts.dtype) * scale
    nums = {
        "response": counts @ resp_v,
        "resolution": counts @ reso_v,
        "satisfaction": counts @ sat_v,
    }
    rates = {k: _round_div(v * factor, den, rules.rounding) for k, v in nums.items()}
    weighted_num = np.zeros(n, dtype=counts.dtype)
    for key, weight in rules.weights.items():
        w_int = int(weight.scaleb(w_digits))
        threshold = _scaled(getattr(rules.thresholds, key), places, field=f"thresholds.{key}")
        if rules.round_rates:
            passes = rates[key] >= threshold
            weighted_num = weighted_num + np.where(
                passes, w_int * rates[key].astype(counts.dtype), 0
            )
        else:
            passes = nums[key] * factor >= threshold * den
            weighted_num = weighted_num + np.where(passes, w_int * nums[key] * factor, 0)
    if rules.round_rates:
        weighted = _round_div(weighted_num, np.full(n, w_scale, dtype=counts.dtype), rules.rounding)
    else:
        weighted = _round_div(weighted_num, den * w_scale, rules.rounding)
    bonus = np.zeros(n, dtype=np.int64)
    deduction = np.zeros(n, dtype=np.int64)
    composite = weighted.copy()
    if adjustments:
        _apply_adjustments(
            tally,
            rules,
            adjustments=adjustments,
            weighted=weighted,
            bonus=bonus,
            deduction=deduction,
            composite=composite,
        )
    elif rules.clamp:
        composite = np.clip(composite, 0, 100 * 10**places)
    group = _groups(tally.units, rules, kinds)
    status = np.where(
        rated,
        "rated",
        np.where(
            valid == 0,
            "not rated: no valid callback",
            f"not rated: fewer than {rules.min_valid_callbacks} valid callbacks",
        ),
    )
    cols: dict[str, npt.NDArray[Any]] = {
        "unit": tally.units,
        "period": tally.periods,
        "category": tally.categories,
        "group": group,
        "volume": volume,
        "excluded": excluded,
        "valid": valid,
        **rates,
        "weighted": weighted,
        "bonus": bonus,
        "deduction": deduction,
        "composite": composite,
        "rated": rated,
        "status": status,
    }
    partition, _ = key_index(tally.periods, tally.categories, group)
    cols["rank"] = _dense_rank(partition, _tie_keys(rules, cols), rated & (group != ""))
    cols["grade"] = _grade_labels(rules, composite, rated)
    cols["per_10k_led"], cols["per_10k_led_known"] = _per_10k(
        tally.units, volume + excluded, population, places
    )
    cols["per_10k"], cols["per_10k_known"] = _per_10k(
        tally.units, _area_volume(tally, area_volume), population, places
    )
    return Scorecard(rules, cols)


def _grade_labels(
    rules: Rules, composite: IntArray, rated: npt.NDArray[np.bool_]
) -> npt.NDArray[Any]:
    mins = [_ceil_scaled(g.min, rules.places) for g in rules.grades]
    labels = np.array([g.label for g in rules.grades] + [""])
    band = np.full(len(composite), len(mins))
    for i in reversed(range(len(mins))):
        band = np.where(composite >= mins[i], i, band)
    return np.where(rated, labels[band], "")


def _groups(
    units: npt.NDArray[Any], rules: Rules, kinds: Mapping[Any, Any] | None
) -> npt.NDArray[Any]:
    if kinds is None:
        return np.full(len(units), "all")
    names = []
    for unit in units.tolist():
        if unit not in kinds:
            raise ValidationError("unit has no kind in the kinds table", field="kinds", value=unit)
        kind = kinds[unit]
        names.append(rules.group_of(kind.kind if isinstance(kind, Unit) else kind) or "")
    return np.array(names, dtype=str).reshape(len(units))


def _area_volume(tally: Tally, area_volume: Mapping[Any, int] | None) -> IntArray | None:
    """Complaints located in each row's area: by ``(unit, period)``, else by unit; -1 when unknown."""
    if not area_volume:
        return None
    out: list[object] = []
    for u, p in zip(tally.units.tolist(), tally.periods.tolist(), strict=True):
        v: object = area_volume.get((u, p), area_volume.get(u, -1))
        out.append(v)
        if not isinstance(v, int) or isinstance(v, bool) or v < -1:
            raise ValidationError(
                "must be a count of complaints (an integer ≥ 0)",
                field="area_volume",
                value=(u, p, v),
            )
    return np.array(out, dtype=np.int64).reshape(len(tally))


def _per_10k(
    units: npt.NDArray[Any],
    tickets: IntArray | None,
    population: Mapping[Any, int] | None,
    places: int,
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    if not population or tickets is None:  # no table: nothing to look up per row
        return np.zeros(len(units), dtype=np.int64), np.zeros(len(units), dtype=bool)
    pop = np.array([population.get(u, 0) for u in units.tolist()], dtype=np.int64).reshape(
        len(units)
    )
    known = (pop > 0) & (tickets >= 0)
    value = _round_div(np.maximum(tickets, 0) * 10_000 * 10**places, np.maximum(pop, 1), "half_up")
    return np.where(known, value, 0), known


def _apply_adjustments(
    tally: Tally,
    rules: Rules,
    *,
    adjustments: tuple[Adjustment, ...],
    weighted: IntArray,
    bonus: IntArray,
    deduction: IntArray,
    composite: IntArray,
) -> None:
    totals: dict[tuple[Any, Any], list[Decimal]] = {}
    for adj in adjustments:
        entry = totals.setdefault((adj.unit, adj.period), [Decimal(0), Decimal(0)])
        entry[0 if adj.kind == "bonus" else 1] += adj.points
    keys = list(zip(tally.units.tolist(), tally.periods.tolist(), strict=True))
    known = set(keys)
    unmatched = [
        Problem(i, "unit", (adj.unit, adj.period), "no such unit and period in the tally")
        for i, adj in enumerate(adjustments)
        if (adj.unit, adj.period) not in known
    ]
    if unmatched:
        raise ValidationReport(unmatched, total=len(adjustments))
    places = rules.places
    for i, key in enumerate(keys):
        got = totals.get(key, [Decimal(0), Decimal(0)])
        b = got[0] if rules.bonus_cap is None else min(got[0], rules.bonus_cap)
        d = got[1] if rules.deduction_cap is None else min(got[1], rules.deduction_cap)
        bonus[i] = int(rules.round(b).scaleb(places))
        deduction[i] = int(rules.round(d).scaleb(places))
        total = rules.adjust(
            Decimal(int(weighted[i])).scaleb(-places), bonus=got[0], deduction=got[1]
        )
        composite[i] = int(total.scaleb(places))


def mean_of_monthly(
    tally: Tally,
    rules: Rules,
    *,
    label: Any,  # noqa: ANN401 - labels of any type
    kinds: Mapping[Any, Any] | None,
    population: Mapping[Any, int] | None,
) -> Scorecard:
    monthly = tally.scores(rules, kinds=kinds, population=population).columns
    pooled = tally.relabel(label).scores(rules, kinds=kinds, population=population)
    cols = dict(pooled.columns)
    inverse, _ = key_index(monthly["unit"], monthly["category"])
    rated = monthly["rated"]
    n_rated = np.bincount(inverse, weights=rated, minlength=len(cols["unit"])).astype(np.int64)
    has = n_rated > 0
    for name in ("response", "resolution", "satisfaction", "weighted", "composite"):
        total = np.zeros(len(cols["unit"]), dtype=np.int64)
        np.add.at(total, inverse, np.where(rated, monthly[name], 0))
        cols[name] = _round_div(total, np.maximum(n_rated, 1), rules.rounding)
    cols["rated"] = has
    cols["status"] = np.where(has, "rated", "not rated: no rated period")
    group = cols["group"]
    partition, _ = key_index(cols["period"], cols["category"], group)
    cols["rank"] = _dense_rank(partition, _tie_keys(rules, cols), has & (group != ""))
    cols["grade"] = _grade_labels(rules, cols["composite"], has)
    return Scorecard(rules, cols)
