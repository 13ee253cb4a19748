"""Plain views of deployments: as coordinators see them, and as a bound expert's reports need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from babel.core import get_global
from sqlalchemy import select
from sqlmodel import Session, col

from storage.experts_tables import Deployment, DeploymentStatus
from storage.models import Deadline, Person


@dataclass(frozen=True)
class DeploymentView:
    """A deployment as the bot shows it."""

    id: int
    expert_name: str
    expert_model: str
    partnership: str
    country: str
    city: str
    start_date: date
    end_date: date
    interval: str
    eoi_reference: str | None
    expert_id: int | None
    deadlines: int


def zone_for(country: str | None, personal: str | None = None) -> str:
    """The time zone to use: the person's own setting, else their deployment country's zone.

    A country with several zones gets the first CLDR lists; UTC when nothing is known.
    """
    for candidate in (personal, *(get_global("territory_zones").get(country or "", [])[:1])):
        if candidate:
            try:
                ZoneInfo(candidate)
            except (KeyError, ValueError):
                continue
            return candidate
    return "UTC"


def view(session: Session, deployment: Deployment) -> DeploymentView:
    """A deployment row as a plain view (with how many report deadlines it has)."""
    assert deployment.id is not None
    count = len(
        session.execute(
            select(col(Deadline.id)).where(col(Deadline.deployment_id) == deployment.id)
        ).all()
    )
    return DeploymentView(
        id=deployment.id,
        expert_name=deployment.expert_name or "",
        expert_model=deployment.expert_model or "",
        partnership=deployment.partnership or "",
        country=deployment.country or "",
        city=deployment.city or "",
        start_date=deployment.start_date or date.min,
        end_date=deployment.end_date or date.min,
        interval=deployment.interval or "",
        eoi_reference=deployment.eoi_reference,
        expert_id=deployment.expert_id,
        deadlines=count,
    )


@dataclass(frozen=True)
class ExpertView:
    """A bound expert's deployment, as the report forms need it."""

    deployment_id: int
    partnership: str
    country: str
    city: str
    zone: str
    start_date: date | None = None


def deployment_of_expert(*, session: Session, person_id: int) -> ExpertView | None:
    """The active deployment the person is bound to (the newest, if several)."""
    found = session.execute(
        select(Deployment, col(Person.timezone))
        .join(Person, col(Person.id) == col(Deployment.expert_id))
        .where(
            col(Deployment.expert_id) == person_id,
            col(Deployment.status) == DeploymentStatus.ACTIVE,
        )
        .order_by(col(Deployment.bound_at).desc(), col(Deployment.id).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    deployment, personal_zone = found
    return expert_view(deployment, personal_zone)


def expert_view(deployment: Any, personal_zone: str | None) -> ExpertView:
    """The expert's view of their deployment (a loaded row or a result row with the table's
    columns), in their own time zone if they set one."""
    assert deployment.id is not None
    return ExpertView(
        deployment_id=deployment.id,
        partnership=deployment.partnership or "",
        country=deployment.country or "",
        city=deployment.city or "",
        zone=zone_for(deployment.country, personal_zone),
        start_date=deployment.start_date,
    )
