"""Killed while an answer is in flight, the bot loses nothing: Telegram (here a stand-in that,
like Telegram, forgets an update once a higher offset is asked for) delivers it again, and after
the restart the answer is stored and answered."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select
from sqlmodel import Session

from storage.models import ExpressionOfInterest
from tests import processes
from tests.botapi_server import BotApiServer
from tests.processes import free_port, press, shows, start_bot, text_message

# When the process is killed after the answer was queued: from at once to well after a reply.
KILL_AFTER = (0.0, 0.005, 0.01, 0.02, 0.03, 0.045, 0.06, 0.08)


def person(number: int) -> dict:
    return processes.person(3000 + number)


def start(
    server: BotApiServer, tmp_path: Path, database_url: str, *extra: str, env: dict | None = None
) -> subprocess.Popen:
    return start_bot(server, tmp_path, database_url, *extra, env=env, output=False)


def test_answers_in_flight_when_the_bot_is_killed_are_kept_and_answered(tmp_path, database_url):
    lost, unanswered = [], []
    with BotApiServer() as server:
        bot = start(server, tmp_path, database_url)
        try:
            for number, delay in enumerate(KILL_AFTER):
                user = person(number)
                server.push(text_message(user, "/interest", 1))
                server.wait_for(shows(user, "Which programme"))
                server.push(press(server, user, "Fachkräftefonds"))
                server.wait_for(shows(user, "Step 1 of 12"))
                server.push(text_message(user, f"Stadt Bonn {number}", 2))
                time.sleep(delay)
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=30)
                bot = start(server, tmp_path, database_url)
                try:
                    server.wait_for(shows(user, "Step 2 of 12"), timeout=30)
                except AssertionError:
                    unanswered.append(number)
        finally:
            bot.terminate()
            bot.wait(timeout=30)
    engine = create_engine(database_url)
    with Session(engine) as session:
        stored = dict(
            session.execute(
                select(ExpressionOfInterest.person_id, ExpressionOfInterest.german_municipality)
            ).all()
        )
    engine.dispose()
    for number in range(len(KILL_AFTER)):
        if stored.get(person(number)["id"]) != f"Stadt Bonn {number}":
            lost.append(number)
    assert (lost, unanswered) == ([], [])


def test_an_answer_stored_but_not_yet_answered_is_answered_after_the_restart(
    tmp_path, database_url
):
    user = person(99)
    with BotApiServer() as server:
        bot = start(server, tmp_path, database_url)
        try:
            server.push(text_message(user, "/interest", 1))
            server.wait_for(shows(user, "Which programme"))
            server.push(press(server, user, "Fachkräftefonds"))
            server.wait_for(shows(user, "Step 1 of 12"))
            server.holding = user["id"]
            server.push(text_message(user, "Stadt Bonn", 2))
            assert server.held.wait(timeout=30)  # stored; the next question is on its way
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            server.holding = None
            bot = start(server, tmp_path, database_url)
            server.wait_for(shows(user, "Step 2 of 12"), timeout=30)
        finally:
            bot.terminate()
            bot.wait(timeout=30)


def test_a_webhook_answers_telegram_only_after_the_update_was_handled(tmp_path, database_url):
    """Telegram delivers an update again if its request fails; so the request must not succeed
    before the answer is stored and answered."""
    user, port = person(98), free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {
        "WEBHOOK_URL": url,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": "s3cret-token",
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}

    def deliver(update_id: int, payload: dict) -> int | None:
        """Telegram's request with the update; its HTTP status, or None if it broke off."""
        for _ in range(100):  # the server may still be starting
            try:
                body = {"update_id": update_id, **payload}
                return httpx.post(url, json=body, headers=headers, timeout=30).status_code
            except httpx.ConnectError:
                time.sleep(0.1)
            except httpx.HTTPError:
                return None
        raise AssertionError("the webhook never answered")

    with BotApiServer() as server:
        bot = start(server, tmp_path, database_url, "--webhook", env=env)
        try:
            assert deliver(1, text_message(user, "/interest", 1)) == 200
            assert deliver(2, press(server, user, "Fachkräftefonds")) == 200
            assert "Step 1 of 12" in server.api.chat(user["id"])[-1].text
            server.holding = user["id"]
            answer = text_message(user, "Stadt Bonn", 2)
            status: list[int | None] = []
            request = threading.Thread(target=lambda: status.append(deliver(3, answer)))
            request.start()
            assert server.held.wait(timeout=30)  # stored; the next question is on its way
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            request.join(timeout=30)
            assert status == [None]  # no 200: Telegram will deliver it again
            server.holding = None
            bot = start(server, tmp_path, database_url, "--webhook", env=env)
            assert deliver(3, answer) == 200
            assert "Step 2 of 12" in server.api.chat(user["id"])[-1].text
        finally:
            bot.terminate()
            bot.wait(timeout=30)
