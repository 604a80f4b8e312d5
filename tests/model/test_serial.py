from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jiesu.testing
from jiesu.errors import DataFormatError, ValidationError, ValidationReport
from jiesu.model import (
    MODELS,
    SCHEMA_VERSION,
    Callback,
    Caller,
    Complaint,
    Dispatch,
    Duration,
    Event,
    Intake,
    JsonlReader,
    Lifecycle,
    Location,
    SignFor,
    Ticket,
    Unit,
    dump_jsonl,
    dumps,
    from_document,
    load_jsonl,
    loads,
    to_document,
)

GOLDEN = Path(__file__).parent / "golden" / f"v{SCHEMA_VERSION}"
T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")


def _complaint() -> Complaint:
    return Complaint(
        id="C0001",
        received_at=T0,
        channel="phone",
        kind="complaint",
        urgency="normal",
        category="01.02.03",
        text="楼下餐馆油烟扰民",
        location=Location(116.397, 39.909, "GCJ02", address="东华门大街1号"),
        caller=Caller("张三", "13812345678"),
    )


def _ticket() -> Ticket:
    return Ticket(
        _complaint(),
        (
            Intake(T0),
            Dispatch(T0.add(hours=1), "S01", ("D07",), "via_district"),
            SignFor(T0.add(hours=2, microseconds=5), "S01"),
        ),
    )


def _samples() -> list[object]:
    return [
        _ticket(),
        _complaint(),
        Caller("张三", "13812345678"),
        Location(116.397, 39.909, "GCJ02"),
        Unit("S01", "东华门街道", "street", parent="D01", population=62000),
        Duration(0.5, "working_days"),
        Callback(T0.add(days=9), "answered", True, None, "basically_satisfied"),
    ]


# --- golden files -------------------------------------------------------------------------------


@pytest.mark.parametrize("personal", [True, False])
def test_ticket_golden(personal: bool) -> None:
    name = "ticket-personal.json" if personal else "ticket.json"
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert dumps(_ticket(), include_personal_data=personal, indent=2) + "\n" == expected
    back = loads(expected, Ticket)
    if personal:
        assert back == _ticket()
    else:
        assert back.complaint.caller == Caller(None, None)
        assert back.events == _ticket().events


def test_models_golden() -> None:
    expected = (GOLDEN / "models.jsonl").read_text(encoding="utf-8")
    out = io.StringIO()
    assert dump_jsonl(_samples(), out, include_personal_data=True) == len(_samples())
    assert out.getvalue() == expected
    for line, sample in zip(expected.splitlines(), _samples(), strict=True):
        assert loads(line, type(sample)) == sample


# --- round trips --------------------------------------------------------------------------------


@settings(max_examples=40)
@given(st.from_type(Ticket))
def test_ticket_round_trip_with_personal_data(ticket: Ticket) -> None:
    assert loads(dumps(ticket, include_personal_data=True), Ticket) == ticket


@settings(max_examples=20)
@given(jiesu.testing.tickets(min_events=1, max_events=12))
def test_ticket_round_trip_withheld(ticket: Ticket) -> None:
    back = loads(dumps(ticket), Ticket)
    assert back.complaint.caller == Caller(None, None)
    assert back.events == ticket.events
    assert back.state == ticket.state


@settings(max_examples=30)
@given(
    st.one_of(
        jiesu.testing.events(),
        jiesu.testing.complaints(),
        jiesu.testing.callers(),
        jiesu.testing.locations(),
        jiesu.testing.units(),
        jiesu.testing.durations(),
    )
)
def test_every_model_round_trips(obj: object) -> None:
    assert loads(dumps(obj, include_personal_data=True), type(obj)) == obj


def test_datetimes_keep_offset_and_instant() -> None:
    event = Intake(pendulum.datetime(2025, 3, 3, 1, 2, 3, 456, tz="UTC"))
    text = dumps(event)
    assert '"at":"2025-03-03T01:02:03.000456+00:00"' in text
    assert loads(text, Intake) == event
    other = loads(text.replace("+00:00", "+08:00"), Intake)
    assert other.at.utcoffset() == pendulum.duration(hours=8)


def test_document_round_trip() -> None:
    doc = to_document(_ticket())
    assert list(doc)[:2] == ["schema_version", "type"]
    assert doc["complaint"]["caller"] == {"withheld": True}
    assert from_document(json.loads(json.dumps(doc)), Ticket).events == _ticket().events
    assert set(MODELS) >= {"Ticket", "Complaint", "Dispatch", "Archive"}


# --- strictness ---------------------------------------------------------------------------------


def _doc() -> dict[str, Any]:
    return to_document(_ticket(), include_personal_data=True)


def _mutated(change: Any) -> str:
    doc = json.loads(json.dumps(_doc()))
    change(doc)
    return json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["events"][2].__setitem__("at", "2025-03-03T11:30:00"),
            r"^\$\.events\[2\]\.at: must carry an offset \(a naive time is never guessed\) \(got '2025-03-03T11:30:00'\)$",
        ),
        (
            lambda d: d["events"][2].__setitem__("at", "yesterday"),
            r"^\$\.events\[2\]\.at: must be an ISO 8601 string with an offset \(got 'yesterday'\)$",
        ),
        (
            lambda d: d["events"][2].__setitem__("at", 5),
            r"^\$\.events\[2\]\.at: must be an ISO 8601 string",
        ),
        (
            lambda d: d["events"][1].__setitem__("colour", "red"),
            r"^\$\.events\[1\]\.colour: unknown field \(got None\)$",
        ),
        (
            lambda d: d["events"][1].pop("mode"),
            r"^\$\.events\[1\]\.mode: missing field \(got None\)$",
        ),
        (
            lambda d: d["events"][1].__setitem__("kind", "jump"),
            r"^\$\.events\[1\]\.kind: unknown event kind; allowed: intake, ",
        ),
        (
            lambda d: d["events"].__setitem__(1, "dispatch"),
            r"^\$\.events\[1\]: must be an object \(got 'dispatch'\)$",
        ),
        (
            lambda d: d["events"][1].__setitem__("mode", "fax"),
            r"^\$\.events\[1\]\.mode: unknown DispatchMode; allowed: direct, via_district \(got 'fax'\)$",
        ),
        (
            lambda d: d["events"][1].__setitem__("co_handlers", "D07"),
            r"^\$\.events\[1\]\.co_handlers: must be a list of strings \(got 'D07'\)$",
        ),
        (
            lambda d: d["events"][1].__setitem__("co_handlers", ["D07", 7]),
            r"^\$\.events\[1\]\.co_handlers\[1\]: must be a string \(got 7\)$",
        ),
        (
            lambda d: d["events"][1].__setitem__("co_handlers", ["S01"]),
            r"^\$\.events\[1\]\.co_handlers: must not include the lead 'S01'",
        ),
        (
            lambda d: d["events"][2].__setitem__("actor", "S09"),
            r"^\$\.events\[2\]: event 'sign_for' is not allowed in state 'dispatched': only the current lead 'S01' may send it \(actor 'S09'\) \(got 'sign_for'\)$",
        ),
        (
            lambda d: d["events"].__setitem__(0, d["events"][2]),
            r"^\$\.events\[0\]: event 'sign_for' is not allowed in state 'new'",
        ),
        (lambda d: d.__setitem__("events", {}), r"^\$\.events: must be a list \(got \{\}\)$"),
        (lambda d: d.pop("lifecycle"), r"^\$\.lifecycle: missing field"),
        (
            lambda d: d.__setitem__("lifecycle", "paris"),
            r"^\$\.lifecycle: is not a bundled preset; pass lifecycle= to read it \(got 'paris'\)$",
        ),
        (
            lambda d: d.__setitem__("lifecycle", 3),
            r"^\$\.lifecycle: must be a lifecycle name \(got 3\)$",
        ),
        (lambda d: d.__setitem__("extra", 3), r"^\$\.extra: unknown field \(got None\)$"),
        (
            lambda d: d["complaint"].pop("channel"),
            r"^\$\.complaint\.channel: missing field \(got None\)$",
        ),
        (
            lambda d: d["complaint"].__setitem__("id", ""),
            r"^\$\.complaint\.id: must be a non-empty string \(got ''\)$",
        ),
        (
            lambda d: d["complaint"].__setitem__("kind", "投诉"),
            r"^\$\.complaint\.kind: unknown Kind; allowed: consultation, ",
        ),
        (
            lambda d: d["complaint"]["location"].__setitem__("lon", "116"),
            r"^\$\.complaint\.location\.lon: must be a number \(got '116'\)$",
        ),
        (
            lambda d: d["complaint"]["location"].__setitem__("lon", True),
            r"^\$\.complaint\.location\.lon: must be a number \(got True\)$",
        ),
        (
            lambda d: d["complaint"]["location"].__setitem__("lat", 95),
            r"^\$\.complaint\.location\.lat: must be a finite number in \[-90.0, 90.0\] \(got 95\)$",
        ),
        (
            lambda d: d["complaint"].__setitem__("location", [1, 2]),
            r"^\$\.complaint\.location: must be an object \(got \[1, 2\]\)$",
        ),
        (
            lambda d: d["complaint"].__setitem__("text", None),
            r"^\$\.complaint\.text: must be a string \(got None\)$",
        ),
        (
            lambda d: d["complaint"]["caller"].__setitem__("phone", 13812345678),
            r"^\$\.complaint\.caller\.phone: must be a string or null \(got '138\*\*\*\*\*\*78'\)$",
        ),
        (
            lambda d: d["complaint"]["caller"].pop("name"),
            r"^\$\.complaint\.caller\.name: missing field",
        ),
        (
            lambda d: d["complaint"]["caller"].__setitem__("email", "a@b"),
            r"^\$\.complaint\.caller\.e\*\*\*: unknown field \(got None\)$",
        ),
        (
            lambda d: d["complaint"].__setitem__("caller", {"withheld": False}),
            r'^\$\.complaint\.caller: a withheld caller must be exactly \{"withheld": true\}',
        ),
        (
            lambda d: d["complaint"].__setitem__("caller", "张三"),
            r"^\$\.complaint\.caller: must be an object \(got '张\*\*\*'\)$",
        ),
        (
            lambda d: d.__setitem__("schema_version", 2),
            r"^\$\.schema_version: unsupported; this jiesu reads 1 \(got 2\)$",
        ),
        (
            lambda d: d.__setitem__("type", "Complaint"),
            r"^\$\.type: must be 'Ticket' \(got 'Complaint'\)$",
        ),
    ],
)
def test_bad_documents_name_the_json_path(change: Any, message: str) -> None:
    with pytest.raises(DataFormatError, match=message) as info:
        loads(_mutated(change), Ticket)
    assert "13812345678" not in str(info.value)
    assert "张三" not in str(info.value)


def test_several_problems_are_counted() -> None:
    def change(d: dict[str, Any]) -> None:
        d["complaint"]["kind"] = "bad"
        d["events"][0]["at"] = "x"

    with pytest.raises(
        DataFormatError, match=r"^\$\.complaint\.kind: unknown Kind.* \(and 1 more problems\)"
    ):
        loads(_mutated(change), Ticket)


def test_bad_values_in_models() -> None:
    with pytest.raises(DataFormatError, match=r"^\$\.amount: must be a number"):
        loads('{"schema_version":1,"type":"Duration","amount":"3","unit":"working_days"}', Duration)
    with pytest.raises(DataFormatError, match=r"^\$\.population: must be an integer \(got 1.5\)$"):
        loads(
            '{"schema_version":1,"type":"Unit","code":"S","name":"N","kind":"street","parent":null,"population":1.5}',
            Unit,
        )
    with pytest.raises(DataFormatError, match=r"^\$\.upheld: must be true or false \(got 'yes'\)$"):
        loads(
            '{"schema_version":1,"type":"ReturnDecision","at":"2025-01-01T00:00:00+08:00","upheld":"yes","new_lead":null,"co_handlers":[]}',
            MODELS["ReturnDecision"],
        )
    with pytest.raises(DataFormatError, match=r"^\$: invalid JSON: "):
        loads("{", Ticket)
    with pytest.raises(DataFormatError, match=r"^\$: must be a JSON object \(got 'list'\)$"):
        loads("[]", Ticket)


def test_unknown_class_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"^cls: must be one of Ticket, Complaint, "):
        loads("{}", dict)
    with pytest.raises(ValidationError, match=r"^cls: must be one of "):
        dumps({"a": 1})
    with pytest.raises(ValidationError, match=r"^cls: must be one of "):
        JsonlReader([], Lifecycle)


def test_custom_lifecycle_needs_to_be_given() -> None:
    text = Path(__file__).with_name("test_lifecycle.py").read_text(encoding="utf-8")
    mini_text = text.split('MINI = """')[1].split('"""')[0]
    mini = Lifecycle.from_toml_text(mini_text)
    ticket = Ticket(_complaint(), (Intake(T0),), mini)
    doc = dumps(ticket, include_personal_data=True)
    assert '"lifecycle":"mini"' in doc
    with pytest.raises(DataFormatError, match=r"^\$\.lifecycle: is not a bundled preset"):
        loads(doc, Ticket)
    assert loads(doc, Ticket, lifecycle=mini) == ticket
    with pytest.raises(
        DataFormatError,
        match=r"^\$\.lifecycle: does not match the lifecycle given \('mini'\) \(got 'beijing'\)$",
    ):
        loads(dumps(_ticket()), Ticket, lifecycle=mini)


# --- JSON Lines ---------------------------------------------------------------------------------


def _lines(n: int, bad: dict[int, str]) -> list[str]:
    good = dumps(_ticket())
    return [bad.get(i, good) for i in range(n)]


def test_jsonl_good_rows_and_every_bad_row(tmp_path: Path) -> None:
    good = dumps(_ticket())
    bad = {
        3: "{not json",
        10: good.replace('"mode":"via_district"', '"mode":"fax"'),
        11: good.replace('"kind":"complaint"', '"kind":"x"').replace('"lead":"S01"', '"lead":""'),
        1999: good.replace('"schema_version":1', '"schema_version":0'),
    }
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(_lines(2000, bad)) + "\n\n", encoding="utf-8")
    items, report = load_jsonl(path, Ticket, errors="collect")
    assert len(items) == 1996
    assert report.total == 2000
    assert report.rows == (3, 10, 11, 1999)
    assert [(p.row, p.field) for p in report.problems] == [
        (3, "$"),
        (10, "$.events[1].mode"),
        (11, "$.complaint.kind"),
        (11, "$.events[1].lead"),
        (1999, "$.schema_version"),
    ]
    assert report.problems[0].reason.startswith("invalid JSON: ")
    assert report.problems[1].value == "fax"
    with pytest.raises(
        ValidationReport, match=r"^4 of 2000 rows failed validation:\n  row 3, \$: invalid JSON"
    ):
        load_jsonl(path, Ticket)


def test_jsonl_reader_streams_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    assert dump_jsonl(iter([_ticket(), _ticket()]), path) == 2
    reader = JsonlReader(path, Ticket, errors="collect")
    assert next(iter(reader)).id == "C0001"
    assert [t.id for t in JsonlReader(path.read_text(encoding="utf-8").splitlines(), Ticket)] == [
        "C0001",
        "C0001",
    ]
    items, report = load_jsonl(io.StringIO(path.read_text(encoding="utf-8")), Ticket)
    assert len(items) == 2
    assert not report
    with pytest.raises(
        ValidationError, match=r"^errors: must be 'raise' or 'collect' \(got 'ignore'\)$"
    ):
        JsonlReader(path, Ticket, errors="ignore")  # type: ignore[arg-type]  # deliberately wrong


def test_jsonl_masks_personal_values_in_report_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    row = dumps(_ticket(), include_personal_data=True).replace('"13812345678"', "13812345678")
    caplog.set_level(logging.WARNING, logger="jiesu.model")
    items, report = load_jsonl([row], Ticket, errors="collect")
    assert items == []
    assert report.problems[0].field == "$.complaint.caller.phone"
    assert report.problems[0].value == "138******78"
    assert caplog.records
    for text in (str(report), *[r.getMessage() for r in caplog.records]):
        assert "13812345678" not in text


def test_jsonl_events_of_other_types() -> None:
    events: list[Event] = [Intake(T0), SignFor(T0, "S01")]
    out = io.StringIO()
    dump_jsonl(events, out)
    items, _ = load_jsonl(out.getvalue().splitlines(), Intake, errors="collect")
    assert items == [Intake(T0)]


# -- one hostile row does not lose the batch -----------------------------------------------------------

_GOOD = '{"schema_version":1,"type":"Duration","amount":3,"unit":"working_days"}'
_HOSTILE: list[tuple[object, str]] = [
    (
        '{"schema_version":1,"type":"Duration","amount":' + "9" * 5000 + ',"unit":"h"}',
        "invalid JSON: an integer with too many digits",
    ),
    ("[" * 50_000 + "]" * 50_000, "invalid JSON: nested too deeply"),
    (
        b'{"schema_version":1,"type":"Duration","amount":3,"unit":"\xff"}',
        "not UTF-8 text (byte 57)",
    ),
    (12345, "not a line of text"),
    (
        "{not json",
        "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
]


def test_hostile_rows_are_bad_rows_and_reading_goes_on() -> None:
    lines = [_GOOD, *(line for line, _ in _HOSTILE), _GOOD.encode(), "  ", b"\n"]
    good, report = load_jsonl(lines, Duration, errors="collect")  # type: ignore[arg-type]  # mixed rows on purpose
    assert good == [Duration.parse("3wd")] * 2
    assert [(p.row, p.field, p.reason) for p in report.problems] == [
        (i + 1, "$", reason) for i, (_, reason) in enumerate(_HOSTILE)
    ]
    assert report.total == len(_HOSTILE) + 2


def test_a_non_utf8_line_in_a_file_is_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(_GOOD.encode() + b"\n\xfe\xff\n" + _GOOD.encode() + b"\n")
    good, report = load_jsonl(path, Duration, errors="collect")
    assert len(good) == 2
    assert [(p.row, p.reason) for p in report.problems] == [(1, "not UTF-8 text (byte 0)")]


@pytest.mark.parametrize(
    ("text", "reason"), [(line, reason) for line, reason in _HOSTILE if line != 12345]
)
def test_loads_refuses_hostile_text_with_a_jiesu_error(text: str | bytes, reason: str) -> None:
    with pytest.raises(DataFormatError) as info:
        loads(text, Duration)
    assert info.value.reason == reason
    assert info.value.field == "$"


def test_loads_reads_utf8_bytes() -> None:
    assert loads(_GOOD.encode(), Duration) == Duration.parse("3wd")
    assert loads(b"\xef\xbb\xbf" + _GOOD.encode(), Duration) == Duration.parse("3wd")


@given(st.binary(max_size=200))
def test_loads_of_any_bytes_is_a_model_or_a_jiesu_error(data: bytes) -> None:
    try:
        loads(data, Duration)
    except DataFormatError as err:
        message = str(err)
    else:  # pragma: no cover - random bytes are almost never a document
        message = "$"
    assert message.startswith("$")


@pytest.mark.parametrize(
    ("key", "value"), [("phone", "13812345678"), ("联系电话", "13812345678"), ("name", "张三丰")]
)
def test_unknown_fields_are_named_never_echoed(
    key: str, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    doc = json.loads(_GOOD) | {key: value}
    line = json.dumps(doc, ensure_ascii=False)
    with pytest.raises(DataFormatError) as info:
        loads(line, Duration)
    assert str(info.value) == f"$.{key}: unknown field (got None)"
    with caplog.at_level(logging.WARNING):
        _, report = load_jsonl([line], Duration, errors="collect")
    shown = str(report) + caplog.text
    assert f"$.{key}" in shown
    assert value not in shown
    assert value[:3] not in shown
