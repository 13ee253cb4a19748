"""Back, Cancel, edits from the summary, /start with a draft, restarts in the middle."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import select
from sqlmodel import Session

from storage.models import ExpressionOfInterest
from tests.experts_scripts import rows
from tests.instants import process_environment
from tests.scripts import fachkraeftefonds_until_summary, verwaltungspartnerschaft_until_summary


def draft(bot) -> ExpressionOfInterest:
    with Session(bot.db.engine) as session:
        return session.execute(select(ExpressionOfInterest)).scalars().one()


async def start_fachkraeftefonds(person) -> None:
    await person.send("/interest")
    await person.click("Fachkräftefonds")


async def test_back_shows_the_previous_question_with_its_answer(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    await ama.click("◀️ Back")
    assert "Step 1 of 12" in ama.last.text
    assert "Current answer: Stadt Bonn" in ama.last.text
    await ama.click("Keep current answer")
    assert "Step 2 of 12" in ama.last.text
    assert draft(bot).german_municipality == "Stadt Bonn"


async def test_back_on_the_first_question_leads_to_the_programme_choice(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.click("◀️ Back")  # nothing answered yet: the empty draft goes, nothing to keep
    assert "Which programme" in ama.last.text and "kept" not in ama.last.text
    assert ama.last.labels == ["Fachkräftefonds", "Verwaltungspartnerschaft", "✖️ Cancel"]
    assert rows(bot, ExpressionOfInterest) == []  # deleted at once
    await ama.click("Verwaltungspartnerschaft")  # no question about replacing a draft
    assert "Step 1 of 17" in ama.last.text


async def test_back_and_a_new_answer_replace_the_old_one(bot):
    jonas = bot.person(language="de")
    await start_fachkraeftefonds(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.click("◀️ Zurück")
    assert "Schritt 1 von 12" in jonas.last.text
    await jonas.send("Stadt Köln")
    assert "Schritt 2 von 12" in jonas.last.text
    assert draft(bot).german_municipality == "Stadt Köln"


async def test_edit_from_summary_returns_to_summary(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("✏️ Partner municipality")
    assert "Current answer: Cape Coast" in ama.last.text
    await ama.send("Tamale")
    assert "Please check your answers" in ama.last.text
    assert "Tamale" in ama.last.text
    assert draft(bot).partner_municipality == "Tamale"


async def test_edit_that_opens_a_question_asks_it_before_the_summary(bot):
    ama = bot.person()
    await verwaltungspartnerschaft_until_summary(ama)
    await ama.click("✏️ Level of the German authority")
    await ama.click("Federal")
    assert "Please check your answers" in ama.last.text
    assert "Federal state" not in ama.last.text  # no longer applies
    await ama.click("✏️ Level of the German authority")
    await ama.click("State (Land)")
    assert "Please check your answers" in ama.last.text  # Bavaria was kept
    await ama.click("📨 Submit")
    assert draft(bot).german_state == "BY"


async def test_edit_to_federal_clears_the_state_on_submission(bot):
    ama = bot.person()
    await verwaltungspartnerschaft_until_summary(ama)
    await ama.click("✏️ Level of the German authority")
    await ama.click("Federal")
    await ama.click("📨 Submit")
    eoi = draft(bot)
    assert eoi.authority_level == "federal" and eoi.german_state is None


async def test_cancel_pauses_keeps_everything_and_continue_resumes(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.click("✖️ Cancel")
    assert "Paused" in ama.last.text
    await ama.send("hello there")  # not taken as an answer while paused
    assert "did not take that as an answer" in ama.last.text
    assert any(label.startswith("▶️") for label in ama.last.labels)  # the way back
    assert draft(bot).german_state is None
    await ama.send("/start")
    assert "unfinished expression of interest" in ama.last.text
    assert "step 2 of 12" in ama.last.text
    await ama.click("▶️ Continue")
    assert "Step 2 of 12" in ama.last.text
    await ama.click("Bavaria")
    assert draft(bot).german_state == "BY" and draft(bot).german_municipality == "Stadt Bonn"


async def test_cancel_command_in_the_middle_and_discard(bot):
    jonas = bot.person(language="de")
    await start_fachkraeftefonds(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.send("/cancel")
    assert "Pausiert" in jonas.last.text
    await jonas.click("🗑 Entwurf verwerfen")
    assert "endgültig verwerfen" in jonas.last.text
    await jonas.click("Nein, behalten")  # a slip of the finger costs nothing
    assert "Schritt 2 von 12" in jonas.last.text and draft(bot).status == "draft"
    await jonas.send("/cancel")
    await jonas.click("🗑 Entwurf verwerfen")
    await jonas.click("🗑 Ja, verwerfen")
    assert "verworfen" in jonas.last.text
    assert rows(bot, ExpressionOfInterest) == []  # deleted at once
    await jonas.send("/cancel")
    assert "nichts abzubrechen" in jonas.last.text.lower()


async def test_starting_the_other_programme_asks_before_discarding(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.send("/interest")
    await ama.click("Choose a programme anew")
    await ama.click("Verwaltungspartnerschaft")
    assert "If you start" in ama.last.text
    await ama.click("▶️ Continue")
    assert "Step 2 of 12" in ama.last.text
    assert draft(bot).status == "draft"


async def test_commands_in_the_middle_keep_the_step(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.send("/help")
    assert "/interest" in ama.last.text and "step 2 of 12" in ama.last.text
    await ama.send("/privacy")
    await ama.click("Bavaria")  # the question's buttons still work
    assert "Step 3 of 12" in ama.last.text


async def test_language_switch_in_the_middle(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.send("/language")
    await ama.click("🇩🇪 Deutsch")
    assert "auf Deutsch" in ama.last.text
    await ama.click("▶️ Fortsetzen")
    assert "Schritt 2 von 12" in ama.last.text
    ama2 = bot.person(user_id=ama.user_id, language="en")
    await ama2.send("/start")
    assert "Hallo" in ama2.last.text  # the choice is remembered over the Telegram language


async def test_restart_in_the_middle_continues_where_the_person_was(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.click("Bavaria")
    bot = await bot.restart()
    ama = bot.person(user_id=ama.user_id)
    await ama.send("Cape Coast")  # the next message is the answer to step 3
    assert "Step 4 of 12" in ama.last.text
    assert draft(bot).partner_municipality == "Cape Coast"
    await bot.app.shutdown()


async def test_restart_then_start_offers_the_draft(bot):
    jonas = bot.person(language="de")
    await start_fachkraeftefonds(jonas)
    await jonas.send("Stadt Bonn")
    bot = await bot.restart()
    jonas = bot.person(user_id=jonas.user_id, language="de")
    await jonas.send("/start")
    assert "unfertige Interessensbekundung" in jonas.last.text
    assert "bei Schritt 2 von 12" in jonas.last.text
    await jonas.click("▶️ Fortsetzen")
    assert "Schritt 2 von 12" in jonas.last.text
    await bot.app.shutdown()


async def test_old_buttons_after_a_restart_are_answered(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    states = ama.last
    await ama.click("Bavaria")
    bot = await bot.restart()
    ama = bot.person(user_id=ama.user_id)
    await ama.press(states, states.buttons[0][0]["callback_data"])  # Baden-Württemberg, old
    assert "earlier step" in ama.bot_answers()[-1]["text"]
    assert "Step 3 of 12" in ama.last.text
    assert draft(bot).german_state == "BY"
    await bot.app.shutdown()


KILLED_MIDWAY = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from bot.app import build_application
    from bot.config import Settings
    from bot.instant import start_at_chosen_instant
    from bot.offline import OfflineBotAPI
    from storage.db import Database
    from tests.standin import ScriptedPerson

    start_at_chosen_instant()

    async def main():
        settings = Settings(_env_file=None, database_url=sys.argv[1], rate_limit=False)
        api = OfflineBotAPI()
        app = build_application(settings, request=api, db=Database(sys.argv[1]), token="1:T", dispatcher=False)
        async with app:
            ama = ScriptedPerson(app, api, 4242)
            await ama.send("/interest")
            await ama.click("Fachkräftefonds")
            await ama.send("Stadt Bonn")
            await ama.click("Bavaria")
            print(ama.last.text, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)  # no shutdown, no flush: kill -9

    asyncio.run(main())
    """
)


async def test_kill_9_in_the_middle_loses_nothing(bot, database_url):
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", KILLED_MIDWAY, database_url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.getcwd(), **process_environment()},
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "Step 3 of 12" in result.stdout
    ama = bot.person(user_id=4242)
    await ama.send("Cape Coast")
    assert "Step 4 of 12" in ama.last.text
    eoi = draft(bot)
    assert (eoi.german_municipality, eoi.german_state, eoi.partner_municipality) == (
        "Stadt Bonn",
        "BY",
        "Cape Coast",
    )


async def test_an_optional_answer_can_be_removed_and_consent_shows_its_choice(bot):
    ama = bot.person()
    await verwaltungspartnerschaft_until_summary(ama)
    await ama.click("✏️ Do No Harm")
    assert "Niemand wird ausgeschlossen." in ama.last.plain
    await ama.click("🗑 Remove this answer")
    assert "Do No Harm: —" in ama.last.plain  # back at the summary, the answer gone
    assert draft(bot).do_no_harm in (None, "")
    await ama.click("✏️ Consent to be contacted")
    assert "✅ Yes, I agree" in ama.last.labels and "No" in ama.last.labels


async def test_the_step_total_only_shrinks_when_a_question_falls_away(bot):
    jonas = bot.person(language="de")
    await jonas.send("/interest")
    await jonas.click("Verwaltungspartnerschaft")
    assert "Schritt 1 von 17" in jonas.last.text
    await jonas.click("Bund")
    assert "Schritt 2 von 16" in jonas.last.text


async def test_a_long_answer_shortened_in_the_summary_can_be_read_in_full(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    long_text = "Solid waste management, " * 60  # 1440 characters
    await ama.click("✏️ Expertise needed")
    await ama.send(long_text.strip())
    assert "tap ✏️ to see one in full" in ama.last.plain and "…" in ama.last.plain
    await ama.click("✏️ Expertise needed")
    assert long_text.strip() in ama.last.plain  # the whole answer, as typed
    await ama.click("Keep current answer")
    await ama.click("📨 Submit")
    await bot.deliver_outbox()
    assert "der Datenexport enthält sie vollständig" in bot.api.chat(900001)[-1].plain


async def test_back_on_the_first_question_offers_the_programmes_and_keeps_the_draft(bot):
    jonas = bot.person(language="de")
    await start_fachkraeftefonds(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.click("◀️ Zurück")
    await jonas.click("◀️ Zurück")
    assert "bisherigen Antworten bleiben erhalten" in jonas.last.text
    assert "Wählen Sie Fachkräftefonds" in jonas.last.text
    await jonas.click("Fachkräftefonds")  # the same programme: on with the draft
    assert "Schritt 1 von 12" in jonas.last.text and "Stadt Bonn" in jonas.last.text
    assert draft(bot).german_municipality == "Stadt Bonn"


async def test_text_after_leaving_the_first_question_is_not_taken_as_an_answer(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.click("◀️ Back")
    await ama.click("◀️ Back")
    await ama.click("✖️ Cancel")
    await ama.send("hello")
    assert draft(bot).german_municipality == "Stadt Bonn"
    assert "did not take that as an answer" in ama.last.text
    await ama.click("▶️ Continue")
    assert "Step 1 of 12" in ama.last.text and "Current answer: Stadt Bonn" in ama.last.text


async def test_back_from_a_multiple_choice_edit_undoes_the_ticks(bot):
    ama = bot.person()
    await verwaltungspartnerschaft_until_summary(ama)
    before = draft(bot).methods
    await ama.click("✏️ Methods")
    await ama.click("✅ Trainings")  # untick
    assert draft(bot).methods != before
    await ama.click("◀️ Back")
    assert "Please check your answers" in ama.last.text
    assert draft(bot).methods == before


async def test_an_old_confirmation_never_drops_a_newer_draft(bot):
    ama = bot.person()
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Bonn")
    await ama.send("/interest")
    await ama.click("Choose a programme anew")
    await ama.click("Verwaltungspartnerschaft")
    old_question = ama.last  # "… that draft is discarded. Start anew?"
    await ama.click("🗑 Discard draft")
    await ama.click("🗑 Yes, discard it")
    await start_fachkraeftefonds(ama)
    await ama.send("Stadt Köln")
    await ama.click("Yes, start anew", message=old_question)
    assert "that draft is discarded" in ama.last.text  # asked again, about the new draft
    assert [e.status for e in rows(bot, ExpressionOfInterest)] == ["draft"]


async def test_the_draft_note_on_start_is_escaped_once(bot):
    # The note is rendered HTML put into the /start template: an apostrophe (as in the French
    # programme name) must reach Telegram as &#39;, not as the visible text "&#39;".
    awa = bot.person(language="fr")
    await start_fachkraeftefonds(awa)
    await awa.send("/start")
    assert "d&#39;experts" in awa.last.text
    assert "&amp;" not in awa.last.text
