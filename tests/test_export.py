"""Coordinators get the submitted data out: `partnerbot export` writes CSV."""

from __future__ import annotations

import csv
from datetime import UTC

from bot import cli
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import reference
from tests.scripts import fachkraeftefonds_until_summary, verwaltungspartnerschaft_until_summary


def export(monkeypatch, database_url, tmp_path, what: str) -> list[dict[str, str]]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / f"{what}.csv"
    cli.main(["export", what, str(target)])
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


async def test_expressions_of_interest_as_typed(bot, monkeypatch, database_url, tmp_path, instant):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    jonas = bot.person(user_id=5151, language="de")
    await verwaltungspartnerschaft_until_summary(jonas, german=True)
    await jonas.send("/start")  # the second stays a draft: not exported
    rows = export(monkeypatch, database_url, tmp_path, "interests")
    assert [r["reference"] for r in rows] == [reference("EOI", 1)]
    [row] = rows
    assert row["programme"] == "fkf" and row["status"] == "submitted"
    assert row["expertise"] == "Abfallwirtschaft & <Finanzen>"  # exactly what was typed
    assert row["partner_country"] == "GH" and row["consent"] == "yes"
    assert row["submitted_at"].startswith(instant.astimezone(UTC).isoformat()[:16])


async def test_activity_reports_with_their_deployment(bot, monkeypatch, database_url, tmp_path):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Workshop mit dem Planungsamt; 12 Teilnehmende")
    await jonas.click("⚡ Quick report")
    [row] = export(monkeypatch, database_url, tmp_path, "reports")
    assert row["reference"] == reference("REP", 1) and row["source"] == "quick"
    assert row["description"] == "Workshop mit dem Planungsamt; 12 Teilnehmende"
    assert row["country"] and row["expert_name"]
    assert export(monkeypatch, database_url, tmp_path, "progress") == []


def test_export_to_standard_output(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    cli.main(["export", "interests"])
    assert capsys.readouterr().out.startswith("reference,programme,status,submitted_at")


async def test_a_cell_a_spreadsheet_would_run_as_a_formula_stays_text(
    bot, monkeypatch, database_url, tmp_path
):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send('=HYPERLINK("http://evil.example","Bonn")')
    await ama.click("North Rhine-Westphalia")
    await ama.send("@Cape Coast")
    await ama.send("Gha")
    await ama.click("Ghana")
    await ama.click("5 to 10 years")
    await ama.send("+49 waste management")
    await ama.send("-build a collection system")
    await ama.click("Not sure yet")
    await ama.send("Maria Müller")
    await ama.send("Head of the international office")
    await ama.send("maria.mueller@bonn.de")
    await ama.click("Yes, I agree")
    await ama.click("📨 Submit")
    [row] = export(monkeypatch, database_url, tmp_path, "interests")
    assert row["german_municipality"] == '\'=HYPERLINK("http://evil.example","Bonn")'
    assert row["partner_municipality"] == "'@Cape Coast"
    assert row["expertise"] == "'+49 waste management"
    assert row["tasks_goals"] == "'-build a collection system"
    assert row["contact_name"] == "Maria Müller"


async def test_the_language_exported_is_the_one_the_submitter_used(
    bot, monkeypatch, database_url, tmp_path
):
    jonas = bot.person(user_id=5151, language="de")  # never chose one with /language
    await fachkraeftefonds_until_summary(jonas, german=True)
    await jonas.click("📨 Einreichen")
    [row] = export(monkeypatch, database_url, tmp_path, "interests")
    assert row["language"] == "de"
