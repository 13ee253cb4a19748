"""Expressions of interest from start to submission, in both programmes and languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from storage.models import ExpressionOfInterest, Organisation, OutboxMessage
from tests.conftest import COORDINATORS
from tests.instants import reference
from tests.scripts import fachkraeftefonds_until_summary, verwaltungspartnerschaft_until_summary


def stored(bot) -> list[ExpressionOfInterest]:
    with Session(bot.db.engine) as session:
        return list(
            session.execute(
                select(ExpressionOfInterest).order_by(ExpressionOfInterest.id)
            ).scalars()
        )


def outbox(bot) -> list[OutboxMessage]:
    with Session(bot.db.engine) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


async def test_fachkraeftefonds_in_english_from_start_to_reference(bot):
    ama = bot.person(language="en")
    await ama.send("/start")
    assert "Hello Ama" in ama.last.text
    await fachkraeftefonds_until_summary(ama)
    summary = ama.last.text
    assert "Please check your answers" in summary
    assert "Abfallwirtschaft &amp; &lt;Finanzen&gt;" in summary  # escaped for HTML
    assert "Ghana" in summary and "North Rhine-Westphalia" in summary
    await ama.click("📨 Submit")
    assert reference("EOI", 1) in ama.last.text
    [eoi] = stored(bot)
    assert eoi.status == "submitted" and eoi.reference == reference("EOI", 1)
    assert eoi.expertise == "Abfallwirtschaft & <Finanzen>"  # exactly what was typed
    assert eoi.tasks_goals == "Ein Sammelsystem aufbauen 🙂"
    assert (eoi.german_state, eoi.partner_country, eoi.partnership_age) == ("NW", "GH", "5to10")
    assert (eoi.expert_model, eoi.contact_email, eoi.consent) == (
        "unsure",
        "maria.mueller@bonn.de",
        True,
    )
    with Session(bot.db.engine) as session:
        organisations = session.execute(select(Organisation)).scalars().all()
    assert {(o.name, o.side, o.country) for o in organisations} == {
        ("Stadt Bonn", "german", "DE"),
        ("Cape Coast", "partner", "GH"),
    }


async def test_fachkraeftefonds_in_german(bot):
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await jonas.send("/start")
    assert "Hallo Jonas" in jonas.last.text
    await fachkraeftefonds_until_summary(jonas, german=True)
    assert "Bitte prüfen Sie Ihre Antworten" in jonas.last.text
    await jonas.click("📨 Einreichen")
    assert reference("EOI", 1) in jonas.last.text
    assert "Vielen Dank" in jonas.last.text


async def test_verwaltungspartnerschaft_in_german_with_multiple_choice(bot):
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await verwaltungspartnerschaft_until_summary(jonas, german=True)
    summary = jonas.last.text
    assert "Bayern" in summary and "Schulungen; Studienreisen" in summary
    await jonas.click("📨 Einreichen")
    [eoi] = stored(bot)
    assert eoi.programme == "vwp" and eoi.authority_level == "state" and eoi.german_state == "BY"
    assert eoi.goals == ["training", "bilateral_exchange"]
    assert eoi.methods == ["trainings", "study_trips"]
    assert eoi.sdgs == ["16", "17"]
    assert eoi.do_no_harm == "Niemand wird ausgeschlossen." and eoi.gender_diversity == ""


async def test_verwaltungspartnerschaft_in_english(bot):
    ama = bot.person()
    await verwaltungspartnerschaft_until_summary(ama)
    await ama.click("📨 Submit")
    assert reference("EOI", 1) in ama.last.text


async def test_multiple_choice_toggles_in_place_and_needs_one(bot):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("Federal")
    await ama.send("Federal Statistical Office")
    await ama.send("Ghana Statistical Service")
    await ama.send("Ghana")
    await ama.click("Ghana")
    await ama.send("Census")
    question = ama.last
    await ama.click("☑️ Done")
    assert ama.last.message_id == question.message_id  # nothing chosen: an alert, same step
    assert ama.bot_answers()[-1]["show_alert"] is True
    await ama.click("Train the partner's staff")
    assert "✅ Train the partner's staff" in ama.buttons  # the same message, edited
    await ama.click("✅ Train the partner's staff")
    assert "Train the partner's staff" in ama.buttons
    assert [e.goals for e in stored(bot)] == [[]]


async def test_coordinators_are_notified_in_their_own_language(bot):
    english_coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await english_coordinator.send("/start")
    # COORDINATORS[1] never wrote to the bot: DEFAULT_LANGUAGE (German) applies.
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    rows = outbox(bot)
    assert sorted(r.recipient_id for r in rows) == sorted(COORDINATORS)
    assert {r.status for r in rows} == {"pending"}
    assert await bot.deliver_outbox() == 2
    english = bot.api.chat(COORDINATORS[0])[-1].text
    german = bot.api.chat(COORDINATORS[1])[-1].text
    assert f"New expression of interest {reference('EOI', 1)}" in english
    assert "Partner municipality:</b> Cape Coast" in english
    assert f"Neue Interessensbekundung {reference('EOI', 1)}" in german
    assert {r.status for r in outbox(bot)} == {"sent"}
    assert await bot.deliver_outbox() == 0  # nothing twice


async def test_references_count_up(bot):
    for user_id in (1, 2, 3):
        person = bot.person(user_id=user_id)
        await fachkraeftefonds_until_summary(person)
        await person.click("📨 Submit")
    assert [e.reference for e in stored(bot)] == [
        reference("EOI", 1),
        reference("EOI", 2),
        reference("EOI", 3),
    ]


async def test_submit_pressed_twice_submits_once(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    summary = ama.last
    await ama.click("📨 Submit")
    await ama.press(summary, summary.buttons[-2][0]["callback_data"])
    assert len(stored(bot)) == 1 and len(outbox(bot)) == len(COORDINATORS)
    assert "already submitted or discarded" in ama.bot_answers()[-1]["text"]


async def test_mine_lists_submissions_and_draft_with_status(bot):
    ama = bot.person()
    await ama.send("/mine")
    assert "You have not submitted anything yet" in ama.last.text
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    await ama.send("/interest")
    await ama.click("Verwaltungspartnerschaft")
    await ama.send("/mine")
    text = ama.last.text
    assert reference("EOI", 1) in text and "submitted" in text and "Cape Coast, Ghana" in text
    assert "Draft" in text


async def test_mine_in_german(bot):
    jonas = bot.person(language="de")
    await fachkraeftefonds_until_summary(jonas, german=True)
    await jonas.click("📨 Einreichen")
    await jonas.send("/mine")
    assert "eingereicht" in jonas.last.text


@pytest.mark.instant("2027-01-01T00:30:00+01:00")
async def test_references_count_in_the_programmes_year_on_new_years_night(bot):
    """00:30 on New Year's Day in Bonn is still 2026 in UTC; the reference is the new year's."""
    ama = bot.person(language="en")
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    assert "EOI-2027-0001" in ama.last.text
