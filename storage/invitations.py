"""Transactions for invitations: a code per link (kept as a hash), opening, accepting, guessing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from storage.deadline_holders import assign_person
from storage.deployment_views import DeploymentView, view
from storage.experts_tables import Deployment, DeploymentStatus, Invitation, InvitationAttempts

INVITATION_VALID = timedelta(days=14)
# Guessing codes: after this many wrong codes within the window, refuse for LOCK_TIME.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(hours=1)
LOCK_TIME = timedelta(minutes=15)


def hash_code(code: str) -> str:
    """The stored form of an invitation code."""
    return hashlib.sha256(code.encode()).hexdigest()


def issue_invitation(session: Session, *, deployment_id: int, code: str, now: datetime) -> None:
    """Store a new invitation for the deployment in the caller's transaction."""
    session.add(
        Invitation(
            deployment_id=deployment_id,
            code_hash=hash_code(code),
            created_at=now,
            expires_at=now + INVITATION_VALID,
        )
    )


@dataclass(frozen=True)
class InvitationCheck:
    """What opening an invitation link found: its deployment, or why not (neutral to the user)."""

    outcome: str  # ok | invalid | locked | already_yours
    invitation_id: int | None = None
    deployment: DeploymentView | None = None


def new_invitation(*, session: Session, deployment_id: int, code: str, now: datetime) -> bool:
    """A fresh invitation for an active deployment; older unused links stop working."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None or deployment.status != DeploymentStatus.ACTIVE:
        return False
    session.execute(
        update(Invitation)
        .where(col(Invitation.deployment_id) == deployment_id, col(Invitation.used_at).is_(None))
        .values(expires_at=now)
    )
    issue_invitation(session, deployment_id=deployment_id, code=code, now=now)
    session.commit()
    return True


def _wrong_code(session: Session, person_id: int, now: datetime) -> str:
    """Count a wrong code; lock the account for a while after too many."""
    attempts = session.get(InvitationAttempts, person_id)
    if attempts is None:
        attempts = InvitationAttempts(person_id=person_id)
        session.add(attempts)
    if attempts.window_start is None or now - attempts.window_start > WRONG_CODE_WINDOW:
        attempts.window_start, attempts.failures = now, 0
    attempts.failures += 1
    if attempts.failures >= MAX_WRONG_CODES:
        attempts.locked_until, attempts.failures, attempts.window_start = now + LOCK_TIME, 0, None
    session.commit()
    return "invalid"


def _locked(session: Session, person_id: int, now: datetime) -> bool:
    attempts = session.get(InvitationAttempts, person_id)
    return bool(attempts and attempts.locked_until and attempts.locked_until > now)


def _usable(invitation: Invitation | None, now: datetime) -> bool:
    return invitation is not None and invitation.used_at is None and invitation.expires_at > now


def open_invitation(
    *, session: Session, code: str, person_id: int, now: datetime
) -> InvitationCheck:
    """Look up the code of an opened link; a wrong one counts against the account."""
    if _locked(session, person_id, now):
        return InvitationCheck("locked")
    invitation = session.execute(
        select(Invitation).where(col(Invitation.code_hash) == hash_code(code))
    ).scalar_one_or_none()
    if invitation is not None and invitation.used_by == person_id:
        deployment = session.get_one(Deployment, invitation.deployment_id)
        return InvitationCheck("already_yours", invitation.id, view(session, deployment))
    if invitation is None or not _usable(invitation, now):
        return InvitationCheck(_wrong_code(session, person_id, now))
    deployment = session.get_one(Deployment, invitation.deployment_id)
    if deployment.status != DeploymentStatus.ACTIVE:
        return InvitationCheck(_wrong_code(session, person_id, now))
    invitation.opened_by = person_id
    session.commit()
    return InvitationCheck("ok", invitation.id, view(session, deployment))


def accept_invitation(
    *, session: Session, invitation_id: int, person_id: int, now: datetime
) -> DeploymentView | None:
    """Bind the person to the deployment: the link is used up, open deadlines become theirs.

    None when the link is no longer usable or was opened by someone else.
    """
    invitation = session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or not _usable(invitation, now) or invitation.opened_by != person_id:
        return None
    invitation.used_at, invitation.used_by = now, person_id
    deployment = session.get_one(Deployment, invitation.deployment_id)
    deployment.expert_id, deployment.bound_at, deployment.updated_at = person_id, now, now
    # The open report deadlines become the expert's, their reminders created in this transaction.
    assign_person(session, person_id=person_id, deployment_id=deployment.id, now=now)
    attempts = session.get(InvitationAttempts, person_id)
    if attempts is not None:
        attempts.failures, attempts.window_start = 0, None
    session.commit()
    return view(session, deployment)
