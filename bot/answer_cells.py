"""An answer as the person saw it, as one cell of an export or a line of /mydata: option
labels, a country's name, a date as a date, lists joined by "; ".

Attachments are shown as their Telegram file ids (as text, with the file's name or kind): a
Telegram file link would carry the bot's token and expire within the hour, so none is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.form_kinds import parse_date
from bot.i18n import _, country_name
from bot.questions import Kind, Question

Cell = str | int | date | datetime | None


def moment(value: datetime | None, zone: str) -> datetime | None:
    """A stored moment in the time zone, to the second, without the zone (as spreadsheets keep
    dates)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def _option(question: Question, value: Any) -> str:
    for option in (*question.options, *question.extra):
        if option.value == value:
            return _(option.label)
    return str(value)


def attachment(item: Mapping[str, Any]) -> str:
    """An attachment as text: its name (or "photo"/"document") and its Telegram file id."""
    kind = _("photo") if item.get("type") == "photo" else _("document")
    return f"{item.get('name') or kind} ({item.get('file_id', '')})"


def answer(question: Question, value: Any) -> Cell:
    """An answer as the person saw it: option labels, a country's name, lists joined by "; "."""
    if value is None or value == "" or value == []:
        return None
    kind = question.kind
    if kind == Kind.CHOICE:
        return _option(question, value)
    if kind == Kind.MULTI:
        return "; ".join(_option(question, v) for v in value)
    if kind == Kind.COUNTRY:
        return country_name(str(value))
    if kind == Kind.CONSENT:
        return _("Yes") if value else _("No")
    if kind == Kind.NUMBER:
        return int(value)
    if kind == Kind.DATE:
        return value if isinstance(value, date) else parse_date(str(value))
    if kind == Kind.ATTACHMENTS:
        return "; ".join(attachment(item) for item in value)
    return str(value)
