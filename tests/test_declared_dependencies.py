"""Every third-party module the code imports comes from a package pyproject.toml declares:
the product's code from ``dependencies``, the scripts and tests from those or ``dev``.

What is compared: the imports found by parsing each file (ast), mapped to installed
distributions by ``importlib.metadata.packages_distributions()``, against the names
written in pyproject.toml (read with tomllib) — not a list kept in this test.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    """(runtime, dev): runtime includes the product's optional extras (``speech``)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = lambda reqs: {_norm(re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0]) for r in reqs}  # noqa: E731
    extras = project["optional-dependencies"]
    runtime = names(project["dependencies"]).union(*(names(v) for k, v in extras.items() if k != "dev"))
    return runtime, names(extras["dev"])


def _imports(folder: Path) -> dict[str, str]:
    """Top-level module → one file importing it (absolute imports only)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                found.setdefault(mod.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _undeclared(folder: str, allowed: set[str]) -> list[str]:
    dists = packages_distributions()
    local = {"xinsheng", "tests", "benchmarks", "scripts", "conftest"}
    problems = []
    for mod, where in sorted(_imports(ROOT / folder).items()):
        if mod in sys.stdlib_module_names or mod in local or mod == "__future__":
            continue
        providers = {_norm(d) for d in dists.get(mod, [])}
        if not providers & allowed:
            problems.append(f"{mod} (imported by {where}; installed from {sorted(providers) or 'nothing'})")
    return problems


def test_the_product_imports_only_runtime_dependencies():
    runtime, _ = _declared()
    assert _undeclared("src", runtime) == []


def test_scripts_and_tests_import_only_declared_packages():
    runtime, dev = _declared()
    assert _undeclared("scripts", runtime | dev) == []
    assert _undeclared("tests", runtime | dev) == []
