from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from typing import TYPE_CHECKING

import jiesu.testing

if TYPE_CHECKING:
    import pytest


def test_entry_point_is_declared() -> None:
    points = importlib.metadata.entry_points(group="hypothesis")
    ours = [p for p in points if p.value == "jiesu.testing:_hypothesis_setup_hook"]
    assert len(ours) == 1
    assert ours[0].load() is jiesu.testing._hypothesis_setup_hook
    jiesu.testing._hypothesis_setup_hook()  # idempotent


def test_from_type_works_without_importing_jiesu_testing() -> None:
    code = (
        "import sys\n"
        "from hypothesis import given, settings, strategies as st\n"
        "from jiesu.model import Ticket\n"
        "@settings(max_examples=3, database=None)\n"
        "@given(st.from_type(Ticket))\n"
        "def check(t):\n"
        "    assert isinstance(t, Ticket)\n"
        "check()\n"
        "print('jiesu.testing' in sys.modules)\n"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "True"  # loaded by Hypothesis through the entry point


def test_importing_jiesu_testing_before_hypothesis_works() -> None:
    code = (
        "import jiesu.testing\n"
        "from hypothesis import strategies as st\n"
        "from jiesu.model import Ticket\n"
        "print(st.from_type(Ticket) is not None)\n"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "True"


def test_hook_waits_for_a_half_imported_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise AssertionError

    monkeypatch.setattr(jiesu.testing, "register", boom)
    monkeypatch.setattr(jiesu.testing, "_READY", False)
    jiesu.testing._hypothesis_setup_hook()  # does nothing until the module is ready
