"""Compare the territory model with published estimates, and tune its reach.

Prints two error tables:

1. ISIS's core area (Syria and Iraq) against IHS Conflict Monitor's figures
   of the land the group dominated. The model's only parameters, the core's
   reach (``reach_factor`` times the distance to a town's second-nearest
   neighbour, between ``min_reach_km`` and ``max_reach_km``), are chosen on
   half of the IHS figures (every other date, oldest first) by grid search and
   the error is reported on both halves.
2. Whole-country shares of Syria (core + nominal land, every km² assigned)
   of the government, the SDF and ISIS against SOHR's and Jusoor's survey
   figures. The nominal rule has no parameter: nothing is tuned here.

Also checks the order of the crossings: in Syria the government's share
passes ISIS's during 2017. Run ``python scripts/compare_estimates.py``
(``--markdown`` prints the README's tables); the figures are read from
``geodata/data/published_estimates.csv``, never edited to fit.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata import load_builtin  # noqa: E402
from geodata.io import DATA_DIR  # noqa: E402
from geodata.territory import (  # noqa: E402
    DEFAULT_MAX_REACH_KM,
    DEFAULT_MIN_REACH_KM,
    DEFAULT_REACH_FACTOR,
)
from geodata.territory.cells import fixed_cells, reach_params  # noqa: E402
from geodata.territory.epoch import state_labels  # noqa: E402
from geodata.timeline import control_table  # noqa: E402

GRID = {
    "reach_factor": [0.8, 1.0, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0],
    "min_reach_km": [5.0, 8.0, 12.0],
    "max_reach_km": [40.0, 60.0],
}


def load_estimates() -> pd.DataFrame:
    table = pd.read_csv(DATA_DIR / "published_estimates.csv", dtype=str, keep_default_na=False)
    table["value"] = table["value"].astype(float)
    table["date"] = pd.to_datetime(table["date"])
    return table


def ihs_isis(estimates: pd.DataFrame) -> pd.DataFrame:
    rows = estimates[
        estimates["source_org"].str.startswith("IHS")
        & (estimates["measure"] == "area")
        & (estimates["faction"] == "ISIS")
        & (estimates["country"] == "SY+IQ")
    ]
    rows = rows.sort_values("date").drop_duplicates("date").reset_index(drop=True)
    return rows.assign(half=np.where(np.arange(len(rows)) % 2 == 0, "tuning", "test"))


def survey_shares(estimates: pd.DataFrame) -> pd.DataFrame:
    rows = estimates[
        (estimates["measure"] == "share")
        & (estimates["country"] == "SY")
        & estimates["source_org"].str.contains("SOHR|Jusoor")
        & estimates["faction"].isin(["SYGOV", "SDF", "ISIS"])
    ]
    rows = rows.sort_values(["date", "source_org", "faction"]).reset_index(drop=True)
    return rows.assign(half=np.where(np.arange(len(rows)) % 2 == 0, "tuning", "test"))


def isis_core(dataset, dates, params) -> np.ndarray:
    """ISIS's core area (km²) at each date, for one parameter set."""
    c = fixed_cells(dataset, reach_params(*params), None)
    out = []
    for date in dates:
        faction, _s, _o = state_labels(control_table(dataset, date))
        out.append(float(c.core_km2[faction == "ISIS"].sum()))
    return np.array(out)


def shares(dataset, dates, faction_codes) -> np.ndarray:
    """Each faction's share (%) of Syria's land at each date (core + nominal)."""
    c = fixed_cells(dataset, reach_params(DEFAULT_MAX_REACH_KM), None)
    codes = [code for code, _p in c.regions]
    sy = codes.index("SY")
    in_sy = c.region == sy
    total = c.region_area_km2[sy]
    whole = c.core_km2 + c.nominal_km2
    out = []
    for date, code in zip(dates, faction_codes, strict=True):
        faction, _s, _o = state_labels(control_table(dataset, date))
        out.append(100 * float(whole[in_sy & (faction == code)].sum()) / total)
    return np.array(out)


def tune(dataset, ihs: pd.DataFrame) -> tuple[tuple, pd.DataFrame]:
    tuning = ihs[ihs["half"] == "tuning"]
    results = []
    for factor, low, high in itertools.product(*GRID.values()):
        params = (high, low, factor)
        ours = isis_core(dataset, tuning["date"], params)
        err = np.abs(ours - tuning["value"].to_numpy()) / tuning["value"].to_numpy()
        results.append((factor, low, high, 100 * np.median(err), 100 * err.max()))
    table = pd.DataFrame(results, columns=["reach_factor", "min_reach_km", "max_reach_km",
                                           "median_pct", "max_pct"])  # fmt: skip
    best = table.sort_values(["median_pct", "max_pct"]).iloc[0]
    return (best["max_reach_km"], best["min_reach_km"], best["reach_factor"]), table


def crossing(dataset) -> pd.Timestamp | None:
    """First month start at which the government's share of Syria exceeds ISIS's."""
    months = pd.date_range("2014-01-01", "2019-12-01", freq="MS")
    gov = shares(dataset, months, ["SYGOV"] * len(months))
    isis = shares(dataset, months, ["ISIS"] * len(months))
    above = np.flatnonzero((gov > isis) & (np.arange(len(months)) > np.argmax(isis)))
    return months[above[0]] if len(above) else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print README tables")
    parser.add_argument("--no-tune", action="store_true", help="use the defaults as they are")
    args = parser.parse_args(argv)
    dataset = load_builtin()
    estimates = load_estimates()
    ihs = ihs_isis(estimates)
    defaults = (DEFAULT_MAX_REACH_KM, DEFAULT_MIN_REACH_KM, DEFAULT_REACH_FACTOR)
    if args.no_tune:
        best = defaults
    else:
        best, grid = tune(dataset, ihs)
        print("Grid search on the tuning half (best 5):")
        print(grid.sort_values(["median_pct", "max_pct"]).head(5).round(1).to_string(index=False))
        print(f"best: max_reach_km={best[0]:g} min_reach_km={best[1]:g} "
              f"reach_factor={best[2]:g}; defaults in geodata.territory: {defaults}")  # fmt: skip
    ihs = ihs.assign(ours=isis_core(dataset, ihs["date"], defaults).round(0))
    ihs["error_pct"] = (100 * (ihs["ours"] - ihs["value"]) / ihs["value"]).round(1)
    print("\nISIS core area vs IHS Conflict Monitor (km², Syria + Iraq), with the defaults:")
    print(ihs[["date", "half", "value", "ours", "error_pct"]].to_string(index=False))
    for half in ("tuning", "test"):
        e = ihs.loc[ihs["half"] == half, "error_pct"].abs()
        print(f"  {half}: median {e.median():.1f} %, worst {e.max():.1f} %")
    e = ihs["error_pct"].abs()
    print(f"  all: median {e.median():.1f} %, worst {e.max():.1f} % (targets 15 / 25)")

    sv = survey_shares(estimates)
    sv = sv.assign(ours=shares(dataset, sv["date"], sv["faction"]).round(1))
    sv["error_pp"] = (sv["ours"] - sv["value"]).round(1)
    print("\nShares of Syria (%) vs SOHR / Jusoor (core + nominal land):")
    print(sv[["date", "source_org", "faction", "value", "ours", "error_pp"]]
          .assign(source_org=sv["source_org"].str.slice(0, 18)).to_string(index=False))  # fmt: skip
    for faction, group in sv.groupby("faction"):
        e = group["error_pp"].abs()
        print(f"  {faction}: {len(group)} figures, median {e.median():.1f} pp, "
              f"worst {e.max():.1f} pp")  # fmt: skip
    e = sv["error_pp"].abs()
    print(f"  all: median {e.median():.1f} pp, worst {e.max():.1f} pp (targets 8 / 15)")
    cross = crossing(dataset)
    when = cross.date() if cross is not None else None
    print(f"\nGovernment's share of Syria passes ISIS's: {when} (published: during 2017)")
    if args.markdown:
        print("\n| date | IHS (km²) | ours (km²) | error |\n|---|---:|---:|---:|")
        for r in ihs.itertuples():
            print(f"| {r.date.date()} ({r.half}) | {r.value:,.0f} | {r.ours:,.0f} | "
                  f"{r.error_pct:+.0f} % |")  # fmt: skip
        summary = sv.groupby("faction")["error_pp"].agg(
            n="size", median=lambda x: x.abs().median(), worst=lambda x: x.abs().max()
        )
        print("\n| faction | figures | median error | worst |\n|---|---:|---:|---:|")
        for faction, r in summary.iterrows():
            print(f"| {faction} | {int(r['n'])} | {r['median']:.1f} pp | {r['worst']:.1f} pp |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
