"""A form's drafts as every flow handles them: the person's current draft (kept in this process,
loaded once after a restart), the (form, draft) pair the open forms are listed by, starting a
draft (the other forms paused first), its buttons and typed answers, and being done with it.

What is stored is the storage functions' (each owns its transaction); how a step is asked and
answered, the engine's (bot.form_steps, bot.form_answers, bot.form_buttons).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import form_answers, form_buttons
from bot.active_flow import activate, is_active
from bot.buttons.form import FormAction
from bot.contributions import OpenForm
from bot.form_steps import ask, remember, today
from bot.forms import AnyForm, Form
from bot.i18n import N_, _
from bot.messaging import reply
from bot.open_forms import pause_other_forms
from bot.services import services
from bot.step_views import question_view
from storage.drafts import Draft, DraftT

# What a press on a button of a draft that is gone (submitted, discarded, someone else's) reads.
GONE = N_("This button belongs to a form that was already submitted or discarded.")


class FormDrafts(Generic[DraftT]):
    """The drafts of one form, or of several forms that share a slot (the programmes' forms:
    the draft's form name picks its form), with the storage functions that find and start them.

    current: (session or connection, <owner>=person id) -> the person's open draft or None;
    start: (session, <owner>=person id, step, now, **values) -> a new draft;
    owner: the name of their person-id argument; gone: msgid of what a stale button reads.
    """

    def __init__(
        self,
        form: Form[DraftT] | Mapping[str, Form[DraftT]],
        *,
        current: Callable[..., DraftT | None],
        start: Callable[..., DraftT],
        owner: str = "person_id",
        gone: str = GONE,
    ) -> None:
        self._forms: Mapping[str, Form[DraftT]] | None = None
        if isinstance(form, Form):
            self.form = form
        else:
            self._forms, self.form = form, next(iter(form.values()))
        slots = {f.slot for f in (self._forms or {}).values()} | {self.form.slot}
        if len(slots) != 1:
            raise ValueError(f"forms of one FormDrafts share one slot, not {sorted(slots)}")
        self.slot = self.form.slot
        self._current, self._start, self._owner, self._gone = current, start, owner, gone

    def form_of(self, draft: DraftT) -> Form[DraftT]:
        """The form a draft belongs to."""
        return self.form if self._forms is None else self._forms[draft.form]

    # -- the draft in this process's cache ----------------------------------------------------
    async def current(self, context: ContextTypes.DEFAULT_TYPE, person_id: int) -> DraftT | None:
        """The person's open draft: from the cache, or loaded once (after a restart; the first
        contact usually has put it there already, bot.app)."""
        assert context.user_data is not None
        if self.slot not in context.user_data:
            svc = services(context)
            found = await svc.db.run(self._current, **{self._owner: person_id})
            context.user_data[self.slot] = found
        draft: DraftT | None = context.user_data[self.slot]
        return draft

    async def find(
        self, context: ContextTypes.DEFAULT_TYPE, person_id: int
    ) -> tuple[AnyForm, Draft] | None:
        """The person's open draft with its form, for the menu, /cancel and pausing."""
        draft = await self.current(context, person_id)
        return None if draft is None else (self.form_of(draft), draft)

    def open_form(self, **kind: Any) -> OpenForm:
        """This kind of open form, for the conversation's Contribution (kind: OpenForm's
        other fields)."""
        return OpenForm(self.slot, self.find, **kind)

    def remember(self, context: ContextTypes.DEFAULT_TYPE, draft: DraftT | None) -> None:
        """Keep a draft that storage just handed back (None: the person has none now)."""
        remember(context, self.form, draft)

    # -- starting and ending ------------------------------------------------------------------
    async def start(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        *,
        form: Form[DraftT] | None = None,
        intro: str | None = None,
        pause_others: bool = True,
        below: bool = False,
        **values: Any,
    ) -> DraftT:
        """Opens a draft (values: more arguments for storage's start) and asks its first
        question, after an intro if there is one.

        pause_others: the person's other open forms are paused first, so that what they type
        comes here; below: the question is a new message under the one whose button was pressed
        (a notice stays readable), instead of turning that message into the question."""
        form = form or self.form
        user = update.effective_user
        assert user is not None
        if pause_others:
            await pause_other_forms(update, context, keep=self.slot)
        svc = services(context)
        draft = await svc.db.run(
            self._start,
            **{self._owner: user.id},
            step=form.first_step(),
            now=svc.clock(),
            **values,
        )
        self.remember(context, draft)
        if intro is not None:
            await reply(update, context, intro)
        if below:
            await activate(context, form.slot)
            await reply(update, context, *question_view(form, draft, today(context, form, draft)))
        else:
            await ask(update, context, form, draft)
        return draft

    async def continue_open(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Pauses the person's other forms and continues their open draft of this kind where
        it stands; False if they have none (the caller starts one)."""
        user = update.effective_user
        assert user is not None
        await pause_other_forms(update, context, keep=self.slot)
        draft = await self.current(context, user.id)
        if draft is None:
            return False
        form = self.form_of(draft)
        await form_buttons.button_pressed(update, context, form, draft, "", FormAction.CONTINUE, "")
        return True

    async def discard(self, context: ContextTypes.DEFAULT_TYPE, draft: DraftT) -> None:
        """Throws the draft away (in storage and here)."""
        await services(context).db.run(self.form_of(draft).store.discard, draft_id=draft.id)
        self.remember(context, None)

    async def finished(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The draft has done its work (storage took it): forgotten here, and any open form may
        take the next typed text again."""
        self.remember(context, None)
        await activate(context, None)

    async def done_with(self, context: ContextTypes.DEFAULT_TYPE, draft: DraftT) -> None:
        """A short flow's draft is no longer needed (used, or left with Back): thrown away, and
        any open form may take the next typed text again."""
        await self.discard(context, draft)
        await activate(context, None)

    # -- what the person sends -----------------------------------------------------------------
    async def button_pressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hands a button of the person's own draft to its form; a button of a draft that is
        gone gets a polite note (roles are checked where the handler is registered)."""
        assert update.effective_user is not None
        draft = await self.current(context, update.effective_user.id)
        await form_buttons.press_on_draft(update, context, draft, self.form_of, _(self._gone))

    async def answer_received(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Takes a typed message as the answer to the open draft's step, if this form has the
        person's attention; otherwise passes it on to the next handler group."""
        user = update.effective_user
        if user is None:
            return
        draft = await self.current(context, user.id)
        if draft is None or draft.paused or not is_active(context, self.slot):
            return
        await form_answers.answer_typed(update, context, self.form_of(draft), draft)
        raise ApplicationHandlerStop
