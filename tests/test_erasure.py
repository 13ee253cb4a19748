"""The right to erasure: /deleteme says what happens and then leaves nothing personal anywhere;
what the programme keeps is anonymised and still counted; coordinators are told without a name."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import BigInteger, select
from sqlmodel import Session, SQLModel

from bot.cli import main as cli_main
from storage import audit, export_records
from storage.advisor_tables import AdvisorSession
from storage.audit_tables import Action, Subject
from storage.models import ExpressionOfInterest, OutboxMessage, Person
from storage.privacy_tables import ErasureLog
from storage.scrubbing import ERASED
from tests.conftest import COORDINATORS
from tests.experts_scripts import LINK, ActivityReport, Deadline, Deployment, rows
from tests.instants import on_story_days
from tests.test_experts import guided_report_until_summary

EFUA = 6001
NAME, USERNAME = "Efua", "efua_m"
CONTACT, EMAIL, PHONE = "Efua Mensah", "efua.mensah@capecoast.gov.gh", "+233 24 555 0199"

TEXTS = {
    "en": {
        "confirm": "Erase my data?",
        "anonymised": "kept for the programme, but anonymised",
        "erase": "✅ Erase my data",
        "cancel": "Cancel",
        "erased": "Your data has been erased",
        "kept": "Nothing was erased.",
        "notice": "A person used the right to erasure",
    },
    "de": {
        "confirm": "Meine Daten löschen?",
        "anonymised": "bleiben für das Programm erhalten, aber anonymisiert",
        "erase": "✅ Meine Daten löschen",
        "cancel": "Abbrechen",
        "erased": "Ihre Daten sind gelöscht",
        "kept": "Es wurde nichts gelöscht.",
        "notice": "Eine Person hat ihr Recht auf Löschung genutzt",
    },
}


def personal_values_stored(bot) -> list[str]:
    """Where the person's name, username, e-mail, phone or Telegram id is still stored: every
    text and JSON column of every table (and every id column holding the Telegram id)."""
    words = [NAME, USERNAME, EMAIL, PHONE, "Mensah", str(EFUA), "efua.old@mail.example"]
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.I)
    hits = []
    with Session(bot.db.engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(table.c[column].type, BigInteger) or isinstance(value, int):
                        if value == EFUA:
                            hits.append(f"{table.name}.{column}")
                        continue
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if pattern.search(text):
                        hits.append(f"{table.name}.{column}: {text[:80]}")
    return hits


async def efua_with_everything(bot, clock, language: str = "en"):
    """Efua submits an expression of interest, keeps a draft, asks the advisor, is deployed as
    an expert, reports (with a photo), sends a progress report, has a deadline and reminders."""
    de = language == "de"
    efua = bot.person(user_id=EFUA, language=language, name=NAME)
    efua.user["username"] = USERNAME
    await efua.send("/interest")
    await efua.click("Fachkräftefonds")
    await efua.send("Stadt Bonn")
    await efua.click("Nordrhein-Westfalen" if de else "North Rhine-Westphalia")
    await efua.send("Cape Coast")
    await efua.send("Gha")
    await efua.click("Ghana")
    await efua.click("5 bis 10 Jahre" if de else "5 to 10 years")
    await efua.send("Abfallwirtschaft")
    await efua.send(f"Ask {CONTACT} ({PHONE}) about the collection system")
    await efua.click("Noch unklar" if de else "Not sure yet")
    await efua.send(CONTACT)
    await efua.send("Head of the international office")
    await efua.send(EMAIL)
    await efua.click("Ja, ich stimme zu" if de else "Yes, I agree")
    await efua.click("📨 Einreichen" if de else "📨 Submit")
    await efua.send("/interest")  # a second one, left as a draft
    await efua.click("Verwaltungspartnerschaft")
    # A coordinator registers her deployment; she accepts the invitation.
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/deploy")
    await clara.send(CONTACT)
    await clara.click("Development worker")
    await clara.click("Skip")
    await clara.send("Stadt Bonn – Cape Coast Metropolitan Assembly")
    await clara.send("Ghana")
    await clara.click("Ghana")
    await clara.send("Cape Coast")
    await clara.send("01.11.2026")
    await clara.click("Skip")
    await clara.click("Quarterly")
    await clara.click("📨 Submit")
    code = LINK.search(clara.last.text).group(1)
    await efua.send(f"/start {code}")
    await efua.click(efua.last.labels[0])
    await guided_report_until_summary(efua, german=de)
    await efua.click("📨 Einreichen" if de else "📨 Submit")
    await efua.send("/progress")
    await efua.send(f"{NAME} met the mayor.")
    await efua.send("None.")
    await efua.send("Pilot areas.")
    await efua.click("Überspringen" if de else "Skip")
    await efua.click("📨 Einreichen" if de else "📨 Submit")
    # A custom deadline for her, by her user name; its reminder goes out the next day.
    await clara.send("/deadline")
    await clara.send(f"@{USERNAME}")
    await clara.send(f"{NAME}: send the signed work plan")
    await clara.send("25.11.2026")
    await clara.click("✅ Set the deadline")

    def advisor_run(*, session):
        session.add(AdvisorSession(person_id=EFUA, answers={"note": f"{NAME} asks"}))
        # Her own edit after submission, as the audit trail records it: an address she has
        # given up since (not in her records any more) and her Telegram id as the actor.
        eoi_id = session.execute(
            select(ExpressionOfInterest.id).where(ExpressionOfInterest.status == "submitted")
        ).scalar_one()
        audit.record(
            session,
            at=clock(),
            actor=audit.actor_of(EFUA),
            subject_kind=Subject.EOI,
            subject_id=eoi_id,
            action=Action.REVISION,
            field="contact_email",
            old="efua.old@mail.example",
            new=EMAIL,
        )
        session.commit()

    bot.db.call(advisor_run)
    clock.advance(days=1)
    await bot.deliver_outbox()
    assert any(m.recipient_id == EFUA and m.status == "sent" for m in rows(bot, OutboxMessage))
    return efua


def counted(bot) -> tuple[int, int, int]:
    with Session(bot.db.engine) as session:
        return (
            len(export_records.interests(session=session)),
            len(export_records.reports(session=session)),
            len(export_records.progress(session=session)),
        )


@on_story_days
@pytest.mark.parametrize("language", ["en", "de"])
async def test_deleteme_leaves_nothing_personal_and_the_programme_keeps_its_counts(
    bot, clock, language
):
    words = TEXTS[language]
    efua = await efua_with_everything(bot, clock, language)
    assert personal_values_stored(bot)  # the scan finds what is there
    before = counted(bot)
    assert before == (1, 1, 1)
    await efua.send("/deleteme")
    assert words["confirm"] in efua.last.text and words["anonymised"] in efua.last.text
    await efua.click(words["cancel"])
    assert words["kept"] in efua.last.text
    assert rows(bot, Person, Person.id == EFUA)
    await efua.send("/deleteme")
    await efua.click(words["erase"])
    assert words["erased"] in efua.last.text
    assert personal_values_stored(bot) == []
    assert counted(bot) == before  # the anonymised submission and reports still count
    [eoi] = rows(bot, ExpressionOfInterest)
    assert (eoi.contact_name, eoi.contact_email, eoi.programme) == (ERASED, ERASED, "fkf")
    assert eoi.status == "submitted" and eoi.partner_country == "GH"
    [report] = rows(bot, ActivityReport)
    assert report.participants_total == 25 and report.status == "submitted"
    assert rows(bot, AdvisorSession) == []
    assert {d.status for d in rows(bot, Deadline) if d.person_id and d.person_id < 0} <= {
        "cancelled",
        "done",
    }
    assert rows(bot, Deployment)[0].expert_name == ERASED
    [log] = rows(bot, ErasureLog)
    assert log.requested_by == "self" and log.kept == 3
    # The coordinators are told, with the references and without her name.
    await bot.deliver_outbox()
    notice = bot.api.chat(COORDINATORS[0])[-1].text
    assert "A person used the right to erasure" in notice and eoi.reference in notice
    assert NAME not in notice
    # A decision on the anonymised submission tells nobody (there is nobody to tell).
    await bot.person(user_id=COORDINATORS[0], name="Clara").send("/submissions")
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.click(f"📄 {eoi.reference}")
    await clara.click("✅ Accept")
    [status_notice] = [m for m in rows(bot, OutboxMessage) if m.template == "notices/eoi_status"]
    assert status_notice.recipient_id < 0 and status_notice.status == "cancelled"
    # The bot does not know her any more: she is a stranger.
    await efua.send("/mine")
    assert eoi.reference not in efua.last.text


async def test_cli_erases_on_request_after_confirmation_and_records_who(
    bot, clock, database_url, monkeypatch, capsys
):
    ama = bot.person(user_id=EFUA, name=NAME)
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    with pytest.raises(SystemExit, match="nothing was erased"):
        cli_main(["person", "erase", str(EFUA)])
    assert rows(bot, Person, Person.id == EFUA)
    cli_main(["person", "erase", str(EFUA), "--yes"])
    assert "erased" in capsys.readouterr().out
    assert personal_values_stored(bot) == []
    [log] = rows(bot, ErasureLog)
    assert log.requested_by.startswith("cli:")
    with pytest.raises(SystemExit, match="nothing is stored"):
        cli_main(["person", "erase", "999", "--yes"])  # nobody known by that id
