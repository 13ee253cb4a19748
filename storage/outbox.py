"""The durable outbox: messages to send, claimed atomically, their results recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlmodel import Session, col

from storage.models import OutboxMessage, OutboxStatus, Person, table_of, utcnow
from storage.programmes import Coordinators, coordinators_of_person
from storage.reminders_tables import NotificationPreference

DIGEST = "reminders/digest"  # a coordinator's daily digest of held notices
UNREACHABLE = "reminders/unreachable"  # to coordinators: someone blocked the bot
DIGEST_PART = "reminders/digest_part"  # the rest of a digest too long for one message
# Rows that are about the recipient's own deadlines, the digest itself: never held back.
NOT_DIGESTED = frozenset({"reminders/reminder", "reminders/final", DIGEST, DIGEST_PART})
ATTACHMENTS = ("attachment:photo", "attachment:document")
# Bundled rows that are sent after the message carrying them (the others go out inside it).
FOLLOWERS = (*ATTACHMENTS, DIGEST_PART)


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
        # An erased person's records carry a pseudonym below zero: nobody to write to.
        status=OutboxStatus.CANCELLED if recipient_id < 0 else OutboxStatus.PENDING,
    )
    session.add(message)
    return message


_INSERT = insert(table_of(OutboxMessage))


def enqueue_on(
    connection: Connection,
    *,
    recipient_id: int,
    template: str,
    params: dict[str, Any],
    due_at: datetime,
    subject: str | None = None,
    dedupe_key: str | None = None,
) -> None:
    """enqueue for a transaction on a plain connection (see storage.db.on_connection)."""
    connection.execute(
        _INSERT,
        {
            "recipient_id": recipient_id,
            "template": template,
            "params": params,
            "due_at": due_at,
            "subject": subject,
            "dedupe_key": dedupe_key,
            "status": OutboxStatus.CANCELLED if recipient_id < 0 else OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": utcnow(),
        },
    )


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


def mark_sent(
    *, session: Session, message_id: int, worker: str, now: datetime, reachable: bool = False
) -> None:
    """Record a delivered message (only if this worker still holds the claim).

    What was bundled into it is delivered with it; a digest's further parts and the
    attachments held for it are released to follow it (the parts first). Nothing bundled is
    settled when the claim was lost meanwhile. reachable: the recipient had blocked the bot
    and now got a message again.
    """
    done = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker)
        .values(claimed_until=None, status=OutboxStatus.SENT, sent_at=now)
        .returning(col(OutboxMessage.recipient_id))
    ).first()
    if done is None:
        session.commit()
        return
    bundled = and_(
        col(OutboxMessage.bundle_id) == message_id,
        col(OutboxMessage.status) == OutboxStatus.BUNDLED,
    )
    session.execute(
        update(OutboxMessage)
        .where(bundled, col(OutboxMessage.template).not_in(FOLLOWERS))
        .values(status=OutboxStatus.SENT, sent_at=now)
    )
    # A moment earlier than the attachments, so the digest's text is complete before them.
    session.execute(
        update(OutboxMessage)
        .where(bundled, col(OutboxMessage.template) == DIGEST_PART)
        .values(status=OutboxStatus.PENDING, due_at=now - timedelta(seconds=1), claimed_until=None)
    )
    session.execute(
        update(OutboxMessage)
        .where(bundled, col(OutboxMessage.template).in_(ATTACHMENTS))
        .values(status=OutboxStatus.PENDING, due_at=now, claimed_until=None)
    )
    if reachable:
        session.execute(update(Person).where(Person.id == done[0]).values(unreachable=False))
    session.commit()


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
    return bool(renewed.rowcount)  # type: ignore[attr-defined]


def mark_failed(*, session: Session, message_id: int, worker: str, error: str) -> None:
    """Record a message that will never be delivered (refused by Telegram, or out of tries)."""
    _fail_bundle(session, message_id, f"bundle {message_id} failed")
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
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker)
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
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker)
        .values(status=OutboxStatus.CANCELLED, claimed_until=None, last_error=note[:500])
    )


def mark_unreachable(
    *,
    session: Session,
    person_id: int,
    worker: str,
    message_id: int,
    coordinators: Coordinators | None = None,
    now: datetime | None = None,
) -> bool:
    """The person blocked the bot: stop everything pending for them, tell coordinators once.

    The coordinators hear of it only when the person turns unreachable (not on every refused
    message). The final reminder of an open deadline stays: it escalates to the coordinators.
    Returns whether the person just turned unreachable.
    """
    turned = session.execute(
        update(Person)
        .where(col(Person.id) == person_id, col(Person.unreachable).is_(False))
        .values(unreachable=True)
        .returning(col(Person.id), col(Person.first_name), col(Person.username))
    ).first()
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.recipient_id) == person_id,
            col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.HELD]),
            col(OutboxMessage.id) != message_id,
            col(OutboxMessage.template) != "reminders/final",
        )
        .values(status=OutboxStatus.CANCELLED, last_error="recipient blocked the bot")
    )
    if turned is not None and now is not None:
        _, name, username = turned
        for coordinator in coordinators_of_person(session, coordinators, person_id):
            enqueue(
                session,
                recipient_id=coordinator,
                template=UNREACHABLE,
                params={"person_id": person_id, "name": name, "username": username},
                due_at=now,
                subject=f"person:{person_id}",
            )
    _fail_bundle(session, message_id, "recipient blocked the bot")
    _finish(
        session, message_id, worker, status=OutboxStatus.FAILED, last_error="blocked by recipient"
    )
    return turned is not None


def _fail_bundle(session: Session, message_id: int, note: str) -> None:
    # What rode on a message that will never arrive is settled with it, never left BUNDLED.
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.bundle_id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.BUNDLED,
        )
        .values(status=OutboxStatus.FAILED, last_error=note)
    )


def _finish(session: Session, message_id: int, worker: str, **values: Any) -> None:
    session.execute(
        update(OutboxMessage)
        .where(and_(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker))
        .values(claimed_until=None, **values)
    )
    session.commit()


def pending_for(*, session: Session, recipient_ids: Iterable[int]) -> list[OutboxMessage]:
    """Pending messages for these recipients (for tests and the shell)."""
    return list(
        session.execute(
            select(OutboxMessage).where(
                col(OutboxMessage.recipient_id).in_(list(recipient_ids)),
                col(OutboxMessage.status) == OutboxStatus.PENDING,
            )
        ).scalars()
    )


def messages_about(*, session: Session, subject: str) -> list[OutboxMessage]:
    """Every message with this subject, oldest first (for tests and the shell)."""
    return list(
        session.execute(
            select(OutboxMessage)
            .where(col(OutboxMessage.subject) == subject)
            .order_by(col(OutboxMessage.id))
        ).scalars()
    )
