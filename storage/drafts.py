"""The plain view of a form's draft that storage hands to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar


@dataclass
class Draft:
    """A draft as the form engine sees it: plain values, no session."""

    id: int
    form: str
    step: str
    editing: bool
    paused: bool
    answers: dict[str, Any]
    # The newest update that changed the draft and when, if the store records it there.
    last_update_id: int = 0
    updated_at: datetime | None = None
    # Set while a submission returned for changes is revised: it keeps its reference.
    reference: str | None = None


# A form's kind of draft: Draft itself or a subclass with more (e.g. a report's time zone).
DraftT = TypeVar("DraftT", bound=Draft)
