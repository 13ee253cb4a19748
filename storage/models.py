"""The SQLModel tables: people, organisations, expressions of interest and the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, String, Table, TypeDecorator
from sqlmodel import Field, SQLModel

from storage.answer_columns import answer

# The tables of drafts, which are deleted when discarded: on SQLite an id is never given again
# (AUTOINCREMENT), so an old button of a deleted draft never reaches a newer one (migration 0010).
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A table class's Core table (SQLModel sets __table__ without declaring it to type checkers)."""
    return model.__dict__["__table__"]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Programme(StrEnum):
    """The two programmes a person can express interest in."""

    FACHKRAEFTEFONDS = "fkf"
    VERWALTUNGSPARTNERSCHAFT = "vwp"


class Status(StrEnum):
    """Where an expression of interest stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DISCARDED = "discarded"


class OutboxStatus(StrEnum):
    """Where a message to send stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    HELD = "held"  # kept for a coordinator's daily digest
    BUNDLED = "bundled"  # goes out as part of another message (bundle_id)


# Table: a person who has written to the bot (or a coordinator it has to reach).
class Person(SQLModel, table=True):
    id: int = Field(sa_type=BigInteger, primary_key=True)  # Telegram user id = private chat id
    first_name: str = Field(default="", max_length=256)
    username: str | None = Field(default=None, max_length=64)
    telegram_language: str | None = Field(default=None, max_length=16)
    language: str | None = Field(default=None, max_length=8)  # chosen with /language
    timezone: str | None = Field(default=None, max_length=64)
    unreachable: bool = False  # the person blocked the bot
    # The flow whose question the person was asked last: only it takes their typed messages.
    active_flow: str | None = Field(default=None, max_length=32)
    # The newest update handled for this person, to drop a redelivered one.
    last_update_id: int = Field(default=0, sa_type=BigInteger)
    last_update_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: a German or partner municipality or authority named in a submission.
class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=32)  # municipality | authority
    side: str = Field(max_length=16)  # german | partner
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    state: str | None = Field(default=None, max_length=8)  # German federal state, if any
    level: str | None = Field(default=None, max_length=16)  # federal | state, for authorities
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: an expression of interest, from the first answer (draft) to the coordinators' decision.
class ExpressionOfInterest(SQLModel, table=True):
    __tablename__ = "expression_of_interest"
    __table_args__ = (Index("ix_eoi_person_status", "person_id", "status"), NEVER_REUSED_IDS)

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=32, unique=True)
    person_id: int = Field(sa_type=BigInteger, foreign_key="person.id")
    programme: str = Field(max_length=8)
    status: str = Field(default=Status.DRAFT, max_length=16)
    step: str = Field(default="", max_length=48)  # the field the person is answering, or "summary"
    editing: bool = False  # answering from the summary: return there afterwards
    paused: bool = False  # the person pressed Cancel: typed text is not taken as an answer
    # The newest update that changed this draft: a redelivery of it (after a crash) is dropped.
    last_update_id: int = Field(default=0, sa_type=BigInteger)
    language: str = Field(default="en", max_length=8)  # the submitter's language at submission

    # Fachkräftefonds and Verwaltungspartnerschaft alike
    german_state: str | None = answer(max_length=8)
    partner_country: str | None = answer(max_length=2)
    contact_name: str | None = answer(max_length=200)
    contact_function: str | None = answer(max_length=200)
    contact_email: str | None = answer(max_length=254)
    consent: bool | None = answer()

    # Fachkräftefonds
    german_municipality: str | None = answer(max_length=200)
    partner_municipality: str | None = answer(max_length=200)
    partnership_age: str | None = answer(max_length=16)
    expertise: str | None = answer(max_length=1500)
    tasks_goals: str | None = answer(max_length=2000)
    expert_model: str | None = answer(max_length=32)
    advisor_answers: dict[str, Any] | None = answer(asked=False, sa_type=JSON)
    advisor_recommendation: str | None = answer(asked=False, max_length=32)

    # Verwaltungspartnerschaft
    authority_level: str | None = answer(max_length=16)
    german_authority: str | None = answer(max_length=200)
    partner_authority: str | None = answer(max_length=200)
    topics: str | None = answer(max_length=1500)
    goals: list[str] | None = answer(sa_type=JSON)
    methods: list[str] | None = answer(sa_type=JSON)
    duration: str | None = answer(max_length=16)
    letter_of_intent: str | None = answer(max_length=16)
    sdgs: list[str] | None = answer(sa_type=JSON)
    do_no_harm: str | None = answer(max_length=1500)
    gender_diversity: str | None = answer(max_length=1500)

    german_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    partner_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # While a submission returned for changes is revised (status draft again, reference kept):
    # its answers as submitted, restored if the revision is dropped.
    submitted_answers: dict[str, Any] | None = Field(default=None, sa_type=JSON)


# Table: the last number handed out per reference prefix and year (EOI-2026-0042).
class ReferenceCounter(SQLModel, table=True):
    __tablename__ = "reference_counter"

    prefix: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    last: int = 0


# Table: one message to send, created in the same transaction as the change it reports.
class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        Index("ix_outbox_recipient_status", "recipient_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(sa_type=BigInteger, index=True)
    template: str = Field(max_length=64)  # rendered at send time in the recipient's language
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    subject: str | None = Field(default=None, max_length=64, index=True)  # e.g. a reference
    dedupe_key: str | None = Field(default=None, max_length=128, unique=True)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The message this one goes out with (a digest, or several overdue notices in one).
    bundle_id: int | None = Field(default=None, index=True)


class DeadlineStatus(StrEnum):
    """Where a deadline stands."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


# Table: something a person has to deliver by a date (a progress report, an expression of
# interest for a call, a custom task); its reminders are outbox rows with subject "deadline:<id>".
class Deadline(SQLModel, table=True):
    __table_args__ = (Index("ix_deadline_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # progress_report | call | custom
    # A stable name for what is due, e.g. "deployment:7:report:3"; unique per kind.
    key: str = Field(max_length=128, unique=True)
    person_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="person.id")
    deployment_id: int | None = Field(default=None, index=True)
    programme: str | None = Field(default=None, max_length=8)
    title: str = Field(default="", max_length=300)  # as the coordinator typed it (custom)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=DeadlineStatus.OPEN, max_length=16)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Reminders (migration 0005): whom the reminder rows were made for, which reminder went out
    # last (two rows due together send one message), and who marked it done.
    planned_for: int | None = Field(default=None, sa_type=BigInteger)
    reminded_message_id: int | None = None
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: int | None = Field(default=None, sa_type=BigInteger)
