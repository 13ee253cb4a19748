"""What a resubmission changed since it was returned, as its coordinators' notice shows it."""

from __future__ import annotations

from typing import Any

from bot import forms
from bot.i18n import _

SHOWN = 200  # characters of an old or a new value; the whole is in /submissions and the export


def shown(form: forms.AnyForm, changes: list[list[Any]]) -> list[tuple[str, str, str]]:
    """(label, old, new) for every changed answer, in the reader's language."""
    lines = []
    for key, old, new in changes:
        question = form.question(key)
        if question is None:  # the advisor's answers: they come with the model question
            continue
        before, after = forms.display(question, old), forms.display(question, new)
        lines.append((_(question.label), _shortened(before), _shortened(after)))
    return lines


def _shortened(value: str) -> str:
    return value if len(value) <= SHOWN else value[: SHOWN - 1].rstrip() + "…"
