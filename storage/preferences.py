"""A person's own settings (time zone; for coordinators, digest or single notices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage import digests
from storage.local_time import is_zone, zone_of
from storage.models import Person
from storage.reminders import replan_for_person
from storage.reminders_tables import NotificationPreference, ShortDraft
from storage.short_drafts import ShortDrafts


@dataclass(frozen=True)
class SettingsView:
    """What /settings shows."""

    zone: str
    own_zone: bool  # chosen by the person, not derived from a country
    digest: bool


def settings_of(*, session: Session, person_id: int) -> SettingsView:
    """The person's settings as they stand."""
    person = session.get(Person, person_id)
    preference = session.get(NotificationPreference, person_id)
    return SettingsView(
        zone=zone_of(session, person_id),
        own_zone=bool(person and is_zone(person.timezone)),
        digest=bool(preference and preference.digest),
    )


# A time zone being changed in /settings (one question on the form engine).
ZONE_DRAFTS = ShortDrafts("zone")


def set_timezone(*, session: Session, person_id: int, zone: str, now: datetime) -> SettingsView:
    """Store the person's time zone; their pending reminders move to 09:00 there."""
    _set_zone(session, person_id, zone, now)
    session.commit()
    return settings_of(session=session, person_id=person_id)


def timezone_from_draft(*, session: Session, draft_id: int, now: datetime) -> SettingsView | None:
    """The time zone the person's draft names, stored (the draft deleted in the same commit);
    None if the draft was already used or thrown away."""
    answers = ZONE_DRAFTS.taken(session, draft_id)
    if answers is None:
        return None
    row = session.get_one(ShortDraft, draft_id)
    _set_zone(session, row.person_id, answers["zone"], now)
    session.delete(row)
    session.commit()
    return settings_of(session=session, person_id=row.person_id)


def _set_zone(session: Session, person_id: int, zone: str, now: datetime) -> None:
    if not is_zone(zone):
        raise ValueError(f"unknown time zone {zone!r}")
    person = session.get_one(Person, person_id)
    person.timezone, person.updated_at = zone, now
    session.flush()
    replan_for_person(session, person_id=person_id, now=now)


def set_digest(*, session: Session, person_id: int, digest: bool, now: datetime) -> SettingsView:
    """Daily digest or single notices; held notices go out now when switching to single ones."""
    preference = session.get(NotificationPreference, person_id)
    if preference is None:
        preference = NotificationPreference(person_id=person_id)
        session.add(preference)
    preference.digest, preference.updated_at = digest, now
    if not digest:
        digests.release_held(session=session, recipient_id=person_id, now=now)
    session.commit()
    return settings_of(session=session, person_id=person_id)
