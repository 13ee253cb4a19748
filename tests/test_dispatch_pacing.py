"""Telegram's limits hold at the moment each request leaves, even on a slow database.

These run the real pacer on the real clock (a few seconds): what is checked is when the
requests reach the Bot API stand-in, not when the pacer booked them.
"""

from __future__ import annotations

import asyncio
import random
import time
from itertools import pairwise
from typing import Any

from bot.outbox import PACER_KEY
from bot.pacing import Pacer
from storage import outbox

CHATS = 45
PER_CHAT = 2


def queue_photos(bot: Any) -> None:
    def photos(*, session: Any) -> None:
        for n in range(CHATS * PER_CHAT):
            outbox.enqueue(
                session,
                recipient_id=7_000_000 + n % CHATS,
                template="attachment:photo",
                params={"file_id": f"photo-{n}"},
                due_at=bot.clock(),
            )
        session.commit()

    bot.db.call(photos)


async def test_a_slow_database_never_lets_31_requests_leave_in_one_second(bot, monkeypatch):
    bot.app.bot_data[PACER_KEY] = Pacer()  # real time: the moments requests leave are measured
    queue_photos(bot)
    run = bot.db.run
    latency = random.Random(15)

    async def slow_run(fn: Any, /, **kwargs: Any) -> Any:
        await asyncio.sleep(latency.uniform(0.0, 0.25))  # a database far away, and busy
        return await run(fn, **kwargs)

    monkeypatch.setattr(bot.db, "run", slow_run)
    left: list[tuple[float, int]] = []
    respond = bot.api.respond

    def timed(method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        if method == "sendPhoto":
            left.append((time.monotonic(), int(params["chat_id"])))
        return respond(method, params)

    monkeypatch.setattr(bot.api, "respond", timed)

    assert await bot.deliver_outbox() == CHATS * PER_CHAT
    times = sorted(t for t, _ in left)
    assert len(times) == CHATS * PER_CHAT
    assert all(times[i + 30] - times[i] > 1.0 for i in range(len(times) - 30))
    per_chat: dict[int, list[float]] = {}
    for moment, chat in left:
        per_chat.setdefault(chat, []).append(moment)
    assert all(b - a >= 1.0 for moments in per_chat.values() for a, b in pairwise(moments))
