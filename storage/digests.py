"""Notices that go out together: a coordinator's daily digest, several overdue notices in one.

A row taken into another is BUNDLED with bundle_id pointing at it; storage.outbox_results.mark_sent and
mark_failed settle the bundle with the message that carried it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from storage.affected import affected
from storage.local_time import DIGEST_HOUR, next_morning, zone_of
from storage.models import OutboxMessage, OutboxStatus, table_of
from storage.outbox import DIGEST, DIGEST_PART, enqueue
from storage.outbox_claims import claimable


def hold_for_digest(
    *, session: Session, message_id: int, worker: str, recipient_id: int, now: datetime
) -> None:
    """Keep a notice for the recipient's next digest (08:00 where they are, as zone_of says),
    and make sure that digest is planned."""
    digest_at = next_morning(now, zone_of(session, recipient_id), DIGEST_HOUR)
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker)
        .values(status=OutboxStatus.HELD, claimed_until=None)
    )
    key = f"digest:{recipient_id}:{digest_at.isoformat()}"
    planned = session.execute(
        select(col(OutboxMessage.id)).where(col(OutboxMessage.dedupe_key) == key)
    ).first()
    if planned is None:
        enqueue(
            session,
            recipient_id=recipient_id,
            template=DIGEST,
            params={},
            due_at=digest_at,
            dedupe_key=key,
        )
    session.commit()


def bundle_held(*, session: Session, message_id: int, recipient_id: int) -> int:
    """Take every held notice of the recipient into this digest; how many it holds in all."""
    held = select(col(OutboxMessage.id)).where(
        col(OutboxMessage.recipient_id) == recipient_id,
        col(OutboxMessage.status) == OutboxStatus.HELD,
    )
    if session.get_bind().dialect.name == "postgresql":
        held = held.with_for_update(skip_locked=True)
    ids = list(session.execute(held).scalars())
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(status=OutboxStatus.BUNDLED, bundle_id=message_id)
        )
    session.commit()
    return _bundle_size(session, message_id)


def bundle_due(
    *,
    session: Session,
    message_id: int,
    recipient_id: int,
    template: str,
    worker: str,
    now: datetime,
) -> int:
    """Take the recipient's other due messages of this template into this one (one message
    naming several overdue people, say); how many it holds in all besides itself.

    Rows another live process has claimed stay with it, so nothing goes out twice.
    """
    table = table_of(OutboxMessage)
    siblings = select(table.c.id).where(
        table.c.recipient_id == recipient_id,
        table.c.template == template,
        table.c.status == OutboxStatus.PENDING,
        table.c.due_at <= now,
        table.c.id != message_id,
        or_(claimable(table, now), table.c.claimed_by == worker),
    )
    if session.get_bind().dialect.name == "postgresql":
        siblings = siblings.with_for_update(skip_locked=True)
    ids = list(session.execute(siblings).scalars())
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(status=OutboxStatus.BUNDLED, bundle_id=message_id, claimed_until=None)
        )
    session.commit()
    return _bundle_size(session, message_id)


def plan_parts(
    *, session: Session, message_id: int, recipient_id: int, parts: list[str], now: datetime
) -> None:
    """The texts that follow a digest too long for one message: bundled with it, so they go
    out only after it did (storage.outbox_results.mark_sent); a retry replaces them."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.bundle_id) == message_id,
            col(OutboxMessage.template) == DIGEST_PART,
            col(OutboxMessage.status) == OutboxStatus.BUNDLED,
        )
        .values(status=OutboxStatus.CANCELLED, last_error="replaced by a new preparation")
    )
    for text in parts:
        part = enqueue(
            session,
            recipient_id=recipient_id,
            template=DIGEST_PART,
            params={"text": text},
            due_at=now,
        )
        part.status = OutboxStatus.BUNDLED
        part.bundle_id = message_id
    session.commit()


def still_mine(*, session: Session, message_id: int, worker: str) -> bool:
    """Whether the message is still pending under this worker's claim (not bundled since)."""
    row = session.get(OutboxMessage, message_id)
    return row is not None and row.status == OutboxStatus.PENDING and row.claimed_by == worker


def _bundle_size(session: Session, message_id: int) -> int:
    return len(
        session.execute(
            select(col(OutboxMessage.id)).where(
                col(OutboxMessage.bundle_id) == message_id,
                col(OutboxMessage.status) == OutboxStatus.BUNDLED,
                col(OutboxMessage.template) != DIGEST_PART,
            )
        ).all()
    )


def bundle_contents(*, session: Session, message_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(template, params) of what goes out with this message, oldest first (without the
    digest's own further parts)."""
    rows = session.execute(
        select(col(OutboxMessage.template), col(OutboxMessage.params))
        .where(
            col(OutboxMessage.bundle_id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.BUNDLED,
            col(OutboxMessage.template) != DIGEST_PART,
        )
        .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
    ).all()
    return [(template, params) for template, params in rows]


def release_held(*, session: Session, recipient_id: int, now: datetime) -> int:
    """The coordinator switched to single notices: what was held goes out now, no digest."""
    released = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.recipient_id) == recipient_id,
            col(OutboxMessage.status) == OutboxStatus.HELD,
        )
        .values(status=OutboxStatus.PENDING, due_at=now)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.recipient_id) == recipient_id,
            col(OutboxMessage.template) == DIGEST,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, last_error="switched to single notices")
    )
    return affected(released)
