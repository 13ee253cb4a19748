"""The advisor's five questions (what the partnership needs, which experience matters, whether a
local contract is possible, the work's focus, the partner country); the options and what each
answer says for a model are bot.advisor's, the conversation around them is
conversations.advisor.models.
"""

from __future__ import annotations

from bot import advisor
from bot.i18n import N_
from bot.questions import Kind, Question
from bot.vocabulary import PARTNER_COUNTRY_EXAMPLE

QUESTIONS = (
    Question(
        "position",
        Kind.CHOICE,
        N_("Position"),
        N_(
            "What does the partnership need: someone in a key position inside the partner administration, or someone who advises it from alongside?"
        ),
        options=advisor.POSITION,
    ),
    Question(
        "background",
        Kind.CHOICE,
        N_("Experience"),
        N_("What matters more for the task: European experience, or local knowledge and language?"),
        options=advisor.BACKGROUND,
    ),
    Question(
        "contract",
        Kind.CHOICE,
        N_("Local employment contract"),
        N_("Can the partner municipality offer the expert a local employment contract?"),
        options=advisor.CONTRACT,
    ),
    Question(
        "focus",
        Kind.CHOICE,
        N_("Focus of the work"),
        N_("What should the expert's work focus on?"),
        options=advisor.FOCUS,
    ),
    Question(
        advisor.COUNTRY,
        Kind.COUNTRY,
        N_("Partner country"),
        N_("In which country is the partner municipality? Type its name."),
        PARTNER_COUNTRY_EXAMPLE,
        exclude_countries=frozenset({"DE"}),
    ),
)
