"""Scoring rules as data (考评规则): components, weights, points, answer values, policies, ranking and grades."""

from __future__ import annotations

import contextvars
import functools
import importlib.resources
import re
import tomllib
from collections.abc import Mapping  # noqa: TC003 - field types resolve at run time (cattrs)
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from jiesu.errors import Problem, RuleError
from jiesu.model import Kind, UnitKind
from jiesu.scoring._components import (
    BUILTIN_COMPONENTS,
    DENOMINATORS,
    INDICATORS,
    ChecklistItem,
    Component,
    FrozenMap,
    Grade,
    PointsRule,
    freeze,
    to_decimal,
)
from jiesu.scoring._rulefile import RuleFileError, line_of, parse, unknown_key

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Grade", "Points", "Rules", "Weights", "require_three_rates", "to_decimal"]

Family = Literal["weighted", "threshold-points", "points"]
CallbackPolicy = Literal["exclude", "failure"]
Timestamp = Literal["closed_at", "created_at"]
Attribution = Literal["lead", "lead_and_co_handlers"]
Combine = Literal["mean_of_monthly", "pooled"]
RoundingMode = Literal["half_up", "half_even"]

_FAMILIES: Final = ("weighted", "threshold-points", "points")
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
_PERIOD: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DEFER: Final = contextvars.ContextVar("defer_rule_checks", default=False)


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


@attrs.frozen(init=False)
class Weights:
    """One number per component (权重 or 门槛), by name (响应率 ``response``, 办结率 ``closure``…).

    Built positionally for the three classic rates (``Weights(0.2, 0.4, 0.4)`` as Decimals) or from
    ``by_name`` for any components. The classic names read as attributes (0 when absent); any other name
    reads as an attribute too, or with ``weights["closure"]``.

    Attributes:
        by_name: Component name → number, in the file's order (read-only).

    Examples:
        >>> w = Weights(by_name={"closure": Decimal("0.2"), "satisfaction": Decimal("0.8")})
        >>> w.closure, w.satisfaction, w.response, w["closure"]
        (Decimal('0.2'), Decimal('0.8'), Decimal('0'), Decimal('0.2'))
    """

    by_name: Mapping[str, Decimal]

    def __init__(
        self,
        response: Decimal | None = None,
        resolution: Decimal | None = None,
        satisfaction: Decimal | None = None,
        /,
        *,
        by_name: Mapping[str, Decimal] | None = None,
    ) -> None:
        """Build from the three classic rates, ``by_name``, or both (classic names first)."""
        classic = zip(RATES, (response, resolution, satisfaction), strict=True)
        named = {k: v for k, v in classic if v is not None} | dict(by_name or {})
        self.__attrs_init__(by_name=FrozenMap(named))

    @property
    def response(self) -> Decimal:
        """For the response rate (响应率); 0 when absent."""
        return self.by_name.get("response", Decimal(0))

    @property
    def resolution(self) -> Decimal:
        """For the resolution rate (解决率); 0 when absent."""
        return self.by_name.get("resolution", Decimal(0))

    @property
    def satisfaction(self) -> Decimal:
        """For the satisfaction rate (满意率); 0 when absent."""
        return self.by_name.get("satisfaction", Decimal(0))

    def __getattr__(self, name: str) -> Decimal:
        """Any other component's number by attribute (``weights.closure``)."""
        if name.startswith("_") or name == "by_name":
            raise AttributeError(name)
        try:
            return self.by_name[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Decimal:
        """A component's number; a :class:`~jiesu.errors.RuleError` names an absent one."""
        try:
            return self.by_name[name]
        except KeyError:
            raise RuleError(
                unknown_key(name, tuple(self.by_name)), field="weights", value=name
            ) from None

    def __iter__(self) -> Iterator[str]:
        """The component names in order."""
        return iter(self.by_name)

    def items(self) -> tuple[tuple[str, Decimal], ...]:
        """The ``(component, number)`` pairs in order (response, resolution, satisfaction for Beijing)."""
        return tuple(self.by_name.items())


def _default_groups() -> FrozenMap[str, tuple[str, ...]]:
    return FrozenMap(
        {
            "districts": ("district",),
            "streets_and_towns": ("street", "township"),
            "district_departments": ("district_department",),
            "municipal_departments": ("municipal_department",),
            "public_service": ("public_service",),
        }
    )


def _yes_no() -> FrozenMap[str, Decimal]:
    return FrozenMap({"yes": Decimal(1), "no": Decimal(0)})


def _satisfaction_values() -> FrozenMap[str, Decimal]:
    return FrozenMap(
        {"satisfied": Decimal(1), "basically_satisfied": Decimal(1), "dissatisfied": Decimal(0)}
    )


def _groups(value: Mapping[str, Any]) -> FrozenMap[str, tuple[str, ...]]:
    return FrozenMap({k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})


def _tuple(value: Any) -> Any:  # noqa: ANN401 - any sequence, checked later
    return tuple(value) if isinstance(value, list) else value


def _decimals(value: Mapping[str, Decimal]) -> FrozenMap[str, Decimal]:
    return freeze(value)


def _point_rules(value: Mapping[str, PointsRule]) -> FrozenMap[str, PointsRule]:
    return freeze(value)


def _weights(value: Weights | Mapping[str, Decimal]) -> Weights:
    return value if isinstance(value, Weights) else Weights(by_name=value)


@attrs.frozen(eq=True, hash=False)
class Rules:
    """Scoring rules (考评规则): every parameter of a city's monthly evaluation, as data.

    Load a bundled preset with :meth:`preset` or a file with :meth:`from_toml`; change one value with
    :func:`attrs.evolve` (the result is checked again). Each field's default is the value of the
    ``beijing-2021`` reading; a preset's :attr:`assumed` lists which of its values are not confirmed.
    Every field is immutable (tuples and read-only mappings), so a cached preset stays what it was.

    Attributes:
        name: The preset's name.
        title: A human title.
        source: The source the values come from (a key of the domain notes and what it says).
        assumed: The keys (``weights.response``, ``answers.satisfaction.basically_satisfied``…) whose
            values are assumed rather than confirmed.
        family: ``"weighted"`` (composite = Σ weight × rate), ``"threshold-points"`` (an item whose rate
            is below its threshold scores 0) or ``"points"`` (each item's rate turns into points by a
            piecewise-linear rule; checklist items add fixed points; the total is out of 100).
        effective_from: The first period (``YYYY-MM``) the rules are in force, or ``None``.
        effective_to: The last period (``YYYY-MM``, inclusive) they are in force, or ``None`` (open).
        weights: Weight of each scored component, by name (sum to 1; none in the ``points`` family).
        thresholds: Thresholds in percent by component for ``threshold-points`` (none otherwise).
        declared: Components declared in ``[components.NAME]`` (custom ones, or built-in ones changed).
        points_rules: Component name → :class:`PointsRule` in the ``points`` family.
        checklist: Checklist items (检查项) of the ``points`` family.
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
        places: Decimal places of rates, item points and composites (2).
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
        >>> rules.response_values["yes"] = 5
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMap' object does not support item assignment
    """

    name: str = "custom"
    title: str = ""
    source: str = ""
    assumed: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    family: Family = "weighted"
    effective_from: str | None = None
    effective_to: str | None = None
    weights: Weights = attrs.field(
        default=Weights(Decimal("0.20"), Decimal("0.40"), Decimal("0.40")), converter=_weights
    )
    thresholds: Weights = attrs.field(factory=Weights, converter=_weights)
    declared: tuple[Component, ...] = attrs.field(default=(), converter=_tuple)
    points_rules: Mapping[str, PointsRule] = attrs.field(factory=FrozenMap, converter=_point_rules)
    checklist: tuple[ChecklistItem, ...] = attrs.field(default=(), converter=_tuple)
    response_values: Mapping[str, Decimal] = attrs.field(factory=_yes_no, converter=_decimals)
    resolution_values: Mapping[str, Decimal] = attrs.field(factory=_yes_no, converter=_decimals)
    satisfaction_values: Mapping[str, Decimal] = attrs.field(
        factory=_satisfaction_values, converter=_decimals
    )
    unreachable: CallbackPolicy = "exclude"
    refused: CallbackPolicy = "exclude"
    period_timestamp: Timestamp = "closed_at"
    period_start_day: int = 1
    timezone: str = "Asia/Shanghai"
    exclude_kinds: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    count_merged: bool = False
    exclusion_categories: tuple[str, ...] = attrs.field(
        default=("unreasonable", "malicious", "duplicate", "force_majeure"), converter=_tuple
    )
    exclusion_approvers: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    bonus_cap: Decimal | None = Decimal(2)
    deduction_cap: Decimal | None = Decimal(5)
    attribution: Attribution = "lead"
    combine: Combine = "mean_of_monthly"
    places: int = 2
    rounding: RoundingMode = "half_up"
    round_rates: bool = True
    clamp: bool = True
    ranking_groups: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=_default_groups, converter=_groups
    )
    tie_break: tuple[str, ...] = attrs.field(default=("composite", "volume"), converter=_tuple)
    grades: tuple[Grade, ...] = attrs.field(
        default=(
            Grade("先进", Decimal(90)),
            Grade("进步", Decimal(80)),
            Grade("整改", Decimal(60)),
            Grade("治理", Decimal(0)),
        ),
        converter=_tuple,
    )
    min_valid_callbacks: int = 1

    def __attrs_post_init__(self) -> None:
        """Check every value; raise :class:`~jiesu.errors.RuleError` naming the key and the value."""
        if not _DEFER.get():
            for problem in _problems(self):
                raise problem

    # ----------------------------------------------------------------------------------------- loading
    @classmethod
    def preset(cls, name: str) -> Rules:
        """Load a bundled preset (预置规则) by name.

        Args:
            name: One of :meth:`presets`.

        Returns:
            The rules (cached; immutable).

        Raises:
            RuleError: No preset has that name; the message lists the names.

        Examples:
            >>> Rules.preset("beijing-2025").weights.resolution
            Decimal('0.5')
            >>> Rules.preset("beijing-2099")
            Traceback (most recent call last):
            ...
            jiesu.errors.RuleError: preset: unknown preset; available: beijing-2021, beijing-2025, lianyungang-fit, panjin-2023, threshold-points (got 'beijing-2099')
        """  # noqa: E501 - the doctest shows the whole message
        return _load_preset(name)

    @staticmethod
    def presets() -> tuple[str, ...]:
        """The names of the bundled presets (预置规则名).

        Examples:
            >>> Rules.presets()
            ('beijing-2021', 'beijing-2025', 'lianyungang-fit', 'panjin-2023', 'threshold-points')
        """
        return _preset_names()

    @classmethod
    def from_toml(cls, path: str | Path) -> Rules:
        """Load rules from a TOML file (规则文件) laid out like the bundled presets.

        Args:
            path: The file (UTF-8).

        Returns:
            The rules.

        Raises:
            RuleError: The file is missing or unreadable.
            RuleFileError: The file is not UTF-8 or not TOML, or any key or value is wrong: every
                problem of the file at once, each with its line, key and value.
        """
        file = Path(path)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise RuleError(
                f"cannot read the rules file: {exc.strerror}", field="path", value=str(path)
            ) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = Problem(
                str(path), "encoding", raw[exc.start : exc.start + 4], "not UTF-8 text"
            )
            raise RuleFileError(str(path), [problem]) from None
        return cls.from_toml_text(text, name=file.stem, file=str(path))

    @classmethod
    def from_toml_text(cls, text: str, *, name: str = "custom", file: str = "<rules>") -> Rules:
        r"""Load rules from TOML text (规则文本).

        Sections a text leaves out take the defaults (the ``beijing-2021`` values); a ``[weights]``
        table names every weighted component (it replaces the default weights, it is not merged).

        Args:
            text: The TOML document.
            name: The name used when the document has no ``name``.
            file: The file named in errors.

        Returns:
            The rules.

        Raises:
            RuleFileError: The text is not TOML or any key or value is wrong (all problems at once).

        Examples:
            >>> Rules.from_toml_text('[weights]\nresponse = 0.2\nresolution = 0.4\nsatisfation = 0.3')
            Traceback (most recent call last):
            ...
            jiesu.scoring.RuleFileError: <rules>:4: weights.satisfation: unknown key 'satisfation'; did you mean 'satisfaction'? (got 0.3)
        """  # noqa: E501 - the doctest shows the whole message
        try:
            data = tomllib.loads(text)
        except (
            ValueError,
            RecursionError,
        ) as exc:  # TOMLDecodeError, too many digits, deep nesting
            found = re.search(r"line (\d+)", str(exc))
            row = f"{file}:{found.group(1)}" if found else file
            raise RuleFileError(
                file, [Problem(row, "toml", text[:40], f"not valid TOML: {exc}")]
            ) from None
        return _from_mapping(cls, data, name=name, text=text, file=file)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, name: str = "custom") -> Rules:
        """Build rules from a parsed TOML mapping (the layout of the bundled presets).

        Args:
            data: The mapping. Missing keys keep their defaults; unknown keys are refused.
            name: The name used when the mapping has no ``name``.

        Returns:
            The rules.

        Raises:
            RuleFileError: A key is unknown or a value is wrong (every problem at once).
        """
        return _from_mapping(cls, data, name=name, text="", file="<mapping>")

    # ------------------------------------------------------------------------------------ components
    @property
    def components(self) -> tuple[Component, ...]:
        """The scored components (考评指标) in order, each with name, 中文 label, weight and counting.

        Examples:
            >>> [(c.name, c.label, c.indicator, c.denominator) for c in Rules().components][:2]
            [('response', '响应率', 'contacted', 'valid_callbacks'), ('resolution', '解决率', 'solved', 'valid_callbacks')]
        """  # noqa: E501 - the doctest shows the whole list
        declared = {c.name: c for c in self.declared}

        def base(name: str) -> Component:
            return declared.get(name) or BUILTIN_COMPONENTS[name]

        if self.family == "points":
            return tuple(attrs.evolve(base(n), points=r) for n, r in self.points_rules.items())
        return tuple(
            attrs.evolve(base(n), weight=w, threshold=self.thresholds.by_name.get(n, Decimal(0)))
            for n, w in self.weights.items()
        )

    # ------------------------------------------------------------------------------------ arithmetic
    def round(self, value: Decimal) -> Decimal:
        """Round a number to :attr:`places` with the rules' rounding (四舍五入 by default).

        Examples:
            >>> Rules().round(Decimal("50.905"))
            Decimal('50.91')
        """
        return value.quantize(Decimal(1).scaleb(-self.places), rounding=_ROUNDINGS[self.rounding])

    def _read(self, values: Mapping[str, object]) -> tuple[dict[str, Decimal], dict[str, bool]]:
        components = self.components
        names = [c.name for c in components] + [i.name for i in self.checklist]
        for key, value in values.items():
            if key not in names:
                near = unknown_key(key, names).partition("; did you mean")[2]
                hint = f"; did you mean{near}" if near else ""
                raise RuleError(
                    f"unknown rate{hint}; these rules score {', '.join(names)}",
                    field=key,
                    value=value,
                )
        for key in names:
            if key not in values:
                raise RuleError(
                    f"missing rate; these rules score {', '.join(names)}", field=key, value=None
                )
        rates = {}
        for component in components:
            given = values[component.name]
            rate = to_decimal(given, field=component.name)
            if not 0 <= rate <= _HUNDRED:
                raise RuleError(
                    "must be a rate in percent within 0..100", field=component.name, value=given
                )
            rates[component.name] = self.round(rate) if self.round_rates else rate
        checks = {}
        for item in self.checklist:
            done = values[item.name]
            if not isinstance(done, bool):
                raise RuleError(
                    "must be true or false (item satisfied)", field=item.name, value=done
                )
            checks[item.name] = done
        return rates, checks

    def points(self, **values: float | str | Decimal) -> FrozenMap[str, Points]:
        """Each component's points (单项得分) from its rate in percent, and each checklist item's.

        In the ``points`` family an item's points follow its :class:`PointsRule` and are rounded to
        :attr:`places`; in the weighted families a component contributes ``weight × rate`` (0 below a
        threshold), exact: :meth:`composite` rounds their sum.

        Args:
            **values: One rate per component (percent, 0..100), ``True``/``False`` per checklist item.

        Returns:
            Name → points, in the order of :attr:`components` then :attr:`checklist`.

        Raises:
            RuleError: A name is missing or unknown (named), or a rate is outside 0..100.

        Examples:
            >>> fit = Rules.preset("lianyungang-fit")
            >>> dict(fit.points(on_time_reply=92.5, satisfaction=95.5))
            {'on_time_reply': Points('17.50'), 'satisfaction': Points('23.75')}
        """
        rates, checks = self._read(values)
        out: dict[str, Points] = {}
        for c in self.components:
            score = c.score(rates[c.name])
            if c.points is not None:
                out[c.name] = Points(self.round(c.points.apply(score)))
            else:
                weight = c.weight if c.weight is not None else Decimal(0)
                out[c.name] = Points(weight * score if score >= c.threshold else Decimal(0))
        for item in self.checklist:
            out[item.name] = Points(item.points if checks[item.name] else Decimal(0))
        return FrozenMap(out)

    def composite(
        self,
        *,
        bonus: float | str | Decimal = 0,
        deduction: float | str | Decimal = 0,
        **values: float | str | Decimal,
    ) -> Points:
        """The composite score (综合成绩) from the declared components' rates, rounded as the rules say.

        It takes exactly the names the rules score (``response``, ``resolution``, ``satisfaction`` for
        Beijing; ``closure``, ``satisfaction``, ``on_time_feedback``, ``valid_callback`` for Panjin…).
        Each rate is first rounded to :attr:`places` when :attr:`round_rates` is set; the components'
        :meth:`points` are summed and rounded, then the (capped) bonus is added and the deduction
        subtracted, and the result is held within 0..100 when :attr:`clamp` is set. A rate where lower
        is better (退单率) scores ``100 − rate``.

        Args:
            bonus: 加分 in points (capped at :attr:`bonus_cap`).
            deduction: 扣分 in points (capped at :attr:`deduction_cap`).
            **values: One rate per component in percent (0..100); ``True``/``False`` per checklist item.

        Returns:
            The composite in points, exact to :attr:`places`.

        Raises:
            RuleError: A name is missing or unknown, a rate is outside 0..100 or not a number, or a bonus
                or deduction is negative.

        Examples:
            >>> rules = Rules.preset("beijing-2021")
            >>> rules.composite(response=97.35, resolution=32.55, satisfaction=48.62)
            Points('51.94')
            >>> rules.composite(response=100, resolution=7.41, satisfaction=7.41)
            Points('25.93')
            >>> Rules.preset("panjin-2023").composite(
            ...     closure=100, satisfaction=95.5, on_time_feedback=98, valid_callback=90
            ... )
            Points('95.7')
        """
        parts = self.points(**values)
        return self.adjust(
            self.round(sum(parts.values(), Decimal(0))),
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
        for c in self.declared:
            out |= {
                f"components.{c.name}.label": c.label,
                f"components.{c.name}.indicator": c.indicator,
                f"components.{c.name}.denominator": c.denominator,
                f"components.{c.name}.higher_is_better": c.higher_is_better,
            }
        for key, rule in self.points_rules.items():
            out |= {f"points.{key}.{k}": v for k, v in attrs.asdict(rule).items()}
        for item in self.checklist:
            out |= {f"checklist.{item.name}.label": item.label}
            out |= {f"checklist.{item.name}.points": item.points}
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
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
        }
        return out

    def describe(self) -> str:
        """The rules as text (规则说明): source, then one ``key = value`` line per value, assumed ones marked.

        A key is marked when it, or the section it belongs to, is listed in :attr:`assumed`.

        Examples:
            >>> lines = Rules.preset("beijing-2021").describe().splitlines()
            >>> print(lines[4])
            weights.response = 0.2
            >>> print(lines[12])
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


def _policy(key: str, value: object, allowed: tuple[str, ...]) -> Iterator[RuleError]:
    if value not in allowed:
        yield RuleError(f"must be one of {', '.join(allowed)}", field=key, value=value)


def _exact(
    key: str, value: object, *, low: Decimal | None = None, high: Decimal | None = None
) -> Iterator[RuleError]:
    """A finite Decimal with at most 6 decimal places, within ``low..high`` when given."""
    if not _is(value, Decimal) or not value.is_finite():  # type: ignore[attr-defined] # Decimal, checked
        yield RuleError("must be a Decimal", field=key, value=value)
    else:
        yield from _bounded(key, value, low=low, high=high)  # type: ignore[arg-type] # checked above


def _bounded(
    key: str, number: Decimal, *, low: Decimal | None, high: Decimal | None
) -> Iterator[RuleError]:
    if number.as_tuple().exponent < -_MAX_PLACES:  # type: ignore[operator] # finite, checked above
        yield RuleError(
            f"must have at most {_MAX_PLACES} decimal places (write the value exactly)",
            field=key,
            value=str(number),
        )
    if low is not None and number < low:
        yield RuleError(
            "must not be negative"
            if low == 0 and high is None
            else f"must be within {low}..{high}",
            field=key,
            value=str(number),
        )
    elif high is not None and number > high:
        yield RuleError(f"must be within {low}..{high}", field=key, value=str(number))


def _component_problems(rules: Rules) -> Iterator[RuleError]:  # noqa: C901, PLR0912 - one flat list of checks
    declared = {c.name for c in rules.declared}
    known = (*BUILTIN_COMPONENTS, *(n for n in declared if n not in BUILTIN_COMPONENTS))
    for c in rules.declared:
        key = f"components.{c.name}"
        yield from _policy(f"{key}.indicator", c.indicator, INDICATORS)
        yield from _policy(f"{key}.denominator", c.denominator, DENOMINATORS)
        if c.name not in rules.weights.by_name and c.name not in rules.points_rules:
            yield RuleError(
                "declared but never scored (give it a weight or points)", field=key, value=c.name
            )
    for section, numbers in (("weights", rules.weights), ("thresholds", rules.thresholds)):
        for name, value in numbers.items():
            if name not in known:
                yield RuleError(unknown_key(name, known), field=f"{section}.{name}", value=value)
            high = None if section == "weights" else _HUNDRED
            yield from _exact(f"{section}.{name}", value, low=Decimal(0), high=high)
    for name in rules.thresholds:
        if name in known and name not in rules.weights.by_name:
            yield RuleError("a threshold needs a weight", field=f"thresholds.{name}", value=name)
    for name, rule in rules.points_rules.items():
        key = f"points.{name}"
        if name not in known:
            yield RuleError(unknown_key(name, known), field=key, value=name)
        for part in ("slope", "offset", "floor"):
            yield from _exact(f"{key}.{part}", getattr(rule, part))
        if rule.cap is not None:
            yield from _exact(f"{key}.cap", rule.cap, low=Decimal(0), high=_HUNDRED)
        yield from _exact(f"{key}.threshold", rule.threshold, low=Decimal(0), high=_HUNDRED)
        if _is(rule.cap, Decimal) and _is(rule.floor, Decimal) and rule.cap < rule.floor:  # type: ignore[operator] # both Decimal
            yield RuleError("must not be below the floor", field=f"{key}.cap", value=str(rule.cap))
    for item in rules.checklist:
        yield from _exact(
            f"checklist.{item.name}.points", item.points, low=Decimal(0), high=_HUNDRED
        )
        if item.name in known and (
            item.name in rules.weights.by_name or item.name in rules.points_rules
        ):
            yield RuleError(
                "a checklist item cannot share a component's name",
                field=f"checklist.{item.name}",
                value=item.name,
            )
    if rules.family == "points":
        if rules.weights.by_name:
            yield RuleError(
                "the points family takes no weights; score items in [points.NAME]",
                field="weights",
                value=tuple(rules.weights),
            )
        if not rules.points_rules and not rules.checklist:
            yield RuleError(
                "the points family needs [points.NAME] items or [checklist.NAME] items",
                field="points",
                value=None,
            )
    else:
        if rules.points_rules or rules.checklist:
            section = "points" if rules.points_rules else "checklist"
            yield RuleError(
                "points and checklist items need family = 'points'",
                field=section,
                value=rules.family,
            )
        total = sum((w for _, w in rules.weights.items() if _is(w, Decimal)), Decimal(0))
        if total != 1:
            yield RuleError("must sum to 1", field="weights", value=str(total))
        if rules.family == "weighted" and any(t for _, t in rules.thresholds.items()):
            yield RuleError(
                "thresholds need family = 'threshold-points'", field="thresholds", value="non-zero"
            )


def _answer_problems(rules: Rules) -> Iterator[RuleError]:
    for section, values, codes in (
        ("response", rules.response_values, YES_NO),
        ("resolution", rules.resolution_values, YES_NO),
        ("satisfaction", rules.satisfaction_values, SATISFACTION_CODES),
    ):
        for code, value in values.items():
            key = f"answers.{section}.{code}"
            if code not in codes:
                yield RuleError(unknown_key(code, codes), field=key, value=value)
            elif not _is(value, Decimal) or not 0 <= value <= 1:
                yield RuleError("must be a value within 0..1", field=key, value=str(value))
            else:
                yield from _exact(key, value)
        for code in codes:
            if code not in values:
                yield RuleError(
                    "missing answer code", field=f"answers.{section}.{code}", value=None
                )


def _problems(rules: Rules) -> Iterator[RuleError]:  # noqa: C901, PLR0912 - one flat list of checks
    """Every problem of the rules, in the order of the file's keys."""
    yield from _policy("family", rules.family, _FAMILIES)
    for key in ("effective_from", "effective_to"):
        value = getattr(rules, key)
        if value is not None and (not isinstance(value, str) or not _PERIOD.match(value)):
            yield RuleError("must be a period written YYYY-MM", field=key, value=value)
    if (
        isinstance(rules.effective_from, str)
        and isinstance(rules.effective_to, str)
        and rules.effective_to < rules.effective_from
    ):
        yield RuleError(
            "must not be before effective_from", field="effective_to", value=rules.effective_to
        )
    if not _is(rules.places, int) or not 0 <= rules.places <= _MAX_PLACES:
        yield RuleError(
            f"must be an integer within 0..{_MAX_PLACES}",
            field="rounding.places",
            value=rules.places,
        )
    else:
        for key, threshold in rules.thresholds.items():
            if _is(threshold, Decimal) and threshold.as_tuple().exponent < -rules.places:  # type: ignore[operator] # finite
                yield RuleError(
                    f"must have at most {rules.places} decimal places",
                    field=f"thresholds.{key}",
                    value=str(threshold),
                )
    yield from _component_problems(rules)
    yield from _answer_problems(rules)
    yield from _policy("callback.unreachable", rules.unreachable, _POLICIES)
    yield from _policy("callback.refused", rules.refused, _POLICIES)
    yield from _policy("period.timestamp", rules.period_timestamp, _TIMESTAMPS)
    if not _is(rules.period_start_day, int) or not 1 <= rules.period_start_day <= 28:  # noqa: PLR2004 - every month has 28 days
        yield RuleError(
            "must be a day within 1..28", field="period.start_day", value=rules.period_start_day
        )
    for kind in rules.exclude_kinds:
        if kind not in {k.value for k in Kind}:
            yield RuleError("unknown request kind", field="eligibility.exclude_kinds", value=kind)
    for key, cap in (
        ("adjustments.bonus_cap", rules.bonus_cap),
        ("adjustments.deduction_cap", rules.deduction_cap),
    ):
        if cap is not None:
            yield from _exact(key, cap, low=Decimal(0))
    yield from _policy("attribution.mode", rules.attribution, _ATTRIBUTIONS)
    yield from _policy("combine.months", rules.combine, _COMBINES)
    yield from _policy("rounding.mode", rules.rounding, tuple(_ROUNDINGS))
    kinds = {k.value for k in UnitKind}
    seen: dict[str, str] = {}
    for group, members in rules.ranking_groups.items():
        for kind in members:
            if kind not in kinds:
                yield RuleError("unknown unit kind", field=f"ranking.groups.{group}", value=kind)
            elif kind in seen:
                yield RuleError(
                    f"already in group {seen[kind]!r}", field=f"ranking.groups.{group}", value=kind
                )
            seen[kind] = group
    if not rules.tie_break or rules.tie_break[0] != "composite":
        yield RuleError(
            "must start with 'composite'", field="ranking.tie_break", value=list(rules.tie_break)
        )
    for key in rules.tie_break:
        yield from _policy("ranking.tie_break", key, _TIE_KEYS)
    previous: Decimal | None = None
    for i, band in enumerate(rules.grades):
        if not _is(band.min, Decimal) or not 0 <= band.min <= _HUNDRED:
            yield RuleError("must be within 0..100", field=f"grades[{i}].min", value=str(band.min))
            continue
        if previous is not None and band.min >= previous:
            yield RuleError(
                "bands must be listed highest first", field=f"grades[{i}].min", value=str(band.min)
            )
        previous = band.min
    if not _is(rules.min_valid_callbacks, int) or rules.min_valid_callbacks < 1:
        yield RuleError(
            "must be an integer of at least 1",
            field="guard.min_valid_callbacks",
            value=rules.min_valid_callbacks,
        )


def require_three_rates(rules: Rules) -> None:
    """Refuse rules the bulk paths cannot count yet: they count response, resolution, satisfaction."""
    if rules.family == "points" or tuple(rules.weights) != RATES:
        raise RuleError(
            "the bulk paths count the three rates response, resolution and satisfaction only; "
            "score other components with Rules.composite",
            field="weights",
            value=tuple(rules.weights) or rules.family,
        )


# ----------------------------------------------------------------------------------------- parsing
def _from_mapping(
    cls: type[Rules], data: Mapping[str, Any], *, name: str, text: str, file: str
) -> Rules:
    kwargs, found = parse(data, name=name, base=cls())
    if not found:
        token = _DEFER.set(True)
        try:
            rules = cls(**kwargs)
        finally:
            _DEFER.reset(token)
        found = [(e.field or "", e.value, e.reason) for e in _problems(rules)]
        if not found:
            return rules
    problems = []
    for field, value, reason in found:
        line = line_of(text, field) if text else None
        problems.append(
            (line or 0, Problem(f"{file}:{line}" if line else file, field, value, reason))
        )
    problems.sort(key=lambda p: p[0])
    raise RuleFileError(file, [p for _, p in problems])


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
    return Rules.from_toml_text(text, name=name, file=f"{name}.toml")
