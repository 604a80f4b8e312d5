"""Loaders either parse or raise jiesu's own error: fuzzed text and mutated documents."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import DataFormatError
from jiesu.model import Lifecycle, Ticket, example_tickets, load_jsonl, loads, to_document

if TYPE_CHECKING:
    from collections.abc import Callable


def _error(fn: Callable[[], object]) -> DataFormatError | None:
    """The DataFormatError ``fn`` raises, or None; any other exception propagates (a test failure)."""
    try:
        fn()
    except DataFormatError as err:
        return err
    return None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=60)
@given(st.text())
def test_loads_fuzz(text: str) -> None:
    err = _error(lambda: loads(text, Ticket))
    assert err is None or str(err.field).startswith("$")


@settings(max_examples=60)
@given(st.text())
def test_lifecycle_fuzz(text: str) -> None:
    err = _error(lambda: Lifecycle.from_toml_text(text, where="fuzz.toml"))
    assert err is None or str(err).startswith("fuzz.toml")


def _paths(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _paths(value, (*path, i))
    return found


@settings(max_examples=80)
@given(st.sampled_from(example_tickets()), st.data(), _JSON)
def test_mutated_documents_load_or_name_the_path(
    ticket: Ticket, data: st.DataObject, value: Any
) -> None:
    doc = to_document(ticket, include_personal_data=True)
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    text = json.dumps(doc, ensure_ascii=False)
    err = _error(lambda: loads(text, Ticket))
    assert err is None or str(err.field).startswith("$")
    items, report = load_jsonl([text], Ticket, errors="collect")
    assert len(items) + len(report.rows) == 1
