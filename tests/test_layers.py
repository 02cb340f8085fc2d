"""The packages of src/taut stand in layers; an import may only point down (docs/architecture.md).

Every import counts, at module level or inside a function (hiding an import in a function does
not remove the dependency, it only hides it from the reader), as does one under TYPE_CHECKING.
A package may import a package of its own layer only where LAYERS lists it as a peer, and no
two packages may import each other, directly or round a circle.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "taut"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


@dataclass(frozen=True)
class Layer:
    name: str
    packages: tuple[str, ...]
    # package -> packages of the same layer it may import (never both ways: the cycle test)
    peers: tuple[tuple[str, tuple[str, ...]], ...] = ()


# Top first. Each package imports only from layers below it, and from the peers listed.
LAYERS: tuple[Layer, ...] = (
    Layer("project", ("clinic",)),
    Layer("entry points", ("api", "interop", "demo", "cli"), peers=(("interop", ("api",)),)),
    Layer("pages across apps", ("pages", "portal")),
    Layer("money", ("billing",)),
    Layer(
        "follow-up",
        ("outcomes", "scheduling", "diary"),
        peers=(("outcomes", ("scheduling", "diary")), ("scheduling", ("diary",))),
    ),
    Layer(
        "care",
        ("charting", "screening", "consent", "messaging", "education", "files"),
        peers=(("charting", ("screening", "consent")), ("screening", ("consent",))),
    ),
    Layer("people", ("patients", "accounts")),
    Layer("tenancy", ("clinics",)),
    Layer("record", ("audit",)),
    Layer(
        "shared helpers",
        ("common", "clock", "keyset", "replica"),
        peers=(("common", ("clock",)),),
    ),
    Layer("clinical core", ("clinical",)),
)


@dataclass(frozen=True)
class Edge:
    source: str  # top-level package (or module) under taut that imports
    target: str  # top-level package (or module) under taut that is imported
    where: str  # file:line of the import


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = path.relative_to(root.parent).with_suffix("").parts
    is_package = path.name == "__init__.py"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Dotted names an import statement reaches, relative ones resolved against `module`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    # `from taut import clock` imports the module taut.clock: the names count too.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def top_level(root: Path) -> set[str]:
    """The modules and packages directly under `root`, its own `__init__` aside."""
    found = {p.stem for p in root.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    return found - {"__init__"}


def import_edges(root: Path) -> set[Edge]:
    """Every import between top-level packages under `root` (a package directory)."""
    packages = top_level(root)
    edges: set[Edge] = set()
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module, is_package = _module_name(path, root)
        source = path.relative_to(root).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported(node, module, is_package):
                parts = name.split(".")
                if len(parts) < 2 or parts[0] != root.name or parts[1] not in packages:
                    continue
                if parts[1] != source:
                    where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
                    edges.add(Edge(source, parts[1], where))
    return edges


def layer_of(layers: tuple[Layer, ...]) -> dict[str, int]:
    """Package -> its height (0 is the bottom)."""
    return {
        package: len(layers) - 1 - index
        for index, layer in enumerate(layers)
        for package in layer.packages
    }


def _peers(layers: tuple[Layer, ...]) -> dict[str, set[str]]:
    return {package: set(allowed) for layer in layers for package, allowed in layer.peers}


def layer_violations(edges: set[Edge], layers: tuple[Layer, ...]) -> list[str]:
    height, peers = layer_of(layers), _peers(layers)
    found = []
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.where)):
        if edge.source not in height or edge.target not in height:
            continue  # test_every_package_stands_in_a_layer names them
        if height[edge.target] < height[edge.source]:
            continue
        if height[edge.target] == height[edge.source] and edge.target in peers.get(edge.source, ()):
            continue
        direction = "up" if height[edge.target] > height[edge.source] else "sideways"
        found.append(f"{edge.where}: {edge.source} imports {edge.target} ({direction})")
    return found


def cycles(edges: set[Edge]) -> list[list[str]]:
    """The strongly connected groups of two or more packages (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_table(layers: tuple[Layer, ...]) -> list[str]:
    """The table docs/architecture.md shows, one line a row."""
    rows = [
        "| layer | packages | may also import, in its own layer |",
        "|---|---|---|",
    ]
    for index, layer in enumerate(layers):
        packages = ", ".join(f"`{p}`" for p in layer.packages)
        peers = "; ".join(
            f"`{package}` -> " + ", ".join(f"`{a}`" for a in allowed)
            for package, allowed in layer.peers
        )
        rows.append(f"| {len(layers) - index}. {layer.name} | {packages} | {peers or 'none'} |")
    return rows


def _documented_table() -> list[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("|")]


# --- the house as it stands ----------------------------------------------------------------


def test_every_package_stands_in_a_layer() -> None:
    packages = top_level(SRC)
    placed = set(layer_of(LAYERS))
    assert packages - placed == set(), "place new packages in LAYERS"
    assert placed - packages == set(), "LAYERS names a package that does not exist"


def test_no_package_imports_a_higher_layer_or_an_unlisted_peer() -> None:
    assert layer_violations(import_edges(SRC), LAYERS) == []


def test_no_packages_import_each_other_in_a_circle() -> None:
    assert cycles(import_edges(SRC)) == []


def test_the_architecture_page_shows_the_same_layers() -> None:
    assert _documented_table() == layer_table(LAYERS)


def test_the_clinical_core_imports_no_other_package() -> None:
    assert {e.target for e in import_edges(SRC) if e.source == "clinical"} == set()


# --- the checker can fail ------------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "taut"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


TOY = (
    Layer("top", ("pages",)),
    Layer("apps", ("diary", "charting"), peers=(("diary", ("charting",)),)),
    Layer("bottom", ("clinical",)),
)


def test_the_checker_catches_an_import_hidden_in_a_function(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "clinical/__init__.py": "",
            "clinical/rules.py": "def f():\n    from taut.charting import models\n",
            "charting/__init__.py": "",
            "charting/models.py": "",
        },
    )
    assert layer_violations(import_edges(root), TOY) == [
        "clinical/rules.py:2: clinical imports charting (up)"
    ]


def test_the_checker_catches_an_unlisted_peer_and_a_relative_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "diary/__init__.py": "",
            "charting/__init__.py": "",
            "charting/services.py": "from ..diary import services\n",
            "diary/services.py": "",
        },
    )
    assert layer_violations(import_edges(root), TOY) == [
        "charting/services.py:1: charting imports diary (sideways)"
    ]


def test_the_checker_finds_a_circle(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "diary/__init__.py": "from taut import charting\n",
            "charting/__init__.py": "",
            "charting/hooks.py": "import taut.pages.views\n",
            "pages/__init__.py": "",
            "pages/views.py": "from taut.diary import x\n",
        },
    )
    assert cycles(import_edges(root)) == [["charting", "diary", "pages"]]


def test_the_checker_lets_allowed_imports_pass(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "pages/__init__.py": "from taut.diary import a\nfrom taut.clinical import b\n",
            "diary/__init__.py": "from taut.charting import c\nimport taut.clinical\n",
            "charting/__init__.py": "",
            "clinical/__init__.py": "import json\nfrom . import rules\n",
        },
    )
    edges = import_edges(root)
    assert {(e.source, e.target) for e in edges} == {
        ("pages", "diary"),
        ("pages", "clinical"),
        ("diary", "charting"),
        ("diary", "clinical"),
    }
    assert layer_violations(edges, TOY) == []
    assert cycles(edges) == []


@pytest.mark.parametrize("layers", [LAYERS, TOY])
def test_a_peer_is_always_a_package_of_the_same_layer(layers: tuple[Layer, ...]) -> None:
    for layer in layers:
        for package, allowed in layer.peers:
            assert {package, *allowed} <= set(layer.packages), layer.name


def test_the_documented_table_is_read_from_its_section() -> None:
    assert re.search(r"\n## Layers\n", ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(_documented_table()) == len(LAYERS) + 2
