"""The type checker's house rules (``docs/architecture.md``, "Types"): mypy is strict on all of
``wger_flask/``, nothing of ours is left out or silenced wholesale, and each ``# type: ignore``
names its error code and says why on its line. (``make typecheck`` runs mypy itself.)"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHECKED = [*sorted((ROOT / "wger_flask").rglob("*.py")), *sorted((ROOT / "stubs").rglob("*.pyi"))]
# "# type: ignore[code]  # why", the reason in a comment of its own on the same line.
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S")
# Packages whose names mypy may take as Any: none today (every library used has types, a
# types-* stub package or a stub in stubs/). A new entry names a third-party package only.
UNTYPED_THIRD_PARTY: set[str] = set()


def mypy_settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def ignore_comments(path: Path) -> list[tuple[int, str]]:
    """Every comment holding ``type: ignore`` (strings and docstrings do not count)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    found = []
    for token in tokens:
        if token.type == tokenize.COMMENT and re.search(r"type:\s*ignore", token.string):
            found.append((token.start[0], token.line.rstrip()))
    return found


def test_mypy_is_strict_on_the_whole_package():
    settings = mypy_settings()
    assert settings["strict"] is True
    assert settings["files"] == ["wger_flask"]
    assert "ignore-without-code" in settings["enable_error_code"]
    for setting in ("ignore_errors", "ignore_missing_imports", "exclude", "follow_imports"):
        assert setting not in settings, f"[tool.mypy] {setting} would leave code unchecked"


def test_overrides_only_name_third_party_packages_and_silence_nothing_of_ours():
    for override in mypy_settings().get("overrides", []):
        modules = (
            override["module"] if isinstance(override["module"], list) else [override["module"]]
        )
        for module in modules:
            assert not module.startswith("wger_flask"), f"an override for our own {module}"
            assert module.split(".")[0] in UNTYPED_THIRD_PARTY, f"{module}: add its stubs instead"
        assert not override.get("ignore_errors"), f"ignore_errors for {modules}"


def test_the_checker_and_its_stub_packages_are_pinned():
    test_extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    pinned = {line.split("==")[0] for line in test_extra if "==" in line}
    assert {
        "mypy",
        "types-flask-migrate",
        "types-zxcvbn",
        "boto3-stubs",
        "botocore-stubs",
    } <= pinned


def test_every_type_ignore_names_its_code_and_says_why():
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in CHECKED
        for number, line in ignore_comments(path)
        if not EXPLAINED.search(line)
    ]
    assert CHECKED and not unexplained, "a bare or unexplained type: ignore:\n" + "\n".join(
        unexplained
    )


def test_the_rule_catches_a_bare_and_an_unexplained_ignore(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[assignment]\n"
        "c = 3  # type: ignore[assignment]  # the library's types are wrong\n"
        's = "# type: ignore in a string is no comment"\n'
    )
    lines = ignore_comments(sample)
    assert [number for number, _ in lines] == [1, 2, 3]
    assert [bool(EXPLAINED.search(line)) for _, line in lines] == [False, False, True]
