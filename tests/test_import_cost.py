"""Importing jiesu stays light: frame machinery and serialization load on first use (issue #10)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_HEAVY = ("narwhals", "pyarrow", "pandas", "polars", "duckdb", "pyspark")


def _loaded(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {m.split(".")[0] for m in json.loads(out.stdout)}


@pytest.mark.parametrize(
    "module",
    ["jiesu", "jiesu.model", "jiesu.calendar", "jiesu.routing", "jiesu.scoring", "jiesu.analytics"],
)
def test_import_loads_no_frame_machinery(module: str) -> None:
    loaded = _loaded(f"import {module}")
    assert not loaded.intersection(_HEAVY), loaded.intersection(_HEAVY)


def test_top_level_import_loads_nothing_heavy() -> None:
    loaded = _loaded("import jiesu")
    assert not loaded.intersection({"numpy", "pendulum", "cattrs", "attrs", *_HEAVY})


def test_scoring_import_leaves_serialization_unloaded() -> None:
    assert "cattrs" not in _loaded("import jiesu.scoring")


def test_frame_names_load_on_first_use() -> None:
    loaded = _loaded("from jiesu.scoring import score_frame, ColumnMap")
    assert "narwhals" in loaded
    assert "cattrs" in _loaded("from jiesu.model import dumps")
    assert "narwhals" in _loaded("from jiesu.analytics import find_repeats")


def test_lazy_names_are_the_modules_own() -> None:
    import jiesu.analytics  # noqa: PLC0415 - the module under test
    import jiesu.model  # noqa: PLC0415 - as above
    import jiesu.scoring  # noqa: PLC0415 - as above
    from jiesu.analytics import _repeats  # noqa: PLC0415 - as above
    from jiesu.model import _serial  # noqa: PLC0415 - as above
    from jiesu.scoring import _frames  # noqa: PLC0415 - as above

    assert jiesu.scoring.score_frame is _frames.score_frame
    assert jiesu.model.loads is _serial.loads
    assert jiesu.analytics.find_repeats is _repeats.find_repeats
    for module in (jiesu.scoring, jiesu.model, jiesu.analytics):
        assert all(getattr(module, name) is not None for name in module.__all__)
        with pytest.raises(AttributeError, match="has no attribute 'nope'"):
            _ = module.nope
