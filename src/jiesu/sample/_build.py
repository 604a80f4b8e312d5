"""Build the bundled sample-district files (示例区数据生成) from a fixed seed.

The files under ``jiesu/data/sample/`` were written once by this module and committed; a test builds
them afresh and compares. Regenerate them with::

    python -m jiesu.sample._build src/jiesu/data/sample

Everything is fictional (虚构): the place, the names, the populations and the dispatch rules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from jiesu.sample import _names as names
from jiesu.sample._catalogue_spec import CATALOGUE, CHANGE_DATE, CHANGED_CATEGORY
from jiesu.sample._geometry import Layout, build_layout, union

if TYPE_CHECKING:
    from collections.abc import Sequence

SEED: Final = 12345
VERSION: Final = "2025.1"
VALID_FROM: Final = "2025-01-01"
SOURCE: Final = f"虚构示例数据 (fictional sample data), jiesu.sample._build seed {SEED}"
POPULATION_AS_OF: Final = "2024-12-31"
FILES: Final = ("areas.geojson", "swaps.geojson", "units.toml", "catalogue.toml", "population.csv")


def _street_names(layout: Layout) -> dict[int, tuple[str, str, str]]:
    """Street index → (code, name, unit kind), codes S01… in naming order."""
    out: dict[int, tuple[str, str, str]] = {}
    urban = iter(names.STREET_NAMES)
    townships = iter(names.TOWNSHIP_NAMES)
    for i, street in enumerate(layout.order, start=1):
        if street in layout.townships:
            out[street] = (f"S{i:02d}", next(townships), "township")
        elif street == layout.lake_street:
            out[street] = (f"S{i:02d}", names.LAKE_STREET_NAME, "street")
        else:
            out[street] = (f"S{i:02d}", next(urban), "street")
    return out


def _area_table(layout: Layout, rng: np.random.Generator) -> list[dict[str, Any]]:
    """One row per area: code, name, level, parent, population, unit kind, geometry."""
    streets = _street_names(layout)
    stems = iter(names.COMMUNITY_STEMS)
    villages = iter(names.VILLAGE_STEMS)
    street_rows: list[dict[str, Any]] = []
    community_rows: list[dict[str, Any]] = []
    for street in layout.order:
        code, name, kind = streets[street]
        township = kind == "township"
        mine = layout.street_of == street
        k = layout.communities[street]
        per = rng.integers(4_000, 8_000) if township else rng.integers(9_000, 15_000)
        total = int(per) * (k - (street == layout.enclave_owner))
        cells = np.bincount(layout.community_of[mine], minlength=k).astype(float)
        weights = np.sqrt(cells) * rng.lognormal(0.0, 0.3, k)
        enclave = -1
        if street == layout.enclave_owner:
            enclave = k - 1
            weights[enclave] = 0.0
        shares = np.floor(total * weights / weights.sum()).astype(int)
        shares[int(np.argmax(shares))] += total - int(shares.sum())
        if enclave >= 0:
            shares[enclave] = int(rng.integers(1_200, 2_500))
        for c in range(k):
            if c == enclave:
                cname = names.ENCLAVE_VILLAGE_NAME
            else:
                cname = next(villages) + "村" if township else next(stems) + "社区"
            community_rows.append(
                {
                    "code": f"{code}-C{c + 1:02d}",
                    "name": cname,
                    "level": "community",
                    "parent": code,
                    "population": int(shares[c]),
                    "kind": "community",
                    "geometry": union(layout.cells, mine & (layout.community_of == c)),
                }
            )
        street_rows.append(
            {
                "code": code,
                "name": name,
                "level": "street",
                "parent": names.DISTRICT_CODE,
                "population": int(shares.sum()),
                "kind": kind,
                "geometry": union(layout.cells, mine),
            }
        )
    street_rows.sort(key=lambda r: r["code"])
    district = {
        "code": names.DISTRICT_CODE,
        "name": names.DISTRICT_NAME,
        "level": "district",
        "parent": None,
        "population": sum(r["population"] for r in street_rows),
        "kind": "district",
        "geometry": union(layout.cells, layout.street_of >= 0),
    }
    return [district, *street_rows, *community_rows]


def _geometry_json(geometry: shapely.Geometry) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return out


def _collection(name: str, features: list[dict[str, Any]]) -> str:
    head = {
        "type": "FeatureCollection",
        "name": name,
        "version": VERSION,
        "crs_name": "WGS84",
        "source": SOURCE,
    }
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    return text + ',\n "features": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def _areas_geojson(rows: Sequence[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": r["code"],
                "name": r["name"],
                "level": r["level"],
                "parent": r["parent"],
                "population": r["population"],
                "valid_from": VALID_FROM,
                "source": SOURCE,
            },
            "geometry": _geometry_json(r["geometry"]),
        }
        for r in rows
    ]
    return _collection("示例区行政区划 (sample district areas)", features)


def _swap_rows(layout: Layout, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Three swap zones: two across street lines, one across a community line."""
    street_code = {r["code"]: r for r in rows}
    codes = _street_names(layout)
    special = set(layout.lake) | set(layout.enclave)
    centre_order = np.argsort(np.hypot(*layout.centres.T))
    street_pairs: list[tuple[int, int]] = []
    seen: set[frozenset[int]] = set()
    community_pair: tuple[int, int] | None = None
    used: set[int] = set()
    for a in centre_order.tolist():
        if a in special or layout.street_of[a] in layout.townships:
            continue
        for b in layout.neighbours[a]:
            if b in special or {a, b} & used or layout.street_of[b] in layout.townships:
                continue
            pair = frozenset((int(layout.street_of[a]), int(layout.street_of[b])))
            same = len(pair) == 1
            if not same and pair not in seen and len(street_pairs) < 2:  # noqa: PLR2004 - two zones
                street_pairs.append((a, b))
                seen.add(pair)
                used |= {a, b, *layout.neighbours[a], *layout.neighbours[b]}
            elif (
                same and community_pair is None and layout.community_of[a] != layout.community_of[b]
            ):
                community_pair = (a, b)
                used |= {a, b, *layout.neighbours[a], *layout.neighbours[b]}
    assert community_pair is not None  # noqa: S101 - the seed is fixed; checked in tests
    out = []
    for i, ((a, b), since) in enumerate(zip(street_pairs, (VALID_FROM, CHANGE_DATE), strict=True)):
        owner = codes[int(layout.street_of[b])][0]
        other = codes[int(layout.street_of[a])][0]
        estate = ("锦绣家园", "滨湖花园")[i]
        out.append(
            {
                "code": f"SWAP-{i + 1:02d}",
                "name": f"{estate}跨街道管理区",
                "unit": owner,
                "level": "street",
                "reason": (
                    f"{estate}小区跨{street_code[other]['name']}与{street_code[owner]['name']}"
                    f"两街道，按两街道协议整体由{street_code[owner]['name']}属地管理（虚构）"
                ),
                "valid_from": since,
                "geometry": union(layout.cells, [a, b]),
            }
        )
    a, b = community_pair
    street = codes[int(layout.street_of[b])][0]
    owner = f"{street}-C{int(layout.community_of[b]) + 1:02d}"
    out.append(
        {
            "code": "SWAP-03",
            "name": "阳光商业街跨社区管理区",
            "unit": owner,
            "level": "community",
            "reason": (
                f"阳光商业街物业管理区域跨两个社区，约定由{street_code[owner]['name']}统一服务（虚构）"
            ),
            "valid_from": VALID_FROM,
            "geometry": union(layout.cells, [a, b]),
        }
    )
    return out


def _swaps_geojson(swaps: Sequence[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "properties": {
                "kind": "swap",
                "code": s["code"],
                "name": s["name"],
                "unit": s["unit"],
                "level": s["level"],
                "reason": s["reason"],
                "valid_from": s["valid_from"],
                "source": SOURCE,
            },
            "geometry": _geometry_json(s["geometry"]),
        }
        for s in swaps
    ]
    return _collection("示例区属地调整区 (sample district swap zones)", features)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _units_toml(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        "# 示例区承办单位 (units of the fictional sample district).",
        f"# Source: {SOURCE}. Populations are resident populations as of {POPULATION_AS_OF} (fictional).",
        "# kind is a jiesu.model.UnitKind code; parent and population are left out where unknown.",
        "",
    ]
    units: list[tuple[str, str, str, str | None, int | None]] = [
        (r["code"], r["name"], r["kind"], r["parent"], r["population"]) for r in rows
    ]
    units += [(code, name, kind, parent, None) for code, name, kind, parent in names.DEPARTMENTS]
    for code, name, kind, parent, population in units:
        lines += ["[[unit]]", f"code = {_toml_str(code)}", f"name = {_toml_str(name)}"]
        lines.append(f"kind = {_toml_str(kind)}")
        if parent is not None:
            lines.append(f"parent = {_toml_str(parent)}")
        if population is not None:
            lines.append(f"population = {population}")
        lines.append("")
    return "\n".join(lines)


def _rule_lines(
    code: str,
    rule: str,
    co: tuple[str, ...],
    basis: str,
    *,
    since: str,
    until: str | None,
    src: str,
) -> list[str]:
    kind, _, arg = rule.partition(":")
    lines = ["[[rule]]", f"category = {_toml_str(code)}"]
    if kind == "F":
        lines += ['kind = "functional"', f"unit = {_toml_str(arg)}"]
    elif kind == "T":
        lines += ['kind = "territorial"', f"level = {_toml_str(arg)}"]
    elif kind == "O":
        lines += ['kind = "owner"', f"owner_attribute = {_toml_str(arg)}"]
    else:
        lines.append('kind = "backstop"')
    if co:
        lines.append("co_handlers = [" + ", ".join(_toml_str(c) for c in co) + "]")
    lines += [f"legal_basis = {_toml_str(basis)}", f"effective_from = {since}"]
    if until is not None:
        lines.append(f"effective_to = {until}")
    lines += [f"source = {_toml_str(src)}", ""]
    return lines


def _catalogue_toml() -> str:
    src = f"示例区派单目录 {VERSION}（虚构）"
    change_src = "示例区派单目录调整通知 2025 年第 2 号（虚构）：共享单车停放改由街道属地管理"
    lines = [
        "# 示例区派单目录 (dispatch catalogue of the fictional sample district).",
        "# Three levels: 一级 NN, 二级 NN.NN, 三级 NN.NN.NN; every level-3 category has one rule per date.",
        "# effective_to, where given, is the last day a rule is in force (inclusive).",
        "",
        "[catalogue]",
        'name = "示例区派单目录"',
        f"version = {_toml_str(VERSION)}",
        f"source = {_toml_str(SOURCE)}",
        f"effective_from = {VALID_FROM}",
        "",
    ]
    rules: list[str] = []
    for i, (name1, branches) in enumerate(CATALOGUE, start=1):
        c1 = f"{i:02d}"
        lines += ["[[category]]", f'code = "{c1}"', f"name = {_toml_str(name1)}", ""]
        for j, (name2, leaves) in enumerate(branches, start=1):
            c2 = f"{c1}.{j:02d}"
            lines += ["[[category]]", f'code = "{c2}"', f"name = {_toml_str(name2)}"]
            lines += [f'parent = "{c1}"', ""]
            for k, (name3, rule, co, basis) in enumerate(leaves, start=1):
                c3 = f"{c2}.{k:02d}"
                lines += ["[[category]]", f'code = "{c3}"', f"name = {_toml_str(name3)}"]
                lines += [f'parent = "{c2}"', ""]
                if c3 == CHANGED_CATEGORY:
                    rules += _rule_lines(
                        c3, rule, co, basis, since=VALID_FROM, until="2025-06-30", src=src
                    )
                    rules += _rule_lines(
                        c3, "T:street", ("D-JTW",), basis, since=CHANGE_DATE, until=None,
                        src=change_src,
                    )  # fmt: skip
                else:
                    rules += _rule_lines(c3, rule, co, basis, since=VALID_FROM, until=None, src=src)
    return "\n".join(lines + rules)


def _population_csv(rows: Sequence[dict[str, Any]]) -> str:
    out = ["code,name,level,parent,population,as_of"]
    out += [
        f"{r['code']},{r['name']},{r['level']},{r['parent'] or ''},{r['population']},"
        f"{POPULATION_AS_OF}"
        for r in rows
    ]
    return "\n".join(out) + "\n"


def build(seed: int = SEED) -> dict[str, str]:
    """Build every sample file's text, keyed by file name.

    Args:
        seed: The random seed (the bundled files use 12345).

    Returns:
        File name → text, for the names in ``FILES``.
    """
    layout = build_layout(seed)
    rng = np.random.default_rng(seed + 1)
    rows = _area_table(layout, rng)
    swaps = _swap_rows(layout, rows)
    return {
        "areas.geojson": _areas_geojson(rows),
        "swaps.geojson": _swaps_geojson(swaps),
        "units.toml": _units_toml(rows),
        "catalogue.toml": _catalogue_toml(),
        "population.csv": _population_csv(rows),
    }


def write(directory: Path, seed: int = SEED) -> list[Path]:
    """Write the sample files into ``directory`` (created if missing).

    Args:
        directory: Where to write.
        seed: The random seed.

    Returns:
        The written paths.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build(seed).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str]) -> int:
    """Command-line entry: ``python -m jiesu.sample._build DIRECTORY``."""
    if len(argv) != 1:
        sys.stderr.write("usage: python -m jiesu.sample._build DIRECTORY\n")
        return 2
    for path in write(Path(argv[0])):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through main() in tests
    raise SystemExit(main(sys.argv[1:]))
