"""Open311 GeoReport v2: the spec's example payloads, malformed documents, and requests written out."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tomllib
from typing import TYPE_CHECKING

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import DataFormatError
from jiesu.io import (
    Open311Catalogue,
    read_open311_requests,
    read_open311_services,
    to_open311_request,
)
from jiesu.model import CRS, Caller, Complaint, Location, example_tickets

if TYPE_CHECKING:
    from pathlib import Path

# The example responses of the GeoReport v2 specification, as published (their service codes are bare
# numbers with leading zeros, which JSON does not allow).
SPEC_SERVICES = """[
  {
    "service_code":001,
    "service_name":"Cans left out 24x7",
    "description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
    "metadata":true,
    "type":"realtime",
    "keywords":"lorem, ipsum, dolor",
    "group":"sanitation"
  }
]"""
SPEC_REQUESTS = """[
  {
    "service_request_id":638344,
    "status":"closed",
    "status_notes":"Duplicate request.",
    "service_name":"Sidewalk and Curb Issues",
    "service_code":006,
    "description":null,
    "agency_responsible":null,
    "service_notice":null,
    "requested_datetime":"2010-04-14T06:37:38-08:00",
    "updated_datetime":"2010-04-14T15:37:38-08:00",
    "expected_datetime":"2010-04-15T06:37:38-08:00",
    "address":"8TH AVE and JUDAH ST",
    "address_id":545483,
    "zipcode":94122,
    "lat":37.762221815,
    "long":-122.4651145,
    "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
  }
]"""


def _quoted(text: str) -> str:
    return text.replace(":001,", ':"001",').replace(":006,", ':"006",')


def test_the_spec_examples_name_the_leading_zero_field() -> None:
    with pytest.raises(
        DataFormatError,
        match=r"services\.json: service_code: a number with a leading zero \(line 3\)",
    ):
        read_open311_services(SPEC_SERVICES)
    with pytest.raises(
        DataFormatError,
        match=r"requests\.json: service_code: a number with a leading zero \(line 7\)",
    ):
        read_open311_requests(SPEC_REQUESTS)


def test_a_leading_zero_inside_a_string_is_not_blamed() -> None:
    document = '[{"description": "\\"a\\":01", "service_name": "x", "service_code": 007}]'
    with pytest.raises(
        DataFormatError, match=r"services\.json: service_code: a number with a leading zero"
    ):
        read_open311_services(document)
    catalogue = read_open311_services(
        '[{"description": "\\"a\\":01", "service_name": "x", "service_code": "7"}]'
    )
    assert catalogue.services[0].group is None
    assert "parent" not in catalogue.to_toml()


def test_the_spec_examples_read_once_quoted(tmp_path: Path) -> None:
    complaints, report = read_open311_requests(_quoted(SPEC_REQUESTS))
    assert not report
    (complaint,) = complaints
    assert (complaint.id, complaint.category, complaint.text) == ("638344", "006", "")
    assert complaint.received_at == pendulum.datetime(2010, 4, 14, 14, 37, 38)
    assert complaint.location == Location(
        -122.4651145, 37.762221815, CRS.WGS84, address="8TH AVE and JUDAH ST"
    )
    path = tmp_path / "services.json"
    path.write_text(_quoted(SPEC_SERVICES), encoding="utf-8")
    catalogue = read_open311_services(path)
    (service,) = catalogue.services
    assert (service.code, service.name, service.group, service.keywords) == (
        "001",
        "Cans left out 24x7",
        "sanitation",
        ("lorem", "ipsum", "dolor"),
    )
    assert service.description is not None
    assert service.description.startswith("Garbage")
    document = tomllib.loads(catalogue.to_toml(name="示例"))
    assert document["catalogue"]["name"] == "示例"
    assert document["category"] == [
        {"code": "sanitation", "name": "sanitation"},
        {"code": "001", "name": "Cans left out 24x7", "parent": "sanitation"},
    ]


def test_every_bad_request_is_reported_and_the_good_ones_kept() -> None:
    requests = [
        {
            "service_request_id": "1",
            "service_code": "A",
            "requested_datetime": "2025-03-05T10:00:00Z",
            "description": "路灯不亮",
            "first_name": "San",
            "last_name": "Zhang",
            "phone": "13812345678",
        },
        {"service_code": "A", "requested_datetime": "2025-03-05T10:00:00Z"},
        {"service_request_id": "3", "service_code": "A", "requested_datetime": "2025-03-05 10:00"},
        {"service_request_id": "4", "service_code": "A", "requested_datetime": "yesterday"},
        {
            "service_request_id": "5",
            "service_code": "A",
            "requested_datetime": "2025-03-05T10:00:00Z",
            "lat": 1.0,
        },
        {
            "service_request_id": "6",
            "service_code": "A",
            "requested_datetime": "2025-03-05T10:00:00Z",
            "lat": "x",
            "long": 2,
        },
        {
            "service_request_id": "7",
            "service_code": ["A"],
            "requested_datetime": "2025-03-05T10:00:00Z",
        },
        {
            "service_request_id": "8",
            "service_code": "A",
            "requested_datetime": "2025-03-05T10:00:00Z",
            "lat": True,
            "long": 2,
        },
        "not an object",
    ]
    complaints, report = read_open311_requests(json.dumps(requests))
    assert [c.id for c in complaints] == ["1"]
    assert complaints[0].caller == Caller("San Zhang", "13812345678")
    assert complaints[0].text == "路灯不亮"
    assert [(p.row, p.field) for p in report.problems] == [
        (1, "service_request_id"),
        (2, "requested_datetime"),
        (3, "requested_datetime"),
        (4, "long"),
        (5, "lat"),
        (6, "service_code"),
        (7, "lat"),
        (8, "request"),
    ]
    assert report.total == 9
    complaints, report = read_open311_requests(
        requests[2:3], timezone="Asia/Shanghai", channel="web", kind="help"
    )
    assert complaints[0].received_at == pendulum.datetime(2025, 3, 5, 2)
    assert (complaints[0].channel, complaints[0].kind) == ("web", "help")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"a": 1}', "must be a JSON array of objects"),
        (
            '[{"service_code": "1", "service_name": }]',
            r"services\.json: service_name: not JSON at line 1",
        ),
        ("[1, 2", r"services\.json: \(document\): not JSON"),
        (
            b'[{"service_code": "1", "service_name": "x"}, 3]',
            r"\[1\]\.service: must be a JSON object",
        ),
        (
            '[{"service_code": "1"}, {"service_name": "x"}]',
            r"\[0\]\.service_name: is required.*\[1\]\.service_code",
        ),
    ],
)
def test_malformed_service_lists(document: str | bytes, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        read_open311_services(document)


def test_files_must_exist_and_be_utf8(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        read_open311_requests(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[\xff]")
    with pytest.raises(DataFormatError, match="is not UTF-8"):
        read_open311_services(str(bad))


def test_a_request_written_out_withholds_personal_data() -> None:
    complaint = Complaint(
        id="T1",
        received_at=pendulum.datetime(2025, 3, 5, 10, tz="Asia/Shanghai"),
        channel="phone",
        kind="complaint",
        urgency="normal",
        category="01.02",
        text="电话13812345678",
        location=Location(116.403741, 39.910102, CRS.GCJ02, address="东华门"),
        caller=Caller("张三", "13812345678"),
    )
    request = to_open311_request(complaint)
    assert "13812345678" not in json.dumps(request, ensure_ascii=False)
    assert (request["service_request_id"], request["status"], request["description"]) == (
        "T1",
        "open",
        None,
    )
    assert (round(request["long"], 4), round(request["lat"], 4)) == (116.3975, 39.9087)
    assert request["requested_datetime"] == "2025-03-05T10:00:00+08:00"
    full = to_open311_request(complaint, include_personal_data=True)
    assert (full["description"], full["first_name"], full["phone"]) == (
        "电话13812345678",
        "张三",
        "13812345678",
    )
    (again,), report = read_open311_requests([full])
    assert not report
    assert (again.id, again.category, again.text, again.caller) == (
        "T1",
        "01.02",
        complaint.text,
        complaint.caller,
    )
    assert again.received_at == complaint.received_at


def test_tickets_carry_their_status() -> None:
    tickets = example_tickets()
    statuses = {to_open311_request(t)["status"] for t in tickets}
    assert statuses == {"open", "closed"}
    bare = to_open311_request(
        Complaint(
            id="X",
            received_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            channel="web",
            kind="help",
            urgency="normal",
            category="c",
        )
    )
    assert (bare["lat"], bare["long"], bare["address"]) == (None, None, None)


def test_an_empty_catalogue_is_valid() -> None:
    assert read_open311_services([]) == Open311Catalogue(())
    assert tomllib.loads(Open311Catalogue(()).to_toml())["catalogue"]["source"].startswith(
        "Open311"
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        "service_request_id",
        "service_code",
        "service_name",
        "requested_datetime",
        "lat",
        "long",
        "address",
        "description",
        "group",
        "keywords",
        "first_name",
        "last_name",
        "phone",
    ]
)
_RECORDS = st.lists(st.one_of(_JSON, st.dictionaries(_KEYS, _JSON, max_size=8)), max_size=4)


@given(_RECORDS, st.sampled_from(["object", "text", "bytes"]))
def test_any_document_reads_or_raises_a_jiesu_error(records: list[object], form: str) -> None:
    document: object = records
    if form != "object":
        text = json.dumps(records)
        document = text.encode() if form == "bytes" else text
    complaints, report = read_open311_requests(document)
    assert len(complaints) + len(report.rows) == len(records)
    field = None
    try:
        services = len(read_open311_services(document).services)
    except DataFormatError as error:
        services, field = -1, error.field
    assert services == len(records) or field == "services.json"


@given(st.binary(max_size=40))
def test_random_bytes_never_escape_as_a_raw_error(data: bytes) -> None:
    for read in (read_open311_requests, read_open311_services):
        with contextlib.suppress(DataFormatError):
            read(data)
