"""Dependencies point one way: lib ← accounts ← track apps ← reports / demo.

The test reads every ``.py`` file of every app with ``ast`` — migrations and
imports inside functions included, only each app's own ``tests/`` folder left
out — and fails when an app imports an app of a higher layer, or a track app
imports another track app without the dependency being one ARCHITECTURE.md
documents. A lower layer that needs something from above exposes a registry
the higher one fills (Min side's panels, reminder sources, the reminder
policy provider), as CONVENTIONS.md asks.

Imports under ``if TYPE_CHECKING:`` are annotations only and never run; they
are listed in the printed table but not counted. ``lederutvikling`` (settings,
URLs, the Celery app) is infrastructure outside the layers: it may import any
app.

It also checks that the picture "Apps and who depends on whom" in
docs/ARCHITECTURE.md names exactly the edges found here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: dict[str, int] = {
    "lib": 0,
    "accounts": 1,
    "groups": 2, "programs": 2, "surveys": 2, "coaching": 2, "networks": 2,
    "leaderplatform": 2,
    "reports": 3, "demo": 3, "privacy": 3,
    "cockpit": 4,
}

# Imports within one layer are refused unless listed here (importer, imported).
SIDEWAYS_ALLOWED: frozenset[tuple[str, str]] = frozenset({
    ("surveys", "groups"),      # group surveys are sent to a leader group
    ("surveys", "programs"),    # evaluations of gatherings and module sessions
    ("coaching", "programs"),   # an agreement or course may belong to a programme
    ("networks", "programs"),   # network groups are a programme's peer groups
    ("demo", "reports"),        # the demo world seeds reports' demo data too
    # The leader platform: proposals come from leader groups and network groups, the
    # ratings keep the surveys' anonymity thresholds, a result may go to one's coach.
    ("leaderplatform", "groups"),
    ("leaderplatform", "networks"),
    ("leaderplatform", "surveys"),
    ("leaderplatform", "coaching"),
    ("leaderplatform", "programs"),  # modules name the characteristics they build
    ("demo", "privacy"),        # … and the statements and retention schedules
})


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    where: str  # path:line
    type_only: bool


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _imports(tree: ast.AST) -> list[tuple[str, int, bool]]:
    """(absolute module, line, type-only) for every import statement in the tree."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, type_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno, type_only))
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(tree, False)
    return found


def _app_files(app: str) -> list[Path]:
    base = ROOT / app
    return sorted(p for p in base.rglob("*.py")
                  if p.relative_to(base).parts[0] != "tests")


def import_edges() -> list[Edge]:
    edges = []
    for app in LAYERS:
        for path in _app_files(app):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for module, line, type_only in _imports(tree):
                top = module.split(".")[0]
                if top in LAYERS and top != app:
                    edges.append(Edge(app, top, f"{path.relative_to(ROOT)}:{line}", type_only))
    return edges


def is_allowed(importer: str, imported: str) -> bool:
    if LAYERS[imported] < LAYERS[importer]:
        return True
    return (importer, imported) in SIDEWAYS_ALLOWED


def _graph(edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {app: set() for app in LAYERS}
    for edge in edges:
        if not edge.type_only:
            graph[edge.importer].add(edge.imported)
    return graph


def _table(edges: list[Edge]) -> str:
    graph = _graph(edges)
    type_only: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.type_only:
            type_only[edge.importer].add(edge.imported)
    lines = ["layer  app        imports"]
    for app, layer in sorted(LAYERS.items(), key=lambda item: (item[1], item[0])):
        imported = ", ".join(sorted(graph[app], key=lambda a: (LAYERS[a], a))) or "—"
        extra = (f"   (type hints only: {', '.join(sorted(type_only[app]))})"
                 if type_only[app] else "")
        lines.append(f"{layer:>5}  {app:<10} {imported}{extra}")
    lines.append("sideways edges allowed: " + ", ".join(
        f"{a} → {b}" for a, b in sorted(SIDEWAYS_ALLOWED)))
    return "\n".join(lines)


def test_no_app_imports_one_above_it() -> None:
    edges = import_edges()
    print("\n" + _table(edges))
    wrong = [f"{e.where}: {e.importer} (layer {LAYERS[e.importer]}) imports {e.imported} "
             f"(layer {LAYERS[e.imported]})"
             for e in edges if not e.type_only and not is_allowed(e.importer, e.imported)]
    assert wrong == [], "imports against the direction of dependencies:\n" + "\n".join(wrong)


def test_the_scanner_sees_every_kind_of_import() -> None:
    tree = ast.parse(
        "import reports.models\n"
        "from demo.world import seed_all\n"
        "from . import local\n"
        "def f():\n"
        "    from groups import models\n"
        "if TYPE_CHECKING:\n"
        "    from surveys.models import Round\n"
    )
    assert _imports(tree) == [("reports.models", 1, False), ("demo.world", 2, False),
                              ("groups", 5, False), ("surveys.models", 7, True)]
    assert not is_allowed("groups", "reports")
    assert not is_allowed("programs", "coaching")
    assert not is_allowed("lib", "accounts")
    assert not is_allowed("reports", "demo")
    assert is_allowed("networks", "programs")


def _documented_edges() -> dict[str, set[str]]:
    """The picture's arrows: ``app/  description  → a, b, c (notes)``.

    A list that ends in a comma goes on in the next line.
    """
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Apps and who depends on whom", 1)[1]
    picture = section.split("```", 2)[1]
    documented: dict[str, set[str]] = {app: set() for app in LAYERS}
    current, goes_on = None, False
    for line in picture.splitlines():
        match = re.match(r"(\w+)/\s", line)
        if match:
            current, goes_on = match.group(1), False
        if "→" in line:
            targets = line.split("→", 1)[1]
        elif goes_on:
            targets = line
        else:
            continue
        targets = targets.split("(")[0].strip()
        goes_on = targets.endswith(",")
        if current in documented:
            documented[current] |= {t.strip() for t in targets.split(",") if t.strip()}
    return documented


def test_architecture_picture_names_the_same_edges() -> None:
    graph = _graph(import_edges())
    documented = _documented_edges()
    differences = {app: {"in code only": sorted(graph[app] - documented[app]),
                         "in the picture only": sorted(documented[app] - graph[app])}
                   for app in LAYERS if graph[app] != documented[app]}
    assert differences == {}, differences
