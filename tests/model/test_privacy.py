"""Caller name and phone never leak into repr, str, messages, logs or default exports."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import jiesu.testing
from jiesu.errors import DataFormatError, JiesuError, ValidationError
from jiesu.model import Caller, Ticket, dumps, load_jsonl, loads, to_document

if TYPE_CHECKING:
    import pytest

# Names from CJK extension A and phones with a marker prefix: the strategies never produce these
# elsewhere, so finding one in an output is a leak.
_NAMES = st.text(st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF), min_size=2, max_size=4)
_PHONES = st.from_regex(r"19[0-9]{9}", fullmatch=True)


def _leaks(text: str, name: str, phone: str) -> bool:
    # the masked forms keep the first character of a name and 3 + 2 digits of a phone, no more
    return phone in text or name in text or phone[3:9] in text


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ticket=jiesu.testing.tickets(max_events=10), name=_NAMES, phone=_PHONES)
def test_personal_data_never_leaks(
    ticket: Ticket, name: str, phone: str, caplog: pytest.LogCaptureFixture
) -> None:
    caller = Caller(name, phone)
    # the middle digits must not be found for another reason (an admin code 110000 in phone 19011000000)
    assume(phone[3:9] not in repr(ticket))
    # free text is exported as written (documented), so keep generated text from posing as the name
    complaint = attrs.evolve(ticket.complaint, caller=caller, text="路灯不亮")
    ticket = attrs.evolve(ticket, complaint=complaint)
    outputs = [
        repr(ticket),
        str(ticket),
        repr(ticket.complaint),
        str(caller),
        repr(caller),
        dumps(ticket),
        dumps(ticket.complaint),
        dumps(caller),
        str(to_document(ticket)),
    ]
    # messages of errors raised on bad personal fields
    errors: list[JiesuError] = []
    for bad in ({"name": name, "phone": int(phone)}, {"name": [name], "phone": phone}):
        try:
            Caller(**bad)
        except ValidationError as exc:
            errors.append(exc)
    personal = dumps(ticket, include_personal_data=True)
    for broken in (
        personal.replace(f'"{phone}"', phone),
        personal.replace(f'"{name}"', f'["{name}"]'),
        personal.replace('"phone":', f'"{name}":"{phone}","phone":'),
        personal.replace('"complaint":{', '"complaint":{"x":1,', 1).replace(
            '"caller":{', '"caller":{"extra":"' + phone + '",'
        ),
    ):
        try:
            loads(broken, Ticket)
        except DataFormatError as exc:
            errors.append(exc)
    assert len(errors) == 6
    outputs += [str(e) for e in errors] + [repr(e.value) for e in errors]
    # log records and the report of a JSON Lines read with those broken rows
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        _, report = load_jsonl([personal.replace(f'"{phone}"', phone)], Ticket, errors="collect")
    outputs += [str(report), *(r.getMessage() for r in caplog.records)]
    assert caplog.records
    for text in outputs:
        assert not _leaks(text, name, phone), text
    assert name in personal
    assert phone in personal
