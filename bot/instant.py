"""A process started at a chosen instant: `PARTNERBOT_NOW`, for tests that run real processes.

Production never sets it, and nothing reads it unless it is set. When it is set (ISO 8601, for
example `2027-01-01T00:30:00+01:00`; a time without an offset is UTC), the whole process starts
at that instant and time runs on from there: the application's clock, `datetime.now`,
`time.time` and so the dates the bot writes. This goes through time-machine, the library the
test suite moves time with, so a process and the test that started it agree on what "now" is.
time-machine is a test dependency: a process told to travel without it refuses to start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

try:  # only the test extra installs it; production never needs it
    import time_machine
except ImportError:  # pragma: no cover - depends on the installation
    time_machine = None  # type: ignore[assignment]

VARIABLE = "PARTNERBOT_NOW"


class InstantError(ValueError):
    """PARTNERBOT_NOW is set but cannot be followed."""


def parse_instant(value: str) -> datetime:
    """An aware datetime from ISO 8601 text; a time without an offset is taken as UTC."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise InstantError(f"{VARIABLE}={value!r} is not an ISO 8601 date and time") from error
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def start_at_chosen_instant(environ: Mapping[str, str] = os.environ) -> None:
    """Moves this process to PARTNERBOT_NOW when it is set; does nothing otherwise."""
    value = environ.get(VARIABLE)
    if not value:
        return
    when = parse_instant(value)
    if time_machine is None:
        raise InstantError(f"{VARIABLE} is set, but time-machine is not installed (test extra)")
    time_machine.travel(when, tick=True).start()
