"""The table of the privacy rights: a record of every erasure, without the erased person."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


# Table: one erasure (right to erasure, GDPR Art. 17): who asked for it and when, and how many
# submissions were kept anonymised. The erased person's id is not kept; the records kept carry
# the pseudonym -id of this row instead.
class ErasureLog(SQLModel, table=True):
    __tablename__ = "erasure_log"

    id: int | None = Field(default=None, primary_key=True)
    requested_by: str = Field(max_length=64)  # self | cli:<user>
    erased_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    kept: int = 0  # submissions and reports kept anonymised
    deleted: int = 0  # drafts and other rows deleted
