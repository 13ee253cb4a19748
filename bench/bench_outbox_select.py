"""Benchmark: claiming due reminders among 10,000 and 1,000,000 outbox rows (1 % due).

Prints, for SQLite and PostgreSQL side by side, the time to find one batch of due rows, to
claim one batch (the dispatcher's real UPDATE … RETURNING), and to walk through every due row
in batches, plus the query plan (it must use ix_outbox_due, not scan the table).

    .venv/bin/python bench/bench_outbox_select.py [--sizes 10000,1000000] [--no-postgres]

PostgreSQL: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test_reminders);
the benchmark works in a schema of its own ("bench_outbox") and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, select, text, update
from sqlmodel import Session

from storage.db import make_engine, upgrade
from storage.models import OutboxMessage, OutboxStatus
from storage.outbox_claims import claim_due_messages

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BATCH = 100
SCHEMA = "bench_outbox"
COLUMNS = "recipient_id, template, params, subject, status, due_at, attempts, created_at, sent_at"


def rows(size: int):
    """size rows: 1 % pending and due, 60 % sent in the past, the rest pending in the future."""
    params = json.dumps({"deadline_id": 1, "stage": "7d", "days": 7})
    for i in range(size):
        if i % 100 == 0:
            status, due, sent = OutboxStatus.PENDING, NOW - timedelta(minutes=i % 5000), None
        elif i % 100 < 61:
            due = NOW - timedelta(days=1 + i % 700)
            status, sent = OutboxStatus.SENT, due
        else:
            status, due, sent = OutboxStatus.PENDING, NOW + timedelta(hours=1 + i % 9000), None
        yield (
            1000 + i % 50_000,
            "reminders/reminder",
            params,
            f"deadline:{i // 4}",
            status,
            due,
            1 if sent else 0,
            due - timedelta(days=7),
            sent,
        )


def sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value) if isinstance(value, OutboxStatus) else value


def fill(engine: Engine, size: int) -> None:
    """Empty the outbox and fill it with size rows, as fast as the database allows."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DELETE FROM outbox_message")
        if engine.dialect.name == "sqlite":
            cursor.executemany(
                f"INSERT INTO outbox_message ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                ([sqlite_value(v) for v in row] for row in rows(size)),
            )
        else:
            with cursor.copy(f"COPY outbox_message ({COLUMNS}) FROM STDIN") as copy:
                for row in rows(size):
                    copy.write_row([str(v) if isinstance(v, OutboxStatus) else v for v in row])
        raw.commit()
        cursor.execute("ANALYZE" if engine.dialect.name == "sqlite" else "ANALYZE outbox_message")
        raw.commit()
    finally:
        raw.close()


def due_query(limit: int):
    table = OutboxMessage.__table__
    return (
        select(table.c.id)
        .where(
            table.c.status == OutboxStatus.PENDING,
            table.c.due_at <= NOW,
            (table.c.claimed_until.is_(None)) | (table.c.claimed_until < NOW),
        )
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
    )


def plan(engine: Engine) -> str:
    compiled = due_query(BATCH).compile(engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        lines = connection.execute(text(prefix + str(compiled))).all()
    return " | ".join(str(line[-1]) for line in lines)


def timed(fn, repeat: int = 20) -> float:
    """Median seconds of fn() over repeat runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(engine: Engine, size: int) -> dict[str, float | int | str]:
    start = time.perf_counter()
    fill(engine, size)
    filled = time.perf_counter() - start
    with Session(engine) as session:
        find = timed(lambda: session.execute(due_query(BATCH)).all())
        session.rollback()

    def claim_and_release() -> None:
        with Session(engine) as session:
            claimed = claim_due_messages(
                session=session, worker="bench", now=NOW, lease=timedelta(minutes=5), limit=BATCH
            )
            assert len(claimed) == BATCH
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in claimed]))
                .values(claimed_by=None, claimed_until=None)
            )
            session.commit()

    claim = timed(claim_and_release, repeat=10)
    due = size // 100
    # Every due row, as the dispatcher takes them: claim a batch, record it sent, claim the next.
    start = time.perf_counter()
    walked = 0
    with Session(engine) as session:
        while True:
            claimed = claim_due_messages(
                session=session, worker="bench", now=NOW, lease=timedelta(minutes=5), limit=BATCH
            )
            if not claimed:
                break
            walked += len(claimed)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in claimed]))
                .values(status=OutboxStatus.SENT, sent_at=NOW, claimed_until=None)
            )
            session.commit()
    every = time.perf_counter() - start
    assert walked == due, (walked, due)
    return {
        "rows": size,
        "due": due,
        "fill_s": filled,
        "find_batch_ms": find * 1000,
        "claim_batch_ms": claim * 1000,
        "all_due_ms": every * 1000,
        "per_due_row_us": every / due * 1e6,
        "plan": plan(engine),
    }


def engines(use_postgres: bool) -> list[tuple[str, Engine, object]]:
    found: list[tuple[str, Engine, object]] = []
    folder = tempfile.TemporaryDirectory()
    sqlite = make_engine(f"sqlite:///{folder.name}/bench.sqlite3")
    upgrade(sqlite)
    found.append(("SQLite", sqlite, folder))
    if use_postgres:
        url = os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_reminders"
        )
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        admin.dispose()
        joiner = "&" if "?" in url else "?"
        postgres = make_engine(f"{url}{joiner}options=-csearch_path%3D{SCHEMA}")
        upgrade(postgres)
        found.append(("PostgreSQL", postgres, url))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[tuple[str, int], dict] = {}
    for name, engine, keep in engines(not args.no_postgres):
        for size in sizes:
            results[(name, size)] = measure(engine, size)
            print(f"{name:10} {size:>9,} rows filled in {results[(name, size)]['fill_s']:.1f} s")
        if name == "PostgreSQL":
            engine.dispose()
            admin = make_engine(str(keep))
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            admin.dispose()
        else:
            engine.dispose()
    print()
    header = f"{'database':10} {'rows':>10} {'due':>7} {'find 100':>10} {'claim 100':>10} {'claim+send all due':>19} {'per due row':>12}"
    print(header)
    print("-" * len(header))
    for (name, size), r in results.items():
        print(
            f"{name:10} {size:>10,} {r['due']:>7,} {r['find_batch_ms']:>8.2f}ms "
            f"{r['claim_batch_ms']:>8.2f}ms {r['all_due_ms']:>17.1f}ms {r['per_due_row_us']:>10.1f}µs"
        )
    print()
    for (name, size), r in results.items():
        print(f"plan {name} {size:,}: {r['plan']}")
    names = sorted({name for name, _ in results})
    if len(sizes) >= 2:
        small, big = min(sizes), max(sizes)
        print()
        for name in names:
            a, b = results[(name, small)], results[(name, big)]
            print(
                f"{name}: table {big // small}× larger → find-a-batch ×{b['find_batch_ms'] / a['find_batch_ms']:.2f}, "
                f"claim-a-batch ×{b['claim_batch_ms'] / a['claim_batch_ms']:.2f}, "
                f"cost per due row ×{b['per_due_row_us'] / a['per_due_row_us']:.2f}"
            )


if __name__ == "__main__":
    main()
