"""Policy presets: named settings of the levers in `model.parameters`.

Each policy is a dict of lever values over the same defaults; `baseline_2013`
is the defaults themselves. Sources cite the study (Mr. Hans van Mierlo Stichting, 2018, *Van
nieuwkomer naar Nederlander*) by section, box (kader) and note of chapter 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.parameters import DEFAULTS, PARAMS, Value


@dataclass(frozen=True)
class Policy:
    """A named policy: lever values and the study's argument for them."""

    name: str
    title: str
    levers: dict[str, Value] = field(default_factory=dict)
    description: str = ""

    def values(self) -> dict[str, Value]:
        """All parameter values of this policy (defaults overridden by levers)."""
        return {**DEFAULTS, **self.levers}

    def difference(self) -> dict[str, Value]:
        """Levers that differ from `baseline_2013`."""
        return {k: v for k, v in self.levers.items() if DEFAULTS[k] != v}


_EARLY = {"language_from_arrival": True}
_TWO_TRACK = {
    "language_from_arrival": True,
    "azc_activities": True,
    "work_access_month": 0,
    "asylum_earnings_kept": 0.75,
    "personal_plan": True,
    "plan_gender_attention": True,
    "municipal_direction": True,
}
_STARTPUNTEN = {"startpunten_per_municipality": 2}
_REDUCED_FINES = {"fine_eur": 0.0, "positive_incentives": True, "benefit_sanction": True}
_WET_2021 = {
    "personal_plan": True,
    "municipal_direction": True,
    "exam_level": "B1",
    "exam_rules": "2021",
    "benefit_sanction": True,
}

_POLICY_LIST = [
    Policy(
        "baseline_2013",
        "The 2013 civic-integration law",
        {},
        "Integration starts only after the permit; the asylum wait is 'costly, wasted "
        "time' (study §3.2 Probleem 1, notes 54 and 55). Newcomers find and pay a course on a privatised market "
        "of uneven quality with a DUO loan, forgiven only if they pass the A2 exam within "
        "three years (study §3.2 Probleem 1, note 57); failing brings a fine of up to "
        "EUR 1,250 and repayment (study §3.2 Probleem 1). Courses three times a week keep "
        "people from full-time work (study §3.2 Probleem 3); asylum seekers may work only after six "
        "months and hand most earnings to COA (study kader 3.9). Municipalities have "
        "no integration role (study §3.2 Probleem 3, notes 64 and 65).",
    ),
    Policy(
        "early_language",
        "Early language access in the reception centre",
        _EARLY,
        "Language lessons start in the reception centre from arrival, at least for "
        "asylum seekers with good prospects (kansrijk), so that the wait has value "
        "(study §3.4 I, notes 71–73, kader 3.5). Everything after the permit stays "
        "as in 2013. Relocations still break lessons off.",
    ),
    Policy(
        "two_track",
        "Two tracks with a personal integration plan",
        _TWO_TRACK,
        "Track 1 in the reception centre: language and skills courses, small volunteering "
        "projects and earlier access to work on fair terms (study §3.4 I and III, notes 71–73). "
        "Track 2 from the permit on: a personal plan made with each newcomer after a "
        "capacity scan (kader 3.6), combining language, work and education at "
        "the same time: fast track and diploma recognition for the highly educated, "
        "literacy classes and volunteering for those who cannot read, childcare for women "
        "with care duties (study §3.4 I, note 74). Municipalities direct the plan and supervise "
        "course quality (study §3.4 III).",
    ),
    Policy(
        "startpunten",
        "Local startpunten open to everyone",
        _STARTPUNTEN,
        "Two physical, low-threshold hubs in every municipality, near shops and schools, "
        "open to every inhabitant: newcomers, low-literate natives (note 76) and unemployed "
        "residents. They offer language courses, work guidance and placements with local "
        "employers, and a meeting place and volunteer portal (study §3.4 II and "
        "kader 3.7). Distance matters: people use a startpunt that is near.",
    ),
    Policy(
        "reduced_fines",
        "Fewer fines, positive incentives",
        _REDUCED_FINES,
        "Co-operating stays compulsory, but fines are dropped in favour of positive "
        "incentives: a follow-up course towards further education and more time for those "
        "who work or study (study §3.4 I and III). Only proven non-co-operation by "
        "someone on welfare leads to a benefit cut. Contributions must not create "
        "problematic debt (study §3.4 III).",
    ),
    Policy(
        "all_proposals",
        "The study's full package",
        {**_TWO_TRACK, **_STARTPUNTEN, **_REDUCED_FINES, "employer_subsidy": 0.25},
        "All proposals together: two tracks with early language and a personal plan, "
        "startpunten in every municipality, fewer fines with positive incentives, and "
        "local direction in which municipalities subsidise employers who offer a "
        "workplace (study §3.4 III, note 84; and the study's summary 'Hoofdpunten H. 3').",
    ),
    Policy(
        "wet_inburgering_2021",
        "The civic-integration law of 2021 (in force 2022)",
        _WET_2021,
        "The law the Netherlands adopted later (Wet inburgering 2021, in force from "
        "January 2022). Assumed here: municipalities make a personal plan (PIP) after a "
        "broad intake and buy and supervise the courses (no DUO loan for asylum "
        "migrants); the target level is B1, lowered to A2 after 600 hours of lessons, and there "
        "is no exemption for effort; fines of up to EUR 1,250 remain; the "
        "municipality may cut welfare for non-co-operation. Not modelled: the 'Z-route' "
        "for those who cannot reach B1 and the pre-integration that COA offers after the "
        "permit. It adopts track 2 of the study (study §3.4 I, note 74) and its call for local direction "
        "(study §3.4 III), but not track 1, startpunten or fewer fines (study §3.4 I, II and kader 3.7).",
    ),
    Policy(
        "municipal_levers",
        "What a municipality can add under the 2021 law",
        {**_WET_2021, "plan_gender_attention": True, "startpunten_per_municipality": 1, "employer_subsidy": 0.25},
        "The 2021 law with every lever a municipality itself sets turned up, and nothing the Rijk or COA "
        "decides: the personal plan (PIP) gives gender-specific attention (childcare for parents of young "
        "children, outreach to women who do not look for work); the municipality directs and supervises "
        "the courses it buys; one startpunt open to every inhabitant (study §3.4 II, kader 3.7); a "
        "wage-cost subsidy of a quarter of the wage in a job's first year to employers who hire a "
        "newcomer (Participatiewet art. 10d; study §3.4 III, note 84); a benefit cut only for proven "
        "non-co-operation. Left as the law sets them: lessons and activities in the azc, the right to "
        "work during the asylum procedure and what asylum seekers keep of their pay (COA and the Rijk), "
        "the exam level, rules and fines (DUO).",
    ),
]

POLICIES: dict[str, dict[str, Value]] = {p.name: dict(p.levers) for p in _POLICY_LIST}
POLICY_INFO: dict[str, Policy] = {p.name: p for p in _POLICY_LIST}

for _policy in _POLICY_LIST:  # guard against typos in lever names at import time
    for _name in _policy.levers:
        assert PARAMS[_name].lever, f"{_policy.name} sets {_name}, which is not a lever"
        assert _policy.levers[_name] in PARAMS[_name].search.values(PARAMS[_name]), \
            f"{_policy.name}: {_name} lies off its searched grid (model.parameters, search=)"


def unknown_policy_message(name: str) -> str:
    """One line naming an unknown policy and the allowed names."""
    return f"unknown policy {name!r}; choose one of: {', '.join(POLICIES)}"
