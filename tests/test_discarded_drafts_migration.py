"""0010_discarded_drafts: the drafts kept answerless after a discard so far are deleted (with an
advisor run started from one), everything else stays; on SQLite a deleted draft's id is never
given again, so an old button of it cannot reach a newer draft."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session, select

from storage.advisor_tables import AdvisorSession
from storage.db import downgrade, upgrade
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import ExpressionOfInterest, Person, utcnow
from tests.test_migrations import own_engine

DRAFT_TABLES = (ExpressionOfInterest, ActivityReport, ProgressReport, AdvisorSession, Deployment)


def _statuses(engine) -> dict[str, list[str]]:
    with Session(engine) as session:
        return {
            table.__tablename__: [
                row.status for row in session.exec(select(table).order_by(table.id))
            ]
            for table in DRAFT_TABLES
        }


def test_discarded_drafts_go_and_their_ids_are_never_given_again(tmp_path):
    engine = own_engine(tmp_path, "discarded_drafts")
    upgrade(engine, "0009_privacy")
    now = utcnow()
    with Session(engine) as session:
        session.add(Person(id=7, first_name="Ama", created_at=now, updated_at=now))
        session.flush()
        kept = ExpressionOfInterest(
            person_id=7, programme="vwp", status="submitted", reference="EOI-2026-0001"
        )
        gone = ExpressionOfInterest(person_id=7, programme="fkf", status="discarded")
        session.add_all([kept, gone])
        session.flush()
        kept_id, gone_id = kept.id, gone.id
        session.add_all(
            [
                AdvisorSession(person_id=7, eoi_id=gone.id, status="done"),
                AdvisorSession(person_id=7, eoi_id=kept.id, status="applied"),
                AdvisorSession(person_id=7, status="discarded"),
            ]
        )
        active = Deployment(status="active", eoi_id=kept.id, start_date=date(2026, 11, 1))
        session.add_all([active, Deployment(status="discarded")])
        session.flush()
        assert active.id is not None
        for status in ("submitted", "dismissed", "offered"):
            reference = "REP-2026-0001" if status == "submitted" else None
            report = ActivityReport(
                deployment_id=active.id, person_id=7, status=status, reference=reference
            )
            session.add(report)
        session.add(ProgressReport(deployment_id=active.id, person_id=7, status="dismissed"))
        session.commit()
    upgrade(engine, "0010_discarded_drafts")
    assert _statuses(engine) == {
        "expression_of_interest": ["submitted"],
        "activity_report": ["submitted", "offered"],
        "progress_report": [],
        "advisor_session": ["applied"],
        "deployment": ["active"],
    }
    with Session(engine) as session:
        [deployment] = session.exec(select(Deployment)).all()
        assert deployment.eoi_id == kept_id  # the rebuilt tables keep their links
        newest = ExpressionOfInterest(person_id=7, programme="fkf", status="draft")
        session.add(newest)
        session.commit()
        first_id = newest.id
        assert first_id is not None and gone_id is not None and first_id > gone_id  # not reused
        session.delete(newest)  # the newest row: SQLite without AUTOINCREMENT reuses its id
        session.commit()
        again = ExpressionOfInterest(person_id=7, programme="fkf", status="draft")
        session.add(again)
        session.commit()
        assert first_id is not None and again.id is not None and again.id > first_id
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            for table in DRAFT_TABLES:
                sql = connection.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = :name"),
                    {"name": table.__tablename__},
                ).scalar_one()
                assert "AUTOINCREMENT" in sql
    downgrade(engine, "0009_privacy")
    upgrade(engine)
    engine.dispose()
