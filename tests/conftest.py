import pytest

from geodata import load_builtin


@pytest.fixture(scope="session")
def builtin():
    return load_builtin()
