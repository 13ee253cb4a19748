"""The audit trail as rows for a spreadsheet or CSV: labelled columns in the reader's language,
local times without microseconds, names instead of telegram:<id>."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any

from sqlmodel import Session

from bot.i18n import N_, _, use_language
from bot.vocabulary import STATUSES
from storage import audit, people
from storage.local_time import local
from storage.programmes import ALL

# Column key -> header (translated when the rows are made).
COLUMNS = {
    "at": N_("When"),
    "actor": N_("Who"),
    "subject": N_("Subject"),
    "reference": N_("Reference"),
    "action": N_("Action"),
    "field": N_("Field"),
    "old": N_("Old value"),
    "new": N_("New value"),
    "reason": N_("Reason"),
}
SUBJECTS = {
    audit.Subject.EOI: N_("Expression of interest"),
    audit.Subject.REPORT: N_("Activity report"),
    audit.Subject.RULE: N_("Country rule of an expert model"),
}
ACTIONS = {
    audit.Action.DECISION: N_("Decision"),
    audit.Action.REVISION: N_("Change after submission"),
    audit.Action.RULE: N_("Rule change"),
    audit.Action.REVIEW: N_("Review"),
}


def value_text(value: Any, field: str | None) -> str:
    """An old or new value as text: a status by its label, lists and mappings joined."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if field == "status" and str(value) in STATUSES:
        return _(STATUSES[str(value)])
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def records(*, session: Session, programmes: Collection[str] = ALL) -> list[dict[str, Any]]:
    """Every audit entry, oldest first, as a record for the export's audit sheet: stored values,
    with the actor's name instead of telegram:<id> (a person the bot no longer knows keeps it)."""
    entries = audit.everything(session=session, programmes=programmes)
    ids = {
        int(number)
        for e in entries
        if (number := e.actor.removeprefix("telegram:")).isdigit() and e.actor != number
    }
    names = people.names_of(session=session, person_ids=ids)
    found = []
    for e in entries:
        number = e.actor.removeprefix("telegram:")
        record = dataclasses.asdict(e)
        record["actor"] = names.get(int(number), e.actor) if number.isdigit() else e.actor
        found.append(record)
    return found


def reason_text(record: Mapping[str, Any], reason_labels: Mapping[str, str]) -> str:
    """A preset reason in the current language, a typed one as typed."""
    preset = reason_labels.get(record["reason_code"] or "")
    return _(preset) if preset else (record["reason"] or "")


def rows(
    *,
    session: Session,
    language: str,
    zone: str = "Europe/Berlin",
    field_labels: Mapping[str, str] | None = None,
    reason_labels: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Every audit entry, oldest first, as {column header: text} in `language`; field_labels
    and reason_labels map answer keys and preset reason codes to their (untranslated) labels."""
    fields, presets = field_labels or {}, reason_labels or {}
    with use_language(language):
        out = []
        for e in records(session=session):
            label = fields.get(e["field"] or "")
            values = {
                "at": local(e["at"], zone).replace(microsecond=0, tzinfo=None).isoformat(sep=" "),
                "actor": e["actor"],
                "subject": _(SUBJECTS.get(e["subject_kind"], e["subject_kind"])),
                "reference": e["reference"] or "",
                "action": _(ACTIONS.get(e["action"], e["action"])),
                "field": _(label) if label else (e["field"] or ""),
                "old": value_text(e["old"], e["field"]),
                "new": value_text(e["new"], e["field"]),
                "reason": reason_text(e, presets),
            }
            out.append({_(COLUMNS[key]): text for key, text in values.items()})
        return out
