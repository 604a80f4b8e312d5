"""Scoring rules as data (考评规则): weights, answer values, policies, rounding, ranking and grades."""

from __future__ import annotations

import functools
import importlib.resources
import tomllib
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from jiesu.errors import RuleError
from jiesu.model import Kind, UnitKind

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Grade", "Points", "Rules", "Weights"]

Family = Literal["weighted", "threshold-points"]
CallbackPolicy = Literal["exclude", "failure"]
Timestamp = Literal["closed_at", "created_at"]
Attribution = Literal["lead", "lead_and_co_handlers"]
Combine = Literal["mean_of_monthly", "pooled"]
RoundingMode = Literal["half_up", "half_even"]

_FAMILIES: Final = ("weighted", "threshold-points")
_POLICIES: Final = ("exclude", "failure")
_TIMESTAMPS: Final = ("closed_at", "created_at")
_ATTRIBUTIONS: Final = ("lead", "lead_and_co_handlers")
_COMBINES: Final = ("mean_of_monthly", "pooled")
_ROUNDINGS: Final = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
_TIE_KEYS: Final = ("composite", "volume", "resolution", "satisfaction", "response")
RATES: Final = ("response", "resolution", "satisfaction")
YES_NO: Final = ("yes", "no")
SATISFACTION_CODES: Final = ("satisfied", "basically_satisfied", "dissatisfied")
_HUNDRED: Final = Decimal(100)
_MAX_PLACES: Final = 6


class Points(Decimal):
    """A score or rate in percent, exact to the rules' places (得分): a :class:`~decimal.Decimal`.

    It compares equal to a float written with the same digits (``Points("50.90") == 50.9``), so a
    published figure can be checked as it is printed; arithmetic returns plain ``Decimal``.

    Examples:
        >>> Points("50.90") == 50.9, Points("50.90") == Decimal("50.9"), str(Points("50.90"))
        (True, True, '50.90')
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        """Compare exactly, reading a float by its shortest decimal form."""
        if isinstance(other, float):
            return Decimal.__eq__(self, Decimal(repr(other)))
        return Decimal.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        """The negation of :meth:`__eq__`."""
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = Decimal.__hash__

    def __repr__(self) -> str:
        """``Points('50.90')``."""
        return f"Points('{self}')"


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


@attrs.frozen
class Weights:
    """One number per rate (三率权重 or 门槛): response 响应率, resolution 解决率, satisfaction 满意率.

    Attributes:
        response: For the response rate (响应率).
        resolution: For the resolution rate (解决率).
        satisfaction: For the satisfaction rate (满意率).
    """

    response: Decimal
    resolution: Decimal
    satisfaction: Decimal

    def items(self) -> tuple[tuple[str, Decimal], ...]:
        """The ``(rate, number)`` pairs in the order response, resolution, satisfaction."""
        return (
            ("response", self.response),
            ("resolution", self.resolution),
            ("satisfaction", self.satisfaction),
        )


@attrs.frozen
class Grade:
    """A grade band (等级): units whose composite is at least ``min`` get ``label``.

    Attributes:
        label: The band's name, e.g. 先进 or 优秀.
        min: The lowest composite (inclusive, percent points) of the band.
    """

    label: str
    min: Decimal


def _default_groups() -> dict[str, tuple[str, ...]]:
    return {
        "districts": ("district",),
        "streets_and_towns": ("street", "township"),
        "district_departments": ("district_department",),
        "municipal_departments": ("municipal_department",),
        "public_service": ("public_service",),
    }


def _zero_weights() -> Weights:
    return Weights(Decimal(0), Decimal(0), Decimal(0))


def _yes_no() -> dict[str, Decimal]:
    return {"yes": Decimal(1), "no": Decimal(0)}


def _satisfaction_values() -> dict[str, Decimal]:
    return {"satisfied": Decimal(1), "basically_satisfied": Decimal(1), "dissatisfied": Decimal(0)}


@attrs.frozen(eq=True, hash=False)
class Rules:
    """Scoring rules (考评规则): every parameter of a city's monthly three-rate evaluation, as data.

    Load a bundled preset with :meth:`preset` or a file with :meth:`from_toml`; change one value with
    :func:`attrs.evolve` (the result is checked again). Each field's default is the value of the
    ``beijing-2021`` reading; a preset's :attr:`assumed` lists which of its values are not confirmed.

    Attributes:
        name: The preset's name.
        title: A human title.
        source: The source the values come from (a key of the domain notes and what it says).
        assumed: The keys (``weights.response``, ``answers.satisfaction.basically_satisfied``…) whose
            values are assumed rather than confirmed.
        family: ``"weighted"`` (composite = Σ weight × rate) or ``"threshold-points"`` (an item whose rate
            is below its threshold scores 0).
        weights: Weights of the three rates (sum to 1).
        thresholds: Rate thresholds in percent for ``threshold-points`` (0 for ``weighted``).
        response_values: Value of each answer to 是否联系 (``yes``/``no``) in the response rate.
        resolution_values: Value of each answer to 是否解决 (``yes``/``no``) in the resolution rate.
        satisfaction_values: Value of 满意 / 基本满意 / 不满意 in the satisfaction rate.
        unreachable: Unreachable callback (无法联系): ``"exclude"`` leaves the denominator (default),
            ``"failure"`` counts it as a valid callback answering no / dissatisfied.
        refused: Refused callback (拒绝回访), same choices.
        period_timestamp: Which time selects a ticket's period: ``"closed_at"`` (default) or ``"created_at"``.
        period_start_day: The day of the month a period starts (1 = calendar month; 19 = the 19th of the
            previous month up to the 18th, as in one practice). Local wall time in :attr:`timezone`.
        timezone: The zone whose wall time defines periods (Asia/Shanghai).
        exclude_kinds: Request kinds (``Kind`` codes) that never count (default none).
        count_merged: Whether a ticket merged into another (并单) counts on its own (default no).
        exclusion_categories: Categories of approved exclusion requests (剔除) that remove a ticket.
        exclusion_approvers: Approvers whose decisions count (empty = any approver).
        bonus_cap: Largest total bonus (加分) per unit and period, points; ``None`` = no cap.
        deduction_cap: Largest total deduction (扣分) per unit and period, points; ``None`` = no cap.
        attribution: ``"lead"`` (主办 carries the score, default) or ``"lead_and_co_handlers"``.
        combine: Several months combine as ``"mean_of_monthly"`` composites or ``"pooled"`` counts.
        places: Decimal places of rates and composites (2).
        rounding: ``"half_up"`` (四舍五入, default) or ``"half_even"``.
        round_rates: Whether each rate is rounded to ``places`` before weighting (published figures are).
        clamp: Whether the composite is held within 0..100 after bonus and deduction.
        ranking_groups: Group name → unit kinds ranked together (districts, streets and towns…).
        tie_break: Keys ranked on, best first (composite, then ticket volume); equal keys share a rank.
        grades: Grade bands, highest first.
        min_valid_callbacks: Fewer valid callbacks than this and the unit is not rated (最少回访量).

    Examples:
        >>> rules = Rules.preset("beijing-2021")
        >>> rules.composite(response=98.05, resolution=36.26, satisfaction=41.97)
        Points('50.90')
        >>> "answers.satisfaction.basically_satisfied" in rules.assumed
        True
    """

    name: str = "custom"
    title: str = ""
    source: str = ""
    assumed: tuple[str, ...] = ()
    family: Family = "weighted"
    weights: Weights = Weights(Decimal("0.20"), Decimal("0.40"), Decimal("0.40"))
    thresholds: Weights = attrs.field(factory=_zero_weights)
    response_values: Mapping[str, Decimal] = attrs.field(factory=_yes_no)
    resolution_values: Mapping[str, Decimal] = attrs.field(factory=_yes_no)
    satisfaction_values: Mapping[str, Decimal] = attrs.field(factory=_satisfaction_values)
    unreachable: CallbackPolicy = "exclude"
    refused: CallbackPolicy = "exclude"
    period_timestamp: Timestamp = "closed_at"
    period_start_day: int = 1
    timezone: str = "Asia/Shanghai"
    exclude_kinds: tuple[str, ...] = ()
    count_merged: bool = False
    exclusion_categories: tuple[str, ...] = (
        "unreasonable",
        "malicious",
        "duplicate",
        "force_majeure",
    )
    exclusion_approvers: tuple[str, ...] = ()
    bonus_cap: Decimal | None = Decimal(2)
    deduction_cap: Decimal | None = Decimal(5)
    attribution: Attribution = "lead"
    combine: Combine = "mean_of_monthly"
    places: int = 2
    rounding: RoundingMode = "half_up"
    round_rates: bool = True
    clamp: bool = True
    ranking_groups: Mapping[str, tuple[str, ...]] = attrs.field(factory=_default_groups)
    tie_break: tuple[str, ...] = ("composite", "volume")
    grades: tuple[Grade, ...] = (
        Grade("先进", Decimal(90)),
        Grade("进步", Decimal(80)),
        Grade("整改", Decimal(60)),
        Grade("治理", Decimal(0)),
    )
    min_valid_callbacks: int = 1

    def __attrs_post_init__(self) -> None:
        """Check every value; raise :class:`~jiesu.errors.RuleError` naming the key and the value."""
        _check(self)

    # ----------------------------------------------------------------------------------------- loading
    @classmethod
    def preset(cls, name: str) -> Rules:
        """Load a bundled preset (预置规则) by name.

        Args:
            name: ``beijing-2021``, ``beijing-2025`` or ``threshold-points``.

        Returns:
            The rules.

        Raises:
            RuleError: No preset has that name; the message lists the names.

        Examples:
            >>> Rules.preset("beijing-2025").weights.resolution
            Decimal('0.5')
            >>> Rules.preset("beijing-2099")
            Traceback (most recent call last):
            ...
            jiesu.errors.RuleError: preset: unknown preset; available: beijing-2021, beijing-2025, threshold-points (got 'beijing-2099')
        """  # noqa: E501 - the doctest shows the whole message
        return _load_preset(name)

    @staticmethod
    def presets() -> tuple[str, ...]:
        """The names of the bundled presets (预置规则名).

        Examples:
            >>> Rules.presets()
            ('beijing-2021', 'beijing-2025', 'threshold-points')
        """
        return _preset_names()

    @classmethod
    def from_toml(cls, path: str | Path) -> Rules:
        """Load rules from a TOML file (规则文件) laid out like the bundled presets.

        Args:
            path: The file.

        Returns:
            The rules.

        Raises:
            RuleError: The file is missing, is not TOML, or a value is wrong (the key is named).
        """
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(
                f"cannot read the rules file: {exc.strerror}", field="path", value=str(path)
            ) from None
        return cls.from_toml_text(text, name=file.stem)

    @classmethod
    def from_toml_text(cls, text: str, *, name: str = "custom") -> Rules:
        r"""Load rules from TOML text (规则文本).

        Args:
            text: The TOML document.
            name: The name used when the document has no ``name``.

        Returns:
            The rules.

        Raises:
            RuleError: The text is not TOML or a value is wrong (the key is named).

        Examples:
            >>> Rules.from_toml_text('[weights]\nresponse = 0.2\nresolution = 0.4\nsatisfaction = 0.3')
            Traceback (most recent call last):
            ...
            jiesu.errors.RuleError: weights: must sum to 1 (got '0.9')
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"not valid TOML: {exc}", field="toml", value=text[:40]) from None
        return cls.from_mapping(data, name=name)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, name: str = "custom") -> Rules:
        """Build rules from a parsed TOML mapping (the layout of the bundled presets).

        Args:
            data: The mapping. Missing keys keep their defaults; unknown keys are refused.
            name: The name used when the mapping has no ``name``.

        Returns:
            The rules.

        Raises:
            RuleError: A key is unknown or a value is wrong.
        """
        return _from_mapping(cls, data, name=name)

    # ------------------------------------------------------------------------------------ arithmetic
    def round(self, value: Decimal) -> Decimal:
        """Round a number to :attr:`places` with the rules' rounding (四舍五入 by default).

        Examples:
            >>> Rules().round(Decimal("50.905"))
            Decimal('50.91')
        """
        return value.quantize(Decimal(1).scaleb(-self.places), rounding=_ROUNDINGS[self.rounding])

    def composite(
        self,
        *,
        response: float | str | Decimal,
        resolution: float | str | Decimal,
        satisfaction: float | str | Decimal,
        bonus: float | str | Decimal = 0,
        deduction: float | str | Decimal = 0,
    ) -> Points:
        """The composite score (综合成绩) from the three rates in percent, rounded as the rules say.

        Each rate is first rounded to :attr:`places` when :attr:`round_rates` is set; under
        ``threshold-points`` a rate below its threshold scores 0; the weighted sum is rounded, then the
        (capped) bonus is added and the deduction subtracted, and the result is held within 0..100 when
        :attr:`clamp` is set.

        Args:
            response: 响应率 in percent (0..100).
            resolution: 解决率 in percent.
            satisfaction: 满意率 in percent.
            bonus: 加分 in points (capped at :attr:`bonus_cap`).
            deduction: 扣分 in points (capped at :attr:`deduction_cap`).

        Returns:
            The composite in points, exact to :attr:`places`.

        Raises:
            RuleError: A rate is outside 0..100 or not a number, or a bonus or deduction is negative.

        Examples:
            >>> rules = Rules.preset("beijing-2021")
            >>> rules.composite(response=97.35, resolution=32.55, satisfaction=48.62)
            Points('51.94')
            >>> rules.composite(response=100, resolution=7.41, satisfaction=7.41)
            Points('25.93')
        """
        rates = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
        total = Decimal(0)
        for key, weight in self.weights.items():
            rate = to_decimal(rates[key], field=key)
            if not 0 <= rate <= _HUNDRED:
                raise RuleError(
                    "must be a rate in percent within 0..100", field=key, value=rates[key]
                )
            if self.round_rates:
                rate = self.round(rate)
            if rate >= getattr(self.thresholds, key):
                total += weight * rate
        return self.adjust(
            self.round(total),
            bonus=to_decimal(bonus, field="bonus"),
            deduction=to_decimal(deduction, field="deduction"),
        )

    def adjust(self, weighted: Decimal, *, bonus: Decimal, deduction: Decimal) -> Points:
        """Add a bonus and subtract a deduction (加减分) to a rounded weighted score, caps and clamp applied.

        Args:
            weighted: The rounded weighted score.
            bonus: Total bonus points (≥ 0) before the cap.
            deduction: Total deduction points (≥ 0) before the cap.

        Returns:
            The composite.

        Raises:
            RuleError: ``bonus`` or ``deduction`` is negative.

        Examples:
            >>> Rules().adjust(Decimal("99.50"), bonus=Decimal("0.8"), deduction=Decimal(0))
            Points('100.00')
        """
        for key, value in (("bonus", bonus), ("deduction", deduction)):
            if value < 0:
                raise RuleError("must not be negative", field=key, value=str(value))
        if self.bonus_cap is not None:
            bonus = min(bonus, self.bonus_cap)
        if self.deduction_cap is not None:
            deduction = min(deduction, self.deduction_cap)
        total = self.round(weighted + bonus - deduction)
        if self.clamp:
            total = min(max(total, Decimal(0)), _HUNDRED)
        return Points(self.round(total))

    def values(self) -> dict[str, object]:
        """Every value by its TOML key (规则取值), e.g. ``weights.response`` → ``Decimal('0.2')``.

        Examples:
            >>> Rules.preset("beijing-2025").values()["answers.satisfaction.basically_satisfied"]
            Decimal('0.9')
        """
        out: dict[str, object] = {"family": self.family}
        for section, numbers in (("weights", self.weights), ("thresholds", self.thresholds)):
            out |= {f"{section}.{k}": v for k, v in numbers.items()}
        for section, answers in (
            ("response", self.response_values),
            ("resolution", self.resolution_values),
            ("satisfaction", self.satisfaction_values),
        ):
            out |= {f"answers.{section}.{k}": v for k, v in answers.items()}
        out |= {
            "callback.unreachable": self.unreachable,
            "callback.refused": self.refused,
            "period.timestamp": self.period_timestamp,
            "period.start_day": self.period_start_day,
            "period.timezone": self.timezone,
            "eligibility.exclude_kinds": self.exclude_kinds,
            "eligibility.count_merged": self.count_merged,
            "exclusions.categories": self.exclusion_categories,
            "exclusions.approvers": self.exclusion_approvers,
            "adjustments.bonus_cap": self.bonus_cap,
            "adjustments.deduction_cap": self.deduction_cap,
            "attribution.mode": self.attribution,
            "combine.months": self.combine,
            "rounding.places": self.places,
            "rounding.mode": self.rounding,
            "rounding.round_rates": self.round_rates,
            "rounding.clamp": self.clamp,
            "ranking.groups": dict(self.ranking_groups),
            "ranking.tie_break": self.tie_break,
            "grades": tuple((g.label, g.min) for g in self.grades),
            "guard.min_valid_callbacks": self.min_valid_callbacks,
        }
        return out

    def describe(self) -> str:
        """The rules as text (规则说明): source, then one ``key = value`` line per value, assumed ones marked.

        A key is marked when it, or the section it belongs to, is listed in :attr:`assumed`.

        Examples:
            >>> lines = Rules.preset("beijing-2021").describe().splitlines()
            >>> print(lines[4])
            weights.response = 0.2
            >>> print(lines[15])
            answers.satisfaction.basically_satisfied = 1.0  (assumed)
        """
        lines = [f"{self.name}: {self.title}".rstrip(": "), f"source: {self.source}", ""]
        for key, value in self.values().items():
            assumed = any(key == a or key.startswith(f"{a}.") for a in self.assumed)
            lines.append(f"{key} = {value}" + ("  (assumed)" if assumed else ""))
        return "\n".join(lines)

    def grade(self, composite: Decimal) -> str | None:
        """The grade band (等级) of a composite, or ``None`` when no band reaches that low.

        Examples:
            >>> rules = Rules.preset("beijing-2021")
            >>> rules.grade(Decimal("91.2")), rules.grade(Decimal("59.99"))
            ('先进', '治理')
        """
        for band in self.grades:
            if composite >= band.min:
                return band.label
        return None

    def group_of(self, kind: str | UnitKind) -> str | None:
        """The ranking group (排名分组) of a unit kind, or ``None`` when the kind is not ranked.

        Examples:
            >>> Rules().group_of("township")
            'streets_and_towns'
        """
        code = UnitKind.parse(kind, field="kind").value
        for group, kinds in self.ranking_groups.items():
            if code in kinds:
                return group
        return None


# ------------------------------------------------------------------------------------------ checks
def _is(value: object, cls: type) -> bool:
    """``isinstance`` that also refuses ``bool`` for numbers (values may come from ``attrs.evolve``)."""
    return isinstance(value, cls) and not isinstance(value, bool)


def _check_policy(key: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RuleError(f"must be one of {', '.join(allowed)}", field=key, value=value)


def _check(rules: Rules) -> None:  # noqa: C901, PLR0912, PLR0915 - one flat list of checks reads best
    _check_policy("family", rules.family, _FAMILIES)
    if not _is(rules.places, int) or not 0 <= rules.places <= _MAX_PLACES:
        raise RuleError(
            f"must be an integer within 0..{_MAX_PLACES}",
            field="rounding.places",
            value=rules.places,
        )
    for key, value in (*rules.weights.items(), *rules.thresholds.items()):
        if not _is(value, Decimal) or not value.is_finite():
            raise RuleError("must be a Decimal", field=f"weights.{key}", value=value)
    for key, weight in rules.weights.items():
        if weight < 0:
            raise RuleError("must not be negative", field=f"weights.{key}", value=str(weight))
    total = sum((w for _, w in rules.weights.items()), Decimal(0))
    if total != 1:
        raise RuleError("must sum to 1", field="weights", value=str(total))
    for key, threshold in rules.thresholds.items():
        if threshold.as_tuple().exponent < -rules.places:  # type: ignore[operator] # finite, checked above
            raise RuleError(
                f"must have at most {rules.places} decimal places",
                field=f"thresholds.{key}",
                value=str(threshold),
            )
        if not 0 <= threshold <= _HUNDRED:
            raise RuleError(
                "must be a rate in percent within 0..100",
                field=f"thresholds.{key}",
                value=str(threshold),
            )
    if rules.family == "weighted" and any(t for _, t in rules.thresholds.items()):
        raise RuleError(
            "thresholds need family = 'threshold-points'", field="thresholds", value="non-zero"
        )
    for section, values, codes in (
        ("response", rules.response_values, YES_NO),
        ("resolution", rules.resolution_values, YES_NO),
        ("satisfaction", rules.satisfaction_values, SATISFACTION_CODES),
    ):
        for code, value in values.items():
            if code not in codes:
                raise RuleError(
                    f"unknown answer code; allowed: {', '.join(codes)}",
                    field=f"answers.{section}.{code}",
                    value=code,
                )
            if not _is(value, Decimal) or not 0 <= value <= 1:
                raise RuleError(
                    "must be a value within 0..1",
                    field=f"answers.{section}.{code}",
                    value=str(value),
                )
        missing = [c for c in codes if c not in values]
        if missing:
            raise RuleError(
                "missing answer code", field=f"answers.{section}.{missing[0]}", value=None
            )
    _check_policy("callback.unreachable", rules.unreachable, _POLICIES)
    _check_policy("callback.refused", rules.refused, _POLICIES)
    _check_policy("period.timestamp", rules.period_timestamp, _TIMESTAMPS)
    if not _is(rules.period_start_day, int) or not 1 <= rules.period_start_day <= 28:  # noqa: PLR2004 - every month has 28 days
        raise RuleError(
            "must be a day within 1..28", field="period.start_day", value=rules.period_start_day
        )
    for kind in rules.exclude_kinds:
        if kind not in {k.value for k in Kind}:
            raise RuleError("unknown request kind", field="eligibility.exclude_kinds", value=kind)
    for key, cap in (
        ("adjustments.bonus_cap", rules.bonus_cap),
        ("adjustments.deduction_cap", rules.deduction_cap),
    ):
        if cap is not None and (not _is(cap, Decimal) or cap < 0):
            raise RuleError("must not be negative", field=key, value=str(cap))
    _check_policy("attribution.mode", rules.attribution, _ATTRIBUTIONS)
    _check_policy("combine.months", rules.combine, _COMBINES)
    _check_policy("rounding.mode", rules.rounding, tuple(_ROUNDINGS))
    kinds = {k.value for k in UnitKind}
    seen: dict[str, str] = {}
    for group, members in rules.ranking_groups.items():
        for kind in members:
            if kind not in kinds:
                raise RuleError("unknown unit kind", field=f"ranking.groups.{group}", value=kind)
            if kind in seen:
                raise RuleError(
                    f"already in group {seen[kind]!r}", field=f"ranking.groups.{group}", value=kind
                )
            seen[kind] = group
    if not rules.tie_break or rules.tie_break[0] != "composite":
        raise RuleError(
            "must start with 'composite'", field="ranking.tie_break", value=list(rules.tie_break)
        )
    for key in rules.tie_break:
        _check_policy("ranking.tie_break", key, _TIE_KEYS)
    previous: Decimal | None = None
    for band in rules.grades:
        if not _is(band.min, Decimal) or not 0 <= band.min <= _HUNDRED:
            raise RuleError(
                "must be within 0..100", field=f"grades.{band.label}.min", value=str(band.min)
            )
        if previous is not None and band.min >= previous:
            raise RuleError(
                "bands must be listed highest first",
                field=f"grades.{band.label}.min",
                value=str(band.min),
            )
        previous = band.min
    if not _is(rules.min_valid_callbacks, int) or rules.min_valid_callbacks < 1:
        raise RuleError(
            "must be an integer of at least 1",
            field="guard.min_valid_callbacks",
            value=rules.min_valid_callbacks,
        )


# ----------------------------------------------------------------------------------------- parsing
_SCHEMA: Final[dict[str, tuple[str, ...]]] = {
    "name": (),
    "title": (),
    "source": (),
    "assumed": (),
    "family": (),
    "weights": RATES,
    "thresholds": RATES,
    "answers": ("response", "resolution", "satisfaction"),
    "callback": ("unreachable", "refused"),
    "period": ("timestamp", "start_day", "timezone"),
    "eligibility": ("exclude_kinds", "count_merged"),
    "exclusions": ("categories", "approvers"),
    "adjustments": ("bonus_cap", "deduction_cap"),
    "attribution": ("mode",),
    "combine": ("months",),
    "rounding": ("places", "mode", "round_rates", "clamp"),
    "ranking": ("groups", "tie_break"),
    "grades": (),
    "guard": ("min_valid_callbacks",),
}


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RuleError("must be a table", field=key, value=value)
    for sub in value:
        if sub not in _SCHEMA[key]:
            raise RuleError(
                f"unknown key; allowed: {', '.join(_SCHEMA[key])}", field=f"{key}.{sub}", value=sub
            )
    return value


def _str(value: object, *, field: str) -> str:
    if not isinstance(value, str):
        raise RuleError("must be a string", field=field, value=value)
    return value


def _strs(value: object, *, field: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise RuleError("must be a list of strings", field=field, value=value)
    return tuple(_str(v, field=field) for v in value)


def _bool(value: object, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError("must be true or false", field=field, value=value)
    return value


def _int(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError("must be an integer", field=field, value=value)
    return value


def _weights(table: Mapping[str, Any], key: str, default: Weights) -> Weights:
    values = {name: table.get(name, getattr(default, name)) for name in RATES}
    return Weights(**{name: to_decimal(v, field=f"{key}.{name}") for name, v in values.items()})


def _answers(
    table: Mapping[str, Any], key: str, default: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    given = table.get(key)
    if given is None:
        return dict(default)
    if not isinstance(given, dict):
        raise RuleError("must be a table", field=f"answers.{key}", value=given)
    return {code: to_decimal(v, field=f"answers.{key}.{code}") for code, v in given.items()}


def _cap(table: Mapping[str, Any], key: str, default: Decimal | None) -> Decimal | None:
    if key not in table:
        return default
    value = table[key]
    if value == "none":
        return None
    return to_decimal(value, field=f"adjustments.{key}")


def _grades(value: object) -> tuple[Grade, ...]:
    if not isinstance(value, list):
        raise RuleError("must be an array of tables", field="grades", value=value)
    bands = []
    for i, band in enumerate(value):
        if not isinstance(band, dict) or set(band) != {"label", "min"}:
            raise RuleError(
                "each band needs exactly 'label' and 'min'", field=f"grades[{i}]", value=band
            )
        label = _str(band["label"], field=f"grades[{i}].label")
        bands.append(Grade(label, to_decimal(band["min"], field=f"grades.{label}.min")))
    return tuple(bands)


def _from_mapping(cls: type[Rules], data: Mapping[str, Any], *, name: str) -> Rules:
    for key in data:
        if key not in _SCHEMA:
            raise RuleError(f"unknown key; allowed: {', '.join(_SCHEMA)}", field=key, value=key)
    base = cls()
    weights, thresholds = _table(data, "weights"), _table(data, "thresholds")
    answers, callback, period = (
        _table(data, "answers"),
        _table(data, "callback"),
        _table(data, "period"),
    )
    eligibility, exclusions = _table(data, "eligibility"), _table(data, "exclusions")
    adjustments, attribution = _table(data, "adjustments"), _table(data, "attribution")
    combine, rounding, ranking = (
        _table(data, "combine"),
        _table(data, "rounding"),
        _table(data, "ranking"),
    )
    guard = _table(data, "guard")
    groups = ranking.get("groups")
    if groups is not None and not isinstance(groups, dict):
        raise RuleError("must be a table", field="ranking.groups", value=groups)
    return cls(
        name=_str(data.get("name", name), field="name"),
        title=_str(data.get("title", ""), field="title"),
        source=_str(data.get("source", ""), field="source"),
        assumed=_strs(data.get("assumed", []), field="assumed"),
        family=data.get("family", base.family),
        weights=_weights(weights, "weights", base.weights),
        thresholds=_weights(thresholds, "thresholds", base.thresholds),
        response_values=_answers(answers, "response", base.response_values),
        resolution_values=_answers(answers, "resolution", base.resolution_values),
        satisfaction_values=_answers(answers, "satisfaction", base.satisfaction_values),
        unreachable=callback.get("unreachable", base.unreachable),
        refused=callback.get("refused", base.refused),
        period_timestamp=period.get("timestamp", base.period_timestamp),
        period_start_day=_int(
            period.get("start_day", base.period_start_day), field="period.start_day"
        ),
        timezone=_str(period.get("timezone", base.timezone), field="period.timezone"),
        exclude_kinds=_strs(
            eligibility.get("exclude_kinds", []), field="eligibility.exclude_kinds"
        ),
        count_merged=_bool(
            eligibility.get("count_merged", base.count_merged), field="eligibility.count_merged"
        ),
        exclusion_categories=_strs(
            exclusions.get("categories", list(base.exclusion_categories)),
            field="exclusions.categories",
        ),
        exclusion_approvers=_strs(exclusions.get("approvers", []), field="exclusions.approvers"),
        bonus_cap=_cap(adjustments, "bonus_cap", base.bonus_cap),
        deduction_cap=_cap(adjustments, "deduction_cap", base.deduction_cap),
        attribution=attribution.get("mode", base.attribution),
        combine=combine.get("months", base.combine),
        places=_int(rounding.get("places", base.places), field="rounding.places"),
        rounding=rounding.get("mode", base.rounding),
        round_rates=_bool(
            rounding.get("round_rates", base.round_rates), field="rounding.round_rates"
        ),
        clamp=_bool(rounding.get("clamp", base.clamp), field="rounding.clamp"),
        ranking_groups=(
            {g: _strs(k, field=f"ranking.groups.{g}") for g, k in groups.items()}
            if groups is not None
            else dict(base.ranking_groups)
        ),
        tie_break=_strs(ranking.get("tie_break", list(base.tie_break)), field="ranking.tie_break"),
        grades=_grades(data["grades"]) if "grades" in data else base.grades,
        min_valid_callbacks=_int(
            guard.get("min_valid_callbacks", base.min_valid_callbacks),
            field="guard.min_valid_callbacks",
        ),
    )


# ----------------------------------------------------------------------------------------- presets
@functools.cache
def _preset_names() -> tuple[str, ...]:
    folder = importlib.resources.files("jiesu.scoring") / "presets"
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


@functools.cache
def _load_preset(name: str) -> Rules:
    names = _preset_names()
    if name not in names:
        raise RuleError(
            f"unknown preset; available: {', '.join(names)}", field="preset", value=name
        )
    text = (importlib.resources.files("jiesu.scoring") / "presets" / f"{name}.toml").read_text(
        encoding="utf-8"
    )
    return Rules.from_toml_text(text, name=name)
