"""Reading ticket exports: encodings, headers, cell types, time zones and every malformed-file case."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from pathlib import Path

import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import DataFormatError, ValidationError
from jiesu.io import BLANK_LIKE, DEFAULT_HEADERS, FIELDS, TicketTable, read_table, read_tickets
from jiesu.io._fields import header_index
from jiesu.io._source import _cell

SH = "Asia/Shanghai"
UTC = dt.UTC
HEADER = "工单编号,受理时间,诉求类别,是否解决,是否满意,回访结果,考核周期,经度"
ROWS = (
    "0101,2025-03-05 10:00:00,0102,是,满意,已回访,2025-03,116.4",
    "0102,2025/3/5 9:05,01.02,0,基本满意,无法联系,2025年3月,",
)


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _export(tmp_path: Path, encoding: str = "utf-8") -> Path:
    return _csv(tmp_path, "\n".join((HEADER, *ROWS)) + "\n", encoding)


def _at(*parts: int) -> dt.datetime:
    year, month, day, *rest = parts
    hour, minute, second, micro = (*rest, 0, 0, 0, 0)[:4]
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def test_default_headers_cover_every_field_and_are_unambiguous() -> None:
    assert list(DEFAULT_HEADERS) == list(FIELDS)
    aliases = [h for headers in DEFAULT_HEADERS.values() for h in headers]
    assert len(aliases) == len(set(aliases))
    index = header_index()
    for field, headers in DEFAULT_HEADERS.items():
        assert all(index[h] == field for h in headers)
        assert index[field] == field


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_export_reads_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    tickets = read_tickets(_export(tmp_path, encoding), timezone=SH)
    assert tickets.encoding == encoding
    assert not tickets.problems
    rows = tickets.frame.to_pylist()
    assert rows[0] == {
        "row": 0,
        "line": 2,
        "ticket_id": "0101",
        "received_at": _at(2025, 3, 5, 2),
        "category": "0102",
        "solved": True,
        "satisfaction": "satisfied",
        "callback": "answered",
        "period": "2025-03",
        "lon": 116.4,
    }
    assert rows[1]["received_at"] == _at(2025, 3, 5, 1, 5)
    assert (rows[1]["solved"], rows[1]["period"], rows[1]["lon"]) == (False, "2025-03", None)
    assert tickets.header_map["受理时间"] == "received_at"
    assert tickets.unmapped == ()


def test_the_given_encoding_wins_and_a_wrong_one_names_the_byte(tmp_path: Path) -> None:
    path = _export(tmp_path, "gb18030")
    assert read_tickets(path, timezone=SH, encoding="gb18030").encoding == "gb18030"
    with pytest.raises(DataFormatError, match=r"does not decode as utf-8 at byte offset \d+"):
        read_tickets(path, timezone=SH, encoding="utf-8")
    with pytest.raises(DataFormatError, match="unknown encoding"):
        read_tickets(path, timezone=SH, encoding="klingon")


def test_undecodable_and_utf16_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n1,\xff\xfe\xff\n")
    with pytest.raises(
        DataFormatError, match=r"decodes neither as UTF-8 nor as GB18030 \(byte offset 6\)"
    ):
        read_tickets(bad, timezone=SH)
    bom_bad = tmp_path / "bom.csv"
    bom_bad.write_bytes(b"\xef\xbb\xbfa\n\xff\n")
    with pytest.raises(DataFormatError, match="decodes neither"):
        read_tickets(bom_bad, timezone=SH)
    utf16 = _csv(tmp_path, HEADER + "\n", "utf-16")
    with pytest.raises(DataFormatError, match="is UTF-16"):
        read_tickets(utf16, timezone=SH)
    assert read_tickets(utf16, timezone=SH, encoding="utf-16").frame.num_rows == 0


@pytest.mark.parametrize("text", ["", "\n\n", "   "])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataFormatError, match=r"t\.csv: is empty"):
        read_tickets(_csv(tmp_path, text), timezone=SH)


def test_missing_and_unknown_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        read_tickets(tmp_path / "none.csv", timezone=SH)
    with pytest.raises(DataFormatError, match="unknown file type"):
        read_tickets(tmp_path / "t.docx", timezone=SH)
    with pytest.raises(DataFormatError, match="not a path nor a dataframe"):
        read_tickets(42, timezone=SH)


def test_a_ragged_row_names_its_line(tmp_path: Path) -> None:
    text = 'a,b\n1,2\n"x\ny",3\n4\n5,6,7\n'
    with pytest.raises(
        DataFormatError, match=r"t\.csv:5: line 5 has 1 cells, the header has 2 \(2 such rows\)"
    ):
        read_tickets(_csv(tmp_path, text), timezone=SH)
    with pytest.raises(
        DataFormatError, match=r"line 3 has 3 cells, the header has 2 \(1 such row\)"
    ):
        read_tickets(_csv(tmp_path, "a,b\n1,2\n1,2,3\n"), timezone=SH)


def test_an_arrow_parse_error_is_a_format_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object, **__: object) -> None:
        raise pa.ArrowInvalid("CSV parse error: row text 13812345678 ...")

    monkeypatch.setattr(pacsv, "read_csv", fail)
    with pytest.raises(DataFormatError, match="is not a readable CSV file"):
        read_tickets(_csv(tmp_path, "a,b\n1,2\n"), timezone=SH)


def test_an_unterminated_quote_reads_to_the_end(tmp_path: Path) -> None:
    tickets = read_tickets(_csv(tmp_path, 'a,b\n1,"2\n3,4'), timezone=SH)
    assert tickets.frame.column("b").to_pylist() == ["2\n3,4"]


def test_lines_count_newlines_inside_cells_and_blank_lines_are_rows(tmp_path: Path) -> None:
    text = '工单编号,诉求内容\n1,"第一行\n第二行"\n\n"2","a\r\nb\nc"\n3,x\n\n\n'
    tickets = read_tickets(_csv(tmp_path, text), timezone=SH)
    assert tickets.frame.column("line").to_pylist() == [2, 4, 5, 8]
    assert tickets.frame.column("ticket_id").to_pylist() == ["1", None, "2", "3"]


def test_tab_separated_text(tmp_path: Path) -> None:
    path = _csv(tmp_path, "工单编号\t承办单位\n0007\t东华门街道\n", name="t.txt")
    assert read_tickets(path, timezone=SH).frame.select(["ticket_id", "unit"]).to_pylist() == [
        {"ticket_id": "0007", "unit": "东华门街道"}
    ]


def test_header_problems_are_format_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"duplicated header \(got '工单编号'\)"):
        read_tickets(_csv(tmp_path, "工单编号,工单编号\n1,2\n"), timezone=SH)
    with pytest.raises(
        DataFormatError, match="'受理时间' and '来电时间' both map to 'received_at'"
    ):
        read_tickets(_csv(tmp_path, "受理时间,来电时间\n,\n"), timezone=SH)
    with pytest.raises(DataFormatError, match="the header 'line' is reserved"):
        read_tickets(_csv(tmp_path, "line\n1\n"), timezone=SH)
    with pytest.raises(ValidationError, match=r"columns\['x'\]: unknown field"):
        read_tickets(_csv(tmp_path, "x\n1\n"), timezone=SH, columns={"x": "nope"})


def test_the_callers_columns_win_and_unknown_headers_are_kept(tmp_path: Path) -> None:
    path = _csv(tmp_path, "受理时间,来电时间,单号,备注,line\n2025-03-05 08:00,x,A1, 说明\u3000,9\n")
    tickets = read_tickets(
        path, timezone=SH, columns={"来电时间": None, "单号": "ticket_id", "line": "extension_days"}
    )
    assert tickets.frame.column_names == [
        "row",
        "line",
        "received_at",
        "来电时间",
        "ticket_id",
        "备注",
        "extension_days",
    ]
    assert tickets.unmapped == ("来电时间", "备注")
    assert dict(tickets.header_map) == {
        "受理时间": "received_at",
        "单号": "ticket_id",
        "line": "extension_days",
    }
    assert tickets.frame.column(5).to_pylist() == ["说明"]


@given(
    st.text(alphabet=" \t\u3000\u00a0\u2002\u200b\ufeff", max_size=4),
    st.text(alphabet="工单0123abc", min_size=1, max_size=5),
    st.text(alphabet=" \t\u3000\u00a0\u2002\u200b\ufeff", max_size=4),
)
def test_cells_are_trimmed_of_every_unicode_space(left: str, core: str, right: str) -> None:
    tickets = read_tickets(pa.table({"承办单位": [left + core + right, left + right]}), timezone=SH)
    assert tickets.frame.column("unit").to_pylist() == [core, None]


@pytest.mark.parametrize("blank", [*BLANK_LIKE, "", "  ", "\u3000"])
def test_blank_like_cells_are_null(blank: str) -> None:
    tickets = read_tickets(pa.table({"承办单位": [blank], "是否解决": [blank]}), timezone=SH)
    assert tickets.frame.column("unit").to_pylist() == [None]
    assert tickets.frame.column("solved").to_pylist() == [None]
    assert not tickets.problems


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("1", True),
        ("0", False),
        ("1.0", True),
        ("0.0", False),
        ("TRUE", True),
        ("false", False),
        ("Y", True),
        ("n", False),
    ],
)
def test_yes_no_spellings(cell: str, expected: bool) -> None:
    assert (
        read_tickets(pa.table({"是否联系": [cell]}), timezone=SH)
        .frame.column("contacted")[0]
        .as_py()
        is expected
    )


def test_codes_come_from_the_model_enums_and_unknowns_are_problems() -> None:
    export = pa.table(
        {
            "受理渠道": ["电话", "web", "热线电话"],
            "诉求类型": ["投诉", "咨询", "投拆"],
            "主办/协办": ["主办", "协办单位", "lead"],
            "派单方式": ["直派", "区级转派", "转派"],
            "坐标系": ["高德", "百度", "wgs-84"],
            "回访结果": ["未回访", "拒绝回访", "已回访"],
            "是否满意": ["非常满意", "不满意", "满意"],
            "是否涉企": ["是", "否", "企业"],
            "紧急程度": ["一般", "紧急", "特急"],
        }
    )
    tickets = read_tickets(export, timezone=SH)
    rows = tickets.frame.drop_columns(["row", "line"]).to_pylist()
    assert rows[0] == {
        "channel": "phone",
        "kind": "complaint",
        "role": "lead",
        "dispatch_mode": "direct",
        "crs": "GCJ02",
        "callback": "none",
        "satisfaction": "satisfied",
        "requester_type": "enterprise",
        "urgency": "normal",
    }
    assert rows[1]["crs"] == "BD09"
    assert rows[1]["dispatch_mode"] == "via_district"
    assert rows[2]["crs"] == "WGS84"
    assert rows[2]["kind"] is None
    assert tickets.bad_rows == (2,)
    (problem,) = tickets.problems.problems
    assert (problem.row, problem.field, problem.value) == (2, "kind", "投拆")
    assert problem.reason.startswith("unknown value; allowed: complaint, consultation")


def test_numbers_and_periods() -> None:
    export = pa.table(
        {
            "延期天数": ["2", "1.5", "-3e2", ".5", "两天", "1,5"],
            "考核周期": ["2025-03", "2025年3月", "202503", "2025/3", "2025-13", "三月"],
        }
    )
    tickets = read_tickets(export, timezone=SH)
    assert tickets.frame.column("extension_days").to_pylist() == [2.0, 1.5, -300.0, 0.5, None, None]
    assert tickets.frame.column("period").to_pylist() == ["2025-03"] * 4 + [None, None]
    assert [(p.row, p.field) for p in tickets.problems.problems] == [
        (4, "extension_days"),
        (4, "period"),
        (5, "extension_days"),
        (5, "period"),
    ]
    assert tickets.bad_rows == (4, 5)
    assert tickets.problems.problems[1].reason.startswith("not a month")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-03-05 10:00:00", _at(2025, 3, 5, 2)),
        ("2025/3/5 10:00", _at(2025, 3, 5, 2)),
        ("2025年3月5日 10:00", _at(2025, 3, 5, 2)),
        ("2025-03-05", _at(2025, 3, 4, 16)),
        ("2025-03-05T10:00:00.5", _at(2025, 3, 5, 2, 0, 0, 500000)),
        ("2025-03-05T10:00:00+09:00", _at(2025, 3, 5, 1)),
        ("2025-03-05 10:00:00 +0530", _at(2025, 3, 5, 4, 30)),
        ("2025-03-05 10:00:00Z", _at(2025, 3, 5, 10)),
        ("2025-03-05 10:00:00.000000Z", _at(2025, 3, 5, 10)),
        ("2025-03-05 10:00-03", _at(2025, 3, 5, 13)),
    ],
)
def test_date_time_spellings(cell: str, expected: dt.datetime) -> None:
    tickets = read_tickets(pa.table({"受理时间": [cell]}), timezone=SH)
    assert not tickets.problems
    assert tickets.frame.column("received_at")[0].as_py() == expected
    assert tickets.frame.schema.field("received_at").type == pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize(
    "cell",
    [
        "2025-02-29 10:00",
        "2025-13-01",
        "2025-03-05 24:00",
        "2025-03-05 10:60",
        "2025-03-05 10:00:61",
        "下周一",
    ],
)
def test_impossible_date_times_are_problems(cell: str) -> None:
    tickets = read_tickets(pa.table({"受理时间": [cell, "2024-02-29 10:00"]}), timezone=SH)
    assert tickets.bad_rows == (0,)
    assert tickets.problems.problems[0].reason.startswith("not a date-time")
    assert tickets.frame.column("received_at").to_pylist() == [None, _at(2024, 2, 29, 2)]


def test_no_zone_declared_refuses_wall_times_but_keeps_offsets() -> None:
    tickets = read_tickets(
        pa.table({"受理时间": ["2025-03-05 10:00", "2025-03-05T10:00:00+08:00"]}), timezone=None
    )
    assert tickets.frame.column("received_at").to_pylist() == [None, _at(2025, 3, 5, 2)]
    assert tickets.bad_rows == (0,)
    assert "no time zone declared" in tickets.problems.problems[0].reason
    assert tickets.timezone is None


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone: not a known IANA time zone"):
        read_tickets(pa.table({"a": ["1"]}), timezone="Mars/Olympus")


def test_clock_changes_are_problems_never_guesses() -> None:
    ny = "America/New_York"
    cells = [
        "2025-03-09 02:30:00",
        "2025-11-02 01:30:00",
        "2025-07-01 12:00",
        "2025-11-02 01:30-05:00",
    ]
    tickets = read_tickets(pa.table({"回访时间": cells}), timezone=ny)
    assert tickets.frame.column("callback_at").to_pylist() == [
        None,
        None,
        _at(2025, 7, 1, 16),
        _at(2025, 11, 2, 6, 30),
    ]
    reasons = [p.reason for p in tickets.problems.problems]
    assert reasons == [
        "this wall time does not exist in America/New_York (a clock change)",
        "this wall time is ambiguous in America/New_York (a clock change)",
    ]


@given(
    # Up to 2037: the zone rules pyarrow reads stop there, while zoneinfo extrapolates later clock changes.
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2037, 12, 30)),
    st.sampled_from(
        ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
    ),
    st.sampled_from([SH, "America/New_York", "Europe/London", "UTC"]),
)
def test_wall_times_agree_with_zoneinfo(when: dt.datetime, pattern: str, zone: str) -> None:
    when = when.replace(microsecond=0)
    tickets = read_tickets(pa.table({"受理时间": [when.strftime(pattern)]}), timezone=zone)
    tz = zoneinfo.ZoneInfo(zone)
    early, late = when.replace(tzinfo=tz, fold=0), when.replace(tzinfo=tz, fold=1)
    exists = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == when
    if early.utcoffset() == late.utcoffset() and exists:
        assert not tickets.problems
        assert tickets.frame.column("received_at")[0].as_py() == early.astimezone(UTC)
    else:
        assert tickets.bad_rows == (0,)


def test_problems_list_every_cell_in_row_order() -> None:
    export = pa.table(
        {"是否解决": ["x", "是", "z"], "受理时间": ["bad", "2025-03-05 10:00", "2025-03-05"]}
    )
    tickets = read_tickets(export, timezone=SH)
    assert [(p.row, p.field, p.value) for p in tickets.problems.problems] == [
        (0, "solved", "x"),
        (0, "received_at", "bad"),
        (2, "solved", "z"),
    ]
    assert tickets.bad_rows == (0, 2)
    assert tickets.frame.num_rows == 3
    assert tickets.problems.total == 3


def test_repr_shows_no_cell() -> None:
    tickets = read_tickets(pa.table({"联系电话": ["13812345678"], "诉求人": ["张三"]}), timezone=SH)
    assert repr(tickets) == "TicketTable(source='Table', rows=1, problems=0, bad_rows=0)"
    assert len(tickets) == 1
    assert isinstance(tickets, TicketTable)


def test_typed_frames_keep_instants_and_whole_numbers(tmp_path: Path) -> None:
    typed = pa.table(
        {
            "工单编号": pa.array([12.0, 7.0]),
            "受理时间": pa.array([dt.datetime(2025, 3, 5, 10), None], pa.timestamp("ms")),
            "派单时间": pa.array([_at(2025, 3, 5, 2), None], pa.timestamp("us", tz=SH)),
            "是否解决": pa.array([True, None]),
            "承办单位": pa.array(["东华门", "东华门"]).dictionary_encode(),
            "结案时间": pa.array([dt.date(2025, 3, 6), None]),
        }
    )
    rows = read_tickets(typed, timezone=SH).frame.drop_columns(["row", "line"]).to_pylist()
    assert rows[0] == {
        "ticket_id": "12",
        "received_at": _at(2025, 3, 5, 2),
        "dispatched_at": _at(2025, 3, 5, 2),
        "solved": True,
        "unit": "东华门",
        "closed_at": _at(2025, 3, 5, 16),
    }
    path = tmp_path / "t.parquet"
    pq.write_table(typed, path)
    again = read_tickets(path, timezone=SH)
    assert again.frame.drop_columns(["row", "line"]).to_pylist() == [
        *read_tickets(typed, timezone=SH).frame.drop_columns(["row", "line"]).to_pylist()
    ]
    assert again.frame.column("line").to_pylist() == [2, 3]


def test_every_backend_reads_the_same() -> None:
    data = {"工单编号": ["0101", "0102"], "是否解决": ["是", "否"]}
    expected = read_tickets(pa.table(data), timezone=SH).frame
    for native in (pd.DataFrame(data), pl.DataFrame(data), pl.DataFrame(data).lazy()):
        assert read_tickets(native, timezone=SH).frame.equals(expected)
    assert nw.from_native(pd.DataFrame(data)).shape == (2, 2)


def test_a_nested_column_is_a_format_error() -> None:
    with pytest.raises(DataFormatError, match="column 'x' of type struct"):
        read_tickets(pa.table({"x": [{"a": 1}]}), timezone=SH)


def test_a_corrupt_parquet_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(DataFormatError, match=r"t\.parquet: cannot be read"):
        read_tickets(path, timezone=SH)


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"工单编号": "0101", "延期天数": 2.0, "是否解决": true, "extra": [1, "二"]}\n\n'
        '{"工单编号": 102, "受理时间": "2025-03-05 10:00:00", "是否解决": null}\n',
        encoding="utf-8",
    )
    tickets = read_tickets(path, timezone=SH)
    assert tickets.frame.drop_columns(["row"]).to_pylist() == [
        {
            "line": 1,
            "ticket_id": "0101",
            "extension_days": 2.0,
            "solved": True,
            "extra": '[1, "二"]',
            "received_at": None,
        },
        {
            "line": 3,
            "ticket_id": "102",
            "extension_days": None,
            "solved": None,
            "extra": None,
            "received_at": _at(2025, 3, 5, 2),
        },
    ]
    for text, message in (
        ('{"a": 1\n', "line 1 is not JSON"),
        ("[1]\n", "line 1 is not a JSON object"),
        ("\n", "is empty"),
    ):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataFormatError, match=message):
            read_tickets(path, timezone=SH)


def _xlsx(path: Path, rows: list[list[object]], sheets: tuple[str, ...] = ("工单",)) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for name in sheets:
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value, stamp)
                    elif value is not None:
                        sheet.write(r, c, value)
    return path


def test_excel_cells_read_as_text_first(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "t.xlsx",
        [
            ["工单编号", "诉求类别", "受理时间", "是否解决", "延期天数", "备注"],
            [12.0, "0101", dt.datetime(2025, 3, 5, 10), True, 1.5, None],
            ["A2", 101, "2025-03-05 10:00:00+08:00", "否", 3, "x"],
        ],
    )
    tickets = read_tickets(path, timezone=SH)
    assert tickets.source.endswith("t.xlsx[工单]")
    rows = tickets.frame.to_pylist()
    assert rows[0] == {
        "row": 0,
        "line": 2,
        "ticket_id": "12",
        "category": "0101",
        "received_at": _at(2025, 3, 5, 2),
        "solved": True,
        "extension_days": 1.5,
        "备注": None,
    }
    assert (rows[1]["ticket_id"], rows[1]["category"], rows[1]["solved"]) == ("A2", "101", False)
    assert read_table(path).column("工单编号").to_pylist() == ["12", "A2"]


def test_excel_sheets_by_name_or_number(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", [["工单编号"], ["1"]], sheets=("一", "二"))
    assert read_tickets(path, timezone=SH, sheet=1).source.endswith("[二]")
    assert read_tickets(path, timezone=SH, sheet="一").source.endswith("[一]")
    with pytest.raises(DataFormatError, match=r"no sheet number 5; sheets: \['一', '二'\]"):
        read_tickets(path, timezone=SH, sheet=5)
    with pytest.raises(DataFormatError, match="no such sheet"):
        read_tickets(path, timezone=SH, sheet="三")


def test_broken_and_empty_workbooks(tmp_path: Path) -> None:
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK not a zip")
    with pytest.raises(DataFormatError, match="is not a readable Excel workbook"):
        read_tickets(broken, timezone=SH)
    empty = _xlsx(tmp_path / "e.xlsx", [])
    with pytest.raises(DataFormatError, match="the sheet is empty"):
        read_tickets(empty, timezone=SH)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        (True, "true"),
        (False, "false"),
        (3.0, "3"),
        (0.1, "0.1"),
        (7, "7"),
        (dt.datetime(2025, 3, 5, 10, 0, 0, 5), "2025-03-05 10:00:00.000005"),
        (dt.date(2025, 3, 5), "2025-03-05"),
        (dt.time(10, 30), "10:30:00"),
        ("0101", "0101"),
    ],
)
def test_excel_cell_text(value: object, text: str | None) -> None:
    assert _cell(value) == text


@pytest.mark.slow
def test_a_large_gb18030_export_reads_quickly(tmp_path: Path) -> None:
    n = 100_000
    body = "\n".join(
        f"{i:08d},2025-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00,东华门街道{i % 16},{'是' if i % 3 else '否'},满意,已回访,2025年3月"
        for i in range(n)
    )
    path = _csv(
        tmp_path,
        "工单编号,受理时间,承办单位,是否解决,是否满意,回访结果,考核周期\n" + body + "\n",
        "gb18030",
    )
    start = time.perf_counter()
    tickets = read_tickets(path, timezone=SH)
    elapsed = time.perf_counter() - start
    assert tickets.frame.num_rows == n
    assert not tickets.problems
    assert (
        elapsed < 10
    )  # a generous bound for a shared two-core machine; typically about one second


def test_the_docs_header_table_is_the_default_map() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "io" / "index.md").read_text(
        encoding="utf-8"
    )
    for field, headers in DEFAULT_HEADERS.items():
        (row,) = [line for line in page.splitlines() if line.startswith(f"| `{field}` |")]
        assert row.endswith(f"| {', '.join(headers)} |")


@given(st.binary(max_size=60), st.sampled_from([".csv", ".txt", ".jsonl", ".xlsx", ".parquet"]))
def test_random_files_read_or_raise_a_format_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    message = ""
    try:
        rows = len(read_tickets(path, timezone=SH))
    except DataFormatError as error:
        rows, message = -1, str(error)
    assert rows >= 0 or str(path) in message


def test_an_oversized_header_cell_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"t\.csv:1: the header line cannot be read"):
        read_tickets(_csv(tmp_path, '"' + "x" * 200_000 + '"\n1\n'), timezone=SH)


@given(
    lon=st.floats(-400, 400, allow_nan=False).map(lambda v: round(v, 4)),
    lat=st.floats(-200, 200, allow_nan=False).map(lambda v: round(v, 4)),
)
def test_coordinates_out_of_range_are_problems_and_no_value(lon: float, lat: float) -> None:
    table = pa.table({"工单编号": ["T1"], "经度": [str(lon)], "纬度": [str(lat)]})
    read = read_tickets(table, timezone="Asia/Shanghai")
    found = {(p.field, p.value) for p in read.problems.problems}
    expected = {(f, str(v)) for f, v, m in (("lon", lon, 180), ("lat", lat, 90)) if abs(v) > m}
    assert found == expected
    assert read.frame.num_rows == 1  # the row is kept and its problem listed
    got = read.frame.column("lon")[0].as_py(), read.frame.column("lat")[0].as_py()
    assert got == (lon if abs(lon) <= 180 else None, lat if abs(lat) <= 90 else None)
