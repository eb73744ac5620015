"""Fixtures shared by every tier: the built-in data, and the same with hostile texts.

Hand-made hostile data is in :mod:`tests.fixtures`, generated datasets (hypothesis
strategies) in :mod:`tests.strategies`, the project's paths in :mod:`tests.paths`.
"""

import pytest

from geodata import load_builtin
from tests.fixtures import evil_builtin


@pytest.fixture(scope="session")
def builtin():
    return load_builtin()


@pytest.fixture(scope="session")
def evil(builtin):
    """The built-in data with hostile strings in Palmyra's texts (see :func:`evil_builtin`)."""
    return evil_builtin(builtin)
