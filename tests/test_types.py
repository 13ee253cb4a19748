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


# A form is generic over its kind of draft: a hook written for another kind is rejected.
FORM_SNIPPET = """
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.forms import DraftStore, Form
from storage.drafts import Draft


@dataclass
class ReportDraft(Draft):
    zone: str = "UTC"


@dataclass
class OtherDraft(Draft):
    colour: str = ""


def save(**values: object) -> ReportDraft:
    raise NotImplementedError


def move(**values: object) -> ReportDraft:
    raise NotImplementedError


def discard(**values: object) -> None: ...


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: ReportDraft) -> None:
    print(draft.zone)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: OtherDraft) -> None:
    print(draft.colour)


STORE = DraftStore(save=save, move=move, discard=discard)
GOOD: Form[ReportDraft] = Form(
    name="good", title="Good", questions=(), store=STORE,
    on_submit=on_report, on_discarded=on_report, zone_of=lambda draft: draft.zone,
)
BAD = Form(
    name="bad", title="Bad", questions=(), store=STORE,
    on_submit=on_other, on_discarded=on_report,
)
"""


def test_a_form_takes_only_hooks_for_its_kind_of_draft(tmp_path):
    snippet = tmp_path / "form_snippet.py"
    snippet.write_text(FORM_SNIPPET)
    result = mypy(str(snippet))
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    # Exactly one mistake: the bad form's submit hook wants another kind of draft.
    assert len(errors) == 1, result.stdout + result.stderr
    assert '"on_submit"' in errors[0] and "OtherDraft" in errors[0], errors
    line = int(errors[0].split(":")[1])
    assert FORM_SNIPPET.splitlines()[line - 1].strip().startswith("on_submit=on_other")
