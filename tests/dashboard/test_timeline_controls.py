"""The timeline controls: previous and next change, play steps."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.timeline import next_change, previous_change, step
from geodata.timeline import change_dates


@pytest.fixture(scope="module")
def changes(builtin):
    return [d.date() for d in change_dates(builtin)]


def test_previous_and_next_change(changes):
    day = dt.date(2016, 3, 27)
    assert day in changes
    assert next_change(changes, day) == changes[changes.index(day) + 1]
    assert previous_change(changes, day) == changes[changes.index(day) - 1]
    assert previous_change(changes, changes[0]) is None
    assert next_change(changes, changes[-1]) is None


@pytest.mark.parametrize(
    ("speed", "start", "expected"),
    [
        ("week", dt.date(2016, 3, 27), dt.date(2016, 4, 3)),
        ("month", dt.date(2016, 1, 31), dt.date(2016, 2, 29)),
        ("event", dt.date(2016, 3, 27), dt.date(2016, 4, 1)),
        ("week", dt.date(2019, 10, 18), dt.date(2019, 10, 20)),  # clamped to the end
        ("month", dt.date(2019, 10, 20), None),  # at the end: stop
    ],
)
def test_step(changes, speed, start, expected):
    assert step(changes, start, speed, dt.date(2019, 10, 20)) == expected


def test_step_rejects_unknown_speed(changes):
    with pytest.raises(ValueError, match="expected a speed"):
        step(changes, dt.date(2016, 1, 1), "year", dt.date(2019, 10, 20))
