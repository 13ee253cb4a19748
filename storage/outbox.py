"""The durable outbox: messages to send, claimed atomically, their results recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session

from storage.models import OutboxMessage, OutboxStatus, Person
from storage.reminders_tables import NotificationPreference

DIGEST = "reminders/digest"  # a coordinator's daily digest of held notices
UNREACHABLE = "reminders/unreachable"  # to coordinators: someone blocked the bot
# Rows that are about the recipient's own deadlines, the digest itself: never held back.
NOT_DIGESTED = frozenset({"reminders/reminder", "reminders/final", DIGEST})
ATTACHMENTS = ("attachment:photo", "attachment:document")


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
    timezone: str | None = None
    digest: bool = False  # the recipient wants a daily digest instead of single notices
    unreachable: bool = False  # the recipient had blocked the bot
    bundle_id: int | None = None  # set: it went through a digest already


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
    table = OutboxMessage.__table__
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
            Person.language,
            Person.telegram_language,
            Person.timezone,
            Person.unreachable,
            NotificationPreference.digest,
        )
        .join(Person, Person.id == OutboxMessage.recipient_id, isouter=True)
        .join(
            NotificationPreference,
            NotificationPreference.person_id == OutboxMessage.recipient_id,
            isouter=True,
        )
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
            timezone=timezone,
            digest=bool(digest),
            unreachable=bool(unreachable),
            bundle_id=m.bundle_id,
        )
        for m, language, telegram_language, timezone, unreachable, digest in rows
    ]


def mark_sent(
    *, session: Session, message_id: int, worker: str, now: datetime, reachable: bool = False
) -> None:
    """Record a delivered message (only if this worker still holds the claim).

    What was bundled into it is delivered with it; attachments held for a digest are released
    to follow it. reachable: the recipient had blocked the bot and now got a message again.
    """
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.bundle_id == message_id,
            OutboxMessage.status == OutboxStatus.BUNDLED,
            OutboxMessage.template.not_in(ATTACHMENTS),
        )
        .values(status=OutboxStatus.SENT, sent_at=now)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.bundle_id == message_id,
            OutboxMessage.status == OutboxStatus.BUNDLED,
            OutboxMessage.template.in_(ATTACHMENTS),
        )
        .values(status=OutboxStatus.PENDING, due_at=now, claimed_until=None)
    )
    if reachable:
        row = session.get(OutboxMessage, message_id)
        if row is not None:
            session.execute(
                update(Person).where(Person.id == row.recipient_id).values(unreachable=False)
            )
    _finish(session, message_id, worker, status=OutboxStatus.SENT, sent_at=now)


def mark_failed(*, session: Session, message_id: int, worker: str, error: str) -> None:
    """Record a message that will never be delivered (refused by Telegram)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.bundle_id == message_id, OutboxMessage.status == OutboxStatus.BUNDLED)
        .values(status=OutboxStatus.FAILED, last_error=f"bundle {message_id} failed")
    )
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


def postpone(
    session: Session, *, message_id: int, worker: str, due_at: datetime, note: str
) -> None:
    """Release the claim until due_at without counting a try (caller's transaction)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(
            due_at=due_at,
            claimed_until=None,
            attempts=OutboxMessage.attempts - 1,
            last_error=note[:500],
        )
    )


def drop(session: Session, *, message_id: int, worker: str, note: str) -> None:
    """Give up a claimed message that no longer needs sending (caller's transaction)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(status=OutboxStatus.CANCELLED, claimed_until=None, last_error=note[:500])
    )


def mark_unreachable(
    *,
    session: Session,
    person_id: int,
    worker: str,
    message_id: int,
    coordinators: Iterable[int] = (),
    now: datetime | None = None,
) -> bool:
    """The person blocked the bot: stop everything pending for them, tell coordinators once.

    The coordinators hear of it only when the person turns unreachable (not on every refused
    message). The final reminder of an open deadline stays: it escalates to the coordinators.
    Returns whether the person just turned unreachable.
    """
    turned = session.execute(
        update(Person)
        .where(Person.id == person_id, Person.unreachable.is_(False))
        .values(unreachable=True)
        .returning(Person.id, Person.first_name, Person.username)
    ).first()
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient_id == person_id,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.HELD]),
            OutboxMessage.id != message_id,
            OutboxMessage.template != "reminders/final",
        )
        .values(status=OutboxStatus.CANCELLED, last_error="recipient blocked the bot")
    )
    if turned is not None and now is not None:
        _, name, username = turned
        for coordinator in coordinators:
            if coordinator == person_id:
                continue
            enqueue(
                session,
                recipient_id=coordinator,
                template=UNREACHABLE,
                params={"person_id": person_id, "name": name, "username": username},
                due_at=now,
                subject=f"person:{person_id}",
            )
    _finish(
        session, message_id, worker, status=OutboxStatus.FAILED, last_error="blocked by recipient"
    )
    return turned is not None


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


def messages_about(*, session: Session, subject: str) -> list[OutboxMessage]:
    """Every message with this subject, oldest first (for tests and the shell)."""
    return list(
        session.execute(
            select(OutboxMessage).where(OutboxMessage.subject == subject).order_by(OutboxMessage.id)
        ).scalars()
    )
