"""A read-only mapping that pickles (private): the indexes inside frozen, cached objects.

``types.MappingProxyType`` is read-only but cannot be pickled, and objects such as a lifecycle or a
catalogue travel to process pools; :class:`FrozenMap` is both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["FrozenMap"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A read-only mapping: no item assignment, deletion or update; pickles as its items.

    Examples:
        >>> m = FrozenMap({"a": 1})
        >>> m["a"], len(m), dict(m)
        (1, 1, {'a': 1})
        >>> m["b"] = 2
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMap' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        """Copy ``data`` (so later changes to it do not show through)."""
        self._data: dict[K, V] = dict(data or {})

    def __getitem__(self, key: K) -> V:
        """The value of ``key``."""
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        """The keys, in insertion order."""
        return iter(self._data)

    def __len__(self) -> int:
        """How many items."""
        return len(self._data)

    def __repr__(self) -> str:
        """``FrozenMap({...})``."""
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the class and a copy of the items."""
        return (FrozenMap, (dict(self._data),))
