"""The expert-model tables: which model is possible in which country, its change log, and the
advisor's saved answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.models import NEVER_REUSED_IDS, UTCDateTime, utcnow


class RuleStatus(StrEnum):
    """Whether an expert model can be used in a country."""

    POSSIBLE = "possible"
    NOT_POSSIBLE = "not_possible"
    TO_BE_CONFIRMED = "to_be_confirmed"


# Table: one expert model in one country; a country without a row is "to be confirmed".
class ModelRule(SQLModel, table=True):
    __tablename__ = "model_rule"

    country: str = Field(primary_key=True, max_length=2)  # ISO 3166-1 alpha-2
    model: str = Field(primary_key=True, max_length=32)  # integrated | development_worker | local
    status: str = Field(default=RuleStatus.TO_BE_CONFIRMED, max_length=16)
    # Why, shown to partners: language code -> text (a language may be missing).
    reasons: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(default="seed", max_length=64)  # telegram:<id> | cli:<user> | seed


# Table: every change of a rule — who, when, what it was and what it became.
class ModelRuleChange(SQLModel, table=True):
    __tablename__ = "model_rule_change"
    __table_args__ = (Index("ix_model_rule_change_country", "country", "model"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    model: str = Field(max_length=32)
    old: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # None: the row was new
    new: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    changed_by: str = Field(max_length=64)  # telegram:<id> | cli:<user>
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Table: a person's run of the expert-model advisor, answered step by step like a form draft.
class AdvisorSession(SQLModel, table=True):
    __tablename__ = "advisor_session"
    __table_args__ = (
        Index("ix_advisor_session_person_status", "person_id", "status"),
        NEVER_REUSED_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_type=BigInteger, foreign_key="person.id")
    status: str = Field(default="open", max_length=16)  # open | done | discarded
    step: str = Field(default="", max_length=48)
    editing: bool = False
    paused: bool = False
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # The expression of interest it was started from ("Help me choose"), if any.
    eoi_id: int | None = Field(default=None, foreign_key="expression_of_interest.id")
    recommendation: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
