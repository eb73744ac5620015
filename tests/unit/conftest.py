"""Fixtures of the data layer's tests, shared by the export formats' tests."""

import pytest

from geodata.scene import build_scene
from tests.fixtures import SCENE_DATE, evil_dataset


@pytest.fixture(scope="session")
def scene(builtin):
    """The built-in data's scene on 27 March 2016 (the user's report's date)."""
    return build_scene(builtin, SCENE_DATE)


@pytest.fixture(scope="session")
def hostile():
    """The small dataset whose every text is hostile (:func:`tests.fixtures.evil_dataset`)."""
    return evil_dataset()


@pytest.fixture(scope="session")
def hostile_scene(hostile):
    """Its scene on a date when one of its towns is contested."""
    return build_scene(hostile, "2015-06-01")
