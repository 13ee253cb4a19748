"""/deadline on the form engine: who (an id, an @username, a deployment number or part of a
name, of the coordinator's own programmes), what, by when (in the holder's time zone); a step
survives a restart, Back keeps the answers, Cancel pauses the draft like every form's, a wrong
answer is asked again, and buttons of the older /deadline steps get a polite answer."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.buttons.form import FormAction, FormButton
from conversations.deadlines.custom_deadline import FORM
from storage.deployments import create_deployment
from storage.erasure import erase_person
from storage.local_time import end_of_day
from storage.models import Deadline, ExpressionOfInterest, Person
from tests.conftest import COORDINATORS

FAR_EAST = "Pacific/Kiritimati"  # UTC+14: its day begins ten hours before the day in UTC


def _deadlines(bot) -> list[Deadline]:
    return bot.db.call(
        lambda session: list(
            session.execute(select(Deadline).where(Deadline.kind == "custom")).scalars()
        )
    )


def _people(bot, *found: tuple[int, str, str | None], zone: str | None = None) -> None:
    def add(*, session):
        for person_id, name, username in found:
            session.add(Person(id=person_id, first_name=name, username=username, timezone=zone))
        session.commit()

    bot.db.call(add)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


@pytest.mark.instant("2026-11-23T12:00:00+00:00")
async def test_a_deadline_by_id_survives_a_restart_and_back_keeps_the_answers(bot, clock):
    _people(bot, (6001, "Efua", None), zone=FAR_EAST)
    holders_today = clock.now.astimezone(ZoneInfo(FAR_EAST)).date()
    assert holders_today > clock.now.date()  # already tomorrow where she is
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/deadline")
    assert "Step 1 of 3" in kim.last.text and "Who is it for?" in kim.last.text
    await kim.click("◀️ Back")
    assert "This is the first question." in kim.last.text
    await kim.send("6001")
    assert "Step 2 of 3" in kim.last.text and "For: Efua" in kim.last.text

    bot = await bot.restart()  # the step waits in the database
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("x" * 301)
    assert "at most 300" in kim.last.text and "Step 2 of 3" in kim.last.text
    await kim.send("Send the signed work plan")
    assert "Step 3 of 3" in kim.last.text
    await kim.send("someday")
    assert "can't read “someday” as a date" in kim.last.plain and "Step 3 of 3" in kim.last.text
    await kim.send(_day(clock.now.date()))  # today in UTC is yesterday where she is
    assert "has already passed" in kim.last.text and "Step 3 of 3" in kim.last.text
    await kim.click("◀️ Back")
    assert "Step 2 of 3" in kim.last.text and "Send the signed work plan" in kim.last.text
    await kim.click("◀️ Back")
    assert "Step 1 of 3" in kim.last.text and "Efua" in kim.last.text
    await kim.click("Keep current answer")
    await kim.click("Keep current answer")
    due = holders_today + timedelta(days=10)
    await kim.send(_day(due))
    assert "Please check your answers" in kim.last.text
    assert "<b>For:</b> Efua" in kim.last.text and FAR_EAST in kim.last.text
    await kim.click("◀️ Back")  # from the summary: the date again
    assert "Step 3 of 3" in kim.last.text
    await kim.click("Keep current answer")
    summary = kim.last
    submit = next(b["callback_data"] for r in summary.buttons for b in r if "Set the" in b["text"])
    await kim.click("✅ Set the deadline")
    assert "The deadline is set" in kim.last.text
    (deadline,) = _deadlines(bot)
    assert (deadline.person_id, deadline.deployment_id) == (6001, None)
    assert deadline.title == "Send the signed work plan"
    assert deadline.due_at == end_of_day(due, FAR_EAST)
    await kim.press(summary, submit)  # pressed again: no second deadline
    assert len(_deadlines(bot)) == 1
    await kim.send("6001")  # the form is done: no longer taken as an answer
    assert len(_deadlines(bot)) == 1


async def test_a_username_is_matched_exactly_and_two_matches_ask_for_the_id(bot, clock):
    _people(bot, (4242, "Ama", "ama_k"), (4343, "Anna", "annask"))
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/deadline")
    await kim.send("@nobody_known")
    assert "I don't know “@nobody_known”" in kim.last.plain and "Step 1 of 3" in kim.last.text
    await kim.send("@anna_k")  # "_" is no wildcard: annask is someone else
    assert "I don't know “@anna_k”" in kim.last.plain
    await kim.send("@AMA_K")
    assert "For: Ama" in kim.last.text
    await kim.click("◀️ Back")
    _people(bot, (4444, "Old", "Same_Name"), (4545, "Old", "Same_Name"))
    await kim.send("@same_name")
    assert "Several people who wrote to the bot have used “@same_name”" in kim.last.plain
    await kim.send("4545")
    assert "For: Old" in kim.last.text


async def test_a_deployment_by_number_in_german_and_cancel_pauses(bot, clock):
    start = clock().date() - timedelta(days=30)
    values = {
        "expert_name": "Jonas Becker",
        "expert_model": "development_worker",
        "partnership": "Bonn – Cape Coast",
        "country": "GH",
        "city": "Cape Coast",
        "start_date": start,
        "end_date": start + timedelta(days=365),
        "interval": "quarterly",
    }
    view = bot.db.call(create_deployment, values=values, code="c7", created_by=None, now=clock())
    kim = bot.person(user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/deadline")
    await kim.send(f"Einsatz {view.id}")
    assert "Schritt 2 von 3" in kim.last.text and f"Einsatz {view.id}" in kim.last.text
    await kim.send("Arbeitsplan")
    await kim.click("✖️ Abbrechen")
    assert "⏸" in kim.last.text
    await kim.send("12.12.2099")  # a paused draft takes no typed text
    assert _deadlines(bot) == []
    paused = next(m for m in reversed(bot.api.chat(kim.user_id)) if "⏸" in m.text)
    await kim.click("▶️ Fortsetzen", message=paused)
    assert "Schritt 3 von 3" in kim.last.text
    due = clock().date() + timedelta(days=20)
    await kim.send(_day(due))
    assert "Bitte prüfen Sie Ihre Antworten" in kim.last.text
    await kim.click("✅ Frist setzen")
    assert "gesetzt" in kim.last.text
    (deadline,) = _deadlines(bot)
    assert (deadline.person_id, deadline.deployment_id) == (None, view.id)


async def test_a_name_is_searched_among_the_coordinators_programmes_only(bot, clock):
    vera = 7001
    bot.settings.coordinator_ids_vwp = str(vera)
    _people(bot, (6101, "Kofi Mensah", None), (6102, "Kofi Boateng", None))
    bot.db.call(
        lambda session: (
            session.add(ExpressionOfInterest(person_id=6102, programme="fkf")),
            session.commit(),
        )
    )
    person = bot.person(user_id=vera, language="en", name="Vera")
    await person.send("/deadline")
    await person.send("Nobody Here")
    assert "I found nobody called “Nobody Here”" in person.last.text
    await person.send("kofi")
    assert "One person matches “kofi”. Is it them?" in person.last.text
    assert person.last.labels == ["Kofi Mensah · 6101", "◀️ Back", "✖️ Cancel"]
    await person.send("6102")  # the other programme's, by id: not found either
    assert "I don't know “6102”" in person.last.plain
    await person.send("kofi")
    await person.click("Kofi Mensah · 6101")
    assert "For: Kofi Mensah" in person.last.text and "Step 2 of 3" in person.last.text


async def test_forged_and_stale_buttons_change_nothing(bot, clock):
    _people(bot, (6201, "Abena", None), (6202, "Abenaa", None))
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/deadline")
    await kim.send("aben")
    offer = kim.last
    pick = offer.buttons[0][0]["callback_data"]
    button = FormButton.of_form(FORM.prefix)
    draft_id = button.unpack(pick).draft_id
    for forged in (
        button(draft_id, "0", FormAction.OFFERED, "7").pack(),  # not among the offered
        button(draft_id, "0", FormAction.OFFERED).pack(),
        button(draft_id + 9, "0", FormAction.OFFERED, "0").pack(),  # not her draft
        f"{FORM.prefix}|{draft_id}|0|v|²",  # malformed on purpose
    ):
        await kim.press(offer, forged)
        assert "For:" not in kim.last.text
    await kim.press(offer, pick)
    assert "For: Abena" in kim.last.text
    await kim.press(offer, offer.buttons[1][0]["callback_data"])  # the other, now stale
    assert "earlier step" in kim.bot_answers()[-1]["text"]
    assert "For: Abena" in kim.last.text
    ama = bot.person(user_id=4242, language="en", name="Ama")
    await ama.send("/start")
    await ama.press(kim.last, kim.last.buttons[0][0]["callback_data"])  # not a coordinator
    assert "coordinat" in ama.bot_answers()[-1]["text"].lower()
    assert _deadlines(bot) == []


async def test_buttons_of_the_older_deadline_steps_say_to_start_again(bot):
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/start")
    for data in ("dl|dy", "dl|db", "dl|pp|4242"):
        await kim.press(kim.last, data)
        assert "That button no longer works. Please send /deadline again." in kim.last.text
    await kim.press(kim.last, "dl|x")
    assert "Cancelled — nothing was saved." in kim.last.text
    lena = bot.person(user_id=COORDINATORS[1], language="de", name="Lena")
    await lena.send("/start")
    await lena.press(lena.last, "dl|dy")
    assert "/deadline" in lena.last.text and "no longer" not in lena.last.text
    assert _deadlines(bot) == []


async def test_typed_answers_reach_the_form_continued_last_among_several_open(bot):
    # /deploy is paused by /deadline, continued, then /deadline is continued from /start: both
    # are open and unpaused, and what Kim types goes to the one that asked her last.
    _people(bot, (6001, "Efua", None))
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/deploy")
    await kim.send("Jonas Becker")
    await kim.send("/deadline")
    paused = next(m for m in reversed(kim.messages) if "▶️ Continue" in m.labels)
    await kim.click("▶️ Continue", message=paused)
    assert "In which model is the expert deployed?" in kim.last.text
    await kim.send("/start")
    await kim.click("▶️ Set a deadline")
    assert "Who is it for?" in kim.last.text
    await kim.send("6001")
    assert "Step 2 of 3" in kim.last.text and "For: Efua" in kim.last.text


@pytest.mark.parametrize("language", ["en", "de"])
async def test_someone_gone_before_the_deadline_is_set_is_chosen_again(bot, clock, language):
    # Efua is erased while Kim's /deadline for her waits at its summary: no deadline is set for
    # her; Kim is told and chooses again, with what is due and by when kept.
    _people(bot, (6001, "Efua", None), (6002, "Kofi", None))
    kim = bot.person(user_id=COORDINATORS[0], language=language, name="Kim")
    await kim.send("/deadline")
    await kim.send("6001")
    await kim.send("Send the signed work plan")
    await kim.send(_day(clock.now.date() + timedelta(days=10)))
    assert "Efua" in kim.last.text and "Send the signed work plan" in kim.last.text
    bot.db.call(
        erase_person,
        person_id=6001,
        requested_by="test",
        coordinators=bot.settings.coordinators_by_programme,
        now=clock(),
    )
    await kim.click("✅ Frist setzen" if language == "de" else "✅ Set the deadline")
    assert _deadlines(bot) == []
    gone = "finde Efua nicht mehr" if language == "de" else "can no longer find Efua"
    step = "Schritt 1 von 3" if language == "de" else "Step 1 of 3"
    assert gone in kim.last.text and step in kim.last.text
    assert "Efua" not in kim.last.text.split(step)[1]  # no current answer to keep
    await kim.send("6002")
    assert "Kofi" in kim.last.text and "Send the signed work plan" in kim.last.text
    await kim.click("✅ Frist setzen" if language == "de" else "✅ Set the deadline")
    [deadline] = _deadlines(bot)
    assert deadline.person_id == 6002 and deadline.title == "Send the signed work plan"
