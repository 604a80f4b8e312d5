"""End to end on the sample: the routing loaders read the bundled files, every complaint routes, and the
simulated history for each routing decision is accepted by the lifecycle."""

from __future__ import annotations

import collections
from importlib.resources import as_file

from jiesu.model import Ticket
from jiesu.routing import Catalogue, Router, Territory, load_units
from jiesu.sample import data_file, generate_complaints, simulate


def _router() -> Router:
    with (
        as_file(data_file("units.toml")) as units_path,
        as_file(data_file("catalogue.toml")) as catalogue_path,
        as_file(data_file("areas.geojson")) as areas_path,
        as_file(data_file("swaps.geojson")) as swaps_path,
    ):
        units = load_units(units_path)
        catalogue = Catalogue.from_toml(catalogue_path, units=units)
        territory = Territory.from_geojson(areas_path, swap_zones=swaps_path)
    return Router(catalogue, territory, units)


def test_a_sample_month_routes_and_lives() -> None:
    router = _router()
    complaints = generate_complaints(year=2025, month=7, n=600, seed=5)
    leads: collections.Counter[str] = collections.Counter()
    for complaint in complaints:
        decision = router.route(complaint)
        leads[decision.lead] += 1
        events = simulate(
            complaint,
            lead=decision.lead,
            co_handlers=decision.co_handlers,
            seed=5,
            mode=decision.mode,
        )
        assert Ticket.from_events(complaint, events).state == "archived"
    streets = sum(n for code, n in leads.items() if code.startswith("S") and "-" not in code)
    assert streets > 0
    assert sum(n for code, n in leads.items() if code.startswith("D-")) > streets
    assert any(code.startswith("P-") for code in leads)
