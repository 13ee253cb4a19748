"""The tables of deployed experts: deployments, invitations, activity and progress reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.answer_columns import answer
from storage.models import NEVER_REUSED_IDS, UTCDateTime, utcnow


class DeploymentStatus(StrEnum):
    """Where a deployment stands: a coordinator still filling it in, or registered."""

    DRAFT = "draft"
    ACTIVE = "active"
    DISCARDED = "discarded"


class ReportStatus(StrEnum):
    """Where an activity or progress report stands."""

    OFFERED = "offered"  # a message the bot offered to file as a report, not yet decided
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    DISMISSED = "dismissed"  # the expert said No to the offer, or discarded the draft


class ReportingInterval(StrEnum):
    """How often a deployed expert reports progress."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


# Table: an expert placed with a partner, from the coordinator's first answer to the end date.
class Deployment(SQLModel, table=True):
    __table_args__ = (
        Index("ix_deployment_creator_status", "created_by", "status"),
        NEVER_REUSED_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=DeploymentStatus.DRAFT, max_length=16)
    step: str = Field(default="", max_length=48)  # while a coordinator registers it in chat
    editing: bool = False
    paused: bool = False
    expert_name: str | None = answer(max_length=200)
    expert_model: str | None = answer(max_length=32)
    eoi_id: int | None = Field(default=None, foreign_key="expression_of_interest.id")
    eoi_reference: str | None = answer(max_length=32)  # as typed, checked
    partnership: str | None = answer(max_length=500)
    country: str | None = answer(max_length=2)  # ISO 3166-1 alpha-2
    city: str | None = answer(max_length=200)
    start_date: date | None = answer()
    end_date: date | None = answer()
    interval: str | None = answer(max_length=16)  # monthly | quarterly
    expert_id: int | None = Field(
        default=None, sa_type=BigInteger, foreign_key="person.id", index=True
    )
    bound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=BigInteger)  # None: the command line
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: a personal invitation link's code, kept only as its SHA-256 hash.
class Invitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deployment_id: int = Field(foreign_key="deployment.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    # Who opened the link last: only that account may confirm it (the button carries an id).
    opened_by: int | None = Field(default=None, sa_type=BigInteger)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: int | None = Field(default=None, sa_type=BigInteger)


# Table: wrong invitation codes per account, to slow down guessing.
class InvitationAttempts(SQLModel, table=True):
    __tablename__ = "invitation_attempts"

    person_id: int = Field(sa_type=BigInteger, primary_key=True)
    failures: int = 0  # wrong codes since window_start
    window_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Table: one activity of a deployed expert (advice, training, workshop, ...), quick or guided.
class ActivityReport(SQLModel, table=True):
    __tablename__ = "activity_report"
    __table_args__ = (
        Index("ix_activity_report_person_status", "person_id", "status"),
        Index("ix_activity_report_album", "person_id", "media_group_id"),
        NEVER_REUSED_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=32, unique=True)
    deployment_id: int = Field(foreign_key="deployment.id", index=True)
    person_id: int = Field(sa_type=BigInteger, foreign_key="person.id")
    status: str = Field(default=ReportStatus.DRAFT, max_length=16)
    step: str = Field(default="", max_length=48)
    editing: bool = False
    paused: bool = False
    source: str = Field(default="guided", max_length=8)  # quick | guided
    media_group_id: str | None = Field(default=None, max_length=64)  # an album being collected
    message_date: datetime | None = Field(default=None, sa_type=UTCDateTime)

    activity_type: str | None = answer(max_length=32)
    activity_date: date | None = answer()
    title: str | None = answer(max_length=200)
    description: str | None = answer(max_length=8000)
    participants_total: int | None = answer()
    participants_women: int | None = answer()
    disadvantaged: str | None = answer(max_length=1000)
    institutions: str | None = answer(max_length=1000)
    sdgs: list[str] | None = answer(sa_type=JSON)
    gender: str | None = answer(max_length=16)  # none | significant | principal
    do_no_harm: str | None = answer(max_length=8)  # yes | no
    do_no_harm_note: str | None = answer(max_length=1000)
    # [{type: photo|document, file_id, file_unique_id, name, mime}], kept by Telegram file id
    attachments: list[dict[str, Any]] | None = answer(sa_type=JSON)
    # The answers as last submitted, kept while the expert edits: discarding the edit restores them.
    submitted_answers: dict[str, Any] | None = Field(default=None, sa_type=JSON)

    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: a periodic progress report of a deployment, answering one progress_report deadline.
class ProgressReport(SQLModel, table=True):
    __tablename__ = "progress_report"
    __table_args__ = (
        Index("ix_progress_report_person_status", "person_id", "status"),
        NEVER_REUSED_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=32, unique=True)
    deployment_id: int = Field(foreign_key="deployment.id", index=True)
    person_id: int = Field(sa_type=BigInteger, foreign_key="person.id")
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")
    period: int = 0  # n of the deadline key deployment:<id>:report:<n>
    status: str = Field(default=ReportStatus.DRAFT, max_length=16)
    step: str = Field(default="", max_length=48)
    editing: bool = False
    paused: bool = False
    progress: str | None = answer(max_length=3000)
    challenges: str | None = answer(max_length=3000)
    next_steps: str | None = answer(max_length=3000)
    support_needed: str | None = answer(max_length=2000)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
