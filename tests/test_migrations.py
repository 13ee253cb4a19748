"""The schema only changes through migrations, and every migration goes down and up again."""

from __future__ import annotations

import json
import os

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import Session

from storage import model_rules
from storage.advisor_tables import AdvisorSession
from storage.db import alembic_config, downgrade, make_engine, upgrade
from storage.models import ExpressionOfInterest, Person, utcnow


def own_engine(tmp_path, schema: str):
    """An empty database of the test's own: a PostgreSQL schema, or a new SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:  # a schema of its own, so the shared test schema stays as it is
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        return make_engine(url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}")
    return make_engine(f"sqlite:///{tmp_path / (schema + '.sqlite3')}")


def test_stairway_up_down_up(tmp_path):
    engine = own_engine(tmp_path, "stairway")
    script = ScriptDirectory.from_config(alembic_config(engine))
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        upgrade(engine, revision.revision)
        downgrade(engine, revision.down_revision or "base")
        upgrade(engine, revision.revision)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"person", "expression_of_interest", "outbox_message", "deadline"} <= tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_form_one_line():
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert len(script.get_heads()) == 1, script.get_heads()


def test_going_below_0006_gives_revisions_back_as_returned(tmp_path):
    """A revision in progress, with rows pointing at it, survives a downgrade as it was
    submitted (returned for changes), and the upgrade after it."""
    engine = own_engine(tmp_path, "revisions")
    upgrade(engine)
    now = utcnow()
    with Session(engine) as session:
        session.add(Person(id=7, first_name="Ama", created_at=now, updated_at=now))
        session.flush()
        eoi = ExpressionOfInterest(
            person_id=7,
            programme="fkf",
            status="draft",
            reference="EOI-2026-0001",
            step="summary",
            german_municipality="Half-typed change",
            goals=["x"],
            submitted_answers={"german_municipality": "Stadt Bonn", "goals": None},
        )
        session.add(eoi)
        session.flush()
        session.add(AdvisorSession(person_id=7, eoi_id=eoi.id, status="done"))
        session.commit()
    downgrade(engine, "0005")
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, german_municipality, goals FROM expression_of_interest")
        ).one()
    goals = json.loads(row.goals) if isinstance(row.goals, str) else row.goals  # raw SQLite text
    assert (row.status, row.german_municipality, goals) == ("returned", "Stadt Bonn", None)
    upgrade(engine)
    engine.dispose()


def test_0007_moves_the_rules_reasons_into_one_field_and_back(tmp_path):
    """The reasons' columns become one field per language and back again, in the rules and in
    their change log; a rule without reasons stays without."""
    engine = own_engine(tmp_path, "reasons")
    upgrade(engine, "0006")
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM model_rule"))  # the seed's rules
        connection.execute(
            text(
                "INSERT INTO model_rule (country, model, status, reason_de, reason_en,"
                " updated_at, updated_by) VALUES ('KE', 'local', 'not_possible', 'Nein.',"
                " 'No.', :now, 'cli:x'), ('GH', 'local', 'possible', NULL, 'Yes.', :now,"
                " 'cli:x'), ('BO', 'local', 'possible', NULL, NULL, :now, 'cli:x')"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO model_rule_change (country, model, old, new, changed_by, changed_at)"
                " VALUES ('KE', 'local', NULL, :new, 'cli:x', :now)"
            ),
            {
                "now": now,
                "new": json.dumps(
                    {"status": "not_possible", "reason_de": "Nein.", "reason_en": "No."}
                ),
            },
        )

    def stored(*columns: str) -> dict[str, tuple]:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT country, {', '.join(columns)} FROM model_rule"))
            return {row[0]: tuple(_json(value) for value in row[1:]) for row in rows}

    def logged() -> list[tuple]:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT old, new FROM model_rule_change"))
            return [(_json(old), _json(new)) for old, new in rows]

    upgrade(engine, "0007")
    assert stored("reasons") == {
        "KE": ({"de": "Nein.", "en": "No."},),
        "GH": ({"en": "Yes."},),
        "BO": ({},),
    }
    assert logged() == [(None, {"status": "not_possible", "reasons": {"de": "Nein.", "en": "No."}})]
    with Session(engine) as session:  # what the application reads
        assert model_rules.rules_of_country(session=session, country="GH")["local"].reasons == {
            "en": "Yes."
        }
    downgrade(engine, "0006")
    assert stored("reason_de", "reason_en") == {
        "KE": ("Nein.", "No."),
        "GH": (None, "Yes."),
        "BO": (None, None),
    }
    assert logged() == [
        (None, {"status": "not_possible", "reason_de": "Nein.", "reason_en": "No."})
    ]
    upgrade(engine)
    assert stored("reasons")["KE"] == ({"de": "Nein.", "en": "No."},)
    engine.dispose()


def _json(value):
    """A JSON column's value as stored: SQLite hands back its text, PostgreSQL the value."""
    return json.loads(value) if isinstance(value, str) and value.startswith(("{", "[")) else value
