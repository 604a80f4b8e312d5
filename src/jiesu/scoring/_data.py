"""Exclusions and adjustments as data (剔除与加减分): approved requests, bonuses and deductions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.errors import RuleError, ValidationError
from jiesu.scoring._rules import to_decimal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from decimal import Decimal

    from jiesu.scoring._rules import Rules

__all__ = ["Adjustment", "Exclusion", "area_volume_many", "excluded_many"]


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name, value=value)


def _points(value: object) -> Decimal:
    try:
        number = to_decimal(value, field="points")
    except RuleError as exc:
        raise ValidationError(exc.reason, field="points", value=value) from None
    if number < 0:
        raise ValidationError(
            "must not be negative (use kind='deduction')", field="points", value=value
        )
    return number


def _kind(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value not in ("bonus", "deduction"):
        raise ValidationError("must be 'bonus' or 'deduction'", field=attribute.name, value=value)


@attrs.frozen
class Exclusion:
    """An approved request to leave a ticket out of evaluation (剔除 / 不纳入考评).

    Attributes:
        ticket_id: The ticket (工单编号).
        category: Why, e.g. ``unreasonable`` (不合理诉求) or ``malicious`` (恶意投诉).
        approver: Who approved it (审批单位).
        reason: Free text.

    Examples:
        >>> Exclusion("T1", "malicious", approver="区接诉即办中心").category
        'malicious'
    """

    ticket_id: str = attrs.field(validator=_non_empty)
    category: str = attrs.field(validator=_non_empty)
    approver: str = attrs.field(validator=_non_empty)
    reason: str = ""

    def applies(self, rules: Rules) -> tuple[bool, str]:
        """Whether the rules accept this exclusion, and why (or why not).

        Examples:
            >>> from jiesu.scoring import Rules
            >>> Exclusion("T1", "weather", approver="市中心").applies(Rules.preset("beijing-2021"))
            (False, "category 'weather' is not an exclusion category of beijing-2021")
        """
        if self.category not in rules.exclusion_categories:
            return False, f"category {self.category!r} is not an exclusion category of {rules.name}"
        if rules.exclusion_approvers and self.approver not in rules.exclusion_approvers:
            return (
                False,
                f"approver {self.approver!r} may not approve exclusions under {rules.name}",
            )
        return True, f"excluded: {self.category} approved by {self.approver}"


@attrs.frozen
class Adjustment:
    """A bonus or deduction for a unit in a period (加分 / 扣分), in points after weighting.

    Attributes:
        unit: The unit code.
        period: The period label.
        kind: ``"bonus"`` or ``"deduction"``.
        points: The points (≥ 0); the rules' caps apply to the total per unit and period.
        reason: Why, e.g. 疑难案件办理.
        source: Who granted it, e.g. 市民热线服务中心.

    Examples:
        >>> Adjustment("S01", "2025-03", "bonus", 0.2, reason="疑难案件", source="市中心").points
        Decimal('0.2')
    """

    unit: Any
    period: Any
    kind: Literal["bonus", "deduction"] = attrs.field(validator=_kind)
    points: Decimal = attrs.field(converter=_points)
    reason: str = ""
    source: str = ""


def excluded_many(
    ids: npt.ArrayLike, exclusions: Iterable[Exclusion], rules: Rules
) -> npt.NDArray[np.bool_]:
    """Which tickets an approved exclusion removes (剔除标记), for the array path.

    Args:
        ids: Ticket ids (工单编号), one per row.
        exclusions: Approved exclusions; those the rules do not accept are ignored.
        rules: The rules (exclusion categories and approvers).

    Returns:
        A boolean array, ``True`` where the row is excluded.

    Examples:
        >>> from jiesu.scoring import Rules
        >>> rules = Rules.preset("beijing-2021")
        >>> excluded_many(["T1", "T2"], [Exclusion("T2", "malicious", approver="区中心")], rules)
        array([False,  True])
    """
    accepted = [e.ticket_id for e in exclusions if e.applies(rules)[0]]
    return np.isin(np.asarray(ids), np.asarray(accepted, dtype=str))


def area_volume_many(
    areas: npt.ArrayLike,
    periods: npt.ArrayLike,
    *,
    parents: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], int]:
    """Complaints located in each area per period (属地诉求量), the ``area_volume`` of 万人诉求量.

    Each complaint counts for the area it is located in (a street, from routing) and for every area
    above it (``parents``: street → district), so a district's figure counts all its complaints.
    Complaints without an area (``""`` or ``None``) count for none.

    Args:
        areas: The area (unit code) each complaint is located in.
        periods: Each complaint's period label.
        parents: Area → parent area, e.g. ``{u.code: u.parent for u in units if u.parent}``.

    Returns:
        ``(area, period)`` → number of complaints.

    Raises:
        ValidationError: The arrays differ in length, or ``parents`` has a cycle.

    Examples:
        >>> area_volume_many(["S01", "S01", "S02", ""], ["2025-03"] * 4, parents={"S01": "D01", "S02": "D01"})
        {('D01', '2025-03'): 3, ('S01', '2025-03'): 2, ('S02', '2025-03'): 1}
    """
    area_col = np.asarray(areas, dtype=object).astype(str)
    period = np.asarray(periods, dtype=object).astype(str)
    if area_col.shape != period.shape:
        raise ValidationError(
            f"must have the same length as areas ({area_col.shape[0]})",
            field="periods",
            value=period.shape,
        )
    keys, counts = np.unique(
        np.stack([area_col, period], axis=-1).reshape(-1, 2), axis=0, return_counts=True
    )
    out: dict[tuple[str, str], int] = {}
    for (where, p), n in zip(keys.tolist(), counts.tolist(), strict=True):
        seen: set[str] = set()
        area: str = where
        while area not in {"", "None", "nan"}:
            if area in seen:
                raise ValidationError("the parents table has a cycle", field="parents", value=area)
            seen.add(area)
            out[area, p] = out.get((area, p), 0) + n
            area = (parents or {}).get(area, "")
    return dict(sorted(out.items()))
