"""The ``frontline`` command line: the data, states and exports without a browser.

Every ``--json`` output is one JSON document on stdout; errors go to stderr
with exit status 1 (bad data or no match) or 2 (bad arguments), never a
traceback.

Modules: :mod:`~geodata.cli.parser` (the parser and :func:`main`),
:mod:`~geodata.cli.commands` (the sub-commands over the data and the exports),
:mod:`~geodata.cli.compare` and :mod:`~geodata.cli.read` (``compare`` and
``read``), :mod:`~geodata.cli.args` (argument types, ``--data``) and
:mod:`~geodata.cli.output` (``--out`` and JSON).
"""

from .args import CliError, load_data
from .output import event_records, output_target, state_records
from .parser import build_parser, main

__all__ = [
    "CliError",
    "build_parser",
    "event_records",
    "load_data",
    "main",
    "output_target",
    "state_records",
]
