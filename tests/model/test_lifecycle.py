from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import pytest

from jiesu.errors import DataFormatError, RuleError, TransitionError
from jiesu.model import (
    CONDITIONS,
    EVENT_TYPES,
    STAY,
    WINDOW_MILESTONES,
    Complaint,
    Dispatch,
    Duration,
    ExtensionDecision,
    FirstContact,
    Intake,
    Lifecycle,
    Reopen,
    ReturnRequest,
    SignFor,
    Ticket,
    TrackingStop,
    Window,
)

if TYPE_CHECKING:
    from pathlib import Path

T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")


def h(hours: float) -> pendulum.DateTime:
    return T0.add(minutes=int(hours * 60))


def complaint() -> Complaint:
    return Complaint("C1", T0, "phone", "complaint", "normal", "01.02.03")


MINI = """
[lifecycle]
name = "mini"
initial = "new"

[states]
new = { open = true }
open = { label = "办理中", open = true }
done = { label = "办结", open = false }

[[transitions]]
from = ["new"]
event = "intake"
to = "open"

[[transitions]]
from = ["open"]
event = "first_contact"
to = "stay"

[[transitions]]
from = ["open"]
event = "tracking_stop"
to = "done"
"""


def test_preset_is_cached_and_complete() -> None:
    bj = Lifecycle.preset("beijing")
    assert bj is Lifecycle.preset("beijing")
    assert repr(bj) == "Lifecycle('beijing')"
    assert bj.initial == "new"
    assert bj.title == "北京市接诉即办工单生命周期"
    assert "[BJ-Reg]" in bj.source
    used = {row.event for row in bj.transitions}
    assert used == set(EVENT_TYPES)  # every event of DOMAIN §2 has a row
    assert all(row.source for row in bj.transitions)
    assert {s.name for s in bj.states if not s.open} == {
        "answered",
        "not_dispatched",
        "called_back",
        "merged",
        "archived",
    }
    assert bj.rows("new", "reply") == ()
    assert bj.rows("tracking", "supervision")[0].target("tracking") == "tracking"
    assert set(CONDITIONS) >= {c.lstrip("!") for row in bj.transitions for c in row.when}


def test_unknown_preset_and_state() -> None:
    with pytest.raises(
        RuleError, match=r"^preset: unknown lifecycle preset; known: beijing \(got 'paris'\)$"
    ):
        Lifecycle.preset("paris")
    with pytest.raises(
        RuleError, match=r"^state: unknown state of lifecycle 'beijing' \(got 'lost'\)$"
    ):
        Lifecycle.preset("beijing").state("lost")


def test_user_file_replaces_the_table(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINI, encoding="utf-8")
    mini = Lifecycle.from_toml(path)
    assert mini == Lifecycle.from_toml_text(MINI)
    assert mini.state("new").label == "new"  # label defaults to the name
    t = Ticket(complaint(), (Intake(h(0)),), mini)
    # a custom table may allow events in orders the Beijing one does not
    t = t.apply(FirstContact(h(1), None)).apply(FirstContact(h(2), "S9"))
    assert t.first_contact_at == h(1)
    assert t.state == "open"
    done = t.apply(TrackingStop(h(3)))
    assert done.pauses == ()
    assert done.closed_at == h(3)
    with pytest.raises(TransitionError, match="allowed here: none$"):
        done.apply(FirstContact(h(4), "S9"))
    assert Ticket.from_events(complaint(), [Intake(h(0))], mini).lifecycle is mini


def test_user_file_guards_with_actor() -> None:
    text = MINI.replace(
        'event = "first_contact"\nto = "stay"',
        'event = "first_contact"\nto = "stay"\nactor = "handler"',
    )
    text += '\n[[transitions]]\nfrom = ["open"]\nevent = "dispatch"\nto = "stay"\n'
    lc = Lifecycle.from_toml_text(text)
    t = Ticket(complaint(), (Intake(h(0)), Dispatch(h(1), "S1", ("D1",))), lc)
    assert t.apply(FirstContact(h(2), "D1")).state == "open"
    with pytest.raises(
        TransitionError, match=r"only the lead or a co-handler may send it \(actor 'X'\)"
    ):
        t.apply(FirstContact(h(2), "X"))
    with pytest.raises(
        TransitionError, match=r"only the lead or a co-handler may send it \(actor None\)"
    ):
        t.apply(FirstContact(h(2), None))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'name = "mini"',
            "name = 3",
            r"^<text>:3: lifecycle.name: must be a non-empty string \(got 3\)$",
        ),
        ('name = "mini"\n', "", r"^<text>:2: lifecycle.name: missing key$"),
        (
            'initial = "new"',
            'initial = "nowhere"',
            r"^<text>:4: lifecycle.initial: unknown state \(got 'nowhere'\)$",
        ),
        (
            "[lifecycle]",
            "[lifecycle]\ncolor = 1",
            r"^<text>:3: lifecycle.color: unknown key 'color'; allowed: initial, name, source, title$",
        ),
        (
            "new = { open = true }",
            'new = { open = "yes" }',
            r"^<text>:7: states.new.open: must be true or false \(got 'yes'\)$",
        ),
        ("new = { open = true }", "new = 5", r"^<text>:7: states.new: must be a table \(got 5\)$"),
        (
            "new = { open = true }",
            "stay = { open = true }",
            r"^<text>: 3 problems:\n  <text>:7: states.stay: 'stay' is reserved \(got 'stay'\)\n",
        ),
        (
            'from = ["new"]',
            'from = ["limbo"]',
            r"^<text>:12: transitions\[0\].from\[0\]: unknown state \(got 'limbo'\)$",
        ),
        (
            'from = ["new"]',
            "from = []",
            r"^<text>:12: transitions\[0\].from: must name at least one state \(got \[\]\)$",
        ),
        (
            'from = ["new"]',
            "from = [1]",
            r"^<text>:12: transitions\[0\].from\[0\]: must be a non-empty string \(got 1\)$",
        ),
        (
            'event = "intake"',
            'event = "teleport"',
            r"^<text>:13: transitions\[0\].event: unknown event kind; allowed: intake, ",
        ),
        (
            'to = "open"',
            'to = "heaven"',
            r"^<text>:14: transitions\[0\].to: unknown state \(or 'stay'\) \(got 'heaven'\)$",
        ),
        (
            'to = "open"',
            'to = "open"\nactor = "boss"',
            r"^<text>:15: transitions\[0\].actor: must be one of any, lead, handler \(got 'boss'\)$",
        ),
        (
            'to = "open"',
            'to = "open"\nactor = "lead"',
            r"^<text>:15: transitions\[0\].actor: event 'intake' has no actor \(got 'lead'\)$",
        ),
        (
            'to = "open"',
            'to = "open"\nwhen = ["sunny"]',
            r"^<text>:15: transitions\[0\].when\[0\]: unknown condition; known: upheld, ",
        ),
        (
            'to = "open"',
            'to = "open"\nrequires = ["reason"]',
            r"^<text>:15: transitions\[0\].requires\[0\]: event 'intake' has no such field \(got 'reason'\)$",
        ),
        (
            'to = "open"',
            'to = "open"\nrequires = ["at"]',
            r"^<text>:15: transitions\[0\].requires\[0\]: event 'intake' has no such field \(got 'at'\)$",
        ),
        (
            'to = "open"',
            'to = "open"\nweight = 2',
            r"^<text>:15: transitions\[0\].weight: unknown key 'weight'; allowed: actor, event, from, requires, source, to, when, within$",
        ),
        (
            "[lifecycle]",
            "rogue = 1\n[lifecycle]",
            r"^<text>:2: rogue: unknown key 'rogue'; allowed: lifecycle, states, transitions$",
        ),
        (
            "[states]\n",
            "[states]\n[nothing]\n",
            r"^<text>: 2 problems:\n  <text>:7: nothing: unknown key 'nothing'; allowed: lifecycle, states, transitions\n  <text>:6: states: must name at least one state \(got \{\}\)$",
        ),
        (
            "[[transitions]]",
            "[[transitions]]\n[[transitions]]",
            r"^<text>: 3 problems:\n  <text>:11: transitions\[0\].from: missing key\n",
        ),
        ("=", "= =", r"^<text>:\d+: \(file\): invalid TOML: "),
    ],
)
def test_malformed_file_names_file_key_and_value(old: str, new: str, message: str) -> None:
    text = MINI.replace(old, new, 1)
    assert text != MINI
    with pytest.raises(DataFormatError, match=message):
        Lifecycle.from_toml_text(text)


def test_missing_sections_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(
        DataFormatError, match=r"^<text>: 3 problems:\n  <text>: lifecycle: missing key\n"
    ):
        Lifecycle.from_toml_text("")
    with pytest.raises(
        DataFormatError, match=r"^x.toml:1: transitions: must be an array of tables \(got 1\)$"
    ):
        Lifecycle.from_toml_text(
            "transitions = 1\n" + MINI.split("[[transitions]]", maxsplit=1)[0], where="x.toml"
        )
    with pytest.raises(
        DataFormatError,
        match=r"^<text>: 2 problems:\n  <text>: transitions: missing key\n  <text>:1: states: must name at least one state \(got \{\}\)$",
    ):
        Lifecycle.from_toml_text('states = {}\n[lifecycle]\nname = "x"\ninitial = "a"\n')
    missing = tmp_path / "nope.toml"
    with pytest.raises(
        DataFormatError, match=r"nope.toml: \(file\): cannot read file: No such file"
    ):
        Lifecycle.from_toml(missing)


def test_approved_condition() -> None:
    text = (
        MINI
        + '\n[[transitions]]\nfrom = ["open"]\nevent = "extension_decision"\nto = "done"\nwhen = ["approved"]\n'
    )
    lc = Lifecycle.from_toml_text(text)
    t = Ticket(complaint(), (Intake(h(0)),), lc)
    assert t.apply(ExtensionDecision(h(1), approved=True, duration="1d")).state == "done"
    with pytest.raises(TransitionError, match=r"conditions not met; needs \[approved\]$"):
        t.apply(ExtensionDecision(h(1), approved=False))


def test_stay_constant() -> None:
    assert STAY == "stay"
    sign = Lifecycle.preset("beijing").rows("dispatched", "sign_for")[0]
    assert sign.actor == "lead"
    assert sign.target("dispatched") == "signed"
    t = Ticket(complaint(), (Intake(h(0)), Dispatch(h(1), "S1")))
    assert t.apply(SignFor(h(2), "S1")).state == "signed"


WINDOWED = (
    MINI
    + """
[[transitions]]
from = ["open"]
event = "dispatch"
to = "stay"

[[transitions]]
from = ["open"]
event = "return_request"
to = "stay"
within = { since = "dispatched_at", duration = "24h" }

[[transitions]]
from = ["open"]
event = "reopen"
to = "stay"
within = { since = "signed_at", duration = "1.5d" }
"""
)


def test_time_window_guard() -> None:
    lc = Lifecycle.from_toml_text(WINDOWED)
    row = lc.rows("open", "return_request")[0]
    assert row.within == Window("dispatched_at", Duration(24, "natural_hours"))
    t = Ticket(complaint(), (Intake(h(0)), Dispatch(h(1), "S1")), lc)
    assert t.apply(ReturnRequest(h(25), "S1", "x")).return_count == 1
    with pytest.raises(
        TransitionError,
        match=r"^event 'return_request' is not allowed in state 'open': only allowed within 24 自然小时 after dispatched_at \(2025-03-03T10:30:00\+08:00\); at 2025-03-04T10:31:00\+08:00 is later than 2025-03-04T10:30:00\+08:00$",
    ):
        t.apply(ReturnRequest(T0.add(hours=25, minutes=1), "S1", "x"))
    with pytest.raises(
        TransitionError, match=r"its time window starts at signed_at, which has not happened"
    ):
        t.apply(Reopen(h(2)))
    assert Window("signed_at", Duration(1.5, "natural_days")).deadline(T0) == T0.add(hours=36)
    assert "signed_at" in WINDOW_MILESTONES


@pytest.mark.parametrize(
    ("within", "message"),
    [
        (
            '{ since = "birth", duration = "1d" }',
            r"transitions\[3\].within.since: must be one of first_dispatched_at, ",
        ),
        (
            '{ since = "signed_at", duration = "soon" }',
            r"transitions\[3\].within.duration: must be a number and a unit .* \(got 'soon'\)$",
        ),
        (
            '{ since = "signed_at", duration = "1wd" }',
            r"transitions\[3\].within.duration: must be in natural hours or days \(working time needs jiesu.calendar\) \(got '1wd'\)$",
        ),
        (
            '{ since = "signed_at", duration = "1d", grace = 1 }',
            r"transitions\[3\].within.grace: unknown key 'grace'; allowed: duration, since$",
        ),
        ('{ since = "signed_at" }', r"transitions\[3\].within.duration: missing key"),
        ("3", r"transitions\[3\].within: must be a table \(got 3\)$"),
    ],
)
def test_bad_time_windows(within: str, message: str) -> None:
    text = (
        MINI
        + f'\n[[transitions]]\nfrom = ["open"]\nevent = "reopen"\nto = "stay"\nwithin = {within}\n'
    )
    with pytest.raises(DataFormatError, match=message):
        Lifecycle.from_toml_text(text)
