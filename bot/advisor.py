"""Which expert model fits a partnership: the advisor's questions and its pure recommendation.

`recommend(answers, rules)` depends on nothing but its arguments: the same answers and country
rules always give the same recommendation. A model the rules call not possible is never
recommended, nor one that an answer rules out (what each model is comes from the programme's
brochure, shared/seeds/fachkraeftefonds-kommunale-partnerschaften.txt); when no model is left,
there is no recommendation and the result points to the programme's coordination. Texts are
msgids, translated where they are shown (in the reader's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import N_, preference
from bot.questions import Option
from bot.vocabulary import EXPERT_MODELS

INTEGRATED = "integrated"
DEVELOPMENT_WORKER = "development_worker"
LOCAL = "local"
# The order also breaks ties: the same answers always rank the models the same way.
MODELS = (INTEGRATED, DEVELOPMENT_WORKER, LOCAL)
MODEL_LABELS = {option.value: option.label for option in EXPERT_MODELS}

POSSIBLE = "possible"
NOT_POSSIBLE = "not_possible"
TO_BE_CONFIRMED = "to_be_confirmed"
STATUSES = (POSSIBLE, NOT_POSSIBLE, TO_BE_CONFIRMED)
STATUS_LABELS = {
    POSSIBLE: N_("possible"),
    NOT_POSSIBLE: N_("not possible"),
    TO_BE_CONFIRMED: N_("to be confirmed"),
}

# The advisor's questions: key -> the options a person can choose (value, label msgid).
POSITION = (
    Option("inside", N_("A key position inside the partner administration")),
    Option("alongside", N_("Advice from alongside the administration")),
    Option("either", N_("Either / not sure")),
)
BACKGROUND = (
    Option("european", N_("European experience")),
    Option("local", N_("Local knowledge and language")),
    Option("either", N_("Both matter / not sure")),
)
CONTRACT = (
    Option("yes", N_("Yes, it can")),
    Option("no", N_("No, it cannot")),
    Option("unsure", N_("We don't know yet")),
)
FOCUS = (
    Option("strategic", N_("Strategic")),
    Option("methodological", N_("Methodological and organisational")),
    Option("implementation", N_("Hands-on implementation")),
)
CHOICES: dict[str, tuple[Option, ...]] = {
    "position": POSITION,
    "background": BACKGROUND,
    "contract": CONTRACT,
    "focus": FOCUS,
}
COUNTRY = "country"
# The button at the expression of interest's expert-model question that starts the advisor.
HELP_ME_CHOOSE = Option("advisor", N_("🧭 Help me choose"))

# What an answer says for (or against) a model: (points, reason msgid) per model.
# A reason is shown as "because you said: <reason>".
_R_INSIDE = N_("the expert should hold a key position inside the partner administration")
_R_INSIDE_LOCAL = N_(
    "the expert should work inside the partner administration (a local expert is employed by the partner municipality)"
)
_R_ALONGSIDE = N_("the expert should advise the administration from alongside it")
_R_EUROPEAN = N_("European experience matters most")
_R_LOCAL = N_("local knowledge and the local language matter most")
_R_CONTRACT_YES = N_("the partner municipality can offer a local employment contract")
_R_CONTRACT_NO = N_(
    "the partner municipality cannot offer a local employment contract (a development worker's contract and pay come through GIZ)"
)
_R_STRATEGIC = N_("the focus is strategic")
_R_METHODS = N_("the focus is methodological and organisational development")
_R_HANDS_ON = N_("the focus is hands-on implementation")

WEIGHTS: dict[tuple[str, str], dict[str, tuple[int, str]]] = {
    ("position", "inside"): {INTEGRATED: (3, _R_INSIDE), LOCAL: (1, _R_INSIDE_LOCAL)},
    ("position", "alongside"): {DEVELOPMENT_WORKER: (3, _R_ALONGSIDE)},
    ("background", "european"): {
        INTEGRATED: (2, _R_EUROPEAN),
        DEVELOPMENT_WORKER: (2, _R_EUROPEAN),
    },
    ("background", "local"): {LOCAL: (4, _R_LOCAL)},
    ("contract", "yes"): {INTEGRATED: (1, _R_CONTRACT_YES), LOCAL: (1, _R_CONTRACT_YES)},
    ("contract", "no"): {DEVELOPMENT_WORKER: (3, _R_CONTRACT_NO)},
    ("focus", "strategic"): {INTEGRATED: (2, _R_STRATEGIC)},
    ("focus", "methodological"): {DEVELOPMENT_WORKER: (2, _R_METHODS)},
    ("focus", "implementation"): {LOCAL: (2, _R_HANDS_ON), INTEGRATED: (1, _R_HANDS_ON)},
}
# Integrated and local experts are employed by the partner municipality on a local contract.
_NEEDS_LOCAL_CONTRACT = (INTEGRATED, LOCAL)
_C_NO_CONTRACT = N_(
    "it needs a local employment contract from the partner municipality, which you said it cannot offer"
)
_C_UNSURE_CONTRACT = N_(
    "it needs a local employment contract from the partner municipality — please find out whether one is possible"
)
_NO_CONTRACT_PENALTY = 5

# What an answer rules out (the brochure's facts about each model): integrated experts are
# Europeans in a key position of the partner municipality, on its local contract; development
# workers are Europeans who advise it, contract and pay through GIZ; local experts come from the
# partner country and have a local contract. A model ruled out is never recommended.
_X_KEY_POSITION = N_(
    "it works in a key position inside the partner administration, and you said the expert should advise it from alongside"
)
_X_EUROPEAN = N_(
    "it is a European expert, and you said local knowledge and the local language matter most"
)
_X_FROM_COUNTRY = N_(
    "it is an expert from the partner country, and you said European experience matters most"
)
RULED_OUT: dict[tuple[str, str], dict[str, str]] = {
    ("position", "alongside"): {INTEGRATED: _X_KEY_POSITION},
    ("background", "european"): {LOCAL: _X_FROM_COUNTRY},
    ("background", "local"): {INTEGRATED: _X_EUROPEAN, DEVELOPMENT_WORKER: _X_EUROPEAN},
    ("contract", "no"): {INTEGRATED: _C_NO_CONTRACT, LOCAL: _C_NO_CONTRACT},
}


@dataclass(frozen=True)
class Rule:
    """Whether a model is possible in a country, with the reason per language."""

    status: str = TO_BE_CONFIRMED
    reasons: Mapping[str, str] = field(default_factory=dict, hash=False)  # language -> why

    def reason(self, language: str) -> str | None:
        """The reason in the reader's language; missing there, in English, then in German."""
        return next(
            (self.reasons[lang] for lang in preference(language) if self.reasons.get(lang)), None
        )


@dataclass(frozen=True)
class Recommendation:
    """The advisor's result for one set of answers and one country's rules."""

    best: str | None
    runner_up: str | None
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model -> msgids
    cautions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model -> msgids
    impossible: dict[str, Rule] = field(default_factory=dict)  # model -> its rule
    to_confirm: tuple[str, ...] = ()  # possible models whose rule is "to be confirmed"
    scores: dict[str, int] = field(default_factory=dict)
    # Models the answers rule out (possible in the country or not yet known): why, as msgids.
    ruled_out: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """What is stored with the advisor's session."""
        return {
            "best": self.best,
            "runner_up": self.runner_up,
            "impossible": sorted(self.impossible),
            "to_confirm": list(self.to_confirm),
            "scores": dict(self.scores),
            "ruled_out": sorted(self.ruled_out),
        }


def reasons_for(answers: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """For each model, the reasons (msgids) the answers give for it, in question order."""
    found: dict[str, list[str]] = {model: [] for model in MODELS}
    for key in CHOICES:
        for model, (_points, reason) in WEIGHTS.get((key, answers.get(key, "")), {}).items():
            found[model].append(reason)
    return {model: tuple(reasons) for model, reasons in found.items()}


def ruled_out_by(answers: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """For each model, why the answers rule it out (msgids, in question order; empty: they don't)."""
    found: dict[str, list[str]] = {model: [] for model in MODELS}
    for key in CHOICES:
        for model, why in RULED_OUT.get((key, answers.get(key, "")), {}).items():
            found[model].append(why)
    return {model: tuple(why) for model, why in found.items()}


def _cautions(answers: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    contract = answers.get("contract", "")
    caution = {"no": _C_NO_CONTRACT, "unsure": _C_UNSURE_CONTRACT}.get(contract)
    return {
        model: (caution,) if caution and model in _NEEDS_LOCAL_CONTRACT else () for model in MODELS
    }


def _scores(answers: Mapping[str, Any]) -> dict[str, int]:
    scores = dict.fromkeys(MODELS, 0)
    for key in CHOICES:
        for model, (points, _reason) in WEIGHTS.get((key, answers.get(key, "")), {}).items():
            scores[model] += points
    if answers.get("contract") == "no":
        for model in _NEEDS_LOCAL_CONTRACT:
            scores[model] -= _NO_CONTRACT_PENALTY
    return scores


def recommend(answers: Mapping[str, Any], rules: Mapping[str, Rule]) -> Recommendation:
    """The best and second-best model that the country's rules and the answers allow, with the
    reasons; no best when none is left.

    A model missing from rules counts as "to be confirmed". Ties go to the model whose rule is
    confirmed, then to the order of MODELS. A runner-up is only named with reasons for it.
    """
    rule_of = {model: rules.get(model, Rule()) for model in MODELS}
    impossible = {m: rule for m, rule in rule_of.items() if rule.status == NOT_POSSIBLE}
    ruled_out = {m: why for m, why in ruled_out_by(answers).items() if why and m not in impossible}
    scores = _scores(answers)
    reasons = reasons_for(answers)
    candidates = [m for m in MODELS if m not in impossible and m not in ruled_out]
    ranked = sorted(
        candidates,
        key=lambda m: (-scores[m], rule_of[m].status != POSSIBLE, MODELS.index(m)),
    )
    best = ranked[0] if ranked else None
    runner_up = next((m for m in ranked[1:] if reasons[m]), None)
    to_confirm = tuple(
        m for m in (best, runner_up) if m is not None and rule_of[m].status == TO_BE_CONFIRMED
    )
    return Recommendation(
        best=best,
        runner_up=runner_up,
        reasons=reasons,
        cautions=_cautions(answers),
        impossible=impossible,
        to_confirm=to_confirm,
        scores=scores,
        ruled_out=ruled_out,
    )


def explanation(answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """For a coordinator's notice: what the advisor recommended and why (msgids), or None.

    answers are a submission's answers; the advisor's own answers are under advisor_answers.
    """
    given = answers.get("advisor_answers")
    if not given:
        return None
    best = answers.get("advisor_recommendation")
    chosen = [
        (_QUESTION_LABELS[key], option.label)
        for key, options in CHOICES.items()
        for option in options
        if given.get(key) == option.value
    ]
    return {
        "recommended": MODEL_LABELS.get(best) if best else None,
        "reasons": list(reasons_for(given).get(best, ())) if best else [],
        "country": given.get(COUNTRY),
        "answers": chosen,
    }


# Short labels of the advisor's questions, for the coordinator's notice.
_QUESTION_LABELS = {
    "position": N_("Position"),
    "background": N_("Experience"),
    "contract": N_("Local employment contract"),
    "focus": N_("Focus of the work"),
}
