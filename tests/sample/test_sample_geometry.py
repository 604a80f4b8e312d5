"""The geometry helpers of the sample build on small synthetic layouts."""

from __future__ import annotations

import numpy as np
import pytest

from jiesu.sample import _geometry


def _grid(size: int) -> tuple[dict[int, int], tuple[tuple[int, ...], ...], np.ndarray]:
    cells = [(r, c) for r in range(size) for c in range(size)]
    index = {rc: i for i, rc in enumerate(cells)}
    neighbours = tuple(
        tuple(sorted(index[(r + dr, c + dc)] for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)) if (r + dr, c + dc) in index))
        for r, c in cells
    )  # fmt: skip
    centres = np.array(cells, dtype=float)
    return dict.fromkeys(range(len(cells)), 0), neighbours, centres


def _inner(size: int) -> set[int]:
    return {r * size + c for r in range(1, size - 1) for c in range(1, size - 1)}


def test_block_skips_candidates_that_touch_what_to_avoid() -> None:
    street_of, neighbours, centres = _grid(9)
    centre = 4 * 9 + 4
    kwargs = {"inside": _inner(9), "neighbours": neighbours, "centres": centres}
    first = _geometry._block(street_of, 0, avoid=set(), **kwargs)  # type: ignore[arg-type]  # deliberately wrong input
    assert first == {centre, *neighbours[centre]}
    avoid = {4 * 9 + 2}
    second = _geometry._block(street_of, 0, avoid=avoid, **kwargs)  # type: ignore[arg-type]  # deliberately wrong input
    assert second != first
    assert centre in second
    assert not _geometry._ring(second, neighbours) & avoid


def test_block_without_room_fails() -> None:
    street_of, neighbours, centres = _grid(5)
    with pytest.raises(AssertionError, match="no interior block"):
        _geometry._block(
            street_of, 0, inside=_inner(5), neighbours=neighbours, centres=centres, avoid=set()
        )


def test_interior_cells_are_off_the_edge() -> None:
    layout = _geometry.build_layout(12345)
    interior = _geometry._interior(layout.cells, layout.neighbours)
    assert 0 < len(interior) < len(layout.cells)
    district = _geometry.union(layout.cells, list(range(len(layout.cells))))
    edge = district.exterior
    for i in range(len(layout.cells)):
        touches = layout.cells[i].boundary.intersection(edge).length > 0
        assert touches is (i not in interior), i


def test_layout_is_deterministic() -> None:
    a = _geometry.build_layout(12345)
    b = _geometry.build_layout(12345)
    assert np.array_equal(a.street_of, b.street_of)
    assert np.array_equal(a.community_of, b.community_of)
    assert a.lake
    assert a.enclave
    assert not set(a.lake) & set(a.enclave)
    assert (a.street_of[list(a.lake)] == -1).all()
    assert (a.street_of[list(a.enclave)] == a.enclave_owner).all()
