"""`partnerbot shell`: a newcomer's first contact, in the terminal, without a token."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import update
from sqlmodel import Session

from storage.db import Database
from storage.models import ExpressionOfInterest, Person
from tests.instants import process_environment


def chat(tmp_path, lines: list[str], language: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shell.sqlite3'}"
    env["PYTHONPATH"] = os.getcwd()
    env.update(process_environment())
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", "--language", language],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def test_shell_greets_and_buttons_are_pressed_by_number(tmp_path):
    out = chat(tmp_path, ["1", "1", "Stadt Bonn", "/quit"], "en")
    assert "Hello Ama" in out
    assert "[1] 📝 Express interest" in out
    assert "Step 1 of 12" in out and "Step 2 of 12" in out
    assert "<b>" not in out  # HTML is shown as terminal text


def test_shell_in_german_continues_after_a_restart(tmp_path):
    chat(tmp_path, ["1", "1", "Stadt Bonn", "/quit"], "de")
    # Started at the very same instant again: the shell numbers its updates above the ones
    # the database has seen, so nothing typed is taken for a redelivery and dropped.
    out = chat(tmp_path, ["Bayern", "/quit"], "de")
    assert "unfertige Interessensbekundung" in out
    assert "Schritt 3 von 12" in out


def test_the_shell_shows_what_telegram_shows_over_the_chat_after_a_press(tmp_path):
    # Verwaltungspartnerschaft, federal, two names, Ghana, topics; then Done with no goal ticked.
    lines = ["1", "2", "1", "Bundesamt", "Ghana Statistical Service", "ghana", "1"]
    out = chat(tmp_path, [*lines, "Census methodology", "6", "/quit"], "en")
    assert "[alert] Please choose at least one" in out, out[-1500:]


def test_a_file_the_bot_sends_is_saved_where_the_shell_says(tmp_path):
    # /mydata sends the person's data as documents: the terminal says where they are.
    out = chat(tmp_path, ["/mydata", "/quit"], "en")
    saved = [line for line in out.splitlines() if "saved as shell-files/" in line]
    assert saved, out[-1500:]
    for line in saved:
        path = tmp_path / line.rsplit("saved as ", 1)[1]
        assert path.stat().st_size > 0
    assert any(line.endswith(".json") for line in saved)


def test_the_shell_numbers_its_updates_above_those_already_seen(tmp_path):
    # Telegram's update ids only grow; a database that has seen a higher id than the clock
    # would give (another shell, a real bot) must not make the shell's messages look old.
    chat(tmp_path, ["1", "1", "/quit"], "en")
    database = Database(f"sqlite:///{tmp_path / 'shell.sqlite3'}")
    database.call(_seen_far_ahead)
    database.dispose()
    out = chat(tmp_path, ["Stadt Bonn", "/quit"], "en")
    assert "Step 2 of 12" in out


def _seen_far_ahead(*, session: Session) -> None:
    for table in (Person, ExpressionOfInterest):  # both note the newest update they took
        session.execute(update(table).values(last_update_id=10**15))
    session.commit()
