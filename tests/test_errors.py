from __future__ import annotations

import concurrent.futures
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu import errors
from jiesu.errors import (
    CalendarCoverageError,
    DataFormatError,
    JiesuError,
    MissingDependencyError,
    Problem,
    TransitionError,
    ValidationError,
    ValidationReport,
    mask,
)


def test_message_names_field_and_value() -> None:
    err = DataFormatError("unknown key", field="$.events[2].kind", value="foo")
    assert str(err) == "$.events[2].kind: unknown key (got 'foo')"
    assert err.field == "$.events[2].kind"
    assert err.value == "foo"
    assert isinstance(err, ValueError)


def test_error_without_field_is_the_reason() -> None:
    assert str(JiesuError("something broke")) == "something broke"


def test_personal_values_are_masked() -> None:
    err = ValidationError("bad phone", field="caller.phone", value="13812345678", personal=True)
    assert "13812345678" not in str(err)
    assert err.value == "138******78"
    assert "138******78" in str(err)


def test_long_values_are_shortened() -> None:
    err = ValidationError("too long", field="text", value="x" * 500)
    assert len(str(err)) < 150
    assert str(err).endswith("...)")


def test_transition_error_names_state_and_event() -> None:
    err = TransitionError(
        "only a dispatched ticket can be signed for", state="received", event="sign"
    )
    assert err.state == "received"
    assert err.event == "sign"
    assert str(err) == (
        "event 'sign' is not allowed in state 'received': only a dispatched ticket can be signed for"
    )


def test_coverage_error_names_range() -> None:
    err = CalendarCoverageError("2027-03-01", first="2010-01-01", last="2026-12-31")
    assert "2027-03-01" in str(err)
    assert "2010-01-01..2026-12-31" in str(err)
    assert isinstance(err, errors.CalendarError)


def test_missing_dependency_names_extra() -> None:
    err = MissingDependencyError("polars", extra="frames")
    assert isinstance(err, ImportError)
    assert err.extra == "frames"
    assert "pip install 'jiesu[frames]'" in str(err)


def test_aliases() -> None:
    assert errors.NoResponsibleUnit is errors.NoResponsibleUnitError
    assert errors.AmbiguousRoute is errors.AmbiguousRouteError
    assert errors.MissingDependency is MissingDependencyError
    assert issubclass(errors.NoResponsibleUnitError, LookupError)


def test_report_lists_every_problem() -> None:
    problems = [
        Problem(1, "kind", "x", "unknown kind"),
        Problem(1, "urgency", "y", "unknown urgency"),
        Problem(7, "id", "", "empty"),
    ]
    report = ValidationReport(problems, total=10)
    assert report.rows == (1, 7)
    assert len(report) == 3
    assert report.lines()[2] == "row 7, id: empty (got '')"
    assert str(report).startswith("2 of 10 rows failed validation:\n")
    empty = ValidationReport([], total=3)
    assert not empty
    assert str(empty) == "0 of 3 rows failed validation"


def test_problem_from_error() -> None:
    err = ValidationError("unknown", field="kind", value="x")
    assert Problem.from_error(4, err) == Problem(4, "kind", "x", "unknown")
    assert Problem.from_error("k", JiesuError("plain")).field == ""


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_never_returns_the_phone(phone: str) -> None:
    shown = mask(phone)
    assert phone not in shown
    assert shown[:3] == phone[:3]
    assert shown[-2:] == phone[-2:]


@given(st.text(min_size=2))
def test_mask_hides_all_but_one_character(text: str) -> None:
    shown = mask(text)
    if not text.replace(" ", "").replace("-", "").isdigit():
        assert shown == text[0] + "***"


def test_mask_empty() -> None:
    assert mask("") == "***"
    with pytest.raises(ValidationError, match="caller.name"):
        raise ValidationError("x", field="caller.name", value="李四", personal=True)


# -- errors survive process pools ---------------------------------------------------------------------

_TEXT = st.text(max_size=20)
_VALUES = st.one_of(st.none(), st.integers(), _TEXT, st.lists(st.integers(), max_size=3))
_PROBLEMS = st.lists(
    st.builds(Problem, st.one_of(st.integers(0, 99), _TEXT), _TEXT, _VALUES, _TEXT),
    min_size=1,
    max_size=4,
)
_ERROR_CLASSES = sorted(
    {obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, JiesuError)},
    key=lambda c: c.__name__,
)


def _an_error(cls: type[JiesuError]) -> st.SearchStrategy[JiesuError]:
    if cls is TransitionError:
        return st.builds(TransitionError, _TEXT, state=_TEXT, event=_TEXT)
    if cls is CalendarCoverageError:
        return st.builds(
            CalendarCoverageError, _VALUES, first=st.dates(), last=st.dates(), field=_TEXT
        )
    if cls is MissingDependencyError:
        return st.builds(MissingDependencyError, _TEXT, extra=_TEXT)
    if cls is errors.DataFileError:
        return st.builds(errors.DataFileError, _TEXT, _PROBLEMS)
    if cls is ValidationReport:
        return st.builds(ValidationReport, _PROBLEMS, total=st.integers(0, 9))
    return st.builds(cls, _TEXT, field=st.none() | _TEXT, value=_VALUES, personal=st.booleans())


def test_every_error_class_is_checked() -> None:
    names = {c.__name__ for c in _ERROR_CLASSES}
    assert {
        "DataFileError",
        "TransitionError",
        "ValidationReport",
        "MissingDependencyError",
    } <= names
    assert len(names) >= 13


@pytest.mark.parametrize("cls", _ERROR_CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_errors_pickle_with_their_message_and_attributes(
    cls: type[JiesuError], data: st.DataObject
) -> None:
    err = data.draw(_an_error(cls))
    back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.args == err.args
    assert vars(back) == vars(err)
    assert (back.reason, back.field, back.value) == (err.reason, err.field, err.value)


def test_an_error_raised_in_a_worker_process_comes_back() -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_raise_in_worker)
        with pytest.raises(TransitionError) as info:
            future.result()
    assert info.value.state == "received"
    assert str(info.value) == "event 'sign' is not allowed in state 'received': nope"


def _raise_in_worker() -> None:
    raise TransitionError("nope", state="received", event="sign")
