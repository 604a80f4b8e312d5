"""Benchmark: monthly scoring of units (三率 考评) over many tickets, jiesu against dataframe peers.

Task: 10M tickets (one row per ticket and lead unit), 3,000 units, 12 months, a realistic answer mix;
per unit-month: counts, the three rates, the composite (beijing-2021, 2 decimals), and the dense rank within
the month (composite, then volume). Peers: pandas groupby, polars eager and lazy, duckdb SQL, and a
plain-numpy ``bincount`` limit (the floor: no validation, floats). jiesu runs its array path
(``score_many``) and its narwhals path (``score_frame``) on polars lazy and duckdb.

Every peer follows the same rules as a user would write them in floats: each rate rounded half-up to 2
decimals, the weighted sum rounded half-up to 2 decimals, dense rank on (composite, volume). "wrong" counts
unit-months whose composite or rank differs from jiesu's exact integer result.

"× native" compares jiesu's narwhals path with the plain peer on the same backend (which counts four
quantities and checks nothing). "× same work" compares it with the same backend doing natively what jiesu
does: proving no row is bad from column statistics (the row check, fused into the group-by, runs only
when they cannot tell), the row count and eight counts per key, then ("jiesu's work
natively") the plain peer's rates, composite and rank from them. The "counts only" rows time
``tally_frame`` (the check and the counts, collected) against "jiesu's counts natively", to show where the
time goes. Rows without ranks report "n/a" under "wrong".

Run: ``.venv/bin/python benchmarks/scoring.py`` (``--quick`` for a small size).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Scripts here are named after areas (calendar.py...), which would shadow standard modules: look in this
# folder last, only for the shared helpers.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import argparse  # noqa: E402 - after the path fix above
import os  # noqa: E402 - imported after the setup above
from typing import Any  # noqa: E402 - imported after the setup above

import duckdb  # noqa: E402 - imported after the setup above
import numpy as np  # noqa: E402 - imported after the setup above
import numpy.typing as npt  # noqa: E402 - imported after the setup above
import pandas as pd  # noqa: E402 - imported after the setup above
import polars as pl  # noqa: E402 - imported after the setup above
import pyarrow as pa  # noqa: E402 - imported after the path fix above

from _common import measure, mib, print_table  # noqa: E402 - imported after the setup above
from jiesu.scoring import ColumnMap, Rules, score_frame, score_many, tally_frame  # noqa: E402 - imported after the setup above

RULES = Rules.preset("beijing-2021")
W_R, W_S, W_M = 0.20, 0.40, 0.40


def make_data(
    n: int, n_units: int, n_months: int, seed: int = 12345
) -> dict[str, npt.NDArray[Any]]:
    """Tickets with a realistic answer mix (75 % answered, 10 % unreachable, 5 % refused, 10 % none)."""
    rng = np.random.default_rng(seed)
    # unit sizes are skewed: a few busy streets, many small offices
    weights = rng.pareto(1.5, n_units) + 1
    unit = rng.choice(n_units, size=n, p=weights / weights.sum()).astype(np.int32)
    month = rng.integers(1, n_months + 1, size=n, dtype=np.int8)
    callback = rng.choice(np.array([1, 2, 3, 0], dtype=np.int8), size=n, p=[0.75, 0.10, 0.05, 0.10])
    contacted = rng.random(n) < 0.97
    solved = rng.random(n) < 0.62
    satisfaction = rng.choice(np.array([2, 1, 0], dtype=np.int8), size=n, p=[0.66, 0.14, 0.20])
    return {
        "unit": unit,
        "month": month,
        "callback": callback,
        "contacted": contacted,
        "solved": solved,
        "satisfaction": satisfaction,
    }


def _round2(x: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """A float composite already rounded to 2 decimals, as integer hundredths (for comparison)."""
    return np.rint(x * 100).astype(np.int64)


def limit_numpy(d: dict[str, npt.NDArray[Any]], n_months: int) -> dict[str, npt.NDArray[Any]]:
    """The floor: bincounts per unit-month, float rates, float composite, dense rank by lexsort."""
    key = d["unit"].astype(np.int64) * n_months + (d["month"] - 1)
    size = int(key.max()) + 1
    ans = d["callback"] == 1
    volume = np.bincount(key, minlength=size)
    valid = np.bincount(key, weights=ans, minlength=size)
    con = np.bincount(key, weights=ans & d["contacted"], minlength=size)
    sol = np.bincount(key, weights=ans & d["solved"], minlength=size)
    sat = np.bincount(key, weights=ans & (d["satisfaction"] > 0), minlength=size)
    keep = np.flatnonzero(valid > 0)
    v = valid[keep]
    r, s, m = (np.floor(10_000 * x[keep] / v + 0.5) / 100 for x in (con, sol, sat))
    comp = np.floor((W_R * r + W_S * s + W_M * m) * 100 + 0.5) / 100
    month = keep % n_months
    vol = volume[keep]
    order = np.lexsort((-vol, -comp, month))
    ms, cs, vs = month[order], comp[order], vol[order]
    new_part = np.r_[True, ms[1:] != ms[:-1]]
    changed = new_part | np.r_[True, (cs[1:] != cs[:-1]) | (vs[1:] != vs[:-1])]
    counter = np.cumsum(changed)
    rank = np.empty(len(keep), dtype=np.int64)
    rank[order] = counter - np.maximum.accumulate(np.where(new_part, counter, 0)) + 1
    return {"unit": keep // n_months, "month": month + 1, "composite": _round2(comp), "rank": rank}


def _flags_pandas(d: dict[str, npt.NDArray[Any]]) -> pd.DataFrame:
    return pd.DataFrame(d)


def peer_pandas(df: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """Pandas groupby: boolean columns, sums, rates, composite, dense rank within month."""
    ans = df["callback"] == 1
    work = pd.DataFrame(
        {
            "unit": df["unit"],
            "month": df["month"],
            "valid": ans,
            "con": ans & df["contacted"],
            "sol": ans & df["solved"],
            "sat": ans & (df["satisfaction"] > 0),
        }
    )
    g = work.groupby(["unit", "month"], sort=False).agg(
        volume=("valid", "size"),
        valid=("valid", "sum"),
        con=("con", "sum"),
        sol=("sol", "sum"),
        sat=("sat", "sum"),
    )
    g = g[g["valid"] > 0].reset_index()
    r, s_, m = (
        (10_000 * g[c] / g["valid"] + 0.5).apply(np.floor) / 100 for c in ("con", "sol", "sat")
    )
    comp = ((W_R * r + W_S * s_ + W_M * m) * 100 + 0.5).apply(np.floor) / 100
    g["composite"] = comp
    g["key"] = comp * 1e7 + g["volume"]  # composite, then volume
    g["rank"] = g.groupby("month")["key"].rank(method="dense", ascending=False).astype(np.int64)
    return {
        "unit": g["unit"].to_numpy(),
        "month": g["month"].to_numpy(),
        "composite": _round2(comp.to_numpy()),
        "rank": g["rank"].to_numpy(),
    }


def _polars_query(lf: pl.LazyFrame) -> pl.LazyFrame:
    ans = pl.col("callback") == 1
    counts = lf.group_by("unit", "month").agg(
        pl.len().alias("volume"),
        ans.sum().alias("valid"),
        (ans & pl.col("contacted")).sum().alias("con"),
        (ans & pl.col("solved")).sum().alias("sol"),
        (ans & (pl.col("satisfaction") > 0)).sum().alias("sat"),
    )
    return _polars_scores(counts)


def _polars_scores(counts: pl.LazyFrame) -> pl.LazyFrame:
    """Rates, composite and dense rank from per unit-month ``volume, valid, con, sol, sat``."""
    return (
        counts.filter(pl.col("valid") > 0)
        .with_columns(
            **{
                k: (10_000 * pl.col(k) / pl.col("valid") + 0.5).floor() / 100
                for k in ("con", "sol", "sat")
            }
        )
        .with_columns(
            composite=(
                (W_R * pl.col("con") + W_S * pl.col("sol") + W_M * pl.col("sat")) * 100 + 0.5
            ).floor()
            / 100
        )
        .with_columns(
            rank=pl.struct("composite", "volume")
            .rank(method="dense", descending=True)
            .over("month")
        )
    )


def _polars_out(df: pl.DataFrame) -> dict[str, npt.NDArray[Any]]:
    return {
        "unit": df["unit"].to_numpy(),
        "month": df["month"].to_numpy(),
        "composite": _round2(df["composite"].to_numpy()),
        "rank": df["rank"].to_numpy().astype(np.int64),
    }


def peer_polars_eager(df: pl.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """Polars eager: the query run step by step on a DataFrame."""
    ans = pl.col("callback") == 1
    g = df.group_by("unit", "month").agg(
        pl.len().alias("volume"),
        ans.sum().alias("valid"),
        (ans & pl.col("contacted")).sum().alias("con"),
        (ans & pl.col("solved")).sum().alias("sol"),
        (ans & (pl.col("satisfaction") > 0)).sum().alias("sat"),
    )
    g = g.filter(pl.col("valid") > 0)
    g = g.with_columns(
        **{
            k: (10_000 * pl.col(k) / pl.col("valid") + 0.5).floor() / 100
            for k in ("con", "sol", "sat")
        }
    )
    g = g.with_columns(
        composite=(
            (W_R * pl.col("con") + W_S * pl.col("sol") + W_M * pl.col("sat")) * 100 + 0.5
        ).floor()
        / 100
    )
    g = g.with_columns(
        rank=pl.struct("composite", "volume").rank(method="dense", descending=True).over("month")
    )
    return _polars_out(g)


def peer_polars_lazy(df: pl.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """Polars lazy: one query plan."""
    return _polars_out(_polars_query(df.lazy()).collect())


DUCKDB_SQL = """
with g as (
  select unit, month, count(*) as volume,
         count_if(callback = 1) as valid,
         count_if(callback = 1 and contacted) as con,
         count_if(callback = 1 and solved) as sol,
         count_if(callback = 1 and satisfaction > 0) as sat
  from t group by unit, month having count_if(callback = 1) > 0
), r as (
  select unit, month, volume,
         floor(10000.0 * con / valid + 0.5) / 100 as r,
         floor(10000.0 * sol / valid + 0.5) / 100 as s,
         floor(10000.0 * sat / valid + 0.5) / 100 as m
  from g
), c as (
  select *, floor((0.2 * r + 0.4 * s + 0.4 * m) * 100 + 0.5) / 100 as composite from r
)
select unit, month, composite,
       dense_rank() over (partition by month order by composite desc, volume desc) as rank
from c
"""


def same_work_polars(df: pl.DataFrame, *, score: bool) -> dict[str, npt.NDArray[Any]]:
    """Polars lazy doing jiesu's frame work natively, the way jiesu does it on polars.

    Column statistics (null counts, min, max) prove that no row is bad; only if they cannot, the row
    check runs fused into the group-by. Then the eight counts and the row count per key; with ``score``,
    the plain peer's rates, composite and rank from them.
    """
    lf = df.lazy()
    cb, sat = pl.col("callback"), pl.col("satisfaction")
    ans = cb == 1
    proof = pl.all_horizontal(
        cb.min() >= 0,
        cb.max() <= 3,
        sat.min() >= 0,
        sat.max() <= 2,
        *(pl.col(c).null_count() == 0 for c in ("contacted", "solved", "satisfaction")),
        *(pl.col(c).null_count() == 0 for c in ("unit", "month")),
    )
    clean = bool(lf.select(proof).collect().item())
    bad = (
        ((cb < 0) | (cb > 3)).fill_null(value=False)
        | (
            ans
            & (pl.col("contacted").is_null() | pl.col("solved").is_null() | (sat < 0) | (sat > 2))
        )
        | pl.col("unit").is_null()
        | pl.col("month").is_null()
    )
    out = lf.group_by("unit", "month").agg(
        pl.len().alias("tickets"),
        *([] if clean else [bad.sum().alias("bad")]),
        ans.sum().alias("answered"),
        (cb == 2).sum().alias("unreachable"),
        (cb == 3).sum().alias("refused"),
        (ans & pl.col("contacted")).sum().alias("contacted"),
        (ans & pl.col("solved")).sum().alias("solved"),
        (ans & (sat == 2)).sum().alias("satisfied"),
        (ans & (sat == 1)).sum().alias("basically_satisfied"),
    )
    if score:
        # every count stays in the output (a dropped column would not be computed at all)
        scored = out.with_columns(
            volume="tickets",
            valid="answered",
            con="contacted",
            sol="solved",
            sat=pl.col("satisfied") + pl.col("basically_satisfied"),
        )
        return _polars_out(_polars_scores(scored).collect())
    return {"rows": np.asarray(out.collect()["tickets"].sum())}


PROOF_SQL = """
select min(callback) >= 0 and max(callback) <= 3 and min(satisfaction) >= 0 and max(satisfaction) <= 2
  and count(contacted) = count(*) and count(solved) = count(*) and count(satisfaction) = count(*)
  and count(unit) = count(*) and count(month) = count(*)
from t
"""

CHECK_SQL = """count_if((callback < 0 or callback > 3) or (callback = 1 and (contacted is null or solved is null
      or satisfaction < 0 or satisfaction > 2)) or unit is null or month is null) as bad,"""

SAME_WORK_SQL = """
select unit, month, count(*) as tickets, CHECK
  count_if(callback = 1) as answered, count_if(callback = 2) as unreachable,
  count_if(callback = 3) as refused, count_if(callback = 1 and contacted) as contacted,
  count_if(callback = 1 and solved) as solved, count_if(callback = 1 and satisfaction = 2) as satisfied,
  count_if(callback = 1 and satisfaction = 1) as basically_satisfied
from t group by unit, month
"""


# every count is kept to the output: a query that drops a column lets the engine skip computing it, which
# would no longer be the same work
SAME_WORK_SCORED_SQL = """
with w as (SAME_WORK), r as (
  select *,
         floor(10000.0 * contacted / answered + 0.5) / 100 as r_rate,
         floor(10000.0 * solved / answered + 0.5) / 100 as s_rate,
         floor(10000.0 * (satisfied + basically_satisfied) / answered + 0.5) / 100 as m_rate
  from w where answered > 0
), c as (
  select *, floor((0.2 * r_rate + 0.4 * s_rate + 0.4 * m_rate) * 100 + 0.5) / 100 as composite from r
)
select *, dense_rank() over (partition by month order by composite desc, tickets desc) as rank from c
""".replace("SAME_WORK", SAME_WORK_SQL)


def same_work_duckdb(con: duckdb.DuckDBPyConnection, *, score: bool) -> dict[str, npt.NDArray[Any]]:
    """DuckDB SQL doing jiesu's frame work natively, the way jiesu does it on duckdb.

    Column statistics prove that no row is bad; only if they cannot, the row check runs fused into the
    group-by. Then the counts per key; with ``score``, the plain peer's rates, composite and rank.
    """
    clean = bool(con.sql(PROOF_SQL).fetchall()[0][0])
    check = "" if clean else CHECK_SQL
    if score:
        return _duckdb_out(con.sql(SAME_WORK_SCORED_SQL.replace("CHECK", check)).fetchnumpy())
    out = con.sql(SAME_WORK_SQL.replace("CHECK", check)).fetchnumpy()
    return {"rows": np.asarray(out["tickets"].sum())}


def _duckdb_out(out: dict[str, Any]) -> dict[str, npt.NDArray[Any]]:
    return {
        "unit": np.asarray(out["unit"]),
        "month": np.asarray(out["month"]),
        "composite": _round2(np.asarray(out["composite"], dtype=np.float64)),
        "rank": np.asarray(out["rank"], dtype=np.int64),
    }


def peer_duckdb(con: duckdb.DuckDBPyConnection) -> dict[str, npt.NDArray[Any]]:
    """DuckDB SQL over a registered Arrow table."""
    return _duckdb_out(con.sql(DUCKDB_SQL).fetchnumpy())


def jiesu_arrays(d: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    """jiesu's array path: validation, one bincount, exact integer rates and composite, dense rank."""
    card = score_many(
        d["unit"],
        d["month"],
        callback=d["callback"],
        contacted=d["contacted"],
        solved=d["solved"],
        satisfaction=d["satisfaction"],
        rules=RULES,
    )
    c = card.columns
    rated = c["rated"]
    return {
        "unit": c["unit"][rated],
        "month": c["period"][rated],
        "composite": c["composite"][rated],
        "rank": c["rank"][rated],
    }


def jiesu_frame(frame: Any) -> dict[str, npt.NDArray[Any]]:  # noqa: ANN401 - polars lazy or duckdb
    """jiesu's narwhals path on a lazy table; the result is collected to compare."""
    out = score_frame(frame, rules=RULES, columns=_COLUMNS)
    table = out.collect() if isinstance(out, pl.LazyFrame) else out.pl()
    table = table.filter(pl.col("status") == "rated")
    return {
        "unit": table["unit"].to_numpy(),
        "month": table["period"].to_numpy(),
        "composite": np.round(table["composite"].to_numpy() * 100).astype(np.int64),
        "rank": table["rank"].to_numpy().astype(np.int64),
    }


def jiesu_counts(frame: Any) -> dict[str, npt.NDArray[Any]]:  # noqa: ANN401 - polars lazy or duckdb
    """jiesu's narwhals path up to the tally only (the check and the counts; no scoring, no table out)."""
    tally = tally_frame(frame, rules=RULES, columns=_COLUMNS)
    return {"rows": np.asarray(tally.counts[:, 0].sum())}


def wrong(result: dict[str, npt.NDArray[Any]], truth: dict[str, npt.NDArray[Any]]) -> int:
    """Unit-months whose composite or rank differ from the exact result (or are missing)."""

    def index(r: dict[str, npt.NDArray[Any]]) -> dict[tuple[int, int], tuple[int, int]]:
        return {
            (int(u), int(m)): (int(c), int(k))
            for u, m, c, k in zip(r["unit"], r["month"], r["composite"], r["rank"], strict=True)
        }

    a, b = index(result), index(truth)
    return sum(1 for k, v in b.items() if a.get(k) != v) + sum(1 for k in a if k not in b)


_COLUMNS = ColumnMap(period="month")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n, n_units, n_months = (200_000, 300, 12) if args.quick else (10_000_000, 3_000, 12)
    repeat = 1 if args.quick else args.repeat
    d = make_data(n, n_units, n_months)
    pdf = _flags_pandas(d)
    pldf = pl.DataFrame(d)
    arrow = pa.table(d)
    con = duckdb.connect()
    con.register("t", arrow)
    rel = con.from_arrow(arrow)

    truth, t_jiesu, m_jiesu = measure(lambda: jiesu_arrays(d), repeat=repeat)
    rows: list[tuple[str, Any]] = [
        ("numpy bincount (limit)", lambda: limit_numpy(d, n_months)),
        ("jiesu score_many (arrays)", lambda: jiesu_arrays(d)),
        # polars lazy runs before polars eager: the eager run leaves memory in polars' allocator, which
        # would hide the lazy run's own peak
        ("polars lazy", lambda: peer_polars_lazy(pldf)),
        ("duckdb SQL", lambda: peer_duckdb(con)),
        ("pandas groupby", lambda: peer_pandas(pdf)),
        ("polars eager", lambda: peer_polars_eager(pldf)),
        ("polars lazy, jiesu's counts natively", lambda: same_work_polars(pldf, score=False)),
        ("duckdb SQL, jiesu's counts natively", lambda: same_work_duckdb(con, score=False)),
        ("polars lazy, jiesu's work natively", lambda: same_work_polars(pldf, score=True)),
        ("duckdb SQL, jiesu's work natively", lambda: same_work_duckdb(con, score=True)),
        ("jiesu tally_frame → polars lazy (counts only)", lambda: jiesu_counts(pldf.lazy())),
        ("jiesu tally_frame → duckdb (counts only)", lambda: jiesu_counts(rel)),
        ("jiesu score_frame → polars lazy", lambda: jiesu_frame(pldf.lazy())),
        ("jiesu score_frame → duckdb", lambda: jiesu_frame(rel)),
    ]
    results: dict[str, tuple[float, int, int]] = {}
    for name, fn in rows:
        if name.startswith("jiesu score_many"):
            results[name] = (t_jiesu, m_jiesu, 0)
            continue
        out, seconds, peak = measure(fn, repeat=repeat)
        results[name] = (seconds, peak, wrong(out, truth) if "rank" in out else -1)
    limit = results["numpy bincount (limit)"][0]
    native = {
        "jiesu tally_frame → polars lazy (counts only)": (
            "polars lazy",
            "polars lazy, jiesu's counts natively",
        ),
        "jiesu tally_frame → duckdb (counts only)": (
            "duckdb SQL",
            "duckdb SQL, jiesu's counts natively",
        ),
        "jiesu score_frame → polars lazy": ("polars lazy", "polars lazy, jiesu's work natively"),
        "jiesu score_frame → duckdb": ("duckdb SQL", "duckdb SQL, jiesu's work natively"),
    }
    table = []
    for name, (seconds, peak, bad) in results.items():
        plain, same = native.get(name, ("", ""))
        vs_plain = f"{seconds / results[plain][0]:.2f}" if plain else ""
        vs_same = f"{seconds / results[same][0]:.2f}" if same else ""
        shown = "n/a" if bad < 0 else str(bad)
        table.append(
            [name, f"{seconds:.3f}", f"{seconds / limit:.2f}", vs_plain, vs_same, shown, mib(peak)]
        )
    print_table(
        f"Scoring {n:,} tickets, {n_units:,} units, {n_months} months ({os.cpu_count()} CPUs; best of {repeat})",
        ["job", "seconds", "× limit", "× native", "× same work", "wrong", "peak MiB"],
        table,
    )


if __name__ == "__main__":
    main()
