"""The coordinators' figures for a period: expressions of interest, activity reports,
participants and overdue deadlines, counted per month in the coordinator's time zone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlmodel import Session, col

from storage.deadline_holders import Holder, holder_of
from storage.deadlines import DeadlineView, view
from storage.experts_tables import ActivityReport, ReportStatus
from storage.local_time import local, zone_of
from storage.models import Deadline, DeadlineStatus, ExpressionOfInterest, Person, Status
from storage.programmes import ALL, deadline_in, eoi_in, report_in

# What a coordinator sees: everything that was submitted, whatever was decided since.
_SUBMITTED = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.RETURNED,
    Status.ACCEPTED,
    Status.DECLINED,
)
_FINISHED_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)


class Period(StrEnum):
    """The periods a coordinator can look at."""

    LAST_30_DAYS = "30d"
    LAST_12_MONTHS = "12m"
    THIS_YEAR = "year"
    ALL_TIME = "all"


def period_start(period: Period, now: datetime, zone: str) -> datetime | None:
    """The first instant of the period that ends now (None: since the beginning)."""
    today = local(now, zone).date()
    if period is Period.LAST_30_DAYS:
        return now - timedelta(days=30)
    if period is Period.LAST_12_MONTHS:
        first = _month_of(today)
        for _ in range(11):
            first = _month_of(first - timedelta(days=1))
        return _midnight(first, zone)
    if period is Period.THIS_YEAR:
        return _midnight(date(today.year, 1, 1), zone)
    return None


@dataclass(frozen=True)
class Figures:
    """What happened in a period, per month (each month as its first day)."""

    start: datetime | None  # None: all time
    end: datetime
    zone: str  # the coordinator's time zone, in which the months are counted
    months: tuple[date, ...]
    # (month, programme, status) -> expressions of interest submitted in that month
    interests: Mapping[tuple[date, str, str], int] = field(default_factory=dict)
    # partner country (None: not given) -> expressions of interest, most first
    countries: tuple[tuple[str | None, int], ...] = ()
    reports: Mapping[date, int] = field(default_factory=dict)
    sdgs: Mapping[str, int] = field(default_factory=dict)  # SDG number -> reports naming it
    # month -> (participants, of them women), from reports that give both numbers
    participants: Mapping[date, tuple[int, int]] = field(default_factory=dict)
    overdue: Mapping[str, int] = field(default_factory=dict)  # deadline kind -> open, passed

    @property
    def empty(self) -> bool:
        """Nothing to show: no submission, no report and nothing overdue."""
        return not (self.interests or self.reports or self.overdue)


def figures(
    *,
    session: Session,
    period: Period,
    now: datetime,
    person_id: int,
    programmes: Collection[str] = ALL,
) -> Figures:
    """The figures of the programmes for the period that ends now, counted in the person's time
    zone."""
    zone = zone_of(session, person_id)
    start = period_start(period, now, zone)
    interests = _interests(session, start, now, zone, programmes)
    reports, sdgs, participants = _reports(session, start, now, zone, programmes)
    found = [month for month, _programme, _status in interests] + list(reports)
    first = _month_of(local(start, zone).date()) if start else min(found, default=None)
    return Figures(
        start=start,
        end=now,
        zone=zone,
        months=_months(first or _month_of(local(now, zone).date()), local(now, zone).date()),
        interests=interests,
        countries=_countries(session, start, now, programmes),
        reports=reports,
        sdgs=sdgs,
        participants=participants,
        overdue=overdue_by_kind(session=session, now=now, programmes=programmes),
    )


def _submitted_between(
    start: datetime | None, end: datetime, programmes: Collection[str]
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        eoi_in(programmes),
        col(ExpressionOfInterest.reference).is_not(None),
        col(ExpressionOfInterest.submitted_at).is_not(None),
        col(ExpressionOfInterest.status).in_(_SUBMITTED),
        col(ExpressionOfInterest.submitted_at) <= end,
    ]
    if start is not None:
        conditions.append(col(ExpressionOfInterest.submitted_at) >= start)
    return conditions


def _interests(
    session: Session, start: datetime | None, end: datetime, zone: str, programmes: Collection[str]
) -> dict[tuple[date, str, str], int]:
    rows = session.execute(
        select(
            col(ExpressionOfInterest.submitted_at),
            col(ExpressionOfInterest.programme),
            col(ExpressionOfInterest.status),
        ).where(and_(*_submitted_between(start, end, programmes)))
    ).all()
    counted = Counter(
        (_month_of(local(submitted_at, zone).date()), programme, status)
        for submitted_at, programme, status in rows
    )
    return dict(counted)


def _countries(
    session: Session, start: datetime | None, end: datetime, programmes: Collection[str]
) -> tuple[tuple[str | None, int], ...]:
    country = col(ExpressionOfInterest.partner_country)
    count = func.count(col(ExpressionOfInterest.id))
    rows = session.execute(
        select(country, count)
        .where(and_(*_submitted_between(start, end, programmes)))
        .group_by(country)
        .order_by(count.desc(), country)
    ).all()
    return tuple((code, int(n)) for code, n in rows)


def _reports(
    session: Session, start: datetime | None, end: datetime, zone: str, programmes: Collection[str]
) -> tuple[dict[date, int], dict[str, int], dict[date, tuple[int, int]]]:
    """Reports by the day of the activity (else the day it was submitted)."""
    rows = session.execute(
        select(
            col(ActivityReport.activity_date),
            col(ActivityReport.submitted_at),
            col(ActivityReport.sdgs),
            col(ActivityReport.participants_total),
            col(ActivityReport.participants_women),
        ).where(
            col(ActivityReport.status).in_(_FINISHED_REPORTS),
            col(ActivityReport.submitted_at).is_not(None),
            report_in(ActivityReport, programmes),
        )
    ).all()
    first = local(start, zone).date() if start else date.min
    last = local(end, zone).date()
    per_month: Counter[date] = Counter()
    sdgs: Counter[str] = Counter()
    people: dict[date, tuple[int, int]] = {}
    for activity_date, submitted_at, goals, total, women in rows:
        day = activity_date or local(submitted_at, zone).date()
        if not first <= day <= last:
            continue
        month = _month_of(day)
        per_month[month] += 1
        sdgs.update(str(goal) for goal in goals or ())
        if total is not None and women is not None:
            seen_total, seen_women = people.get(month, (0, 0))
            people[month] = (seen_total + total, seen_women + women)
    return dict(per_month), dict(sdgs), people


def overdue_by_kind(
    *, session: Session, now: datetime, programmes: Collection[str] = ALL
) -> dict[str, int]:
    """Open deadlines of the programmes past their date, counted per kind (progress_report,
    call, custom)."""
    rows = session.execute(
        select(col(Deadline.kind), func.count(col(Deadline.id)))
        .where(
            col(Deadline.status) == DeadlineStatus.OPEN,
            col(Deadline.due_at) < now,
            deadline_in(programmes),
        )
        .group_by(col(Deadline.kind))
    ).all()
    return {kind: int(n) for kind, n in rows}


def overdue(
    *, session: Session, now: datetime, programmes: Collection[str]
) -> list[tuple[DeadlineView, Holder]]:
    """Open deadlines of the programmes past their date, with their holder (for /overdue)."""
    rows = session.execute(
        select(Deadline, col(Person.first_name))
        .join(Person, col(Person.id) == col(Deadline.person_id), isouter=True)
        .where(
            col(Deadline.status) == DeadlineStatus.OPEN,
            col(Deadline.due_at) < now,
            deadline_in(programmes),
        )
        .order_by(col(Deadline.due_at))
    ).all()
    return [(view(d), holder_of(session, d, name)) for d, name in rows]


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _months(first: date, last: date) -> tuple[date, ...]:
    """Every month from first's to last's, as their first days."""
    months = []
    month = _month_of(first)
    while month <= last:
        months.append(month)
        month = _month_of(month + timedelta(days=31))
    return tuple(months)
