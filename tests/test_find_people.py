"""Coordinators find the person a deadline is for by (part of) their name: case and accents
do not matter; several matches are offered as buttons, one is offered to confirm, none is
answered politely with what to type instead."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Person
from storage.people_search import find_people, folded
from tests.conftest import COORDINATORS


def people(bot, *found: tuple[int, str, str | None]) -> None:
    def add(*, session):
        for person_id, name, username in found:
            session.add(Person(id=person_id, first_name=name, username=username))
        session.commit()

    bot.db.call(add)


def test_folding_drops_case_and_accents():
    assert folded("  José  MÜLLER ") == "jose muller"
    assert folded("Straße") == "strasse"


async def test_several_matches_are_offered_and_one_is_picked_in_english(bot, instant):
    people(bot, (7001, "José", None), (7002, "Josephine", "jo_b"), (7003, "Ama", None))
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/start")
    await kim.send("/deadline")
    await kim.send("jose")
    assert "2 people match “jose”. Please pick one." in kim.last.text
    assert kim.last.labels == ["José · 7001", "Josephine @jo_b · 7002", "◀️ Back", "✖️ Cancel"]
    await kim.click("Josephine @jo_b · 7002")
    assert "For: Josephine" in kim.last.text
    await kim.send("Send the budget")
    await kim.send(f"{instant + timedelta(days=20):%d.%m.%Y}")  # a day ahead of any run
    await kim.click("✅ Set the deadline")
    assert "The deadline is set" in kim.last.text


async def test_one_match_and_none_in_german(bot):
    people(bot, (7101, "Björn Müller", "bjoern"))
    lena = bot.person(user_id=COORDINATORS[1], language="de", name="Lena")
    await lena.send("/start")
    await lena.send("/deadline")
    await lena.send("Niemand")
    assert "Ich habe niemanden namens „Niemand“" in lena.last.text
    await lena.send("MULLER")
    assert "Eine Person passt zu „MULLER“" in lena.last.text
    await lena.click("Björn Müller @bjoern · 7101")
    assert "Björn Müller" in lena.last.text
    # Ids and @usernames keep working as before.
    await lena.click("◀️ Zurück")
    await lena.send("@bjoern")
    assert "Björn Müller" in lena.last.text


async def test_many_matches_show_the_first_eight(bot):
    people(bot, *((7200 + i, f"Maria {i}", None) for i in range(10)))
    assert len(bot.db.call(find_people, text="maria")[0]) == 8
    kim = bot.person(user_id=COORDINATORS[0], language="en", name="Kim")
    await kim.send("/start")
    await kim.send("/deadline")
    await kim.send("Maria")
    assert "10 people match" in kim.last.text and "Only the first 8 are shown" in kim.last.text
    assert len(kim.last.labels) == 10  # eight people, Back and Cancel
    # A pick from an old message after the step moved on does nothing.
    old = kim.last
    await kim.click("Maria 0 · 7200")
    await kim.click("Maria 1 · 7201", message=old)
    assert "earlier step" in kim.bot_answers()[-1]["text"]
    assert "For: Maria 0" in kim.last.text
