"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL), a
controllable clock, and the real Application driven through the offline Bot API stand-in."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.config import Settings
from bot.offline import OfflineBotAPI, SimulatedPerson
from bot.outbox import PACER_KEY
from bot.pacing import virtual_pacer
from storage.db import Database, make_engine, upgrade

COORDINATORS = (900001, 900002)
TOKEN = "123456:TEST-TOKEN"


class Clock:
    """A clock the test moves by hand; no test sleeps for real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL, migrated once."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """A clean database for one test."""
    if database_template.startswith("postgresql"):
        engine = make_engine(database_template)
        with engine.begin() as connection:
            tables = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalars()
            names = ", ".join(f'"{name}"' for name in tables)
            if names:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield database_template
        return
    path = tmp_path / "partnerbot.sqlite3"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=database_url,
        coordinator_ids=",".join(str(c) for c in COORDINATORS),
        rate_limit=False,
    )


class Bot:
    """The running bot with its stand-in; `person()` makes someone who chats with it."""

    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        self.settings, self.db, self.clock = settings, db, clock
        self.api = OfflineBotAPI()
        self.app = build_application(
            settings, request=self.api, db=db, clock=clock, token=TOKEN, dispatcher=False
        )
        # Sending is paced on virtual time: no test waits for Telegram's limits for real.
        self.pacer, self.pacer_time = virtual_pacer()
        self.app.bot_data[PACER_KEY] = self.pacer

    def person(self, user_id: int = 4242, language: str | None = "en", name: str = "Ama"):
        return SimulatedPerson(self.app, self.api, user_id, first_name=name, language_code=language)

    async def restart(self) -> Bot:
        """A new process on the same database (the old one is gone, its memory with it)."""
        await self.app.shutdown()
        fresh = Bot(self.settings, self.db, self.clock)
        await fresh.app.initialize()
        return fresh

    async def deliver_outbox(self) -> int:
        from bot.outbox import dispatch_due

        return await dispatch_due(self.app)


@pytest.fixture
async def bot(settings: Settings, db: Database, clock: Clock) -> AsyncIterator[Bot]:
    running = Bot(settings, db, clock)
    await running.app.initialize()
    holder = [running]
    running.holder = holder  # type: ignore[attr-defined]
    yield running
    if running.app._initialized:
        await running.app.shutdown()
