"""Welfare and public money: bijstand, reception, courses, plans, startpunten, childcare, subsidies; tax returned.

Bijstand tops up a housed permit holder's own net income to the social
minimum; any top-up counts as being on welfare (CBS). Public cost and fiscal
return are cumulative euros for the whole cohort; their difference between
policies is what an analyst compares. Each item has a payer (`COST_PAYERS`:
the municipality, the Rijk with COA, or DUO) with its financing rule; the
payers' net costs (`net_cost_by_payer`) add up to the net public cost. This is
bookkeeping over the same items: it changes no result.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from model.exam import BENEFIT_CUT_SHARE
from model.households import SCHOOL_AGE_MONTHS
from model.metric import Metric
from model.population import AZC_COURSE, PENSION_AGE, SUPERVISED_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("asylum_earnings_kept", "employer_subsidy")

BIJSTAND_NORM_EUR = 980.0  # monthly, single adult, net (2016: EUR 978.5 incl. holiday pay, rounded)
BIJSTAND_COUPLE_NORM_EUR = 1400.0  # monthly, a couple together, net (2016: EUR 1,397.9, rounded)
NET_SHARE = 0.85  # net of gross for low wages, with the work tax credit (assumption)
STUDENT_FINANCE_EUR_PER_MONTH = 800.0  # DUO student finance and school, public cost (assumption)
FISCAL_SHARE = 0.30  # taxes and premiums on gross earnings (assumption)
RECEPTION_EUR_PER_MONTH = 2000.0  # COA cost per occupant (COA annual report 2016: ~EUR 24,000 a year)
AZC_COURSE_EUR_PER_HOUR = 8.0  # lessons in the azc, partly by volunteers (assumption)
SUPERVISED_COURSE_EUR_PER_HOUR = 10.0  # a course bought by the municipality (assumption)
PLAN_INTAKE_EUR = 1500.0  # capacity scan and plan (assumption)
PLAN_CASE_EUR_PER_MONTH = 100.0  # case management per plan holder (assumption)
STARTPUNT_EUR_PER_MONTH = 15000.0  # rent, staff and courses of one hub (assumption)
PLACEMENT_EUR_PER_MONTH = 300.0  # coaching a placement (assumption)
SUBSIDY_MONTHS = 12  # the wage-cost subsidy runs for the first year of a job
CHILDCARE_EUR_PER_MONTH = 900.0  # public cost of a childcare place for a child under four (assumption: a full-time place costs about EUR 1,100 a month; the allowance pays most of it at low incomes)

# Bijstand (see model.state).
NEWCOMER_STATE = {
    "on_welfare": StateColumn(np.bool_, False, "receives bijstand (in full or as a top-up)", "true/false"),
}

#: Bijstand and the public purse, as outcomes (see `model.metric`; the costs are `Costs`, below).
OUTCOMES = (
    Metric("share_on_welfare", "On welfare (bijstand)", "share", True, -1, chart="welfare",
           per_newcomer=lambda t: t["on_welfare"], reads=("on_welfare",)),
    Metric("public_cost_eur", "Public cost, cumulative", "EUR", True, -1,
           of_model=lambda model: model.costs.public_cost),
    Metric("fiscal_return_eur", "Taxes and premiums from newcomers' earnings, cumulative", "EUR", True, +1,
           of_model=lambda model: model.costs.fiscal_return),
)


def welfare_top_up(earnings, partner_earnings, in_couple, housed, adult, cut) -> np.ndarray:
    """Bijstand paid this month to each newcomer's household, per adult (0 if not entitled).

    Bijstand is a household benefit: a couple gets the couple norm minus both
    incomes, split between the two; a single adult the single norm minus theirs.
    """
    in_couple = np.asarray(in_couple)
    net = NET_SHARE * (np.asarray(earnings) + np.where(in_couple, partner_earnings, 0.0))
    norm = np.where(in_couple, BIJSTAND_COUPLE_NORM_EUR, BIJSTAND_NORM_EUR)
    per_adult = np.maximum(0.0, norm - net) / np.where(in_couple, 2.0, 1.0)
    top_up = np.where(np.asarray(housed) & np.asarray(adult), per_adult, 0.0)
    return top_up * np.where(cut, 1.0 - BENEFIT_CUT_SHARE, 1.0)


@dataclass
class Costs:
    """Cumulative public cost and fiscal return, by item (EUR)."""

    reception: float = 0.0
    bijstand: float = 0.0
    courses: float = 0.0
    loans_forgiven: float = 0.0
    plans: float = 0.0
    startpunten: float = 0.0
    placements: float = 0.0
    subsidies: float = 0.0
    student_finance: float = 0.0
    childcare: float = 0.0
    fiscal_return: float = 0.0
    courses_in_azc: float = 0.0  # the part of `courses` given in the azc (paid by COA), not an item of its own

    @property
    def public_cost(self) -> float:
        """Everything the public pays, cumulative: every item but the fiscal return."""
        return sum(getattr(self, name) for name in COST_ITEMS)

    def loan_forgiven(self, amounts: np.ndarray) -> None:
        """DUO loans turned into gifts."""
        self.loans_forgiven += float(np.sum(amounts))

    def plans_started(self, n: int) -> None:
        """Intakes and capacity scans."""
        self.plans += PLAN_INTAKE_EUR * n

    def plan_casework(self, n: int) -> None:
        """A month of casework for ``n`` running plans of housed permit holders."""
        self.plans += PLAN_CASE_EUR_PER_MONTH * n


COST_ITEMS: tuple[str, ...] = tuple(f.name for f in fields(Costs) if f.name not in ("fiscal_return", "courses_in_azc"))
"""The items of public cost (every field of `Costs` but the fiscal return and the azc part of courses)."""

#: Who pays, in the reports' words (the Rijk includes COA, its reception agency).
PAYERS: dict[str, str] = {"municipality": "municipality", "rijk": "Rijk (incl. COA)", "duo": "DUO"}


@dataclass(frozen=True)
class Payer:
    """Who bears a cost item (or receives a revenue), by what financing rule, on what source."""

    payer: str  # a key of PAYERS
    rule: str
    source: str


#: Every item of `Costs` (and the azc part of courses, split off the municipality's courses) with its payer.
COST_PAYERS: dict[str, Payer] = {
    "reception": Payer("rijk", "COA's budget from the Ministry of Justice and Security, per occupant",
                       "COA annual report 2016; Rijksbegroting VI (J&V), article on reception"),
    "bijstand": Payer("municipality", "paid by the municipality under the Participatiewet from its BUIG grant; "
                      "the grant is a macro budget, so a municipality bears what it pays beyond it and keeps "
                      "what it saves", "Participatiewet art. 69; Besluit BUIG"),
    "courses": Payer("municipality", "courses bought and supervised by the municipality (Wet inburgering 2021), "
                     "from the Rijk's integration grant (a fixed sum per permit holder); under the 2013 law "
                     "newcomers bought their own with a DUO loan (see loans_forgiven)",
                     "Wet inburgering 2021 art. 6-9; Besluit inburgering 2021 (specifieke uitkering)"),
    "courses_in_azc": Payer("rijk", "lessons in the azc, organised and paid by COA (taken out of the "
                            "municipality's courses)", "COA: voorinburgering and activities in the azc"),
    "loans_forgiven": Payer("duo", "a DUO loan for the course, turned into a gift when the exam is passed "
                            "in time", "Wet inburgering 2013 art. 19; Besluit inburgering 2013"),
    "plans": Payer("municipality", "intake, capacity scan, personal plan (PIP) and case management, from "
                   "the Rijk's implementation grant in the gemeentefonds", "Wet inburgering 2021 art. 14-16"),
    "startpunten": Payer("municipality", "a municipal facility (the study proposes it locally, study "
                         "kader 3.7)", "assumption: no national grant"),
    "placements": Payer("municipality", "re-integration support (coaching a placement) from the "
                        "participation budget in the gemeentefonds", "Participatiewet art. 7, 10"),
    "subsidies": Payer("municipality", "wage-cost subsidy to employers under the Participatiewet, from the "
                       "participation budget", "Participatiewet art. 10d"),
    "student_finance": Payer("duo", "student finance and school for those who study", "Wet studiefinanciering 2000"),
    "childcare": Payer("rijk", "childcare allowance (kinderopvangtoeslag) paid by the Belastingdienst",
                       "Wet kinderopvang art. 1.5"),
    "fiscal_return": Payer("rijk", "income tax and national insurance premiums, and what asylum seekers "
                           "hand to COA (a revenue: it lowers the Rijk's net cost)", "Wet IB 2001; Rva 2005"),
}
assert set(COST_PAYERS) == {f.name for f in fields(Costs)}, "every item of Costs needs a payer"
assert {p.payer for p in COST_PAYERS.values()} <= set(PAYERS)


def net_cost_by_payer(costs: Costs) -> dict[str, float]:
    """Cumulative net cost per payer (EUR): its items minus its revenue; the values add up to
    ``costs.public_cost - costs.fiscal_return`` (the net public cost).

    The azc part of courses moves from the municipality to the Rijk.
    """
    out = dict.fromkeys(PAYERS, 0.0)
    for name, who in COST_PAYERS.items():
        value = getattr(costs, name)
        if name == "fiscal_return":
            out[who.payer] -= value
        elif name == "courses_in_azc":
            out[who.payer] += value
            out[COST_PAYERS["courses"].payer] -= value
        else:
            out[who.payer] += value
    return out


def pay_and_count(model: IntegrationModel, earnings: np.ndarray, attended_hours: np.ndarray) -> None:
    """Decide who is on welfare and add this month's public cost and return."""
    nc, costs = model.nc, model.costs
    phase = nc.phase
    adult = model.ages() < PENSION_AGE
    housed = phase == Phase.HOUSED
    students = nc.studying_months > 0
    costs.student_finance += STUDENT_FINANCE_EUR_PER_MONTH * int(np.count_nonzero(students))
    cut = nc.benefit_cut_months > 0
    partner = nc.partner
    in_couple = (partner >= 0) & housed & (nc.phase[np.maximum(partner, 0)] == Phase.HOUSED)
    top_up = welfare_top_up(earnings, earnings[np.maximum(partner, 0)], in_couple, housed & ~students, adult, cut)
    nc.on_welfare[:] = top_up > 0
    costs.bijstand += float(top_up.sum())
    costs.reception += RECEPTION_EUR_PER_MONTH * int(np.count_nonzero(phase <= Phase.AWAITING_HOUSING))
    kind = nc.course_kind
    in_azc = float(attended_hours[kind == AZC_COURSE].sum()) * AZC_COURSE_EUR_PER_HOUR
    costs.courses += in_azc
    costs.courses_in_azc += in_azc
    costs.courses += float(attended_hours[kind == SUPERVISED_COURSE].sum()) * SUPERVISED_COURSE_EUR_PER_HOUR
    costs.startpunten += STARTPUNT_EUR_PER_MONTH * len(model.world.startpunt_cells)
    costs.placements += PLACEMENT_EUR_PER_MONTH * int(np.count_nonzero(nc.placement_months > 0))
    in_childcare = nc.has_childcare & (model.month - nc.youngest_child_month < SCHOOL_AGE_MONTHS) & (phase != Phase.DEPARTED)
    costs.childcare += CHILDCARE_EUR_PER_MONTH * int(np.count_nonzero(in_childcare))
    new_job = nc.employed & (model.month - nc.job_start_month < SUBSIDY_MONTHS)
    costs.subsidies += model.employer_subsidy * float(earnings[new_job].sum())
    asylum = phase == Phase.ASYLUM
    handed_to_coa = np.where(asylum, (1.0 - model.asylum_earnings_kept) * NET_SHARE, 0.0)
    costs.fiscal_return += float(((FISCAL_SHARE + handed_to_coa) * earnings).sum())
