"""The durable outbox: messages to send, added in the transaction of the change they report,
and read back (for tests and the shell). The dispatcher claims them (storage.outbox_claims) and
records what became of them (storage.outbox_results)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import Session, col

from storage.models import OutboxMessage, OutboxStatus, table_of, utcnow

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
