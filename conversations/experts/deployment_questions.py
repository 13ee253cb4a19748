"""The questions a coordinator answers to register a deployment (/deploy): the expert, their
model, the partnership, the dates and how often progress is reported, with the checks on an EOI
reference (its shape, and that an accepted expression of interest of the coordinator's
programmes has it) and on the dates; the conversation around them is
conversations.experts.deployment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import N_, _
from bot.questions import Found, Kind, Option, Question
from bot.roles import my_programmes
from bot.services import services
from bot.vocabulary import EXPERT_MODELS
from storage.deployments import is_accepted_reference

MODELS = (
    *EXPERT_MODELS,
    Option("authority_staff", N_("Staff of a German authority (Verwaltungspartnerschaft)")),
)
INTERVALS = (Option("monthly", N_("Monthly")), Option("quarterly", N_("Quarterly")))
EOI_REFERENCE = re.compile(r"^EOI-\d{4}-\d{4,}$")


def _eoi_reference_shape(value: Any) -> str | None:
    if isinstance(value, str) and not EOI_REFERENCE.match(value.strip().upper()):
        return _("A reference looks like EOI-2026-0001. Please check it, or skip this question.")
    return None


NO_SUCH_EOI = N_(
    "No accepted expression of interest has the reference {reference}. Please check it, or skip the question."
)


async def _accepted_reference(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str
) -> Found:
    """The reference, if it has the shape of one and an accepted expression of interest of
    the coordinator's programmes has it (told at once, not only when the form is submitted)."""
    problem = _eoi_reference_shape(text)
    if problem is not None:
        return Found(problem=problem)
    reference = text.strip().upper()
    known = await services(context).db.run(
        is_accepted_reference, reference=reference, of_programmes=my_programmes(update, context)
    )
    if not known:
        return Found(problem=_(NO_SUCH_EOI).format(reference=reference))
    return Found(value=reference)


def _end_after_start(answers: Mapping[str, Any], value: Any) -> str | None:
    start = answers.get("start_date")
    if isinstance(value, str) and isinstance(start, str) and value <= start:
        return _("The end must come after the start. Please check the date.")
    return None


QUESTIONS = (
    Question(
        "expert_name",
        Kind.TEXT,
        N_("Expert"),
        N_("What is the expert's full name?"),
        N_("Jonas Becker"),
    ),
    Question(
        "expert_model",
        Kind.CHOICE,
        N_("Expert model"),
        N_("In which model is the expert deployed?"),
        options=MODELS,
    ),
    Question(
        "eoi_reference",
        Kind.TEXT,
        N_("Expression of interest"),
        N_("Which expression of interest does the deployment come from? Type its reference."),
        N_("EOI-2026-0001"),
        max_length=32,
        optional=True,
        words=False,  # a reference, checked for its own shape
        look_up=_accepted_reference,  # its shape, then the database
    ),
    Question(
        "partnership",
        Kind.TEXT,
        N_("Partnership"),
        N_("Which partnership is it? Name both partners."),
        N_("Stadt Bonn – Cape Coast Metropolitan Assembly"),
        max_length=500,
    ),
    Question(
        "country",
        Kind.COUNTRY,
        N_("Country"),
        N_("In which country does the expert work? Type its name."),
        N_("Ghana — or part of the name, e.g. “Gha”"),
        exclude_countries=frozenset({"DE"}),
    ),
    Question(
        "city",
        Kind.TEXT,
        N_("City"),
        N_("In which city or municipality?"),
        N_("Cape Coast"),
    ),
    Question(
        "start_date",
        Kind.DATE,
        N_("Start"),
        N_("When does (or did) the deployment start?"),
        future=True,
    ),
    Question(
        "end_date",
        Kind.DATE,
        N_("End"),
        N_("When does it end? Skip for the usual two years."),
        future=True,
        past=False,  # a deployment that is already over has nothing left to report
        example_months=26,  # two years after the start's example
        optional=True,
        check=_end_after_start,
    ),
    Question(
        "interval",
        Kind.CHOICE,
        N_("Progress reports"),
        N_("How often should the expert send a progress report?"),
        options=INTERVALS,
        columns=2,
    ),
)
