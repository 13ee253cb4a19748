"""A person's first /start, and a known person's first update after a restart, against a form
step: first contact costs at most twice a step.

Many new people send their first /start through `Application.process_update` (offline Bot API
stand-in, real database); then each opens an expression of interest and answers one typed step
and one button step, which are timed too (then Back to the same question). Then the bot restarts
(a new Application on the same database: every person's cache is empty) and each person's first
update is timed: pressing that button again, and in the next round /start. Best of --rounds
rounds, microseconds per update (wall, and the process's CPU time: steadier on a busy machine,
without PostgreSQL's own work), and each case's ratio to the same kind of step without a restart
(goal: at most 2).

    .venv/bin/python bench/bench_first_contact.py [--people 300] [--rounds 3]
    .venv/bin/python bench/bench_first_contact.py --database-url postgresql://…/bench_speed

A PostgreSQL database given with --database-url is emptied first: use a throw-away one.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_updates import reset
from bot.app import build_application
from bot.config import Settings
from bot.offline import OfflineBotAPI
from bot.simulated_person import SimulatedPerson
from storage.db import Database

CASES = (
    "first /start",
    "form step",
    "button step",
    "after restart: a button",
    "after restart: /start",
)
# What each case is held against: a button after a restart against the same button pressed
# without one (a button's update carries the message with its keyboard, which python-telegram-
# bot parses: about a typed step's cost again); the others against a typed step.
BASELINE = {"after restart: a button": "button step"}


async def one_round(people: int, url: str) -> dict[str, float]:
    """µs per update of each case (CASES): wall time, and the process's CPU time (steadier on a
    busy machine; PostgreSQL's own work is not in it)."""
    api = OfflineBotAPI()
    db = Database(url)
    db.upgrade()
    settings = Settings(_env_file=None, database_url=url, coordinator_ids="1,2", rate_limit=False)
    app = build_application(settings, request=api, db=db, token="1:BENCH", dispatcher=False)
    SimulatedPerson._update_ids = itertools.count(1)
    spent: dict[str, tuple[float, float]] = {}
    async with app:
        crowd = [SimulatedPerson(app, api, 20_000 + i) for i in range(people)]
        started = _now()
        for person in crowd:
            await person.send("/start")
        first = _since(started)
        for person in crowd:
            await person.send("/interest")
            await person.click("Fachkräftefonds")
        started = _now()
        for person in crowd:
            await person.send("Stadt Bonn")
        step = _since(started)
        assert all("Step 2 of 12" in api.chat(p.user_id)[-1].text for p in crowd)
        started = _now()
        for person in crowd:
            await person.click("North Rhine-Westphalia")
        button = _since(started)
        for person in crowd:  # back to the same question, for the same press after a restart
            await person.click("◀️ Back")
        assert all("Step 2 of 12" in api.chat(p.user_id)[-1].text for p in crowd)
    spent["first /start"], spent["form step"], spent["button step"] = first, step, button
    for case, first_update in (
        # the answer given is marked now
        ("after restart: a button", lambda p: p.click("✅ North Rhine-Westphalia")),
        ("after restart: /start", lambda p: p.send("/start")),
    ):
        # A new process on the same database: nobody's cache survives.
        app = build_application(settings, request=api, db=db, token="1:BENCH", dispatcher=False)
        async with app:
            crowd = [SimulatedPerson(app, api, 20_000 + i) for i in range(people)]
            started = _now()
            for person in crowd:
                await first_update(person)
            spent[case] = _since(started)
    assert all("Continue" in " ".join(api.chat(p.user_id)[-1].labels) for p in crowd)
    await db.aclose()
    return {case: (wall / people * 1e6, cpu / people * 1e6) for case, (wall, cpu) in spent.items()}


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _now()
    return wall - started[0], cpu - started[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many")
    parser.add_argument("--database-url", help="default: a new SQLite file per round")
    args = parser.parse_args()
    best = dict.fromkeys(CASES, (float("inf"), float("inf")))
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if args.database_url:
                reset(url)
            measured = await one_round(args.people, url)
        best = {
            case: (min(best[case][0], measured[case][0]), min(best[case][1], measured[case][1]))
            for case in CASES
        }
    kind = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"database: {kind}; people: {args.people}; best of {args.rounds}")
    print(f"{'':26}{'wall µs/update':>15}{'ratio':>8}{'CPU µs/update':>15}{'ratio':>8}  against")
    for case in CASES:
        wall, cpu = best[case]
        against = BASELINE.get(case, "form step")
        step_wall, step_cpu = best[against]
        print(
            f"{case + ':':26}{wall:15.1f}{wall / step_wall:7.2f}x{cpu:15.1f}"
            f"{cpu / step_cpu:7.2f}x  {against}"
        )
    print("goal: at most 2x a form step")


if __name__ == "__main__":
    asyncio.run(main())
