"""The audit trail's table: who changed what, when, from what to what, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


class Subject:
    """What an audit entry is about."""

    EOI = "eoi"  # an expression of interest (subject_id: its id)
    REPORT = "report"  # an activity report (subject_id: its id)
    RULE = "model_rule"  # a country rule of an expert model (reference: "GH/fkf_integrated")


class Action:
    """What happened."""

    DECISION = "decision"  # a coordinator's decision on a submission (field: status)
    REVISION = "revision"  # an answer changed after submission (field: the answer's key)
    RULE = "rule"  # a rule's status or reasons changed (field: status | reasons)
    REVIEW = "review"  # a coordinator marked a report as reviewed


# Table: one change, written in the same transaction as the change itself. Old and new values
# are kept as they were stored (codes, not labels): the reader labels them in their language.
class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_subject", "subject_kind", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=64)  # telegram:<id> | cli:<user>
    subject_kind: str = Field(max_length=16)
    subject_id: int | None = Field(default=None)
    reference: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=16)
    field: str | None = Field(default=None, max_length=48)
    old: Any = Field(default=None, sa_type=JSON)
    new: Any = Field(default=None, sa_type=JSON)
    # A preset reason's code ("missing_information") or the text a coordinator typed.
    reason_code: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=1000)
