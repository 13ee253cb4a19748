"""The durable outbox: messages to send, claimed atomically, their results recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session

from storage.models import OutboxMessage, OutboxStatus, Person


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, with what is needed to render and send it."""

    id: int
    recipient_id: int
    template: str
    params: dict[str, Any]
    attempts: int
    language: str | None
    telegram_language: str | None


def enqueue(
    session: Session,
    *,
    recipient_id: int,
    template: str,
    params: dict[str, Any],
    due_at: datetime,
    subject: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox inside the caller's transaction (the caller commits)."""
    message = OutboxMessage(
        recipient_id=recipient_id,
        template=template,
        params=params,
        due_at=due_at,
        subject=subject,
        dedupe_key=dedupe_key,
    )
    session.add(message)
    return message


def claim_due_messages(
    *, session: Session, worker: str, now: datetime, lease: timedelta, limit: int = 50
) -> list[Outgoing]:
    """Claim up to limit due messages for this worker until now + lease, atomically.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets two processes claim disjoint rows at once.
    SQLite: the UPDATE is one statement under the database's write lock.
    A claim whose lease ran out (its process died) is claimable again.
    """
    table = OutboxMessage.__table__
    due = (
        select(table.c.id)
        .where(
            table.c.status == OutboxStatus.PENDING,
            table.c.due_at <= now,
            or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
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
        select(OutboxMessage, Person.language, Person.telegram_language)
        .join(Person, Person.id == OutboxMessage.recipient_id, isouter=True)
        .where(OutboxMessage.id.in_(claimed), OutboxMessage.claimed_by == worker)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
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
        )
        for m, language, telegram_language in rows
    ]


def mark_sent(*, session: Session, message_id: int, worker: str, now: datetime) -> None:
    """Record a delivered message (only if this worker still holds the claim)."""
    _finish(session, message_id, worker, status=OutboxStatus.SENT, sent_at=now)


def mark_failed(*, session: Session, message_id: int, worker: str, error: str) -> None:
    """Record a message that will never be delivered (refused by Telegram)."""
    _finish(session, message_id, worker, status=OutboxStatus.FAILED, last_error=error[:500])


def retry_later(
    *, session: Session, message_id: int, worker: str, due_at: datetime, error: str
) -> None:
    """Release the claim and try again at due_at."""
    _finish(
        session,
        message_id,
        worker,
        status=OutboxStatus.PENDING,
        due_at=due_at,
        last_error=error[:500],
    )


def mark_unreachable(*, session: Session, person_id: int, worker: str, message_id: int) -> None:
    """The person blocked the bot: stop everything pending for them."""
    session.execute(update(Person).where(Person.id == person_id).values(unreachable=True))
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient_id == person_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.id != message_id,
        )
        .values(status=OutboxStatus.CANCELLED, last_error="recipient blocked the bot")
    )
    _finish(
        session, message_id, worker, status=OutboxStatus.FAILED, last_error="blocked by recipient"
    )


def _finish(session: Session, message_id: int, worker: str, **values: Any) -> None:
    session.execute(
        update(OutboxMessage)
        .where(and_(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker))
        .values(claimed_until=None, **values)
    )
    session.commit()


def pending_for(*, session: Session, recipient_ids: Iterable[int]) -> list[OutboxMessage]:
    """Pending messages for these recipients (for tests and the shell)."""
    return list(
        session.execute(
            select(OutboxMessage).where(
                OutboxMessage.recipient_id.in_(list(recipient_ids)),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        ).scalars()
    )
