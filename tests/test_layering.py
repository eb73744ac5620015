"""The import graph points downstream only (issue #12).

app.py -> dashboard -> geodata, and inside geodata the stages of DESIGN.md:
model -> read/check -> time and space -> scene -> renderers and sinks -> CLI.
The graph is built with ``ast`` from the source (lazy imports inside functions
count too: a lazy import must not hide a back edge), so a cycle or an upward
edge fails here before anyone has to find it by reading.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

#: Each geodata module (or package) and its stage; an import may only go to
#: the same or a lower stage, and never round a cycle.
STAGES = {
    # the model (the style table is at the bottom: the faction table reads its colours)
    "geodata.version": 0,
    "geodata.style": 0,
    "geodata.events": 0,
    "geodata.factions": 0,
    "geodata.problems": 0,
    "geodata.files": 0,
    "geodata.safety": 0,
    "geodata.colours": 0,
    "geodata.values": 0,
    "geodata.gazetteer": 1,
    "geodata.borders": 1,
    "geodata.dataset": 1,
    # read and check
    "geodata.chains": 2,
    "geodata.validate": 2,
    "geodata.io": 2,
    "geodata.upload": 3,
    # time and space
    "geodata.timeline": 4,
    "geodata.history": 5,
    "geodata.coverage": 6,  # the reference list covered, and the days of unknown holder
    "geodata.describe": 5,
    "geodata.territory": 5,
    # the scene
    "geodata.extent": 6,
    "geodata.scene": 7,
    "geodata.compare": 8,
    # renderers and sinks
    "geodata.render": 9,
    "geodata.export": 10,
    "geodata.replay": 10,
    "geodata.reader": 10,
    # entry points
    "geodata.cli": 11,
    "geodata.__main__": 12,
    "geodata": 12,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every module ``path`` imports, absolute, lazy imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # "from . import x" / "from .pkg import mod": the names may be modules
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {}
    for folder in ("geodata", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            modules[_module_name(path)] = path
    modules["app"] = ROOT / "app.py"
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path, name) if m in modules and m != name}
    return graph


def _stage_key(module: str) -> str | None:
    """The STAGES entry a geodata module belongs to (its package, or itself)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in STAGES:
            return key
    return None


GRAPH = _graph()


def test_every_geodata_module_has_a_stage():
    missing = sorted(m for m in GRAPH if m.startswith("geodata") and _stage_key(m) is None)
    assert not missing, f"add these modules to STAGES in {__file__}: {missing}"


def test_geodata_never_imports_dashboard_or_app():
    bad = [
        (a, b)
        for a, targets in GRAPH.items()
        if a.startswith("geodata")
        for b in targets
        if not b.startswith("geodata")
    ]
    assert not bad


def test_dashboard_never_imports_app():
    assert not [a for a, t in GRAPH.items() if a.startswith("dashboard") and "app" in t]


def test_geodata_imports_point_downstream():
    upward = []
    for a, targets in GRAPH.items():
        if not a.startswith("geodata"):
            continue
        for b in targets:
            ka, kb = _stage_key(a), _stage_key(b)
            if ka != kb and kb != "geodata" and STAGES[kb] > STAGES[ka]:
                upward.append(f"{a} (stage {STAGES[ka]}) -> {b} (stage {STAGES[kb]})")
    assert not upward, "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def _package_graph() -> dict[str, set[str]]:
    """Edges between modules, where a package's __init__ importing its own
    submodules (re-exports) is not a cycle with them."""
    graph = {}
    for a, targets in GRAPH.items():
        graph[a] = {b for b in targets if not b.startswith(a + ".")}
    return graph


def test_no_import_cycles():
    assert _cycles(_package_graph()) == []


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_cycle_finder(graph, expected):
    assert _cycles(graph) == expected


def test_unit_tier_tests_only_the_data_layer():
    """tests/unit is the data layer's tier: no dashboard, no Streamlit."""
    bad = []
    for path in sorted((ROOT / "tests" / "unit").glob("*.py")):
        for module in _imports(path, "tests.unit." + path.stem):
            if module.split(".")[0] in ("dashboard", "streamlit", "app"):
                bad.append(f"{path.name}: {module}")
    assert not bad
