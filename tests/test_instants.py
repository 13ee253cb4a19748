"""A process started by a test runs at the test's instant (PARTNERBOT_NOW), and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from tests.instants import process_environment

DEPLOYMENT = [
    *("deployment", "add", "--name", "Jonas Becker", "--model", "development_worker"),
    *("--partnership", "Bonn – Cape Coast", "--country", "GH", "--city", "Cape Coast"),
    *("--start", "2026-12-01", "--interval", "monthly", "--bot-username", "partnerbot_test_bot"),
]


def partnerbot(*args: str, database_url: str, extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "PARTNERBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DATABASE_URL": database_url, **extra},
    )


def test_the_cli_counts_from_the_instant_it_is_given(database_url, clock):
    clock.now = datetime(2027, 12, 1, 10, tzinfo=UTC)  # a year into the deployment
    result = partnerbot(*DEPLOYMENT, database_url=database_url, extra=process_environment())
    assert result.returncode == 0, result.stderr
    # Of 24 monthly reports (due 2027-01-01 to 2028-12-01), eleven lie in the past; today's is due.
    assert "2026-12-01 – 2028-12-01, 13 progress reports due" in result.stdout


def test_a_wrong_instant_stops_the_process_with_its_name(database_url):
    result = partnerbot(
        "db", "upgrade", database_url=database_url, extra={"PARTNERBOT_NOW": "soon"}
    )
    assert result.returncode != 0
    assert "PARTNERBOT_NOW='soon' is not an ISO 8601 date and time" in result.stderr
    assert "Traceback" not in result.stderr
