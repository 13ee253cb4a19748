"""A person's first /start against a form step: first contact costs at most twice a step.

Many new people send their first /start through `Application.process_update` (offline Bot API
stand-in, real database); then each opens an expression of interest and answers one typed
step, which is timed too. Best of --rounds interleaved rounds, microseconds per update, and the
ratio first contact / form step (goal: at most 2).

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
from bot.offline import OfflineBotAPI, SimulatedPerson
from storage.db import Database


async def one_round(people: int, url: str) -> tuple[float, float]:
    """µs per first /start, µs per typed form step."""
    api = OfflineBotAPI()
    db = Database(url)
    db.upgrade()
    settings = Settings(_env_file=None, database_url=url, coordinator_ids="1,2", rate_limit=False)
    app = build_application(settings, request=api, db=db, token="1:BENCH", dispatcher=False)
    SimulatedPerson._update_ids = itertools.count(1)
    async with app:
        crowd = [SimulatedPerson(app, api, 20_000 + i) for i in range(people)]
        started = time.perf_counter()
        for person in crowd:
            await person.send("/start")
        first = time.perf_counter() - started
        for person in crowd:
            await person.send("/interest")
            await person.click("Fachkräftefonds")
        started = time.perf_counter()
        for person in crowd:
            await person.send("Stadt Bonn")
        step = time.perf_counter() - started
        assert all("Step 2 of 12" in api.chat(p.user_id)[-1].text for p in crowd)
    db.dispose()
    return first / people * 1e6, step / people * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many")
    parser.add_argument("--database-url", help="default: a new SQLite file per round")
    args = parser.parse_args()
    first_best = step_best = float("inf")
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if args.database_url:
                reset(url)
            first, step = await one_round(args.people, url)
        first_best, step_best = min(first_best, first), min(step_best, step)
    kind = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"database: {kind}; people: {args.people}; best of {args.rounds}")
    print(f"first /start:  {first_best:8.1f} µs/update")
    print(f"form step:     {step_best:8.1f} µs/update")
    print(f"ratio:         {first_best / step_best:8.2f}x (goal: at most 2x)")


if __name__ == "__main__":
    asyncio.run(main())
