"""Every data-file loader, fuzzed: it loads the file or raises a jiesu error naming the file.

The inputs are random bytes, and the real bundled files with one key misspelt or one value replaced by a
value of another type. A misspelt key must be refused (with the nearest key suggested) wherever the key is
not a name the file chooses itself (a state name, a date of ``hours_by_date``).
"""

from __future__ import annotations

import json
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.calendar import CalendarOverlay, DeadlinePolicy, HolidayData
from jiesu.calendar._groups import _read as read_groups
from jiesu.errors import JiesuError
from jiesu.model import Lifecycle
from jiesu.routing import Catalogue, ReturnPolicy, Territory, load_swap_zones, load_units
from jiesu.sample import data_file

if TYPE_CHECKING:
    from collections.abc import Callable

from jiesu._loader import parse_toml

OVERLAY = """\
name = "凉山州"
source = "凉府办发〔2010〕31号"
every_day = false
working_days = [2011-07-23]
hours = "08:00-12:00"

[hours_by_date]
"2011-07-23" = "09:00-11:00"

[[days_off]]
name = "火把节"
en = "Torch Festival"
start = 2011-07-25
end = 2011-07-29
"""


def _bundled(package: str, *parts: str) -> str:
    return (resources.files(package).joinpath(*parts)).read_text(encoding="utf-8")


def _via_file(load: Callable[[Path], object], name: str) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            return load(path)

    return run


def _returns(path: Path) -> object:
    return [ReturnPolicy.from_toml(path, name=n) for n in ("beijing", "shandong", "lvliang")]


_UNITS = load_units(data_file("units.toml"))

# name → (file name in messages, loader of bytes, the real file's text, keys the file names itself)
LOADERS: dict[str, tuple[str, Callable[[bytes], object], str, frozenset[str]]] = {
    "lifecycle": (
        "lifecycle-beijing.toml",
        lambda b: Lifecycle.from_toml_text(b, where="lifecycle-beijing.toml"),
        _bundled("jiesu.model", "presets", "lifecycle-beijing.toml"),
        frozenset(Lifecycle.preset("beijing")._states),
    ),
    "deadlines": (
        "lvliang.toml",
        lambda b: DeadlinePolicy.from_text(b, "lvliang.toml"),
        _bundled("jiesu.calendar", "presets", "lvliang.toml"),
        frozenset(),
    ),
    "deadlines-sample": (
        "deadlines.toml",
        _via_file(DeadlinePolicy.from_toml, "deadlines.toml"),
        data_file("deadlines.toml").read_text(encoding="utf-8"),
        frozenset(),
    ),
    "overlay": (
        "overlay.toml",
        _via_file(CalendarOverlay.from_toml, "overlay.toml"),
        OVERLAY,
        frozenset({"2011-07-23"}),
    ),
    "holiday-year": (
        "2020.toml",
        _via_file(lambda p: HolidayData.from_texts([("2020.toml", p.read_bytes())]), "2020.toml"),
        _bundled("jiesu.calendar", "data", "2020.toml"),
        frozenset(),
    ),
    "holiday-file": (
        "2025.toml",
        _via_file(lambda p: HolidayData(()).with_file(p), "2025.toml"),
        _bundled("jiesu.calendar", "data", "2025.toml"),
        frozenset(),
    ),
    "groups": (
        "groups.toml",
        lambda b: read_groups(parse_toml(b, source="groups.toml")),
        _bundled("jiesu.calendar", "data", "groups.toml"),
        frozenset(),
    ),
    "units": (
        "units.toml",
        _via_file(load_units, "units.toml"),
        data_file("units.toml").read_text(encoding="utf-8"),
        frozenset(),
    ),
    "catalogue": (
        "catalogue.toml",
        _via_file(lambda p: Catalogue.from_toml(p, units=_UNITS), "catalogue.toml"),
        data_file("catalogue.toml").read_text(encoding="utf-8"),
        frozenset(),
    ),
    "returns": (
        "returns.toml",
        _via_file(_returns, "returns.toml"),
        _bundled("jiesu.routing", "presets", "returns.toml"),
        frozenset(),
    ),
    "areas": (
        "areas.geojson",
        _via_file(Territory.from_geojson, "areas.geojson"),
        data_file("areas.geojson").read_text(encoding="utf-8"),
        frozenset(),
    ),
    "swaps": (
        "swaps.geojson",
        _via_file(load_swap_zones, "swaps.geojson"),
        data_file("swaps.geojson").read_text(encoding="utf-8"),
        frozenset(),
    ),
}
TOML = [name for name in LOADERS if not name.endswith(("areas", "swaps"))]
JSON = ["areas", "swaps"]

FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_N", "25")), deadline=None)


def _outcome(name: str, data: bytes) -> str | None:
    """``None`` when the file loads, else the message of the jiesu error (anything else fails the test)."""
    file, load, _, _ = LOADERS[name]
    try:
        load(data)
    except JiesuError as err:
        message = str(err)
        is_value_error = isinstance(err, ValueError)
    else:
        return None
    assert file in message, message
    assert is_value_error
    return message


@pytest.mark.parametrize("name", LOADERS)
def test_the_real_file_loads(name: str) -> None:
    assert _outcome(name, LOADERS[name][2].encode("utf-8")) is None


@pytest.mark.parametrize("name", LOADERS)
@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_load_or_name_the_file(name: str, data: bytes) -> None:
    _outcome(name, data)


@pytest.mark.parametrize("name", ["deadlines", "lifecycle", "overlay"])
def test_a_file_that_is_not_utf8_names_the_file(name: str) -> None:
    data = LOADERS[name][2].encode("utf-16")
    message = _outcome(name, data)
    assert message is not None
    assert "not UTF-8 text" in message


_KEY = re.compile(r"(?:^|\{\s*|,\s*)([A-Za-z_][\w-]*)(?=\s*=)")
_VALUE = re.compile(r"^(\s*[A-Za-z_][\w-]*\s*=\s*)(.+)$")
_WRONG = ['"x"', "1", "true", "1.5", "[1]", "2025-01-01", "{ a = 1 }", '"false"', '"0.2x"', "[]"]


def _keys(text: str) -> list[tuple[int, int, str]]:
    """Every key of the text outside comments: (start, end, key)."""
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            found += [
                (offset + m.start(1), offset + m.end(1), m.group(1)) for m in _KEY.finditer(line)
            ]
        offset += len(line)
    return found


def _misspell(key: str, index: int, how: int) -> str:
    i = index % len(key)
    if how == 0 and len(key) > 1:
        out = key[:i] + key[i + 1 :]
    elif how == 1:
        out = key[:i] + key[i] + key[i:]
    elif how == 2 and len(key) > 1:
        j = min(i, len(key) - 2)
        out = key[:j] + key[j + 1] + key[j] + key[j + 2 :]
    else:
        out = key[:i] + ("x" if key[i] != "x" else "y") + key[i + 1 :]
    return out if out != key else key + "x"


@pytest.mark.parametrize("name", TOML)
@FUZZ
@given(pick=st.integers(0, 10**6), index=st.integers(0, 50), how=st.integers(0, 3))
def test_a_misspelt_key_is_refused_with_the_file_named(
    name: str, pick: int, index: int, how: int
) -> None:
    _, _, text, freeform = LOADERS[name]
    keys = _keys(text)
    start, end, key = keys[pick % len(keys)]
    typo = _misspell(key, index, how)
    message = _outcome(name, (text[:start] + typo + text[end:]).encode("utf-8"))
    if message is None:
        assert key in freeform, f"{key!r} misspelt as {typo!r} was accepted"


@pytest.mark.parametrize("name", TOML)
@FUZZ
@given(pick=st.integers(0, 10**6), wrong=st.sampled_from(_WRONG))
def test_a_value_of_another_type_loads_or_names_the_file(name: str, pick: int, wrong: str) -> None:
    _, _, text, _ = LOADERS[name]
    lines = text.splitlines()
    candidates = [
        i
        for i, line in enumerate(lines)
        if _VALUE.match(line) and not line.lstrip().startswith("#")
    ]
    i = candidates[pick % len(candidates)]
    match = _VALUE.match(lines[i])
    assert match is not None
    lines[i] = match.group(1) + wrong
    _outcome(name, "\n".join(lines).encode("utf-8"))


def _paths(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:3]):  # a few elements are enough
            out += _paths(value, (*path, i))
    return out


_JSON_WRONG: list[object] = ["x", 1, True, 1.5, [1], None, {"a": 1}, 10**30]


@pytest.mark.parametrize("name", JSON)
@FUZZ
@given(pick=st.integers(0, 10**6), wrong=st.sampled_from(_JSON_WRONG), rename=st.booleans())
def test_a_geojson_member_renamed_or_retyped_loads_or_names_the_file(
    name: str, pick: int, wrong: object, *, rename: bool
) -> None:
    doc = json.loads(LOADERS[name][2])
    paths = _paths(doc)
    path = paths[pick % len(paths)]
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if rename and isinstance(last, str):
        parent[last + "x"] = parent.pop(last)
    else:
        parent[last] = wrong
    _outcome(name, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "deadlines",
            "warn_fraction = 0.2",
            "warn_fracton = 0.2",
            (
                r"^lvliang\.toml:11: warn_fracton: unknown key 'warn_fracton'; did you mean 'warn_fraction'\? "
                r"allowed: assumed, limits, max_extension, .*, warn_fraction$"
            ),
        ),
        (
            "deadlines",
            "restart_on_redispatch = true",
            'restart_on_redispatch = "false"',
            r"^lvliang\.toml:10: restart_on_redispatch: must be true or false \(got 'false'\)$",
        ),
        (
            "deadlines",
            "warn_fraction = 0.2",
            'warn_fraction = "0.2x"',
            r"^lvliang\.toml:11: warn_fraction: must be a number \(got '0\.2x'\)$",
        ),
        (
            "overlay",
            "working_days =",
            "workingdays =",
            r"overlay\.toml:4: workingdays: unknown key 'workingdays'; did you mean 'working_days'\? ",
        ),
        (
            "units",
            'kind = "district"',
            'knd = "district"',
            r"units\.toml:8: unit\[0\]\.knd: unknown key 'knd'; did you mean 'kind'\? ",
        ),
        (
            "catalogue",
            'version = "2025.1"',
            'verison = "2025.1"',
            r"catalogue\.toml:7: catalogue\.verison: unknown key 'verison'; did you mean 'version'\? ",
        ),
        (
            "returns",
            "max_returns",
            "max_returns",  # no such key in the bundled file: add one of the wrong type
            r"returns\.toml:13: beijing\.reason_requird: unknown key 'reason_requird'; did you mean 'reason_required'\? ",
        ),
    ],
)
def test_exact_wording_of_refusals(name: str, old: str, new: str, message: str) -> None:
    text = LOADERS[name][2]
    if name == "returns":
        text = text.replace("reason_required = true", "reason_requird = true", 1)
    else:
        assert old in text
        text = text.replace(old, new, 1)
    found = _outcome(name, text.encode("utf-8"))
    assert found is not None
    assert re.search(message, found, re.MULTILINE), found
