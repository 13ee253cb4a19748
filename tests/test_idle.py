"""Bounded memory: people idle for half an hour leave the cache; their next update loads them
from the database, in the middle of a form too."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from bot.idle import JOB_NAME, SWEEP, evict_idle, start_sweeping
from storage.models import ExpressionOfInterest


def interest_draft(bot) -> ExpressionOfInterest:
    with Session(bot.db.engine) as session:
        return session.execute(select(ExpressionOfInterest)).scalars().one()


async def test_people_idle_for_half_an_hour_are_dropped_from_memory(bot, clock):
    ama = bot.person()
    kim = bot.person(user_id=5151, name="Kim")
    await ama.send("/start")
    clock.advance(minutes=20)
    await kim.send("/start")
    assert evict_idle(bot.app, clock()) == 0
    clock.advance(minutes=11)
    assert evict_idle(bot.app, clock()) == 2  # Ama's person data and her chat's
    assert ama.user_id not in bot.app.user_data and ama.user_id not in bot.app.chat_data
    assert kim.user_id in bot.app.user_data and kim.user_id in bot.app.chat_data
    await ama.send("/start")  # back from the database
    assert "Hello Ama" in ama.last.text
    assert ama.user_id in bot.app.user_data


async def test_a_person_dropped_in_the_middle_of_a_form_continues_where_they_were(bot, clock):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    clock.advance(minutes=45)
    evict_idle(bot.app, clock())
    assert ama.user_id not in bot.app.user_data
    await ama.click("North Rhine-Westphalia")
    assert "Step 3 of 12" in ama.last.text
    await ama.send("Cape Coast")
    assert "Step 4 of 12" in ama.last.text
    draft = interest_draft(bot)
    assert (draft.german_municipality, draft.german_state) == ("Stadt Bonn", "NW")
    assert draft.partner_municipality == "Cape Coast"


async def test_the_sweep_runs_every_five_minutes(settings, db, clock):
    from bot.app import build_application
    from bot.offline import OfflineBotAPI
    from tests.conftest import TOKEN

    app = build_application(settings, request=OfflineBotAPI(), db=db, clock=clock, token=TOKEN)
    await app.initialize()
    try:
        start_sweeping(app)
        (job,) = app.job_queue.get_jobs_by_name(JOB_NAME)
        assert job.job.trigger.interval == SWEEP
    finally:
        await app.shutdown()
