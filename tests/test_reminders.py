"""Deadlines and reminders: on time in local time, never lost, never doubled, paced."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from bot.buttons.deadlines import DigestChosen, Reminder, ReminderAction
from bot.outbox import JOB_NAME, LEASE, start_dispatcher
from storage import outbox, outbox_claims
from storage.deadline_holders import assign_person
from storage.deadline_reminders import subject_of
from storage.deadlines import add_deadline
from storage.interest import save_answer
from storage.local_time import end_of_day
from storage.models import Deadline, OutboxMessage, OutboxStatus, Person
from tests.conftest import COORDINATORS, Bot
from tests.instants import on_story_days

# Every story here happens on particular days (a deadline on 10 December, the night the clocks
# change), written as dates.
pytestmark = on_story_days

BERLIN = "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def add(bot, person_id, due_at, *, kind="custom", title="Signed work plan", key=None, **extra):
    """A deadline added the way other features add one (in a transaction of their own)."""

    def run(*, session):
        deadline = add_deadline(
            session,
            kind=kind,
            key=key or f"test:{person_id}:{due_at.isoformat()}:{title}",
            due_at=due_at,
            person_id=person_id,
            title=title,
            now=bot.clock(),
            **extra,
        )
        session.commit()
        return deadline.id

    return bot.db.call(run)


def rows(bot, deadline_id):
    return bot.db.call(outbox.messages_about, subject=subject_of(deadline_id))


def set_zone(bot, person_id, zone):
    from storage.preferences import set_timezone

    bot.db.call(set_timezone, person_id=person_id, zone=zone, now=bot.clock())


async def known(bot, user_id=4242, language="en", name="Ama"):
    person = bot.person(user_id=user_id, language=language, name=name)
    await person.send("/start")
    return person


def reminder_texts(person):
    return [m.text for m in person.messages if "Deadline:" in m.text or "Frist:" in m.text]


# -- planning -----------------------------------------------------------------------------------
async def test_reminders_are_outbox_rows_made_with_the_deadline(bot):
    await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    planned = rows(bot, deadline_id)
    assert [r.params["stage"] for r in planned] == ["7d", "1d", "0d", "final"]
    # 09:00 in Berlin (UTC+1 in winter)
    assert [r.due_at for r in planned[:3]] == [
        utc(2026, 12, 3, 8),
        utc(2026, 12, 9, 8),
        utc(2026, 12, 10, 8),
    ]
    assert planned[3].due_at == utc(2026, 12, 14, 8)  # first 09:00 three days after


async def test_a_failed_transaction_leaves_no_deadline_and_no_reminder(bot):
    await known(bot)

    def broken(*, session):
        add_deadline(session, kind="custom", key="x", due_at=utc(2026, 12, 10), person_id=4242)
        raise RuntimeError("the business change failed")

    with contextlib.suppress(RuntimeError):
        bot.db.call(broken)
    assert bot.db.call(lambda session: session.execute(select(Deadline)).all()) == []
    assert bot.db.call(lambda session: session.execute(select(OutboxMessage)).all()) == []


# -- sending at the right local hour ---------------------------------------------------------------
async def test_seven_days_one_day_and_on_the_day_at_nine_local_in_german(bot, clock):
    jonas = await known(bot, user_id=5151, language="de", name="Jonas")
    add(bot, 5151, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 7, 59)
    assert await bot.deliver_outbox() == 0
    clock.now = utc(2026, 12, 3, 8, 0)
    assert await bot.deliver_outbox() == 1
    assert "Fällig in 7 Tagen: Signed work plan" in jonas.last.text
    assert "Frist: Donnerstag, 10. Dezember 2026, 23:59" in jonas.last.text
    assert jonas.buttons == ["⏰ Morgen erinnern", "✅ Schon erledigt"]
    clock.now = utc(2026, 12, 9, 8, 0)
    await bot.deliver_outbox()
    assert "Morgen fällig" in jonas.last.text
    clock.now = utc(2026, 12, 10, 8, 0)
    await bot.deliver_outbox()
    assert "Heute fällig" in jonas.last.text
    assert len(reminder_texts(jonas)) == 3


async def test_reminder_in_english_with_local_zone(bot, clock):
    ama = await known(bot)
    set_zone(bot, 4242, "Africa/Accra")
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), "Africa/Accra"))
    clock.now = utc(2026, 12, 3, 9, 0)  # 09:00 in Accra (UTC+0)
    assert await bot.deliver_outbox() == 1
    assert "Due in 7 days: Signed work plan" in ama.last.text
    assert "Thursday, December 10, 2026, 23:59 (Africa/Accra)" in ama.last.text
    assert ama.buttons == ["⏰ Remind me tomorrow", "✅ Already done"]


async def test_never_at_night_the_reminder_waits_for_the_morning(bot, clock):
    await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    bot = await bot.restart()
    clock.now = utc(2026, 12, 3, 21, 30)  # the bot was down; now 22:30 in Berlin
    assert await bot.deliver_outbox() == 0
    clock.now = utc(2026, 12, 4, 6, 59)  # 07:59 Berlin
    assert await bot.deliver_outbox() == 0
    clock.now = utc(2026, 12, 4, 8, 0)
    assert await bot.deliver_outbox() == 1
    assert "Due in 6 days" in bot.api.chat(4242)[-1].text


async def test_daylight_saving_change_keeps_nine_local(bot, clock):
    await known(bot)
    # Berlin switches to summer time on 28 March 2027: 09:00 is 08:00 UTC before, 07:00 after.
    deadline_id = add(bot, 4242, end_of_day(datetime(2027, 4, 1).date(), BERLIN))
    planned = rows(bot, deadline_id)
    assert planned[0].due_at == utc(2027, 3, 25, 8)
    assert planned[1].due_at == utc(2027, 3, 31, 7)
    clock.now = utc(2027, 3, 31, 7, 0)
    assert await bot.deliver_outbox() >= 1


async def test_deadline_on_29_february(bot, clock):
    await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2028, 2, 29).date(), BERLIN))
    planned = rows(bot, deadline_id)
    assert [r.due_at for r in planned[:3]] == [
        utc(2028, 2, 22, 8),
        utc(2028, 2, 28, 8),
        utc(2028, 2, 29, 8),
    ]
    clock.now = utc(2028, 2, 29, 8)
    bot = await bot.restart()
    assert await bot.deliver_outbox() == 1  # three due at once: one message
    assert "Due today" in bot.api.chat(4242)[-1].text
    assert "February 29, 2028" in bot.api.chat(4242)[-1].text


async def test_time_zone_changed_between_scheduling_and_sending(bot, clock):
    ama = await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    set_zone(bot, 4242, "America/New_York")  # after the reminders were planned
    clock.now = utc(2026, 12, 3, 8, 0)  # 09:00 Berlin, 03:00 in New York
    assert await bot.deliver_outbox() == 0
    clock.now = utc(2026, 12, 3, 14, 0)  # 09:00 in New York
    assert await bot.deliver_outbox() == 1
    assert "(America/New_York)" in ama.last.text


async def test_zone_changed_directly_in_the_database_is_seen_at_send_time(bot, clock):
    ama = await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))

    def move(*, session):
        session.get_one(Person, 4242).timezone = "Asia/Tokyo"
        session.commit()

    bot.db.call(move)
    clock.now = utc(2026, 12, 3, 8, 0)  # 17:00 in Tokyo: the 09:00 Tokyo moment has passed
    assert await bot.deliver_outbox() == 1
    assert "(Asia/Tokyo)" in ama.last.text


async def test_deadline_set_in_the_past_gets_one_overdue_message(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, 4242, utc(2026, 11, 20, 12))
    assert await bot.deliver_outbox() == 1
    assert "Overdue: Signed work plan" in ama.last.text
    assert await bot.deliver_outbox() == 0
    statuses = [r.status for r in rows(bot, deadline_id)]
    assert statuses.count(OutboxStatus.SENT) == 1
    assert statuses.count(OutboxStatus.PENDING) == 1  # the final reminder, three days on


# -- downtime, restarts, two processes ----------------------------------------------------------
async def test_bot_down_three_days_sends_each_missed_deadline_once(bot, clock):
    await known(bot)
    await known(bot, user_id=5151, language="de", name="Jonas")
    add(bot, 4242, end_of_day(datetime(2026, 12, 5).date(), BERLIN), title="A")
    add(bot, 5151, end_of_day(datetime(2026, 12, 20).date(), BERLIN), title="B")
    await bot.app.shutdown()
    clock.now = utc(2026, 12, 4, 10)  # down from 23 Nov; A's 7-day and 1-day reminders missed
    bot = await bot.restart()
    assert await bot.deliver_outbox() == 1
    sent = [m.text for m in bot.api.chat(4242)]
    assert len(sent) == 1 and "Due tomorrow: A" in sent[0]
    assert bot.api.chat(5151) == []
    assert await bot.deliver_outbox() == 0


async def test_two_dispatchers_on_one_database_send_every_reminder_once(bot, clock):
    people = [4000 + i for i in range(12)]
    for person_id in people:
        await known(bot, user_id=person_id)
        add(bot, person_id, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
        add(bot, person_id, end_of_day(datetime(2026, 12, 11).date(), BERLIN), title="Second")
    from storage.db import Database

    other_db = Database(bot.settings.database_url)
    other = Bot(bot.settings, other_db, clock)
    await other.app.initialize()
    try:
        clock.now = utc(2026, 12, 4, 8, 30)
        sent = await asyncio.gather(bot.deliver_outbox(), other.deliver_outbox())
        assert sum(sent) == 24
        calls = bot.api.calls_to("sendMessage") + other.api.calls_to("sendMessage")
        to = [int(c.params["chat_id"]) for c in calls if "Deadline:" in c.params["text"]]
        assert sorted(to) == sorted(people * 2)
    finally:
        await other.app.shutdown()
        other_db.dispose()


async def test_only_one_process_sends_at_a_time_on_postgresql(bot, clock):
    import pytest

    if bot.db.dialect != "postgresql":
        pytest.skip("SQLite has one process: the instance lock keeps others out")
    ama = await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    other_process = outbox_claims.take_dispatch_lock(bot.db.engine)  # a deploy's second process
    assert other_process is not None
    try:
        assert await bot.deliver_outbox() == 0  # it waits for its turn, nothing doubles
    finally:
        outbox_claims.release_dispatch_lock(other_process)
    assert await bot.deliver_outbox() == 1
    assert len(reminder_texts(ama)) == 1


async def test_killed_after_claiming_the_lease_runs_out_and_another_run_sends(bot, clock):
    await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    claimed = bot.db.call(
        outbox_claims.claim_due_messages, worker="dead-process", now=clock(), lease=LEASE
    )
    assert len(claimed) == 1  # ... and the process died before sending
    assert await bot.deliver_outbox() == 0
    clock.advance(seconds=LEASE.total_seconds() + 1)
    bot = await bot.restart()
    assert await bot.deliver_outbox() == 1
    assert len(bot.api.chat(4242)) == 1


async def test_a_claim_that_ran_out_during_a_long_pause_is_not_sent_twice(bot, clock):
    def notice(*, session):
        outbox.enqueue(
            session,
            recipient_id=COORDINATORS[1],
            template="reminders/unreachable",
            params={"person_id": 11, "name": "Ama", "username": None},
            due_at=clock(),
        )
        session.commit()

    bot.db.call(notice)
    waiting = bot.pacer.clear_to_send
    taken = []

    async def long_pause(chat_id):
        if not taken:  # the pause outlasts the lease and another run claims the row
            clock.advance(seconds=LEASE.total_seconds() + 1)
            taken.extend(
                bot.db.call(
                    outbox_claims.claim_due_messages, worker="other", now=clock(), lease=LEASE
                )
            )
        await waiting(chat_id)

    bot.pacer.clear_to_send = long_pause
    assert await bot.deliver_outbox() == 0
    assert len(taken) == 1 and bot.api.chat(COORDINATORS[1]) == []
    (row,) = bot.db.call(outbox.pending_for, recipient_ids=[COORDINATORS[1]])
    assert row.claimed_by == "other"  # it is the other run's to send, once


async def test_dispatcher_job_never_drops_a_misfire_and_catches_up_at_start(settings, db, clock):
    from bot.app import build_application
    from bot.offline import OfflineBotAPI
    from tests.conftest import TOKEN

    app = build_application(settings, request=OfflineBotAPI(), db=db, clock=clock, token=TOKEN)
    await app.initialize()
    try:
        start_dispatcher(app, 5.0)
        (job,) = app.job_queue.get_jobs_by_name(JOB_NAME)
        assert job.job.misfire_grace_time is None
        assert job.job.coalesce is True
        assert job.job.max_instances == 1
    finally:
        await app.shutdown()


# -- Telegram's answers -------------------------------------------------------------------------
async def test_429_waits_retry_after_and_nothing_is_dropped(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    assert await bot.deliver_outbox() == 0
    assert bot.pacer.paused_until - bot.pacer_time.value >= 5  # every send waits 5 s
    row = rows(bot, deadline_id)[0]
    assert row.status == OutboxStatus.PENDING and row.due_at == clock() + timedelta(seconds=5)
    clock.advance(seconds=5)
    assert await bot.deliver_outbox() == 1
    assert len(reminder_texts(ama)) == 1
    assert rows(bot, deadline_id)[0].attempts == 2


async def test_403_marks_unreachable_stops_reminders_and_tells_coordinators_once(bot, clock):
    await known(bot)
    first = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="One")
    add(bot, 4242, end_of_day(datetime(2026, 12, 30).date(), BERLIN), title="Two")
    clock.now = utc(2026, 12, 3, 8, 0)
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.deliver_outbox()
    person = bot.db.call(lambda session: session.get(Person, 4242))
    assert person.unreachable
    assert [r.status for r in rows(bot, first)][:3] == ["failed", "cancelled", "cancelled"]
    for coordinator in COORDINATORS:
        notices = [m.text for m in bot.api.chat(coordinator)]
        assert len(notices) == 1 and "Ama ist nicht mehr erreichbar" in notices[0]
    # a later deadline's reminder is refused again: no second notice
    add(bot, 4242, end_of_day(datetime(2026, 12, 4).date(), BERLIN), title="Three")
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.deliver_outbox()
    for coordinator in COORDINATORS:
        assert len(bot.api.chat(coordinator)) == 1


async def test_a_person_who_unblocks_and_writes_again_gets_reminders_again(bot, clock):
    ama = await known(bot)
    add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="One")
    clock.now = utc(2026, 12, 3, 8, 0)
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.deliver_outbox()
    assert bot.db.call(lambda session: session.get(Person, 4242)).unreachable
    clock.now = utc(2026, 12, 5, 10, 0)
    await ama.send("/deadlines")  # she unblocked the bot and writes again
    assert not bot.db.call(lambda session: session.get(Person, 4242)).unreachable
    before = len(reminder_texts(ama))
    clock.now = utc(2026, 12, 9, 8, 0)  # one day before, 09:00 Berlin
    assert await bot.deliver_outbox() == 1
    assert len(reminder_texts(ama)) == before + 1
    assert "Due tomorrow: One" in ama.last.text


async def test_400_is_recorded_and_not_retried(bot, clock):
    await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    bot.api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    assert await bot.deliver_outbox() == 0
    row = rows(bot, deadline_id)[0]
    assert row.status == OutboxStatus.FAILED and "Chat not found" in row.last_error
    clock.advance(hours=2)
    await bot.deliver_outbox()
    assert rows(bot, deadline_id)[0].attempts == 1


async def test_timeout_is_retried_with_backoff_and_the_attempt_recorded(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    bot.api.time_out_next("sendMessage")
    assert await bot.deliver_outbox() == 0
    row = rows(bot, deadline_id)[0]
    assert row.attempts == 1 and "TimedOut" in row.last_error
    assert row.due_at == clock() + timedelta(seconds=30)
    clock.advance(seconds=30)
    assert await bot.deliver_outbox() == 1
    assert rows(bot, deadline_id)[0].attempts == 2
    assert len(reminder_texts(ama)) == 1


async def test_a_message_that_keeps_timing_out_is_given_up_after_eight_tries(bot, clock):
    await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    for _ in range(10):
        bot.api.time_out_next("sendMessage")
        await bot.deliver_outbox()
        clock.advance(hours=1)
    row = rows(bot, deadline_id)[0]
    assert row.status == OutboxStatus.FAILED and row.attempts == 8
    assert "gave up after 8 tries" in row.last_error and "TimedOut" in row.last_error


async def test_a_coordinator_who_blocked_the_bot_leaves_no_digest_notice_bundled(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/settings")
    await kim.click("Daily digest at 08:00")

    def notice(*, session):
        outbox.enqueue(
            session,
            recipient_id=COORDINATORS[0],
            template="reminders/unreachable",
            params={"person_id": 11, "name": "Ama", "username": None},
            due_at=clock(),
        )
        session.commit()

    bot.db.call(notice)
    await bot.deliver_outbox()
    clock.now = utc(2026, 11, 24, 7, 0)
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.deliver_outbox()
    statuses = bot.db.call(
        lambda session: [
            m.status
            for m in session.execute(
                select(OutboxMessage).where(OutboxMessage.recipient_id == COORDINATORS[0])
            ).scalars()
        ]
    )
    assert OutboxStatus.BUNDLED not in statuses and OutboxStatus.FAILED in statuses


async def test_pacing_thirty_a_second_overall_and_one_a_second_per_chat(bot, clock):
    for i in range(60):
        await known(bot, user_id=6000 + i)
        add(bot, 6000 + i, utc(2026, 11, 30, 22, 59))
    await known(bot, user_id=7000)
    for n in range(3):
        add(bot, 7000, end_of_day(datetime(2026, 11, 30).date(), BERLIN), title=f"T{n}")
    start = bot.pacer_time.value
    assert await bot.deliver_outbox() == 63
    assert bot.pacer_time.value - start >= 62 / 29.0 - 0.01  # at most 29 a second overall
    assert bot.pacer_time.value - start >= 2.0  # three to one chat: a second apart


# -- buttons --------------------------------------------------------------------------------------
async def test_remind_me_tomorrow_and_already_done(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    clock.now = utc(2026, 12, 3, 8, 0)
    await bot.deliver_outbox()
    await ama.click("⏰ Remind me tomorrow")
    assert "remind you again on Friday, December 4, 2026, 09:00 (Europe/Berlin)" in ama.last.text
    clock.now = utc(2026, 12, 4, 8, 0)
    assert await bot.deliver_outbox() == 1
    assert "Due in 6 days" in ama.last.text
    await ama.click("✅ Already done")
    assert "Have you delivered “Signed work plan”?" in ama.last.text
    await ama.click("Yes, it is done")
    assert "Recorded: “Signed work plan” is done" in ama.last.text
    deadline = bot.db.call(lambda session: session.get(Deadline, deadline_id))
    assert deadline.status == "done" and deadline.done_by == 4242
    assert all(r.status != OutboxStatus.PENDING for r in rows(bot, deadline_id))
    clock.now = utc(2026, 12, 20, 8, 0)
    assert await bot.deliver_outbox() == 0


async def test_a_title_with_angle_brackets_can_still_be_marked_done(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="A<B & C")
    clock.now = utc(2026, 12, 3, 8, 0)
    await bot.deliver_outbox()
    assert "Due in 7 days: A<B & C" in ama.last.plain
    await ama.click("✅ Already done")
    assert "Have you delivered “A<B & C”?" in ama.last.plain
    await ama.click("Yes, it is done")
    assert "Recorded: “A<B & C” is done" in ama.last.plain
    assert bot.db.call(lambda session: session.get(Deadline, deadline_id)).status == "done"
    await ama.press(ama.last, Reminder(ReminderAction.ACT, deadline_id).pack())
    assert "“A<B & C”" in ama.last.plain


async def test_someone_elses_reminder_button_is_refused(bot, clock):
    await known(bot)
    mallory = await known(bot, user_id=6666, name="Mallory")
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    await mallory.press(mallory.last, Reminder(ReminderAction.DONE_CONFIRMED, deadline_id).pack())
    deadline = bot.db.call(lambda session: session.get(Deadline, deadline_id))
    assert deadline.status == "open"


# -- escalation and coordinators' digest ----------------------------------------------------------
async def test_three_days_after_a_missed_deadline_one_escalation_and_a_last_reminder(bot, clock):
    ama = await known(bot)
    jonas = await known(bot, user_id=5151, language="de", name="Jonas")
    add(bot, 4242, end_of_day(datetime(2026, 12, 1).date(), BERLIN), title="Plan A")
    add(bot, 5151, end_of_day(datetime(2026, 12, 1).date(), BERLIN), title="Plan B")
    clock.now = utc(2026, 12, 1, 8, 0)
    await bot.deliver_outbox()
    clock.now = utc(2026, 12, 5, 8, 0)  # 09:00 Berlin, three days and a morning after
    await bot.deliver_outbox()
    assert "Last reminder: Plan A is overdue" in ama.last.text
    assert "Letzte Erinnerung: Plan B ist überfällig" in jonas.last.text
    for coordinator in COORDINATORS:
        messages = bot.api.chat(coordinator)
        assert len(messages) == 1  # one message naming both
        assert "2 Fristen wurden vor drei Tagen versäumt" in messages[0].text  # in their language
        assert "Ama" in messages[0].text and "Plan A" in messages[0].text
        assert "Jonas" in messages[0].text and "Plan B" in messages[0].text
    clock.advance(days=3)
    await bot.deliver_outbox()
    assert all(len(bot.api.chat(c)) == 1 for c in COORDINATORS)


async def test_coordinator_digest_collects_notices_for_eight_in_the_morning(bot, clock):
    coordinator = await known(bot, user_id=COORDINATORS[0], language="de", name="Kim")
    await coordinator.send("/settings")
    await coordinator.click("Tägliche Übersicht um 08:00 Uhr")
    assert "einmal täglich um 08:00 Uhr" in coordinator.last.text
    before = len(coordinator.messages)

    def notices(*, session):
        for n in range(2):
            outbox.enqueue(
                session,
                recipient_id=COORDINATORS[0],
                template="reminders/unreachable",
                params={"person_id": 11 + n, "name": f"Person {n}", "username": None},
                due_at=clock(),
            )
        session.commit()

    bot.db.call(notices)
    await bot.deliver_outbox()
    assert len(coordinator.messages) == before  # held for the digest
    assert len(bot.api.chat(COORDINATORS[1])) == 0
    clock.now = utc(2026, 11, 24, 6, 59)
    await bot.deliver_outbox()
    assert len(coordinator.messages) == before
    clock.now = utc(2026, 11, 24, 7, 0)  # 08:00 in Berlin
    assert await bot.deliver_outbox() == 1
    digest = coordinator.last.text
    assert "Ihre tägliche Übersicht: 2 Meldungen" in digest
    assert "Person 0 ist nicht mehr erreichbar" in digest and "Person 1" in digest
    clock.advance(days=1)
    assert await bot.deliver_outbox() == 0


async def test_a_long_digest_goes_out_in_parts_and_shows_names_as_written(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/settings")
    await kim.click("Daily digest at 08:00")
    before = len(kim.messages)

    def notices(*, session):
        for n in range(60):
            outbox.enqueue(
                session,
                recipient_id=COORDINATORS[0],
                template="reminders/unreachable",
                params={
                    "person_id": 100 + n,
                    "name": f"O'Brien & Co {n} " + "x" * 150,
                    "username": None,
                },
                due_at=clock(),
            )
        session.commit()

    bot.db.call(notices)
    await bot.deliver_outbox()
    clock.now = utc(2026, 11, 24, 7, 0)  # 08:00 in Berlin
    await bot.deliver_outbox()
    parts = kim.messages[before:]
    assert len(parts) >= 3
    assert all(len(part.plain) <= 4096 for part in parts)
    assert "Your daily digest: 60 notices" in parts[0].plain
    assert "Your daily digest, continued" in parts[1].plain
    text = "\n".join(part.plain for part in parts)
    assert all(f"O'Brien & Co {n} " in text for n in range(60))
    assert "&amp;" not in text and "&#x27;" not in text
    assert "60. 🚫 O'Brien" in parts[-1].plain and "/settings" in parts[-1].plain
    held = bot.db.call(outbox.pending_for, recipient_ids=[COORDINATORS[0]])
    assert held == []
    statuses = bot.db.call(
        lambda session: {
            m.status
            for m in session.execute(
                select(OutboxMessage).where(OutboxMessage.template == "reminders/unreachable")
            ).scalars()
        }
    )
    assert statuses == {OutboxStatus.SENT}


async def test_digest_is_for_coordinators_only(bot):
    ama = await known(bot)
    await ama.send("/settings")
    assert "Daily digest at 08:00" not in ama.buttons
    await ama.press(ama.last, DigestChosen(1).pack())
    from storage.preferences import settings_of

    assert bot.db.call(settings_of, person_id=4242).digest is False


# -- calls for expressions of interest ------------------------------------------------------------
def consented(bot, draft, now) -> None:
    """The draft's consent to be contacted, given (storage submits nothing without it)."""
    bot.db.call(
        save_answer,
        draft=draft,
        answers={"consent": True},
        step=draft.step,
        editing=False,
        update_id=None,
        now=now,
    )


async def test_call_reminds_people_with_a_draft_and_submission_stops_it(bot, clock):
    ama = await known(bot)
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/call")
    await kim.click("Fachkräftefonds (expert fund for municipal partnerships)")
    await kim.send("10.12.2026")
    await kim.click("🌍 All countries")
    assert "Please check your answers" in kim.last.text
    assert "Partner countries:</b> all" in kim.last.text
    await kim.click("✅ Open the call")
    assert "People with an unsubmitted draft who get reminders now: 1" in kim.last.text
    clock.now = utc(2026, 12, 3, 8, 0)
    assert await bot.deliver_outbox() == 1
    assert "Due in 7 days: Expression of interest · Fachkräftefonds" in ama.last.text
    await ama.click("▶️ Act now")
    assert "Continue" in " ".join(ama.buttons)

    from storage.interest import current_draft
    from storage.submissions import submit_draft

    draft = bot.db.call(current_draft, person_id=4242)
    consented(bot, draft, clock())
    bot.db.call(
        submit_draft,
        draft_id=draft.id,
        applicable=[],
        coordinators=list(COORDINATORS),
        now=clock(),
    )
    deadline = bot.db.call(
        lambda session: session.execute(
            select(Deadline).where(Deadline.kind == "call")
        ).scalar_one()
    )
    assert deadline.status == "done"
    assert all(r.status != OutboxStatus.PENDING for r in rows(bot, deadline.id))


async def test_call_is_for_coordinators_only(bot):
    ama = await known(bot)
    await ama.send("/call")
    assert "only available to the programme's coordinators" in ama.last.text
    await ama.press(ama.last, "dl|cy")
    assert bot.db.call(lambda session: session.execute(select(Deadline)).all()) == []


async def test_call_refuses_a_past_closing_date_politely(bot):
    kim = await known(bot, user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/call")
    await kim.click("Fachkräftefonds (kommunale Partnerschaften)")
    await kim.send("01.01.2020")
    assert "ist schon vorbei. Bitte geben Sie ein Datum ab heute an." in kim.last.text
    assert "Einsendeschluss" in kim.last.text  # the question is asked again, step 2 of 3
    await kim.send("morgen")
    assert "kann ich nicht als Datum lesen" in kim.last.text


# -- custom deadlines, /deadlines, /settings ------------------------------------------------------
async def test_my_deadlines_in_german_and_local_time(bot, clock):
    jonas = await known(bot, user_id=5151, language="de", name="Jonas")
    await jonas.send("/deadlines")
    assert "Sie haben keine offenen Fristen." in jonas.last.text
    add(bot, 5151, end_of_day(datetime(2026, 11, 24).date(), BERLIN), title="Bericht")
    await jonas.send("/deadlines")
    assert "Bericht" in jonas.last.text and "morgen fällig" in jonas.last.text
    assert "23:59 (Europe/Berlin)" in jonas.last.text


async def test_my_deadlines_have_a_button_for_each_and_its_reminder_buttons(bot, clock):
    ama = await known(bot)
    first = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="Work plan")
    add(bot, 4242, end_of_day(datetime(2026, 12, 20).date(), BERLIN), title="Budget")
    await ama.send("/deadlines")
    assert "1. Work plan" in ama.last.plain and "2. Budget" in ama.last.plain
    assert ama.buttons[:2] == ["1. Work plan", "2. Budget"]
    await ama.click("1. Work plan")
    assert "Due in 17 days: Work plan" in ama.last.plain
    assert ama.buttons == ["⏰ Remind me tomorrow", "✅ Already done"]
    await ama.click("✅ Already done")
    await ama.click("Yes, it is done")
    assert bot.db.call(lambda session: session.get(Deadline, first)).status == "done"


async def test_a_cancelled_deadline_and_an_unknown_button_get_a_clear_answer(bot, clock):
    from storage.deadlines import cancel_deadline

    ama = await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="Plan")
    clock.now = utc(2026, 12, 3, 8, 0)
    await bot.deliver_outbox()
    reminder = ama.last

    def cancel(*, session):
        cancel_deadline(session, deadline_id=deadline_id, reason="no longer needed")
        session.commit()

    bot.db.call(cancel)
    await ama.press(reminder, Reminder(ReminderAction.DONE, deadline_id).pack())
    assert "“Plan” was closed by the programme" in ama.last.plain
    assert "already done" not in ama.last.plain
    await ama.press(reminder, f"rem|q|{deadline_id}")
    assert "This button no longer works" in ama.last.plain


async def test_a_time_zone_step_left_waiting_still_takes_its_answer(bot, clock):
    # On the form engine a step waits like every form's draft (the old typed steps expired
    # after 15 minutes): the answer given later is the one it asked for, nothing else gets it.
    ama = await known(bot)
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    clock.advance(minutes=16)
    await ama.send("Ghana")
    assert "Your time zone is now Africa/Accra" in ama.last.plain
    assert bot.db.call(lambda session: session.get(Person, 4242)).timezone == "Africa/Accra"
    await ama.send("Ghana")  # the step is done: no longer taken as a time zone
    assert "Your time zone is now" not in ama.last.plain


async def test_settings_change_time_zone_by_country(bot, clock):
    ama = await known(bot)
    await ama.send("/settings")
    assert "Time zone: Europe/Berlin" in ama.last.text
    await ama.click("🕒 Change time zone")
    await ama.send("Atlantis")
    assert "I couldn't find a country or time zone for “Atlantis”" in ama.last.plain
    await ama.send("Ghana")
    assert "Your time zone is now Africa/Accra" in ama.last.text
    await ama.send("/settings")
    assert "Time zone: Africa/Accra" in ama.last.text
    await ama.click("🕒 Change time zone")
    await ama.send("Brazil")
    assert "Which of these is your time zone?" in ama.last.text
    await ama.click(ama.buttons[0])
    assert "Your time zone is now America/" in ama.last.text


async def test_multi_zone_countries_use_their_main_zone(bot, clock):
    from storage.local_time import zone_for_country, zones_of_country

    main = {
        "US": "America/New_York",
        "ID": "Asia/Jakarta",
        "CD": "Africa/Kinshasa",
        "CL": "America/Santiago",
        "EC": "America/Guayaquil",
        "RU": "Europe/Moscow",
        "MN": "Asia/Ulaanbaatar",
        "BR": "America/Sao_Paulo",
        "MX": "America/Mexico_City",
        "CA": "America/Toronto",
        "AU": "Australia/Sydney",
        "KZ": "Asia/Almaty",
        "AR": "America/Argentina/Buenos_Aires",
    }
    assert {country: zone_for_country(country) for country in main} == main
    ama = await known(bot)
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    await ama.send("United States")
    assert "Which of these is your time zone?" in ama.last.text
    assert "America/Chicago" in ama.last.text  # any other zone can be typed
    assert ama.buttons[0].startswith("United States · America/New_York")
    assert len(ama.buttons) <= 10  # capped, and Back and Cancel
    us = zones_of_country("US")
    assert us[1] == "America/Adak" and us.index("Pacific/Honolulu") < us.index("America/Chicago")
    await ama.send("America/Chicago")
    assert "Your time zone is now America/Chicago" in ama.last.text


async def test_a_new_time_zone_moves_the_final_reminder_too(bot, clock):
    await known(bot)
    deadline_id = add(bot, 4242, end_of_day(datetime(2026, 12, 10).date(), BERLIN))
    assert rows(bot, deadline_id)[3].due_at == utc(2026, 12, 14, 8)  # 09:00 Berlin
    set_zone(bot, 4242, "Asia/Tokyo")
    planned = rows(bot, deadline_id)
    assert planned[3].params["stage"] == "final"
    assert planned[3].due_at == utc(2026, 12, 14, 0)  # 09:00 in Tokyo, after the grace days
    assert planned[0].due_at == utc(2026, 12, 3, 0)


async def test_the_digest_comes_at_eight_where_the_coordinator_is(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    set_zone(bot, COORDINATORS[0], "Asia/Tokyo")
    await kim.send("/settings")
    assert "Time zone: Asia/Tokyo" in kim.last.text
    await kim.click("Daily digest at 08:00")
    before = len(kim.messages)

    def notice(*, session):
        outbox.enqueue(
            session,
            recipient_id=COORDINATORS[0],
            template="reminders/unreachable",
            params={"person_id": 11, "name": "Ama", "username": None},
            due_at=clock(),
        )
        session.commit()

    bot.db.call(notice)
    await bot.deliver_outbox()
    clock.now = utc(2026, 11, 23, 22, 59)
    await bot.deliver_outbox()
    assert len(kim.messages) == before
    clock.now = utc(2026, 11, 23, 23, 0)  # 08:00 in Tokyo
    assert await bot.deliver_outbox() == 1
    assert "Your daily digest: one notice" in kim.last.text


async def test_deadline_of_a_person_assigned_later_gets_its_reminders(bot, clock):
    await known(bot)
    deadline_id = add(bot, None, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="R1")
    assert rows(bot, deadline_id) == []

    def bind(*, session):
        assign_person(session, person_id=4242, deadline_ids=[deadline_id], now=clock())
        session.commit()

    bot.db.call(bind)
    assert len(rows(bot, deadline_id)) == 4


async def test_person_set_directly_is_planned_by_the_dispatcher(bot, clock):
    ama = await known(bot)
    deadline_id = add(bot, None, end_of_day(datetime(2026, 12, 10).date(), BERLIN), title="R2")

    def set_directly(*, session):
        session.get_one(Deadline, deadline_id).person_id = 4242
        session.commit()

    bot.db.call(set_directly)
    clock.now = utc(2026, 12, 3, 8, 0)
    assert await bot.deliver_outbox() == 1
    assert "R2" in ama.last.text


async def test_an_open_call_finds_people_who_start_a_draft_later(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/call")
    await kim.click("Fachkräftefonds (expert fund for municipal partnerships)")
    await kim.send("10.12.2026")
    await kim.send("Ghana")
    assert "Ghana" in kim.last.text
    await kim.click("✅ Open the call")
    assert "reminders now: 0" in kim.last.text
    ama = await known(bot)
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")

    def answer_country(*, session):
        from storage.models import ExpressionOfInterest

        eoi = session.execute(select(ExpressionOfInterest)).scalar_one()
        eoi.partner_country = "GH"
        session.commit()

    bot.db.call(answer_country)
    clock.advance(hours=1)
    await bot.deliver_outbox()  # the hourly look for new drafts makes Ama's deadline
    clock.now = utc(2026, 12, 3, 8, 0)  # 09:00 in Berlin is 08:00 in Accra: not yet
    assert await bot.deliver_outbox() == 0
    clock.now = utc(2026, 12, 3, 9, 0)
    assert await bot.deliver_outbox() == 1
    assert "Expression of interest · Fachkräftefonds" in ama.last.text
    assert "(Africa/Accra)" in ama.last.text  # the partner country's time zone


async def test_digest_holds_new_submissions_and_their_files_until_eight(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/settings")
    await kim.click("Daily digest at 08:00")
    before = len(kim.messages)
    ama = await known(bot)
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    from storage.interest import current_draft
    from storage.submissions import submit_draft

    draft = bot.db.call(current_draft, person_id=4242)
    consented(bot, draft, clock())
    bot.db.call(
        submit_draft, draft_id=draft.id, applicable=[], coordinators=list(COORDINATORS), now=clock()
    )

    def photo(*, session):
        outbox.enqueue(
            session,
            recipient_id=COORDINATORS[0],
            template="attachment:photo",
            params={"file_id": "photo-1", "caption": "site visit"},
            due_at=clock(),
        )
        session.commit()

    bot.db.call(photo)
    await bot.deliver_outbox()
    assert len(kim.messages) == before  # held for the digest
    assert "Neue Interessensbekundung" in bot.api.chat(COORDINATORS[1])[-1].text  # per event
    clock.now = utc(2026, 11, 24, 7, 0)
    await bot.deliver_outbox()
    digest, attached = kim.messages[-2:]
    assert "Your daily digest: one notice" in digest.text
    assert "New expression of interest EOI-2026-" in digest.text
    assert "An attached file follows." in digest.text
    assert attached.text == "site visit"
    await kim.click("One message per event")
    assert "a message for every event" in kim.last.text


async def test_pacer_never_puts_31_messages_in_one_second_nor_two_in_one_chat():
    from bot.pacing import virtual_pacer

    pacer, time = virtual_pacer()
    moments: list[tuple[float, int]] = []

    async def send(chat: int) -> None:
        await pacer.wait_for(chat)
        await pacer.clear_to_send(chat)
        moments.append((time.value, chat))

    chats = [c % 70 for c in range(200)]  # 200 messages, up to three per chat
    await asyncio.gather(*(send(c) for c in chats))
    times = sorted(t for t, _ in moments)
    assert all(times[i + 30] - times[i] > 1.0 for i in range(len(times) - 30))
    per_chat: dict[int, list[float]] = {}
    for t, chat in moments:
        per_chat.setdefault(chat, []).append(t)
    assert all(b - a >= 1.0 for ts in per_chat.values() for a, b in pairwise(ts))
    assert times[-1] - times[0] < 200 / 29 + 1  # and still close to 29 a second


async def test_call_and_deadline_have_back_and_keep_the_summary_on_typed_text(bot, clock):
    kim = await known(bot, user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/call")
    await kim.click("Fachkräftefonds (kommunale Partnerschaften)")
    await kim.send("10.12.2026")
    await kim.click("🌍 Alle Länder")
    assert "Bitte prüfen Sie Ihre Antworten" in kim.last.text
    await kim.send("Ghana")  # the summary waits for a button: it is shown again, unchanged
    assert "Bitte prüfen Sie Ihre Antworten" in kim.last.text and "Ghana" not in kim.last.text
    await kim.click("◀️ Zurück")
    await kim.send("Ghana, Kenia")
    assert "Ghana" in kim.last.text and "Kenia" in kim.last.text
    await kim.click("◀️ Zurück")
    await kim.click("◀️ Zurück")
    await kim.send("11.12.2026")  # the date again, the programme kept
    await kim.click("🌍 Alle Länder")
    assert "11.12.2026" in kim.last.text or "11. Dez. 2026" in kim.last.text

    await kim.send("/deadline")
    await kim.send(f"{kim.user_id}")
    await kim.send("Arbeitsplan")
    await kim.send("10.12.2026")
    await kim.send("Zwischenbericht")  # typed at the summary: not read as a date
    assert "Frist" in kim.last.text and "Arbeitsplan" in kim.last.text
    await kim.click("◀️ Zurück")
    await kim.click("◀️ Zurück")
    await kim.send("Zwischenbericht")
    await kim.send("12.12.2026")
    assert "Zwischenbericht" in kim.last.text
    await kim.click("✅ Frist setzen")
    assert "gesetzt" in kim.last.text


async def test_settings_time_zone_by_city(bot, clock):
    ama = await known(bot)
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    await ama.send("accra")
    assert "Your time zone is now Africa/Accra" in ama.last.text


async def test_a_name_that_only_looks_like_a_country_is_never_taken_unasked(bot):
    kim = await known(bot, user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/call")
    await kim.click("Fachkräftefonds (kommunale Partnerschaften)")
    await kim.send("15.12.2026")
    assert "Beispiel: Ghana, Kenia" in kim.last.text
    await kim.send("Ghana, Narnia")
    assert "„Narnia“" in kim.last.text or "“Narnia”" in kim.last.text
    assert "Armenien" not in kim.last.text
    await kim.send("/settings")
    await kim.click("🕒 Zeitzone ändern")
    await kim.send("Narnia")  # looks like Armenia: offered, not set
    assert "Asia/Yerevan" in " ".join(kim.buttons)
    assert "Ihre Zeitzone ist jetzt" not in kim.last.text


async def test_overdue_dates_are_the_days_that_were_set_where_the_holder_is(bot, clock):
    await known(bot, user_id=5252, name="Efua")
    set_zone(bot, 5252, "America/Managua")
    add(bot, 5252, end_of_day(datetime(2026, 11, 24).date(), "America/Managua"), title="Plan C")
    clock.now = utc(2026, 11, 28, 12, 0)  # 24 Nov 23:59 in Managua is 25 Nov in Berlin
    kim = await known(bot, user_id=COORDINATORS[0], name="Kim")
    await kim.send("/overdue")
    assert "Efua" in kim.last.text and "Plan C" in kim.last.text
    assert "due on Nov 24, 2026 (America/Managua)" in kim.last.text
