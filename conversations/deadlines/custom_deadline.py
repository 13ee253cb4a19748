"""/deadline (coordinators): a deadline of their own for one person or deployment — who, what,
by when; the person is reminded like for any other deadline.

A form of the one form engine (bot.forms): its draft waits in the database (a restart loses
nothing), Back, Cancel (pause), the summary's edits and a wrong answer's re-ask are the engine's.
Who it is for is looked up in the database (Question.look_up): a Telegram id, an @username, a
deployment number or part of a name, of the coordinator's own programmes only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import form_answers
from bot.buttons.deadlines import CallStep, EntryButton, PersonPicked
from bot.buttons.form import FormButton
from bot.contributions import Audience, Command, Contribution
from bot.form_drafts import FormDrafts
from bot.form_kinds import check_date
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _, ngettext
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.questions import Found, Kind, Question
from bot.roles import coordinators_only, my_programmes
from bot.services import services
from storage import custom_deadlines as store
from storage import people_search
from storage.local_time import DEFAULT_ZONE

# A Telegram id, an @username or a deployment number: looked up as such, never as a name.
_EXPLICIT = re.compile(r"(?i)@\S*|\d+|#\d+|(?:d|deployment\s*|einsatz\s*)\d+")
MAX_TITLE = 300


async def _holder_looked_up(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> Found:
    """The person or deployment typed (or picked), of the coordinator's programmes; else why
    not, or the people whose name contains the text, to pick from."""
    mine = my_programmes(update, context)
    holder = await services(context).db.run(store.find_holder, text=text, programmes=mine)
    if holder is None and not _EXPLICIT.fullmatch(text):
        return await _by_name(update, context, text)
    if holder is None:
        return Found(
            problem=_(
                "I don't know “{text}”. Please type the Telegram id or @username of someone who has written to the bot, or a deployment number like #7."
            ).format(text=text[:64])
        )
    if holder.several:
        return Found(
            problem=_(
                "Several people who wrote to the bot have used “{text}”. Please type the Telegram id of the one you mean."
            ).format(text=text[:64])
        )
    return Found(
        {
            "person_id": holder.person_id,
            "deployment_id": holder.deployment_id,
            "name": holder.name,
            "zone": holder.zone,
        }
    )


async def _by_name(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> Found:
    """Not an id, @username or deployment: the people whose name contains the text."""
    found, total = await services(context).db.run(
        people_search.find_people, text=text, programmes=my_programmes(update, context)
    )
    if not found:
        return Found(
            problem=_(
                "I found nobody called “{text}” among the people who have written to the bot. Please type part of their first name, their @username or Telegram id, or a deployment number like #7."
            ).format(text=text[:64])
        )
    heading = ngettext(
        "One person matches “{text}”. Is it them?",
        "{count} people match “{text}”. Please pick one.",
        total,
    ).format(count=total, text=html.escape(text[:64]))
    if total > len(found):
        heading += "\n" + _(
            "Only the first {shown} are shown: type more of the name to narrow it down."
        ).format(shown=len(found))
    return Found(heading=heading, offered=tuple((str(m.id), _label(m)) for m in found))


def _label(match: people_search.Match) -> str:
    """A person as a button shows them: name, @username and id (names are not unique)."""
    handle = f" @{match.username}" if match.username else ""
    return f"{match.first_name or '?'}{handle} · {match.id}"[:60]


def _holder_shown(value: Any) -> str:
    """Whom the deadline is for: their name (or id), and the deployment if it is one's."""
    if not value:
        return "—"
    shown = str(value.get("name") or value.get("person_id") or "—")
    if value.get("deployment_id"):
        shown += " · " + _("deployment %(id)s") % {"id": value["deployment_id"]}
    return shown


def _title_asked(answers: Mapping[str, Any]) -> str:
    """Whom it is for (what was found), then what is due."""
    holder = answers.get("holder") or {}
    if holder.get("person_id"):
        whom = _("For: %(name)s") % {"name": _holder_shown(holder)}
    else:
        whom = _(
            "For: deployment %(id)s (its expert has not joined yet; the reminders start when they do)"
        ) % {"id": holder.get("deployment_id")}
    return whom + "\n\n" + _("What is due? Describe it in a few words.")


def _zone(answers: Mapping[str, Any]) -> str:
    """The holder's time zone: the day the deadline is due ends there."""
    return str((answers.get("holder") or {}).get("zone") or DEFAULT_ZONE)


QUESTIONS = (
    Question(
        "holder",
        Kind.TEXT,
        N_("For"),
        N_(
            "Who is it for? Type part of the name, the Telegram id or @username of someone who has written to the bot, or a deployment number."
        ),
        "Maria, @maria_mueller, 123456789, #7",
        min_length=1,
        words=False,
        max_length=100,
        show=_holder_shown,
        look_up=_holder_looked_up,
    ),
    Question(
        "title",
        Kind.TEXT,
        N_("What"),
        N_("What is due? Describe it in a few words."),
        N_("Send the signed work plan"),
        min_length=1,
        words=False,
        max_length=MAX_TITLE,
        ask=_title_asked,
    ),
    Question(
        "date",
        Kind.DATE,
        N_("Due"),
        N_("By when? It is due by 23:59 that day in the person's time zone."),
        future=True,
        past=False,
    ),
)


async def deadline_submitted(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Stores the deadline with its reminders and confirms."""
    svc = services(context)
    day = date.fromisoformat(draft.answers["date"])
    problem = check_date(QUESTIONS[2], day, form_answers.today(context, FORM, draft))
    if problem:  # the person was changed from the summary: the day has passed where they are
        await form_answers.ask(update, context, FORM, draft, note=problem)
        return
    deadline = await svc.db.run(
        store.add_from_draft,
        draft_id=draft.id,
        now=svc.clock(),
        programmes=my_programmes(update, context),
    )
    if deadline == store.HOLDER_GONE:  # erased meanwhile, say: choose again, the rest is kept
        moved = await svc.db.run(
            store.move_draft, draft_id=draft.id, step="holder", editing=True, paused=False
        )
        DRAFTS.remember(context, moved)
        note = _("I can no longer find {name} among the people of your programmes.").format(
            name=(draft.answers.get("holder") or {}).get("name") or "?"
        )
        await form_answers.ask(update, context, FORM, moved, note=note)
        return
    await DRAFTS.finished(context)
    if deadline is None or isinstance(deadline, str):
        note = _("That button no longer works. Please send {command} again.")
        await reply(update, context, note.format(command="/deadline"))
        return
    await reply(
        update, context, _("✅ The deadline is set. The reminders are planned."), main_menu_rows()
    )
    wake_dispatcher(context)


async def deadline_discarded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Nothing was set."""
    await reply(update, context, _("Cancelled — nothing was saved."), main_menu_rows())


FORM = Form(
    name="deadline",
    title=N_("Set a deadline"),
    questions=QUESTIONS,
    store=DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft),
    on_submit=deadline_submitted,
    on_discarded=deadline_discarded,
    prefix="dln",
    slot="deadline",
    submit_label=N_("✅ Set the deadline"),
    zone_of=lambda draft: _zone(draft.answers),  # "today" is the holder's
    about=lambda answers: _("It is due at 23:59 in the person's time zone ({zone}).").format(
        zone=_zone(answers)
    ),
)


DRAFTS = FormDrafts(FORM, current=store.current_draft, start=store.start_draft)


async def deadline_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A new /deadline (an unfinished one is dropped: three answers, quickly given); asks whom
    it is for."""
    await acknowledge(update)
    await close_buttons(update)
    await DRAFTS.start(update, context)


async def older_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of /deadline from before it was a form (`dl|dy`, `dl|db`, `dl|pp|…`)."""
    await acknowledge(update)
    await close_buttons(update)
    note = _("That button no longer works. Please send {command} again.")
    await reply(update, context, note.format(command="/deadline"))


async def older_cancel_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel of /call or /deadline from before they were forms (`dl|x`): nothing of that
    flow waits any more, so nothing was saved."""
    await acknowledge(update)
    await close_buttons(update)
    await reply(update, context, _("Cancelled — nothing was saved."), main_menu_rows())


def setup() -> Contribution:
    """/deadline and its buttons (group 0)."""
    older = [
        PersonPicked.pattern(),
        *(
            EntryButton.pattern(step=s)
            for s in (CallStep.DEADLINE_BACK, CallStep.DEADLINE_CONFIRMED)
        ),
    ]
    handlers: list[Handler] = [
        CommandHandler("deadline", coordinators_only(deadline_requested)),
        CallbackQueryHandler(
            coordinators_only(DRAFTS.button_pressed),
            pattern=FormButton.of_form(FORM.prefix).pattern(),
        ),
        *(
            CallbackQueryHandler(coordinators_only(older_button_pressed), pattern=pattern)
            for pattern in older
        ),
        CallbackQueryHandler(
            coordinators_only(older_cancel_pressed),
            pattern=EntryButton.pattern(step=CallStep.CANCEL),
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[
            DRAFTS.open_form(coordinators_only=True, answered_by="experts", kind="deadline")
        ],
        commands=[
            Command(
                "deadline",
                N_("set a deadline for a person or a deployment"),
                audience=Audience.COORDINATORS,
            )
        ],
    )
