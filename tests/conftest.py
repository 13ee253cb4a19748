"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL), the
instant every test runs at, and the real Application driven through the offline Bot API stand-in.

Time: every test runs at a chosen instant, frozen with time-machine (so `datetime.now`,
`time.time` and the application's clock all agree, and nothing sees the real date). The instant
is the run's (`--instant`, or the environment variable PARTNERBOT_TEST_INSTANT; ISO 8601, or
`now` for the real present), unless a test pins its own with `@pytest.mark.instant("...")`
because its story happens on particular days. Processes a test starts get the same instant
through PARTNERBOT_NOW (see `process_environment`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import text

from bot.app import build_application
from bot.config import Settings
from bot.instant import parse_instant
from bot.outbox import PACER_KEY
from bot.pacing import virtual_pacer
from storage import pg_loop
from storage.db import Database, make_engine, upgrade
from tests.instants import DEFAULT_INSTANT, INSTANT_VARIABLE, Clock
from tests.standin import ScriptedBotAPI, ScriptedPerson

COORDINATORS = (900001, 900002)
TOKEN = "123456:TEST-TOKEN"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--instant",
        default=os.environ.get(INSTANT_VARIABLE) or DEFAULT_INSTANT,
        help=f"the instant the tests run at: ISO 8601 or 'now' (env {INSTANT_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "instant(when): run this test at this instant (ISO 8601), whatever --instant"
    )
    value = config.getoption("--instant")
    config.stash[RUN_INSTANT] = (
        datetime.now(UTC).replace(microsecond=0) if value == "now" else parse_instant(value)
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"instant: {config.stash[RUN_INSTANT].isoformat()}"


RUN_INSTANT = pytest.StashKey[datetime]()


@pytest.fixture(autouse=True)
def instant(
    request: pytest.FixtureRequest, time_machine: time_machine.TimeMachineFixture
) -> datetime:
    """The instant this test runs at, frozen: it moves only when the test moves it."""
    pinned = request.node.get_closest_marker("instant")
    when = parse_instant(pinned.args[0]) if pinned else request.config.stash[RUN_INSTANT]
    time_machine.move_to(when, tick=False)
    return when


@pytest.fixture
def run_instant(request: pytest.FixtureRequest) -> datetime:
    """The run's instant (the one `instant` follows unless a test pins its own)."""
    return request.config.stash[RUN_INSTANT]


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
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.aclose()  # on the test's loop, which PostgreSQL's loop connections belong to


@pytest.fixture
def clock(instant: datetime, time_machine: time_machine.TimeMachineFixture) -> Clock:
    return Clock(time_machine)


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
        self.api = ScriptedBotAPI()
        self.app = build_application(
            settings, request=self.api, db=db, clock=clock, token=TOKEN, dispatcher=False
        )
        # Sending is paced on virtual time: no test waits for Telegram's limits for real.
        self.pacer, self.pacer_time = virtual_pacer()
        self.app.bot_data[PACER_KEY] = self.pacer

    def person(self, user_id: int = 4242, language: str | None = "en", name: str = "Ama"):
        return ScriptedPerson(self.app, self.api, user_id, first_name=name, language_code=language)

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
def one_database_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: every call on the one connection the loop keeps, so a test meets the
    connection an earlier call used (with several it could land on another)."""
    monkeypatch.setattr(pg_loop, "CONNECTIONS", 1)


@pytest.fixture
async def bot(settings: Settings, db: Database, clock: Clock) -> AsyncIterator[Bot]:
    running = Bot(settings, db, clock)
    await running.app.initialize()
    holder = [running]
    running.holder = holder  # type: ignore[attr-defined]
    yield running
    await running.app.shutdown()  # nothing to do if the test shut it down already (restart)
