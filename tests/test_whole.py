"""A submission read in full (split over messages when long), its history, and the splitting."""

from __future__ import annotations

import html
import re

from sqlmodel import Session

from bot.buttons.partners import HistoryAction, SubmissionButton
from bot.long_text import split, units
from storage.models import ExpressionOfInterest
from tests.conftest import COORDINATORS
from tests.instants import reference
from tests.test_interest import stored
from tests.test_review import submitted


async def test_the_submitter_reads_the_whole_submission_from_mine_in_german(bot):
    jonas = await submitted(bot, language="de")
    await jonas.send("/mine")
    await jonas.click(f"📖 {reference('EOI', 1)}")
    text = jonas.last.plain
    assert reference("EOI", 1) in text and "Status: eingereicht" in text
    assert "Deutsche Kommune: Stadt Bonn" in text
    # Someone else's, with a forged button: refused.
    kofi = bot.person(user_id=6161, language="en", name="Kofi")
    await kofi.send("/start")
    await kofi.press(kofi.last, SubmissionButton(HistoryAction.FULL, stored(bot)[0].id).pack())
    assert kofi.bot_answers()[-1]["show_alert"] is True
    assert "German municipality" not in kofi.last.plain
    # The history: coordinators'
    await jonas.press(jonas.last, SubmissionButton(HistoryAction.HISTORY, stored(bot)[0].id).pack())
    assert "Koordination" in jonas.bot_answers()[-1]["text"]


async def test_a_long_submission_comes_in_several_messages_without_cutting_html(bot):
    await submitted(bot, language="en")
    # As long as the form takes them; escaped for HTML they are longer than one message.
    goals = "\n".join(f"G{i:03} <&> <&>" for i in range(125))[:2000]
    expertise = "\n".join(f"E{i:03} <&> <&>" for i in range(94))[:1500]
    with Session(bot.db.engine) as session:
        eoi = session.get(ExpressionOfInterest, stored(bot)[0].id)
        assert eoi is not None
        eoi.tasks_goals, eoi.expertise = goals, expertise
        session.add(eoi)
        session.commit()
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/submissions")
    await tom.click(f"📄 {reference('EOI', 1)}")
    assert "shortened" in tom.last.text  # the notice shortens; reading in full does not
    before = len(bot.api.chat(COORDINATORS[0]))
    await tom.click("📖 Read in full")
    sent = bot.api.chat(COORDINATORS[0])[before:]
    assert len(sent) >= 2
    assert all(units(m.text) <= 4096 for m in sent)
    assert all(m.text.count("<b>") == m.text.count("</b>") for m in sent)
    whole = "\n".join(m.plain for m in sent)
    assert all(f"G{i:03} <&> <&>" in whole for i in range(125))
    assert all(f"E{i:03} <&> <&>" in whole for i in range(94))
    assert sent[-1].labels == ["🕓 History", "⚖️ Decide"]
    await tom.click("⚖️ Decide")  # after reading, the decision is one press away
    assert tom.last.labels[:4] == ["🔎 In review", "✅ Accept", "↩️ Return for changes", "✖️ Decline"]


async def test_the_history_names_who_did_what_with_the_reason(bot):
    jonas = await submitted(bot, language="de")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("🔎 In review", message=bot.api.chat(COORDINATORS[0])[-1])
    await tom.click("↩️ Return for changes", message=bot.api.chat(COORDINATORS[0])[-1])
    await tom.click("Not eligible for this programme")
    await tom.click("✅ Confirm")
    await bot.deliver_outbox()
    await jonas.click("✏️ Überarbeiten und erneut einreichen")
    await jonas.click("✏️ Deutsche Kommune")
    await jonas.send("Bundesstadt Bonn")
    await jonas.click("📨 Einreichen")
    await tom.send("/submissions")
    await tom.click(f"📄 {reference('EOI', 1)}")
    await tom.click("🕓 History")
    text = tom.last.plain
    assert f"History of {reference('EOI', 1)}" in text
    assert "Tom" in text and "telegram:" not in text and "Jonas" in text
    assert "Status: submitted → in review" in text
    assert "Status: in review → returned for changes" in text
    assert "Reason: Not eligible for this programme" in text
    assert "Changed German municipality: Stadt Bonn → Bundesstadt Bonn" in text
    assert tom.last.labels == ["📖 Read in full", "⚖️ Decide"]  # resubmitted: waiting again
    german = bot.person(user_id=COORDINATORS[1], language="de", name="Lena")
    await german.send("/start")
    await german.send("/submissions")
    await german.click(f"📄 {reference('EOI', 1)}")
    await german.click("🕓 Verlauf")
    assert "Grund: Für dieses Programm nicht förderfähig" in german.last.plain
    assert german.last.labels == ["📖 Ganz lesen", "⚖️ Entscheiden"]
    assert "Deutsche Kommune geändert: Stadt Bonn → Bundesstadt Bonn" in german.last.plain


async def test_a_draft_in_mine_can_be_continued(bot):
    ama = bot.person(language="en")
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    await ama.send("/mine")
    assert "▶️ Continue" in ama.last.labels
    await ama.click("▶️ Continue")
    assert "Step 2 of" in ama.last.text


def test_split_keeps_html_whole_and_within_the_limit():
    items = [
        ("<b>A:</b> ", "y" * 9000),  # one line longer than two messages, no space in it
        ("<b>B:</b> ", "a < b & c"),
        ("<b>C:</b> ", "🙂 " * 3000),  # emoji count two each
    ]
    messages = split(items, header="<b>Head</b>", limit=4096)
    assert all(units(m) <= 4096 for m in messages)
    assert all(m.count("<b>") == m.count("</b>") for m in messages)
    assert not any(re.search(r"&[a-z]*$", m) for m in messages)  # no entity cut in half
    plain = html.unescape(re.sub(r"<[^>]+>", "", "".join(messages)))
    assert plain.count("y") == 9000 and "a < b & c" in plain and plain.count("🙂") == 3000
    assert split([("<b>Only:</b> ", "short")]) == ["<b>Only:</b> short"]
