"""Deployed experts: registering a deployment, the invitation, guided and quick reports."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.experts_tables import Invitation
from storage.invitations import hash_code
from tests.conftest import COORDINATORS
from tests.experts_scripts import (
    ActivityReport,
    Deadline,
    Deployment,
    bind_expert,
    notices,
    register_deployment,
    rows,
)
from tests.instants import on_story_days, reference


async def guided_report_until_summary(
    jonas, german: bool = False, *, photos: int = 1, documents: tuple[str, ...] = ("agenda.pdf",)
) -> None:
    """Answers every question of the guided report with good answers (and these files)."""
    de = german
    await jonas.send("/report")
    await jonas.click("Workshop")
    await jonas.click("Gestern" if de else "Yesterday")
    await jonas.send("Waste separation workshop")
    await jonas.send("We mapped <routes> & agreed on pilots.")
    await jonas.send("25")
    await jonas.send("12")
    await jonas.send("3 informal waste pickers")
    await jonas.send("Sanitation department")
    await jonas.click(
        "11 Nachhaltige Städte und Gemeinden" if de else "11 Sustainable cities and communities"
    )
    await jonas.click("☑️ Fertig" if de else "☑️ Done")
    await jonas.click("Nebenziel" if de else "Significant objective")
    await jonas.click("Ja" if de else "Yes")
    await jonas.click("Überspringen" if de else "Skip")
    for number in range(photos):
        await jonas.send_photo(caption="Group photo" if number == 0 else None)
    for name in documents:
        await jonas.send_document(name, "application/pdf")
    count = photos + len(documents)
    assert (f"angehängte Dateien: {count}" if de else f"Files attached so far: {count}") in (
        jonas.last.text
    )
    await jonas.click("☑️ Fertig" if de else "☑️ Done")


@on_story_days
async def test_coordinator_registers_a_deployment_and_its_deadlines(bot):
    code = await register_deployment(bot)
    clara = bot.person(user_id=COORDINATORS[0])
    text = clara.last.text
    assert "Deployment registered" in text and "Jonas Becker (Development worker)" in text
    assert "Cape Coast, Ghana" in text and "Nov 1, 2026 – Nov 1, 2028" in text
    assert "8 due dates stored" in text
    [deployment] = rows(bot, Deployment)
    assert (deployment.status, deployment.interval, deployment.country) == (
        "active",
        "quarterly",
        "GH",
    )
    assert deployment.end_date.isoformat() == "2028-11-01"  # two years by default
    [invitation] = rows(bot, Invitation)
    assert invitation.code_hash == hash_code(code) and code not in invitation.code_hash
    assert invitation.expires_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    deadlines = rows(bot, Deadline, order=Deadline.due_at)
    assert [d.key for d in deadlines][:2] == [
        f"deployment:{deployment.id}:report:1",
        f"deployment:{deployment.id}:report:2",
    ]
    assert deadlines[0].due_at == datetime(2027, 2, 1, 23, 59, tzinfo=UTC)  # Accra is UTC
    assert deadlines[-1].due_at.date().isoformat() == "2028-11-01"
    assert {d.person_id for d in deadlines} == {None}
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    assert {d.person_id for d in rows(bot, Deadline)} == {5001}


@on_story_days
async def test_coordinator_registers_in_german_with_end_date(bot):
    code = await register_deployment(bot, german=True, end="31.10.2027")
    clara = bot.person(user_id=COORDINATORS[0], language="de")
    assert "Fachkrafteinsatz erfasst" in clara.last.text
    assert "4 Fälligkeitstermine" in clara.last.text
    assert f"https://t.me/partnerbot_test_bot?start={code}" in clara.last.text


@on_story_days
async def test_deployment_form_corrects_bad_dates_and_references(bot):
    clara = bot.person(user_id=COORDINATORS[0])
    await clara.send("/deploy")
    await clara.send("Jonas Becker")
    await clara.click("Local expert")
    await clara.send("2026/1")
    assert "A reference looks like EOI-2026-0001" in clara.last.text
    await clara.send("EOI-2026-0042")
    # No expression of interest EOI-2026-0042 exists: said at once, the question asked again.
    assert "No accepted expression of interest has the reference EOI-2026-0042" in clara.last.text
    await clara.click("Skip")
    await clara.send("Bonn – Cape Coast")
    await clara.send("Ghana")
    await clara.click("Ghana")
    await clara.send("Cape Coast")
    await clara.send("next monday")
    assert "read “next monday” as a date" in clara.last.text
    await clara.send("2027-02-01")
    await clara.send("01.01.2020")  # already over: nothing left to report
    assert "has already passed" in clara.last.text
    await clara.send("01.01.2027")
    assert "The end must come after the start" in clara.last.text
    await clara.send("31.01.2029")
    await clara.click("Monthly")
    assert "Please check your answers" in clara.last.text
    assert "Bonn – Cape Coast" in clara.last.text
    await clara.click("📨 Submit")
    assert "Deployment registered" in clara.last.text
    assert "24 due dates stored" in clara.last.text


@on_story_days
async def test_full_guided_report_in_english(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, language="en", name="Jonas")
    await bind_expert(bot, code, jonas)
    assert "registered as the expert" in jonas.last.text
    await guided_report_until_summary(jonas)
    summary = jonas.last.text
    assert "Please check your answers" in summary
    assert "&lt;routes&gt; &amp;" in summary  # escaped for HTML
    assert "Nov 22, 2026" in summary and "<b>Photos and documents:</b> photo, agenda.pdf" in summary
    await jonas.click("📨 Submit")
    assert reference("REP", 1) in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert report.status == "submitted" and report.source == "guided"
    assert report.description == "We mapped <routes> & agreed on pilots."
    assert (report.participants_total, report.participants_women) == (25, 12)
    assert report.activity_date.isoformat() == "2026-11-22"
    assert report.sdgs == ["11"] and report.gender == "significant"
    assert [a["type"] for a in report.attachments] == ["photo", "document"]
    assert len(notices(bot)) == 6  # a notice and two files per coordinator
    assert await bot.deliver_outbox() == 6
    notice = bot.api.chat(COORDINATORS[0])[-3]
    assert f"New activity report {reference('REP', 1)}" in notice.text
    assert "Jonas Becker" in notice.text and "Significant objective" in notice.text
    assert notice.labels == ["✅ Mark reviewed"]
    photos = bot.api.calls_to("sendPhoto")
    assert (
        len(photos) == 2 and photos[0].params["caption"] == f"{reference('REP', 1)} · Group photo"
    )
    assert len(bot.api.calls_to("sendDocument")) == 2


async def test_full_guided_report_in_german_reaches_coordinators_in_their_language(bot):
    code = await register_deployment(bot, german=True)
    english_coordinator = bot.person(user_id=COORDINATORS[1], language="en", name="Kofi")
    await english_coordinator.send("/start")
    jonas = bot.person(user_id=5002, language="de", name="Jonas")
    await bind_expert(bot, code, jonas)
    assert "Willkommen" in jonas.last.text
    await guided_report_until_summary(jonas, german=True)
    assert (
        "Bitte prüfen Sie Ihre Angaben" in jonas.last.text or "Aktivitätsbericht" in jonas.last.text
    )
    await jonas.click("📨 Einreichen")
    assert f"Aktenzeichen: {reference('REP', 1)}" in jonas.last.text
    await bot.deliver_outbox()
    german = bot.api.chat(COORDINATORS[0])[-3].text
    english = bot.api.chat(COORDINATORS[1])[-3].text
    assert f"Neuer Aktivitätsbericht {reference('REP', 1)}" in german and "Nebenziel" in german
    assert (
        f"New activity report {reference('REP', 1)}" in english
        and "Significant objective" in english
    )


@on_story_days
async def test_bad_numbers_dates_and_files_get_corrections_and_nothing_is_lost(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Training")
    await jonas.send("31.02.2026")
    assert "read “31.02.2026” as a date" in jonas.last.text
    await jonas.send("24.11.2026")  # tomorrow in Ghana
    assert "lies in the future" in jonas.last.text
    await jonas.send("31.10.2026")  # the deployment started on 1 November
    assert "before the deployment started (Nov 1, 2026)" in jonas.last.text
    assert "Step 2 of" in jonas.last.text
    await jonas.send("2026-11-20")
    await jonas.send("Training on fees")
    await jonas.send("Staff learned the new fee schedule.")
    await jonas.send("twenty")
    assert "whole number" in jonas.last.text
    await jonas.send("1.5")  # a fraction, not fifteen
    assert "whole number" in jonas.last.text
    await jonas.send("-4")
    assert "cannot be smaller than 0" in jonas.last.text
    await jonas.send("250000")
    assert "too large" in jonas.last.text
    await jonas.send("20")
    await jonas.send("21")
    assert "21 women is more than the 20 participants" in jonas.last.text
    await jonas.click("◀️ Back")
    assert "Current answer: 20" in jonas.last.text
    await jonas.send("30")
    await jonas.send("21")
    for _ in range(2):
        await jonas.click("Skip")
    await jonas.click("☑️ Done")
    await jonas.click("Principal objective")
    await jonas.click("No")
    await jonas.click("Skip")
    await jonas.send_document("tool.zip", "application/zip")
    assert "keep “tool.zip”" in jonas.last.text
    await jonas.send_photo(caption="x" * 1025)
    assert "The caption has 1025 characters" in jonas.last.text
    await jonas.send_sticker()
    assert "file can&#39;t be attached" in jonas.last.text
    await jonas.click("☑️ Done")
    summary = jonas.last.text
    assert "Nov 20, 2026" in summary and "Staff learned the new fee schedule." in summary
    assert "<b>Participants:</b> 30" in summary and "<b>Of them women:</b> 21" in summary
    [report] = rows(bot, ActivityReport)
    assert report.attachments == [] and report.participants_total == 30


async def test_edit_a_total_below_the_women_counted_is_refused(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await guided_report_until_summary(jonas)
    await jonas.click("✏️ Participants")
    await jonas.send("10")
    assert "You counted 12 women, so the total cannot be 10" in jonas.last.text
    await jonas.send("40")
    assert "<b>Participants:</b> 40" in jonas.last.text


@on_story_days
async def test_restart_in_the_middle_of_a_report(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Advice")
    await jonas.click("Today")
    await jonas.send("Budget advice")
    bot = await bot.restart()
    jonas = bot.person(user_id=5001, name="Jonas")
    await jonas.send("Advised the treasurer on the budget calendar.")
    assert "How many people took part in total?" in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert report.title == "Budget advice" and report.activity_date.isoformat() == "2026-11-23"
    assert report.description == "Advised the treasurer on the budget calendar."


async def test_cancel_pauses_the_report_and_it_continues_later(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Advice")
    await jonas.send("/cancel")
    assert "Paused" in jonas.last.text
    await jonas.send("/report")
    assert "When did it take place?" in jonas.last.text
    await jonas.click("Today")
    assert "short title" in jonas.last.text
