"""Routing (派单): coordinates, territory, dispatch catalogue, router and returns.

* Coordinates (坐标): :func:`convert` / :func:`convert_many` between WGS-84/CGCS2000, GCJ-02 and BD-09;
  :func:`haversine_m` distances in metres.
* Territory (辖区): :class:`Territory` from GeoJSON, areas at levels, swap zones, :meth:`Territory.locate`
  and :meth:`Territory.locate_many`.
* Catalogue (派单目录): :class:`Catalogue` and :func:`load_units` from TOML, validated all at once.
* Router (派单器): :class:`Router` → :class:`Decision` with :meth:`Decision.explain`; a table of
  complaints at once with :func:`route_frame`.
* Returns (退单): :class:`ReturnPolicy` presets, :meth:`ReturnPolicy.check`, and the policy as a lifecycle
  guard (:meth:`ReturnPolicy.lifecycle`, :class:`ReturnGuard`).
"""

from jiesu.routing._catalogue import Catalogue, Category, Rule, RuleKind, Units, load_units
from jiesu.routing._coords import EARTH_RADIUS_M, convert, convert_many, haversine_m, in_china_box
from jiesu.routing._frames import ROUTE_COLUMNS, ROUTE_REASONS, route_frame
from jiesu.routing._returns import ReturnCheck, ReturnGuard, ReturnPolicy
from jiesu.routing._router import Decision, Rejected, RoutedRow, Router, RoutingBatch
from jiesu.routing._territory import (
    LEVELS,
    Area,
    LocateStatus,
    Placement,
    Placements,
    SwapZone,
    Territory,
    TieRule,
    load_swap_zones,
)

__all__ = [
    "EARTH_RADIUS_M",
    "LEVELS",
    "ROUTE_COLUMNS",
    "ROUTE_REASONS",
    "Area",
    "Catalogue",
    "Category",
    "Decision",
    "LocateStatus",
    "Placement",
    "Placements",
    "Rejected",
    "ReturnCheck",
    "ReturnGuard",
    "ReturnPolicy",
    "RoutedRow",
    "Router",
    "RoutingBatch",
    "Rule",
    "RuleKind",
    "SwapZone",
    "Territory",
    "TieRule",
    "Units",
    "convert",
    "convert_many",
    "haversine_m",
    "in_china_box",
    "load_swap_zones",
    "load_units",
    "route_frame",
]
