"""Report by message: quick reports, albums, details added later, and when no offer is made."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date

from tests.conftest import COORDINATORS
from tests.experts_scripts import (
    ActivityReport,
    bind_expert,
    notices,
    register_deployment,
    rows,
)
from tests.instants import reference


async def bound_expert(bot, language: str = "en", user_id: int = 5001):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=user_id, language=language, name="Jonas")
    await bind_expert(bot, code, jonas)
    return jonas


async def test_quick_report_from_a_text_in_english(bot):
    jonas = await bound_expert(bot)
    await jonas.send("Met the mayor about the landfill.\nWe agreed on a site visit.")
    assert "File this as an activity report?" in jonas.last.text
    assert jonas.buttons == ["⚡ Quick report", "📝 Add details", "No"]
    sent_at = datetime.fromtimestamp(jonas.last_update["message"]["date"], UTC)
    await jonas.click("⚡ Quick report")
    assert reference("REP", 1) in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert (report.status, report.source) == ("submitted", "quick")
    assert report.title == "Met the mayor about the landfill."
    assert report.description == "Met the mayor about the landfill.\nWe agreed on a site visit."
    assert report.message_date == sent_at and report.activity_date == sent_at.date()
    await bot.deliver_outbox()
    notice = bot.api.chat(COORDINATORS[0])[-1].text
    assert f"New activity report {reference('REP', 1)}" in notice and "Quick report" in notice
    assert "We agreed on a site visit." in notice


async def test_quick_report_from_a_photo_in_german(bot):
    jonas = await bound_expert(bot, language="de")
    await jonas.send_photo(caption="Begehung der Deponie mit dem Bürgermeister")
    assert "Soll ich das als Aktivitätsbericht ablegen?" in jonas.last.text
    await jonas.click("⚡ Schnellbericht")
    assert f"Aktenzeichen: {reference('REP', 1)}" in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert report.description == "Begehung der Deponie mit dem Bürgermeister"
    assert [a["type"] for a in report.attachments] == ["photo"]
    await bot.deliver_outbox()
    assert len(bot.api.calls_to("sendPhoto")) == len(COORDINATORS)


async def test_an_album_of_three_photos_becomes_one_report(bot):
    jonas = await bound_expert(bot)
    before = len(jonas.messages)
    await jonas.send_photo(caption="Workshop in Cape Coast", media_group_id="album-1")
    await jonas.send_photo(media_group_id="album-1")
    await jonas.send_photo(media_group_id="album-1")
    offers = [m for m in jonas.messages[before:] if "File this as an activity report?" in m.text]
    assert len(offers) == 1  # one question for the whole album
    await jonas.click("⚡ Quick report")
    [report] = rows(bot, ActivityReport)
    assert len(report.attachments) == 3 and report.description == "Workshop in Cape Coast"
    assert await bot.deliver_outbox() == 4 * len(COORDINATORS)  # notice and three photos each
    captions = [c.params.get("caption") for c in bot.api.calls_to("sendPhoto")]
    assert captions.count(reference("REP", 1)) == 3 * len(COORDINATORS)


async def test_add_details_opens_the_guided_report_prefilled(bot, instant):
    jonas = await bound_expert(bot)
    await jonas.send_photo(caption="Training for 14 clerks on the new fee schedule")
    await jonas.click("📝 Add details")
    assert "What kind of activity was it?" in jonas.last.text
    await jonas.click("Training")
    sent_on = format_date(instant.astimezone(UTC), "medium", locale="en")  # in Ghana (UTC)
    assert f"Current answer: {sent_on}" in jonas.last.text
    await jonas.click("Keep current answer")
    assert "Current answer: Training for 14 clerks" in jonas.last.text
    await jonas.click("Keep current answer")
    await jonas.click("Keep current answer")
    await jonas.send("14")
    await jonas.send("9")
    await jonas.click("Skip")
    await jonas.click("Skip")
    await jonas.click("☑️ Done")
    await jonas.click("Not targeted")
    await jonas.click("Yes")
    await jonas.send("Sessions were held in the morning so that parents could attend.")
    assert "Files attached so far: 1" in jonas.last.text
    await jonas.click("☑️ Done")
    assert "<b>Photos and documents:</b> photo" in jonas.last.text
    await jonas.click("📨 Submit")
    assert reference("REP", 1) in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert (report.source, report.activity_type, report.participants_women) == (
        "guided",
        "training",
        9,
    )


async def test_no_leaves_the_message_unfiled(bot):
    jonas = await bound_expert(bot)
    await jonas.send("Just a note to myself")
    offer = jonas.last
    await jonas.click("No")
    assert "not filed it" in jonas.last.text
    assert rows(bot, ActivityReport) == []  # set aside: nothing of it is kept
    assert notices(bot) == []
    await jonas.click("⚡ Quick report", message=offer)  # the old button, pressed late
    assert rows(bot, ActivityReport) == []
    assert jonas.bot_answers()[-1]["text"] == "This message was already filed or set aside."


async def test_text_while_filling_in_a_form_is_an_answer_not_a_report(bot):
    jonas = await bound_expert(bot)
    await jonas.send("/interest")
    await jonas.click("Fachkräftefonds")
    await jonas.send("Stadt Bonn")
    assert "File this as an activity report?" not in jonas.last.text
    assert "In which federal state is it?" in jonas.last.text
    await jonas.send("/report")  # pauses the expression of interest, says so
    assert any("Paused" in m.text for m in jonas.messages[-3:])
    await jonas.click("Advice")
    await jonas.click("Today")
    await jonas.send("Budget advice")
    assert "What happened?" in jonas.last.text
    assert [r.status for r in rows(bot, ActivityReport)] == ["draft"]


async def test_someone_who_is_not_an_expert_gets_no_offer(bot):
    ama = bot.person(user_id=6001)
    await ama.send("We held a workshop yesterday.")
    assert "File this as an activity report?" not in ama.last.text
    assert "Please choose from the menu" in ama.last.text
    assert rows(bot, ActivityReport) == []


async def test_unsupported_file_sent_as_a_message_gets_a_correction(bot):
    jonas = await bound_expert(bot)
    await jonas.send_document("setup.exe", "application/x-msdownload")
    assert "keep “setup.exe”" in jonas.last.text
    assert rows(bot, ActivityReport) == []


async def test_messages_left_unanswered_are_offered_again_after_a_restart(bot):
    jonas = await bound_expert(bot)
    await jonas.send("Met the mayor about the landfill.")
    await jonas.send_photo(caption="Site visit")
    bot = await bot.restart()
    jonas = bot.person(user_id=5001, name="Jonas")
    await jonas.send("/start")
    assert "2 of your messages are waiting" in jonas.last.text
    await jonas.click("📎 Messages to file (2)")
    first, second = jonas.messages[-2:]
    assert "“Met the mayor about the landfill.”" in first.plain
    assert "“Site visit”" in second.plain and "1 file" in second.plain
    await jonas.click("⚡ Quick report", message=first)
    assert reference("REP", 1) in jonas.last.text
    await jonas.click("No", message=second)
    await jonas.send("/start")
    assert "messages are waiting" not in jonas.last.text
    assert not any(label.startswith("📎") for label in jonas.last.labels)


async def test_one_waiting_message_in_german(bot):
    jonas = await bound_expert(bot, language="de")
    await jonas.send("Treffen mit dem Bürgermeister")
    await jonas.send("/start")
    assert "Eine Ihrer Nachrichten wartet" in jonas.last.text
    await jonas.click("📎 Abzulegende Nachrichten (1)")
    assert "Diese Nachricht als Aktivitätsbericht ablegen?" in jonas.last.text


async def test_a_sticker_with_messages_waiting_is_not_called_a_refused_answer(bot):
    jonas = await bound_expert(bot)
    await jonas.send("Met the mayor.")
    await jonas.send_sticker()
    assert "not sure what to do with that" in jonas.last.text
    assert "One of your messages is waiting" in jonas.last.text
    assert "📎 Messages to file (1)" in jonas.last.labels


async def test_a_message_with_a_nul_character_is_offered_as_a_report(bot):
    jonas = await bound_expert(bot)
    await jonas.send("Workshop\x00 with the planning office")
    await jonas.click("⚡ Quick report")
    [report] = rows(bot, ActivityReport)
    assert "\x00" not in f"{report.title}{report.description}"
    assert "planning office" in f"{report.title}{report.description}"
    assert "Sorry" not in jonas.last.text
