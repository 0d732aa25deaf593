"""The house rules of ``docs/architecture.md``, drawn from the code's own imports.

Every ``import`` counts, at any depth of a module (lazy imports in functions included): no
import circles between files, the generic layer (``rest/``) imports no domain, one domain uses
another's services only through that domain's package (its public functions), and every module
of a layer sits under one of the domain names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "wger_flask"
LAYERS = ("models", "schemas", "services", "blueprints")
DOMAINS = {
    "accounts",
    "catalogue",
    "ingredients",
    "nutrition",
    "routines",
    "body",
    "trophies",
    "media",
    "wger_import",
    "powersync",
}
# Layer-wide plumbing that belongs to no domain.
SHARED = {
    "models": {"types"},
    "schemas": {"base", "fields"},
    "services": set(),
    "blueprints": {"api_root", "health"},
}
# What the generic layer may import besides itself: the models' base (``database``, the column
# types and id factory of ``models.types``) and the shared fields.
REST_MAY_IMPORT = (
    "wger_flask.rest",
    "wger_flask.database",
    "wger_flask.models.types",
    "wger_flask.schemas.fields",
)
# Composition roots: they wire the domains together, so they may name any module.
COMPOSITION_ROOTS = {"wger_flask", "wger_flask.cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(dotted: str) -> str | None:
    """The module a dotted import lands in (``pkg.mod.name`` → ``pkg.mod``)."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (the house uses absolute imports)")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wger_flask"):
            found.update(filter(None, (_resolve(f"{node.module}.{a.name}") for a in node.names)))
        elif isinstance(node, ast.Import):
            found.update(
                filter(
                    None, (_resolve(a.name) for a in node.names if a.name.startswith("wger_flask"))
                )
            )
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] in LAYERS else None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles_between_files():
    assert _cycles(GRAPH) == []


def test_the_generic_layer_imports_no_domain():
    offending = {
        module: sorted(d for d in deps if not d.startswith(REST_MAY_IMPORT))
        for module, deps in GRAPH.items()
        if module.startswith("wger_flask.rest")
    }
    assert {module: deps for module, deps in offending.items() if deps} == {}


def test_domains_use_each_other_only_through_their_packages():
    reaching_in = []
    for module, deps in GRAPH.items():
        if module in COMPOSITION_ROOTS:
            continue
        for target in deps:
            parts = target.split(".")
            if len(parts) > 3 and parts[1] == "services" and parts[2] != _domain_of(module):
                reaching_in.append(f"{module} -> {target}")
    assert reaching_in == []


@pytest.mark.parametrize("layer", LAYERS)
def test_every_module_of_a_layer_sits_under_a_domain_name(layer):
    strays = sorted(
        module
        for module in MODULES
        if module.startswith(f"wger_flask.{layer}.")
        and _domain_of(module) not in DOMAINS | SHARED[layer]
    )
    assert strays == []


def test_each_service_package_says_what_it_owns_and_may_import():
    for package in sorted((PACKAGE / "services").iterdir()):
        if package.is_dir() and (package / "__init__.py").exists():
            docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
            assert docstring and "May import" in docstring, package.name
