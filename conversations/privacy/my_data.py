"""/mydata: the right of access — everything stored about the person, as a JSON file and as a
readable HTML document in their language and time zone.

The readable document shows answers as the person gave them: an option's label, not its code
("2 to 5 years", not `2to5`), from the forms' own questions (`Contribution.questions`, the same
the export reads), so a new question or option reads right here without a change."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from telegram import InputFile, Update
from telegram.ext import CommandHandler, ContextTypes

from bot.answer_cells import answer
from bot.contributions import Command, Contribution, Questions, questions_of
from bot.export_sheets import SOURCES
from bot.i18n import N_, _, country_name, current_language, format_day, format_moment, render
from bot.messaging import acknowledge, reply
from bot.ptb_types import Handler
from bot.questions import Question
from bot.services import services
from bot.vocabulary import PROGRAMMES, STATUSES
from conversations.privacy.labels import FIELDS, SECTIONS
from storage.personal_data import personal_data

COMMAND_DESCRIPTION = N_("All my data, to download")

_MOMENTS = frozenset(
    {"created_at", "updated_at", "submitted_at", "bound_at", "message_date", "reviewed_at"}
    | {"due_at", "done_at", "reminded_at", "sent_at"}
)
_DAYS = frozenset({"activity_date", "start_date", "end_date"})
_COUNTRIES = frozenset({"partner_country", "country"})

Row = tuple[str, str]

# Which forms' questions a section's records answer (kinds as the conversations contribute
# them): an expression of interest keeps the advisor's answers that helped to fill it in.
_FORMS_OF_SECTION = {
    "drafts": ("interest", "advisor"),
    "submissions": ("interest", "advisor"),
    "advisor_runs": ("advisor", "interest"),
    "deployments": ("deployment",),
    "activity_reports": ("report",),
    "progress_reports": ("progress",),
}
# Fields whose value is an answer to another key's question: the advisor recommends one of
# the expert models the expression of interest asks about.
_ANSWERED_AS = {"advisor_recommendation": "expert_model", "recommendation": "expert_model"}

# What a message sent to the person was, by its template (others: "Message").
_MESSAGES = {
    "notices/eoi_submitted": N_("Your expression of interest was received"),
    "notices/eoi_status": N_("News about your expression of interest"),
    "reminders/reminder": N_("Deadline reminder"),
    "reminders/final": N_("Deadline missed"),
    "reminders/digest": N_("Daily digest"),
    "reminders/digest_part": N_("Daily digest"),
    "experts/report_reviewed": N_("Your activity report was reviewed"),
    "privacy/draft_expiring": N_("An unfinished draft will be deleted"),
}


async def data_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the person two files with everything stored about them: JSON and HTML."""
    await acknowledge(update)
    assert update.effective_user is not None and update.effective_chat is not None
    svc = services(context)
    data = await svc.db.run(personal_data, person_id=update.effective_user.id)
    if data is None:  # erased a moment ago, in another update
        await reply(update, context, _("partnerbot stores nothing about you."))
        return
    now = svc.clock()
    zone = data.pop("zone")
    machine = {"generated_at": now.isoformat(), "time_zone": zone, **data}
    readable = render(
        "privacy/my_data_document",
        language=current_language(),
        generated=format_moment(now, zone),
        zone=zone,
        sections=_sections(data, zone, svc.contributions.questions),
    )
    chat = update.effective_chat.id
    await context.bot.send_document(
        chat,
        InputFile(
            json.dumps(machine, ensure_ascii=False, indent=2).encode(),
            filename="partnerbot-my-data.json",
        ),
        caption=_("Everything partnerbot stores about you, machine-readable (JSON)."),
    )
    await context.bot.send_document(
        chat,
        InputFile(readable.encode(), filename="partnerbot-my-data.html"),
        caption=_("The same to read: open it in a browser. /deleteme erases your data."),
    )


def _sections(
    data: dict[str, Any], zone: str, questions: Questions
) -> list[tuple[str, list[tuple[str, list[Row]]]]]:
    """Each section's title and its records, each record a heading and (label, value) rows."""
    sections = []
    for key, title in SECTIONS.items():
        value = data.get(key)
        records = value if isinstance(value, list) else [value] if value else []
        asked = {
            q.key: q
            for kind in reversed(_FORMS_OF_SECTION.get(key, ()))
            for q in questions_of(questions, kind)
        }
        shown = [(_heading(record), _rows(record, zone, asked)) for record in records]
        sections.append((_(title), shown))
    return sections


def _message_name(template: str) -> str:
    return _(_MESSAGES.get(template, N_("Message")))


def _heading(record: dict[str, Any]) -> str:
    if record.get("what"):
        return _message_name(record["what"])
    return str(record.get("reference") or record.get("title") or "")


def _rows(record: dict[str, Any], zone: str, asked: dict[str, Question]) -> list[Row]:
    return [(_label(key, asked), _shown(key, value, zone, asked)) for key, value in record.items()]


def _label(key: str, asked: dict[str, Question]) -> str:
    """A field's name: its question's label for an answer, else the bookkeeping field's."""
    return _(asked[key].label if key in asked else FIELDS.get(key, key))


def _shown(key: str, value: Any, zone: str, asked: dict[str, Question] | None = None) -> str:
    """A stored value as a person reads it: dates in their zone, codes by their names."""
    question = (asked or {}).get(_ANSWERED_AS.get(key, key))
    if key == "what" and isinstance(value, str):
        return _message_name(value)
    if key == "source" and value in SOURCES:
        return _(SOURCES[value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in _MOMENTS and isinstance(value, str):
        return format_moment(datetime.fromisoformat(value), zone)
    if key in _DAYS and isinstance(value, str):
        return format_day(datetime.combine(date.fromisoformat(value), datetime.min.time()))
    if key in _COUNTRIES and isinstance(value, str):
        return country_name(value)
    if key == "programme" and value in PROGRAMMES:
        return _(PROGRAMMES[value])
    if key == "status" and value in STATUSES:
        return _(STATUSES[value])
    if question is not None and question.options and value is not None:
        return str(answer(question, value) or "")
    if isinstance(value, list):
        return ", ".join(
            str(item.get("name") or item.get("type")) if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, dict):
        return "; ".join(
            f"{_(asked[k].label) if asked and k in asked else k}: {_shown(k, v, zone, asked)}"
            for k, v in value.items()
        )
    return str(value)


def setup() -> Contribution:
    """The /mydata command."""
    handlers: list[Handler] = [CommandHandler("mydata", data_requested)]
    return Contribution(
        handlers,
        commands=[
            Command(
                "mydata",
                COMMAND_DESCRIPTION,
                N_("all your data as documents to download"),
                about_the_bot=True,
            )
        ],
    )
