"""The right to erasure (GDPR Art. 17): a person's drafts deleted, what the programme keeps
anonymised, their messages cancelled, the coordinators told — in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from storage import activity_reports, interest, outbox
from storage.advisor_tables import AdvisorSession
from storage.audit_tables import AuditEntry, Subject
from storage.experts_tables import (
    ActivityReport,
    Deployment,
    DeploymentStatus,
    InvitationAttempts,
    ProgressReport,
    ReportStatus,
)
from storage.models import (
    Deadline,
    DeadlineStatus,
    ExpressionOfInterest,
    OutboxMessage,
    OutboxStatus,
    Person,
    Status,
)
from storage.privacy_tables import ErasureLog
from storage.programmes import Coordinators, coordinators_of_person
from storage.reminders_tables import NotificationPreference, ShortDraft
from storage.scrubbing import ERASED, Scrubber, identifiers

# Columns that hold a person's Telegram id, in any table: set to the pseudonym on erasure.
PERSON_COLUMNS = frozenset(
    {
        "person_id",
        "expert_id",
        "recipient_id",
        "planned_for",
        "created_by",
        "done_by",
        "reviewed_by",
        "opened_by",
        "used_by",
    }
)

# Fields of a kept submission that only name or reach the person.
_EOI_CONTACT = ("contact_name", "contact_function", "contact_email")

_UNSENT = (OutboxStatus.PENDING, OutboxStatus.HELD, OutboxStatus.FAILED)


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the references kept anonymised, and how many rows went."""

    log_id: int
    references: list[str]
    deleted: int


def _delete_drafts(session: Session, person_id: int) -> int:
    """Every unsubmitted thing of the person goes: drafts, advisor runs."""
    deleted = 0
    connection = session.connection()
    for eoi in session.exec(
        select(ExpressionOfInterest).where(col(ExpressionOfInterest.person_id) == person_id)
    ):
        if eoi.status == Status.DRAFT and eoi.submitted_answers is not None:
            interest.drop_revision(connection, eoi.id or 0)  # back as it was submitted
    session.expire_all()
    for report in session.exec(
        select(ActivityReport).where(col(ActivityReport.person_id) == person_id)
    ):
        if report.status == ReportStatus.DRAFT and report.reference:
            activity_reports.restore_submitted(report)  # an edit undone
    session.flush()
    mine_eoi = col(ExpressionOfInterest.person_id) == person_id
    unsubmitted = col(ExpressionOfInterest.reference).is_(None)
    statements: list[Any] = [
        delete(AdvisorSession).where(col(AdvisorSession.person_id) == person_id),
        delete(ExpressionOfInterest).where(mine_eoi, unsubmitted),
        delete(ActivityReport).where(
            col(ActivityReport.person_id) == person_id, col(ActivityReport.reference).is_(None)
        ),
        delete(ProgressReport).where(
            col(ProgressReport.person_id) == person_id, col(ProgressReport.reference).is_(None)
        ),
        delete(Deployment).where(
            col(Deployment.created_by) == person_id,
            col(Deployment.status) == DeploymentStatus.DRAFT,
        ),
        delete(ShortDraft).where(col(ShortDraft.person_id) == person_id),
        delete(InvitationAttempts).where(col(InvitationAttempts.person_id) == person_id),
        delete(NotificationPreference).where(col(NotificationPreference.person_id) == person_id),
        delete(OutboxMessage).where(col(OutboxMessage.recipient_id) == person_id),
    ]
    for statement in statements:
        deleted += connection.execute(statement).rowcount or 0
    return deleted


def _anonymise_kept(session: Session, person_id: int, scrubber: Scrubber) -> list[str]:
    """Submissions, reports, deployments and deadlines stay, without the person in them."""
    references: list[str] = []
    for eoi in session.exec(
        select(ExpressionOfInterest).where(col(ExpressionOfInterest.person_id) == person_id)
    ):
        for field in _EOI_CONTACT:
            setattr(eoi, field, ERASED)
        scrubber.row(eoi)
        references.append(eoi.reference or "")
    reports: list[ActivityReport | ProgressReport] = [
        *session.exec(select(ActivityReport).where(col(ActivityReport.person_id) == person_id)),
        *session.exec(select(ProgressReport).where(col(ProgressReport.person_id) == person_id)),
    ]
    for report in reports:
        scrubber.row(report)
        references.append(report.reference or "")
    for deployment in session.exec(
        select(Deployment).where(col(Deployment.expert_id) == person_id)
    ):
        deployment.expert_name = ERASED
        scrubber.row(deployment)
    for deadline in session.exec(
        select(Deadline).where(
            or_(col(Deadline.person_id) == person_id, col(Deadline.planned_for) == person_id)
        )
    ):
        if deadline.status == DeadlineStatus.OPEN and deadline.person_id == person_id:
            deadline.status = DeadlineStatus.CANCELLED
        scrubber.row(deadline)
    session.flush()
    return sorted(r for r in references if r)


def _scrub_messages(session: Session, scrubber: Scrubber) -> None:
    """Messages to others that quote the person (a coordinator's notice) keep no trace of
    them; one not sent yet is not sent any more."""
    for message in session.exec(select(OutboxMessage)):
        before = (message.params, message.last_error, message.dedupe_key)
        scrubbed = (
            scrubber.value(message.params),
            scrubber.value(message.last_error),
            scrubber.value(message.dedupe_key),
        )
        if scrubbed != before:
            message.params, message.last_error, message.dedupe_key = scrubbed
            if message.status in _UNSENT:
                message.status = OutboxStatus.CANCELLED


def _scrub_audit(session: Session, person_id: int, scrubber: Scrubber) -> None:
    """The audit trail keeps what happened, not who the person was: their own edits are the
    pseudonym's, and a contact field they changed keeps neither its old nor its new value (an
    e-mail address given up before the erasure is not among the identifiers found today)."""
    their_eois = set(
        session.exec(
            select(ExpressionOfInterest.id).where(col(ExpressionOfInterest.person_id) == person_id)
        )
    )
    for entry in session.exec(select(AuditEntry)):
        if (
            entry.subject_kind == Subject.EOI
            and entry.subject_id in their_eois
            and entry.field in _EOI_CONTACT
        ):
            entry.old, entry.new = ERASED, ERASED
        scrubber.row(entry)


def _repoint(session: Session, person_id: int, pseudonym: int) -> None:
    """Every column of every table that holds the person's id gets the pseudonym."""
    connection = session.connection()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if column.name in PERSON_COLUMNS and isinstance(column.type, BigInteger):
                connection.execute(
                    update(table).where(column == person_id).values({column.name: pseudonym})
                )


def erase_person(
    *,
    session: Session,
    person_id: int,
    requested_by: str,
    coordinators: Coordinators,
    now: datetime,
) -> Erasure | None:
    """Erase the person (see the module); None if the bot has nothing about them. The
    coordinators of the person's programmes are told (found before the records change)."""
    person = session.get(Person, person_id)
    if person is None and not _has_records(session, person_id):
        return None
    told = coordinators_of_person(session, coordinators, person_id)
    found = identifiers(session, person, person_id)
    log = ErasureLog(requested_by=requested_by[:64], erased_at=now)
    session.add(log)
    session.flush()
    assert log.id is not None
    pseudonym = -log.id
    scrubber = Scrubber(found, person_id=person_id, pseudonym=pseudonym)
    # The records kept point to a person without name or contact: the erasure's pseudonym.
    session.add(Person(id=pseudonym, first_name="", created_at=now, updated_at=now))
    session.flush()
    deleted = _delete_drafts(session, person_id)
    references = _anonymise_kept(session, person_id, scrubber)
    _scrub_messages(session, scrubber)
    _scrub_audit(session, person_id, scrubber)
    session.flush()
    _repoint(session, person_id, pseudonym)
    session.expire_all()
    if session.get(Person, person_id) is not None:
        session.execute(delete(Person).where(col(Person.id) == person_id))
        deleted += 1
    log = session.get_one(ErasureLog, log.id)
    log.kept, log.deleted = len(references), deleted
    for coordinator in told:
        outbox.enqueue(
            session,
            recipient_id=coordinator,
            template="privacy/person_erased",
            params={"references": references, "erasure": log.id},
            due_at=now,
            subject=f"erasure:{log.id}",
        )
    session.commit()
    return Erasure(log_id=log.id or 0, references=references, deleted=deleted)


def _has_records(session: Session, person_id: int) -> bool:
    for table in (ExpressionOfInterest, ActivityReport, ProgressReport):
        found = session.exec(select(table.id).where(col(table.person_id) == person_id)).first()
        if found is not None:
            return True
    return False
