"""The tables of reminders: calls for expressions of interest, notification choices and the
short flows' drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.models import NEVER_REUSED_IDS, UTCDateTime, utcnow


class CallStatus:
    """Where a call for expressions of interest stands."""

    OPEN = "open"
    CLOSED = "closed"


# Table: a call for expressions of interest a coordinator opened (/call); people with an
# unsubmitted draft for its programme get a deadline each, found again on every sweep.
class CallForInterest(SQLModel, table=True):
    __tablename__ = "call_for_interest"
    __table_args__ = (Index("ix_call_status_sweep", "status", "next_sweep_at"),)

    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(max_length=8)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    countries: list[str] = Field(default_factory=list, sa_type=JSON)  # empty: every country
    status: str = Field(default=CallStatus.OPEN, max_length=16)
    next_sweep_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: how a coordinator wants to hear about events: one message each, or a daily digest.
class NotificationPreference(SQLModel, table=True):
    __tablename__ = "notification_preference"

    person_id: int = Field(sa_type=BigInteger, primary_key=True)
    digest: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: a short flow's draft on the form engine (/call, /deadline, the time zone of /settings, a
# decision's reason, a model rule's reason), its answers in one JSON value: a restart loses nothing entered.
class ShortDraft(SQLModel, table=True):
    __tablename__ = "short_draft"
    __table_args__ = (
        Index("ix_short_draft_person_form_status", "person_id", "form", "status"),
        NEVER_REUSED_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_type=BigInteger, foreign_key="person.id")
    form: str = Field(max_length=16)  # call | deadline | zone | decision | rule_reason
    status: str = Field(default="open", max_length=16)  # open | done | discarded
    step: str = Field(default="", max_length=48)
    editing: bool = False
    paused: bool = False
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
