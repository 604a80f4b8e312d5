"""Enumerations of the hotline domain, each member with its Chinese label (中文标签)."""

from __future__ import annotations

import enum
from typing import Self

from jiesu.errors import ValidationError


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a Chinese label and parse from code, name or label.

    The value (an English snake-case code) is what serialization writes; the label is what Chinese exports
    and reports show.
    """

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        """Create a member from its code and Chinese label."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: object, *, field: str | None = None) -> Self:
        """Find the member whose code, name or Chinese label is ``text``.

        Args:
            text: A code (``"complaint"``), name (``"COMPLAINT"``), label (``"投诉"``) or member.
            field: The field name for the error message (default: the enum's name).

        Returns:
            The member.

        Raises:
            ValidationError: ``text`` names no member; the message lists the allowed codes.
        """
        if isinstance(text, cls):
            return text
        if isinstance(text, str):
            key = text.strip()
            for member in cls:
                if key in (member.value, member.name, member.label):
                    return member
        allowed = ", ".join(f"{m.value} ({m.label})" for m in cls)
        raise ValidationError(
            f"unknown {cls.__name__}; allowed: {allowed}",
            field=field or cls.__name__,
            value=text,
        )


class Channel(LabelledEnum):
    """Intake channel (受理渠道)."""

    PHONE = "phone", "电话"
    WEB = "web", "网站"
    APP = "app", "移动应用"
    MINI_PROGRAM = "mini_program", "小程序"
    WECHAT = "wechat", "微信"
    WEIBO = "weibo", "微博"
    EMAIL = "email", "电子邮件"
    PROACTIVE = "proactive", "主动发现"
    OTHER = "other", "其他"


class Kind(LabelledEnum):
    """Kind of request (诉求类型), after [BJ-Reg] Art. 2 plus praise and other."""

    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"
    OTHER = "other", "其他"


class Urgency(LabelledEnum):
    """Urgency of a request (紧急程度)."""

    EMERGENCY = "emergency", "特急"
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"


class UnitKind(LabelledEnum):
    """Kind of handling unit (承办单位类型); scoring ranks each group separately."""

    DISTRICT = "district", "区"
    STREET = "street", "街道"
    TOWNSHIP = "township", "乡镇"
    COMMUNITY = "community", "社区"
    DISTRICT_DEPARTMENT = "district_department", "区级部门"
    MUNICIPAL_DEPARTMENT = "municipal_department", "市级部门"
    PUBLIC_SERVICE = "public_service", "公共服务企业"
    HOTLINE = "hotline", "热线中心"


class DispatchMode(LabelledEnum):
    """How a ticket reaches its unit (派单方式): directly, or to the district as backstop."""

    DIRECT = "direct", "直派"
    VIA_DISTRICT = "via_district", "转派"


class Role(LabelledEnum):
    """A unit's role on a ticket (承办角色): the lead answers for it, co-handlers cooperate."""

    LEAD = "lead", "主办"
    CO_HANDLER = "co_handler", "协办"


class NotDispatchedClass(LabelledEnum):
    """Why a ticket is not dispatched (不予派单类别), the six classes of [BJ-Reg] Art. 11 ¶3."""

    EMERGENCY_SERVICE = "emergency_service", "紧急警情(110/119/120/122)"
    LEGAL_CHANNEL = "legal_channel", "诉讼仲裁复议信访等法定途径"
    REPEAT = "repeat", "重复诉求无新情况"
    SECRET_OR_PRIVACY = "secret_or_privacy", "涉密或隐私"
    OUTSIDE_DUTIES = "outside_duties", "不属于职责范围"
    ILLEGAL = "illegal", "违法违规或违背公序良俗"


class Satisfaction(LabelledEnum):
    """The citizen's satisfaction at callback (满意度)."""

    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class CallbackOutcome(LabelledEnum):
    """Whether a callback reached the citizen (回访结果)."""

    ANSWERED = "answered", "已回访"
    UNREACHABLE = "unreachable", "无法联系"
    REFUSED = "refused", "拒绝回访"


class CRS(LabelledEnum):
    """Coordinate reference system of a location (坐标系).

    WGS-84 and CGCS2000 agree to centimetres and are treated as identical; GCJ-02 (国测局, used by Amap and
    Tencent maps) and BD-09 (百度) are the obfuscated systems of Chinese map apps.
    """

    WGS84 = "WGS84", "WGS-84"
    CGCS2000 = "CGCS2000", "CGCS2000 国家大地坐标系"
    GCJ02 = "GCJ02", "GCJ-02 火星坐标系"
    BD09 = "BD09", "BD-09 百度坐标系"


class TimeUnit(LabelledEnum):
    """The unit a time limit is counted in (时限计量单位)."""

    NATURAL_HOURS = "natural_hours", "自然小时"
    NATURAL_DAYS = "natural_days", "自然日"
    WORKING_DAYS = "working_days", "工作日"
    WORKING_HOURS = "working_hours", "工作小时"
