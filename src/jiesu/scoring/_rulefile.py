"""Reading a rules file (规则文件): exact types, unknown keys with suggestions, every problem with its line."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from jiesu.errors import Problem, RuleError
from jiesu.scoring._components import (
    BUILTIN_COMPONENTS,
    ChecklistItem,
    Component,
    Grade,
    PointsRule,
    to_decimal,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence
    from decimal import Decimal

    from jiesu.scoring._rules import Rules

__all__ = ["SCHEMA", "RuleFileError", "line_of", "parse", "unknown_key"]

_MAX_SHOWN: Final = 80

SCHEMA: Final[dict[str, tuple[str, ...] | None]] = {
    "name": (),
    "title": (),
    "source": (),
    "assumed": (),
    "family": (),
    "effective_from": (),
    "effective_to": (),
    "weights": None,
    "thresholds": None,
    "components": None,
    "points": None,
    "checklist": None,
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
"""Top-level keys of a rules file → the keys of their table (``None``: names chosen by the file)."""

_COMPONENT_KEYS: Final = ("label", "indicator", "denominator", "higher_is_better")
_POINTS_KEYS: Final = ("slope", "offset", "floor", "cap", "threshold")
_CHECKLIST_KEYS: Final = ("label", "points")
_ANSWER_CODES: Final = {
    "response": ("yes", "no"),
    "resolution": ("yes", "no"),
    "satisfaction": ("satisfied", "basically_satisfied", "dissatisfied"),
}


def unknown_key(key: str, known: Collection[str]) -> str:
    """The reason for an unknown key: the nearest known key, or the allowed ones.

    Examples:
        >>> unknown_key("satisfation", ["response", "satisfaction"])
        "unknown key 'satisfation'; did you mean 'satisfaction'?"
    """
    near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if near:
        return f"unknown key {key!r}; did you mean {near[0]!r}?"
    return f"unknown key {key!r}; allowed: {', '.join(known) or 'none'}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


class RuleFileError(RuleError):
    """Every problem of one rules file (规则文件错误), each with its line, key, value and reason.

    Args:
        file: The file (its path, or ``<rules text>``).
        problems: The problems; each :class:`~jiesu.errors.Problem` has ``row`` = ``file:line``.

    Attributes:
        file: The file.
        problems: The problems, in line order.
    """

    __module__ = "jiesu.scoring"

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        """Build the error; its field and value are those of the first problem."""
        self.file = file
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        super().__init__(first.reason, field=first.field, value=first.value)

    def _message(self) -> str:
        lines = [f"{p.row}: {p.field}: {p.reason} (got {_shown(p.value)})" for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{self.file}: {len(lines)} problems\n" + "\n".join(f"  {line}" for line in lines)

    def __reduce__(self) -> tuple[type[RuleFileError], tuple[str, tuple[Problem, ...]]]:
        """Pickle by file and problems, so the error crosses process pools."""
        return (type(self), (self.file, self.problems))


# --------------------------------------------------------------------------------------- lines
_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY: Final = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def _lines(text: str) -> dict[str, int]:
    """Every table and key of a TOML text → the line (1-based) where it first appears."""
    found: dict[str, int] = {}
    arrays: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group(2))
            if header.group(1) == "[[":
                index = arrays.get(table, 0)
                arrays[table] = index + 1
                table = f"{table}[{index}]"
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            name = _dotted(key.group(1))
            found.setdefault(f"{table}.{name}" if table else name, number)
    return found


def line_of(text: str, field: str) -> int | None:
    r"""The line of ``field`` (``weights.closure``, ``grades[1].min``) in a TOML text, or its table's.

    Examples:
        >>> line_of("name = 'x'\n[weights]\nclosure = 0.2\n", "weights.closure")
        3
    """
    found = _lines(text)
    parts = field.split(".")
    while parts:
        key = ".".join(parts)
        if key in found:
            return found[key]
        parts.pop()
    inside = [line for key, line in found.items() if key.startswith(f"{field}.")]
    return min(inside, default=None)


# ------------------------------------------------------------------------------------- reading
_BAD: Final[Any] = object()


@attrs.define
class _Reader:
    """Reads a parsed TOML mapping into the keyword arguments of ``Rules``, collecting every problem."""

    base: Rules
    problems: list[tuple[str, object, str]] = attrs.field(factory=list)

    def fail(self, field: str, value: object, reason: str) -> Any:  # noqa: ANN401 - returns the sentinel
        self.problems.append((field, value, reason))
        return _BAD

    def table(self, data: Mapping[str, Any], key: str, field: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(field, value, "must be a table")
            return {}
        return value

    def keys(self, table: Mapping[str, Any], known: Collection[str], field: str) -> None:
        for sub, value in table.items():
            if sub not in known:
                self.fail(f"{field}.{sub}" if field else sub, value, unknown_key(sub, known))

    def number(self, value: object, field: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.fail(field, value, "must be a number")  # type: ignore[no-any-return] # sentinel
        try:
            return to_decimal(value, field=field)
        except RuleError as err:
            return self.fail(field, value, err.reason)  # type: ignore[no-any-return] # sentinel

    def string(self, value: object, field: str) -> str:
        if not isinstance(value, str):
            return self.fail(field, value, "must be a string")  # type: ignore[no-any-return] # sentinel
        return value

    def strings(self, value: object, field: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return self.fail(field, value, "must be a list of strings")  # type: ignore[no-any-return] # sentinel
        return tuple(value)

    def boolean(self, value: object, field: str) -> bool:
        if not isinstance(value, bool):
            return self.fail(field, value, "must be true or false")  # type: ignore[no-any-return] # sentinel
        return value

    def integer(self, value: object, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.fail(field, value, "must be an integer")  # type: ignore[no-any-return] # sentinel
        return value

    def optional_period(self, value: object, field: str) -> str | None:
        return None if value is None else self.string(value, field)

    def numbers(
        self, table: Mapping[str, Any], known: Collection[str], field: str
    ) -> dict[str, Decimal]:
        self.keys(table, known, field)
        return {k: self.number(v, f"{field}.{k}") for k, v in table.items() if k in known}


def _components(reader: _Reader, data: Mapping[str, Any]) -> tuple[Component, ...]:
    declared = []
    for name, spec in reader.table(data, "components", "components").items():
        field = f"components.{name}"
        if not isinstance(spec, dict):
            reader.fail(field, spec, "must be a table")
            continue
        reader.keys(spec, _COMPONENT_KEYS, field)
        base = BUILTIN_COMPONENTS.get(name)
        missing = [k for k in _COMPONENT_KEYS[:3] if k not in spec]
        if base is None and missing:
            reader.fail(
                f"{field}.{missing[0]}", None, "missing key (a component jiesu does not know)"
            )
            continue
        declared.append(
            Component(
                name,
                label=reader.string(spec.get("label", base and base.label), f"{field}.label"),
                indicator=reader.string(
                    spec.get("indicator", base and base.indicator), f"{field}.indicator"
                ),
                denominator=reader.string(
                    spec.get("denominator", base and base.denominator), f"{field}.denominator"
                ),
                higher_is_better=reader.boolean(
                    spec.get("higher_is_better", True if base is None else base.higher_is_better),
                    f"{field}.higher_is_better",
                ),
            )
        )
    return tuple(declared)


def _points(reader: _Reader, data: Mapping[str, Any], known: Collection[str]) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    table = reader.table(data, "points", "points")
    for name, spec in table.items():
        field = f"points.{name}"
        if name not in known:
            reader.fail(field, spec, unknown_key(name, known))
        elif not isinstance(spec, dict):
            reader.fail(field, spec, "must be a table")
        else:
            values = reader.numbers(
                {k: v for k, v in spec.items() if not (k == "cap" and v == "none")},
                _POINTS_KEYS,
                field,
            )
            rules[name] = PointsRule(**values)
    return rules


def _checklist(reader: _Reader, data: Mapping[str, Any]) -> tuple[ChecklistItem, ...]:
    items = []
    for name, spec in reader.table(data, "checklist", "checklist").items():
        field = f"checklist.{name}"
        if not isinstance(spec, dict):
            reader.fail(field, spec, "must be a table")
            continue
        reader.keys(spec, _CHECKLIST_KEYS, field)
        if "points" not in spec:
            reader.fail(f"{field}.points", None, "missing key")
            continue
        label = reader.string(spec.get("label", ""), f"{field}.label")
        items.append(ChecklistItem(name, label, reader.number(spec["points"], f"{field}.points")))
    return tuple(items)


def _answers(reader: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    answers = reader.table(data, "answers", "answers")
    reader.keys(answers, tuple(_ANSWER_CODES), "answers")
    out: dict[str, Any] = {}
    for section, codes in _ANSWER_CODES.items():
        if section not in answers:
            continue
        field = f"answers.{section}"
        given = reader.table(answers, section, field)
        out[f"{section}_values"] = reader.numbers(given, codes, field)
    return out


def _cap(reader: _Reader, table: Mapping[str, Any], key: str, default: Decimal | None) -> Any:  # noqa: ANN401 - a cap, None or the sentinel
    if key not in table:
        return default
    value = table[key]
    if value == "none":
        return None
    return reader.number(value, f"adjustments.{key}")


def _grades(reader: _Reader, value: object) -> Any:  # noqa: ANN401 - grades or the sentinel
    if not isinstance(value, list):
        return reader.fail("grades", value, "must be an array of tables")
    bands = []
    for i, band in enumerate(value):
        if not isinstance(band, dict) or set(band) != {"label", "min"}:
            reader.fail(f"grades[{i}]", band, "each band needs exactly 'label' and 'min'")
            continue
        label = reader.string(band["label"], f"grades[{i}].label")
        bands.append(Grade(label, reader.number(band["min"], f"grades[{i}].min")))
    return tuple(bands)


def _groups(reader: _Reader, ranking: Mapping[str, Any], default: Mapping[str, Any]) -> Any:  # noqa: ANN401 - groups or the sentinel
    groups = ranking.get("groups")
    if groups is None:
        return default
    if not isinstance(groups, dict):
        return reader.fail("ranking.groups", groups, "must be a table")
    return {g: reader.strings(k, f"ranking.groups.{g}") for g, k in groups.items()}


def parse(
    data: Mapping[str, Any], *, name: str, base: Rules
) -> tuple[dict[str, Any], list[tuple[str, object, str]]]:
    """Read a parsed rules file into ``Rules`` keyword arguments and the problems found.

    Args:
        data: The parsed TOML document.
        name: The name used when the document has no ``name``.
        base: The defaults (``Rules()``).

    Returns:
        The keyword arguments (meaningful only when there is no problem) and ``(field, value, reason)``
        for every problem.
    """
    r = _Reader(base)
    r.keys(data, tuple(SCHEMA), "")
    for key, known in SCHEMA.items():
        if known and key in data:
            r.keys(r.table(data, key, key), known, key)
    family = r.string(data.get("family", base.family), "family")
    declared = _components(r, data)
    known = (*BUILTIN_COMPONENTS, *(c.name for c in declared if c.name not in BUILTIN_COMPONENTS))
    weights_default: Mapping[str, Decimal] = (
        {} if family == "points" else dict(base.weights.items())
    )
    weights = r.table(data, "weights", "weights")
    callback, period = r.table(data, "callback", "callback"), r.table(data, "period", "period")
    eligibility = r.table(data, "eligibility", "eligibility")
    exclusions = r.table(data, "exclusions", "exclusions")
    adjustments = r.table(data, "adjustments", "adjustments")
    rounding, ranking = r.table(data, "rounding", "rounding"), r.table(data, "ranking", "ranking")
    guard = r.table(data, "guard", "guard")
    kwargs: dict[str, Any] = {
        "name": r.string(data.get("name", name), "name"),
        "title": r.string(data.get("title", ""), "title"),
        "source": r.string(data.get("source", ""), "source"),
        "assumed": r.strings(data.get("assumed", []), "assumed"),
        "family": family,
        "effective_from": r.optional_period(data.get("effective_from"), "effective_from"),
        "effective_to": r.optional_period(data.get("effective_to"), "effective_to"),
        "weights": r.numbers(weights, known, "weights") if "weights" in data else weights_default,
        "thresholds": r.numbers(r.table(data, "thresholds", "thresholds"), known, "thresholds"),
        "declared": declared,
        "points_rules": _points(r, data, known),
        "checklist": _checklist(r, data),
        **_answers(r, data),
        "unreachable": r.string(
            callback.get("unreachable", base.unreachable), "callback.unreachable"
        ),
        "refused": r.string(callback.get("refused", base.refused), "callback.refused"),
        "period_timestamp": r.string(
            period.get("timestamp", base.period_timestamp), "period.timestamp"
        ),
        "period_start_day": r.integer(
            period.get("start_day", base.period_start_day), "period.start_day"
        ),
        "timezone": r.string(period.get("timezone", base.timezone), "period.timezone"),
        "exclude_kinds": r.strings(
            eligibility.get("exclude_kinds", list(base.exclude_kinds)), "eligibility.exclude_kinds"
        ),
        "count_merged": r.boolean(
            eligibility.get("count_merged", base.count_merged), "eligibility.count_merged"
        ),
        "exclusion_categories": r.strings(
            exclusions.get("categories", list(base.exclusion_categories)), "exclusions.categories"
        ),
        "exclusion_approvers": r.strings(
            exclusions.get("approvers", list(base.exclusion_approvers)), "exclusions.approvers"
        ),
        "bonus_cap": _cap(r, adjustments, "bonus_cap", base.bonus_cap),
        "deduction_cap": _cap(r, adjustments, "deduction_cap", base.deduction_cap),
        "attribution": r.string(
            r.table(data, "attribution", "attribution").get("mode", base.attribution),
            "attribution.mode",
        ),
        "combine": r.string(
            r.table(data, "combine", "combine").get("months", base.combine), "combine.months"
        ),
        "places": r.integer(rounding.get("places", base.places), "rounding.places"),
        "rounding": r.string(rounding.get("mode", base.rounding), "rounding.mode"),
        "round_rates": r.boolean(
            rounding.get("round_rates", base.round_rates), "rounding.round_rates"
        ),
        "clamp": r.boolean(rounding.get("clamp", base.clamp), "rounding.clamp"),
        "ranking_groups": _groups(r, ranking, base.ranking_groups),
        "tie_break": r.strings(ranking.get("tie_break", list(base.tie_break)), "ranking.tie_break"),
        "grades": _grades(r, data["grades"]) if "grades" in data else base.grades,
        "min_valid_callbacks": r.integer(
            guard.get("min_valid_callbacks", base.min_valid_callbacks),
            "guard.min_valid_callbacks",
        ),
    }
    return kwargs, _unique(r.problems)


def _unique(problems: Iterable[tuple[str, object, str]]) -> list[tuple[str, object, str]]:
    """Drop repeats (a table refused once by every reader of it)."""
    seen: dict[tuple[str, str], tuple[str, object, str]] = {}
    for problem in problems:
        seen.setdefault((problem[0], problem[2]), problem)
    return list(seen.values())
