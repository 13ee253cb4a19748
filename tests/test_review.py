"""Coordinators decide on an expression of interest from its notice; the submitter is told."""

from __future__ import annotations

from bot.buttons.partners import Choice, Decision
from storage.experts_tables import Deployment
from storage.models import ExpressionOfInterest, Status
from tests.conftest import COORDINATORS
from tests.experts_scripts import rows
from tests.instants import reference
from tests.scripts import fachkraeftefonds_until_summary
from tests.test_interest import outbox, stored


async def submitted(bot, language: str = "de"):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/start")  # the coordinator reads English
    jonas = bot.person(user_id=5151, language=language, name="Jonas")
    await fachkraeftefonds_until_summary(jonas, german=language == "de")
    await jonas.click("📨 Einreichen" if language == "de" else "📨 Submit")
    await bot.deliver_outbox()
    return jonas


async def test_a_coordinator_accepts_and_the_submitter_hears_it_in_german(bot):
    jonas = await submitted(bot)
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    notice = bot.api.chat(COORDINATORS[0])[-1]
    assert f"New expression of interest {reference('EOI', 1)}" in notice.text
    assert notice.labels == ["🔎 In review", "✅ Accept", "↩️ Return for changes", "✖️ Decline"]
    await tom.click("✅ Accept", message=notice)
    assert (
        f"{reference('EOI', 1)} is now “accepted”. The submitter is told."
        in tom.bot_answers()[-1]["text"]
    )
    assert [e.status for e in stored(bot)] == ["accepted"]
    await bot.deliver_outbox()
    assert "Gute Nachricht" in jonas.last.text and reference("EOI", 1) in jonas.last.text
    await jonas.send("/mine")
    assert "angenommen" in jonas.last.text
    # The same decision again (a double tap) changes nothing and tells nobody twice.
    before = len(outbox(bot))
    await tom.click("✅ Accept", message=notice)
    assert "already has this status" in tom.bot_answers()[-1]["text"]
    assert len(outbox(bot)) == before


async def test_return_and_decline_in_english(bot):
    ama = await submitted(bot, language="en")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    notice = bot.api.chat(COORDINATORS[0])[-1]
    await tom.click("↩️ Return for changes", message=notice)
    await tom.click("Information missing")
    await tom.click("✅ Confirm")
    await bot.deliver_outbox()
    assert "returned it for changes" in ama.last.text
    await tom.click("✖️ Decline", message=notice)
    await tom.send("We only take up partnerships older than two years.")
    await tom.click("✅ Confirm")
    await bot.deliver_outbox()
    assert "decided not to take it up" in ama.last.text
    await ama.send("/mine")
    assert "declined" in ama.last.text


async def test_only_coordinators_decide_even_with_a_forged_button(bot):
    jonas = await submitted(bot)
    eoi = stored(bot)[0]
    await jonas.press(jonas.last, Decision(eoi.id, Choice.ACCEPT).pack())
    assert jonas.bot_answers()[-1]["show_alert"] is True
    assert "Koordinator" in jonas.bot_answers()[-1]["text"]
    assert [e.status for e in stored(bot)] == ["submitted"]
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    # No such submission
    await tom.press(bot.api.chat(COORDINATORS[0])[-1], Decision(999, Choice.ACCEPT).pack())
    assert (
        "already has this status" in tom.bot_answers()[-1]["text"]
        or "no longer" in tom.bot_answers()[-1]["text"]
    )


async def test_submissions_lists_what_waits_and_opens_one_to_decide(bot):
    await submitted(bot)
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/submissions")
    assert "Waiting for a decision: 1" in tom.last.text and reference("EOI", 1) in tom.last.text
    await tom.click(f"📄 {reference('EOI', 1)}")
    assert f"New expression of interest {reference('EOI', 1)}" in tom.last.text
    await tom.click("🔎 In review")
    await tom.send("/submissions")
    assert "in review" in tom.last.text
    await tom.click(f"📄 {reference('EOI', 1)}")
    await tom.click("✅ Accept")
    await tom.send("/submissions")
    assert "No expression of interest is waiting for a decision." in tom.last.text


async def test_submissions_is_for_coordinators_only(bot):
    jonas = await submitted(bot)
    await jonas.send("/submissions")
    assert "Koordination des Programms vorbehalten" in jonas.last.text
    await jonas.press(jonas.last, Decision(stored(bot)[0].id, Choice.OPEN).pack())
    assert jonas.bot_answers()[-1]["show_alert"] is True
    assert "Neue Interessensbekundung" not in jonas.last.text


async def test_a_deployment_follows_only_an_accepted_expression_of_interest(bot, clock):
    await submitted(bot)
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    notice = bot.api.chat(COORDINATORS[0])[-1]
    await tom.click("✖️ Decline", message=notice)
    await tom.click("Duplicate")
    await tom.click("✅ Confirm")
    await tom.send("/deploy")
    await tom.send("Jonas Becker")
    await tom.click("Local expert")
    await tom.send(reference("EOI", 1))
    # A declined one is refused at once and prefills nothing.
    assert f"No accepted expression of interest has the reference {reference('EOI', 1)}" in (
        tom.last.text
    )
    assert "Current answer" not in tom.last.text
    await tom.click("Skip")
    await tom.send("Bonn – Cape Coast")
    await tom.send("Ghana")
    await tom.click("Ghana")
    await tom.send("Cape Coast")
    await tom.send(f"01.01.{clock.now.year + 1}")  # a start next year, by the test's clock
    await tom.click("Skip")
    await tom.click("Monthly")
    await tom.click("📨 Submit")
    assert "Deployment registered" in tom.last.text
    assert rows(bot, Deployment, Deployment.eoi_id.is_not(None)) == []


async def accepted_then_deployed(bot):
    """Tom accepts the submission, then registers a deployment up to its EOI reference."""
    await submitted(bot)
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✅ Accept", message=bot.api.chat(COORDINATORS[0])[-1])
    await tom.send("/deploy")
    await tom.send("Jonas Becker")
    await tom.click("Local expert")
    return tom


async def test_an_accepted_expression_of_interest_prefills_the_deployment(bot):
    tom = await accepted_then_deployed(bot)
    await tom.send(reference("EOI", 1).lower())
    assert "Current answer: Stadt Bonn – Cape Coast" in tom.last.text
    await tom.click("Keep current answer")
    assert "Current answer: Ghana" in tom.last.text


async def test_a_decision_changed_before_the_deployment_is_submitted_is_caught(bot, clock):
    # The reference was an accepted one when typed; by the time the form is submitted it is
    # not: the form goes back to that question, with everything else kept.
    tom = await accepted_then_deployed(bot)
    await tom.send(reference("EOI", 1))
    bot.db.call(_declined, eoi_id=stored(bot)[0].id)
    while "Keep current answer" in tom.buttons:
        await tom.click("Keep current answer")
    await tom.send("Cape Coast")
    await tom.send(f"01.01.{clock.now.year + 1}")
    await tom.click("Skip")
    await tom.click("Monthly")
    await tom.click("📨 Submit")
    assert f"No accepted expression of interest has the reference {reference('EOI', 1)}" in (
        tom.last.text
    )
    assert all(d.eoi_id is None for d in rows(bot, Deployment))
    await tom.click("Skip")
    assert "Please check your answers" in tom.last.text and "Cape Coast" in tom.last.text


def _declined(*, session, eoi_id: int) -> None:
    session.get_one(ExpressionOfInterest, eoi_id).status = Status.DECLINED
    session.commit()
