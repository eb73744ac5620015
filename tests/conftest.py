"""Fixtures shared by every tier: the built-in data, and the same with hostile texts.

Hand-made hostile data is in :mod:`tests.fixtures`, generated datasets (hypothesis
strategies) in :mod:`tests.strategies`, the project's paths in :mod:`tests.paths`.
"""

import pytest

from geodata import load_builtin
from tests.fixtures import evil_builtin
from tests.paths import ROOT

BROWSER_TESTS = ROOT / "tests" / "browser"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """The suite runs on every core (``-n auto --dist loadgroup``); the browser
    tests stay together on one worker, one after the other, so that each module
    starts one server and no two browsers compete for the cores."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def builtin():
    return load_builtin()


@pytest.fixture(scope="session")
def evil(builtin):
    """The built-in data with hostile strings in Palmyra's texts (see :func:`evil_builtin`)."""
    return evil_builtin(builtin)
