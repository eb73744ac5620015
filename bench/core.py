"""Data-layer benchmarks: control state and territory, built-in and generated data."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from geodata import load_builtin
from geodata.territory import territories
from geodata.timeline import control_at, control_table, epochs

from .synthetic import synthetic_dataset


def timeit(fn, *, repeat: int = 20, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def naive_state(dataset, date):
    """The naive way: a Python loop over places, each scanning its events."""
    date = pd.Timestamp(date)
    by_place = dataset.cached(
        "naive-groups",
        lambda: {
            pid: list(zip(g["date"], g["kind"], g["to_faction"], strict=True))
            for pid, g in dataset.events.groupby("place_id", sort=False)
        },
    )
    out = {}
    for pid in dataset.places["id"]:
        holder = None
        for when, kind, to in by_place.get(pid, ()):
            if when > date:
                break
            if kind in ("initial", "capture"):
                holder = to
        out[pid] = holder
    return out


def state_benchmarks(results):
    builtin = load_builtin()
    day = pd.Timestamp("2016-03-27")
    t_table = timeit(lambda: control_table(builtin, day), repeat=200)
    t_gdf = timeit(lambda: control_at(builtin, day), repeat=100)
    t_naive = timeit(lambda: naive_state(builtin, day), repeat=100)
    results.add(
        f"1. state, built-in ({len(builtin.places)} places): control_table",
        t_table,
        "ms",
        "< 1 ms",
        t_table < 1,
    )
    results.add("1. state, built-in: control_at (GeoDataFrame)", t_gdf, "ms", "", None)
    results.add("1. state, built-in: naive Python loop", t_naive, "ms", "", None)
    results.add("1. state, built-in: naive / vectorised", t_naive / t_table, "x", "", None)

    t = time.perf_counter()
    big = synthetic_dataset(10_000, 20)
    results.add(
        "   generate 10,000 places / 200,000 events", (time.perf_counter() - t), "s", "", None
    )
    control_table(big, day)  # builds the sorted index once
    t_big = timeit(lambda: control_table(big, day), repeat=30)
    t_big_gdf = timeit(lambda: control_at(big, day), repeat=10)
    t_big_naive = timeit(lambda: naive_state(big, day), repeat=3, warmup=1)
    results.add(
        "1. state, 10,000 places / 200,000 events: control_table",
        t_big,
        "ms",
        "< 50 ms",
        t_big < 50,
    )
    results.add(
        "1. state, 10,000 places: control_at (GeoDataFrame)",
        t_big_gdf,
        "ms",
        "< 50 ms",
        t_big_gdf < 50,
    )
    results.add("1. state, 10,000 places: naive Python loop", t_big_naive, "ms", "", None)
    results.add("1. state, 10,000 places: naive / vectorised", t_big_naive / t_big, "x", "", None)


def each_new(dataset, dates):
    """A call of ``territories`` on the next of ``dates``: a new epoch every time.

    ``geodata.territory`` reuses a country's zones while its towns are labelled
    as before, so timing one date over and over would time that cache, not the
    work of a new epoch.
    """
    remaining = iter(dates)
    return lambda: territories(dataset, next(remaining))


def territory_benchmarks(results):
    builtin = load_builtin()
    starts = epochs(builtin)["start"]
    t = time.perf_counter()
    territories(builtin, starts.iloc[100])
    first = (time.perf_counter() - t) * 1000
    # "Cached": the dashboard memoises per epoch; the data layer caches the
    # date-independent cells, so an epoch's cost is a group-and-union.
    cache = {}

    def per_epoch(d):
        key = d
        if key not in cache:
            cache[key] = territories(builtin, d)
        return cache[key]

    t_epoch = timeit(each_new(builtin, starts.iloc[101:]), repeat=20)
    per_epoch(starts.iloc[150])
    t_cached = timeit(lambda: per_epoch(starts.iloc[150]), repeat=200)
    results.add("2. territory, built-in: first call (cells + epoch)", first, "ms", "", None)
    results.add(
        f"2. territory, built-in ({len(builtin.places)} places): new epoch, cells cached",
        t_epoch,
        "ms",
        "<= 100 ms",
        t_epoch <= 100,
    )
    # Every epoch's area by country and tier from cold (no cells cached).
    from geodata.io import DATA_DIR, load_dataset
    from geodata.territory import area_split

    cold = load_dataset(DATA_DIR / "places.csv", DATA_DIR / "events.csv", name="cold")
    t = time.perf_counter()
    area_split(cold)
    t_areas = time.perf_counter() - t
    results.add(
        f"2. areas of all {len(starts)} epochs, cold (area_split)",
        t_areas,
        "s",
        "<= 60 s",
        t_areas <= 60,
    )
    results.add("2. territory, built-in: cached epoch", t_cached, "ms", "< 5 ms", t_cached < 5)

    gen = synthetic_dataset(2_000, 6, seed=1)
    t = time.perf_counter()
    territories(gen, "2015-06-01")
    first = (time.perf_counter() - t) * 1000
    gen_starts = epochs(gen)["start"]
    t_epoch = timeit(each_new(gen, gen_starts.iloc[len(gen_starts) // 2 :]), repeat=5, warmup=1)
    cache.clear()
    per_epoch_gen = {}

    def cached_gen():
        if "k" not in per_epoch_gen:
            per_epoch_gen["k"] = territories(gen, "2016-06-01")
        return per_epoch_gen["k"]

    t_cached = timeit(cached_gen, repeat=200)
    results.add("2. territory, 2,000 places: first call (cells + epoch)", first, "ms", "", None)
    results.add("2. territory, 2,000 places: new epoch, cells cached", t_epoch, "ms", "", None)
    results.add("2. territory, 2,000 places: cached epoch", t_cached, "ms", "< 5 ms", t_cached < 5)
