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


COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                lines.update(range(doc.lineno, doc.end_lineno + 1))
    return lines


def test_colours_are_written_only_in_the_style_table():
    """One style table (geodata/style.py) for every renderer: no colour literal
    elsewhere in geodata or dashboard, Python or JavaScript (docstrings aside)."""
    found = []
    for folder in ("geodata", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".js") or path.name == "style.py":
                continue
            text = path.read_text(encoding="utf-8")
            skip = _docstring_lines(ast.parse(text)) if path.suffix == ".py" else set()
            for number, line in enumerate(text.splitlines(), start=1):
                code = line.split("//")[0] if path.suffix == ".js" else line
                if number not in skip and not code.lstrip().startswith("#") and COLOUR.search(code):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:60]}")
    assert not found, "\n".join(found)
