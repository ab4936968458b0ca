"""The shape of the tree that keeps tests independent and the fake Slack out of the product.

Shared helpers live in support modules (`tests/support/`, an area's `support.py`); a test module
or a conftest imported by another file would tie tests together, so that moving or deleting
one breaks the others. The fake Slack is for the playground and the tests only.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "storage", "messages")
# The only parts of the product that may import the fake Slack: it and the playground.
EMULATOR_USERS = ("bot.emulator", "bot.playground")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, anywhere in it, with relative
    imports resolved; `from a import b` gives both `a` and `a.b`, since `b` may be a module."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            named = ".".join([*base, *([node.module] if node.module else [])])
            found.add(named)
            found.update(f"{named}.{alias.name}" for alias in node.names)
    return found


def imports_in(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return imports_of(source, module_name(path), is_package=path.name == "__init__.py")


def is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def offenders(tops: tuple[str, ...], bad: Callable[[str], bool]) -> dict[str, list[str]]:
    """For each file below `tops` that imports a module `bad` holds for: those modules."""
    found = {}
    for path in sorted(p for top in tops for p in (ROOT / top).rglob("*.py")):
        hits = sorted(m for m in imports_in(path) if bad(m))
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    return found


def test_imports_of_every_form_are_seen() -> None:
    source = (
        "import tests.conftest\n"
        "from . import test_vote\n"
        "from ..support.bot import run\n"
        "def later() -> None:\n"
        "    from tests.e2e.test_tracking import snapshot\n"
    )
    found = imports_of(source, "tests.e2e.test_example")
    assert {m for m in found if is_test_or_conftest(m)} == {
        "tests.conftest",
        "tests.e2e.test_vote",
        "tests.e2e.test_tracking",
    }
    assert "tests.support.bot" in found
    assert not is_test_or_conftest("tests.playground.support")


def test_no_file_in_tests_imports_a_test_module_or_a_conftest() -> None:
    found = offenders(("tests",), is_test_or_conftest)
    assert found == {}, "move what these import into a support module"


def test_nothing_in_the_product_imports_the_fake_slack() -> None:
    found = {
        path: modules
        for path, modules in offenders(PRODUCT, lambda m: m.startswith("bot.emulator")).items()
        if not module_name(ROOT / path).startswith(EMULATOR_USERS)
    }
    assert found == {}, "the fake Slack is for the playground and the tests only"
