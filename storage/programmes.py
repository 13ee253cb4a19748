"""Which programme a row belongs to, as SQL: a coordinator limited to one programme sees only
its rows, filtered in the query.

An expression of interest has its programme. A deployment has none of its own: one linked to an
expression of interest takes that programme; otherwise its expert model says it (staff of a
German authority are deployed in a Verwaltungspartnerschaft, the other models are the
Fachkräftefonds'). Reports take their deployment's programme.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlmodel import Session, col

from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import Deadline, ExpressionOfInterest, Person, Status

ALL = frozenset({"fkf", "vwp"})
AUTHORITY_STAFF = "authority_staff"  # the one expert model of the Verwaltungspartnerschaft


def of_deployment() -> ColumnElement[str]:
    """The programme of the Deployment row in the enclosing query."""
    linked = (
        select(col(ExpressionOfInterest.programme))
        .where(col(ExpressionOfInterest.id) == col(Deployment.eoi_id))
        .scalar_subquery()
    )
    by_model = case((col(Deployment.expert_model) == AUTHORITY_STAFF, literal("vwp")), else_="fkf")
    return func.coalesce(linked, by_model)


def deployment_in(programmes: Collection[str]) -> ColumnElement[bool]:
    """The Deployment row in the enclosing query belongs to one of the programmes."""
    return of_deployment().in_(sorted(programmes))


def report_in(
    table: type[ActivityReport] | type[ProgressReport], programmes: Collection[str]
) -> ColumnElement[bool]:
    """An activity or progress report row belongs to one of the programmes."""
    return col(table.deployment_id).in_(select(col(Deployment.id)).where(deployment_in(programmes)))


def eoi_in(programmes: Collection[str]) -> ColumnElement[bool]:
    """An expression of interest row belongs to one of the programmes."""
    return col(ExpressionOfInterest.programme).in_(sorted(programmes))


def person_in(programmes: Collection[str]) -> ColumnElement[bool]:
    """A person (the Person row in the enclosing query) is one a coordinator of the programmes
    may look for: someone with an expression of interest or a deployment of theirs, or with
    neither yet (not part of any programme)."""
    if set(programmes) >= ALL:
        return literal(True)
    person = col(Person.id)
    submitter = select(col(ExpressionOfInterest.person_id)).where(
        col(ExpressionOfInterest.status) != Status.DISCARDED
    )
    expert = select(col(Deployment.expert_id)).where(col(Deployment.expert_id).is_not(None))
    mine = or_(
        person.in_(submitter.where(eoi_in(programmes))),
        person.in_(expert.where(deployment_in(programmes))),
    )
    return or_(mine, and_(person.not_in(submitter), person.not_in(expert)))


def deadline_in(programmes: Collection[str]) -> ColumnElement[bool]:
    """A deadline belongs to one of the programmes: a deployment's by the deployment, a call's by
    its programme; one of neither (a custom task) by its holder, as person_in says (to both
    while it has no holder yet)."""
    if set(programmes) >= ALL:
        return literal(True)
    deployments = select(col(Deployment.id)).where(deployment_in(programmes))
    return or_(
        col(Deadline.deployment_id).in_(deployments),
        and_(
            col(Deadline.deployment_id).is_(None), col(Deadline.programme).in_(sorted(programmes))
        ),
        and_(
            col(Deadline.deployment_id).is_(None),
            col(Deadline.programme).is_(None),
            or_(
                col(Deadline.person_id).is_(None),
                col(Deadline.person_id).in_(select(col(Person.id)).where(person_in(programmes))),
            ),
        ),
    )


def deployment_programme(*, session: Session, deployment_id: int) -> str | None:
    """A deployment's programme (None if there is no such deployment)."""
    return session.execute(
        select(of_deployment()).where(col(Deployment.id) == deployment_id)
    ).scalar_one_or_none()


def report_programme(
    *, session: Session, table: type[ActivityReport] | type[ProgressReport], report_id: int
) -> str | None:
    """A report's programme, from its deployment (None if there is no such report)."""
    return session.execute(
        select(of_deployment())
        .select_from(table)
        .join(Deployment, col(Deployment.id) == col(table.deployment_id))
        .where(col(table.id) == report_id)
    ).scalar_one_or_none()


# Who coordinates which programme: {"fkf": [ids], "vwp": [ids]} (bot.config builds it).
Coordinators = Mapping[str, Sequence[int]]


def coordinators_of_deployment(
    session: Session, coordinators: Coordinators, deployment_id: int
) -> list[int]:
    """The coordinators who receive the notices of a deployment's reports."""
    programme = deployment_programme(session=session, deployment_id=deployment_id)
    return sorted(coordinators.get(programme or "", ()))


def coordinators_of_deadline(
    session: Session, coordinators: Coordinators, deadline: Deadline
) -> list[int]:
    """The coordinators who hear that a deadline was missed: of its deployment's or its call's
    programme, else of its holder's (a custom task; all of them while it has no holder)."""
    if deadline.deployment_id is None and deadline.programme is None:
        if deadline.person_id is not None:
            return coordinators_of_person(session, coordinators, deadline.person_id)
        return sorted({c for ids in coordinators.values() for c in ids})
    if deadline.deployment_id is not None:
        programme = deployment_programme(session=session, deployment_id=deadline.deployment_id)
    else:
        programme = deadline.programme
    chosen = [programme] if programme else list(coordinators)
    return sorted({c for p in chosen for c in coordinators.get(p, ())})


def coordinators_of_person(
    session: Session, coordinators: Coordinators | None, person_id: int
) -> list[int]:
    """The coordinators who hear about a person (never the person themself): those of the
    programmes the person takes part in, all of them for someone of neither yet."""
    theirs = [
        programme
        for programme in sorted(coordinators or {})
        if session.execute(
            select(col(Person.id)).where(col(Person.id) == person_id, person_in([programme]))
        ).first()
    ]
    found = {c for p in theirs for c in (coordinators or {}).get(p, ())}
    return sorted(found - {person_id})
