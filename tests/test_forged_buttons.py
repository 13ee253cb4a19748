"""Forged, malformed and other people's button presses get one polite refusal, never an error.

The buttons are the ones the bot really shows in a run through the main flows (a partner, a
deployed expert, a coordinator); every one is pressed again with its fields replaced by values
nobody could have been shown (2**63, -1, `²`, nothing, extra fields, another flow's prefix), with
no data at all and without its message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from bot.buttons import advisor, coordination, deadlines, experts, menu, partners, privacy
from bot.buttons.form import FormAction, FormButton
from bot.callbacks import CallbackData
from bot.offline import BotMessage
from storage.advisor_tables import AdvisorSession
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import Deadline, ExpressionOfInterest
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days
from tests.scripts import fachkraeftefonds_until_summary
from tests.standin import ScriptedPerson

APOLOGY = ("Sorry, something went wrong", "Entschuldigung")
REFUSAL = {
    "en": "This button no longer works. Please use the newest message or /start.",
    "de": "Diese Schaltfläche funktioniert nicht mehr. Bitte nutzen Sie die neueste Nachricht oder /start.",
}
GONE = {
    "en": "This button belongs to a form that was already submitted or discarded.",
    "de": "Diese Schaltfläche gehört zu einem Formular, das bereits eingereicht oder verworfen wurde.",
}
ONLY_COORDINATORS = {
    "en": "This is only available to the programme's coordinators.",
    "de": "Das ist der Koordination des Programms vorbehalten, also den Koordinatorinnen und Koordinatoren.",
}
TOO_BIG = str(2**63)
BAD_FIELDS = (TOO_BIG, "99999999999999999999", "-1", "²", "", "0", "x", " 1", "1.5")
OWNED = (ExpressionOfInterest, ActivityReport, ProgressReport, Deployment, Deadline, AdvisorSession)


@dataclass(frozen=True)
class Shown:
    """A button the bot showed somebody: whose chat, on which message, with which data."""

    user_id: int
    message_id: int
    data: str


async def main_flows(bot) -> dict[int, ScriptedPerson]:
    """A partner, a coordinator and a deployed expert use the bot's main flows."""
    ama = bot.person(user_id=4242, language="en", name="Ama")
    clara = bot.person(user_id=COORDINATORS[0], language="de", name="Clara")
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await clara.send("/start")
    await ama.send("/start")
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    await bot.deliver_outbox()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")  # a new draft left open: Continue / Discard
    await ama.send("/mine")
    await ama.send("/models")
    await ama.click(ama.last.labels[-2])  # start the advisor
    await ama.click(ama.last.labels[0])
    await ama.send("/settings")
    await ama.click("🕒 Change time zone")
    await ama.send("Ghana")
    await ama.send("/deadlines")
    await ama.send("/language")
    await ama.send("/help")
    await clara.send("/submissions")
    await clara.click(clara.last.labels[0])
    code = await register_deployment(bot, german=True)
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Workshop")
    await jonas.send("/progress")
    await jonas.send("/myreports")
    await jonas.send_photo(caption="Site visit")
    await jonas.send("/deadlines")
    await clara.send("/deployments")
    await clara.send("/rules Guinea")
    await clara.click(clara.last.labels[0])
    await clara.send("/call")
    await clara.send("/deadline")
    await clara.send("/settings")
    await clara.send("/reports")
    await clara.send("/overdue")
    await bot.deliver_outbox()
    tom = bot.person(user_id=COORDINATORS[1], language="en", name="Tom")
    return {p.user_id: p for p in (ama, clara, jonas, tom)}


def shown_buttons(bot) -> list[Shown]:
    """Every button with callback data the bot showed, once each (per chat)."""
    found: dict[tuple[int, str], Shown] = {}
    for call in bot.api.calls:
        markup = call.params.get("reply_markup")
        if not isinstance(markup, dict) or "chat_id" not in call.params:
            continue
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button:
                    chat = int(call.params["chat_id"])
                    found.setdefault((chat, button["callback_data"]), Shown(chat, 0, ""))
                    found[chat, button["callback_data"]] = Shown(chat, 0, button["callback_data"])
    return list(found.values())


def forgeries(data: str, prefixes: set[str]) -> list[str]:
    """Variants of a button's data nobody was shown."""
    fields = data.split("|")
    variants = []
    for i in range(1, len(fields)):
        for bad in BAD_FIELDS:
            variants.append("|".join([*fields[:i], bad, *fields[i + 1 :]]))
    variants += [data + "|1", data + "|", "|".join(fields[:-1]), fields[0], data + "²"]
    variants += ["|".join([other, *fields[1:]]) for other in sorted(prefixes - {fields[0]})[:4]]
    return [v for v in dict.fromkeys(variants) if v != data and len(v.encode()) <= 64]


def stored(bot) -> list[tuple]:
    """What people own, as stored: to see that forged presses changed none of it."""
    with Session(bot.db.engine) as session:
        return [
            tuple(sorted(row.model_dump(mode="json").items()))
            for table in OWNED
            for row in session.execute(select(table).order_by(table.id)).scalars()
        ]


def message_of(person: ScriptedPerson) -> BotMessage:
    return person.messages[-1]


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def apologised(person: ScriptedPerson, since: int) -> bool:
    return any(any(a in m.text for a in APOLOGY) for m in person.messages[since:])


async def press_forged(bot, person, message, data, caplog, *, no_message=False) -> bool:
    """Press once; True when the press raised (an error logged, or the generic apology) or
    was left without an answer."""
    caplog.clear()
    seen, calls = len(person.messages), len(bot.api.calls)
    query = {
        "id": f"forged-{len(bot.api.calls)}",
        "from": person.user,
        "chat_instance": f"ci-{person.user_id}",
    }
    if data is not None:
        query["data"] = data
    if not no_message:
        query["message"] = message.raw
    await person.deliver_raw({"update_id": 10**6 + len(bot.api.calls), "callback_query": query})
    answered = any(
        c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query["id"]
        for c in bot.api.calls[calls:]
    )
    return bool(errors(caplog)) or apologised(person, seen) or not answered


@on_story_days
async def test_every_shown_button_forged_is_refused_without_an_error(bot, caplog):
    caplog.set_level(logging.WARNING)
    people = await main_flows(bot)
    shown = shown_buttons(bot)
    prefixes = {s.data.split("|")[0] for s in shown}
    assert {"f", "rep", "dep", "eoi", "rem", "menu", "set", "rules"} <= prefixes, prefixes
    raised: list[str] = []
    presses = 0
    for button in shown:
        person = people[button.user_id]
        for data in forgeries(button.data, prefixes):
            presses += 1
            if await press_forged(bot, person, message_of(person), data, caplog):
                raised.append(data)
    for button in shown[:: max(1, len(shown) // 25)]:
        person = people[button.user_id]
        for data, no_message in ((None, False), (button.data, True), (None, True)):
            presses += 1
            if await press_forged(
                bot, person, message_of(person), data, caplog, no_message=no_message
            ):
                raised.append(f"{data!r} without message" if no_message else repr(data))
    print(f"forged presses: {presses}, raised: {len(raised)}")
    # Every button as shown is understood (its own answer, never the refusal of forged data).
    for button in shown:
        person, answers = people[button.user_id], len(bot.api.calls_to("answerCallbackQuery"))
        assert not await press_forged(bot, person, message_of(person), button.data, caplog)
        new = bot.api.calls_to("answerCallbackQuery")[answers:]
        assert REFUSAL[person.user["language_code"]] not in [c.params.get("text") for c in new]
    assert raised == [], f"{len(raised)} of {presses} forged presses raised: {raised[:40]}"


@on_story_days
async def test_another_persons_ids_are_refused_and_nothing_of_theirs_changes(bot, caplog):
    caplog.set_level(logging.WARNING)
    people = await main_flows(bot)
    shown = shown_buttons(bot)
    before = stored(bot)
    mallory = bot.person(user_id=6666, language="de", name="Mallory")
    await mallory.send("/start")
    refused = reminders = 0
    for button in shown:
        if button.data.startswith(("menu|", "lang|", "prog|", "set|", "dl|", "advx|new")):
            continue  # not anybody's own: every person has these
        answers = len(mallory.bot_answers())
        assert not await press_forged(bot, mallory, mallory.last, button.data, caplog), button
        new = mallory.bot_answers()[answers:]
        refused += any(
            a["text"] in (REFUSAL["de"], ONLY_COORDINATORS["de"]) for a in new if a["text"]
        )
        if button.data.startswith("rem|"):  # somebody else's deadline
            reminders += 1
            assert new[-1] == {"text": REFUSAL["de"], "show_alert": True}, button
    assert stored(bot) == before
    assert refused > 20 and reminders > 0
    assert people  # the owners' chats are there, untouched


@on_story_days
async def test_a_press_on_another_persons_draft_is_refused(bot):
    ama = bot.person(user_id=4242, language="en", name="Ama")
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    draft_button = next(
        b["callback_data"] for row in ama.last.buttons for b in row if b["text"] == "◀️ Back"
    )
    before = stored(bot)
    for language in ("de", "en"):
        mallory = bot.person(user_id=6666, language=language, name="Mallory")
        await mallory.send("/language")
        await mallory.click("🇩🇪 Deutsch" if language == "de" else "🇬🇧 English")
        await mallory.press(mallory.last, draft_button)
        # The form's own answer for a draft that is not (or no longer) the presser's.
        assert mallory.bot_answers()[-1] == {"text": GONE[language], "show_alert": True}
        assert not [m for m in mallory.messages if "Stadt Bonn" in m.text]
    assert stored(bot) == before
    await ama.click("◀️ Back")  # her own draft still answers her
    assert "Stadt Bonn" in ama.last.text


@pytest.mark.parametrize("language", ["de", "en"])
async def test_a_partner_is_refused_coordinator_buttons_and_commands(bot, language):
    ama = bot.person(user_id=4242, language=language, name="Ama")
    await ama.send("/start")
    clara = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await clara.send("/start")
    await fachkraeftefonds_until_summary(ama, german=language == "de")
    await ama.click("📨 Einreichen" if language == "de" else "📨 Submit")
    await bot.deliver_outbox()
    notice = clara.last
    decisions = [b["callback_data"] for row in notice.buttons for b in row]
    assert decisions and all(d.startswith("eoi|") for d in decisions)
    before = stored(bot)
    for data in decisions:
        await ama.press(ama.last, data)
        assert ama.bot_answers()[-1] == {"text": ONLY_COORDINATORS[language], "show_alert": True}
    for data in ("rules|c|GH", "rules|s|GH|0|o", "dep|go", "dep|ls", "rep|rv|1", "set|d|1"):
        await ama.press(ama.last, data)
        assert ama.bot_answers()[-1] == {"text": ONLY_COORDINATORS[language], "show_alert": True}
    assert stored(bot) == before
    for command in ("/submissions", "/rules", "/deploy", "/deployments", "/call", "/deadline"):
        await ama.send(command)
        assert ama.last.plain.startswith(ONLY_COORDINATORS[language]), (command, ama.last.text)
    for command in ("/reports", "/overdue"):
        await ama.send(command)
        assert ONLY_COORDINATORS[language] in ama.last.plain, (command, ama.last.text)


async def test_a_private_message_without_a_sender_is_ignored(bot, caplog):
    ama = bot.person(user_id=4242, language="en", name="Ama")
    await ama.send("/start")
    shown = len(ama.messages)
    message = {
        "message_id": 77,
        "date": 1,
        "chat": {"id": 4242, "type": "private", "first_name": "Ama"},
        "text": "/start",
    }
    await ama.deliver_raw({"update_id": 99, "message": message})
    assert errors(caplog) == []
    assert len(ama.messages) == shown


@pytest.fixture
async def bot_for_hypothesis(bot):
    ama = bot.person(user_id=4242, language="en", name="Ama")
    await ama.send("/start")
    return bot, ama


PREFIXES = (
    "f",
    "rep",
    "prg",
    "dep",
    "eoi",
    "rem",
    "menu",
    "lang",
    "set",
    "dl",
    "rules",
    "tz",
    "dec",
    "rr",
)
FIELDS = st.one_of(
    st.integers(min_value=-(2**65), max_value=2**65).map(str),
    st.sampled_from(["", "²", "o", "a", "s", "x", "ls", "go", "GH", "de", "٣", "1e3"]),
    st.text(max_size=6),
)


@given(
    prefix=st.sampled_from(PREFIXES),
    fields=st.lists(FIELDS, max_size=5),
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
async def test_any_data_with_a_known_prefix_is_answered_without_an_error(
    bot_for_hypothesis, prefix, fields
):
    bot, ama = bot_for_hypothesis
    data = "|".join([prefix, *fields])
    if len(data.encode()) > 64:
        return
    seen, calls = len(ama.messages), len(bot.api.calls)
    await ama.press(ama.last, data)
    assert not apologised(ama, seen), data
    assert [c for c in bot.api.calls[calls:] if c.method == "answerCallbackQuery"], data


# Buttons as the bot sent them before the codec: messages in people's chats still carry them.
OLD_BUTTONS = [
    "rep|1|1|b|",
    "f|7|2|c|1",
    "f|7|s|e|3",
    "adv|4|0|t|2",
    "rem|a|12",
    "rem|c|12",
    "eoi|3|o",
    "eoi|3|t",
    "prog|fkf",
    "prog|choose",
    "prog!|vwp|9",
    "rev|5",
    "rev!|5|9",
    "menu|home",
    "lang|de",
    "rep|go",
    "rep|ed|8",
    "rep|rv|8",
    "dep|nl|2",
    "inv|6|y",
    "qr|ls",
    "qr|11|q",
    "advx|t|4|2",
    "advx|q|4",
    "advx|new",
    "rules|c|GH",
    "rules|s|GH|0|o",
    "dl|cp|fkf",
    "dl|x",
    "dl|dy",
    "set|s|America/Argentina/Buenos_Aires",
    "set|d|1",
]


def test_old_buttons_are_understood_and_packed_the_same():
    features = (advisor, coordination, deadlines, experts, menu, partners, privacy)
    kinds = {
        kind
        for feature in features
        for kind in vars(feature).values()
        if isinstance(kind, type) and issubclass(kind, CallbackData) and kind is not CallbackData
    }
    kinds |= {FormButton.of_form(prefix) for prefix in ("f", "rep", "prg", "dep", "adv")}
    for data in OLD_BUTTONS:
        found = [value for kind in kinds if (value := kind.unpack(data)) is not None]
        assert len(found) == 1, (data, found)
        assert found[0].pack() == data


@pytest.mark.parametrize(
    "data",
    [
        "rem|a|" + TOO_BIG,
        "rem|a|-1",
        "rem|a|0",
        "rem|a|²",
        "rem|a|٣",
        "rem|a|",
        "rem|a|1|",
        "rem|a",
    ],
)
def test_ids_out_of_range_or_not_ascii_digits_are_refused(data):
    assert deadlines.Reminder.unpack(data) is None
    assert deadlines.Reminder.unpack("rem|a|" + str(2**63 - 1)) is not None


def test_a_form_button_packed_from_values_is_the_same_as_built():
    kind = FormButton.of_form("rep")
    for values in [
        (1, "3", FormAction("b"), ""),
        (2**62, "s", FormAction("x"), "7"),
    ]:
        assert kind.pack_values(*values) == kind(*values).pack()
        assert kind.unpack(kind.pack_values(*values)) == kind(*values)
