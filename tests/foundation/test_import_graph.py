"""The import graph of `accord`: no circle among modules, and every part imports only the parts
below it (docs/architecture.md, "The shape of a part"). Parts talk upward through
`core.hooks.Hook` lists, never by importing a higher part.

Every module under src/accord is parsed with `ast` (nothing is imported). Module-level and
function-level imports both count; imports under `if TYPE_CHECKING:` do not (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = SRC / "accord"

# Which parts each part may import (besides itself). `analytics` is pure maths: it imports no
# Django and no other part; any part may use it. `web`, `demo` and `config` sit on top and may
# import anything, but no part imports them (config.urls / config.api load the parts).
LOWER: dict[str, set[str]] = {
    "analytics": set(),
    "core": {"analytics"},
    "accounts": {"core", "analytics"},
    "cases": {"accounts", "core", "analytics"},
    "resolution": {"cases", "accounts", "core", "analytics"},
    "earlywarning": {"resolution", "cases", "accounts", "core", "analytics"},
}
for _part in ("participation", "safety", "wellbeing"):
    LOWER[_part] = {"earlywarning", "resolution", "cases", "accounts", "core", "analytics"}
LOWER["grid"] = {"participation", "safety", "wellbeing"} | LOWER["participation"]
TOP = {"web", "demo", "config"}
# The package itself (`accord/__init__.py`, `accord/__main__.py`: the console script).
ENTRY = {"", "__main__"}

# Known exceptions: edges (importer, imported) left out of the cycle search and the layer check.
# Keep it empty; a pair listed here that no longer occurs fails `test_known_exceptions_still_occur`.
ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, at any depth, except the body of an
    `if TYPE_CHECKING:` (its `else:` branch runs, so it counts)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.orelse:
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    yield sub
                yield from _imports(sub)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _imports(child)


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(the accord modules `name` imports, the other top-level packages it imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    outside: set[str] = set()

    def add(target: str) -> None:
        # The longest prefix of `target` that is a module of ours.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target:
            found.add(target)

    for node in _imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "accord" or alias.name.startswith("accord."):
                    add(alias.name)
                else:
                    outside.add(alias.name.partition(".")[0])
            continue
        base = node.module or ""
        if node.level:
            pkg = _package_of(name, path).split(".")
            pkg = pkg[: len(pkg) - (node.level - 1)]
            base = ".".join([*pkg, base] if base else pkg)
        if base == "accord" or base.startswith("accord."):
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in modules else base)
        else:
            outside.add(base.partition(".")[0])
    found.discard(name)
    return found, outside


def build_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = all_modules()
    graph: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name], outside[name] = imports_of(name, path, modules)
    return graph, outside


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative):
    every module of a group reaches every other, so each group holds at least one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (as a path a -> b -> ... -> a) for each strongly connected group."""
    return [_circle_in(graph, set(g)) for g in strongly_connected(graph)]


def _circle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest circle through the first module of a strongly connected group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    return [*paths[node], start]
                if child not in paths:
                    paths[child] = [*paths[node], child]
                    nxt.append(child)
        frontier = nxt
    return sorted(group)  # unreachable for a strongly connected group


def layer_breaches(graph: dict[str, set[str]], outside: dict[str, set[str]]) -> list[str]:
    """Every import that breaks the layer order, as 'importer -> imported (why)'."""
    out = []
    for module, targets in sorted(graph.items()):
        part = part_of(module)
        if part == "analytics" and "django" in outside[module]:
            out.append(f"{module} -> django (analytics imports no Django)")
        for target in sorted(targets):
            other = part_of(target)
            if other == part or other in ENTRY:
                continue
            if part in TOP or part in ENTRY:
                continue  # web, demo and config may import anything
            if other == "demo" and ".management.commands." in module and "seed-demo" in module:
                continue  # a part's demo seeder may use the demo's name lists
            if other in TOP:
                out.append(f"{module} -> {target} (no part imports {other})")
                continue
            allowed = LOWER.get(part)
            if allowed is None:
                out.append(f"{module} -> {target} ({part!r} is not in the layer order)")
            elif other not in allowed:
                out.append(f"{module} -> {target} ({part} may not import {other})")
    return out


GRAPH, OUTSIDE = build_graph()


def test_the_graph_sees_every_part_and_both_kinds_of_import():
    """The parser finds what it must in the real tree: every part, a function-level import,
    a from-import of a submodule."""
    assert {part_of(m) for m in GRAPH} >= set(LOWER) | TOP
    # function-level: cases.apps imports cases.identity inside ready()
    assert "accord.cases.identity" in GRAPH["accord.cases.apps"]
    # `from accord.cases import workflow` is an import of the module accord.cases.workflow
    assert "accord.cases.workflow" in GRAPH["accord.cases.transitions"]


def test_type_checking_imports_do_not_count_and_function_imports_do(tmp_path):
    source = tmp_path / "a.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from accord.x import b\n"
        "else:\n"
        "    import accord.x.c\n"
        "def f():\n"
        "    from accord.x import d\n"
        "    from accord.x.e import SOMETHING\n"
        "    from . import g\n",
        encoding="utf-8",
    )
    names = ("accord.x", "accord.x.a", "accord.x.b", "accord.x.c", "accord.x.d", "accord.x.e")
    modules = {n: source for n in (*names, "accord.x.g")}
    found, _ = imports_of("accord.x.a", source, modules)
    assert found == {"accord.x.c", "accord.x.d", "accord.x.e", "accord.x.g"}


def test_no_import_cycle():
    graph = {m: {t for t in ts if (m, t) not in ALLOWED} for m, ts in GRAPH.items()}
    groups = strongly_connected(graph)
    report = [
        f"{' -> '.join(_circle_in(graph, set(g)))}   (the circle lies in {len(g)} modules that "
        f"all reach each other: {', '.join(g)})"
        for g in groups
    ]
    assert not groups, "import cycles:\n" + "\n".join(report)


def test_the_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_parts_import_only_lower_parts():
    breaches = layer_breaches(GRAPH, OUTSIDE)
    known = {f"{a} -> {b}" for a, b in ALLOWED}
    for breach in breaches:
        print(breach, "[known, ALLOWED]" if breach.partition(" (")[0] in known else "")
    new = [b for b in breaches if b.partition(" (")[0] not in known]
    assert not new, "imports against the layer order:\n" + "\n".join(new)


def test_known_exceptions_still_occur():
    """An ALLOWED pair that no longer happens must be removed from the list."""
    gone = sorted(f"{a} -> {b}" for a, b in ALLOWED if b not in GRAPH.get(a, set()))
    assert not gone, "remove from ALLOWED (fixed):\n" + "\n".join(gone)
