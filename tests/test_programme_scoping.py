"""Coordinators of one programme (COORDINATOR_IDS_VWP / _FKF) receive and see only its
activity reports, deployments, export rows, figures and people; a button of the other
programme's (old or forged) is refused politely in their language. COORDINATOR_IDS see both,
and `partnerbot export` (the operator) exports both."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.buttons.experts import NewLink, ReportAction, ReportButton
from bot.export_command import workbook_sheets
from bot.export_sheets import tables
from storage import programmes, statistics
from storage.audit import everything
from storage.deadlines import add_deadline
from storage.deployments import create_deployment
from storage.experts_tables import ActivityReport, Deployment
from storage.models import Deadline, ExpressionOfInterest
from storage.programmes import coordinators_of_deadline
from tests.conftest import COORDINATORS
from tests.experts_scripts import rows
from tests.instants import reference
from tests.scripts import verwaltungspartnerschaft_until_summary

VERA, FRITZ = 7001, 7002  # Verwaltungspartnerschaft only, Fachkräftefonds only
REFUSED = {"en": "which you do not coordinate", "de": "das Sie nicht koordinieren"}
EXPERTS = {
    "fkf": ("Jonas Becker", "development_worker", 5001),
    "vwp": ("Paula Weber", "authority_staff", 5002),
}


def deploy(bot, clock, programme: str, eoi_id: int | None = None) -> int:
    """A deployment registered on the command line, its expert bound in chat."""
    name, model, _expert = EXPERTS[programme]
    start = clock().date() - timedelta(days=30)
    values = {
        "expert_name": name,
        "expert_model": model,
        "partnership": f"Partnership of {name}",
        "country": "GH",
        "city": "Cape Coast",
        "start_date": start,
        "end_date": start + timedelta(days=365),
        "interval": "quarterly",
    }
    if eoi_id is not None:
        values["eoi_reference"] = rows(bot, ExpressionOfInterest)[0].reference
    view = bot.db.call(
        create_deployment, values=values, code=f"code{programme}", created_by=None, now=clock()
    )
    return view.id


async def reported(bot, clock, language: str = "en"):
    """Both programmes' deployments, each expert bound and with one quick report filed."""
    bot.settings.coordinator_ids_vwp = str(VERA)
    bot.settings.coordinator_ids_fkf = str(FRITZ)
    ids = {}
    for programme, (_name, _model, expert_id) in EXPERTS.items():
        ids[programme] = deploy(bot, clock, programme)
        expert = bot.person(user_id=expert_id, language=language)
        await expert.send(f"/start code{programme}")
        await expert.click(expert.last.labels[0])
        await expert.send(f"Met the {programme} partners about the landfill.")
        await expert.click("⚡ Schnellbericht" if language == "de" else "⚡ Quick report")
    await bot.deliver_outbox()
    reports = {
        programme: rows(bot, ActivityReport, ActivityReport.deployment_id == ids[programme])[0]
        for programme in EXPERTS
    }
    return ids, reports


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_coordinator_of_one_programme_gets_and_reviews_only_its_reports(
    bot, clock, language
):
    vera = bot.person(user_id=VERA, language=language, name="Vera")
    await vera.send("/start")
    _ids, reports = await reported(bot, clock, language)
    fkf, vwp = reports["fkf"], reports["vwp"]
    got = {who: " ".join(m.text for m in bot.api.chat(who)) for who in (VERA, FRITZ)}
    assert vwp.reference in got[VERA] and fkf.reference not in got[VERA]
    assert fkf.reference in got[FRITZ] and vwp.reference not in got[FRITZ]
    both = " ".join(m.text for m in bot.api.chat(COORDINATORS[0]))
    assert vwp.reference in both and fkf.reference in both
    await vera.send("/reports")
    assert vwp.reference in vera.last.text and fkf.reference not in vera.last.text
    # The other programme's report buttons (forged or forwarded) are refused, nothing changes.
    for action in (ReportAction.OPEN, ReportAction.REVIEWED):
        seen = len(vera.messages)
        await vera.press(vera.last, ReportButton(action, fkf.id).pack())
        answer = vera.bot_answers()[-1]
        assert REFUSED[language] in answer["text"] and answer["show_alert"]
        assert len(vera.messages) == seen
    assert rows(bot, ActivityReport, ActivityReport.id == fkf.id)[0].status == "submitted"
    await vera.click(f"📄 {vwp.reference}")
    await vera.click("✅ Als gesichtet markieren" if language == "de" else "✅ Mark reviewed")
    assert rows(bot, ActivityReport, ActivityReport.id == vwp.id)[0].status == "reviewed"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_deployments_export_and_people_of_the_other_programme_stay_hidden(
    bot, clock, language
):
    vera = bot.person(user_id=VERA, language=language, name="Vera")
    await vera.send("/start")
    ids, reports = await reported(bot, clock, language)
    await vera.send("/deployments")
    assert "Paula Weber" in vera.last.text and "Jonas Becker" not in vera.last.text
    await vera.press(vera.last, NewLink(ids["fkf"]).pack())
    assert REFUSED[language] in vera.bot_answers()[-1]["text"]
    # The workbook has only her programme's rows.
    bot.api.uploads.clear()
    await vera.send("/export")
    [(_name, content)] = bot.api.uploads
    cells = " ".join(
        str(cell)
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )
    assert "Paula Weber" in cells and reports["vwp"].reference in cells
    assert "Jonas Becker" not in cells and reports["fkf"].reference not in cells
    # A deadline for someone of the other programme: not found, by id or by name.
    await vera.send("/deadline")
    await vera.send(str(EXPERTS["fkf"][2]))
    assert ("kenne" if language == "de" else "I don't know") in vera.last.plain
    await vera.send("#" + str(ids["fkf"]))
    assert ("kenne" if language == "de" else "I don't know") in vera.last.plain
    await vera.send(str(EXPERTS["vwp"][2]))
    assert "kenne" not in vera.last.plain and "I don't know" not in vera.last.plain


async def test_the_command_line_and_coordinators_of_both_export_everything(bot, clock):
    await reported(bot, clock)
    everyone = bot.db.call(tables, chosen=workbook_sheets(), language="en", zone="UTC")
    only_vwp = bot.db.call(
        tables, chosen=workbook_sheets(), language="en", zone="UTC", programmes={"vwp"}
    )
    counts = {t.name: len(t.rows) for t in everyone}
    assert counts["reports"] == 2 and counts["deployments"] == 2
    assert {t.name: len(t.rows) for t in only_vwp}["reports"] == 1


async def test_one_programmes_workbook_has_only_that_programmes_columns(bot, clock):
    await reported(bot, clock)

    def headers(**scope: object) -> dict[str, list[str]]:
        found = bot.db.call(tables, chosen=workbook_sheets(), language="en", zone="UTC", **scope)
        return {t.name: t.headers for t in found}

    everyone, vwp, fkf = headers(), headers(programmes={"vwp"}), headers(programmes={"fkf"})
    # Both programmes' questions for whoever exports both; the advisor is the Fachkräftefonds'.
    assert "Level of the German authority" in everyone["interests"]
    assert "German municipality" in everyone["interests"]
    assert "Advisor's recommendation" in everyone["interests"]
    assert (
        "Level of the German authority" in vwp["interests"]
        and "Level of the German authority" not in fkf["interests"]
    )
    assert (
        "German municipality" in fkf["interests"] and "German municipality" not in vwp["interests"]
    )
    assert "Advisor's recommendation" in fkf["interests"]
    assert not any(h.startswith("Advisor") for h in vwp["interests"])
    # The questions both ask, and the other sheets, are the same for everyone.
    assert "E-mail" in vwp["interests"] and "E-mail" in fkf["interests"]
    assert vwp["reports"] == fkf["reports"] == everyone["reports"]


async def test_figures_overdue_deadlines_and_audit_rows_are_of_the_programmes(bot, clock):
    _ids, reports = await reported(bot, clock)
    tom = bot.person(user_id=COORDINATORS[0], name="Tom")
    for report in reports.values():
        await tom.press(tom.last, ReportButton(ReportAction.REVIEWED, report.id).pack())
    now = clock()
    figures = {
        scope: bot.db.call(
            statistics.figures, period="all", now=now, person_id=VERA, programmes=scope
        )
        for scope in (("vwp",), ("fkf",), ("fkf", "vwp"))
    }
    assert [sum(f.reports.values()) for f in figures.values()] == [1, 1, 2]
    audit = {
        p: [e.reference for e in bot.db.call(everything, programmes={p})] for p in ("fkf", "vwp")
    }
    assert audit == {"fkf": [reports["fkf"].reference], "vwp": [reports["vwp"].reference]}
    later = now + timedelta(days=200)  # every deployment's first progress report is overdue
    overdue = {
        p: bot.db.call(statistics.overdue, now=later, programmes={p}) for p in ("fkf", "vwp")
    }
    names = {p: {holder.name for _d, holder in found} for p, found in overdue.items()}
    assert names["fkf"] and names["vwp"] and not names["fkf"] & names["vwp"]


async def test_a_deployment_takes_its_expression_of_interests_programme(bot, clock):
    kwame = bot.person(user_id=5252)
    await verwaltungspartnerschaft_until_summary(kwame)
    await kwame.click("📨 Submit")
    tom = bot.person(user_id=COORDINATORS[0], name="Tom")
    await tom.send("/submissions")
    await tom.click(f"📄 {reference('EOI', 1)}")
    await tom.click("✅ Accept")
    [eoi] = rows(bot, ExpressionOfInterest)
    linked = deploy(bot, clock, "fkf", eoi_id=eoi.id)  # a Fachkräftefonds model, a VwP EOI
    assert rows(bot, Deployment, Deployment.id == linked)[0].eoi_id == eoi.id
    assert bot.db.call(programmes.deployment_programme, deployment_id=linked) == "vwp"
    unlinked = deploy(bot, clock, "vwp")
    assert bot.db.call(programmes.deployment_programme, deployment_id=unlinked) == "vwp"


async def test_only_the_experts_programme_hears_that_they_blocked_the_bot(bot, clock):
    _ids, reports = await reported(bot, clock)
    tom = bot.person(user_id=COORDINATORS[0], name="Tom")
    await tom.press(tom.last, ReportButton(ReportAction.REVIEWED, reports["fkf"].id).pack())
    before = {who: len(bot.api.chat(who)) for who in (VERA, FRITZ)}
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.deliver_outbox()  # the review's notice to the Fachkräftefonds' expert
    after = {who: len(bot.api.chat(who)) for who in (VERA, FRITZ)}
    assert after == {VERA: before[VERA], FRITZ: before[FRITZ] + 1}


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_expert_models_rules_are_for_the_fachkraeftefonds_coordinators(bot, language):
    bot.settings.coordinator_ids_vwp = str(VERA)
    bot.settings.coordinator_ids_fkf = str(FRITZ)
    vera = bot.person(user_id=VERA, language=language, name="Vera")
    await vera.send("/rules Ghana")
    assert REFUSED[language] in vera.last.text
    fritz = bot.person(user_id=FRITZ, language=language, name="Fritz")
    await fritz.send("/rules Ghana")
    assert REFUSED[language] not in fritz.last.text and fritz.last.buttons  # the rules of Ghana


async def test_a_deployment_links_only_an_expression_of_interest_of_the_coordinators_programme(
    bot, clock
):
    bot.settings.coordinator_ids_fkf = str(FRITZ)
    kwame = bot.person(user_id=5252)
    await verwaltungspartnerschaft_until_summary(kwame)
    await kwame.click("📨 Submit")
    tom = bot.person(user_id=COORDINATORS[0], name="Tom")
    await tom.send("/submissions")
    await tom.click(f"📄 {reference('EOI', 1)}")
    await tom.click("✅ Accept")
    fritz = bot.person(user_id=FRITZ, name="Fritz")
    await fritz.send("/deploy")
    await fritz.send("Jonas Becker")
    await fritz.click("Local expert")
    await fritz.send(reference("EOI", 1))
    # The other programme's: refused at once, nothing of it shown.
    refused = f"No accepted expression of interest has the reference {reference('EOI', 1)}"
    assert refused in fritz.last.text
    assert "Current answer" not in fritz.last.text
    await fritz.click("Skip")
    await fritz.send("Bonn – Cape Coast")
    await fritz.send("Ghana")
    await fritz.click("Ghana")
    await fritz.send("Cape Coast")
    await fritz.send((clock() + timedelta(days=40)).strftime("%d.%m.%Y"))
    await fritz.click("Skip")
    await fritz.click("Monthly")
    await fritz.click("📨 Submit")
    assert rows(bot, Deployment, Deployment.eoi_id.is_not(None)) == []


async def test_a_custom_task_belongs_to_its_holders_programme(bot, clock):
    bot.settings.coordinator_ids_vwp = str(VERA)
    bot.settings.coordinator_ids_fkf = str(FRITZ)
    kwame = bot.person(user_id=5252, name="Kwame")
    await verwaltungspartnerschaft_until_summary(kwame)
    await kwame.click("📨 Submit")
    now = clock()

    def task(session) -> None:
        add_deadline(
            session,
            kind="custom",
            key="budget",
            due_at=now + timedelta(days=2),
            person_id=5252,
            title="Send the budget",
            created_by=VERA,
            now=now,
        )
        session.commit()

    bot.db.call(lambda session: task(session))
    later = now + timedelta(days=10)
    overdue = {
        p: bot.db.call(statistics.overdue, now=later, programmes={p}) for p in ("fkf", "vwp")
    }
    assert [d.title for d, _holder in overdue["vwp"]] == ["Send the budget"]
    assert overdue["fkf"] == []
    [deadline] = rows(bot, Deadline)
    by_programme = {"fkf": [FRITZ], "vwp": [VERA]}
    assert bot.db.call(
        lambda session: coordinators_of_deadline(session, by_programme, deadline)
    ) == [VERA]


async def test_only_the_persons_programme_hears_of_an_erasure(bot, clock):
    bot.settings.coordinator_ids_vwp = str(VERA)
    bot.settings.coordinator_ids_fkf = str(FRITZ)
    kwame = bot.person(user_id=5252, name="Kwame")
    await verwaltungspartnerschaft_until_summary(kwame)
    await kwame.click("📨 Submit")
    await kwame.send("/deleteme")
    await kwame.click("✅ Erase my data")
    await bot.deliver_outbox()
    told = {
        who
        for who in (VERA, FRITZ, *COORDINATORS)
        if reference("EOI", 1) in " ".join(m.text for m in bot.api.chat(who)[-1:])
    }
    assert VERA in told and FRITZ not in told and set(COORDINATORS) <= told
