"""Import directions (docs/architecture.md, "Apps and import directions"), read from the source
with ast: every import, also those inside functions. core imports no app, accounts imports
only core, no app imports config, analytics imports no Django, and no import circle runs
through core, accounts or config modules."""

from __future__ import annotations

import ast
from pathlib import Path

import accord

SRC = Path(accord.__file__).parent
APPS = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())


def _module_name(path: Path) -> str:
    parts = ["accord", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """module -> the accord modules (or 'django') it imports."""
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                if target.startswith("accord.") and target != name:
                    found.add(target)
                elif target.split(".")[0] == "django":
                    found.add("django")
        graph[name] = found
    return graph


def _app(module: str) -> str:
    return module.split(".")[1] if module.startswith("accord.") else module


def _offending(app: str, allowed: set[str]) -> dict[str, list[str]]:
    return {
        m: sorted(t for t in ts if _app(t) not in allowed | {app})
        for m, ts in _imports().items()
        if _app(m) == app and any(_app(t) not in allowed | {app} for t in ts)
    }


def test_core_imports_no_app():
    assert _offending("core", {"django"}) == {}


def test_accounts_imports_only_core():
    assert _offending("accounts", {"django", "core"}) == {}


def test_no_app_imports_config():
    offenders = {
        m: sorted(t for t in ts if _app(t) == "config")
        for m, ts in _imports().items()
        if _app(m) != "config" and any(_app(t) == "config" for t in ts)
    }
    assert offenders == {}


def test_analytics_imports_no_django_and_no_app():
    assert _offending("analytics", set()) == {}


def test_no_import_circle_through_core_accounts_or_config():
    low = {"core", "accounts", "config"}
    graph = {
        m: {t for t in ts if _app(t) in low and t in _imports()}
        for m, ts in _imports().items()
        if _app(m) in low
    }
    circles = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in graph.get(node, ()):
            if nxt == start:
                circles.append([*path, nxt])
            elif nxt not in path and nxt > start:
                walk(start, nxt, [*path, nxt])

    for module in sorted(graph):
        walk(module, module, [module])
    assert circles == []


def test_the_scan_sees_the_apps():
    assert {"core", "accounts", "cases", "config", "web"} <= set(APPS)
    assert "accord.core.audit" in _imports()["accord.core.signals"]
