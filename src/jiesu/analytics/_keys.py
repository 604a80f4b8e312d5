"""Caller keys (来电人标识): a keyed hash of the phone, so repeats can be found without the phone."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from jiesu.errors import Problem, ValidationError, ValidationReport

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy.typing as npt

__all__ = ["caller_key", "normal_phone"]

_MIN_SECRET: Final = 16
_KEY_CHARS: Final = 20
_SEPARATORS: Final = re.compile(r"[\s\-()（）.]")
_PREFIX: Final = re.compile(r"^(?:\+86|0086|86(?=1\d{10}$))")
_DIGITS: Final = re.compile(r"^\d{5,20}$")


def normal_phone(phone: str) -> str | None:
    """The phone number as bare digits (号码规整): separators and the +86 / 0086 prefix removed.

    Returns ``None`` for a blank. A landline keeps its area code (``010-6512 3456`` → ``01065123456``).

    Raises:
        ValueError: What is left is not 5 to 20 digits (the message never shows the number).

    Examples:
        >>> normal_phone("+86 138-0013-8000"), normal_phone("  "), normal_phone("010-6512 3456")
        ('13800138000', None, '01065123456')
    """
    text = _PREFIX.sub("", _SEPARATORS.sub("", phone))
    if not text:
        return None
    if not _DIGITS.match(text):
        raise ValueError("not a phone number")
    return text


def caller_key(phones: Iterable[Any], secret: str | bytes) -> npt.NDArray[Any]:
    """Keyed hashes of callers' phones (来电人标识): the same caller gets the same key, the phone is gone.

    Each phone is normalised (:func:`normal_phone`: ``+86 138-0013-8000`` and ``13800138000`` are one
    caller) and hashed with HMAC-SHA256 under ``secret``; the key is the first 20 hex digits (80 bits).
    Without the secret a key cannot be turned back into a phone by trying every number, so keys may be
    stored and shared where phones may not. Keep the secret out of the exports; use one secret for all
    the months you compare (a new secret gives new keys).

    The work is one hash per distinct phone (a district's month has far fewer callers than tickets).

    Args:
        phones: Phone numbers (strings or integers); ``None``, NaN and blanks give ``None``.
        secret: At least 16 bytes of secret (a string is UTF-8 encoded).

    Returns:
        An object array of keys (``None`` where the phone is blank).

    Raises:
        ValidationError: The secret is shorter than 16 bytes.
        ValidationReport: Every value that is not a phone number (its row; the value is masked).

    Examples:
        >>> keys = caller_key(["13800138000", "+86 138 0013 8000", None], "district-secret-2025")
        >>> keys[0] == keys[1], keys[2], len(keys[0])
        (True, None, 20)
    """
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    if len(key) < _MIN_SECRET:
        raise ValidationError(
            f"the secret must be at least {_MIN_SECRET} bytes", field="secret", value=len(key)
        )
    values = np.asarray(
        list(phones) if not isinstance(phones, np.ndarray) else phones, dtype=object
    )
    out = np.full(len(values), None, dtype=object)
    if not len(values):
        return out
    text = np.array([_text(v) for v in values.tolist()], dtype=object)
    present = text != None  # noqa: E711 - an elementwise test for None
    distinct, inverse = np.unique(text[present].astype(str), return_inverse=True)
    hashed: list[str | None] = []
    problems: list[Problem] = []
    rows = np.flatnonzero(present)
    for i, phone in enumerate(distinct.tolist()):
        try:
            digits = normal_phone(phone)
        except ValueError:
            problems.extend(
                Problem(int(r), "caller_phone", "***", "not a phone number")
                for r in rows[inverse == i]
            )
            hashed.append(None)
            continue
        hashed.append(
            None
            if digits is None
            else hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:_KEY_CHARS]
        )
    if problems:
        raise ValidationReport(sorted(problems, key=lambda p: int(p.row)), total=len(values))
    out[rows] = np.asarray(hashed, dtype=object)[inverse]
    return out


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN test
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
