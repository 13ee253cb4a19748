"""Coordinators return or decline with a reason, confirmed; the submitter reads it in their own
language; what changed on resubmission is shown; everything lands in the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from bot import audit_rows
from conversations.partners import reasons, whole
from storage import audit, model_rules
from storage.audit_tables import AuditEntry
from storage.models import utcnow
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days, reference
from tests.test_experts import guided_report_until_summary
from tests.test_interest import outbox, stored
from tests.test_review import submitted


def trail(bot) -> list[AuditEntry]:
    with Session(bot.db.engine) as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


async def test_a_preset_reason_reaches_a_german_submitter_in_german_and_the_changes_come_back(bot):
    jonas = await submitted(bot, language="de")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("↩️ Return for changes", message=bot.api.chat(COORDINATORS[0])[-1])
    assert f"Why do you return {reference('EOI', 1)} for changes?" in tom.last.text
    assert "Information missing" in tom.last.labels and "Duplicate" in tom.last.labels
    await tom.click("Information missing")
    assert "Reason: Information missing" in tom.last.plain
    assert tom.last.labels == ["✅ Confirm", "◀️ Back", "✖️ Cancel"]
    assert stored(bot)[0].status == "submitted"  # nothing decided before the confirmation
    await tom.click("✅ Confirm")
    assert "The submitter is told" in tom.last.text
    assert stored(bot)[0].status == "returned"
    await bot.deliver_outbox()
    assert "Begründung der Koordination:</b> Angaben fehlen" in jonas.last.text
    await jonas.click("✏️ Überarbeiten und erneut einreichen")
    assert "Begründung der Koordination: Angaben fehlen" in jonas.last.plain
    await jonas.click("✏️ Deutsche Kommune")
    await jonas.send("Bundesstadt Bonn")
    await jonas.click("📨 Einreichen")
    await bot.deliver_outbox()
    english, german = (bot.api.chat(coordinator)[-1] for coordinator in COORDINATORS)
    assert "Changed since it was returned:" in english.plain
    assert "German municipality: Stadt Bonn → Bundesstadt Bonn" in english.plain
    assert "Geändert seit der Rückgabe:" in german.plain
    assert "Deutsche Kommune: Stadt Bonn → Bundesstadt Bonn" in german.plain
    decision, edit = trail(bot)
    assert (decision.action, decision.field, decision.old, decision.new) == (
        "decision",
        "status",
        "submitted",
        "returned",
    )
    assert decision.actor == f"telegram:{COORDINATORS[0]}" and decision.reason_code == "missing"
    assert (edit.action, edit.field, edit.old, edit.new) == (
        "revision",
        "german_municipality",
        "Stadt Bonn",
        "Bundesstadt Bonn",
    )
    assert edit.actor == "telegram:5151" and edit.reference == reference("EOI", 1)
    # The rows for the export's audit sheet: labelled in the chosen language, names not ids.
    sheet = bot.db.call(
        audit_rows.rows,
        language="de",
        field_labels=whole.answer_labels(),
        reason_labels=reasons.PRESETS,
    )
    assert sheet[0]["Wer"] == "Tom" and sheet[0]["Grund"] == "Angaben fehlen"
    assert (sheet[0]["Alter Wert"], sheet[0]["Neuer Wert"]) == (
        "eingereicht",
        "zur Überarbeitung zurückgegeben",
    )
    assert sheet[1]["Feld"] == "Deutsche Kommune" and sheet[1]["Wer"] == "Jonas"
    assert "." not in sheet[0]["Wann"]  # no microseconds


async def test_a_typed_reason_is_shown_as_typed_and_back_and_cancel_change_nothing(bot):
    ama = await submitted(bot, language="en")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    notice = bot.api.chat(COORDINATORS[0])[-1]
    before = len(outbox(bot))
    await tom.click("✖️ Decline", message=notice)
    await tom.click("Duplicate")
    await tom.click("◀️ Back")
    assert f"Why do you decline {reference('EOI', 1)}?" in tom.last.text
    await tom.click("✖️ Cancel")  # paused: nothing decided, the draft kept
    assert "Paused" in tom.last.text
    assert stored(bot)[0].status == "submitted" and len(outbox(bot)) == before and not trail(bot)
    await tom.send("Hello")  # no step waits for a reason any more
    assert stored(bot)[0].status == "submitted"
    await tom.click("🗑 Discard draft")
    await tom.click("🗑 Yes, discard it")
    assert "Nothing was decided" in tom.last.text
    await tom.click("✖️ Decline", message=notice)
    await tom.click("◀️ Back")  # Back from the reason: no decision after all
    assert "Nothing was decided" in tom.last.text
    await tom.click("✖️ Decline", message=notice)
    await tom.send("x" * 501)
    assert "at most 500" in tom.last.text
    await tom.send("Partnerships <2 years & new ones are not taken up.")
    assert "Reason: Partnerships <2 years & new ones" in tom.last.plain
    assert "Partnerships &lt;2 years &amp; new ones" in tom.last.text
    await tom.click("✅ Confirm")
    await bot.deliver_outbox()
    assert "decided not to take it up" in ama.last.text
    assert "Partnerships &lt;2 years &amp; new ones are not taken up." in ama.last.text
    [entry] = trail(bot)
    assert entry.reason == "Partnerships <2 years & new ones are not taken up."
    assert entry.reason_code is None and entry.new == "declined"
    # The same button again: the decision is taken, nothing happens twice.
    await tom.click("✖️ Decline", message=notice)
    assert "already has this status" in tom.bot_answers()[-1]["text"]
    assert len(trail(bot)) == 1


async def test_the_reason_step_survives_a_restart_and_checks_the_role(bot):
    ama = await submitted(bot, language="en")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("↩️ Return for changes", message=bot.api.chat(COORDINATORS[0])[-1])
    await ama.press(tom.last, "why|p|missing")  # a forged press by the submitter
    assert "coordinat" in ama.bot_answers()[-1]["text"].lower()
    bot = await bot.restart()
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("Please add the letter of intent.")
    assert "Reason: Please add the letter of intent." in tom.last.plain
    await tom.click("✅ Confirm")
    assert stored(bot)[0].status == "returned"
    await bot.deliver_outbox()
    assert "Please add the letter of intent." in bot.person(user_id=5151).last.text


async def test_rule_changes_are_in_the_audit_trail(bot):
    now = utcnow()
    changed = bot.db.call(
        model_rules.set_status,
        country="GH",
        model="local",
        status="not_possible",
        expected=bot.db.call(model_rules.rules_of_country, country="GH")
        .get("local", model_rules.RuleView("GH", "local", "to_be_confirmed", {}, now, ""))
        .status,
        actor="telegram:900001",
        now=now,
    )
    assert changed
    # The seeded rules' history came over with the migration; this change is the newest.
    entries = [e for e in bot.db.call(audit.everything) if e.reference == "GH/local"]
    [entry] = [e for e in entries if e.field == "status" and e.actor == "telegram:900001"]
    assert (entry.action, entry.new, entry.at) == ("rule", "not_possible", now)


@on_story_days
async def test_a_review_is_in_the_audit_trail(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, language="en", name="Jonas")
    await bind_expert(bot, code, jonas)
    await guided_report_until_summary(jonas)
    await jonas.click("📨 Submit")
    await bot.deliver_outbox()
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✅ Mark reviewed")
    [entry] = [e for e in trail(bot) if e.action == "review"]
    assert (entry.subject_kind, entry.reference, entry.new) == (
        "report",
        reference("REP", 1),
        "reviewed",
    )
