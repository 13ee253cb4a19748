"""Several flows open at once: what a person types goes to the one that asked them last."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage.advisor_tables import AdvisorSession
from storage.models import ExpressionOfInterest


def interest_draft(bot) -> ExpressionOfInterest:
    with Session(bot.db.engine) as session:
        return session.execute(select(ExpressionOfInterest)).scalars().one()


def advisor_run(bot) -> AdvisorSession:
    with Session(bot.db.engine) as session:
        return session.execute(select(AdvisorSession)).scalars().one()


async def test_a_form_started_later_takes_the_text_not_the_open_advisor(bot):
    ama = bot.person()
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await ama.click("A key position inside the partner administration")
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    assert interest_draft(bot).german_municipality == "Stadt Bonn"
    assert advisor_run(bot).answers.get("experience") is None


async def test_the_flow_asked_last_keeps_the_text_after_a_restart(bot):
    jonas = bot.person(language="de")
    await jonas.send("/interest")
    await jonas.click("Fachkräftefonds")
    await jonas.send("/models")
    await jonas.click("🧭 Welches Modell passt zu uns? Beratung starten")
    bot = await bot.restart()
    jonas = bot.person(user_id=jonas.user_id, language="de")
    await jonas.send("Stadt Bonn")  # the advisor asked last and wants a button: no answer
    assert interest_draft(bot).german_municipality is None
    await jonas.send("/interest")
    await jonas.click("▶️ Fortsetzen")
    await jonas.send("Stadt Bonn")
    assert interest_draft(bot).german_municipality == "Stadt Bonn"
    await bot.app.shutdown()


async def test_after_cancel_typed_text_goes_to_no_form(bot):
    ama = bot.person()
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.click("✖️ Cancel")
    await ama.send("Stadt Bonn")
    assert "did not take that as an answer" in ama.last.text
    assert any(label.startswith("▶️") for label in ama.last.labels)  # the way back
    assert interest_draft(bot).german_municipality is None


async def test_a_settings_step_does_not_take_the_answers_of_a_form_opened_after_it(bot):
    ama = bot.person()
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    assert interest_draft(bot).german_municipality == "Stadt Bonn"


async def test_cancel_pauses_a_waiting_settings_step_and_continue_takes_it_up(bot):
    jonas = bot.person(language="de")
    await jonas.send("/settings")
    await jonas.click("🕒 Zeitzone ändern")
    await jonas.send("/cancel")
    assert "Pausiert" in jonas.last.text and "Zeitzone ändern" in jonas.last.text
    await jonas.send("Ghana")
    assert "Ihre Zeitzone ist jetzt" not in jonas.last.text  # no longer taken as a time zone
    assert "„Zeitzone ändern“" in jonas.last.text  # but the paused change is named
    await jonas.send("/start")
    await jonas.click("▶️ Fortsetzen")
    assert "Schritt 1 von 1" in jonas.last.text
    await jonas.send("Ghana")
    assert "Ihre Zeitzone ist jetzt Africa/Accra" in jonas.last.text
