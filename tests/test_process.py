"""`partnerbot run` as a real process, driven over HTTP through a Bot API server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.botapi_server import BotApiServer
from tests.processes import free_port, start_bot, text_message
from tests.processes import press as press_as

USER = {"id": 777, "is_bot": False, "first_name": "Efua", "language_code": "en"}


def message(text: str, message_id: int) -> dict:
    return text_message(USER, text, message_id)["message"]


def press(server: BotApiServer, label: str) -> dict:
    return press_as(server, USER, label)


def start(
    server: BotApiServer, tmp_path: Path, *extra: str, env: dict | None = None
) -> subprocess.Popen:
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/bot.sqlite3"
    return start_bot(server, tmp_path, database_url, *extra, env=env)


def last_text(server: BotApiServer) -> str:
    return server.api.chat(USER["id"])[-1].text


@pytest.fixture
def fresh_database(database_url):
    """The process migrates the database itself; on PostgreSQL the shared test schema is used."""
    return database_url


def test_polling_process_serves_a_person_and_survives_kill_9(tmp_path, fresh_database):
    with BotApiServer() as server:
        bot = start(server, tmp_path, env={"DATABASE_URL": fresh_database})
        try:
            server.push({"message": message("/start", 1)})
            server.wait_for(lambda api: any("Hello Efua" in m.text for m in api.chat(777)))
            assert {c.method for c in server.api.calls} >= {"getMe", "setMyCommands"}
            server.push(press(server, "📝 Express interest"))
            server.wait_for(lambda api: "Which programme" in api.chat(777)[-1].text)
            server.push(press(server, "Fachkräftefonds"))
            server.wait_for(lambda api: "Step 1 of 12" in api.chat(777)[-1].text)
            server.push({"message": message("Stadt Bonn", 2)})
            server.wait_for(lambda api: "Step 2 of 12" in api.chat(777)[-1].text)
            assert server.api.calls_to("answerCallbackQuery")
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.communicate(timeout=30)
        again = start(server, tmp_path, env={"DATABASE_URL": fresh_database})
        try:
            server.push(press(server, "Bavaria"))
            server.wait_for(lambda api: "Step 3 of 12" in api.chat(777)[-1].text)
        finally:
            again.terminate()
            output = again.communicate(timeout=30)[0]
        assert "Traceback" not in output, output


def test_second_process_refuses_to_start(tmp_path, fresh_database):
    with BotApiServer() as server:
        first = start(server, tmp_path, env={"DATABASE_URL": fresh_database})
        try:
            server.push({"message": message("/start", 1)})
            server.wait_for(lambda api: bool(api.chat(777)))
            second = start(server, tmp_path, env={"DATABASE_URL": fresh_database})
            output = second.communicate(timeout=60)[0]
            assert second.returncode != 0
            assert "One bot process per token" in output
        finally:
            first.terminate()
            first.communicate(timeout=30)


def test_webhook_process_checks_the_secret(tmp_path, fresh_database):
    port = free_port()
    with BotApiServer() as server:
        bot = start(
            server,
            tmp_path,
            "--webhook",
            env={
                "DATABASE_URL": fresh_database,
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
                "WEBHOOK_SECRET": "s3cret-token",
            },
        )
        try:
            server.wait_for(lambda api: bool(api.calls_to("setWebhook")))
            assert server.api.calls_to("setWebhook")[-1].params["secret_token"] == "s3cret-token"
            update = {"update_id": 10, "message": message("/start", 1)}
            url = f"http://127.0.0.1:{port}/telegram"
            for _ in range(100):  # the server may still be starting
                try:
                    refused = httpx.post(url, json=update, timeout=5)
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            assert refused.status_code == 403
            wrong = httpx.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}, timeout=5
            )
            assert wrong.status_code == 403
            assert not server.api.chat(777)
            accepted = httpx.post(
                url,
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                timeout=5,
            )
            assert accepted.status_code == 200
            server.wait_for(lambda api: any("Hello Efua" in m.text for m in api.chat(777)))
        finally:
            bot.terminate()
            bot.communicate(timeout=30)
