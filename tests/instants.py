"""The time tests run at: the default instant, the hand-moved clock, and what processes inherit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.instant import VARIABLE as PROCESS_INSTANT
from storage.references import programme_year

# The run's instant when none is chosen: a Monday morning in late November, a working day in
# Germany and the partner countries alike.
DEFAULT_INSTANT = "2026-11-23T10:00:00+00:00"
INSTANT_VARIABLE = "PARTNERBOT_TEST_INSTANT"


class Clock:
    """The test's time, moved by hand (time-machine underneath); no test sleeps for real time."""

    def __init__(self, machine: time_machine.TimeMachineFixture) -> None:
        self._machine = machine

    def __call__(self) -> datetime:
        return datetime.now(UTC)

    @property
    def now(self) -> datetime:
        return datetime.now(UTC)

    @now.setter
    def now(self, when: datetime) -> None:
        self._machine.move_to(when, tick=False)

    def advance(self, **delta: float) -> None:
        self._machine.shift(timedelta(**delta))


def process_environment() -> dict[str, str]:
    """What a process started by a test needs to run at the test's instant (time runs on)."""
    return {PROCESS_INSTANT: datetime.now(UTC).isoformat()}


def reference(prefix: str, number: int) -> str:
    """The reference a submission made now gets, e.g. EOI-2027-0001 in the programme's 2027."""
    return f"{prefix}-{programme_year(datetime.now(UTC))}-{number:04d}"


# For a test whose story happens on particular days written as dates ("01.11.2026", a deadline
# on 10 December): it runs at the default instant whatever the run's instant is.
on_story_days = pytest.mark.instant(DEFAULT_INSTANT)
