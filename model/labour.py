"""Labour: vacancies, job search within commuting distance, hiring, hours, job loss, placements.

A job seeker applies to employers within ``commute_radius`` that have a
vacancy at a level they can do. Whether the employer hires depends on the
employer's willingness (and the wage-cost subsidy), the newcomer's Dutch
against the job's language requirement, referrals through ties with employed
residents, their know-how of the Dutch labour market, the scar of idle months
(`model.scarring`) and the municipality's reintegration work.

Know-how is the catch-up: without any programme, people find their way
(networks, second tries, the labour market's pull) over ``catch_up_months``
after they settle. A broker (a plan's job coach, municipal direction, a
startpunt's guidance, a skills course) fills part of the gap that remains, so
it speeds people up but cannot lift them above where they would get on their
own: a programme's advantage fades as the others catch up (Dahlberg et al.
2024). Jobs found through a broker or a placement are mostly small part-time
jobs at first (work first). Hours are capped by course schedules
(2013: three mornings a week, study §3.2 Probleem 3) and care duties; asylum seekers
may work only from ``work_access_month`` and keep little of what they earn
(kader 3.9), so few look.

Longer than 400 lines: the labour market is one mechanism (vacancies, search,
hiring, hours, job loss, placements and earnings read and write the same jobs),
and its outcomes (employment, full- and part-time, a job that matches) are
declared here with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import add_counts, clip, flatnonzero
from model.metric import Metric
from model.population import (
    A2_LEVEL,
    FULLTIME_HOURS,
    JOB_LEVELS,
    MARKET_COURSE,
    NO_COURSE,
    PENSION_AGE,
    Education,
    Phase,
)
from model.scarring import employability
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "applications_per_month", "asylum_earnings_kept", "brokered_fulltime_factor", "catch_up_months",
    "employer_subsidy", "hire_rate", "job_loss_rate", "know_how_at_start", "more_hours_rate",
    "municipal_direction", "placement_hire_chance", "plan_brokerage", "reintegration_effect",
    "share_fulltime_offers", "subsidy_response", "vacancy_rate", "work_access_month",
)

LEVEL_REQUIREMENT = np.array([1.0, 2.5, 3.5])  # score needed for low/middle/high-skill jobs (A1+, A2+, B1+)
REQUIREMENT_SPREAD = 0.4  # employers differ in what they ask
LANGUAGE_SLOPE = 0.6  # how sharply hiring falls below the requirement
UNRECOGNISED_LEVEL = 1  # highly educated without recognised diplomas compete for middle jobs at most
REFERRAL_BOOST = 0.2  # per active tie with an employed resident, up to two
STUDENT_SEARCH = 0.2  # students look for a side job at most (assumption)
CARE_DUTY_SEARCH = 0.2  # search effort with a child under school age and no childcare (assumption: young children go with being unable to work, van der Zwan & van Tubergen 2024)
ASYLUM_WEEKS_LIMIT = 24 / 52  # 2013: asylum seekers may work 24 weeks a year
PART_TIME_JOB_HOURS = (20.0, 34.0)  # hours/week of a part-time job, uniform (assumption; below FULLTIME_HOURS)
FULL_TIME_JOB_HOURS = (36.0, 40.0)  # hours/week of a full-time job, uniform (assumption; above FULLTIME_HOURS)
EMPLOYER_DENSITY_EXPONENT = 1.3  # employers cluster in dense places more than residents do (assumption)
EMPLOYER_SIZE_MEDIAN = 6.0  # jobs a newcomer could do at a typical employer, lognormal median (assumption)
EMPLOYER_SIZE_SPREAD = 0.8  # lognormal sigma: many small employers, a few large ones (assumption)
JOB_LEVEL_WEIGHTS = (5.0, 3.0, 1.5)  # Dirichlet weights of low/middle/high-skill jobs: most open to newcomers are low-skill (assumption)
OPEN_AT_START = 0.15  # share of jobs vacant when the run starts (assumption)
WILLINGNESS_SHAPE = (2.0, 2.0)  # Beta shape of employers' willingness to hire a newcomer: spread around one half (assumption)
MOST_OPEN_ONE_IN = 3  # at most one in this many of an employer's jobs is vacant at once (assumption)
COURSE_HOURS_CAP = 24.0  # 2013 course three days a week leaves at most ~3 days of work
CARE_HOURS_CAP = 24.0  # hours/week possible with young children and no childcare (assumption)
WAGE_EUR_PER_HOUR = np.array([11.0, 14.0, 19.0])  # gross starting wage, by job level (assumption: CBS)
WAGE_GROWTH_PER_YEAR = 0.08  # pay rises with Dutch work experience ...
WAGE_GROWTH_CAP = 0.4  # ... up to +40% (assumption)
PLACEMENT_MONTHS = 6  # length of a work-experience placement (assumption)
PLACEMENT_SLOTS_PER_EMPLOYER = 0.3  # mean work-experience places an employer offers (assumption)
LOW_LANGUAGE_JOB_LOSS = 1.5  # job-loss risk x this below A2 (assumption)
EMPLOYER_TRIES = 3  # employers within reach a seeker looks at each month
WELLBEING_SEARCH = (0.3, 0.7)  # search effort factor = a + b * wellbeing (assumption)
EARNINGS_KEPT_SEARCH = (0.2, 0.8)  # asylum seekers' search factor = a + b * share of earnings they keep (assumption)
ABOUT_TO_MOVE_SEARCH = 0.5  # permit holders waiting for a house search less: they are about to move (assumption)
FULLTIME_OFFER_PER_LEVEL = 0.25  # each skill level up makes a full-time offer this much more likely, relatively (assumption)
WEEKS_PER_MONTH = 4.33  # 52 weeks / 12 months

# Work: jobs, hours and placements (see model.state).
NEWCOMER_STATE = {
    "employed": StateColumn(np.bool_, False, "has a paid job", "true/false"),
    "hours_per_week": StateColumn(np.float64, 0.0, "hours a week in the job", "hours/week"),
    "job_level": StateColumn(np.int8, -1, "skill level of the job: low, middle, high (-1: none)", "level 0-2"),
    "employer": StateColumn(np.int32, -1, "employer row (-1: none)", "row"),
    "job_matches_education": StateColumn(np.bool_, False, "the job's level matches their education", "true/false"),
    "job_start_month": StateColumn(np.int32, -1, "model month the current job started (-1: none)", "model month"),
    "first_job_month": StateColumn(np.int32, -1, "model month of the first job (-1: none yet)", "model month"),
    "months_worked": StateColumn(np.int32, 0, "work experience in the Netherlands", "months"),
    "placement_months": StateColumn(np.int32, 0, "months left of a work placement", "months"),
    "placement_employer": StateColumn(np.int32, -1, "employer of the placement (-1: none)", "row"),
}

#: Work, as outcomes (see `model.metric`).
OUTCOMES = (
    Metric("share_employed", "Employed (any hours)", "share", True, +1, chart="employment",
           per_newcomer=lambda t: t["employed"], reads=("employed",)),
    Metric("share_fulltime", "Employed full-time (35+ h/week)", "share", True, +1, chart="employment",
           per_newcomer=lambda t: t["employed"] & (t["hours_per_week"] >= FULLTIME_HOURS),
           reads=("employed", "hours_per_week")),
    Metric("share_parttime", "Employed part-time (< 35 h/week)", "share", False, 0,
           per_newcomer=lambda t: t["employed"] & (t["hours_per_week"] < FULLTIME_HOURS),
           reads=("employed", "hours_per_week")),
    Metric("share_job_matches_education", "In a job that matches their education", "share", True, +1,
           chart="employment", per_newcomer=lambda t: t["employed"] & t["job_matches_education"],
           reads=("employed", "job_matches_education")),
)


def effective_level(education: np.ndarray, diploma_recognised: np.ndarray) -> np.ndarray:
    """Highest job level (0 low, 1 middle, 2 high) a newcomer can compete for."""
    level = clip(np.asarray(education) - 1, 0, 2)  # none/low -> low jobs, middle -> middle, high -> high
    return np.where((np.asarray(education) == Education.HIGH) & ~np.asarray(diploma_recognised),
                    UNRECOGNISED_LEVEL, level)


def language_fit(score, requirement) -> np.ndarray:
    """Chance factor 0-1 that the employer accepts this level of Dutch."""
    return 1.0 / (1.0 + np.exp(-(np.asarray(score) - np.asarray(requirement)) / LANGUAGE_SLOPE))


def hire_probability(base, willingness, subsidy_boost, fit, referrals, know_how) -> np.ndarray:
    """Chance that one application leads to a job.

    Args:
        base: ``hire_rate``.
        willingness: The employer's willingness to hire a newcomer (0-1).
        subsidy_boost: ``subsidy_response * employer_subsidy``.
        fit: `language_fit` of the applicant's Dutch to the job.
        referrals: Active ties with employed residents.
        know_how: The applicant's labour-market know-how (0-1, see `know_how`).
    """
    p = base * willingness * (1.0 + subsidy_boost) * fit * know_how
    p = p * (1.0 + REFERRAL_BOOST * np.minimum(referrals, 2))
    return clip(p, 0.0, 1.0)


def brokered(model: IntegrationModel, who: np.ndarray) -> np.ndarray:
    """Who of ``who`` has a job coach: a programme's (``job_coach``), or municipal direction once housed.

    Once housed, the municipality coaches people on bijstand: when a partner
    earns enough for the household to leave the benefit, the coaching of the
    other partner stops with it (Razenberg, Kahmann & de Gruijter 2018: the
    trajectory of women is broken off when their husband finds a job).
    """
    nc = model.nc
    housed = nc.phase[who] == Phase.HOUSED
    coach = nc.job_coach[who] | (model.municipal_direction & housed)
    return coach & (~housed | nc.on_welfare[who])


def know_how(model: IntegrationModel, who: np.ndarray, coached: np.ndarray | None = None,
             quality: np.ndarray | None = None) -> np.ndarray:
    """Labour-market know-how 0-1 of each of ``who``: own catch-up, plus what brokers add.

    It grows from ``know_how_at_start`` on settling to 1 after
    ``catch_up_months``; a broker fills a share of the gap that remains, so
    nobody gets above 1 and a broker's help matters less the longer one has
    lived here.

    Args:
        model: The model.
        who: Newcomer rows.
        coached: `brokered` of ``who``, if the caller has it already.
        quality: Their municipality's implementation quality, if the caller has it already.
    """
    nc, start = model.nc, model.know_how_at_start
    settled = np.where(nc.phase[who] == Phase.HOUSED, model.month - nc.housed_month[who], 0)
    own = start + (1.0 - start) * np.minimum(1.0, settled / model.catch_up_months)
    quality = model.quality_of(nc.municipality[who]) if quality is None else quality
    coached = brokered(model, who) if coached is None else coached
    guidance = np.where(coached, model.plan_brokerage * quality, 0.0)
    guidance += nc.guidance[who]  # what programmes add this month (model.modifiers)
    return own + (1.0 - own) * np.minimum(1.0, guidance)


def setup_employers(model: IntegrationModel) -> None:
    """Place employers where people live (more in the city) and give them jobs."""
    emp, rng, world = model.emp, model.rng, model.world
    demand = np.array([m.labour_demand for m in world.municipalities])
    weight = world.density ** EMPLOYER_DENSITY_EXPONENT * demand[world.region]
    xy = world.sample_cells(rng, emp.n, weight)
    emp.x[:], emp.y[:] = xy[:, 0], xy[:, 1]
    emp.municipality[:] = world.region[emp.x, emp.y]
    size = rng.lognormal(np.log(EMPLOYER_SIZE_MEDIAN), EMPLOYER_SIZE_SPREAD, emp.n) * demand[emp.municipality]
    mix = rng.dirichlet(JOB_LEVEL_WEIGHTS, emp.n)
    emp.jobs[:] = np.maximum(0, np.rint(size[:, None] * mix)).astype(np.int32)
    emp.vacancies[:] = rng.binomial(emp.jobs, OPEN_AT_START)
    emp.language_requirement[:] = LEVEL_REQUIREMENT + rng.uniform(-REQUIREMENT_SPREAD, REQUIREMENT_SPREAD, (emp.n, JOB_LEVELS))
    emp.willingness[:] = rng.beta(*WILLINGNESS_SHAPE, emp.n)
    emp.placement_slots[:] = rng.poisson(PLACEMENT_SLOTS_PER_EMPLOYER, emp.n)


def open_vacancies(model: IntegrationModel) -> None:
    """Jobs open up with turnover and local labour demand, up to a share of all jobs."""
    emp = model.emp
    demand = model.labour_demand[emp.municipality][:, None]
    new = model.rng.binomial(emp.jobs, clip(model.vacancy_rate * demand, 0, 1))
    emp.vacancies[:] = np.minimum(emp.vacancies + new, np.maximum(1, emp.jobs // MOST_OPEN_ONE_IN))


def lose_jobs(model: IntegrationModel, who: np.ndarray) -> None:
    """``who`` lose their jobs; the jobs become vacancies again."""
    nc = model.nc
    if who.size == 0:
        return
    emp = model.emp
    add_counts(emp.vacancies.ravel(), nc.employer[who] * JOB_LEVELS + nc.job_level[who])
    np.minimum(emp.vacancies, np.maximum(1, emp.jobs), out=emp.vacancies)
    nc.employed[who] = False
    nc.hours_per_week[who] = 0.0
    nc.employer[who] = -1
    nc.job_level[who] = -1
    nc.job_matches_education[who] = False


def job_loss(model: IntegrationModel) -> None:
    """Some lose their job each month; more so with little Dutch."""
    nc = model.nc
    employed = flatnonzero(nc.employed)
    risk = model.job_loss_rate * np.where(nc.language_score[employed] < A2_LEVEL, LOW_LANGUAGE_JOB_LOSS, 1.0)
    lose_jobs(model, employed[model.rng.random(employed.size) < risk])


def may_work(model: IntegrationModel) -> np.ndarray:
    """Who may hold a job this month (adults under `PENSION_AGE` with a permit, or asylum access)."""
    nc = model.nc
    phase = nc.phase
    asylum_ok = (phase == Phase.ASYLUM) & (model.month - nc.arrival_month >= model.work_access_month)
    permit = (phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)
    return (asylum_ok | permit) & (model.ages() < PENSION_AGE)


def search_effort(model: IntegrationModel, who: np.ndarray, employable: np.ndarray | None = None) -> np.ndarray:
    """How hard each of ``who`` (allowed to work, without a job) looks for work this month (0-1).

    ``employable``: `employability` of ``who``, if the caller has it already.
    """
    nc = model.nc
    effort = np.where(nc.care_duties[who], CARE_DUTY_SEARCH, 1.0) * (nc.in_labour_force[who] & ~nc.homemaker[who])
    effort *= WELLBEING_SEARCH[0] + WELLBEING_SEARCH[1] * nc.wellbeing[who]
    phase = nc.phase[who]
    # Little point in working when most of the pay goes to COA, for 24 weeks a year.
    effort *= np.where(phase == Phase.ASYLUM, ASYLUM_WEEKS_LIMIT * (EARNINGS_KEPT_SEARCH[0] + EARNINGS_KEPT_SEARCH[1] * model.asylum_earnings_kept), 1.0)
    effort *= np.where(phase == Phase.AWAITING_HOUSING, ABOUT_TO_MOVE_SEARCH, 1.0)
    effort *= np.where(nc.studying_months[who] > 0, STUDENT_SEARCH, 1.0)  # a side job at most
    return effort * (employability(model, who) if employable is None else employable)


def search_and_hire(model: IntegrationModel) -> np.ndarray:
    """Job seekers apply to employers within commuting distance; some are hired.

    Those who came to a startpunt this month had work guidance there.

    Args:
        model: The model.

    Returns:
        Indices of newcomers hired this month.
    """
    nc, emp, rng = model.nc, model.emp, model.rng
    looking = flatnonzero(may_work(model) & ~nc.employed)
    employable = employability(model, looking)  # computed once: effort and hiring both use it
    tries = rng.binomial(model.applications_per_month, search_effort(model, looking, employable))
    trying = flatnonzero(tries)
    seekers, tries, employable = looking[trying], tries[trying], employable[trying]
    if seekers.size == 0 or emp.n == 0:
        return seekers
    level = effective_level(nc.education[seekers], nc.diploma_recognised[seekers])
    # Each application goes to an employer within reach with a vacancy at the
    # seeker's level or, failing that, one level below (a few tries to find one).
    options = model.employers_within_reach(seekers, EMPLOYER_TRIES)
    safe = np.maximum(options, 0)
    own = (options >= 0) & (emp.vacancies[safe, level[:, None]] > 0)
    below = (options >= 0) & (emp.vacancies[safe, np.maximum(level - 1, 0)[:, None]] > 0)
    pick_own, pick_below = own.any(axis=1), below.any(axis=1)
    idx = flatnonzero(pick_own | pick_below)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    column = np.where(pick_own[idx], own[idx].argmax(axis=1), below[idx].argmax(axis=1))
    choice = options[idx, column]
    who, tries = seekers[idx], tries[idx]
    lvl = np.where(pick_own[idx], level[idx], np.maximum(level[idx] - 1, 0))
    fit = language_fit(nc.language_score[who], emp.language_requirement[choice, lvl])
    coached = brokered(model, who)
    quality = model.quality_of(nc.municipality[who])
    p = hire_probability(model.hire_rate, emp.willingness[choice], model.subsidy_response * model.employer_subsidy,
                         fit, model.employed_resident_ties(who), know_how(model, who, coached, quality))
    # Without a coach, municipalities still run work reintegration for people on welfare.
    reintegration = np.where(nc.on_welfare[who] & ~coached, model.reintegration_effect * (quality - 1.0), 0.0)
    p = clip(p * np.maximum(0.0, 1.0 + reintegration) * employable[idx], 0.0, 1.0)
    p_any = 1.0 - (1.0 - p) ** tries
    success = flatnonzero(rng.random(who.size) < p_any)
    # Two seekers may want the last vacancy: in each (employer, level), the
    # first successful applicants (in random order) take what is open.
    slot = choice[success] * JOB_LEVELS + lvl[success]
    order = np.argsort(slot, kind="stable")
    slot_sorted = slot[order]
    first = np.searchsorted(slot_sorted, slot_sorted, side="left")
    taken = (np.arange(slot_sorted.size) - first) < emp.vacancies.ravel()[slot_sorted]
    hired = np.sort(success[order[taken]])
    add_counts(emp.vacancies.ravel(), choice[hired] * JOB_LEVELS + lvl[hired], -1)
    guided = coached | nc.search_help[who]
    start_jobs(model, who[hired], choice[hired], lvl[hired], guided[hired])
    return who[hired]


def start_jobs(model: IntegrationModel, who: np.ndarray, employer: np.ndarray, level: np.ndarray,
               brokered_job: np.ndarray | bool = False) -> None:
    """``who`` start work at ``employer`` in a job of ``level``.

    Jobs found through a broker or a placement are full-time less often
    (``brokered_fulltime_factor``): work first means small jobs first.
    """
    nc, rng = model.nc, model.rng
    if who.size == 0:
        return
    nc.employed[who] = True
    nc.employer[who] = employer
    nc.job_level[who] = level
    nc.job_start_month[who] = model.month
    first = who[nc.first_job_month[who] < 0]
    nc.first_job_month[first] = model.month
    nc.job_matches_education[who] = level == clip(nc.education[who] - 1, 0, 2)
    add_counts(model.emp.hires, employer)
    cap = hours_cap(model, who)
    offer = model.share_fulltime_offers * (1 + FULLTIME_OFFER_PER_LEVEL * level)
    offer = offer * np.where(brokered_job, model.brokered_fulltime_factor, 1.0)
    fulltime = (cap >= FULL_TIME_JOB_HOURS[0]) & (rng.random(who.size) < offer)
    hours = np.where(fulltime, rng.uniform(*FULL_TIME_JOB_HOURS, who.size), rng.uniform(*PART_TIME_JOB_HOURS, who.size))
    nc.hours_per_week[who] = np.minimum(hours, cap)
    end_placements(model, who)


def hours_cap(model: IntegrationModel, who: np.ndarray) -> np.ndarray:
    """Most hours a week each of ``who`` can work.

    A 2013 course three times a week leaves no room for a full-time job
    (study §3.2 Probleem 3); a plan's course combines with work (``course_with_work``, study §3.4 I). Care duties
    (a child under school age and no childcare, `model.households`) cap hours too.
    """
    nc = model.nc
    kind = nc.course_kind[who]
    rigid = (kind != NO_COURSE) & ~nc.course_with_work[who] & ((kind == MARKET_COURSE) | (not model.municipal_direction))
    cap = np.where(rigid, COURSE_HOURS_CAP, FULL_TIME_JOB_HOURS[1])
    return np.where(nc.care_duties[who], np.minimum(cap, CARE_HOURS_CAP), cap)


def adjust_hours(model: IntegrationModel) -> None:
    """Part-timers with nothing holding them back move up to full time now and then;
    hours above a new cap (a course started) come down."""
    nc = model.nc
    employed = flatnonzero(nc.employed)
    if employed.size == 0:
        return
    cap = hours_cap(model, employed)
    hours = np.minimum(nc.hours_per_week[employed], cap)
    up = (hours < FULL_TIME_JOB_HOURS[0]) & (cap >= FULL_TIME_JOB_HOURS[0])
    up &= model.rng.random(employed.size) < model.more_hours_rate
    hours = np.where(up, model.rng.uniform(*FULL_TIME_JOB_HOURS, employed.size), hours)
    nc.hours_per_week[employed] = hours


def place(model: IntegrationModel, candidates: np.ndarray) -> None:
    """Broker placements (work-experience places) with employers within reach.

    A placement lasts ``PLACEMENT_MONTHS``; it gives practice and, at the end,
    a chance of a job with that employer.
    """
    nc, emp = model.nc, model.emp
    candidates = candidates[(nc.placement_months[candidates] == 0) & ~nc.employed[candidates]]
    if candidates.size == 0:
        return
    options = model.employers_within_reach(candidates, EMPLOYER_TRIES)
    safe = np.maximum(options, 0)
    open_slot = (options >= 0) & (emp.placements_used[safe] < emp.placement_slots[safe])
    asking = flatnonzero(open_slot.any(axis=1))
    if asking.size == 0:
        return
    # One by one, in order: slots are few and run out. Each takes the first of their
    # options that had a free slot and still has one (plain Python lists: a short loop).
    used, slots = emp.placements_used.tolist(), emp.placement_slots.tolist()
    placed, employer = [], []
    for who, row, free in zip(candidates[asking].tolist(), options[asking].tolist(), open_slot[asking].tolist(),
                              strict=True):
        for e, was_free in zip(row, free, strict=True):
            if was_free and used[e] < slots[e]:
                used[e] += 1
                placed.append(who)
                employer.append(e)
                break
    emp.placements_used[:] = used
    nc.placement_months[placed] = PLACEMENT_MONTHS
    nc.placement_employer[placed] = employer


def progress_placements(model: IntegrationModel) -> None:
    """Placements run down; at the end some turn into a job at that employer."""
    nc, emp = model.nc, model.emp
    active = flatnonzero(nc.placement_months > 0)
    if active.size == 0:
        return
    nc.placement_months[active] -= 1
    ending = active[nc.placement_months[active] == 0]
    employer = nc.placement_employer[ending]
    add_counts(emp.placements_used, employer, -1)
    nc.placement_employer[ending] = -1
    level = effective_level(nc.education[ending], nc.diploma_recognised[ending])
    hire = model.rng.random(ending.size) < model.placement_hire_chance * (1 + model.employer_subsidy)
    hire &= may_work(model)[ending] & nc.in_labour_force[ending]
    # The employer makes room for someone they have come to know.
    start_jobs(model, ending[hire], employer[hire], level[hire], True)


def end_placements(model: IntegrationModel, who: np.ndarray) -> None:
    """End the placements of ``who`` (found a job, moved, left) and free the employers' slots."""
    nc = model.nc
    placed = who[nc.placement_months[who] > 0]
    if placed.size:
        add_counts(model.emp.placements_used, nc.placement_employer[placed], -1)
        nc.placement_months[placed] = 0
        nc.placement_employer[placed] = -1


def hourly_wage(job_level, months_worked) -> np.ndarray:
    """Gross hourly wage by job level, rising with Dutch work experience."""
    growth = np.minimum(WAGE_GROWTH_CAP, WAGE_GROWTH_PER_YEAR * np.asarray(months_worked) / 12.0)
    return WAGE_EUR_PER_HOUR[np.maximum(job_level, 0)] * (1.0 + growth)


def monthly_earnings(model: IntegrationModel) -> np.ndarray:
    """Gross earnings this month of each newcomer (0 without a job); counts the month as experience."""
    nc = model.nc
    employed = nc.employed
    nc.months_worked += employed
    wage = hourly_wage(nc.job_level, nc.months_worked)
    return np.where(employed, nc.hours_per_week * WEEKS_PER_MONTH * wage, 0.0)
