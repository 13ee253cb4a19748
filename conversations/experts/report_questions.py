"""The activity report's questions (/report): what, when, who took part, cross-cutting themes,
files, with the checks that keep the participant counts consistent. Each key is its answer
column's name (storage/experts_tables.py); the conversation around them is
conversations.experts.report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import N_, _
from bot.questions import Kind, Option, Question
from bot.vocabulary import SDGS

MAX_PARTICIPANTS = 100_000
MAX_FILES = 10

ACTIVITY_TYPES = (
    Option("advice", N_("Advice")),
    Option("training", N_("Training")),
    Option("workshop", N_("Workshop")),
    Option("conference", N_("Conference")),
    Option("study_trip", N_("Study trip")),
    Option("networking", N_("Networking event")),
    Option("other", N_("Other")),
)
# The OECD DAC gender equality marker, in the words the programmes use.
GENDER = (
    Option("none", N_("Not targeted")),
    Option("significant", N_("Significant objective")),
    Option("principal", N_("Principal objective")),
)
YES_NO = (Option("yes", N_("Yes")), Option("no", N_("No")))


def _women_fit(answers: Mapping[str, Any], women: Any) -> str | None:
    """Women cannot outnumber all participants."""
    total = answers.get("participants_total")
    if isinstance(total, int) and isinstance(women, int) and women > total:
        return _(
            "{women} women is more than the {total} participants in total. Please check the number (or go ◀️ Back to correct the total)."
        ).format(women=women, total=total)
    return None


def _total_fits(answers: Mapping[str, Any], total: Any) -> str | None:
    """A corrected total must still hold the women counted."""
    women = answers.get("participants_women")
    if isinstance(total, int) and isinstance(women, int) and women > total:
        return _(
            "You counted {women} women, so the total cannot be {total}. Please check the number."
        ).format(women=women, total=total)
    return None


QUESTIONS = (
    Question(
        "activity_type",
        Kind.CHOICE,
        N_("Type of activity"),
        N_("What kind of activity was it?"),
        options=ACTIVITY_TYPES,
        columns=2,
    ),
    Question(
        "activity_date",
        Kind.DATE,
        N_("Date"),
        N_("When did it take place? Tap a button or type the date."),
    ),
    Question(
        "title",
        Kind.TEXT,
        N_("Title"),
        N_("Give the activity a short title."),
        N_("Workshop on waste separation with the sanitation department"),
        max_length=200,
    ),
    Question(
        "description",
        Kind.TEXT,
        N_("What happened"),
        N_("What happened? Describe the activity and its results in a few sentences."),
        N_("Twelve staff members mapped the collection routes and agreed on three pilot areas."),
        max_length=4096,
    ),
    Question(
        "participants_total",
        Kind.NUMBER,
        N_("Participants"),
        N_("How many people took part in total?"),
        N_("25"),
        maximum=MAX_PARTICIPANTS,
        check=_total_fits,
    ),
    Question(
        "participants_women",
        Kind.NUMBER,
        N_("Of them women"),
        N_("How many of them were women?"),
        N_("12"),
        maximum=MAX_PARTICIPANTS,
        check=_women_fit,
    ),
    Question(
        "disadvantaged",
        Kind.TEXT,
        N_("Other disadvantaged groups"),
        N_(
            "Did people from other disadvantaged groups take part (e.g. people with disabilities, young people, informal workers)? Who, and how many?"
        ),
        N_("3 waste pickers from the informal sector"),
        max_length=1000,
        optional=True,
    ),
    Question(
        "institutions",
        Kind.TEXT,
        N_("Departments and institutions"),
        N_("Which departments or institutions were involved?"),
        N_("Sanitation department, finance department, a local NGO"),
        max_length=1000,
        optional=True,
    ),
    Question(
        "sdgs",
        Kind.MULTI,
        N_("SDGs"),
        N_("Which Sustainable Development Goals did the activity contribute to?"),
        options=SDGS,
        columns=2,
        optional=True,
    ),
    Question(
        "gender",
        Kind.CHOICE,
        N_("Gender equality"),
        N_("How relevant was gender equality to this activity?"),
        options=GENDER,
    ),
    Question(
        "do_no_harm",
        Kind.CHOICE,
        N_("Do No Harm considered"),
        N_(
            "Did you consider Do No Harm — whether the activity could unintentionally harm people or deepen conflicts?"
        ),
        options=YES_NO,
        columns=2,
    ),
    Question(
        "do_no_harm_note",
        Kind.TEXT,
        N_("Do No Harm note"),
        N_("Anything to note about Do No Harm?"),
        N_("The pilot areas include an informal settlement, so residents were invited too."),
        max_length=1000,
        optional=True,
    ),
    Question(
        "attachments",
        Kind.ATTACHMENTS,
        N_("Photos and documents"),
        N_("Would you like to attach photos or documents (PDF, Word, Excel, PowerPoint)?"),
        optional=True,
        maximum=MAX_FILES,
    ),
)
