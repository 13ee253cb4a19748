"""Invitations (single use, expiry, guessing), who may do what, review, progress, the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from bot.buttons.deadlines import Reminder, ReminderAction
from bot.buttons.experts import InvitationAnswer, InvitationPressed, ReportAction, ReportButton
from bot.buttons.form import FormAction, FormButton
from bot.cli import main
from storage.experts_tables import Invitation, ProgressReport
from tests.conftest import COORDINATORS
from tests.experts_scripts import (
    LINK,
    ActivityReport,
    Deadline,
    Deployment,
    bind_expert,
    register_deployment,
    rows,
)
from tests.instants import on_story_days, reference

NEUTRAL = "This invitation link cannot be used."


async def test_an_invitation_works_once(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    [deployment] = rows(bot, Deployment)
    assert deployment.expert_id == 5001
    await jonas.send(f"/start {code}")
    assert "already registered as the expert" in jonas.last.text
    mallory = bot.person(user_id=6666, name="Mallory")
    await mallory.send(f"/start {code}")
    assert NEUTRAL in mallory.last.text and "Jonas" not in mallory.last.text
    [deployment] = rows(bot, Deployment)
    assert deployment.expert_id == 5001


async def test_an_expired_or_unknown_code_gets_the_same_neutral_answer(bot, clock):
    code = await register_deployment(bot)
    ama = bot.person(user_id=5005, language="de")
    await ama.send("/start abcdefghijklmnopqrstuv")
    unknown = ama.last.text
    clock.advance(days=14, seconds=1)
    await ama.send(f"/start {code}")
    assert ama.last.text == unknown
    assert "Dieser Einladungslink kann nicht verwendet werden" in unknown
    assert rows(bot, Deployment)[0].expert_id is None


async def test_a_link_opened_just_before_expiry_still_works(bot, clock):
    code = await register_deployment(bot)
    clock.advance(days=13, hours=23)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    assert rows(bot, Deployment)[0].expert_id == 5001


async def test_wrong_codes_are_slowed_down(bot, clock):
    code = await register_deployment(bot)
    mallory = bot.person(user_id=6666, name="Mallory")
    for n in range(5):
        await mallory.send(f"/start wrong-code-{n}")
        assert NEUTRAL in mallory.last.text and "Too many" not in mallory.last.text
    await mallory.send(f"/start {code}")  # even the right code is refused for a while
    assert "Too many invitation codes were tried" in mallory.last.text
    assert "again in 15 minutes" in mallory.last.text and NEUTRAL not in mallory.last.text
    clock.advance(minutes=16)
    await mallory.send(f"/start {code}")
    assert "Is this your deployment?" in mallory.last.text


async def test_a_confirmation_cannot_be_forged_by_another_account(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await jonas.send(f"/start {code}")
    [invitation] = rows(bot, Invitation)
    mallory = bot.person(user_id=6666, name="Mallory")
    await mallory.send("/start")
    await mallory.press(mallory.last, InvitationPressed(invitation.id, InvitationAnswer.YES).pack())
    assert NEUTRAL in mallory.last.text
    assert rows(bot, Deployment)[0].expert_id is None
    await jonas.click("✅ Yes, that's me")
    assert rows(bot, Deployment)[0].expert_id == 5001


async def test_declining_changes_nothing(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await jonas.send(f"/start {code}")
    await jonas.click("✖️ No")
    assert "nothing has been changed" in jonas.last.text
    assert rows(bot, Deployment)[0].expert_id is None


async def test_someone_without_invitation_is_told_how_to_get_one(bot):
    ama = bot.person(user_id=6001, language="de")
    for command in ("/report", "/myreports", "/progress"):
        await ama.send(command)
        assert "persönlichen Einladungslink" in ama.last.text
    ama_en = bot.person(user_id=6002, language="en")
    await ama_en.send("/report")
    assert "personal invitation link" in ama_en.last.text
    # An expert's button (forwarded, say) is refused the same way.
    await ama_en.press(ama_en.last, ReportButton(ReportAction.EDIT, 1).pack())
    assert "personal invitation link" in ama_en.last.text
    await ama_en.send("/start")
    await ama_en.click("🌍 Deployed experts")
    assert "personal invitation link" in ama_en.last.text


async def test_coordinator_commands_are_refused_to_everyone_else(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    for command in ("/deploy", "/deployments"):
        await jonas.send(command)
        assert "only available to the programme's coordinators" in jonas.last.text.replace(
            "&#39;", "'"
        )
    # Buttons are checked too: a forged form button, "new link" and "mark reviewed".
    for data in ("dep|go", "dep|ls", "dep|1|0|c|0", "dep|nl|1", "rep|rv|1"):
        await jonas.press(jonas.last, data)
        assert "coordinators" in (jonas.bot_answers()[-1]["text"] or "")
    assert len(rows(bot, Invitation)) == 1
    assert rows(bot, Deployment, Deployment.status == "draft") == []


async def test_an_expert_sees_and_edits_only_their_own_reports(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Trained the cashiers.")
    await jonas.click("⚡ Quick report")
    await jonas.send("/report")
    await jonas.click("Advice")
    [submitted, draft] = rows(bot, ActivityReport)

    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/deployments")
    await clara.click("➕ Register a deployment")
    code_two = await _finish_second_deployment(clara)
    kofi = bot.person(user_id=5002, name="Kofi")
    await bind_expert_named(bot, code_two, kofi)
    await kofi.send("/myreports")
    assert reference("REP", 1) not in kofi.last.text
    await kofi.press(kofi.last, ReportButton(ReportAction.EDIT, submitted.id).pack())
    assert "no such report among yours" in kofi.last.text
    # An old edit button
    await kofi.press(
        kofi.last, FormButton.of_form("rep")(draft.id, 1, FormAction.CHOICE, "0").pack()
    )
    assert "already submitted or discarded" in kofi.bot_answers()[-1]["text"]
    [_, still] = rows(bot, ActivityReport)[:2]
    assert still.activity_type == "advice" and still.person_id == 5001


async def _finish_second_deployment(clara) -> str:
    await clara.send("Kofi Mensah")
    await clara.click("Local expert")
    await clara.click("Skip")
    await clara.send("Stadt Kiel – Tema")
    await clara.send("Ghana")
    await clara.click("Ghana")
    await clara.send("Tema")
    await clara.send("2026-10-01")
    await clara.click("Skip")
    await clara.click("Monthly")
    await clara.click("📨 Submit")
    return LINK.search(clara.last.text).group(1)


async def bind_expert_named(bot, code, person) -> None:
    await person.send(f"/start {code}")
    assert "Kofi Mensah" in person.last.text
    await person.click("✅ Yes, that's me")


async def test_editing_before_and_after_review(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Workshop with the planning office")
    await jonas.click("⚡ Quick report")
    await bot.deliver_outbox()
    await jonas.send("/myreports")
    assert reference("REP", 1) in jonas.last.text and "you can still change it" in jonas.last.text
    await jonas.click(f"✏️ Edit {reference('REP', 1)}")
    assert "Please check your answers" in jonas.last.text
    await jonas.click("✏️ Type of activity")
    await jonas.click("Workshop")
    # What a quick report leaves open is asked in turn before the summary comes back.
    assert "How many people took part in total?" in jonas.last.text
    await jonas.send("8")
    await jonas.send("5")
    await jonas.click("Principal objective")
    await jonas.click("No")
    await jonas.click("📨 Submit")
    assert "Your changes have been submitted." in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert (report.status, report.reference, report.activity_type) == (
        "submitted",
        reference("REP", 1),
        "workshop",
    )
    await bot.deliver_outbox()
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    updated = clara.messages[-1]
    assert f"Updated activity report {reference('REP', 1)}" in updated.text
    await clara.click("✅ Mark reviewed", message=updated)
    assert clara.bot_answers()[-1]["text"] == "Marked as reviewed."
    assert rows(bot, ActivityReport)[0].status == "reviewed"
    assert rows(bot, ActivityReport)[0].reviewed_by == COORDINATORS[0]
    await bot.deliver_outbox()
    assert f"has reviewed your activity report {reference('REP', 1)}" in jonas.last.text

    await jonas.send("/myreports")
    assert "reviewed by a coordinator" in jonas.last.text
    assert f"✏️ Edit {reference('REP', 1)}" not in jonas.buttons
    await jonas.press(jonas.last, ReportButton(ReportAction.EDIT, report.id).pack())
    assert "can no longer be changed" in jonas.last.text
    assert rows(bot, ActivityReport)[0].status == "reviewed"


async def test_an_edit_left_unsent_does_not_block_the_review(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Site visit")
    await jonas.click("⚡ Quick report")
    await bot.deliver_outbox()
    await jonas.send("/myreports")
    await jonas.click(f"✏️ Edit {reference('REP', 1)}")
    await jonas.click("✏️ Title")
    await jonas.send("Half an edit")
    waiting = jonas.last  # the edit goes on with a question the quick report left open
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.click("✅ Mark reviewed")
    assert "as it was submitted" in clara.bot_answers()[-1]["text"]
    [report] = rows(bot, ActivityReport)
    assert (report.status, report.title, report.submitted_answers) == (
        "reviewed",
        "Site visit",
        None,
    )
    await jonas.click("Advice", message=waiting)  # the edit's step, now stale
    assert rows(bot, ActivityReport)[0].status == "reviewed"
    assert rows(bot, ActivityReport)[0].title == "Site visit"


@on_story_days
async def test_progress_report_marks_its_deadline_done(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, language="de", name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/progress")
    assert "Fortschrittsbericht 1, fällig am" in jonas.messages[-2].text
    await jonas.send("Der Abfallplan wurde beschlossen.")
    await jonas.send("Treibstoffmangel.")
    await jonas.send("Drittes Pilotgebiet starten.")
    await jonas.click("Überspringen")
    await jonas.click("📨 Einreichen")
    assert f"Aktenzeichen: {reference('PRG', 1)}" in jonas.last.text
    [report] = rows(bot, ProgressReport)
    assert (report.status, report.period, report.support_needed) == ("submitted", 1, "")
    deadlines = rows(bot, Deadline, order=Deadline.due_at)
    assert (deadlines[0].status, deadlines[0].done_at is not None) == ("done", True)
    assert {d.status for d in deadlines[1:]} == {"open"}
    await bot.deliver_outbox()
    assert reference("PRG", 1) in bot.api.chat(COORDINATORS[0])[-1].text
    await jonas.send("/progress")
    assert "Fortschrittsbericht 2" in jonas.messages[-2].text


@on_story_days
def test_cli_deployment_add(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    arguments = [
        "deployment",
        "add",
        "--name",
        "Jonas Becker",
        "--model",
        "development_worker",
        "--partnership",
        "Bonn – Cape Coast",
        "--country",
        "gh",
        "--city",
        "Cape Coast",
        "--start",
        "2026-12-01",
        "--interval",
        "monthly",
        "--bot-username",
        "partnerbot_test_bot",
    ]
    main(arguments)
    printed = capsys.readouterr().out
    assert "2026-12-01 – 2028-12-01, 24 progress reports due" in printed
    assert LINK.search(printed)
    with pytest.raises(SystemExit) as refused:
        main([*arguments, "--eoi", "EOI-2026-0099"])
    assert "no accepted expression of interest has the reference EOI-2026-0099" in str(
        refused.value
    )
    with pytest.raises(SystemExit) as no_username:
        main(arguments[:-2])  # neither a username nor a token: a clear message, not a crash
    assert "pass --bot-username" in str(no_username.value)
    deployments = [d for d in _deployments(database_url)]
    assert len(deployments) == 1  # the refused ones left nothing behind


def _deployments(url: str) -> list[Deployment]:
    from sqlalchemy import select
    from sqlmodel import Session

    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.execute(select(Deployment)).scalars())
    finally:
        engine.dispose()


async def test_hub_offers_what_each_person_may_do(bot):
    code = await register_deployment(bot)
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/start")
    await clara.click("🌍 Deployed experts")
    assert clara.buttons[:2] == ["➕ Register a deployment", "📋 Deployments"]
    await clara.click("📋 Deployments")
    assert "Invitation not yet accepted" in clara.last.text
    assert "#1 Jonas Becker" in clara.last.plain  # the number /deadline asks for
    await clara.click("🔗 New link for Jonas Becker")
    new_code = LINK.search(clara.last.text).group(1)
    jonas = bot.person(user_id=5001, name="Jonas")
    await jonas.send(f"/start {code}")  # the first link stopped working
    assert NEUTRAL in jonas.last.text
    await bind_expert(bot, new_code, jonas)
    await jonas.send("/start")
    await jonas.click("🌍 Deployed experts")
    assert jonas.buttons[:3] == ["📝 New activity report", "🗂 My reports", "📊 Progress report"]
    await jonas.click("📝 New activity report")
    assert "What kind of activity was it?" in jonas.last.text


@on_story_days
async def test_today_is_the_experts_today(bot, clock):
    clock.advance(hours=10)  # 20:00 in Ghana and Germany, already the next morning in Auckland
    code = await register_deployment(bot, country="New Zealand")
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Advice")
    await jonas.send("25.11.2026")
    assert "lies in the future" in jonas.last.text
    await jonas.send("24.11.2026")
    assert "short title" in jonas.last.text
    await jonas.click("◀️ Back")
    await jonas.click("Today")
    [report] = rows(bot, ActivityReport)
    assert report.activity_date.isoformat() == "2026-11-24"


async def test_an_updated_report_forwards_only_new_files(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send_photo(caption="Council session")
    await jonas.click("⚡ Quick report")
    await bot.deliver_outbox()
    assert len(bot.api.calls_to("sendPhoto")) == len(COORDINATORS)
    await jonas.send("/myreports")
    await jonas.click(f"✏️ Edit {reference('REP', 1)}")
    await jonas.click("✏️ Photos and documents")
    assert "Files attached so far: 1" in jonas.last.text
    await jonas.send_document(
        "minutes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    await jonas.click("☑️ Done")
    await jonas.click("Conference")  # what the quick report left open comes next
    await jonas.send("40")
    await jonas.send("18")
    await jonas.click("Not targeted")
    await jonas.click("Yes")
    assert "<b>Photos and documents:</b> photo, minutes.docx" in jonas.last.text
    await jonas.click("📨 Submit")
    assert "Your changes have been submitted." in jonas.last.text
    await bot.deliver_outbox()
    assert len(bot.api.calls_to("sendPhoto")) == len(COORDINATORS)  # not again
    assert len(bot.api.calls_to("sendDocument")) == len(COORDINATORS)
    # This coordinator never wrote to the bot: the default language (German) is used.
    assert (
        f"Geänderter Aktivitätsbericht {reference('REP', 1)}"
        in bot.api.chat(COORDINATORS[1])[-2].text
    )


@on_story_days
async def test_a_progress_reminder_opens_the_progress_report(bot, clock):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    clock.advance(days=70)  # a few days before the first report is due (1 Feb 2027)
    await bot.deliver_outbox()
    reminder = jonas.last
    # Only sending the report meets its deadline: no "Already done" to press.
    assert reminder.labels == ["▶️ Act now", "⏰ Remind me tomorrow"]
    deadline_id = reminder.buttons[0][0]["callback_data"].rsplit("|", 1)[1]
    # The Done button of an older reminder
    await jonas.press(reminder, Reminder(ReminderAction.DONE, int(deadline_id)).pack())
    assert "is done when you send it here" in jonas.last.text
    await jonas.click("▶️ Act now")
    assert "What progress did you make towards the agreed goals" in jonas.last.text
    assert "Progress report 1, due Feb 1, 2027" in jonas.messages[-2].text


async def test_discarding_an_edit_restores_the_submitted_report(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Workshop with the planning office")
    await jonas.click("⚡ Quick report")
    await bot.deliver_outbox()
    notices_before = len(bot.api.calls_to("sendMessage"))
    await jonas.send("/myreports")
    await jonas.click(f"✏️ Edit {reference('REP', 1)}")
    await jonas.click("✏️ Title")
    await jonas.send("A title I did not mean")
    await jonas.click("✖️ Cancel")
    await jonas.click("🗑 Discard draft")
    await jonas.click("🗑 Yes, discard it")
    assert "the report stays as you submitted it" in jonas.last.text
    [report] = rows(bot, ActivityReport)
    assert report.status == "submitted" and report.title != "A title I did not mean"
    assert report.submitted_answers is None
    await bot.deliver_outbox()
    coordinator_notices = [
        c
        for c in bot.api.calls_to("sendMessage")[notices_before:]
        if c.params["chat_id"] in COORDINATORS
    ]
    assert coordinator_notices == []  # nothing changed, nothing to tell


@on_story_days
async def test_overdue_names_the_expert_as_registered(bot, clock):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="J.")
    await bind_expert(bot, code, jonas)
    clock.advance(days=75)  # past the first progress report's date (1 Feb 2027)
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/overdue")
    assert "Jonas Becker" in clara.last.text and "Progress report no. 1" in clara.last.text
    assert "(Africa/Accra)" in clara.last.text


async def test_reports_lists_what_waits_for_review_and_opens_one_to_mark(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Site visit with the mayor")
    await jonas.click("⚡ Quick report")
    clara = bot.person(user_id=COORDINATORS[0], language="de", name="Clara")
    await clara.send("/reports")
    assert "Zu sichtende Aktivitätsberichte: 1" in clara.last.text
    assert reference("REP", 1) in clara.last.text and "Jonas Becker" in clara.last.text
    await clara.click(f"📄 {reference('REP', 1)}")
    assert "Site visit with the mayor" in clara.last.plain
    await clara.click("✅ Als gesichtet markieren")
    assert rows(bot, ActivityReport)[0].status == "reviewed"
    await clara.send("/reports")
    assert "Kein Aktivitätsbericht wartet auf Sichtung." in clara.last.text
    await jonas.send("/reports")  # not for experts
    assert "only available to the programme's coordinators" in jonas.last.text


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"--start": "0001-01-01"}, "--start"),
        ({"--start": "9999-12-31"}, "seems wrong"),
        ({"--end": "2026-11-30"}, "--end"),
        ({"--country": "DE"}, "not a partner country"),
        ({"--name": ""}, "--name"),
        ({"--city": "   "}, "--city"),
        ({"--partnership": ""}, "--partnership"),
        ({"--name": "J" * 5000}, "at most"),
        ({"--name": "12345"}, "letters"),
    ],
)
def test_cli_deployment_add_refuses_what_the_chat_refuses(
    db, database_url, monkeypatch, change, says
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    options = {
        "--name": "Jonas Becker",
        "--model": "development_worker",
        "--partnership": "Bonn – Cape Coast",
        "--country": "gh",
        "--city": "Cape Coast",
        "--start": "2026-12-01",
        "--interval": "monthly",
        "--bot-username": "partnerbot_test_bot",
        **change,
    }
    with pytest.raises(SystemExit) as refused:
        main(["deployment", "add", *(part for pair in options.items() for part in pair)])
    assert says in str(refused.value) and "not registered" in str(refused.value)
    with Session(db.engine) as session:
        assert session.execute(select(Deployment)).first() is None
