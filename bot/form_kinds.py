"""Reading answers to number, date and attachment questions, and showing them.

The form engine (bot.forms) asks these questions; this module knows what a good answer looks
like: a whole number within limits, a date typed day first (31.01.2027, 31/01/2027) or as
2027-01-31 (not after today unless the question allows it), and photos or documents of a kind a
coordinator can open. A date question's example comes from today, so it is never stale.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from telegram import Message

from bot import typed_words
from bot.i18n import _, format_day
from bot.questions import Question

# Telegram refuses captions longer than this (for bots, without Premium).
MAX_CAPTION = 1024
# Images, PDF and office documents: what a coordinator can open without special software.
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "text/plain",
        "text/csv",
    }
)
DOCUMENT_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".txt",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".heic",
)

# Day first, as written in Germany (31.01.2027) and in most partner countries (31/01/2027).
_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date | None:
    """A date typed as 31.01.2027, 31/01/2027 or 2027-01-31, or None."""
    found = _GERMAN_DATE.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
    else:
        found = _ISO_DATE.match(text)
        if not found:
            return None
        year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_number(question: Question, text: str) -> tuple[int | None, str | None]:
    """(the number, None) or (None, why it cannot be taken)."""
    typed = text.strip().replace(" ", "")
    # 1.500 and 1,500 are thousands; 1.5 and 1,5 are fractions, not whole numbers.
    if not re.fullmatch(r"[+-]?(\d{1,12}|\d{1,3}([.,]\d{3}){1,3})", typed):
        return None, _("Please type a whole number using digits only (example: 25).")
    cleaned = typed.replace(".", "").replace(",", "")
    number = int(cleaned)
    minimum = 0 if question.minimum is None else question.minimum
    if number < minimum:
        return None, _("The number cannot be smaller than {minimum}. Please check it.").format(
            minimum=minimum
        )
    if question.maximum is not None and number > question.maximum:
        return None, _(
            "{number} seems too large — at most {maximum} is possible here. Please check it."
        ).format(number=number, maximum=question.maximum)
    return number, None


def check_date(question: Question, value: date, today: date) -> str | None:
    """Why this date cannot be taken, or None."""
    if not question.future and value > today:
        return _(
            "{date} lies in the future. Please give the date on which the activity took place (today at the latest)."
        ).format(date=format_day(midday(value)))
    if not question.past and value < today:
        return _("{date} has already passed. Please give a date from today on.").format(
            date=format_day(midday(value))
        )
    if value.year < 2000 or value.year > today.year + 10:
        return _("{date} seems wrong. Please check the year.").format(
            date=format_day(midday(value))
        )
    return None


def read_date(question: Question, text: str, today: date) -> tuple[str | None, str | None]:
    """(the date as YYYY-MM-DD, None) or (None, why it cannot be taken)."""
    # The two days the buttons offer, typed instead of pressed (bot.typed_words).
    days_back = typed_words.days_back(text)
    value = today - timedelta(days=days_back) if days_back is not None else parse_date(text)
    if value is None:
        example = example_day(today, example_months(question))
        return None, _(
            "I can't read “{text}” as a date. Please type it like {example} or {iso}."
        ).format(text=text[:40], example=typed_day(example), iso=example.isoformat())
    problem = check_date(question, value, today)
    return (None, problem) if problem else (value.isoformat(), None)


def example_months(question: Question) -> int:
    """How many months from today a DATE question's example lies (negative: before today)."""
    if question.example_months is not None:
        return question.example_months
    return 2 if question.future else -1


def example_day(today: date, months: int) -> date:
    """The last day of the month `months` from today's: a day the question takes whatever the
    year, and past the 12th, so nobody reads it month first."""
    year, month = divmod(today.year * 12 + today.month - 1 + months, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def typed_day(value: date) -> str:
    """A date the way the reader types it: their language's order and separator, four-digit
    year, exactly what parse_date reads back."""
    # TRANSLATORS: how people in your language type a date with digits, e.g. 31/01/2027 or
    # 31.01.2027. Keep the order day, month, year (the bot reads no other), and only "/" or "."
    # between them.
    return _("{day}/{month}/{year}").format(
        day=f"{value.day:02d}", month=f"{value.month:02d}", year=f"{value.year:04d}"
    )


def date_example(question: Question, today: date) -> str:
    """A DATE question's example, from today: a date the question takes, typed as the reader
    types dates."""
    return typed_day(example_day(today, example_months(question)))


def read_answer(
    question: Question, text: str, answers: Mapping[str, Any], today: date
) -> tuple[Any, str | None]:
    """A typed answer to a number or date question, checked, or why it cannot be taken."""
    kind = str(question.kind)
    if kind == "number":
        value: Any
        value, problem = read_number(question, text)
    elif kind == "date":
        value, problem = read_date(question, text, today)
    else:
        value, problem = question.read(text) if question.read else (text, None)
    if problem is None and question.check is not None:
        problem = question.check(answers, value)
    return (None, problem) if problem else (value, None)


def attachment_of(message: Message) -> tuple[dict[str, Any] | None, str | None]:
    """The photo or document in a message as a stored attachment, or why it is refused.

    (None, None) when the message carries no file at all.
    """
    caption = message.caption or ""
    if len(caption) > MAX_CAPTION:
        return None, _(
            "The caption has {length} characters; Telegram allows at most {limit}. Please send the file again with a shorter caption, and put longer text in the description."
        ).format(length=len(caption), limit=MAX_CAPTION)
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return {
            "type": "photo",
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "name": None,
            "mime": "image/jpeg",
            "caption": caption or None,
        }, None
    document = message.document
    if document is not None:
        mime = (document.mime_type or "").lower()
        name = document.file_name or ""
        allowed = (
            mime.startswith("image/")
            or mime in DOCUMENT_TYPES
            or (not mime and name.lower().endswith(DOCUMENT_SUFFIXES))
        )
        if not allowed:
            return None, _(
                "I can't keep “{name}”: please send photos, PDF files or office documents (Word, Excel, PowerPoint, OpenDocument)."
            ).format(name=name[:60] or mime)
        return {
            "type": "document",
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "name": name or None,
            "mime": mime or None,
            "caption": caption or None,
        }, None
    if message.text is None:
        return None, _(
            "This kind of file can't be attached. Please send photos, PDF files or office documents."
        )
    return None, None


def attachments_status(value: list[dict[str, Any]] | None) -> str:
    """How many files are attached so far, and what to do next."""
    count = len(value or [])
    if not count:
        return _("No files yet. Send photos or documents one by one or together, then tap “Done”.")
    return _("Files attached so far: {count}. Send more, or tap “Done”.").format(count=count)


def display(question: Question, value: Any) -> str:
    """A number, date or list of attachments as the reader sees it."""
    kind = str(question.kind)
    if kind == "date":
        parsed = parse_date(str(value))
        return format_day(midday(parsed)) if parsed else str(value)
    if kind == "attachments":
        names = [
            a.get("name") or (_("photo") if a.get("type") == "photo" else _("document"))
            for a in value
        ]
        return ", ".join(names)
    return str(value)


def labels() -> dict[str, str]:
    """The engine's button labels for these kinds, in the reader's language."""
    return {
        "today": _("Today"),
        "yesterday": _("Yesterday"),
        "done": _("☑️ Done"),
        "remove": _("🗑 Remove all files"),
        "send_files": _(
            "Please send photos or documents here — or tap “Done” when there is nothing (more) to attach."
        ),
        "too_many": _("That's the most files one report can hold. Tap “Done” to go on."),
    }


def midday(value: date) -> datetime:
    """A date as a datetime Babel can format, at noon so no time zone shifts the day."""
    return datetime(value.year, value.month, value.day, 12)
