"""Cost per update of a complete expression of interest, against a bare echo bot.

Pushes the updates of many people filling in a Fachkräftefonds expression of interest at once
through `Application.process_update` (offline Bot API stand-in, real database), and in the same
run the same number of updates through a bare python-telegram-bot echo handler. Both are timed
from the update's JSON to its last Bot API call, as wall time over all updates (with people at
once, time inside one update would count the others' turns too). Prints microseconds per update
for both and their ratio (target: at most 3x on SQLite).

    python bench/bench_updates.py [--people 200] [--rounds 3] [--database-url postgresql://...]

A PostgreSQL database given with --database-url is emptied first: use a throw-away one.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bot.app import build_application
from bot.config import Settings
from bot.offline import OfflineBotAPI
from bot.simulated_person import SimulatedPerson
from storage.db import Database, on_connection
from storage.people import create_person, set_active_flow

ANSWERS: list[tuple[str, str]] = [
    ("send", "/interest"),
    ("click", "Fachkräftefonds"),
    ("send", "Stadt Bonn"),
    ("click", "North Rhine-Westphalia"),
    ("send", "Cape Coast"),
    ("send", "Ghana"),
    ("click", "Ghana"),
    ("click", "5 to 10 years"),
    ("send", "Waste management and municipal finance"),
    ("send", "Set up a collection system with the sanitation department"),
    ("click", "Not sure yet"),
    ("send", "Maria Müller"),
    ("send", "Head of the international office"),
    ("send", "maria.mueller@bonn.de"),
    ("click", "Yes, I agree"),
    ("click", "📨 Submit"),
]


async def run_bot(people: int, database_url: str) -> tuple[float, float, int, int]:
    api = OfflineBotAPI()
    db = Database(database_url)
    db.upgrade()
    settings = Settings(
        _env_file=None, database_url=database_url, coordinator_ids="1,2", rate_limit=False
    )
    app = build_application(settings, request=api, db=db, token="1:BENCH", dispatcher=False)
    SimulatedPerson._update_ids = itertools.count(1)
    async with app:
        crowd = [SimulatedPerson(app, api, 10_000 + i) for i in range(people)]

        async def fill_in(person: SimulatedPerson) -> None:
            for action, value in ANSWERS:
                await (person.send(value) if action == "send" else person.click(value))
                await asyncio.sleep(0)  # let the others take turns, as concurrent chats do

        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(fill_in(p) for p in crowd))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    submitted = sum(1 for c in api.calls_to("sendMessage") if "EOI-" in c.params.get("text", ""))
    assert submitted == people, f"only {submitted} of {people} submissions went through"
    await db.aclose()
    sent = [c.params for c in api.calls if c.method in ("sendMessage", "editMessageText")]
    buttons = round(statistics.mean(_buttons(params) for params in sent))
    return wall, cpu, people * len(ANSWERS), buttons


def _buttons(params: dict[str, Any]) -> int:
    """How many inline buttons a sendMessage/editMessageText call carried."""
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return sum(len(row) for row in markup.get("inline_keyboard", []))


async def run_echo(
    count: int, buttons: int = 0, db: Database | None = None, at_once: bool = False
) -> tuple[float, float]:
    """The bare echo: each update answered with its text (and `buttons` inline buttons), one
    after another. At once: the updates of 200 chats at once, as the bot's; with a database,
    each also saves a value in its person's row first (one UPDATE, as a typed form step, through
    storage.db) before it answers: the floor a bot that stores every answer before replying
    stands on."""
    api = OfflineBotAPI()
    app: Application = (
        ApplicationBuilder().token("1:ECHO").request(api).get_updates_request(api).build()
    )

    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Option {i}", callback_data=f"echo|{i}")] for i in range(buttons)]
    )

    async def echo(update: Update, _context) -> None:  # type: ignore[no-untyped-def]
        assert update.message is not None
        if db is not None:
            await db.run(set_active_flow, person_id=update.message.chat.id, flow="echo")
        await update.message.reply_text(
            update.message.text or "", reply_markup=markup if buttons else None
        )

    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def one(i: int) -> None:
        update = Update.de_json(
            {
                "update_id": i + 1,
                "message": {
                    "message_id": i + 1,
                    "date": 0,
                    "chat": {"id": 10_000 + i % 200, "type": "private"},
                    "from": {"id": 10_000 + i % 200, "is_bot": False, "first_name": "A"},
                    "text": "Stadt Bonn",
                },
            },
            app.bot,
        )
        await app.process_update(update)

    async def chat(first: int) -> None:
        for i in range(first, count, 200):
            await one(i)
            await asyncio.sleep(0)

    async with app:
        if db is not None:
            for person in range(10_000, 10_200):
                db.call(_create_person, person_id=person)
        started, cpu_started = time.perf_counter(), time.process_time()
        if not at_once:
            for i in range(count):
                await one(i)
        else:
            await asyncio.gather(*(chat(first) for first in range(200)))
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return spent, cpu


@on_connection
def _create_person(*, connection: Connection, person_id: int) -> None:
    create_person(
        connection, person_id=person_id, first_name="A", username=None, telegram_language=None
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many, interleaved")
    parser.add_argument("--database-url", help="default: a new SQLite file per round")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the echo saving one row per update (the storage floor under the bot)",
    )
    args = parser.parse_args()
    bot_best = echo_best = keyboard_best = bot_cpu = echo_cpu = float("inf")
    saving_best = saving_cpu = at_once_best = at_once_cpu = float("inf")
    updates = buttons = 0
    # Bot and echo alternate, and each keeps its best round, so that load from elsewhere on the
    # machine does not tilt the ratio.
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if args.database_url:
                reset(url)
            bot_spent, bot_cpu_spent, updates, buttons = await run_bot(args.people, url)
        echo_spent, echo_cpu_spent = await run_echo(updates)
        keyboard_spent, _ = await run_echo(updates, buttons=buttons)
        if args.floor:
            (saving_spent, saving_cpu_spent), (at_once_spent, at_once_cpu_spent) = await floor(
                updates, args.database_url
            )
            saving_best = min(saving_best, saving_spent / updates * 1e6)
            saving_cpu = min(saving_cpu, saving_cpu_spent / updates * 1e6)
            at_once_best = min(at_once_best, at_once_spent / updates * 1e6)
            at_once_cpu = min(at_once_cpu, at_once_cpu_spent / updates * 1e6)
        bot_best = min(bot_best, bot_spent / updates * 1e6)
        echo_best = min(echo_best, echo_spent / updates * 1e6)
        bot_cpu = min(bot_cpu, bot_cpu_spent / updates * 1e6)
        echo_cpu = min(echo_cpu, echo_cpu_spent / updates * 1e6)
        keyboard_best = min(keyboard_best, keyboard_spent / updates * 1e6)
    kind = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"database: {kind}; people: {args.people}; updates per round: {updates}")
    print(f"partnerbot: {bot_best:8.1f} µs/update")
    print(f"bare echo:  {echo_best:8.1f} µs/update")
    print(f"ratio:      {bot_best / echo_best:8.2f}x (target: at most 3x)")
    # CPU time of this process (all its threads; not the database server's): on a loaded
    # machine it varies much less than wall time.
    print(
        f"CPU of this process: partnerbot {bot_cpu:8.1f} µs/update, echo {echo_cpu:8.1f} "
        f"µs/update, ratio {bot_cpu / echo_cpu:.2f}x"
    )
    # For reading the ratio: the same echo, answering with an inline keyboard as large as the
    # bot's average one (every step of a form has buttons; the bare echo sends none).
    print(
        f"echo with {buttons} buttons: {keyboard_best:8.1f} µs/update "
        f"(partnerbot: {bot_best / keyboard_best:.2f}x of it)"
    )
    if not args.floor:
        return
    # And the floor of storing each answer before the reply: the echo with one UPDATE each,
    # against the same echo without it (both with 200 chats at once, as the bot).
    print(
        f"echo, 200 chats at once: {at_once_best:8.1f} µs/update (CPU {at_once_cpu:8.1f}); "
        f"saving one row each: {saving_best:8.1f} (CPU {saving_cpu:8.1f}): "
        f"{saving_best / at_once_best:.2f}x (CPU {saving_cpu / at_once_cpu:.2f}x); "
        f"partnerbot: {bot_best / saving_best:.2f}x of it"
    )


async def floor(updates: int, database_url: str | None) -> tuple[tuple[float, float], ...]:
    """The echo with 200 chats at once, saving one row per update and without: (wall, CPU) of
    each."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        if database_url:
            reset(url)
        db = Database(url)
        db.upgrade()
        saving = await run_echo(updates, db=db, at_once=True)
        await db.aclose()
    return saving, await run_echo(updates, at_once=True)


def reset(url: str) -> None:
    """Empty a PostgreSQL benchmark database (it is taken over)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
