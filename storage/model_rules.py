"""Transactions for the country rules of the expert models: read, toggle, import, with a log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage import audit
from storage.advisor_tables import ModelRule, ModelRuleChange
from storage.short_drafts import ShortDrafts

# A coordinator typing the reason of a model rule (the form engine's draft).
REASON_DRAFTS = ShortDrafts("rule_reason")


@dataclass(frozen=True)
class RuleRow:
    """A rule as a file or a coordinator states it."""

    country: str
    model: str
    status: str
    # language code -> why (only the languages given); left out of the hash, kept in ==.
    reasons: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RuleView:
    """A stored rule, with who changed it last."""

    country: str
    model: str
    status: str
    reasons: Mapping[str, str]  # language code -> why
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class ChangeView:
    """One recorded change of a rule."""

    country: str
    model: str
    old: dict[str, Any] | None
    new: dict[str, Any]
    changed_by: str
    changed_at: datetime


def _view(rule: ModelRule) -> RuleView:
    return RuleView(
        rule.country,
        rule.model,
        rule.status,
        dict(rule.reasons or {}),
        rule.updated_at,
        rule.updated_by,
    )


def _state(rule: ModelRule) -> dict[str, Any]:
    return {"status": rule.status, "reasons": dict(rule.reasons or {})}


def rules_of_country(*, session: Session, country: str) -> dict[str, RuleView]:
    """The stored rules of one country by model (a model without a row is to be confirmed)."""
    rows = session.execute(
        select(ModelRule).where(col(ModelRule.country) == country.upper())
    ).scalars()
    return {rule.model: _view(rule) for rule in rows}


def all_rules(*, session: Session) -> list[RuleView]:
    """Every stored rule, by country and model."""
    rows = session.execute(select(ModelRule).order_by(ModelRule.country, ModelRule.model))
    return [_view(rule) for rule in rows.scalars()]


def _apply(
    session: Session, row: RuleRow, actor: str, now: datetime, keep_reasons: bool = False
) -> bool:
    """Set one rule inside the caller's transaction; log it if anything changed."""
    rule = session.get(ModelRule, (row.country, row.model))
    old = _state(rule) if rule is not None else None
    if rule is None:
        rule = ModelRule(country=row.country, model=row.model)
        session.add(rule)
    rule.status = row.status
    if not keep_reasons:
        rule.reasons = {language: text for language, text in row.reasons.items() if text}
    new = _state(rule)
    if new == old:
        return False
    rule.updated_at, rule.updated_by = now, actor
    session.add(
        ModelRuleChange(
            country=row.country,
            model=row.model,
            old=old,
            new=new,
            changed_by=actor,
            changed_at=now,
        )
    )
    # The audit trail has it too, field by field (the change log above stays for /rules).
    audit.record_changes(
        session,
        at=now,
        actor=actor,
        subject_kind=audit.Subject.RULE,
        subject_id=None,
        reference=f"{row.country}/{row.model}",
        action=audit.Action.RULE,
        old=old or {},
        new=new,
    )
    return True


def set_status(
    *,
    session: Session,
    country: str,
    model: str,
    status: str,
    expected: str,
    actor: str,
    now: datetime,
) -> bool:
    """A coordinator's toggle: set the status if it still is what they saw; False if not.

    The reasons written for the old status go with it: a partner never reads "to be confirmed"
    under a model that is now possible (new reasons come through the rules file).
    """
    rule = session.get(ModelRule, (country, model), with_for_update=True)
    current = rule.status if rule is not None else "to_be_confirmed"
    if current != expected:
        return False
    _apply(session, RuleRow(country, model, status), actor, now)
    session.commit()
    return True


def set_reason(
    *,
    session: Session,
    country: str,
    model: str,
    language: str,
    reason: str,
    actor: str,
    now: datetime,
) -> bool:
    """A coordinator's reason in one language for the rule as it stands (empty: none); the
    change is recorded. False if nothing changed."""
    rule = session.get(ModelRule, (country, model), with_for_update=True)
    status = rule.status if rule is not None else "to_be_confirmed"
    reasons = dict(rule.reasons) if rule is not None else {}
    reasons[language] = reason
    changed = _apply(session, RuleRow(country, model, status, reasons), actor, now)
    session.commit()
    return changed


def import_rules(*, session: Session, rows: Iterable[RuleRow], actor: str, now: datetime) -> int:
    """Store every row in one transaction (all or nothing); the number of rules changed.

    Rules of countries and models that the rows do not name stay as they are.
    """
    changed = sum(_apply(session, row, actor, now) for row in rows)
    session.commit()
    return changed


def changes_of(*, session: Session, country: str) -> list[ChangeView]:
    """The recorded changes of one country's rules, oldest first."""
    rows = session.execute(
        select(ModelRuleChange)
        .where(col(ModelRuleChange.country) == country.upper())
        .order_by(col(ModelRuleChange.id))
    ).scalars()
    return [ChangeView(c.country, c.model, c.old, c.new, c.changed_by, c.changed_at) for c in rows]
