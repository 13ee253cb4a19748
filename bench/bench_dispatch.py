"""Benchmark: 3,000 reminders to 3,000 people through the real dispatcher, in real time,
against an offline Bot API stand-in that enforces Telegram's limits (30 messages in any second
overall, one a second per chat) and answers 429 when they are exceeded.

Prints the sustained rate (goal: at least 95 % of 30 messages/s), the 429s provoked (goal: 0),
duplicates (goal: 0) and losses (goal: 0).

    .venv/bin/python bench/bench_dispatch.py            # 3,000 reminders, about 105 s
    .venv/bin/python bench/bench_dispatch.py --quick    # 300 reminders, about 11 s
    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/bench_dispatch.py --postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from telegram.request import RequestData

from bot.app import build_application
from bot.config import Settings
from bot.offline import OfflineBotAPI
from bot.outbox import dispatch_due
from storage.db import Database, make_engine, upgrade
from storage.deadlines import add_deadline
from storage.local_time import end_of_day
from storage.models import Person

TOKEN = "123456:BENCH"
# 09:30 in Berlin on the day the 7-day reminders of deadlines on 10 December are due.
NOW = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
SCHEMA = "bench_dispatch"


class LimitedBotAPI(OfflineBotAPI):
    """The offline stand-in, refusing (429) what Telegram would refuse."""

    def __init__(self, overall: int = 30, chat_interval: float = 1.0) -> None:
        super().__init__()
        self.overall = overall
        self.chat_interval = chat_interval
        self.window: deque[float] = deque()
        self.last_to: dict[int, float] = {}
        self.refused = 0
        self.delivered: Counter[int] = Counter()
        self.times: list[float] = []

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            now = time.monotonic()
            chat = int(request_data.parameters["chat_id"])
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            too_many = len(self.window) >= self.overall
            too_fast = now - self.last_to.get(chat, -10.0) < self.chat_interval
            if too_many or too_fast:
                self.refused += 1
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
                return 429, json.dumps(body).encode()
            self.window.append(now)
            self.last_to[chat] = now
            self.delivered[chat] += 1
            self.times.append(now)
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )


def database_url(postgres: bool, folder: str) -> str:
    if not postgres:
        return f"sqlite:///{folder}/bench.sqlite3"
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_reminders"
    )
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def plan(db: Database, people: int) -> None:
    """people persons, each with a deadline whose 7-day reminder is due now."""
    due_at = end_of_day(datetime(2026, 12, 10).date(), "Europe/Berlin")

    def run(*, session: Any) -> None:
        for n in range(people):
            person_id = 10_000_000 + n
            session.add(Person(id=person_id, first_name=f"P{n}", telegram_language="en"))
            session.flush()
            add_deadline(
                session,
                kind="custom",
                key=f"bench:{n}",
                due_at=due_at,
                person_id=person_id,
                title=f"Work plan {n}",
                now=datetime(2026, 11, 23, tzinfo=UTC),
            )
        session.commit()

    db.call(run)


async def bench(people: int, postgres: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url(postgres, folder)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database(url)
        plan(db, people)
        api = LimitedBotAPI()
        settings = Settings(
            _env_file=None, telegram_bot_token=TOKEN, database_url=url, rate_limit=False
        )
        began = time.monotonic()
        app = build_application(
            settings,
            request=api,
            db=db,
            clock=lambda: NOW + timedelta(seconds=time.monotonic() - began),
            token=TOKEN,
            dispatcher=False,
        )
        # reminders' preparers are registered with the handlers; build_application did that
        await app.initialize()
        start = time.monotonic()
        sent = 0
        # as the JobQueue would: run again until everything went out (a 429 waits a second)
        while sent < people and time.monotonic() - start < people / 10 + 60:
            sent += await dispatch_due(app)
            if sent < people:
                await asyncio.sleep(0.2)
        elapsed = time.monotonic() - start
        await app.shutdown()
        await db.aclose()
        if postgres:
            admin = make_engine(url.split("?")[0])
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            admin.dispose()
    span = api.times[-1] - api.times[0] if len(api.times) > 1 else float("nan")
    sustained = (len(api.times) - 1) / span if span else float("nan")
    duplicates = sum(c - 1 for c in api.delivered.values() if c > 1)
    lost = people - len(api.delivered)
    print(f"database          {'PostgreSQL' if postgres else 'SQLite'}")
    print(f"reminders         {people:,} to {people:,} people")
    print(f"sent              {sent:,} (delivered to {len(api.delivered):,} chats)")
    print(f"elapsed           {elapsed:.1f} s (first to last send {span:.1f} s)")
    print(f"sustained rate    {sustained:.2f} messages/s = {sustained / 30 * 100:.1f} % of 30/s")
    print(f"429 provoked      {api.refused}")
    print(f"duplicates        {duplicates}")
    print(f"lost              {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 reminders instead of 3,000")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    people = args.people or (300 if args.quick else 3000)
    asyncio.run(bench(people, args.postgres))


if __name__ == "__main__":
    main()
