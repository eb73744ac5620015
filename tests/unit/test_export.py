"""The export registry and dispatch (geodata.export).

Each format has its own file, test_export_<format>.py, where every file type
is read back for real; the `frontline export` command is tested in test_cli.py.
"""

import pytest

from geodata.export import EXPORT_FORMATS, export_state

DATE = "2016-03-27"


def test_export_state_formats(builtin):
    assert set(EXPORT_FORMATS) == {"png", "svg", "pdf", "html", "geojson", "gpkg", "kml", "csv"}
    with pytest.raises(ValueError, match="expected a format .*got 'xls'"):
        export_state(builtin, DATE, "xls")


def test_every_format_carries_its_writer(builtin):
    for code, fmt in EXPORT_FORMATS.items():
        assert fmt.code == code and fmt.extension.startswith(".") and callable(fmt.write)
    # export_state is a lookup: the registry's writer gives the same bytes.
    direct = EXPORT_FORMATS["csv"].write(builtin, DATE, extent="theatre")
    assert export_state(builtin, DATE, "CSV") == direct


def test_cli_choices_come_from_the_registries():
    from geodata.cli import build_parser
    from geodata.replay import STEPS
    from geodata.territory import DEFAULT_MAX_REACH_KM

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices

    def option(command, flag):
        return next(a for a in commands[command]._actions if flag in a.option_strings)

    assert option("export", "--format").choices == list(EXPORT_FORMATS)
    assert option("replay", "--step").choices == list(STEPS)
    assert option("territory", "--max-reach-km").default == DEFAULT_MAX_REACH_KM
    assert option("areas", "--max-reach-km").default == DEFAULT_MAX_REACH_KM
