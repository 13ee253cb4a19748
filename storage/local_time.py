"""Local time of a person: their time zone, the reminder hour and the quiet hours of the night."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from sqlalchemy import select
from sqlmodel import Session, SQLModel, col

from storage.models import ExpressionOfInterest, Person, Status

# Coordinators and anyone whose country the bot does not know: the programmes sit in Germany.
DEFAULT_ZONE = "Europe/Berlin"
REMINDER_HOUR = 9  # reminders go out at 09:00 local time
DIGEST_HOUR = 8  # a coordinator's daily digest at 08:00 local time
QUIET_FROM = 21  # nothing is sent from 21:00 ...
QUIET_UNTIL = 8  # ... until 08:00 local time


@cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    """Whether name is a time zone this system knows."""
    return bool(name) and name in known_zones()


# The zone most of a multi-zone country lives by (its capital's or most populous region's);
# Babel lists these countries' zones alphabetically or by region, not by importance.
PRIMARY_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei",
    "GL": "America/Nuuk",
    "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty",
    "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti",
    "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Hebron",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}
# Zones are ordered by their offset on one fixed day, so the order never changes with DST.
_ORDER_DAY = datetime(2026, 1, 15, 12, tzinfo=UTC)


def _offset(zone: str) -> timedelta:
    return _ORDER_DAY.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)


def zones_of_country(country: str | None) -> list[str]:
    """The time zones of a country (ISO 3166-1 alpha-2): the main one first, the others by
    their offset from UTC, west to east (Babel's data, PRIMARY_ZONES for the main one)."""
    if not country:
        return []
    zones = [z for z in get_global("territory_zones").get(country.upper(), []) if is_zone(z)]
    if not zones:
        return []
    main = PRIMARY_ZONES.get(country.upper(), zones[0])
    if main not in zones:
        main = zones[0]
    return [main, *sorted((z for z in zones if z != main), key=lambda z: (_offset(z), z))]


def zone_for_country(country: str | None) -> str | None:
    """The main time zone of a country, or None for an unknown one."""
    zones = zones_of_country(country)
    return zones[0] if zones else None


def _as_zone(value: str | None) -> str | None:
    if not value:
        return None
    if is_zone(value):
        return value
    return zone_for_country(value) if len(value) == 2 else None


def zone_of(session: Session, person_id: int | None) -> str:
    """The person's time zone now: their own setting, where they work, their organisation."""
    if person_id is None:
        return DEFAULT_ZONE
    person = session.get(Person, person_id)
    if person is not None and is_zone(person.timezone):
        assert person.timezone is not None
        return person.timezone
    zone = _as_zone(deployment_country(session, person_id))
    if zone:
        return zone
    eoi = session.execute(
        select(col(ExpressionOfInterest.partner_country))
        .where(
            col(ExpressionOfInterest.person_id) == person_id,
            col(ExpressionOfInterest.status) != Status.DISCARDED,
        )
        .order_by(col(ExpressionOfInterest.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    # Someone who writes in German speaks for the German side of the partnership; everyone
    # else most likely for the partner abroad.
    german = person is not None and (person.language or person.telegram_language or "").startswith(
        "de"
    )
    if eoi and not german:
        return zone_for_country(eoi) or DEFAULT_ZONE
    return DEFAULT_ZONE


def deployment_country(session: Session, person_id: int) -> str | None:
    """The country of the newest deployment the person works in as expert, if deployments are
    part of this build (looked up by table name, so reminders do not depend on that feature)."""
    table = SQLModel.metadata.tables.get("deployment")
    if table is None or "expert_id" not in table.c or "country" not in table.c:
        return None
    return session.execute(
        select(table.c.country)
        .where(table.c.expert_id == person_id, table.c.country.is_not(None))
        .order_by(table.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def local(moment: datetime, zone: str) -> datetime:
    """The moment as a wall-clock time in zone."""
    return moment.astimezone(ZoneInfo(zone))


def at_hour(day: date, hour: int, zone: str) -> datetime:
    """hour:00 on day in zone, as UTC (09:00 exists on every day, DST changes happen at night)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def is_quiet(moment: datetime, zone: str) -> bool:
    """Whether it is night where the person is (21:00–08:00): no reminders then."""
    hour = local(moment, zone).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def next_morning(moment: datetime, zone: str, hour: int = REMINDER_HOUR) -> datetime:
    """The next hour:00 local time after moment (today's if still ahead, else tomorrow's)."""
    today = local(moment, zone).date()
    candidate = at_hour(today, hour, zone)
    return candidate if candidate > moment else at_hour(today + timedelta(days=1), hour, zone)


def deadline_day(due_at: datetime, zone: str) -> date:
    """The last local day on which the deadline can still be met after 09:00 that day.

    Due 23:59 on 1 March → 1 March; due 07:00 on 1 March (the zone is far east of where it was
    set) → 28 or 29 February, so that "on the day" comes before the deadline.
    """
    return (local(due_at, zone) - timedelta(hours=REMINDER_HOUR)).date()


def end_of_day(day: date, zone: str) -> datetime:
    """23:59 on day in zone, as UTC: when a deadline given as a date runs out."""
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def safe_zone(name: str | None) -> str:
    """name if it is a known zone, else the default."""
    try:
        return name if name and is_zone(name) and ZoneInfo(name) else DEFAULT_ZONE
    except ZoneInfoNotFoundError:
        return DEFAULT_ZONE
