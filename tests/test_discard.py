"""Discarding a draft deletes it at once, as the bot says: nothing typed into it stays in the
database (every table, every column), nor its row; an old button of it gets a polite answer, and
/mine, the menu and a new draft go on as before. A dropped revision is back as it was submitted."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from storage.advisor_tables import AdvisorSession
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import ExpressionOfInterest
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days
from tests.scripts import fachkraeftefonds_until_summary
from tests.test_interest import stored
from tests.test_revision import returned


def all_rows(bot, table) -> list:
    with Session(bot.db.engine) as session:
        return list(session.execute(select(table)).scalars())


def stored_anywhere(bot, *markers: str) -> list[str]:
    """Where any of the typed markers is still stored: 'table.column' for every hit."""
    hits = []
    with Session(bot.db.engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is not None and any(m in str(value) for m in markers):
                        hits.append(f"{table.name}.{column}")
    return hits


async def discard_from_pause(person, german: bool = False) -> None:
    await person.send("/cancel")
    await person.click("🗑 Entwurf verwerfen" if german else "🗑 Discard draft")
    await person.click("🗑 Ja, verwerfen" if german else "🗑 Yes, discard it")


async def test_a_discarded_expression_of_interest_keeps_none_of_its_answers(bot):
    jonas = bot.person(language="de")
    await jonas.send("/interest")
    await jonas.click("Fachkräftefonds")
    await jonas.send("Markerstadt Eins")
    await jonas.click("Bayern")
    await jonas.send("Markerpartner Zwei")
    assert stored_anywhere(bot, "Markerstadt Eins", "Markerpartner Zwei")  # the test can fail
    old_question = jonas.last
    await discard_from_pause(jonas, german=True)
    assert "verworfen" in jonas.last.text
    assert stored_anywhere(bot, "Markerstadt Eins", "Markerpartner Zwei", "BY") == []
    assert all_rows(bot, ExpressionOfInterest) == []
    # An old button of the discarded draft: a polite answer, nothing stored again.
    await jonas.click(old_question.labels[0], message=old_question)
    assert jonas.bot_answers()[-1] == {
        "text": "Diese Schaltfläche gehört zu einem Formular, das bereits eingereicht oder "
        "verworfen wurde.",
        "show_alert": True,
    }
    assert all_rows(bot, ExpressionOfInterest) == []
    await jonas.send("/mine")
    assert "Sie haben noch nichts eingereicht" in jonas.last.text
    await jonas.send("/interest")
    await jonas.click("Fachkräftefonds")
    assert [e.status for e in all_rows(bot, ExpressionOfInterest)] == ["draft"]


async def test_a_draft_replaced_by_a_new_one_keeps_none_of_its_answers(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.send("/interest")
    await ama.click("Choose a programme anew")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("Yes, start anew")  # "… that draft is discarded"
    assert stored_anywhere(bot, "Stadt Bonn", "Cape Coast", "maria.mueller@bonn.de") == []


@on_story_days
async def test_discarded_reports_and_deployment_drafts_keep_none_of_their_answers(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")
    await jonas.click("Advice")
    await jonas.click("Today")
    await jonas.send("Marker report title")
    await jonas.send("Marker report description")
    await jonas.send("/cancel")
    await jonas.click("🗑 Discard draft")
    await jonas.click("🗑 Yes, discard it")
    await jonas.send("/progress")
    await jonas.send("Marker progress made")
    await jonas.send("Marker challenge met")
    await discard_from_pause(jonas)
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/deploy")
    await clara.send("Marker Expert Name")
    await discard_from_pause(clara)
    markers = ("Marker report", "Marker progress", "Marker challenge", "Marker Expert")
    assert stored_anywhere(bot, *markers) == []
    assert all_rows(bot, ActivityReport) == [] and all_rows(bot, ProgressReport) == []
    assert [d.status for d in all_rows(bot, Deployment)] == ["active"]  # the one registered


async def test_a_discarded_advisor_run_keeps_none_of_its_answers(bot):
    ama = bot.person()
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await ama.click(ama.last.labels[0])
    await ama.click(ama.last.labels[0])
    with Session(bot.db.engine) as session:
        [run] = session.execute(select(AdvisorSession)).scalars().all()
    assert [v for v in run.answers.values() if v] != []  # the test can fail
    await discard_from_pause(ama)
    assert all_rows(bot, AdvisorSession) == []


async def test_a_dropped_revision_keeps_the_submitted_answers_and_none_of_the_changes(bot):
    ama = await returned(bot, "en")
    await ama.click("✏️ Revise and resubmit")
    await ama.click("✏️ Expertise needed")
    await ama.send("Marker revised expertise")
    assert stored_anywhere(bot, "Marker revised")  # the test can fail
    await discard_from_pause(ama)
    assert "stays as it was submitted" in ama.last.text
    assert stored_anywhere(bot, "Marker revised") == []
    [eoi] = stored(bot)
    assert (eoi.status, eoi.expertise) == ("returned", "Abfallwirtschaft & <Finanzen>")
