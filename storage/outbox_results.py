"""What became of a claimed message: sent (with what was bundled into it), to be tried again,
postponed, dropped, failed, or refused because the person blocked the bot. Each is recorded
only while the worker still holds its claim."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Session, col

from storage.models import OutboxMessage, OutboxStatus, Person
from storage.outbox import ATTACHMENTS, DIGEST_PART, FOLLOWERS, UNREACHABLE, enqueue
from storage.programmes import Coordinators, coordinators_of_person


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
