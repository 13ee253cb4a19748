"""The packages type-check: mypy, configured in pyproject.toml, finds nothing in bot,
conversations and storage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is part of the test extras: pip install -e '.[test]'")


def mypy(*arguments: str) -> subprocess.CompletedProcess[str]:
    """mypy with the project's configuration (pyproject.toml), as a developer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", *arguments], cwd=ROOT, capture_output=True, text=True
    )


def test_packages_type_check():
    result = mypy()
    assert result.returncode == 0, result.stdout + result.stderr


# What the configuration must catch; each line is wrong in exactly the way named after it.
STRICTNESS = {
    "def untyped(a):\n    return len(5)": 'Argument 1 to "len" has incompatible type "int"',
    "def f(x: int = None) -> None: ...": "PEP 484 prohibits implicit Optional",
    "def g(x: list) -> None: ...": 'Missing type arguments for generic type "list"',
    "y: int = 1  # type: ignore[assignment]": 'Unused "type: ignore" comment',
}


@pytest.mark.parametrize("source", STRICTNESS)
def test_the_configuration_is_strict_enough(source, tmp_path):
    snippet = tmp_path / "snippet.py"
    snippet.write_text(source + "\n")
    result = mypy(str(snippet))
    assert result.returncode == 1, result.stdout + result.stderr
    assert STRICTNESS[source] in result.stdout, result.stdout
