"""/settings' time zone, a decision's reason and a model rule's reason on the form engine, in
German and English: Back from each step, Cancel and Continue, a wrong answer asked again, a
restart in the middle, buttons of the older steps and forged presses answered politely."""

from __future__ import annotations

from storage import model_rules
from storage.models import Person
from tests.conftest import COORDINATORS
from tests.test_interest import stored
from tests.test_review import submitted


def _zone(bot, person_id: int) -> str | None:
    return bot.db.call(lambda session: session.get_one(Person, person_id).timezone)


async def test_the_time_zone_step_in_german_back_cancel_restart_and_continue(bot):
    jonas = bot.person(language="de")
    await jonas.send("/settings")
    await jonas.click("🕒 Zeitzone ändern")
    assert "Zeitzone ändern" in jonas.last.text and "Schritt 1 von 1" in jonas.last.text
    await jonas.click("◀️ Zurück")  # Back from the only question: the settings again
    assert "Ihre Einstellungen" in jonas.last.text
    await jonas.click("🕒 Zeitzone ändern")
    await jonas.send("Atlantis")
    assert "Atlantis" in jonas.last.text and "Schritt 1 von 1" in jonas.last.text
    await jonas.click("✖️ Abbrechen")
    assert "Pausiert" in jonas.last.text
    bot = await bot.restart()  # the paused change waits in the database
    jonas = bot.person(language="de")
    await jonas.send("/start")
    assert "Zeitzone ändern" in jonas.last.text
    await jonas.click("▶️ Fortsetzen")
    await jonas.send("Brasilien")
    assert "Welche davon ist Ihre Zeitzone?" in jonas.last.text
    await jonas.click(jonas.buttons[0])
    assert "Ihre Zeitzone ist jetzt America/Sao_Paulo" in jonas.last.text
    assert _zone(bot, jonas.user_id) == "America/Sao_Paulo"


async def test_the_time_zone_step_in_english_survives_a_restart_and_old_buttons_say_so(bot):
    ama = bot.person(language="en")
    await ama.send("/settings")
    for old in ("set|s|Africa/Accra", "set|x"):  # the time zone step before it was a form
        await ama.press(ama.last, old)
        assert "That button no longer works. Please try /settings again." in ama.last.text
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    await ama.send("United States")
    offer = ama.last
    bot = await bot.restart()
    ama = bot.person(language="en")
    await ama.click(offer.labels[1], message=offer)  # an offered zone, pressed after the restart
    assert "Your time zone is now America/Adak" in ama.last.text
    await ama.click(offer.labels[0], message=offer)  # the change is done: nothing twice
    assert "already submitted or discarded" in ama.bot_answers()[-1]["text"]
    assert _zone(bot, ama.user_id) == "America/Adak"


async def test_a_decision_in_german_back_cancel_continue_and_a_wrong_answer(bot):
    await submitted(bot, language="en")
    anna = bot.person(user_id=COORDINATORS[1], language="de", name="Anna")
    notice = bot.api.chat(COORDINATORS[1])[-1]
    await anna.click("✖️ Ablehnen", message=notice)
    assert "Schritt 1 von 1" in anna.last.text
    await anna.send("x" * 501)
    assert "höchstens 500" in anna.last.text and "Schritt 1 von 1" in anna.last.text
    await anna.click("Doppelt eingereicht")
    assert "Begründung: Doppelt eingereicht" in anna.last.plain or "Grund: " in anna.last.plain
    await anna.click("◀️ Zurück")  # Back from the confirmation: the reason again, kept
    assert "✅ Doppelt eingereicht" in anna.last.labels
    await anna.click("✖️ Abbrechen")
    assert "Pausiert" in anna.last.text and stored(bot)[0].status == "submitted"
    await anna.send("/start")
    await anna.click("▶️ Fortsetzen")
    await anna.send("Die Partnerschaft besteht erst seit drei Monaten.")
    await anna.click("✅ Bestätigen")
    assert stored(bot)[0].status == "declined"


async def test_decision_buttons_refuse_a_partner_and_old_ones_say_to_start_again(bot):
    ama = await submitted(bot, language="en")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("↩️ Return for changes", message=bot.api.chat(COORDINATORS[0])[-1])
    question = tom.last
    for label in ("Information missing", "◀️ Back", "✖️ Cancel"):
        data = next(b["callback_data"] for r in question.buttons for b in r if b["text"] == label)
        await ama.press(question, data)  # forged by the submitter
        assert "coordinat" in ama.bot_answers()[-1]["text"].lower()
    await tom.press(question, "why|y|")  # Confirm of the reason step before it was a form
    assert "That button no longer works. Please send /submissions again." in tom.last.text
    assert stored(bot)[0].status == "submitted"
    await tom.click("Information missing", message=question)
    await tom.click("✅ Confirm")
    assert stored(bot)[0].status == "returned"


async def test_a_rule_reason_in_english_back_cancel_restart_and_a_wrong_answer(bot):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/rules Kenya")
    await tom.click("✏️ Reason")
    assert "in English" in tom.last.text and "Step 1 of 1" in tom.last.text
    await tom.click("◀️ Back")  # Back: the rules again, nothing changed
    assert "Kenya" in tom.last.text and "✏️ Reason" in tom.last.labels
    await tom.click("✏️ Reason")
    await tom.send("x" * 501)
    assert "at most 500" in tom.last.text and "Step 1 of 1" in tom.last.text
    await tom.click("✖️ Cancel")
    assert "Paused" in tom.last.text
    bot = await bot.restart()
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/start")
    await tom.click("▶️ Continue")
    await tom.send("Local contracts are possible in Kenya.")
    assert "✅ Saved: the reason for" in tom.last.text
    rule = bot.db.call(model_rules.rules_of_country, country="KE")["integrated"]
    assert rule.reasons["en"] == "Local contracts are possible in Kenya."


async def test_a_rule_reason_in_german_is_refused_to_a_partner_and_removed_with_a_dash(bot):
    anna = bot.person(user_id=COORDINATORS[1], language="de", name="Anna")
    await anna.send("/rules Kenia")
    await anna.click("✏️ Begründung", message=anna.last)
    question = anna.last
    ama = bot.person(language="en")
    back = next(b["callback_data"] for r in question.buttons for b in r if "Zurück" in b["text"])
    await ama.press(question, back)  # forged by a partner
    assert "coordinat" in ama.bot_answers()[-1]["text"].lower()
    await anna.send("Lokale Verträge sind möglich.")
    assert "✅ Gespeichert" in anna.last.text
    await anna.click("✏️ Begründung", message=anna.last)
    await anna.send("-")
    rule = bot.db.call(model_rules.rules_of_country, country="KE")["integrated"]
    assert "de" not in rule.reasons or not rule.reasons["de"]
