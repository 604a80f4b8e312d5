"""The dispatch catalogue (派单目录) and the unit registry (承办单位), loaded from versioned TOML."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import attrs

from jiesu._frozen import FrozenMap
from jiesu._loader import Doc, read_toml, suggest, undotted
from jiesu.errors import DataFileError, Problem, ValidationError
from jiesu.model import LabelledEnum, Unit, UnitKind
from jiesu.routing._coords import File, PathLike, as_path

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["Catalogue", "Category", "Rule", "RuleKind", "Units", "load_units"]

_AREA_LEVELS: Final = ("district", "street", "community")
_LOCAL_KINDS: Final = frozenset({UnitKind.STREET, UnitKind.TOWNSHIP, UnitKind.COMMUNITY})


class RuleKind(LabelledEnum):
    """How a catalogue rule names the responsible unit (派单规则类型)."""

    FUNCTIONAL = "functional", "职能部门"
    TERRITORIAL = "territorial", "属地"
    OWNER = "owner", "权属单位"
    BACKSTOP = "backstop", "区级兜底"


@attrs.frozen
class Category:
    """A category of the dispatch catalogue (诉求分类), at level 1, 2 or 3.

    Attributes:
        code: The category code (``"01"``, ``"01.01"``, ``"01.01.01"``).
        name: The Chinese name.
        parent: The parent category's code, ``None`` at level 1.
        level: 1, 2 or 3 (the depth in the tree).
        position: The category's position in its file (``category[i]``), for messages.
    """

    code: str
    name: str
    parent: str | None = None
    level: int = 1
    position: int = 0


@attrs.frozen
class Rule:
    """A catalogue rule (派单规则): who leads a category's tickets, from when to when, and why.

    Attributes:
        category: The category code the rule covers (and every category below it without its own rule).
        kind: Functional unit, territorial area unit at a level, owner attribute, or district backstop.
        unit: The lead unit for ``functional`` (and optionally ``backstop``) rules.
        level: The area level for ``territorial`` rules (``district``, ``street`` or ``community``).
        owner_attribute: The complaint attribute naming the owner unit, for ``owner`` rules.
        co_handlers: Units that cooperate (协办).
        legal_basis: The law, 三定 mandate or duty list behind the rule (法律依据).
        effective_from: The first day the rule holds (in a file: the catalogue's own when left out).
        effective_to: The last day the rule holds (inclusive), ``None`` when open.
        source: The document the rule comes from.
        position: The rule's position in its file (``rule[i]``), for messages.

    Examples:
        >>> import datetime as dt
        >>> r = Rule("01.01.01", RuleKind.FUNCTIONAL, unit="D-ZJW", effective_from=dt.date(2025, 1, 1))
        >>> r.in_force(dt.date(2024, 12, 31)), r.in_force(dt.date(2025, 6, 1))
        (False, True)
    """

    category: str
    kind: RuleKind
    unit: str | None = None
    level: str | None = None
    owner_attribute: str | None = None
    co_handlers: tuple[str, ...] = ()
    legal_basis: str | None = None
    effective_from: dt.date = dt.date.min
    effective_to: dt.date | None = None
    source: str | None = None
    position: int = 0

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule holds on date ``on`` (生效中)."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def describe(self) -> str:
        """A short label (规则摘要) such as ``rule[3] 01.01.01 functional → D-ZJW``."""
        target = {
            RuleKind.FUNCTIONAL: self.unit,
            RuleKind.TERRITORIAL: self.level,
            RuleKind.OWNER: self.owner_attribute,
            RuleKind.BACKSTOP: self.unit or "district",
        }[self.kind]
        return f"rule[{self.position}] {self.category} {self.kind.value} → {target}"


@attrs.frozen
class Units:
    """The registry of handling units (承办单位名录), keyed by code.

    Attributes:
        units: The units in file order.
        source: Where the list comes from.

    Examples:
        >>> from jiesu.model import Unit
        >>> units = Units((Unit("D01", "示例区", "district"), Unit("S01", "东街道", "street", parent="D01")))
        >>> units["S01"].name, "S09" in units, units.district().code
        ('东街道', False, 'D01')
    """

    units: tuple[Unit, ...]
    source: str | None = None
    _by_code: Mapping[str, Unit] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the units by code."""
        object.__setattr__(self, "_by_code", FrozenMap({u.code: u for u in self.units}))

    def __getitem__(self, code: str) -> Unit:
        """The unit with ``code``.

        Raises:
            ValidationError: No such unit.
        """
        try:
            return self._by_code[code]
        except KeyError:
            raise ValidationError("unknown unit code", field="unit", value=code) from None

    def __contains__(self, code: object) -> bool:
        """Whether a unit has this code."""
        return code in self._by_code

    def __iter__(self) -> Iterator[Unit]:
        """The units in file order."""
        return iter(self.units)

    def __len__(self) -> int:
        """The number of units."""
        return len(self.units)

    def district(self) -> Unit:
        """The district unit (区政府), the backstop for unclear duty (兜底).

        Raises:
            ValidationError: There is not exactly one unit of kind ``district``.
        """
        found = [u for u in self.units if u.kind is UnitKind.DISTRICT]
        if len(found) != 1:
            raise ValidationError(
                "needs exactly one unit of kind 'district' for the backstop",
                field="units",
                value=[u.code for u in found],
            )
        return found[0]


def _read_toml(path: File) -> Doc:
    return read_toml(path, source=path.name)


def _located(doc: Doc, problems: list[Problem]) -> list[Problem]:
    """The problems of ``doc`` (rows naming the file) with ``file:line`` as their row."""
    return [
        attrs.evolve(p, row=doc.where(undotted(p.field))) if p.row == doc.source else p
        for p in problems
    ]


def _unknown(
    table: dict[str, Any], where: str, allowed: tuple[str, ...], file: str, problems: list[Problem]
) -> None:
    problems.extend(
        Problem(file, f"{where}.{key}" if where else key, None, suggest(key, allowed))
        for key in table
        if key not in allowed
    )


_UNITS_KEYS: Final = ("source", "unit")
_UNIT_KEYS: Final = ("code", "name", "kind", "parent", "population")
_CATALOGUE_KEYS: Final = ("catalogue", "category", "rule")
_HEADER_KEYS: Final = ("name", "version", "effective_from", "source", "backstop_unit")
_CATEGORY_KEYS: Final = ("code", "name", "parent")
_RULE_KEYS: Final = (
    "category",
    "kind",
    "unit",
    "level",
    "owner_attribute",
    "co_handlers",
    "legal_basis",
    "effective_from",
    "effective_to",
    "source",
)


def _tables(
    doc: dict[str, Any], key: str, file: str, problems: list[Problem]
) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(file, key, value, f"must be an array of tables [[{key}]]"))
        return []
    return value


def _read_units(path: File) -> tuple[list[Unit], list[Problem], str | None]:
    doc = _read_toml(path)
    file = doc.source
    problems: list[Problem] = []
    top: dict[str, Any] = doc.data
    _unknown(top, "", _UNITS_KEYS, file, problems)
    source = top.get("source")
    if source is not None and not isinstance(source, str):
        problems.append(Problem(file, "source", source, "must be a string"))
    units: list[Unit] = []
    positions: list[int] = []
    seen: set[str] = set()
    for i, table in enumerate(_tables(top, "unit", file, problems)):
        key = f"unit[{i}]"
        _unknown(table, key, _UNIT_KEYS, file, problems)
        try:
            unit = Unit(
                code=table.get("code"),  # type: ignore[arg-type]  # validated by Unit
                name=table.get("name"),  # type: ignore[arg-type]  # validated by Unit
                kind=table.get("kind"),
                parent=table.get("parent"),
                population=table.get("population"),
            )
        except ValidationError as exc:
            problems.append(Problem(file, f"{key}.{exc.field}", exc.value, exc.reason))
            if isinstance(
                table.get("code"), str
            ):  # still a known code: no cascade of unknown parents
                seen.add(table["code"])
            continue
        if unit.code in seen:
            problems.append(Problem(file, f"{key}.code", unit.code, "duplicate unit code"))
            continue
        seen.add(unit.code)
        units.append(unit)
        positions.append(i)
    problems.extend(
        Problem(file, f"unit[{i}].parent", unit.parent, "unknown parent unit code")
        for i, unit in zip(positions, units, strict=True)
        if unit.parent is not None and unit.parent not in seen
    )
    problems.extend(_cycles(units, file))
    return units, _located(doc, problems), source if isinstance(source, str) else None


def _cycles(units: list[Unit], file: str) -> list[Problem]:
    parent = {u.code: u.parent for u in units}
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        if node is not None and node in path:
            cycle = path[path.index(node) :]
            if not reported & set(cycle):
                reported.update(cycle)
                problems.append(
                    Problem(
                        file, "unit.parent", " → ".join([*cycle, node]), "cycle in the unit tree"
                    )
                )
    return problems


def load_units(path: PathLike) -> Units:
    """Load the unit registry (承办单位名录) from TOML.

    The file holds ``[[unit]]`` tables with ``code``, ``name``, ``kind`` (a :class:`jiesu.model.UnitKind`
    code or label), ``parent`` (a code, optional) and ``population`` (optional); an optional top-level
    ``source`` names where the list comes from. Every problem is collected: bad fields, duplicate codes,
    unknown parents and cycles in the tree.

    Args:
        path: The TOML file.

    Returns:
        The registry.

    Raises:
        DataFileError: The file cannot be read or is not UTF-8 TOML, or one or more units are bad: every
            problem at once, as ``file:line: key: reason (got value)`` (a ``DataFormatError`` and a
            ``ValidationReport``); unknown keys are refused with the nearest known key suggested.

    Examples:
        >>> from jiesu.sample import data_file
        >>> units = load_units(data_file("units.toml"))
        >>> len(units), units.district().code
        (145, 'SLQ')
    """
    path = as_path(path)
    units, problems, source = _read_units(path)
    if problems:
        raise DataFileError(path.name, problems, total=len(units) + len(problems))
    return Units(tuple(units), source=source)


def _date(
    value: object, file: str, key: str, problems: list[Problem], *, required: bool
) -> dt.date | None:
    if value is None:
        if required:
            problems.append(Problem(file, key, None, "is required (a TOML date, e.g. 2025-01-01)"))
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    problems.append(Problem(file, key, value, "must be a TOML date (e.g. 2025-01-01)"))
    return None


def _str(
    table: dict[str, Any],
    name: str,
    file: str,
    key: str,
    problems: list[Problem],
    *,
    required: bool,
) -> str | None:
    value = table.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(file, f"{key}.{name}", value, "must be a non-empty string"))
        return None
    return value


@attrs.frozen
class Catalogue:
    """A versioned dispatch catalogue (派单目录): a three-level category tree and rules per category.

    Load it with :meth:`from_toml`; see the routing docs for the file format. A category without a rule of
    its own uses the nearest ancestor's rule; a category with no rule at all goes to the district backstop.

    Attributes:
        name: The catalogue's name.
        version: The version string (版本).
        effective_from: The first day this version holds.
        categories: The categories in file order.
        rules: The rules in file order.
        source: The document the catalogue comes from.
        backstop_unit: The backstop unit's code, if the file names one (else the units' district).
        path: The file it was loaded from, if any.

    Examples:
        >>> import datetime as dt
        >>> cat = Catalogue(
        ...     name="示例", version="1", effective_from=dt.date(2025, 1, 1),
        ...     categories=(Category("01", "城乡建设"), Category("01.01", "占道", "01", 2)),
        ...     rules=(Rule("01", RuleKind.TERRITORIAL, level="street"),),
        ... )
        >>> cat.rule_for("01.01", dt.date(2025, 3, 1)).kind.value
        'territorial'
    """

    name: str
    version: str
    effective_from: dt.date
    categories: tuple[Category, ...]
    rules: tuple[Rule, ...]
    source: str | None = None
    backstop_unit: str | None = None
    path: str | None = None
    _cats: Mapping[str, Category] = attrs.field(init=False, eq=False, repr=False)
    _by_cat: Mapping[str, tuple[Rule, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the categories and rules by category code."""
        object.__setattr__(self, "_cats", FrozenMap({c.code: c for c in self.categories}))
        by_cat: dict[str, list[Rule]] = {}
        for rule in self.rules:
            by_cat.setdefault(rule.category, []).append(rule)
        object.__setattr__(self, "_by_cat", FrozenMap({k: tuple(v) for k, v in by_cat.items()}))

    @classmethod
    def from_toml(cls, path: PathLike, *, units: Units | PathLike | None = None) -> Catalogue:
        """Load and validate a catalogue (读取派单目录), collecting every problem at once.

        Checks: the ``[catalogue]`` header; category codes, names and parents (a known parent one level
        up); rule kinds and their required keys; effective dates (``effective_to`` not before
        ``effective_from``; rules of one category must not overlap in time); categories without a rule
        (their own or an ancestor's); and, given ``units``, unknown unit codes, functional rules naming a
        street/township/community (functional matters are never pushed down to streets, [GB-66]), and
        — when ``units`` is a file — the unit file's own problems, cycles in the unit tree included.

        Args:
            path: The catalogue TOML file.
            units: The unit registry or its TOML file, to check unit codes against.

        Returns:
            The catalogue.

        Raises:
            DataFileError: A file cannot be read or is not UTF-8 TOML, or every problem found, each as
                ``file:line: key: reason (got value)`` (a ``DataFormatError`` and a ``ValidationReport``).

        Examples:
            >>> from jiesu.sample import data_file
            >>> cat = Catalogue.from_toml(data_file("catalogue.toml"), units=data_file("units.toml"))
            >>> cat.version, len(cat.categories), len(cat.rules)
            ('2025.1', 198, 134)
        """
        path = as_path(path)
        doc = _read_toml(path)
        file = doc.source
        top: dict[str, Any] = doc.data
        problems: list[Problem] = []
        _unknown(top, "", _CATALOGUE_KEYS, file, problems)
        registry: dict[str, Unit] | None = None
        if not isinstance(units, Units) and units is not None:
            unit_list, unit_problems, _ = _read_units(as_path(units))
            problems.extend(unit_problems)
            registry = {u.code: u for u in unit_list}
        elif units is not None:
            registry = {u.code: u for u in units}
        header = top.get("catalogue")
        if not isinstance(header, dict):
            problems.append(Problem(file, "catalogue", header, "needs a [catalogue] table"))
            header = {}
        _unknown(header, "catalogue", _HEADER_KEYS, file, problems)
        name = _str(header, "name", file, "catalogue", problems, required=True)
        version = _str(header, "version", file, "catalogue", problems, required=True)
        effective = _date(
            header.get("effective_from"), file, "catalogue.effective_from", problems, required=True
        )
        source = _str(header, "source", file, "catalogue", problems, required=False)
        backstop = _str(header, "backstop_unit", file, "catalogue", problems, required=False)
        if backstop is not None and registry is not None and backstop not in registry:
            problems.append(Problem(file, "catalogue.backstop_unit", backstop, "unknown unit code"))
        categories = _categories(_tables(top, "category", file, problems), file, problems)
        codes = {c.code for c in categories}
        spans: list[_Span] = []
        rules = [
            rule
            for i, table in enumerate(_tables(top, "rule", file, problems))
            if (
                rule := _rule(
                    table,
                    i,
                    file=file,
                    problems=problems,
                    codes=codes,
                    registry=registry,
                    spans=spans,
                    default_from=effective,
                )
            )
            is not None
        ]
        _overlaps(spans, file, problems)
        _unruled(categories, spans, file, problems)
        if problems:
            total = len(categories) + len(rules) + 1
            raise DataFileError(file, _located(doc, problems), total=total)
        return cls(
            name=name,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
            version=version,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
            effective_from=effective,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
            categories=tuple(categories),
            rules=tuple(rules),
            source=source,
            backstop_unit=backstop,
            path=str(path),
        )

    def in_force(self, on: dt.date) -> bool:
        """Whether this version holds (生效) on date ``on``."""
        return self.effective_from <= on

    def category(self, code: str) -> Category | None:
        """The category (分类) with ``code``, or ``None``."""
        return self._cats.get(code)

    def lineage(self, code: str) -> tuple[str, ...]:
        """The category and its ancestors (上级分类), most specific first (unknown codes give just themselves)."""
        out = [code]
        node = self._cats.get(code)
        while node is not None and node.parent is not None and node.parent not in out:
            out.append(node.parent)
            node = self._cats.get(node.parent)
        return tuple(out)

    def rules_for(self, code: str) -> tuple[Rule, ...]:
        """Every rule (规则) written for exactly this category, in file order."""
        return self._by_cat.get(code, ())

    def rule_for(self, code: str, on: dt.date) -> Rule | None:
        """The rule in force (在用规则) on ``on`` for ``code`` or its nearest ancestor, or ``None``."""
        for cat in self.lineage(code):
            for rule in self.rules_for(cat):
                if rule.in_force(on):
                    return rule
        return None


def _categories(tables: list[dict[str, Any]], file: str, problems: list[Problem]) -> list[Category]:
    found: dict[str, dict[str, Any]] = {}
    for i, table in enumerate(tables):
        key = f"category[{i}]"
        _unknown(table, key, _CATEGORY_KEYS, file, problems)
        code = _str(table, "code", file, key, problems, required=True)
        _str(table, "name", file, key, problems, required=True)
        parent = _str(table, "parent", file, key, problems, required=False)
        if code is None:
            continue
        if code in found:
            problems.append(Problem(file, f"{key}.code", code, "duplicate category code"))
            continue
        found[code] = {
            **table,
            "parent": parent,
            "_key": key,
        }  # a parent of the wrong type is dropped
    cats: list[Category] = []
    for code, table in found.items():
        parent = table.get("parent")
        key = table["_key"]
        level = 1
        if parent is not None:
            if parent not in found:
                problems.append(Problem(file, f"{key}.parent", parent, "unknown parent category"))
            node, level = parent, 2
            while node in found and found[node].get("parent") is not None and level <= 3:  # noqa: PLR2004 - three levels
                node, level = found[node]["parent"], level + 1
        if level > 3:  # noqa: PLR2004 - the catalogue has three levels
            problems.append(
                Problem(file, f"{key}.parent", parent, "categories have at most three levels")
            )
        position = int(key[len("category[") : -1])
        cats.append(Category(code, str(table.get("name", "")), parent, min(level, 3), position))
    return cats


def _rule(
    table: dict[str, Any],
    i: int,
    *,
    file: str,
    problems: list[Problem],
    codes: set[str],
    registry: dict[str, Unit] | None,
    spans: list[_Span],
    default_from: dt.date | None = None,
) -> Rule | None:
    key = f"rule[{i}]"
    _unknown(table, key, _RULE_KEYS, file, problems)
    before = len(problems)
    category = _str(table, "category", file, key, problems, required=True)
    if category is not None and category not in codes:
        problems.append(Problem(file, f"{key}.category", category, "unknown category code"))
    try:
        kind = RuleKind.parse(table.get("kind"), field=f"{key}.kind")
    except ValidationError as exc:
        problems.append(Problem(file, f"{key}.kind", table.get("kind"), exc.reason))
        kind = None
    unit = _str(table, "unit", file, key, problems, required=kind is RuleKind.FUNCTIONAL)
    level = table.get("level")
    if kind is RuleKind.TERRITORIAL and level not in _AREA_LEVELS:
        problems.append(
            Problem(file, f"{key}.level", level, f"must be one of {', '.join(_AREA_LEVELS)}")
        )
    owner = _str(table, "owner_attribute", file, key, problems, required=kind is RuleKind.OWNER)
    co = table.get("co_handlers", [])
    if not isinstance(co, list) or not all(isinstance(c, str) for c in co):
        problems.append(Problem(file, f"{key}.co_handlers", co, "must be a list of unit codes"))
        co = []
    if unit is not None and unit in co:
        problems.append(
            Problem(file, f"{key}.co_handlers", unit, "the lead unit cannot also co-handle")
        )
    if registry is not None:
        problems.extend(_unit_problems(key, file, kind=kind, unit=unit, co=co, registry=registry))
    raw_start = table.get("effective_from")
    start = (
        default_from
        if raw_start is None and default_from is not None
        else _date(raw_start, file, f"{key}.effective_from", problems, required=True)
    )
    end = _date(table.get("effective_to"), file, f"{key}.effective_to", problems, required=False)
    if start is not None and end is not None and end < start:
        problems.append(Problem(file, f"{key}.effective_to", end, "is before effective_from"))
    elif category is not None and start is not None:
        # Dates are checked across rules even when another key of this rule is bad.
        spans.append(_Span(category, start, end, i))
    legal = _str(table, "legal_basis", file, key, problems, required=False)
    source = _str(table, "source", file, key, problems, required=False)
    if len(problems) > before:
        return None
    return Rule(
        category=category,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
        kind=kind,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
        unit=unit,
        level=level if kind is RuleKind.TERRITORIAL else None,
        owner_attribute=owner,
        co_handlers=tuple(co),
        legal_basis=legal,
        effective_from=start,  # type: ignore[arg-type]  # required: a problem was recorded otherwise
        effective_to=end,
        source=source,
        position=i,
    )


def _unit_problems(
    key: str,
    file: str,
    *,
    kind: RuleKind | None,
    unit: str | None,
    co: list[str],
    registry: dict[str, Unit],
) -> list[Problem]:
    out = [
        Problem(file, f"{key}.{name}", code, "unknown unit code")
        for name, code in [("unit", unit), *((f"co_handlers[{j}]", c) for j, c in enumerate(co))]
        if code is not None and code not in registry
    ]
    if kind is RuleKind.FUNCTIONAL and unit in registry and registry[unit].kind in _LOCAL_KINDS:
        out.append(
            Problem(
                file,
                f"{key}.unit",
                unit,
                f"a functional rule names a {registry[unit].kind.value}: functional matters are "
                "never pushed down to streets ([GB-66]); use a territorial rule",
            )
        )
    return out


class _Span(NamedTuple):
    """A rule's category and period, kept even when another key of the rule is bad."""

    category: str
    effective_from: dt.date
    effective_to: dt.date | None
    position: int


def _overlaps(rules: list[_Span], file: str, problems: list[Problem]) -> None:
    by_cat: dict[str, list[_Span]] = {}
    for rule in rules:
        by_cat.setdefault(rule.category, []).append(rule)
    for group in by_cat.values():
        group.sort(key=lambda r: r.effective_from)
        for a, b in itertools.pairwise(group):
            if a.effective_to is None or b.effective_from <= a.effective_to:
                problems.append(
                    Problem(
                        file,
                        f"rule[{b.position}].effective_from",
                        b.effective_from,
                        f"overlaps rule[{a.position}] for category {a.category} "
                        f"({a.effective_from}..{a.effective_to or 'open'})",
                    )
                )


def _unruled(
    categories: list[Category], rules: list[_Span], file: str, problems: list[Problem]
) -> None:
    ruled = {r.category for r in rules}
    parents = {c.parent for c in categories}
    by_code = {c.code: c for c in categories}
    for cat in categories:
        if cat.code in parents:
            continue  # only leaves need a rule; inner categories pass theirs down
        node: Category | None = cat
        seen: set[str] = set()
        while node is not None and node.code not in ruled and node.code not in seen:
            seen.add(node.code)
            node = by_code.get(node.parent) if node.parent is not None else None
        if node is None or node.code not in ruled:
            problems.append(
                Problem(
                    file,
                    f"category[{cat.position}].code",
                    cat.code,
                    "has no rule (its own or an ancestor's)",
                )
            )
