"""Lists the programmes share: federal states, SDGs, expert models (values and label msgids),
and the names by which one conversation reaches another through the contributions."""

from __future__ import annotations

from bot.i18n import N_
from bot.questions import Option

FEDERAL_STATES = (
    Option("BW", N_("Baden-Württemberg")),
    Option("BY", N_("Bavaria")),
    Option("BE", N_("Berlin")),
    Option("BB", N_("Brandenburg")),
    Option("HB", N_("Bremen")),
    Option("HH", N_("Hamburg")),
    Option("HE", N_("Hesse")),
    Option("MV", N_("Mecklenburg-Western Pomerania")),
    Option("NI", N_("Lower Saxony")),
    Option("NW", N_("North Rhine-Westphalia")),
    Option("RP", N_("Rhineland-Palatinate")),
    Option("SL", N_("Saarland")),
    Option("SN", N_("Saxony")),
    Option("ST", N_("Saxony-Anhalt")),
    Option("SH", N_("Schleswig-Holstein")),
    Option("TH", N_("Thuringia")),
)

SDGS = (
    Option("1", N_("1 No poverty")),
    Option("2", N_("2 Zero hunger")),
    Option("3", N_("3 Good health and well-being")),
    Option("4", N_("4 Quality education")),
    Option("5", N_("5 Gender equality")),
    Option("6", N_("6 Clean water and sanitation")),
    Option("7", N_("7 Affordable and clean energy")),
    Option("8", N_("8 Decent work and economic growth")),
    Option("9", N_("9 Industry, innovation, infrastructure")),
    Option("10", N_("10 Reduced inequalities")),
    Option("11", N_("11 Sustainable cities and communities")),
    Option("12", N_("12 Responsible consumption and production")),
    Option("13", N_("13 Climate action")),
    Option("14", N_("14 Life below water")),
    Option("15", N_("15 Life on land")),
    Option("16", N_("16 Peace, justice and strong institutions")),
    Option("17", N_("17 Partnerships for the goals")),
)

# The Fachkräftefonds' three expert models, and "not sure yet".
EXPERT_MODELS = (
    Option("integrated", N_("Integrated expert")),
    Option("development_worker", N_("Development worker")),
    Option("local", N_("Local expert")),
)
NOT_SURE = Option("unsure", N_("Not sure yet"))

PROGRAMMES = {
    "fkf": N_("Fachkräftefonds (expert fund for municipal partnerships)"),
    "vwp": N_("Verwaltungspartnerschaft (administrative partnership)"),
}

STATUSES = {
    "draft": N_("draft"),
    "revising": N_("being revised by you"),
    "submitted": N_("submitted"),
    "in_review": N_("in review"),
    "returned": N_("returned for changes"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
}

# The expression of interest's kind of form (its slot), and the name the advisor offers its help
# to that form under (bot.contributions: OpenForm.slot, Contribution.helpers).
INTEREST_SLOT = "interest"
ADVISOR_HELPER = "advisor"
# How a partner country is typed, for every question that asks for one.
PARTNER_COUNTRY_EXAMPLE = N_("Ghana — or part of the name, e.g. “Gha”")

# The common reasons for returning or declining a submission, by the code stored with the
# decision (and in the audit trail).
RETURN_REASONS = {
    "missing": N_("Information missing"),
    "not_eligible": N_("Not eligible for this programme"),
    "country_model": N_("Partner country not possible for this expert model"),
    "duplicate": N_("Duplicate"),
}
