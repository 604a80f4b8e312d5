"""The canonical ticket fields (标准字段), their types, default Chinese headers and coded answers."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

import attrs

from jiesu.model import (
    CRS,
    CallbackOutcome,
    Channel,
    DispatchMode,
    Kind,
    LabelledEnum,
    Role,
    Satisfaction,
    Urgency,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

FieldType = Literal["str", "datetime", "float", "bool", "code", "period"]
"""How a canonical field is read: text, an instant, a number, a yes/no, a coded answer or a month."""


@attrs.frozen
class FieldSpec:
    """One canonical field of the ticket table (标准字段): how it is read, and its codes when coded.

    Attributes:
        name: The canonical name, e.g. ``"received_at"``.
        type: ``"str"``, ``"datetime"``, ``"float"``, ``"bool"``, ``"code"`` or ``"period"``.
        personal: Whether the field holds personal data (个人信息).
        codes: For a coded field, every accepted spelling (lower-cased) to its code.
        limit: For a number, the largest magnitude it may have (180 for a longitude, 90 for a latitude).

    Examples:
        >>> from jiesu.io import FIELDS
        >>> FIELDS["callback"].codes["未回访"], FIELDS["callback"].codes["无法联系"]
        ('none', 'unreachable')
    """

    name: str
    type: FieldType
    personal: bool = False
    codes: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    limit: float | None = None


def _enum_codes(enum: type[LabelledEnum], **extra: str) -> Mapping[str, str]:
    """Every spelling of an enum's members (code, name, Chinese label) to its code, plus ``extra``.

    Keys are lower-cased: cells are matched case-insensitively.
    """
    table: dict[str, str] = {}
    for member in enum:
        for spelling in (member.value, member.name, member.label):
            table[spelling.lower()] = member.value
    table.update({key.lower(): value for key, value in extra.items()})
    return MappingProxyType(table)


def _codes(**table: str) -> Mapping[str, str]:
    return MappingProxyType({key.lower(): value for key, value in table.items()})


_TRUE: Final = ("是", "1", "1.0", "true", "y", "yes", "t")
_FALSE: Final = ("否", "0", "0.0", "false", "n", "no", "f")
BOOL_SPELLINGS: Final = MappingProxyType(
    {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
)
"""The yes/no spellings read as booleans (是/否, 1/0, 1.0/0.0, true/false, Y/N, yes/no, T/F; any case)."""

BLANK_LIKE: Final = (
    "nan",
    "NaN",
    "NAN",
    "None",
    "NULL",
    "null",
    "N/A",
    "n/a",
    "#N/A",
    "-",
    "—",
    "/",
)
"""Cells read as blank (null) besides empty and all-space cells; matched exactly (case-sensitive)."""

_FIELDS: Final = (
    FieldSpec("ticket_id", "str"),
    FieldSpec("received_at", "datetime"),
    FieldSpec("channel", "code", codes=_enum_codes(Channel, 热线电话="phone", 电话热线="phone")),
    FieldSpec("kind", "code", codes=_enum_codes(Kind)),
    FieldSpec("urgency", "code", codes=_enum_codes(Urgency, 普通="normal", 特急件="emergency")),
    FieldSpec("category", "str"),
    FieldSpec("content", "str", personal=True),
    FieldSpec("address", "str"),
    FieldSpec("lon", "float", limit=180.0),
    FieldSpec("lat", "float", limit=90.0),
    FieldSpec(
        "crs",
        "code",
        codes=_enum_codes(
            CRS,
            **{
                "WGS-84": "WGS84",
                "WGS 84": "WGS84",
                "EPSG:4326": "WGS84",
                "GPS": "WGS84",
                "CGCS-2000": "CGCS2000",
                "EPSG:4490": "CGCS2000",
                "国家2000": "CGCS2000",
                "GCJ-02": "GCJ02",
                "火星坐标系": "GCJ02",
                "高德": "GCJ02",
                "腾讯": "GCJ02",
                "BD-09": "BD09",
                "百度": "BD09",
            },
        ),
    ),
    FieldSpec("caller_name", "str", personal=True),
    FieldSpec("caller_phone", "str", personal=True),
    FieldSpec(
        "requester_type",
        "code",
        codes=_codes(
            enterprise="enterprise",
            citizen="citizen",
            企业="enterprise",
            涉企="enterprise",
            个人="citizen",
            群众="citizen",
            市民="citizen",
            **dict.fromkeys(_TRUE, "enterprise"),
            **dict.fromkeys(_FALSE, "citizen"),
        ),
    ),
    FieldSpec("area", "str"),
    FieldSpec("unit", "str"),
    FieldSpec("role", "code", codes=_enum_codes(Role, 主办单位="lead", 协办单位="co_handler")),
    FieldSpec("dispatch_mode", "code", codes=_enum_codes(DispatchMode, 区级转派="via_district")),
    FieldSpec("dispatched_at", "datetime"),
    FieldSpec("signed_at", "datetime"),
    FieldSpec("contacted_at", "datetime"),
    FieldSpec("replied_at", "datetime"),
    FieldSpec("callback_at", "datetime"),
    FieldSpec("closed_at", "datetime"),
    FieldSpec("reopened_at", "datetime"),
    FieldSpec("extension_days", "float"),
    FieldSpec("returned", "bool"),
    FieldSpec("answered_at_intake", "bool"),
    FieldSpec("not_dispatched", "bool"),
    FieldSpec("excluded", "bool"),
    FieldSpec("callback", "code", codes=_enum_codes(CallbackOutcome, none="none", 未回访="none")),
    FieldSpec("contacted", "bool"),
    FieldSpec("solved", "bool"),
    FieldSpec(
        "satisfaction",
        "code",
        codes=_enum_codes(
            Satisfaction, 非常满意="satisfied", 很满意="satisfied", 非常不满意="dissatisfied"
        ),
    ),
    FieldSpec("period", "period"),
)

FIELDS: Final = MappingProxyType({f.name: f for f in _FIELDS})
"""The canonical fields by name, in canonical order."""

PERSONAL_FIELDS: Final = tuple(f.name for f in _FIELDS if f.personal)
"""The fields holding personal data (个人信息): caller name and phone, and the free text."""

DEFAULT_HEADERS: Final = MappingProxyType(
    {
        "ticket_id": ("工单编号", "工单号", "编号"),
        "received_at": ("受理时间", "来电时间", "登记时间", "创建时间"),
        "channel": ("受理渠道", "来源渠道", "渠道"),
        "kind": ("诉求类型", "工单类型"),
        "urgency": ("紧急程度",),
        "category": ("诉求分类", "诉求类别", "问题分类", "事项分类"),
        "content": ("诉求内容", "问题描述"),
        "address": ("诉求地址", "事发地址", "地址"),
        "lon": ("经度",),
        "lat": ("纬度",),
        "crs": ("坐标系",),
        "caller_name": ("诉求人", "来电人", "联系人"),
        "caller_phone": ("联系电话", "来电号码", "手机号码"),
        "requester_type": ("诉求人类型", "是否涉企"),
        "area": ("所属街道", "属地", "所属区域"),
        "unit": ("承办单位", "主办单位", "责任单位"),
        "role": ("主办/协办", "承办类型", "角色"),
        "dispatch_mode": ("派单方式",),
        "dispatched_at": ("派单时间",),
        "signed_at": ("签收时间",),
        "contacted_at": ("首次联系时间", "响应时间"),
        "replied_at": ("办结时间", "答复时间", "反馈时间"),
        "callback_at": ("回访时间",),
        "closed_at": ("结案时间",),
        "reopened_at": ("重办时间", "退回重办时间"),
        "extension_days": ("延期天数",),
        "returned": ("是否退单",),
        "answered_at_intake": ("是否即时办结",),
        "not_dispatched": ("是否不予派单",),
        "excluded": ("是否剔除",),
        "callback": ("回访结果", "回访状态"),
        "contacted": ("是否联系",),
        "solved": ("是否解决",),
        "satisfaction": ("是否满意", "满意度", "满意程度"),
        "period": ("考核周期", "考核月份"),
    }
)
"""The default Chinese headers of each canonical field (默认表头), several aliases per field.

Every field's own name (``ticket_id``…) is accepted as a header too; the caller's ``columns`` map wins.
"""

RESERVED: Final = ("row", "line")
"""Column names that :func:`~jiesu.io.read_tickets` adds itself and a source may not use."""


def header_index() -> dict[str, str]:
    """Every default header and every field name, to its field."""
    index = {name: name for name in FIELDS}
    for field, headers in DEFAULT_HEADERS.items():
        index.update(dict.fromkeys(headers, field))
    return index
