"""Reminders as their recipient reads them: text and buttons worked out at send time, in the
recipient's language and local time; the coordinators' escalations and daily digests; and the
registry of what "act now" opens for each kind of deadline."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from babel.dates import format_date, format_time

from bot.buttons.deadlines import Reminder, ReminderAction
from bot.contributions import Action, Contribution, Prepared
from bot.i18n import _, current_language, format_day, render, use_language
from bot.messaging import Button
from bot.notices import render_notice
from bot.ptb_types import App
from bot.services import SERVICES_KEY, Services
from bot.vocabulary import PROGRAMMES
from storage import digests, outbox, outbox_results, reminders
from storage.deadline_reminders import ESCALATION, FINAL, REMINDER
from storage.deadlines import DeadlineView
from storage.local_time import DEFAULT_ZONE, local

# Telegram's limit for one message (visible characters); a digest longer than that is split.
MESSAGE_LIMIT = 4000
# A single notice in a digest is cut to this many characters.
DIGEST_ITEM = 1500


def describe(deadline: DeadlineView) -> str:
    """What is due, in the reader's language (plain text: templates escape it)."""
    if deadline.kind == "progress_report":
        period = deadline.params.get("period")
        if period:
            return _("Progress report no. {n}").format(n=period)
        return _("Progress report")
    if deadline.kind == "call":
        programme = PROGRAMMES.get(deadline.programme or "", deadline.programme or "")
        return _("Expression of interest · {programme}").format(programme=_(programme))
    return deadline.title or _("Deadline")


def moment(value: datetime, zone: str) -> str:
    """A date and time in zone, in the reader's language, with the zone's name."""
    wall = local(value, zone)
    language = current_language()
    day = format_date(wall, format="full", locale=language)
    return f"{day}, {format_time(wall, format='HH:mm', locale=language)} ({zone})"


def state_of(deadline: DeadlineView, zone: str, now: datetime) -> tuple[str, int]:
    """("overdue" | "today" | "tomorrow" | "days", days left) as the person's calendar says."""
    if deadline.due_at <= now:
        return "overdue", 0
    days = (local(deadline.due_at, zone).date() - local(now, zone).date()).days
    if days <= 0:
        return "today", 0
    if days == 1:
        return "tomorrow", 1
    return "days", days


# Deadlines that only a submission in the bot meets (the report itself is what is due): the
# person cannot declare them done.
MET_BY_SUBMISSION = frozenset({"progress_report"})


def reminder_rows(deadline: DeadlineView, actions: Mapping[str, Action]) -> list[list[Button]]:
    """Act now (if something can be opened: actions), remind me tomorrow, already done."""
    rows: list[list[Button]] = []
    if deadline.kind in actions:
        rows.append([(_("▶️ Act now"), Reminder(ReminderAction.ACT, deadline.id).pack())])
    later = [(_("⏰ Remind me tomorrow"), Reminder(ReminderAction.TOMORROW, deadline.id).pack())]
    if deadline.kind not in MET_BY_SUBMISSION:
        later.append((_("✅ Already done"), Reminder(ReminderAction.DONE, deadline.id).pack()))
    rows.append(later)
    return rows


def reminder_text(deadline: DeadlineView, zone: str, now: datetime, final: bool) -> str:
    """The reminder, in the reader's language."""
    state, days = state_of(deadline, zone, now)
    return render(
        "reminders/reminder",
        what=describe(deadline),
        due=moment(deadline.due_at, zone),
        state=state,
        days=days,
        final=final,
    )


async def _reminder_prepared(
    application: App,
    message: outbox.Outgoing,
    language: str,
    worker: str,
) -> Prepared:
    svc: Services = application.bot_data[SERVICES_KEY]
    now = svc.clock()
    plan = await svc.db.run(
        reminders.prepare_reminder,
        message_id=message.id,
        worker=worker,
        now=now,
        coordinators=svc.settings.coordinators_by_programme,
    )
    if not plan.send or plan.deadline is None:
        return None
    with use_language(language):
        text = reminder_text(plan.deadline, plan.zone, now, plan.final)
        return text, reminder_rows(plan.deadline, svc.contributions.actions)


def escalation_line(params: dict[str, Any]) -> dict[str, str]:
    """One overdue person and what they owe, for a coordinator (reader's language)."""
    deadline = DeadlineView(
        id=int(params["deadline_id"]),
        kind=params.get("kind", "custom"),
        key="",
        person_id=params.get("person_id"),
        deployment_id=params.get("deployment_id"),
        programme=params.get("programme"),
        title=params.get("title") or "",
        params={"period": params.get("period")},
        due_at=datetime.fromisoformat(params["due_at"]),
        status="open",
    )
    username = params.get("username")
    return {
        "who": params.get("name") or str(params.get("person_id") or "—"),
        "username": f"@{username}" if username else "",
        "person_id": str(params.get("person_id") or ""),
        "what": describe(deadline),
        "deployment": str(params.get("deployment_id") or ""),
        "due": day_in(deadline.due_at, params.get("zone") or DEFAULT_ZONE),
    }


def day_in(when: datetime, zone: str) -> str:
    """A deadline's day as it was set: in the holder's zone (not the reader's), named."""
    return f"{format_day(local(when, zone))} ({zone})"


async def _escalation_prepared(
    application: App,
    message: outbox.Outgoing,
    language: str,
    worker: str,
) -> Prepared:
    svc: Services = application.bot_data[SERVICES_KEY]
    if not await svc.db.run(digests.still_mine, message_id=message.id, worker=worker):
        return None  # it went out inside another escalation message
    await svc.db.run(
        digests.bundle_due,
        message_id=message.id,
        recipient_id=message.recipient_id,
        template=ESCALATION,
        worker=worker,
        now=svc.clock(),
    )
    bundled = await svc.db.run(digests.bundle_contents, message_id=message.id)
    with use_language(language):
        items = [escalation_line(message.params)]
        items += [escalation_line(params) for _template, params in bundled]
        return render("reminders/escalation", items=items), []


_TAG = re.compile(r"<[^>]+>")


def plain(text: str, limit: int) -> str:
    """A notice's HTML as plain text of at most limit characters (the digest template escapes
    it once more; escaping here as well showed "&amp;" to the reader)."""
    flat = html.unescape(_TAG.sub("", text)).strip()
    flat = re.sub(r"\n{3,}", "\n\n", flat)
    if len(flat) > limit:
        flat = flat[: max(1, limit - 1)].rstrip() + "…"
    return flat


def visible_length(rendered: str) -> int:
    """How many characters Telegram counts in an HTML message (tags and entities excluded)."""
    return len(html.unescape(_TAG.sub("", rendered)))


def digest_parts(items: list[str], files: int) -> list[str]:
    """The digest as messages each within Telegram's limit: as many items as fit in each,
    numbered across the parts; the first part says how many there are in all."""
    parts: list[str] = []

    def page(chunk: list[str], offset: int, last: bool) -> str:
        return render(
            "reminders/digest",
            items=chunk,
            offset=offset,
            total=len(items),
            first=offset == 0,
            last=last,
            files=files,
        )

    frame = visible_length(page([], 0, True))  # header and footer
    start = 0
    while start < len(items):
        # Each item costs its text, its number and the blank lines around it.
        end, size = start + 1, frame + len(items[start]) + 12
        while end < len(items) and size + len(items[end]) + 12 <= MESSAGE_LIMIT:
            size += len(items[end]) + 12
            end += 1
        text = page(items[start:end], start, end == len(items))
        while visible_length(text) > MESSAGE_LIMIT and end - start > 1:
            end -= 1  # the estimate was short (cannot happen with the template as it is)
            text = page(items[start:end], start, end == len(items))
        parts.append(text)
        start = end
    return parts


async def _digest_prepared(
    application: App,
    message: outbox.Outgoing,
    language: str,
    worker: str,
) -> Prepared:
    svc: Services = application.bot_data[SERVICES_KEY]
    size = await svc.db.run(
        digests.bundle_held, message_id=message.id, recipient_id=message.recipient_id
    )
    if size == 0:
        await svc.db.run(
            outbox_results.mark_failed,
            message_id=message.id,
            worker=worker,
            error="nothing to digest",
        )
        return None
    contents = await svc.db.run(digests.bundle_contents, message_id=message.id)
    notices = [(t, p) for t, p in contents if t not in outbox.ATTACHMENTS]
    files = len(contents) - len(notices)
    with use_language(language):
        items = []
        for template, params in notices:
            if template == ESCALATION:
                line = escalation_line(params)
                text = _("Overdue: {who} {username} — {what}, due {due}").format(**line)
                # plain() reads HTML: the line's raw names and titles are escaped for it.
                items.append(plain(html.escape(text, quote=False), DIGEST_ITEM))
            else:
                notice = render_notice(svc.contributions.notices, template, params, language)
                items.append(plain(notice, DIGEST_ITEM))
        first, *rest = digest_parts(items, files)
    # The further parts follow the first once it went out (never alone, never twice).
    await svc.db.run(
        digests.plan_parts,
        message_id=message.id,
        recipient_id=message.recipient_id,
        parts=rest,
        now=svc.clock(),
    )
    return first, []


async def _digest_part_prepared(
    application: App,
    message: outbox.Outgoing,
    language: str,
    worker: str,
) -> Prepared:
    """A further part of a digest: rendered already, in the recipient's language."""
    return str(message.params.get("text") or ""), []


def contribution() -> Contribution:
    """What reminders, escalations and digests say, worked out at send time."""
    return Contribution(
        preparers={
            REMINDER: _reminder_prepared,
            FINAL: _reminder_prepared,
            ESCALATION: _escalation_prepared,
            outbox.DIGEST: _digest_prepared,
            outbox.DIGEST_PART: _digest_part_prepared,
        }
    )
