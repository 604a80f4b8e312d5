"""jiesu (接诉): a domain SDK for China's 12345 citizen hotlines (接诉即办).

Subpackages:

- :mod:`jiesu.model`: complaints, tickets and their lifecycle (工单与流转).
- :mod:`jiesu.calendar`: statutory holidays, adjusted working days (调休), deadlines and SLA clocks.
- :mod:`jiesu.routing`: the responsible unit by function (职能) and territory (属地).
- :mod:`jiesu.scoring`: response, resolution and satisfaction rates (三率) and rankings.
- :mod:`jiesu.io`: readers and writers of ticket exports (CSV, Excel, Parquet, JSON Lines, Open311).
- :mod:`jiesu.testing`: hypothesis strategies for property-based tests.
- :mod:`jiesu.errors`: the typed errors every entry point raises.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jiesu")
except (
    PackageNotFoundError
):  # pragma: no cover - only when run from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
