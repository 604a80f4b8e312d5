"""The private data-file loader: decoding, key lines, exact types, every problem at once."""

from __future__ import annotations

import datetime as dt
import pickle
import zipfile
from importlib import resources
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu import _loader
from jiesu._frozen import FrozenMap
from jiesu._loader import (
    BOOL,
    DATE,
    DATE_OR_ISO,
    INT,
    NUMBER,
    STR,
    STRS,
    TEXT,
    Doc,
    Reader,
    dotted,
    parse_json,
    parse_toml,
    read_json,
    read_toml,
    suggest,
    undotted,
)
from jiesu.errors import DataFileError, DataFormatError, JiesuError, ValidationReport

if TYPE_CHECKING:
    from pathlib import Path

TEXT_DOC = """\
# a comment
name = "x"          # trailing comment
"quoted key" = 1
dotted.key = 'lit'
multi = \"\"\"one
two = 3
\"\"\"
lit = '''a
b = 1'''
arr = [
  1,  # one
  { a = 1, b = [2, { c = 3 }] },
]
esc = "a \\" b"
'lit key' = \"\"\"a\"\"\"\"

[t.u]
v = { a = 1 }

[[fruit]]
name = "apple"
[[fruit.variety]]
name = "red"
[[fruit.variety]]
name = "green"

[[fruit]]
name = "pear"
[[fruit.variety]]
name = "bosc"
"""


def test_lines_of_keys_tables_and_array_elements() -> None:
    doc = parse_toml(TEXT_DOC, source="d.toml")
    expect = {
        ("name",): 2,
        ("quoted key",): 3,
        ("dotted", "key"): 4,
        ("multi",): 5,
        ("lit",): 8,
        ("arr", 0): 11,
        ("arr", 1, "b", 1, "c"): 12,
        ("esc",): 14,
        ("lit key",): 15,
        ("t",): 17,
        ("t", "u", "v", "a"): 18,
        ("fruit", 0, "name"): 21,
        ("fruit", 0, "variety", 1, "name"): 25,
        ("fruit", 1): 27,
        ("fruit", 1, "variety", 0, "name"): 30,
    }
    assert {path: doc.line_of(path) for path in expect} == expect
    assert doc.line_of(("fruit", 1, "variety", 0, "colour")) == 29  # the nearest enclosing table
    assert doc.line_of(("nowhere",)) is None
    assert doc.where(("nowhere",)) == "d.toml"
    assert doc.where(("name",)) == "d.toml:2"
    assert doc.data["lit key"] == 'a"'
    assert "two" not in doc.data  # inside a multi-line string, not a key
    assert ("two",) not in doc.lines
    assert ("b",) not in doc.lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = 1\nb = [", r"^s\.toml:2: \(file\): invalid TOML: .*, at end of document$"),
        ("a = 1\nb = x\n", r"^s\.toml:2: \(file\): invalid TOML: Invalid value, column 5$"),
        (b'a = "\xff"', r"^s\.toml:1: \(file\): not UTF-8 text \(byte 5\) \(got b'\\xff'\)$"),
        (b"x = 1\n\xfe", r"^s\.toml:2: \(file\): not UTF-8 text \(byte 6\)"),
        ("a = " + "[" * 5000 + "]" * 5000, r"^s\.toml: \(file\): invalid TOML: nested too deeply$"),
    ],
)
def test_decode_and_parse_failures_name_the_file(text: str | bytes, message: str) -> None:
    with pytest.raises(DataFileError, match=message) as info:
        parse_toml(text, source="s.toml")
    assert isinstance(info.value, DataFormatError)
    assert isinstance(info.value, ValidationReport)
    assert isinstance(info.value, ValueError)


def test_a_bom_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfname = "x"\n')
    assert read_toml(path).data == {"name": "x"}
    assert parse_toml('\ufeffname = "y"', source="t").data == {"name": "y"}
    assert read_toml(path).source == str(path)
    assert read_toml(str(path), source="given").source == "given"


def test_reading_files_and_resources(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"missing\.toml: \(file\): cannot read file: "):
        read_toml(tmp_path / "missing.toml")
    with pytest.raises(DataFileError, match=r": \(file\): cannot read file: "):
        read_json(tmp_path)  # a folder
    bundled = resources.files("jiesu.calendar") / "presets" / "beijing.toml"
    assert read_toml(bundled, source="beijing.toml").data["name"] == "beijing"
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("p.toml", 'name = "zipped"\n')
    assert read_toml(zipfile.Path(archive, "p.toml")).data == {"name": "zipped"}
    path = tmp_path / "x.json"
    path.write_text('{"a": [1, {"b": 2}]}', encoding="utf-8")
    doc = read_json(path)
    assert doc.json
    assert doc.field(("a", 1, "b")) == "$.a[1].b"
    assert doc.where(("a",)) == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            r"^j:1: \(file\): invalid JSON: Expecting property name enclosed in double quotes, column 2$",
        ),
        (
            '{"a": ' + "7" * 5000 + "}",
            r"^j: \(file\): invalid JSON: an integer with too many digits$",
        ),
        ("[" * 100_000, r"^j: \(file\): invalid JSON: nested too deeply$"),
        ('{"a": Infinity}', r"^j: \(file\): invalid JSON: Infinity is not a JSON number$"),
        (b"[\x80]", r"^j:1: \(file\): not UTF-8 text \(byte 1\)"),
    ],
)
def test_json_failures_name_the_file(text: str | bytes, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        parse_json(text, source="j")


def test_json_problem_other_value_errors() -> None:
    assert _loader._json_problem(ValueError("odd")) == "odd"


def test_dotted_and_undotted() -> None:
    assert dotted(("limits", 2, "duration")) == "limits[2].duration"
    assert dotted(("a.b", "c d", "中文")) == '"a.b"."c d".中文'
    assert dotted(()) == "(file)"
    assert dotted(("features", 0), json_path=True) == "$.features[0]"
    assert undotted("rule[3].co_handlers[0]") == ("rule", 3, "co_handlers", 0)


def test_suggestion_wording() -> None:
    assert suggest("warn_fracton", ["warn_fraction", "name"]) == (
        "unknown key 'warn_fracton'; did you mean 'warn_fraction'? allowed: name, warn_fraction"
    )
    assert suggest("zzz", ["name"]) == "unknown key 'zzz'; allowed: name"


def _root(text: str) -> tuple[Reader, _loader.Table]:
    reader = Reader(parse_toml(text, source="k.toml"))
    return reader, reader.root()


@pytest.mark.parametrize(
    ("value", "kind", "reason"),
    [
        ('"false"', BOOL, "must be true or false"),
        ("1", BOOL, "must be true or false"),
        ('"0.2x"', NUMBER, "must be a number"),
        ("true", NUMBER, "must be a number, not a boolean"),
        ("nan", NUMBER, "must be a number"),
        ("inf", NUMBER, "must be a number"),
        ("1.5", INT, "must be an integer"),
        ("true", INT, "must be an integer, not a boolean"),
        ("1", STR, "must be a string"),
        ('"  "', TEXT, "must be a non-empty string"),
        ('"2025-01-01"', DATE, "must be a TOML date (YYYY-MM-DD, unquoted)"),
        ("2025-01-01T10:00:00", DATE, "must be a TOML date (YYYY-MM-DD, unquoted)"),
        ('"2025-02-30"', DATE_OR_ISO, "must be a date (YYYY-MM-DD)"),
        ("3", DATE_OR_ISO, "must be a TOML date (YYYY-MM-DD, unquoted)"),
        ('"a"', STRS, "must be a list of strings"),
        ("[1]", STRS, "must be a list of strings"),
    ],
)
def test_exact_types(value: str, kind: _loader.ValueKind[object], reason: str) -> None:
    reader, root = _root(f"v = {value}\n")
    assert root.get("v", kind) == kind.placeholder
    assert [(p.row, p.field, p.reason) for p in reader.problems] == [("k.toml:1", "v", reason)]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("true", BOOL, True),
        ("2", NUMBER, 2),
        ("0.25", NUMBER, 0.25),
        ("3", INT, 3),
        ('"x"', STR, "x"),
        ('""', STR, ""),
        ('"x"', TEXT, "x"),
        ("2025-01-02", DATE, dt.date(2025, 1, 2)),
        ('"2025-01-02"', DATE_OR_ISO, dt.date(2025, 1, 2)),
        ("2025-01-02", DATE_OR_ISO, dt.date(2025, 1, 2)),
        ('["a", "b"]', STRS, ("a", "b")),
    ],
)
def test_good_values_pass(value: str, kind: _loader.ValueKind[object], expected: object) -> None:
    reader, root = _root(f"v = {value}\n")
    assert root.get("v", kind) == expected
    assert not reader


def test_tables_keys_and_every_problem_at_once() -> None:
    reader, root = _root(
        'name = "x"\nwarn_fracton = 0.3\nlist = 3\nsub = 1\n[[limits]]\nduration = 5\n'
        "[[limits]]\nnote = 1\n[[rows]]\n[opt]\nk = 1\n"
    )
    reader.raise_if_any()  # nothing yet
    root.check_keys(
        ("name", "warn_fraction", "limits", "list", "sub", "rows", "opt", "gone"),
        required=("gone", "name"),
    )
    assert root.get("absent", STR, "d") == "d"
    assert root.get("absent", STR) == ""
    assert root.tables("list") == []
    assert root.tables("nothing") == []
    assert root.tables("nothing_required", required=True) == []
    sub = root.table("sub")
    sub.check_keys((), required=("inner",))  # a refused table reports no missing keys of its own
    assert root.table("missing").get("inner", STR) == ""  # nor does an absent one
    assert root.table("missing_required", required=True).data == {}
    limits = root.tables("limits")
    assert [t.path for t in limits] == [("limits", 0), ("limits", 1)]
    limits[0].get("duration", STR)
    limits[1].get("note", STR, "", check=lambda v: None if v else "empty")
    assert root.each("absent", INT) == []
    assert root.each("name", INT) == []
    assert root.convert("absent", STR, str.upper) is None
    assert root.convert("absent_required", STR, str.upper, required=True) is None
    assert root.convert("name", STR, str.upper) == "X"
    assert root.convert("list", STR, str.upper) is None
    opt = root.table("opt")
    assert list(opt) == ["k"]
    assert "k" in opt
    assert list(opt.items()) == [("k", 1)]
    assert opt.get("k", INT, check=lambda v: "too small" if v < 2 else None) == 1
    assert opt.get("k", INT, check=lambda _: None) == 1
    assert opt.each("k", INT) == []
    assert Reader(parse_toml("d = [2025-01-01, 2]", source="e")).root().each("d", DATE) == [
        dt.date(2025, 1, 1),
        DATE.placeholder,
    ]
    opt.problem(None, "whole table", None)
    with pytest.raises(DataFileError) as info:
        reader.raise_if_any()
    assert info.value.lines() == [
        (
            "k.toml:2: warn_fracton: unknown key 'warn_fracton'; did you mean 'warn_fraction'? "
            "allowed: gone, limits, list, name, opt, rows, sub, warn_fraction"
        ),
        "k.toml: gone: missing key",
        "k.toml: absent: missing key",
        "k.toml:3: list: must be an array of tables (got 3)",
        "k.toml: nothing_required: missing key",
        "k.toml:4: sub: must be a table (got 1)",
        "k.toml: missing_required: missing key",
        "k.toml:6: limits[0].duration: must be a string (got 5)",
        "k.toml:8: limits[1].note: must be a string (got 1)",
        "k.toml:1: name: must be a list of integers (got 'x')",
        "k.toml: absent_required: missing key",
        "k.toml:3: list: must be a string (got 3)",
        "k.toml:11: opt.k: too small (got 1)",
        "k.toml:11: opt.k: must be a list of integers (got 1)",
        "k.toml:10: opt: whole table",
    ]
    assert str(info.value).startswith("k.toml: 15 problems:\n  k.toml:2: warn_fracton: ")


def test_convert_records_a_jiesu_error_with_its_reason() -> None:
    reader, root = _root('d = "5 weeks"\n')

    def parse(text: str) -> str:
        raise JiesuError("unknown unit", field="unit", value=text)

    assert root.convert("d", STR, parse) is None
    assert [(p.row, p.field, p.value, p.reason) for p in reader.problems] == [
        ("k.toml:1", "d", "5 weeks", "unknown unit")
    ]


def test_a_document_that_is_not_a_table() -> None:
    reader = Reader(parse_json("[1]", source="a.json"))
    assert reader.root().data == {}
    assert [str(p.reason) for p in reader.problems] == ["must be an object"]
    reader = Reader(Doc("d", 3))
    reader.root()
    assert reader.problems[0].reason == "must be a table"


def test_frozen_map_is_read_only_and_pickles() -> None:
    m = FrozenMap({"a": (1, 2)})
    assert pickle.loads(pickle.dumps(m)) == m  # noqa: S301 - our own bytes
    assert repr(m) == "FrozenMap({'a': (1, 2)})"
    assert list(m) == ["a"]
    with pytest.raises(TypeError):
        m["b"] = 1  # type: ignore[index]  # read-only on purpose
    with pytest.raises(AttributeError):
        m.update({"b": 1})  # type: ignore[attr-defined]  # read-only on purpose
    assert FrozenMap() == {}


@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_a_file_error(data: bytes) -> None:
    for parse in (parse_toml, parse_json):
        try:
            name = parse(data, source="fuzz.bin").source
        except DataFileError as err:
            name = err.source
            message = str(err)
        else:
            message = name
        assert name == "fuzz.bin"
        assert message.startswith("fuzz.bin")
