"""The rules of the write paths (``docs/architecture.md``: "Where a rule goes"), drawn from the
code: no domain rule in the routes, one commit point, session listeners bound to this app's
own sessions, one way to extend a resource, flask-smorest's private state left alone."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "wger_flask"
SOURCES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}
# the only module that calls a session's commit: the request's commit point and the named
# early commit (``rest/transaction.py``)
COMMIT_POINT = PACKAGE / "rest" / "transaction.py"
RULE_PARAMETERS = {"creating"}
RULE_NAMES = ("check_", "prepare_", "normalize_", "clear_", "refuse_", "keep_", "default_")


def _relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def test_the_checker_sees_a_rule_and_a_commit():
    tree = ast.parse("def check_x(session, row, data, user, creating):\n    db.session.commit()\n")
    (function,) = _functions(tree)
    assert {arg.arg for arg in function.args.args} & RULE_PARAMETERS
    calls = [_dotted(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert calls == ["db.session.commit"]


def test_no_domain_rule_lives_in_the_routes():
    """A function of ``blueprints/`` that takes a save rule's ``creating``, or that is named
    and shaped as a rule (``check_*``/``prepare_*``... taking the ``user`` and the ``data``),
    belongs to ``services/<domain>/rules.py``."""
    found = []
    for path, tree in SOURCES.items():
        if "blueprints" not in path.parts:
            continue
        for function in _functions(tree):
            names = {arg.arg for arg in function.args.args}
            shaped = function.name.startswith(RULE_NAMES) and {"user", "data"} <= names
            if names & RULE_PARAMETERS or shaped:
                found.append(f"{_relative(path)}:{function.lineno} {function.name}")
    assert found == []


def test_every_write_rule_is_registered_per_table():
    """Each domain with write rules gathers them in ``RULES`` in ``services/<domain>/rules.py``
    and its package re-exports them (what a writer that is not a route looks up)."""
    for rules in sorted(PACKAGE.glob("services/*/rules.py")):
        names = {
            target.id
            for node in ast.walk(SOURCES[rules])
            if isinstance(node, ast.AnnAssign | ast.Assign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        assert "RULES" in names, rules
        package = (rules.parent / "__init__.py").read_text()
        assert f"from wger_flask.services.{rules.parent.name}.rules import" in package, rules


def test_only_the_commit_point_commits():
    """``session.commit()`` anywhere else is a second commit point: services never commit,
    views and commands call ``rest.transaction.commit`` (or ``commit_early`` with a reason)."""
    found = []
    for path, tree in SOURCES.items():
        if path == COMMIT_POINT:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                dotted = _dotted(node.func)
                if node.func.attr == "commit" and "session" in dotted.split(".")[:-1]:
                    found.append(f"{_relative(path)}:{node.lineno} {dotted}()")
    assert found == []


def test_every_early_commit_says_why():
    found = []
    for path, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func).endswith("commit_early"):
                reason = node.args[0] if node.args else None
                if isinstance(reason, ast.Constant) and str(reason.value).strip():
                    continue
                if isinstance(reason, ast.Name) and reason.id.isupper():  # a named constant
                    continue
                found.append(f"{_relative(path)}:{node.lineno}")
    assert found == []


def test_no_listener_on_sqlalchemys_global_classes():
    """Session events go through ``database.listen_to_sessions`` (this app's session factory);
    a listener on a class imported from SQLAlchemy would fire for every session in the
    process, other apps' and libraries' included."""
    found = []
    for path, tree in SOURCES.items():
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if _dotted(node.func) not in (
                "event.listen",
                "event.listens_for",
                "listen",
                "listens_for",
            ):
                continue
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id in imported:
                found.append(f"{_relative(path)}:{node.lineno} {target.id}")
    assert found == []


def test_a_resource_is_extended_by_its_hooks_not_by_subclasses():
    found = [
        f"{_relative(path)}:{node.lineno} {node.name}"
        for path, tree in SOURCES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(_dotted(base).endswith("Resource") for base in node.bases)
    ]
    assert found == []


def test_flask_smorests_private_docs_are_left_alone():
    found = [
        f"{_relative(path)}:{node.lineno}"
        for path, tree in SOURCES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "_docs"
    ]
    assert found == []


def test_the_security_requirements_are_the_shared_constants():
    """``rest.smorest.AUTHENTICATED`` / ``OPTIONAL_AUTH`` are imported, never retyped."""
    home = PACKAGE / "rest" / "smorest.py"
    found = [
        f"{_relative(path)}:{node.lineno}"
        for path, tree in SOURCES.items()
        if path != home
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        and any(isinstance(key, ast.Constant) and key.value == "tokenAuth" for key in node.keys)
    ]
    assert found == []
