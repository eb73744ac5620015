"""The README documents every command, every data column and every faction."""

import argparse
import re

from geodata.cli import build_parser
from geodata.events import EVENT_COLUMNS, PLACE_COLUMNS
from geodata.factions import FACTION_CODES
from tests.paths import ROOT

README = (ROOT / "README.md").read_text()


def subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_readme_opens_with_the_two_commands():
    first = README.split("\n```", 2)[1]
    assert "make run" in first and "make test" in first


def test_every_command_is_documented():
    for name, sub in subcommands().items():
        assert f"`frontline {name}" in README, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help",):
                    assert option in README, (name, option)


def test_every_column_is_documented():
    for column in PLACE_COLUMNS + EVENT_COLUMNS:
        assert re.search(rf"`{column}`", README), column


def test_every_faction_is_documented():
    for code in FACTION_CODES:
        assert f"`{code}`" in README, code


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
