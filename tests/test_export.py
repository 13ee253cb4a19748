"""Coordinators get the submitted data out as their tools expect: `partnerbot export` writes an
Excel workbook (labels in a chosen language, dates in a chosen time zone) or CSV files; the IATI
file has tests of its own (test_export_iati.py)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot import cli
from bot.answer_cells import moment
from bot.export_files import XLSX_MIME, date_format, default_delimiter
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import reference
from tests.scripts import fachkraeftefonds_until_summary, verwaltungspartnerschaft_until_summary
from tests.test_review import submitted


def export_csv(monkeypatch, database_url, tmp_path, what: str, *options: str) -> list[dict]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / f"{what}.csv"
    cli.main(["export", what, str(target), *options])
    delimiter = ";" if "de" in options or "--language" not in options else ","
    if "--delimiter" in options:
        delimiter = options[options.index("--delimiter") + 1]
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def export_xlsx(monkeypatch, database_url, tmp_path, *options: str) -> openpyxl.Workbook:
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / "export.xlsx"
    cli.main(["export", "xlsx", str(target), *options])
    return openpyxl.load_workbook(target)


def records(sheet) -> list[dict]:
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


async def test_the_workbook_has_a_sheet_per_kind_in_english(
    bot, monkeypatch, database_url, tmp_path, instant
):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    book = export_xlsx(monkeypatch, database_url, tmp_path, "--language", "en")
    assert book.sheetnames == [
        "Expressions of interest",
        "Activity reports",
        "Progress reports",
        "Deployments",
        "Audit trail",
    ]
    sheet = book["Expressions of interest"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].value == "Reference" and sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= 10
    [row] = records(sheet)
    assert row["Reference"] == reference("EOI", 1)
    assert row["Programme"] == "Fachkräftefonds (expert fund for municipal partnerships)"
    assert row["Status"] == "submitted"
    assert row["Federal state"] == "North Rhine-Westphalia"
    assert row["Partner country"] == "Ghana"
    assert row["Partnership exists for"] == "5 to 10 years"
    assert row["Preferred expert model"] == "Not sure yet"
    assert row["Consent to be contacted"] == "Yes"
    assert row["Expertise needed"] == "Abfallwirtschaft & <Finanzen>"  # exactly as typed
    # In Berlin's time, to the minute, as a real date with a format.
    submitted = row["Submitted"]
    assert isinstance(submitted, datetime) and submitted.microsecond == 0
    berlin = instant.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    assert abs((submitted - berlin).total_seconds()) < 60
    assert sheet["D2"].number_format == "YYYY-MM-DD HH:MM"


async def test_german_labels_and_a_chosen_time_zone(
    bot, monkeypatch, database_url, tmp_path, instant
):
    jonas = bot.person(user_id=5151, language="de")
    await verwaltungspartnerschaft_until_summary(jonas, german=True)
    await jonas.click("📨 Einreichen")
    book = export_xlsx(
        monkeypatch, database_url, tmp_path, "--language", "de", "--timezone", "Africa/Accra"
    )
    assert book.sheetnames[0] == "Interessensbekundungen"
    [row] = records(book["Interessensbekundungen"])
    assert row["Status"] == "eingereicht"
    assert row["Bundesland"] == "Bayern"
    assert row["Partnerland"] == "Ghana"
    assert row["Ziele"] == (
        "Beschäftigte des Partners aus- und weiterbilden; "
        "Institutionellen Austausch bilateral stärken"
    )
    accra = instant.astimezone(UTC).replace(tzinfo=None)  # Accra keeps UTC all year
    assert abs((row["Eingereicht"] - accra).total_seconds()) < 60
    assert book["Interessensbekundungen"]["D2"].number_format == "DD.MM.YYYY HH:MM"


async def test_a_formula_stays_text(bot, monkeypatch, database_url, tmp_path):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("=1+1 Stadt")
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
    book = export_xlsx(monkeypatch, database_url, tmp_path, "--language", "en")
    sheet = book["Expressions of interest"]
    [row] = records(sheet)
    assert row["German municipality"] == "=1+1 Stadt"
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("German municipality") + 1)
    assert cell.data_type == "s"  # text, not a formula
    [line] = export_csv(monkeypatch, database_url, tmp_path, "interests", "--language", "en")
    assert line["German municipality"] == "'=1+1 Stadt"
    assert line["Partner municipality"] == "'@Cape Coast"
    assert line["Expertise needed"] == "'+49 waste management"
    assert line["Tasks and goals"] == "'-build a collection system"
    assert line["Contact person"] == "Maria Müller"


async def test_csv_for_german_excel(bot, monkeypatch, database_url, tmp_path):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    target = tmp_path / "interests.csv"
    monkeypatch.setenv("DATABASE_URL", database_url)
    cli.main(["export", "interests", str(target), "--language", "de"])
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark
    with target.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle, delimiter=";"))
    assert row["Referenz"] == reference("EOI", 1)
    assert row["Bundesland"] == "Nordrhein-Westfalen"
    assert row["Partnerschaft besteht bereits"] == "5 bis 10 Jahre"
    assert ".000" not in row["Eingereicht"] and "+00:00" not in row["Eingereicht"]
    [row] = export_csv(
        monkeypatch, database_url, tmp_path, "interests", "--language", "en", "--delimiter", "|"
    )
    assert row["Federal state"] == "North Rhine-Westphalia"


async def test_reports_and_deployments(bot, monkeypatch, database_url, tmp_path):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Workshop mit dem Planungsamt; 12 Teilnehmende")
    await jonas.click("⚡ Quick report")
    book = export_xlsx(monkeypatch, database_url, tmp_path, "--language", "en")
    [report] = records(book["Activity reports"])
    assert report["Reference"] == reference("REP", 1)
    assert report["Entered as"] == "Quick report"
    assert report["What happened"] == "Workshop mit dem Planungsamt; 12 Teilnehmende"
    assert report["Expert"] == "Jonas Becker" and report["Country"] == "Ghana"
    assert report["Expert model"] == "Development worker"
    [deployment] = records(book["Deployments"])
    assert deployment["Start"] == datetime(2026, 11, 1)  # a date: Excel keeps it as midnight
    assert deployment["Progress reports"] == "Quarterly"
    assert records(book["Progress reports"]) == []
    assert export_csv(monkeypatch, database_url, tmp_path, "progress", "--language", "en") == []


def test_csv_to_standard_output(monkeypatch, database_url, capsysbinary):
    monkeypatch.setenv("DATABASE_URL", database_url)
    cli.main(["export", "interests", "--language", "en"])
    out = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert out.startswith("Reference,Programme,Status,Submitted")


@pytest.mark.parametrize("option", [["--timezone", "Mars/Olympus"], ["--delimiter", ";;"]])
def test_a_wrong_option_is_named(monkeypatch, database_url, capsys, option):
    monkeypatch.setenv("DATABASE_URL", database_url)
    with pytest.raises(SystemExit):
        cli.main(["export", "interests", *option])
    assert option[1] in capsys.readouterr().err


def test_dates_are_whole_days(monkeypatch):
    value = datetime(2026, 11, 23, 10, 0, 5, 123456, tzinfo=UTC)
    assert moment(value, "Europe/Berlin") == datetime(2026, 11, 23, 11, 0, 5)
    assert moment(None, "Europe/Berlin") is None
    assert isinstance(date(2026, 1, 1), date)


async def test_a_coordinator_gets_the_workbook_in_chat(bot, tmp_path, instant):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    clara = bot.person(user_id=COORDINATORS[0], language="de", name="Clara")
    await clara.send("/export")
    [call] = bot.api.calls_to("sendDocument")
    assert int(call.params["chat_id"]) == COORDINATORS[0]
    assert "Interessensbekundungen: 1" in call.params["caption"]
    assert "Europe/Berlin" in call.params["caption"]
    berlin = instant.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"Stand {berlin:%d.%m.%Y}" in call.params["caption"]  # the day as Germans write it
    [(name, content, mime)] = call.files.values()
    assert name.endswith(".xlsx") and mime == XLSX_MIME
    target = tmp_path / name
    target.write_bytes(content)
    book = openpyxl.load_workbook(target)
    [row] = records(book["Interessensbekundungen"])
    assert row["Programm"].startswith("Fachkräftefonds")
    assert row["Bundesland"] == "Nordrhein-Westfalen"
    await clara.send("/help")
    assert "/export — alles Eingereichte als Excel-Arbeitsmappe" in clara.last.text


async def test_export_is_only_for_coordinators(bot):
    ama = bot.person()
    await ama.send("/export")
    assert "only available to the programme's coordinators" in ama.last.text
    assert bot.api.calls_to("sendDocument") == []


async def test_the_audit_trail_is_a_sheet_in_the_reader_s_language(
    bot, monkeypatch, database_url, tmp_path, instant
):
    await submitted(bot, language="en")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✖️ Decline", message=bot.api.chat(COORDINATORS[0])[-1])
    await tom.click("Duplicate")
    await tom.click("✅ Confirm")
    book = export_xlsx(monkeypatch, database_url, tmp_path, "--language", "de")
    [row] = records(book["Änderungsprotokoll"])
    assert row["Wer"] == "Tom" and row["Referenz"] == reference("EOI", 1)
    assert (row["Aktion"], row["Feld"]) == ("Entscheidung", "Status")
    assert (row["Alter Wert"], row["Neuer Wert"]) == ("eingereicht", "abgelehnt")
    assert row["Grund"] == "Doppelt eingereicht"
    assert isinstance(row["Wann"], datetime) and row["Wann"].microsecond == 0
    rows = export_csv(monkeypatch, database_url, tmp_path, "audit", "--language", "en")
    assert rows[0]["Reason"] == "Duplicate" and rows[0]["New value"] == "declined"


@pytest.mark.parametrize(
    ("language", "dates", "delimiter"),
    [
        ("de", "DD.MM.YYYY", ";"),
        ("fr", "DD/MM/YYYY", ";"),
        ("es", "DD/MM/YYYY", ";"),
        ("pt", "DD/MM/YYYY", ";"),
        ("en", "YYYY-MM-DD", ","),  # English writes month first: ISO cannot be misread
    ],
)
def test_each_languages_spreadsheet_reads_its_dates_and_its_csv(language, dates, delimiter):
    # As the language's Excel expects: day first where the language writes it so, and ";"
    # between CSV fields where the comma is the decimal separator.
    assert date_format(language) == dates
    assert default_delimiter(language) == delimiter
