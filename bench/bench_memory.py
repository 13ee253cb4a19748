"""Memory stays bounded: RSS after 1,000 distinct people against RSS after 50,000.

Each person sends /start once through `Application.process_update` (offline Bot API stand-in,
a SQLite file). Time is simulated: a new person arrives every --interval seconds (default 1 s,
86,400 people a day, far more than the bot will see), and the idle sweep runs every 5 simulated
minutes as the JobQueue would run it. Prints the RSS at both points and the people still in
memory (goal: RSS after 50,000 within 20 MB of RSS after 1,000).

    .venv/bin/python bench/bench_memory.py                  # 50,000 people, a few minutes
    .venv/bin/python bench/bench_memory.py --no-sweep       # the same without the sweep
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from bot.config import Settings
from bot.idle import SWEEP, evict_idle
from bot.offline import OfflineBotAPI
from bot.simulated_person import SimulatedPerson
from storage.db import Database

START = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def rss_mb() -> float:
    """This process's resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def run(people: int, checkpoint: int, interval: float, sweep: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        db = Database(url)
        db.upgrade()
        now = [START]
        settings = Settings(_env_file=None, database_url=url, rate_limit=False)
        api = OfflineBotAPI()
        app = build_application(
            settings, request=api, db=db, clock=lambda: now[0], token="1:BENCH", dispatcher=False
        )
        figures: dict[int, tuple[float, int]] = {}
        next_sweep = START + SWEEP
        async with app:
            for n in range(people):
                await SimulatedPerson(app, api, 10_000_000 + n).send("/start")
                api.calls.clear()  # the stand-in's record is the benchmark's, not the bot's
                api.messages.clear()
                now[0] += timedelta(seconds=interval)
                if sweep and now[0] >= next_sweep:
                    evict_idle(app, now[0])
                    next_sweep += SWEEP
                if n + 1 in (checkpoint, people):
                    gc.collect()
                    figures[n + 1] = (rss_mb(), len(app.user_data))
        await db.aclose()
    (small, small_kept), (large, large_kept) = figures[checkpoint], figures[people]
    print(f"arrivals          one new person every {interval:g} s (simulated); sweep: {sweep}")
    print(f"after {checkpoint:>7,}     RSS {small:7.1f} MB, {small_kept:,} people in memory")
    print(f"after {people:>7,}     RSS {large:7.1f} MB, {large_kept:,} people in memory")
    print(f"difference        {large - small:+.1f} MB (goal: within 20 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--checkpoint", type=int, default=1_000)
    parser.add_argument("--interval", type=float, default=1.0, help="simulated s between people")
    parser.add_argument("--no-sweep", action="store_true", help="never drop idle people")
    args = parser.parse_args()
    asyncio.run(run(args.people, args.checkpoint, args.interval, not args.no_sweep))


if __name__ == "__main__":
    main()
