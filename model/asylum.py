"""Asylum: arrival, waiting for a decision, relocations, permit, housing.

Sources: waiting time study note 54; relocations about once a year,
each breaking off courses, activities and ties (note 56);
housing by municipal quota (taakstelling, population share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import households, housing, reception
from model.capacity import first_in_line, in_agents, per_month
from model.fastnp import clip, flatnonzero
from model.labour import end_placements, lose_jobs
from model.language import stop_course
from model.population import AZC_COURSE, NO_COURSE, Education, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "asylum_wait_months", "decisions_per_month", "diploma_recognition_rate", "exam_deadline_months",
    "extra_course_hours", "housing_wait_months", "recognition_rate", "relocation_rate_per_year",
    "share_kansrijk", "share_outside_labour_force", "share_trauma",
)

WAIT_SHAPE = 3.0  # Gamma shape of the asylum wait: most wait about the mean, some far longer
KANSRIJK_RECOGNITION = 0.95  # assumption: good prospects are nearly always granted
RELOCATION_TIE_LOSS = 0.3  # share of tie strength kept after moving away
RELOCATION_COURSE_GAP = 2  # months before lessons resume at the new centre
HOUSING_WAIT_SHAPE = 2.0  # Gamma shape of the wait for a house: a long right tail (assumption)
# Newcomer composition (SCP 2018, 'Syrische statushouders op weg in Nederland'; see docs/ODD.md)
EDUCATION_SHARES = {False: (0.15, 0.33, 0.28, 0.24), True: (0.24, 0.36, 0.24, 0.16)}  # men, women: none, low, middle, high
ILLITERATE_SHARE = {False: (0.5, 0.08, 0.02, 0.0), True: (0.7, 0.15, 0.03, 0.0)}  # men, women: by education
FAMILY_MEMBER_REGISTRATION_MONTHS = 1  # a family member who follows spends a month in reception (COA) first
SHARE_NOT_COOPERATIVE = 0.08  # assumption: a small group does not co-operate without pressure
AGE_RANGE = (18.0, 58.0)  # adults at arrival, uniform (assumption; mostly young adults)
ARRIVAL_WELLBEING = (0.6, 0.1)  # mean and sd of wellbeing on arrival, before trauma (assumption)
TRAUMA_WELLBEING_TOLL = 0.15  # wellbeing on arrival lost with the heaviest trauma (assumption)
WELLBEING_FLOOR = 0.05  # nobody starts without any wellbeing to draw on

# The person who arrives, and where they are on the path (see model.state).
NEWCOMER_STATE = {
    "uid": StateColumn(np.int64, -1, "unique_id of the newcomer's Mesa agent", "id"),
    "phase": StateColumn(np.int8, Phase.ASYLUM, "where on the path: asylum, awaiting a house, housed, departed", "Phase"),
    "arrival_month": StateColumn(np.int32, 0, "model month of arrival", "model month"),
    "decision_month": StateColumn(np.int32, -1, "model month the asylum decision is (or was) due", "model month"),
    "permit_month": StateColumn(np.int32, -1, "model month the permit was granted (-1: none)", "model month"),
    "housed_month": StateColumn(np.int32, -1, "model month the house is (or was) ready (-1: none)", "model month"),
    "departure_month": StateColumn(np.int32, -1, "model month of leaving after a rejection (-1: stayed)", "model month"),
    "age_at_arrival": StateColumn(np.float64, 30.0, "age on arrival", "years"),
    "female": StateColumn(np.bool_, False, "is a woman", "true/false"),
    "education": StateColumn(np.int8, 0, "highest completed education", "Education 0-3"),
    "literate": StateColumn(np.bool_, True, "can read and write (in any script)", "true/false"),
    "trauma": StateColumn(np.bool_, False, "arrived with severe trauma", "true/false"),
    "kansrijk": StateColumn(np.bool_, False, "asylum seeker with good prospects", "true/false"),
    "will_be_recognised": StateColumn(np.bool_, True, "will be granted asylum when the decision comes", "true/false"),
    "cooperative": StateColumn(np.bool_, True, "co-operates with course and plan", "true/false"),
    "in_labour_force": StateColumn(np.bool_, True, "would work if they could (see share_outside_labour_force)", "true/false"),
    "diploma_recognised": StateColumn(np.bool_, False, "foreign diploma recognised in the Netherlands", "true/false"),
    "x": StateColumn(np.int32, 0, "grid column where they live", "cell"),
    "y": StateColumn(np.int32, 0, "grid row where they live", "cell"),
    "azc": StateColumn(np.int32, -1, "reception centre they live in (-1: none)", "row"),
    "municipality": StateColumn(np.int32, -1, "municipality that houses them (-1: none yet)", "row"),
    "relocations": StateColumn(np.int32, 0, "moves between reception centres so far", "moves"),
    "extra_hours_offered": StateColumn(np.float64, 0.0, "extra course hours offered (built-in experiment, parameter extra_course_hours)", "hours"),
}


def recognition_chance(kansrijk: np.ndarray, recognition_rate: float, share_kansrijk: float) -> np.ndarray:
    """Chance that each application is granted, by prospects.

    Applicants with good prospects are granted with ``KANSRIJK_RECOGNITION``;
    the others with the chance that makes the overall rate ``recognition_rate``.
    """
    high = min(KANSRIJK_RECOGNITION, recognition_rate / max(share_kansrijk, 1e-9))
    low = (recognition_rate - share_kansrijk * high) / max(1.0 - share_kansrijk, 1e-9)
    low = float(np.clip(low, 0.0, 1.0))
    return np.where(kansrijk, high, low)


def arrivals_this_month(model: IntegrationModel) -> int:
    """How many newcomers arrive this month.

    A cohort's arrivals are drawn up front (`schedule_arrivals`); the other
    patterns (continuous, surge, series) are in `model.inflow`.
    """
    return model.inflow.arrivals(model.month)  # 1 in the first step


def schedule_arrivals(rng: np.random.Generator, n: int, months: int) -> np.ndarray:
    """Number arriving in each of the first ``months`` months of a cohort."""
    return np.bincount(rng.integers(0, months, n), minlength=months)


def draw_newcomers(model: IntegrationModel, rows: slice) -> None:
    """Give newly arrived asylum applicants their traits, household, wait and outcome.

    Drawn from the model's population stream, so that seed i brings the same
    people under every policy (common random numbers).
    """
    nc, rng = model.nc, model.population_rng
    k = rows.stop - rows.start
    nc.arrival_month[rows] = model.month
    nc.phase[rows] = Phase.ASYLUM
    draw_person(model, rows, rng.random(k) < households.SHARE_FEMALE_APPLICANTS)
    kansrijk = rng.random(k) < model.share_kansrijk
    nc.kansrijk[rows] = kansrijk
    chance = recognition_chance(kansrijk, model.recognition_rate, model.share_kansrijk)
    nc.will_be_recognised[rows] = rng.random(k) < chance
    wait = rng.gamma(WAIT_SHAPE, model.asylum_wait_months / WAIT_SHAPE, k)
    nc.decision_month[rows] = model.month + np.maximum(1, np.rint(wait)).astype(np.int32)
    azc = rng.integers(0, len(model.world.azc_cells), k)
    nc.azc[rows] = azc
    xy = model.world.azc_cells[azc]
    nc.x[rows], nc.y[rows] = xy[:, 0], xy[:, 1]
    households.draw_households(model, rows, nc.female[rows])
    # A couple goes through one procedure together and lives in one centre.
    partner = nc.partner[rows]
    follow = flatnonzero((partner >= 0) & (np.arange(rows.start, rows.stop) > partner)) + rows.start
    lead = nc.partner[follow]
    for column in ("decision_month", "will_be_recognised", "kansrijk", "azc", "x", "y"):
        getattr(nc, column)[follow] = getattr(nc, column)[lead]


def draw_person(model: IntegrationModel, rows: slice, female: np.ndarray) -> None:
    """The person: age, sex, education, literacy, health, co-operation, wellbeing (population stream)."""
    nc, rng = model.nc, model.population_rng
    k = female.size
    nc.age_at_arrival[rows] = rng.uniform(*AGE_RANGE, k)
    nc.female[rows] = female
    u = rng.random(k)
    edu = np.where(female, np.searchsorted(np.cumsum(EDUCATION_SHARES[True]), u, side="right"),
                   np.searchsorted(np.cumsum(EDUCATION_SHARES[False]), u, side="right"))
    edu = np.minimum(edu, Education.HIGH).astype(np.int8)
    nc.education[rows] = edu
    illiterate = np.where(female, np.take(ILLITERATE_SHARE[True], edu), np.take(ILLITERATE_SHARE[False], edu))
    nc.literate[rows] = rng.random(k) >= illiterate
    nc.trauma[rows] = rng.random(k) < model.share_trauma
    nc.cooperative[rows] = rng.random(k) >= SHARE_NOT_COOPERATIVE
    nc.diploma_recognised[rows] = (edu == Education.HIGH) & (rng.random(k) < model.diploma_recognition_rate)
    nc.wellbeing[rows] = clip(rng.normal(*ARRIVAL_WELLBEING, k) - TRAUMA_WELLBEING_TOLL * nc.trauma[rows], WELLBEING_FLOOR, 1.0)
    # A built-in experiment: a random half is offered extra course hours (0 unless validating).
    # Stratified by education, literacy and trauma so the halves are alike.
    order = np.lexsort((rng.random(k), nc.trauma[rows], nc.literate[rows], edu))
    treated = np.zeros(k, dtype=bool)
    treated[order[rng.integers(2)::2]] = True
    nc.extra_hours_offered[rows] = np.where(treated, model.extra_course_hours, 0.0)
    nc.extra_hours_left[rows] = nc.extra_hours_offered[rows]
    # Some would not work under any policy (illness, disability): the ceiling.
    nc.in_labour_force[rows] = rng.random(k) >= model.share_outside_labour_force


def draw_family_members(model: IntegrationModel, rows: slice, sponsors: np.ndarray) -> None:
    """Partners who follow a permit holder (*nareizigers*): a permit on arrival, then the partner's home.

    They spend `FAMILY_MEMBER_REGISTRATION_MONTHS` in reception and move in
    with the partner, or, if the partner still waits for a house, wait with them.
    """
    nc = model.nc
    month = model.month
    nc.arrival_month[rows] = month
    draw_person(model, rows, ~nc.female[sponsors])
    households.join_sponsors(model, rows, sponsors)
    nc.phase[rows] = Phase.AWAITING_HOUSING
    nc.decision_month[rows] = month
    nc.permit_month[rows] = month
    nc.kansrijk[rows] = True
    nc.exam_deadline_month[rows] = month + model.exam_deadline_months
    nc.municipality[rows] = nc.municipality[sponsors]
    sponsor_housed = nc.phase[sponsors] == Phase.HOUSED
    nc.housed_month[rows] = np.where(sponsor_housed, month + FAMILY_MEMBER_REGISTRATION_MONTHS,
                                     nc.housed_month[sponsors])
    azc = np.where(sponsor_housed, model.population_rng.integers(0, len(model.world.azc_cells), sponsors.size),
                   nc.azc[sponsors])
    nc.azc[rows] = azc
    xy = model.world.azc_cells[azc]
    nc.x[rows], nc.y[rows] = xy[:, 0], xy[:, 1]


def decide(model: IntegrationModel) -> None:
    """Applicants whose decision is due get a permit or leave."""
    nc, month = model.nc, model.month
    due = take_decisions(model, flatnonzero((nc.phase == Phase.ASYLUM) & (nc.decision_month <= month)))
    if due.size == 0:
        return
    granted = due[nc.will_be_recognised[due]]
    rejected = due[~nc.will_be_recognised[due]]
    nc.phase[granted] = Phase.AWAITING_HOUSING
    nc.permit_month[granted] = month
    nc.exam_deadline_month[granted] = month + model.exam_deadline_months
    wait = model.rng.gamma(HOUSING_WAIT_SHAPE, max(model.housing_wait_months, 1e-9) / HOUSING_WAIT_SHAPE, granted.size)
    nc.housed_month[granted] = month + np.rint(wait).astype(np.int32)
    nc.municipality[granted] = model.rng.choice(len(model.municipality_quota), size=granted.size,
                                                p=model.municipality_quota)
    # Partners are housed together, in one municipality.
    partner = nc.partner[granted]
    is_granted = np.zeros(nc.n, dtype=bool)
    is_granted[granted] = True
    follow = granted[_member(partner, is_granted) & (partner < granted)]
    nc.municipality[follow] = nc.municipality[nc.partner[follow]]
    nc.housed_month[follow] = nc.housed_month[nc.partner[follow]]
    # Rejected applicants leave, taking what they learned with them (study §3.4 I).
    nc.phase[rejected] = Phase.DEPARTED
    nc.departure_month[rejected] = month
    leave_everything(model, rejected)


def take_decisions(model: IntegrationModel, due: np.ndarray) -> np.ndarray:
    """The due applications the IND decides this month (``decisions_per_month``), oldest first.

    The others wait a month longer; their decision month moves on, so that
    ``months_in_asylum`` counts the real wait.
    """
    decided = first_in_line(model, due, model.nc.arrival_month[due], per_month(
        in_agents(model, model.decisions_per_month), model.month))
    if decided.size < due.size:
        deferred = np.setdiff1d(due, decided, assume_unique=True)
        model.nc.decision_month[deferred] = model.month + 1
        model.queue_counts["decisions_overdue"] = deferred.size
    return decided


def relocate(model: IntegrationModel) -> np.ndarray:
    """Move some residents of reception centres to another centre.

    A move breaks off lessons (they resume after a gap), volunteering and
    placements, and weakens ties with residents near the old centre.

    Returns:
        Indices of the newcomers who moved this month.
    """
    nc, rng = model.nc, model.rng
    n_azc = len(model.world.azc_cells)
    in_azc_mask = nc.phase <= Phase.AWAITING_HOUSING
    in_azc = flatnonzero(in_azc_mask)
    if n_azc <= 1 or in_azc.size == 0 or (model.relocation_rate_per_year <= 0
                                          and not reception.anyone_in_emergency(model)):
        return np.zeros(0, dtype=np.int64)
    # A couple moves together: the first of the two draws the move.
    partner = nc.partner[in_azc]
    couple_in_azc = _member(partner, in_azc_mask)
    leads = in_azc[~couple_in_azc | (partner > in_azc)]
    movers = leads[rng.random(leads.size) < reception.monthly_relocation_chance(model, leads)]
    if movers.size == 0:
        return movers
    nc.azc[movers] = (nc.azc[movers] + rng.integers(1, n_azc, movers.size)) % n_azc
    partner = nc.partner[movers]
    along = _member(partner, in_azc_mask)
    nc.azc[partner[along]] = nc.azc[movers[along]]
    movers = np.concatenate([movers, partner[along]])
    new = nc.azc[movers]
    model.move_newcomers(movers, model.world.azc_cells[new])
    nc.relocations[movers] += 1
    in_course = movers[nc.course_kind[movers] != NO_COURSE]
    stop_course(model, in_course, restart_month=model.month + RELOCATION_COURSE_GAP)
    nc.volunteering[movers] = False
    end_placements(model, movers)
    nc.tie_strength[movers] *= RELOCATION_TIE_LOSS
    return movers


def house(model: IntegrationModel) -> np.ndarray:
    """Permit holders whose house is ready move to their municipality.

    Returns:
        Indices of the newcomers housed this month.
    """
    nc = model.nc
    ready = flatnonzero((nc.phase == Phase.AWAITING_HOUSING) & (nc.housed_month <= model.month))
    if ready.size == 0:
        return ready
    # A family member whose partner has a home moves in there; the others need a house of their own.
    joining = _member(nc.partner[ready], nc.phase == Phase.HOUSED)
    housed = housing.allot_houses(model, ready[~joining])
    model.queue_counts["houses_overdue"] = int(np.count_nonzero(~joining)) - housed.size
    ready = np.union1d(housed, ready[joining])
    nc.phase[ready] = Phase.HOUSED
    nc.housed_month[ready] = model.month
    nc.azc[ready] = -1
    cells = np.zeros((ready.size, 2), dtype=int)
    for m in np.unique(nc.municipality[ready]):
        who = nc.municipality[ready] == m
        cells[who] = model.housing[m].draw(model.rng, int(who.sum()))
    # Partners share a house.
    # (the partner who comes first in ``ready`` draws; the other takes that cell; a
    # family member joins the partner's home)
    position = np.full(nc.n, -1, dtype=np.int64)
    position[ready] = np.arange(ready.size)
    partner = nc.partner[ready]
    source = np.where(partner >= 0, position[np.maximum(partner, 0)], -1)
    follows = (source >= 0) & (partner < ready)
    cells[follows] = cells[source[follows]]
    at_home = _member(partner, nc.phase == Phase.HOUSED) & (source < 0)
    home = partner[at_home]
    cells[at_home] = np.column_stack([nc.x[home], nc.y[home]])
    model.move_newcomers(ready, cells)
    # Leaving the azc ends azc lessons and activities; ties there fade.
    stop_course(model, ready[nc.course_kind[ready] == AZC_COURSE])
    nc.volunteering[ready] = False
    end_placements(model, ready)
    nc.tie_strength[ready] *= RELOCATION_TIE_LOSS
    return ready


def _member(rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``np.isin(rows, np.flatnonzero(mask))`` for rows that are newcomer rows or -1."""
    return (rows >= 0) & mask[np.maximum(rows, 0)]


def leave_everything(model: IntegrationModel, who: np.ndarray) -> None:
    """A departing newcomer leaves job, course, placement and ties behind."""
    nc = model.nc
    lose_jobs(model, who[nc.employed[who]])
    end_placements(model, who)
    stop_course(model, who, restart_month=-1)
    nc.volunteering[who] = False
    nc.tie_resident[who] = -1
    nc.tie_strength[who] = 0.0
