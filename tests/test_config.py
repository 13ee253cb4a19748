"""Settings come from the environment and a wrong value stops the start with a clear message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.config import Settings
from tests.instants import process_environment


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"),
        ("https://api.telegram.org/bot/", "https://api.telegram.org/bot"),
    ],
)
def test_api_url_is_accepted_with_or_without_bot(given, expected):
    made = settings(telegram_api_url=given)
    assert made.telegram_api_url == expected
    assert made.telegram_file_url == expected.removesuffix("/bot") + "/file/bot"


def test_coordinators_are_parsed():
    assert settings(coordinator_ids="1, 22 ,333").coordinators == {1, 22, 333}
    assert settings().coordinators == frozenset()


@pytest.mark.parametrize(
    "field",
    [
        {"coordinator_ids": "12,abc"},
        {"coordinator_ids": "--5"},
        {"coordinator_ids": "-5"},
        {"coordinator_ids": "²"},
        {"coordinator_ids": "99999999999999999999999"},
        {"coordinator_ids": "0"},
        {"telegram_api_url": "ftp://x"},
        {"default_language": "sw"},
        {"iati_sector_fkf": "151"},  # a DAC 3-digit category, not a 5-digit sector
        {"iati_sector_vwp": "Public administration"},
    ],
)
def test_wrong_values_are_refused(field):
    with pytest.raises(ValidationError):
        settings(**field)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**env, **process_environment()},
        timeout=60,
    )


def test_cli_explains_a_wrong_setting(tmp_path):
    result = run_cli("run", env={"COORDINATOR_IDS": "12,abc", "PATH": "", "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "COORDINATOR_IDS" in result.stderr and "'abc' is not a Telegram user id" in result.stderr


def test_cli_run_without_token_points_to_the_shell(tmp_path):
    result = run_cli(
        "run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "HOME": str(tmp_path)}
    )
    assert result.returncode != 0 and "partnerbot shell" in result.stderr


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://postgres:secret@127.0.0.1:1/x", "cannot use the database"),
        ("postgresql://postgres@nohost.invalid/x", "failed to resolve host"),
        ("postgresql://postgres@127.0.0.1:5432/no_such_database", "does not exist"),
        ("sqlite:////no/such/folder/bot.sqlite3", "does its folder exist"),
        ("mysql://x@localhost/db", "DATABASE_URL"),
        ("", "DATABASE_URL"),
    ],
)
def test_a_database_that_cannot_be_used_is_named_in_one_line(tmp_path, url, says):
    for command in (["db", "upgrade"], ["models", "export"], ["run"])[
        : 3 if "secret" in url else 1
    ]:
        env = {"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "1:x", "HOME": str(tmp_path)}
        result = run_cli(*command, env=env)
        assert result.returncode != 0
        assert says in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "secret" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
