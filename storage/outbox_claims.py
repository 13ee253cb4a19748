"""The dispatcher's hold on the outbox: one sending process at a time (PostgreSQL's advisory
lock), and claims on due messages that a process that dies gives back when their lease runs out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select, update
from sqlmodel import Session, col

from storage.affected import affected
from storage.models import OutboxMessage, OutboxStatus, Person, table_of
from storage.outbox import Outgoing
from storage.reminders_tables import NotificationPreference

# PostgreSQL advisory lock of the dispatcher: one process sends at a time, so two processes
# that overlap (a rolling deploy) do not add up their pacing to twice Telegram's limit.
DISPATCH_LOCK_KEY = 47_112_026_001


def take_dispatch_lock(engine: Engine) -> Connection | None:
    """PostgreSQL only: a connection holding the dispatcher's lock, or None while another
    run holds it."""
    connection = engine.connect()
    try:
        got = connection.execute(select(func.pg_try_advisory_lock(DISPATCH_LOCK_KEY))).scalar()
        connection.commit()
    except Exception:
        connection.invalidate()
        connection.close()
        raise
    if not got:
        connection.close()
        return None
    return connection


def release_dispatch_lock(connection: Connection) -> None:
    """Give the dispatcher's lock back (a connection that cannot is discarded, which ends
    its session and with it the lock)."""
    try:
        connection.execute(select(func.pg_advisory_unlock(DISPATCH_LOCK_KEY)))
        connection.commit()
    except Exception:
        connection.invalidate()
        raise
    finally:
        connection.close()


def claimable(table: Any, now: datetime) -> Any:
    """A row nobody holds a live claim on."""
    return or_(table.c.claimed_until.is_(None), table.c.claimed_until < now)


def claim_due_messages(
    *, session: Session, worker: str, now: datetime, lease: timedelta, limit: int = 50
) -> list[Outgoing]:
    """Claim up to limit due messages for this worker until now + lease, atomically.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets two processes claim disjoint rows at once.
    SQLite: the UPDATE is one statement under the database's write lock.
    A claim whose lease ran out (its process died) is claimable again. The rows are found
    through the (status, due_at) index, so the cost follows the due rows, not the table.
    """
    table = table_of(OutboxMessage)
    due = (
        select(table.c.id)
        .where(
            table.c.status == OutboxStatus.PENDING,
            table.c.due_at <= now,
            claimable(table, now),
        )
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = (
        session.execute(
            update(table)
            .where(table.c.id.in_(due.scalar_subquery()))
            .values(claimed_by=worker, claimed_until=now + lease, attempts=table.c.attempts + 1)
            .returning(table.c.id)
        )
        .scalars()
        .all()
    )
    session.commit()
    if not claimed:
        return []
    rows = session.execute(
        select(
            OutboxMessage,
            col(Person.language),
            col(Person.telegram_language),
            col(Person.timezone),
            col(Person.unreachable),
            col(NotificationPreference.digest),
        )
        .join(Person, col(Person.id) == col(OutboxMessage.recipient_id), isouter=True)
        .join(
            NotificationPreference,
            col(NotificationPreference.person_id) == col(OutboxMessage.recipient_id),
            isouter=True,
        )
        .where(col(OutboxMessage.id).in_(claimed), col(OutboxMessage.claimed_by) == worker)
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
    ).all()
    return [
        Outgoing(
            id=m.id,
            recipient_id=m.recipient_id,
            template=m.template,
            params=m.params,
            attempts=m.attempts,
            language=language,
            telegram_language=telegram_language,
            timezone=timezone,
            digest=bool(digest),
            unreachable=bool(unreachable),
            bundle_id=m.bundle_id,
        )
        for m, language, telegram_language, timezone, unreachable, digest in rows
    ]


def renew_claim(
    *, session: Session, message_id: int, worker: str, now: datetime, lease: timedelta
) -> bool:
    """Right before sending: extend this worker's claim, if it still holds a live one.

    A claim that ran out (a long 429 pause) may have been taken by another run meanwhile;
    then this worker must not send.
    """
    renewed = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.claimed_by) == worker,
            col(OutboxMessage.claimed_until) > now,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(claimed_until=now + lease)
    )
    session.commit()
    return bool(affected(renewed))
