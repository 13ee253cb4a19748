"""What each expert model is, side by side: who the expert is, who employs and pays them, who
recruits them, their role and how long they stay (from the programme's brochure). The advisor
shows this comparison with its recommendation (bot.advisor).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.advisor import DEVELOPMENT_WORKER, INTEGRATED, LOCAL
from bot.i18n import N_


@dataclass(frozen=True)
class ModelProfile:
    """One model in the side-by-side comparison (every field a msgid)."""

    model: str
    who: str
    employer: str
    pay: str
    recruitment: str
    role: str
    duration: str


# From the programme's brochure (shared/seeds/fachkraeftefonds-kommunale-partnerschaften.txt).
_TWO_YEARS = N_("usually two years on site")
PROFILES = (
    ModelProfile(
        INTEGRATED,
        who=N_("a European expert"),
        employer=N_("the partner municipality, on a local employment contract"),
        pay=N_(
            "local salary from the partner municipality, topped up to European level by the programme"
        ),
        recruitment=N_(
            "CIM (Centre for International Migration and Development) supports the recruitment"
        ),
        role=N_(
            "works in a key position of the partner municipality, on technical and strategic questions"
        ),
        duration=_TWO_YEARS,
    ),
    ModelProfile(
        DEVELOPMENT_WORKER,
        who=N_("a European expert"),
        employer=N_("GIZ (the service contract); the workplace is the partner municipality"),
        pay=N_("GIZ pays the remuneration"),
        recruitment=N_("the programme supports the search, together with GIZ"),
        role=N_(
            "advises the partner municipality on content and methods, supports its organisational development and networking"
        ),
        duration=_TWO_YEARS,
    ),
    ModelProfile(
        LOCAL,
        who=N_("an expert from the partner country"),
        employer=N_("the partner municipality, on a local employment contract"),
        pay=N_("the programme finances the local contract"),
        recruitment=N_("the partner municipality, with the programme's support in the search"),
        role=N_("works in the partner municipality and brings local knowledge and language"),
        duration=_TWO_YEARS,
    ),
)
