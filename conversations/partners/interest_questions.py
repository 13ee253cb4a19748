"""The questions of an expression of interest, per programme (the two programmes' brochures in
shared/seeds say what each needs); their forms are conversations.partners.interest_form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import advisor
from bot.i18n import N_
from bot.questions import Kind, Option, Question
from bot.vocabulary import EXPERT_MODELS, FEDERAL_STATES, NOT_SURE, PARTNER_COUNTRY_EXAMPLE, SDGS

CONTACT = (
    Question(
        "contact_name",
        Kind.TEXT,
        N_("Contact person"),
        N_("Who is the contact person for this expression of interest? Please give the full name."),
        N_("Maria Müller"),
    ),
    Question(
        "contact_function",
        Kind.TEXT,
        N_("Function"),
        N_("What is the contact person's function or position?"),
        N_("Head of the international office"),
    ),
    Question(
        "contact_email",
        Kind.EMAIL,
        N_("E-mail"),
        N_("At which e-mail address can the programme reach the contact person?"),
        N_("maria.mueller@bonn.de"),
        max_length=254,
    ),
    Question(
        "consent",
        Kind.CONSENT,
        N_("Consent to be contacted"),
        N_(
            "May the programme store these answers and contact the contact person about this "
            "expression of interest? (See /privacy for what is stored and who sees it.)"
        ),
    ),
)


def _wants_state(answers: Mapping[str, Any]) -> bool:
    # Until the level is known the question counts, so the total only ever shrinks.
    return answers.get("authority_level") in (None, "state")


FACHKRAEFTEFONDS = (
    Question(
        "german_municipality",
        Kind.TEXT,
        N_("German municipality"),
        N_("What is the name of the German municipality (or association of municipalities)?"),
        N_("Stadt Bonn"),
    ),
    Question(
        "german_state",
        Kind.CHOICE,
        N_("Federal state"),
        N_("In which federal state is it?"),
        options=FEDERAL_STATES,
        columns=2,
    ),
    Question(
        "partner_municipality",
        Kind.TEXT,
        N_("Partner municipality"),
        N_("What is the name of the partner municipality abroad?"),
        N_("Cape Coast Metropolitan Assembly"),
    ),
    Question(
        "partner_country",
        Kind.COUNTRY,
        N_("Partner country"),
        N_("In which country is the partner municipality? Type its name."),
        PARTNER_COUNTRY_EXAMPLE,
        exclude_countries=frozenset({"DE"}),
    ),
    Question(
        "partnership_age",
        Kind.CHOICE,
        N_("Partnership exists for"),
        N_("How long has the partnership existed?"),
        options=(
            Option("starting", N_("Just starting, not yet formalised")),
            Option("lt2", N_("Less than 2 years")),
            Option("2to5", N_("2 to 5 years")),
            Option("5to10", N_("5 to 10 years")),
            Option("gt10", N_("More than 10 years")),
        ),
    ),
    Question(
        "expertise",
        Kind.TEXT,
        N_("Expertise needed"),
        N_("What expertise should the expert bring?"),
        N_("Solid waste management, municipal finance, citizen participation"),
        max_length=1500,
    ),
    Question(
        "tasks_goals",
        Kind.TEXT,
        N_("Tasks and goals"),
        N_("Which tasks should the expert take on, and what should be achieved in two years?"),
        N_("Set up a waste collection plan with the city's sanitation department; train staff."),
        max_length=2000,
    ),
    Question(
        "expert_model",
        Kind.CHOICE,
        N_("Preferred expert model"),
        N_(
            "Which expert model do you prefer? Integrated expert: European, key position in the "
            "partner administration. Development worker: European, advises through GIZ. Local "
            "expert: from the partner country. (/models compares them.)"
        ),
        options=(*EXPERT_MODELS, NOT_SURE),
        extra=(advisor.HELP_ME_CHOOSE,),
    ),
    *CONTACT,
)

VERWALTUNGSPARTNERSCHAFT = (
    Question(
        "authority_level",
        Kind.CHOICE,
        N_("Level of the German authority"),
        N_("Is the German authority a federal or a state authority?"),
        options=(Option("federal", N_("Federal")), Option("state", N_("State (Land)"))),
        columns=2,
    ),
    Question(
        "german_state",
        Kind.CHOICE,
        N_("Federal state"),
        N_("Which federal state?"),
        options=FEDERAL_STATES,
        columns=2,
        applies=_wants_state,
    ),
    Question(
        "german_authority",
        Kind.TEXT,
        N_("German authority"),
        N_("What is the name of the German authority?"),
        N_("Federal Statistical Office"),
    ),
    Question(
        "partner_authority",
        Kind.TEXT,
        N_("Partner authority"),
        N_("What is the name of the partner authority abroad?"),
        N_("National Statistics Office"),
    ),
    Question(
        "partner_country",
        Kind.COUNTRY,
        N_("Partner country"),
        N_("In which country is the partner authority? Type its name."),
        PARTNER_COUNTRY_EXAMPLE,
        exclude_countries=frozenset({"DE"}),
    ),
    Question(
        "topics",
        Kind.TEXT,
        N_("Topics"),
        N_("Which topics should the partnership work on?"),
        N_("Census methodology, data protection in official statistics"),
        max_length=1500,
    ),
    Question(
        "goals",
        Kind.MULTI,
        N_("Goals"),
        N_("Which of the programme's goals does the partnership pursue?"),
        options=(
            Option("efficient_authorities", N_("Build efficient authorities")),
            Option("laws_procedures", N_("Adapt and apply laws, rules and procedures")),
            Option("training", N_("Train the partner's staff")),
            Option("german_practice", N_("Closeness to German administrative practice")),
            Option("bilateral_exchange", N_("Strengthen bilateral institutional exchange")),
        ),
    ),
    Question(
        "methods",
        Kind.MULTI,
        N_("Methods"),
        N_("Which methods are planned?"),
        options=(
            Option("advice", N_("Advice")),
            Option("trainings", N_("Trainings")),
            Option("conferences", N_("Conferences")),
            Option("workshops", N_("Workshops")),
            Option("study_trips", N_("Study trips")),
        ),
        columns=2,
    ),
    Question(
        "duration",
        Kind.CHOICE,
        N_("Planned duration"),
        N_("How long should the partnership run?"),
        options=(
            Option("lt6m", N_("Up to 6 months")),
            Option("6to12m", N_("6 to 12 months")),
            Option("1to2y", N_("1 to 2 years")),
            Option("gt2y", N_("More than 2 years")),
        ),
        columns=2,
    ),
    Question(
        "letter_of_intent",
        Kind.CHOICE,
        N_("Letter of intent"),
        N_("Is there a letter of intent between the two authorities?"),
        options=(
            Option("yes", N_("Yes")),
            Option("in_preparation", N_("In preparation")),
            Option("no", N_("No")),
        ),
    ),
    Question(
        "sdgs",
        Kind.MULTI,
        N_("SDGs"),
        N_("Which Sustainable Development Goals does the partnership contribute to?"),
        options=SDGS,
        columns=2,
    ),
    Question(
        "do_no_harm",
        Kind.TEXT,
        N_("Do No Harm"),
        N_("Do No Harm: what could the partnership unintentionally harm, and how do you avoid it?"),
        N_("We check that new procedures do not exclude people without internet access."),
        max_length=1500,
        optional=True,
    ),
    Question(
        "gender_diversity",
        Kind.TEXT,
        N_("Gender and diversity"),
        N_("Gender and diversity: how will women and disadvantaged groups be included?"),
        N_("Half of the training places are reserved for women."),
        max_length=1500,
        optional=True,
    ),
    *CONTACT,
)
