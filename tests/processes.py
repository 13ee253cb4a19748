"""Driving `partnerbot run` as a real process: updates as Telegram sends them, and the start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.botapi_server import BotApiServer
from tests.instants import process_environment


def person(user_id: int, first_name: str = "Efua") -> dict[str, Any]:
    """A Telegram user as updates carry them."""
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}


def text_message(user: dict[str, Any], text: str, message_id: int) -> dict[str, Any]:
    """A private text message from user, as an update's payload."""
    command = text.split()[0] if text.startswith("/") else ""
    entities = [{"type": "bot_command", "offset": 0, "length": len(command)}] if command else []
    return {
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            "text": text,
            **({"entities": entities} if entities else {}),
        }
    }


def press(server: BotApiServer, user: dict[str, Any], label: str) -> dict[str, Any]:
    """The press of the newest button with this label in user's chat, as an update's payload."""
    for sent in reversed(server.api.chat(user["id"])):
        for row in sent.buttons:
            for button in row:
                if button["text"] == label:
                    query = {"id": f"q{time.monotonic_ns()}", "from": user, "chat_instance": "c"}
                    return {
                        "callback_query": {
                            **query,
                            "data": button["callback_data"],
                            "message": sent.raw,
                        }
                    }
    raise AssertionError(f"no button {label!r}")


def start_bot(
    server: BotApiServer,
    tmp_path: Path,
    database_url: str,
    *extra: str,
    env: dict[str, str] | None = None,
    output: bool = True,
) -> subprocess.Popen[str]:
    """`partnerbot run` against server, at the test's instant; output: keep what it prints."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "424242:PROCESS-TEST",
        "TELEGRAM_API_URL": server.url,  # without /bot: accepted
        "DATABASE_URL": database_url,
        "COORDINATOR_IDS": "901",
        "OUTBOX_INTERVAL": "0.5",
        **process_environment(),
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", *extra],
        env=environment,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )


def shows(user: dict[str, Any], text: str) -> Callable[[Any], bool]:
    """A condition for BotApiServer.wait_for: user's newest message contains text."""
    return lambda api: bool(api.chat(user["id"])) and text in api.chat(user["id"])[-1].text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
