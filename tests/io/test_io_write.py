"""Writing ticket tables: round trips through every format, and personal data withheld by default."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from jiesu.errors import DataFormatError, MissingDependencyError, ValidationError
from jiesu.io import MASKED, TicketTable, mask_text, read_table, read_tickets, write_table

if TYPE_CHECKING:
    from pathlib import Path

SH = "Asia/Shanghai"
FORMATS = (".csv", ".xlsx", ".parquet", ".jsonl")
_TEXT = st.text(alphabet="工单编号东华门街道诉求 ,\"'\n\u3000\u00a0abc0123-/", max_size=8)
_CODE = st.text(alphabet="0123456789.", min_size=1, max_size=6)
_WHEN = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2037, 12, 31),
    timezones=st.just(dt.UTC),
)


@st.composite
def _exports(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(min_value=1, max_value=6))

    def column(strategy: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(st.one_of(st.none(), strategy), min_size=n, max_size=n))

    return pa.table(
        {
            # Every row has its id: a sheet stores no all-blank row, so such a row has nothing to round-trip.
            "工单编号": pa.array(draw(st.lists(_CODE, min_size=n, max_size=n)), pa.string()),
            "诉求类别": pa.array(column(_CODE), pa.string()),
            "承办单位": pa.array(column(_TEXT), pa.string()),
            "诉求内容": pa.array(column(_TEXT), pa.string()),
            "受理时间": pa.array(column(_WHEN), pa.timestamp("us", tz="UTC")),
            # Rounded as coordinates are: a sheet stores 16 significant digits, not the 17 of a float64.
            "经度": pa.array(column(st.floats(-180, 180).map(lambda x: round(x, 8))), pa.float64()),
            "是否解决": pa.array(column(st.sampled_from(["是", "否", "1", "0.0"])), pa.string()),
            "是否满意": pa.array(
                column(st.sampled_from(["满意", "基本满意", "不满意"])), pa.string()
            ),
            "考核周期": pa.array(
                column(st.sampled_from(["2025-03", "2025年4月", "202512"])), pa.string()
            ),
            "备注": pa.array(column(_TEXT), pa.string()),
        }
    )


def _body(tickets: TicketTable) -> pa.Table:
    return tickets.frame.drop_columns(["row", "line"])


@pytest.mark.slow
@settings(max_examples=25)
@given(
    _exports(),
    st.sampled_from(FORMATS),
    st.sampled_from(["field", "zh"]),
    st.sampled_from([SH, "UTC", None]),
)
def test_write_then_read_is_the_identity(
    tmp_path_factory: pytest.TempPathFactory,
    export: pa.Table,
    suffix: str,
    headers: str,
    zone: str | None,
) -> None:
    first = read_tickets(export, timezone=SH)
    assert not first.problems
    path = tmp_path_factory.mktemp("rt") / f"t{suffix}"
    write_table(first, path, include_personal_data=True, headers=headers, timezone=zone)  # type: ignore[arg-type]
    again = read_tickets(path, timezone="Europe/London")
    assert not again.problems
    assert again.unmapped == ("备注",)
    assert _body(again).equals(_body(first))


_PHONE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
_ID = st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True)


@pytest.mark.slow
@settings(max_examples=20)
@given(
    _PHONE, _ID, st.text(alphabet="我家楼下噪音请联系电话：", max_size=6), st.sampled_from(FORMATS)
)
def test_no_output_holds_a_phone_number_unless_asked(
    tmp_path_factory: pytest.TempPathFactory, phone: str, card: str, words: str, suffix: str
) -> None:
    export = pa.table(
        {
            "工单编号": ["0001"],
            "诉求人": ["张三丰"],
            "联系电话": [phone],
            "诉求内容": [f"{words}{phone}{words}，身份证{card}"],
        }
    )
    tickets = read_tickets(export, timezone=SH)
    folder = tmp_path_factory.mktemp("privacy")
    for table in (tickets, export):
        path = write_table(table, folder / f"out{suffix}")
        written = read_table(path).to_pylist()
        assert phone not in str(written)
        assert card[:17] not in str(written)
        assert "张三丰" not in str(written)
        assert MASKED in written[0][next(k for k in written[0] if k in ("content", "诉求内容"))]
        if suffix in (".csv", ".jsonl"):
            assert phone not in path.read_text(encoding="utf-8-sig")
    shown = write_table(tickets, folder / f"all{suffix}", include_personal_data=True)
    assert phone in str(read_table(shown).to_pylist())


def test_csv_has_a_bom_and_local_wall_times(tmp_path: Path) -> None:
    tickets = read_tickets(
        pa.table(
            {
                "工单编号": ["0101"],
                "受理时间": ["2025-03-05 10:00:00"],
                "回访时间": ["2025-03-05 10:00:00.25"],
            }
        ),
        timezone=SH,
    )
    path = write_table(tickets, tmp_path / "t.csv", headers="zh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == [
        '"工单编号","受理时间","回访时间"',
        '"0101","2025-03-05 10:00:00+08:00","2025-03-05 10:00:00.250000+08:00"',
    ]
    utc = write_table(tickets.frame, tmp_path / "u.csv")
    assert "2025-03-05 02:00:00+00:00" in utc.read_text(encoding="utf-8-sig")
    assert '"row","line"' in utc.read_text(encoding="utf-8-sig")


def test_parquet_keeps_types(tmp_path: Path) -> None:
    tickets = read_tickets(
        pa.table({"受理时间": ["2025-03-05 10:00"], "是否解决": ["是"]}), timezone=SH
    )
    table = pq.read_table(write_table(tickets, tmp_path / "t.parquet"))
    assert table.schema.field("received_at").type == pa.timestamp("us", tz="UTC")
    assert table.column_names == ["received_at", "solved"]


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path: Path) -> None:
    frame = pa.table({"ticket_id": ["0101", "=1+1"], "lon": [116.5, None], "solved": [True, False]})
    path = write_table(frame, tmp_path / "t.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("tickets").to_python()
    assert rows == [["ticket_id", "lon", "solved"], ["0101", 116.5, True], ["=1+1", "", False]]


def test_a_pandas_frame_can_be_written(tmp_path: Path) -> None:
    path = write_table(
        pd.DataFrame({"工单编号": ["0101"], "联系电话": ["13812345678"]}), tmp_path / "t.jsonl"
    )
    assert path.read_text(encoding="utf-8") == '{"工单编号": "0101"}\n'


def test_writer_errors(tmp_path: Path) -> None:
    frame = pa.table({"a": ["1"]})
    with pytest.raises(DataFormatError, match="the output folder does not exist"):
        write_table(frame, tmp_path / "none" / "t.csv")
    with pytest.raises(DataFormatError, match="unknown output type"):
        write_table(frame, tmp_path / "t.docx")
    with pytest.raises(ValidationError, match="headers: must be 'field' or 'zh'"):
        write_table(frame, tmp_path / "t.csv", headers="fr")  # type: ignore[arg-type]
    naive = pa.table({"received_at": pa.array([dt.datetime(2025, 3, 5)], pa.timestamp("us"))})
    with pytest.raises(ValidationError, match="received_at: naive timestamps cannot be written"):
        write_table(naive, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()


def test_too_many_rows_for_a_sheet(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="1048576 rows do not fit one sheet"):
        write_table(pa.table({"a": pa.nulls(1_048_576, pa.string())}), tmp_path / "t.xlsx")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话***"),
        ("+86 138 1234 5678 找我", "*** 找我"),
        ("010-62345678", "***"),
        ("身份证11010519491231002x。", "身份证***。"),
        ("门牌12号，2025年3月", "门牌12号，2025年3月"),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert mask_text(pa.array([text])).to_pylist() == [masked]


def test_a_missing_excel_package_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_table(pa.table({"a": ["1"]}), tmp_path / "t.xlsx")
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(
        MissingDependencyError, match=r"'python-calamine'.*pip install 'jiesu\[excel\]'"
    ):
        read_tickets(path, timezone=SH)
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    with pytest.raises(MissingDependencyError, match=r"'xlsxwriter'.*pip install 'jiesu\[excel\]'"):
        write_table(pa.table({"a": ["1"]}), path)
