"""The code keeps its shape (issue #12): small modules, short functions.

Ruff holds complexity (C901 at 12) and statement counts (PLR0915); this holds
length, which ruff does not measure: a module of the product (geodata,
dashboard, bench, scripts) stays under about 450 lines, and no function
anywhere, tests included, is longer than 80 lines (its docstring counted).
A module that grows past the limit is a sign to split it along a seam, as
``geodata/render/`` or ``geodata/upload/`` were.
"""

from __future__ import annotations

import ast
import re

import matplotlib.colors
import pytest

from tests.paths import ROOT

MAX_MODULE_LINES = 470  # "about 450"
MAX_FUNCTION_LINES = 80
PRODUCT = ("geodata", "dashboard", "bench", "scripts")


def _python_files(folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", PRODUCT)
def test_modules_are_small(folder):
    long = {
        str(path.relative_to(ROOT)): n
        for path in _python_files([folder])
        if (n := path.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert not long, f"over {MAX_MODULE_LINES} lines: {long}"


@pytest.mark.parametrize("folder", [*PRODUCT, "tests"])
def test_functions_are_short(folder):
    long = []
    for path in _python_files([folder]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n})")
    assert not long, "\n".join(long)


def test_app_is_a_thin_entry_point():
    assert (ROOT / "app.py").read_text(encoding="utf-8").count("\n") <= 10


#: A colour written in code: hex, or a CSS rgb()/rgba() with numbers.
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|rgba?\(\s*\d")
#: Named colours, as a whole string constant ("white"; not the one-letter "g",
#: which is a matplotlib format).
NAMED_COLOURS = set(matplotlib.colors.CSS4_COLORS)


def _docstrings(tree: ast.AST) -> tuple[set[int], set[int]]:
    """The docstrings' nodes (by id) and their lines."""
    nodes, lines = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                nodes.add(id(doc.value))
                lines.update(range(doc.lineno, doc.end_lineno + 1))
    return nodes, lines


def _colours_in_python(path, text: str) -> list[str]:
    tree = ast.parse(text)
    doc_nodes, doc_lines = _docstrings(tree)
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:60]}"
        for number, line in enumerate(text.splitlines(), start=1)
        if number not in doc_lines and not line.lstrip().startswith("#") and COLOUR.search(line)
    ]
    found += [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in doc_nodes
        and node.value.lower() in NAMED_COLOURS
    ]
    return found


def _colours_in_javascript(path, text: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:60]}"
        for number, line in enumerate(text.splitlines(), start=1)
        if COLOUR.search(line.split("//")[0])
    ]


def test_colours_are_written_only_in_the_style_table():
    """One style table (geodata/style.py) for every renderer: no colour literal
    elsewhere in geodata or dashboard, Python or JavaScript (docstrings aside):
    no hex or rgb() colour on any line, no named colour as a string."""
    found = []
    for folder in ("geodata", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.name == "style.py":
                continue
            if path.suffix == ".py":
                found += _colours_in_python(path, path.read_text(encoding="utf-8"))
            elif path.suffix == ".js":
                found += _colours_in_javascript(path, path.read_text(encoding="utf-8"))
    assert not found, "\n".join(found)


def test_the_colour_scan_finds_what_it_looks_for():
    path = ROOT / "geodata" / "example.py"  # only named in the messages
    code = (
        '"""Doc: #ffffff here is prose."""\nA = "#d43300"\nB = "white"\nC = "rgba(0, 0, 0, 0.5)"\n'
    )
    assert len(_colours_in_python(path, code)) == 3
    assert len(_colours_in_javascript(path, "x = '#fff'; // '#000' in a comment")) == 1
