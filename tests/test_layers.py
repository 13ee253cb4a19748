"""The layers the README draws are the ones the code keeps: import-linter checks the contracts
in .importlinter, and every module of bot/ is placed in one of them."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def test_the_import_contracts_are_kept():
    assert LINT_IMPORTS, "import-linter is part of the test extras: pip install -e '.[test]'"
    result = subprocess.run([LINT_IMPORTS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_module_of_bot_has_its_layer():
    """A new module or package in bot/ is either wiring (top layer) or engine (checked not to
    reach up)."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    wiring = {
        name.strip()
        for name in config["importlinter:contract:layers"]["layers"].split("\n")[1].split(":")
    }
    engine = set(config["importlinter:contract:engine"]["source_modules"].split())
    modules = {
        f"bot.{path.stem}" for path in (ROOT / "bot").glob("*.py") if path.stem != "__init__"
    }
    modules |= {f"bot.{path.parent.name}" for path in (ROOT / "bot").glob("*/__init__.py")}
    assert modules == wiring | engine, modules ^ (wiring | engine)
    assert not wiring & engine
