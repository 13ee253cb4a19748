"""Why a typed answer cannot be taken: the checks a form's text, e-mail, date and option answers
pass before bot.form_answers saves them, each giving the polite note the person sees instead.
"""

from __future__ import annotations

from datetime import date

from email_validator import EmailNotValidError, validate_email

from bot import form_kinds, typed_words
from bot.forms import Form, Kind, Question
from bot.i18n import _, format_day
from storage.drafts import DraftT

# A typed name or description has at least this many letters ("12345", "@@", "😀😀" have none).
LETTERS_NEEDED = 2


def check_text(question: Question, text: str | None) -> str | None:
    """Why a typed answer cannot be taken, or None when it can."""
    if text is None:
        return _(
            "Please answer with a text message — photos, stickers and files can't be used here."
        )
    if not text.strip():
        return _("Your answer is empty. Please type your answer.")
    if text.startswith("/"):
        return unknown_command(text)
    if question.kind in (Kind.TEXT, Kind.PICK) and len(text.strip()) < question.min_length:
        return _(
            "That answer is very short. Please type it in full (at least {limit} characters)."
        ).format(limit=question.min_length)
    if (
        question.kind in (Kind.TEXT, Kind.PICK)
        and question.words
        and sum(c.isalpha() for c in text) < LETTERS_NEEDED
    ):
        return _(
            "Please answer in words: a name or a description needs letters, not only numbers, signs or emoji."
        )
    if len(text) > question.max_length:
        return _(
            "Your answer has {length} characters; this question allows at most {limit}. Please shorten it — your message is still in the chat to copy from."
        ).format(length=len(text), limit=question.max_length)
    if question.kind == Kind.EMAIL:
        try:
            validate_email(text.strip(), check_deliverability=False)
        except EmailNotValidError:
            return _(
                "That doesn't look like an e-mail address. Please check it (example: maria.mueller@bonn.de)."
            )
    return None


def unknown_command(text: str, typed: bool = True) -> str:
    """The note for a /command the bot does not know, typed in the middle of a form."""
    command = text.split()[0][:64]
    if not typed:
        return _("{command} is not a command I know. Please use the buttons below.").format(
            command=command
        )
    return _(
        "{command} is not a command I know. Please type your answer, or use the buttons."
    ).format(command=command)


def too_early(form: Form[DraftT], draft: DraftT, value: str) -> str | None:
    """Why a date (YYYY-MM-DD) is before the earliest the form allows, or None."""
    earliest = form.earliest(draft) if form.earliest else None
    if earliest is None or date.fromisoformat(value) >= earliest:
        return None
    return _("{date} is before the deployment started ({start}). Please check the date.").format(
        date=format_day(form_kinds.midday(date.fromisoformat(value))),
        start=format_day(form_kinds.midday(earliest)),
    )


def option_typed(question: Question, text: str | None) -> str | None:
    """The option whose label the person typed instead of pressing its button."""
    if not text:
        return None
    typed = typed_words.fold(text)
    if question.kind == Kind.CONSENT:
        if typed in (typed_words.fold(_("Yes, I agree")), typed_words.fold(_("Yes"))):
            return "1"
        if typed == typed_words.fold(_("No")):
            return "0"
        agreed = typed_words.yes_or_no(text)
        return None if agreed is None else "1" if agreed else "0"
    for option in question.options:
        if typed in (typed_words.fold(_(option.label)), typed_words.fold(option.value)):
            return option.value
    # A yes/no choice also takes the words for yes and no (in the person's language or another).
    values = {option.value for option in question.options}
    if {"yes", "no"} <= values:
        agreed = typed_words.yes_or_no(text)
        return None if agreed is None else "yes" if agreed else "no"
    return None
