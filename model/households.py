"""Households: who lives with whom, who follows later, who cares for young children.

Newcomers belong to households: single, couple, couple with children, single
parent. Partners arrive together (one asylum procedure) or one comes first
and the other follows as a family member (*nareiziger*) once the first has a
permit: the family-reunification procedure takes months, the family member gets
a permit on arrival and joins the partner's home, or waits with them for one
(the same housing queue, `model.asylum.house`). Children are not agents; a
household knows when its youngest child was born, and more are born here.

A young child (under school age; for a single parent, under twelve) needs care. In a couple the care falls to the
mother (the role division the Dutch studies report, Razenberg, Kahmann & de
Gruijter 2018), in a one-parent family to the parent. Childcare lifts it: some
carers find a place on their own (``childcare_access``), and a personal plan
with gender-specific attention arranges one (`model.plans`). ``care_duties``
is this month's result: a carer with a child under school age and no
childcare. Labour reads it (less search, fewer hours), the exam reads it
(attendance, an extension after a birth).

Some women in a couple do not look for paid work at all while their partner is
here (``homemaker``: role expectations in the household, the reason named
beside care in every Dutch study of refugee women). A plan's gender-specific
attention reaches some of them, and the role loosens slowly with time.

Sources of the composition and rates: ``docs/ODD.md`` (7.x Households).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import flatnonzero
from model.population import Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("childcare_access", "share_homemaker")

HOUSEHOLD_KINDS = ("single", "couple", "couple with children", "single parent")  # in the tables' and the app's order
SINGLE, COUPLE, COUPLE_WITH_CHILDREN, SINGLE_PARENT = range(len(HOUSEHOLD_KINDS))
NO_CHILD = -(10**6)  # youngest_child_month of a household without children

SHARE_FEMALE_APPLICANTS = 0.3  # women among adult first applicants: 25% in 2015 (CBS), more in 2016-2017 (assumption between); more come as nareizigers
SHARE_WOMEN_WITH_PARTNER = 0.6  # women applicants who arrive together with their partner (assumption)
SHARE_MEN_PARTNER_FOLLOWS = 0.45  # men applicants without a partner here whose partner follows (CBS, IND: nareizigers)
SHARE_WOMEN_PARTNER_FOLLOWS = 0.05  # women applicants whose partner follows (assumption: rare)
CHILDREN_IN_COUPLE = 0.7  # couples with children (SCP 2018: most Syrian permit holders in a couple have children)
CHILDREN_SINGLE_WOMAN = 0.45  # women applicants without a partner who come with children: single parents (assumption)
YOUNGEST_CHILD_YEARS = (0.0, 8.0)  # age of the youngest child on arrival, uniform (assumption: young families; 40% of Syrian arrivals were under 18, CBS 2016)
SCHOOL_AGE_MONTHS = 48  # children go to school at four in the Netherlands; before that they need care
SINGLE_PARENT_CARE_MONTHS = 144  # a single parent cares alone until the youngest is twelve: school hours, little after-school care (assumption)
FOLLOW_DELAY_MONTHS = 8.0  # mean months from the sponsor's permit to the family's arrival (IND decision and travel)
FOLLOW_DELAY_SHAPE = 4.0  # Gamma shape of that delay: most within half a year to a year (assumption)
PARTNER_AGE_GAP = 3.0  # the woman is on average this much younger than her partner (assumption)
PARTNER_AGE_SPREAD = 4.0  # sd of the partner's age around that (assumption)
BIRTHS_PER_YEAR = 0.18  # births per woman-year in a couple here, below 45 (assumption: CBS counted some 4,000 births a year to about 25,000 Syrian women of 15-49 in 2017-2018)
FERTILE_AGE = 45.0  # no births from this age
HOMEMAKER_BY_EDUCATION = (1.3, 1.1, 0.8, 0.5)  # relative chance of the homemaker role, by education (assumption)
ROLE_CHANGE_PER_YEAR = 0.03  # share of homemakers who start looking for work each year without help (assumption)

# Who lives with whom (see model.state).
NEWCOMER_STATE = {
    "partner": StateColumn(np.int64, -1, "row of the partner here (-1: none, or not yet arrived)", "row"),
    "household_kind": StateColumn(np.int8, SINGLE, "single, couple, couple with children, single parent",
                                  "household kind 0-3"),
    "nareiziger": StateColumn(np.bool_, False, "joined a permit holder as a family member (family reunification)",
                              "true/false"),
    "partner_follows_months": StateColumn(np.int32, -1, "months after their permit that the partner follows "
                                          "(-1: nobody follows)", "months"),
    "partner_due_month": StateColumn(np.int32, -1, "model month the partner is due (-1: none due)", "model month"),
    "children_follow": StateColumn(np.bool_, False, "their children come with the partner who follows", "true/false"),
    "youngest_child_month": StateColumn(np.int32, NO_CHILD, "model month the youngest child here was born",
                                        "model month"),
    "carer": StateColumn(np.bool_, False, "cares for the household's children", "true/false"),
    "has_childcare": StateColumn(np.bool_, False, "has childcare for a child under school age", "true/false"),
    "care_duties": StateColumn(np.bool_, False, "cares for a child under school age without childcare",
                               "true/false"),
    "homemaker": StateColumn(np.bool_, False, "does not look for paid work while the partner is here "
                             "(role expectations)", "true/false"),
}


def draw_households(model: IntegrationModel, rows: slice, female: np.ndarray) -> None:
    """Give arriving asylum applicants a household: a partner with them, one who follows, children.

    Drawn from the population stream (the same households under every policy).
    """
    nc, rng = model.nc, model.population_rng
    k = female.size
    partner = pair_couples(rng, female) + rows.start
    together = partner >= rows.start
    nc.partner[rows] = np.where(together, partner, -1)
    follows = ~together & (rng.random(k) < np.where(female, SHARE_WOMEN_PARTNER_FOLLOWS, SHARE_MEN_PARTNER_FOLLOWS))
    delay = rng.gamma(FOLLOW_DELAY_SHAPE, FOLLOW_DELAY_MONTHS / FOLLOW_DELAY_SHAPE, k)
    nc.partner_follows_months[rows] = np.where(follows, np.maximum(1, np.rint(delay)), -1).astype(np.int32)
    in_couple = together | follows
    children = rng.random(k) < np.where(in_couple, CHILDREN_IN_COUPLE, np.where(female, CHILDREN_SINGLE_WOMAN, 0.0))
    # A couple arriving together shares one draw: the first of the two decides.
    lead = np.where(together, np.minimum(np.arange(k) + rows.start, partner), np.arange(k) + rows.start) - rows.start
    children = children[lead]
    youngest = model.month - np.rint(12 * rng.uniform(*YOUNGEST_CHILD_YEARS, k)[lead]).astype(np.int32)
    nc.household_kind[rows] = np.where(in_couple, np.where(children, COUPLE_WITH_CHILDREN, COUPLE),
                                       np.where(children, SINGLE_PARENT, SINGLE))
    # Children are with their mother: with a woman here, or later with the partner who follows.
    with_them = children & (female | ~follows)
    nc.youngest_child_month[rows] = np.where(with_them, youngest, NO_CHILD)
    nc.children_follow[rows] = children & follows & ~female
    nc.carer[rows] = with_them & female
    nc.homemaker[rows] = female & together & (rng.random(k) < homemaker_chance(model, nc.education[rows]))
    nc.has_childcare[rows] = rng.random(k) < model.childcare_access


def pair_couples(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Pair women with men who arrive in the same month.

    Returns:
        For each arrival, the position (within the arrivals) of their partner, or -1.
    """
    partner = np.full(female.size, -1 - 10**9, dtype=np.int64)
    women = flatnonzero(female)
    men = rng.permutation(flatnonzero(~female))
    women = women[rng.random(women.size) < SHARE_WOMEN_WITH_PARTNER][: men.size]
    men = men[: women.size]
    partner[women], partner[men] = men, women
    return partner


def homemaker_chance(model: IntegrationModel, education: np.ndarray) -> np.ndarray:
    """Chance that a woman in a couple takes the homemaker role, by education (``share_homemaker`` on average)."""
    weight = np.take(HOMEMAKER_BY_EDUCATION, education)
    return np.minimum(1.0, model.share_homemaker * weight)


def schedule_partners(model: IntegrationModel, new_permits: np.ndarray) -> None:
    """New permit holders whose partner follows: the family is due some months from now."""
    nc = model.nc
    who = new_permits[nc.partner_follows_months[new_permits] > 0]
    nc.partner_due_month[who] = model.month + nc.partner_follows_months[who]


def sponsors_due(model: IntegrationModel) -> np.ndarray:
    """Permit holders whose partner arrives this month (sorted rows)."""
    nc = model.nc
    return flatnonzero((nc.partner_due_month == model.month) & (nc.phase != Phase.DEPARTED))


def join_sponsors(model: IntegrationModel, rows: slice, sponsors: np.ndarray) -> None:
    """The partners who follow arrive: a permit at once, the sponsor's household, and their home or queue.

    Their own traits are drawn by `model.asylum.draw_person` before this.
    """
    nc, rng = model.nc, model.population_rng
    k = sponsors.size
    joined = np.arange(rows.start, rows.stop)
    nc.partner[joined], nc.partner[sponsors] = sponsors, joined
    nc.partner_due_month[sponsors] = -1
    nc.nareiziger[joined] = True
    nc.household_kind[joined] = nc.household_kind[sponsors]
    female = nc.female[joined]
    age = nc.age_at_arrival[sponsors] + (model.month - nc.arrival_month[sponsors]) / 12.0
    gap = np.where(female, -PARTNER_AGE_GAP, PARTNER_AGE_GAP)
    nc.age_at_arrival[joined] = np.clip(age + gap + rng.normal(0.0, PARTNER_AGE_SPREAD, k), 18.0, 64.0)
    children = nc.children_follow[sponsors]
    youngest = model.month - np.rint(12 * rng.uniform(*YOUNGEST_CHILD_YEARS, k)).astype(np.int32)
    nc.youngest_child_month[joined] = np.where(children, youngest, NO_CHILD)
    nc.carer[joined] = children & female
    nc.homemaker[joined] = female & (rng.random(k) < homemaker_chance(model, nc.education[joined]))
    nc.has_childcare[joined] = rng.random(k) < model.childcare_access


def tend_children(model: IntegrationModel) -> None:
    """Births, childcare found, and who has care duties this month.

    A woman in a couple whose partner is here may have a child; a carer of a
    newborn finds childcare with ``childcare_access``, as on arrival. Care
    duties hold while the youngest child is under school age and there is no
    childcare.
    """
    nc, rng = model.nc, model.population_rng  # births: the same children under every policy
    present = nc.phase != Phase.DEPARTED
    partner_here = (nc.partner >= 0) & present
    fertile = nc.female & partner_here & (model.ages() < FERTILE_AGE) & (nc.phase >= Phase.AWAITING_HOUSING)
    born = flatnonzero(fertile & (rng.random(nc.n) < BIRTHS_PER_YEAR / 12.0))
    found_childcare = rng.random(born.size) < model.childcare_access
    if born.size:
        nc.youngest_child_month[born] = model.month
        nc.carer[born] = True
        nc.has_childcare[born] = found_childcare
        for who in (born, nc.partner[born]):
            nc.household_kind[who] = COUPLE_WITH_CHILDREN
    nc.care_duties[:] = young_child(model) & present & ~nc.has_childcare
    # The homemaker role loosens with time here, and does not outlast the partner's presence.
    change = nc.homemaker & (~partner_here | (model.rng.random(nc.n) < ROLE_CHANGE_PER_YEAR / 12.0))
    nc.homemaker[change] = False


def young_child(model: IntegrationModel, who: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Whether each of ``who`` cares for a child who needs them at home (with or without childcare).

    A child under school age; for a single parent, a child under twelve.
    """
    nc = model.nc
    age = model.month - nc.youngest_child_month[who]
    limit = np.where(nc.partner[who] >= 0, SCHOOL_AGE_MONTHS, SINGLE_PARENT_CARE_MONTHS)
    return nc.carer[who] & (age < limit)


def arrange_childcare(model: IntegrationModel, who: np.ndarray) -> None:
    """Childcare for ``who`` (a programme's help): their care duties end with this month's."""
    nc = model.nc
    carers = who[young_child(model, who)]
    nc.has_childcare[carers] = True
    nc.care_duties[carers] = False


def encourage_work(model: IntegrationModel, who: np.ndarray, chance: float) -> np.ndarray:
    """Homemakers among ``who`` who start looking for work this month with ``chance`` each (returns them)."""
    nc = model.nc
    homemakers = who[nc.homemaker[who]]
    start = homemakers[model.rng.random(homemakers.size) < chance]
    nc.homemaker[start] = False
    return start

