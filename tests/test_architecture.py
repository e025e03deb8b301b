"""The one-way architecture (docs/architecture.md) is kept: ``lint-imports`` checks the
contracts in ``.importlinter``; every top-level package is in a layer; and the check
really fails when an upward import or a cycle is planted in a copy of the code."""
from __future__ import annotations

import configparser
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import xinsheng

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path, config: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` over the package found in ``src`` (PYTHONPATH puts it first)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=src, env=env,
                          capture_output=True, text=True, timeout=300)


def _layers() -> list[list[str]]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    lines = [line.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines()]
    return [[m.strip().strip("()") for m in line.replace("|", ":").split(":")] for line in lines if line]


def _optional() -> set[str]:
    """Layers in parentheses: a package another change is still adding (may be absent)."""
    text = CONFIG.read_text(encoding="utf-8")
    return {"xinsheng." + part.split(")")[0] for part in text.split("(xinsheng.")[1:]}


def test_the_import_contracts_are_kept():
    result = _lint(ROOT / "src", CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_top_level_package_and_module_is_in_a_layer():
    """A new domain must be put in the layers (where it sits decides what it may import)."""
    named = {m for layer in _layers() for m in layer}
    found = {f"xinsheng.{m.name}" for m in pkgutil.iter_modules(xinsheng.__path__)}
    assert found - named == set(), f"add these to a layer in .importlinter: {sorted(found - named)}"
    assert named - found - _optional() == set(), f"layers name what does not exist: {sorted(named - found)}"


def test_the_layers_go_from_app_wiring_down_to_foundations():
    layers = _layers()
    top, bottom = layers[0], layers[-1]
    assert {"xinsheng.app", "xinsheng.routers", "xinsheng.cli", "xinsheng.__main__"} <= set(top)
    assert {"xinsheng.config", "xinsheng.db", "xinsheng.errors", "xinsheng.logging"} <= set(bottom)
    order = [m for layer in layers for m in layer]
    assert order.index("xinsheng.shell") < order.index("xinsheng.cases") < order.index("xinsheng.customers")
    assert order.index("xinsheng.customers") < order.index("xinsheng.identity") < order.index("xinsheng.audit")
    assert order.index("xinsheng.audit") < order.index("xinsheng.web") < order.index("xinsheng.voc")


@pytest.fixture(scope="module")
def copy_of_src(tmp_path_factory) -> Path:
    """The package's Python files copied where a test may plant imports."""
    dest = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "src" / "xinsheng", dest / "xinsheng",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data", "templates", "static"))
    shutil.copy(CONFIG, dest / ".importlinter")
    return dest


def _plant(src: Path, module: str, line: str) -> Path:
    path = src / (module.replace(".", "/") + ".py")
    path.write_text(f"{line}\n", encoding="utf-8")
    return path


def test_an_upward_import_breaks_the_build(copy_of_src):
    planted = _plant(copy_of_src, "xinsheng.voc.planted", "import xinsheng.shell.pages")
    try:
        result = _lint(copy_of_src, copy_of_src / ".importlinter")
    finally:
        planted.unlink()
    assert result.returncode == 1, result.stdout
    assert "xinsheng.voc is not allowed to import xinsheng.shell" in result.stdout


def test_a_domain_importing_a_higher_domain_breaks_the_build(copy_of_src):
    planted = _plant(copy_of_src, "xinsheng.identity.planted", "from xinsheng.cases import models")
    try:
        result = _lint(copy_of_src, copy_of_src / ".importlinter")
    finally:
        planted.unlink()
    assert result.returncode == 1, result.stdout
    assert "xinsheng.identity is not allowed to import xinsheng.cases" in result.stdout


def test_a_cycle_between_siblings_of_one_layer_breaks_the_build(copy_of_src):
    """config and migrate share the foundations layer (each may import the other), but
    migrate already imports db, which imports config: config importing migrate is a cycle."""
    planted = _plant(copy_of_src, "xinsheng.config_planted", "import xinsheng.migrate")
    config = copy_of_src / "xinsheng" / "config.py"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\nimport xinsheng.config_planted  # noqa\n", encoding="utf-8")
    layers = (copy_of_src / ".importlinter").read_text(encoding="utf-8")
    (copy_of_src / "cycle.importlinter").write_text(
        layers.replace("xinsheng.config :", "xinsheng.config : xinsheng.config_planted :"), encoding="utf-8")
    try:
        result = _lint(copy_of_src, copy_of_src / "cycle.importlinter")
    finally:
        config.write_text(original, encoding="utf-8")
        planted.unlink()
    assert result.returncode == 1, result.stdout
    assert "No cycles are allowed in xinsheng." in result.stdout
    assert "Layers" in result.stdout and "KEPT" in result.stdout  # only the cycle contract saw it



def test_the_app_wiring_installs_what_customers_need_from_cases(client, client_as, engine):
    """Customers sit below cases and see open cases only through ``customers.hooks``, which
    the cases domain fills when the app loads it: a level-2 complaint handler then sees the
    one customer with an open level-2 complaint, and the profile lists that case."""
    from tests.factories import elderly_customer_wang, private_banking_client_li
    from xinsheng.cases.models import Case
    from xinsheng.customers.models import Customer
    from xinsheng.db import session_scope, utcnow

    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    with session_scope(engine) as s:
        li = s.query(Customer).filter_by(customer_ref="C-LI").one()
        s.add(Case(case_ref="K-9", customer_id=li.id, kind="complaint", title="理财赎回未到账",
                   status="open", tier=2, authority_level=2, opened_at=utcnow(), attributes={}))
    handler = client_as("complaint_handler", authority_level=2)
    assert [c["customer_ref"] for c in handler.get("/api/v1/customers").json()["items"]] == ["C-LI"]
    assert [c["case_ref"] for c in handler.get("/api/v1/customers/C-LI").json()["open_cases"]] == ["K-9"]
    assert handler.get("/api/v1/customers/C-WANG").status_code == 403
