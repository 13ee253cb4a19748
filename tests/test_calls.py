"""/call on the form engine: a step survives a restart, Back keeps the answers, Cancel pauses
the draft like every form's, a wrong answer is asked again, and buttons of the older /call
steps still in chats get a polite answer."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.local_time import DEFAULT_ZONE, end_of_day
from storage.reminders_tables import CallForInterest
from tests.conftest import COORDINATORS


def _calls(bot) -> list[CallForInterest]:
    return bot.db.call(lambda session: list(session.execute(select(CallForInterest)).scalars()))


async def test_a_call_survives_a_restart_and_back_and_cancel_keep_its_answers(bot, clock):
    closing = (clock.now.astimezone(ZoneInfo(DEFAULT_ZONE)) + timedelta(days=20)).date()
    kim = bot.person(user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/call")
    assert "Schritt 1 von 3" in kim.last.text
    await kim.click("Fachkräftefonds (kommunale Partnerschaften)")
    assert "Schritt 2 von 3" in kim.last.text

    bot = await bot.restart()  # the step waits in the database
    kim = bot.person(user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("kein Datum")
    assert "kann ich nicht als Datum lesen" in kim.last.text and "Schritt 2 von 3" in kim.last.text
    await kim.send(closing.strftime("%d.%m.%Y"))
    assert "Schritt 3 von 3" in kim.last.text
    await kim.send("Ghana, Kenia")
    assert "Partnerländer:</b> Ghana, Kenia" in kim.last.text
    await kim.click("◀️ Zurück")
    assert "Ghana, Kenia" in kim.last.text  # the answer is kept, and can be kept
    await kim.click("✖️ Abbrechen")
    assert "Pausiert" in kim.last.text or "⏸" in kim.last.text
    assert _calls(bot) == []
    await kim.send("Ghana")  # a paused draft takes no typed text
    assert "Ghana, Kenia" not in kim.last.text
    paused = next(m for m in reversed(bot.api.chat(kim.user_id)) if "⏸" in m.text)
    await kim.click("▶️ Fortsetzen", message=paused)
    assert "Ghana, Kenia" in kim.last.text
    await kim.click("🌍 Alle Länder", message=kim.last)
    assert "Partnerländer:</b> alle" in kim.last.text
    summary = kim.last
    submit = next(b["callback_data"] for r in summary.buttons for b in r if "Aufruf" in b["text"])
    await kim.click("✅ Aufruf starten")
    assert "Der Aufruf ist gestartet" in kim.last.text
    (call,) = _calls(bot)
    assert (call.programme, call.countries) == ("fkf", [])
    assert call.closes_at == end_of_day(closing, DEFAULT_ZONE)
    await kim.press(summary, submit)  # pressed again: no second call
    assert len(_calls(bot)) == 1


async def test_buttons_of_the_older_call_steps_say_to_start_again(bot):
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/start")
    for data in ("dl|cp|fkf", "dl|ca", "dl|cb", "dl|cy"):
        await kim.press(kim.last, data)
        assert "That button no longer works. Please send /call again." in kim.last.text
    assert _calls(bot) == []


async def test_a_call_form_button_is_for_coordinators_only(bot):
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/call")
    ama = bot.person(user_id=4242, language="en", name="Ama")
    await ama.send("/start")
    await ama.press(kim.last, kim.last.buttons[0][0]["callback_data"])
    assert "coordinat" in ama.bot_answers()[-1]["text"].lower()
    assert "Step 1 of 3" in kim.last.text


async def test_a_coordinator_of_one_programme_opens_calls_only_for_it(bot, clock):
    vera = 7001
    bot.settings.coordinator_ids_vwp = str(vera)
    closing = (clock.now.astimezone(ZoneInfo(DEFAULT_ZONE)) + timedelta(days=20)).date()
    for language, refused, opened in (
        ("en", "which you do not coordinate", "The call is open"),
        ("de", "das Sie nicht koordinieren", "Der Aufruf ist gestartet"),
    ):
        person = bot.person(user_id=vera, language=language, name="Vera")
        before = len(_calls(bot))
        await person.send("/call")
        await person.click(person.last.labels[0])  # the Fachkräftefonds, not Vera's
        await person.send(closing.strftime("%d.%m.%Y"))
        await person.click(person.last.labels[0])  # all countries
        await person.click(person.last.labels[-3])  # open the call
        assert refused in person.last.text and len(_calls(bot)) == before
        await person.click(person.last.labels[0])  # ✏️ the programme
        await person.click(person.last.labels[1])  # the Verwaltungspartnerschaft
        await person.click(person.last.labels[-3])
        assert opened in person.last.text
    assert [call.programme for call in _calls(bot)] == ["vwp", "vwp"]
