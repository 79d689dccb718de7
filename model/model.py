"""IntegrationModel: newcomers, residents, employers and municipalities on a grid, month by month.

Longer than 400 lines for one reason: ``__init__`` names every parameter as a
keyword (about 90 lines), so that Mesa's ``batch_run``, the app and an editor's
completion see them; a test keeps that list equal to `model.parameters.PARAMS`.
The mechanisms themselves live in their own modules (``asylum``, ``language``,
``labour``, ...); this file only builds the world and calls them in order.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial

import mesa
import numpy as np
import pandas as pd

from agents import Employer, Municipality, Newcomer, ReceptionCentre, Resident, Startpunt
from agents.batch import move_agents
from model import (
    activities,
    asylum,
    contacts,
    exam,
    households,
    labour,
    language,
    modifiers,
    plans,
    programmes,
    reception,
    scarring,
    startpunten,
    welfare,
    wellbeing,
)
from model.fastnp import flatnonzero
from model.grid import MooreGrid
from model.inflow import Inflow
from model.outcomes import METRICS, compute_metrics, newcomer_table
from model.parameters import DEFAULTS, PARAMS, Value, validate_params
from model.policies import POLICIES, unknown_policy_message
from model.population import EmployerState, NewcomerState, ResidentState
from model.queues import QUEUE_COUNTS, QUEUES, queue_row
from model.welfare import Costs
from model.world import CellSampler, CommuteIndex, SpatialIndex, build_world

#: The parameters of `model.parameters` this module builds the world from (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "arrival_months", "commute_radius", "grid_height", "grid_width", "municipality_quality_spread",
    "n_employers", "n_municipalities", "n_newcomers", "n_reception_centres", "n_residents",
    "share_low_literate_residents", "share_unemployed_residents", "startpunten_per_municipality",
)

RESIDENT_OPENNESS = (2.0, 3.0)  # Beta parameters: most residents are somewhat open (assumption)
RESIDENT_EMPLOYMENT = 0.75  # residents not seeking work who have a job; the rest are retired, studying or caring (assumption, near CBS net participation)


def parse_seed(rng) -> int | None:
    """Accept an int, a string of digits (a seed typed in the app), or None."""
    if rng is None or isinstance(rng, bool):
        if isinstance(rng, bool):
            raise ValueError(f"rng={rng!r} is not allowed: expected an integer seed >= 0 or None")
        return None
    if isinstance(rng, np.integer):
        rng = int(rng)
    if isinstance(rng, str):
        text = rng.strip()
        if text == "":
            return None
        if not text.isdigit():
            raise ValueError(f"rng={rng!r} is not allowed: expected an integer seed >= 0 (digits only)")
        rng = int(text)
    if not isinstance(rng, int) or rng < 0:
        raise ValueError(f"rng={rng!r} is not allowed: expected an integer seed >= 0 or None")
    return rng


def _report(model: IntegrationModel, name: str) -> float:
    return model.metrics[name]


class IntegrationModel(mesa.Model):
    """How refugees with a residence permit integrate, under an integration policy.

    One step is one month. Newcomers arrive and wait for asylum in reception
    centres, get a permit (or leave), are housed in a municipality by quota,
    learn Dutch, look for work, meet residents, face the exam, and feel all of
    it; a policy changes their opportunities and incentives, never their
    outcomes directly.

    Args:
        policy: Name of a policy in `POLICIES`; its lever values are the
            starting point, and any parameter given explicitly overrides them.
        rng: Seed (an int, or a string of digits) or None for a random one.
        **parameters: Every name in `model.parameters.PARAMS`, keyword only;
            None means "the policy's value".
        registered: Values for the parameters of programmes registered from
            outside the package (`model.programmes`), by name.

    Raises:
        ValueError: For an unknown policy, a bad seed, or a parameter value
            of the wrong type or out of range (naming it and its allowed values).
    """

    def __init__(
        self,
        *,
        policy: str = "baseline_2013",
        rng: int | str | None = None,
        n_newcomers: int | None = None,
        n_residents: int | None = None,
        n_employers: int | None = None,
        n_municipalities: int | None = None,
        grid_width: int | None = None,
        grid_height: int | None = None,
        n_reception_centres: int | None = None,
        commute_radius: int | None = None,
        contact_radius: int | None = None,
        arrival_pattern: str | None = None,
        arrival_months: int | None = None,
        asylum_wait_months: float | None = None,
        recognition_rate: float | None = None,
        share_kansrijk: float | None = None,
        housing_wait_months: float | None = None,
        relocation_rate_per_year: float | None = None,
        language_from_arrival: bool | None = None,
        azc_activities: bool | None = None,
        work_access_month: int | None = None,
        asylum_earnings_kept: float | None = None,
        personal_plan: bool | None = None,
        municipal_direction: bool | None = None,
        startpunten_per_municipality: int | None = None,
        fine_eur: float | None = None,
        positive_incentives: bool | None = None,
        benefit_sanction: bool | None = None,
        exam_deadline_months: int | None = None,
        exam_level: str | None = None,
        exam_rules: str | None = None,
        employer_subsidy: float | None = None,
        plan_gender_attention: bool | None = None,
        childcare_access: float | None = None,
        municipality_quality_spread: float | None = None,
        course_hours_per_month: float | None = None,
        azc_course_hours_per_month: float | None = None,
        market_course_quality: float | None = None,
        supervised_course_quality: float | None = None,
        course_search_months: float | None = None,
        language_learning_rate: float | None = None,
        age_learning_decline: float | None = None,
        practice_rate: float | None = None,
        work_course_conflict: float | None = None,
        practice_work_weight: float | None = None,
        practice_volunteer_weight: float | None = None,
        practice_placement_weight: float | None = None,
        practice_daily_life: float | None = None,
        practice_tie_weight: float | None = None,
        extra_course_hours: float | None = None,
        hire_rate: float | None = None,
        applications_per_month: int | None = None,
        job_loss_rate: float | None = None,
        vacancy_rate: float | None = None,
        share_fulltime_offers: float | None = None,
        know_how_at_start: float | None = None,
        catch_up_months: float | None = None,
        plan_brokerage: float | None = None,
        startpunt_guidance: float | None = None,
        skills_course_guidance: float | None = None,
        reintegration_effect: float | None = None,
        subsidy_response: float | None = None,
        placement_hire_chance: float | None = None,
        brokered_fulltime_factor: float | None = None,
        more_hours_rate: float | None = None,
        scarring_per_idle_year: float | None = None,
        idle_weight_with_work_right: float | None = None,
        scar_recovery_rate: float | None = None,
        relocation_scar_months: float | None = None,
        share_outside_labour_force: float | None = None,
        share_homemaker: float | None = None,
        diploma_recognition_rate: float | None = None,
        recognition_with_help: float | None = None,
        plan_months: int | None = None,
        startpunt_newcomer_visit: float | None = None,
        startpunt_course_uptake: float | None = None,
        course_loan_eur: float | None = None,
        health_exemption_rate: float | None = None,
        exam_attempt_rate: float | None = None,
        encounter_rate: float | None = None,
        tie_decay: float | None = None,
        tie_upkeep: float | None = None,
        startpunt_distance_decay: float | None = None,
        share_low_literate_residents: float | None = None,
        share_unemployed_residents: float | None = None,
        share_trauma: float | None = None,
        persons_per_newcomer: float | None = None,
        arrival_series: str | None = None,
        surge_factor: float | None = None,
        surge_start_month: int | None = None,
        surge_months: int | None = None,
        decisions_per_month: float | None = None,
        reception_places: float | None = None,
        emergency_relocation_rate_per_year: float | None = None,
        emergency_wellbeing_toll: float | None = None,
        housing_delivery_per_month: float | None = None,
        plan_caseworkers: float | None = None,
        plan_caseload: float | None = None,
        course_places: float | None = None,
        startpunt_capacity: float | None = None,
        registered: Mapping[str, Value] | None = None,
    ) -> None:
        given = {name: value for name, value in locals().items() if name in PARAMS and value is not None}
        if registered:  # parameters of programmes registered from outside
            allowed = programmes.parameter_names()
            for name, value in registered.items():
                if name not in allowed:
                    raise ValueError(f"registered={{{name!r}: ...}}: not a parameter of a registered programme "
                                     f"(model.programmes); registered: {', '.join(allowed) or 'none'}")
                given[name] = value
        if policy not in POLICIES:
            raise ValueError(unknown_policy_message(policy))
        seed = parse_seed(rng)
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        values = validate_params({**DEFAULTS, **POLICIES[policy], **given})
        super().__init__(rng=seed)
        self.policy = policy
        self.seed = seed
        self.params: dict[str, Value] = values
        for name, value in values.items():
            setattr(self, name, value)
        self.month = 0

        with gc_paused():  # tens of thousands of new objects: collecting them half-built only costs time
            self._build_world()
            self._place_residents()
            self._place_employers()
        self.nc = NewcomerState(self.n_newcomers)
        self.newcomer_agents: list[Newcomer] = []
        self.costs = Costs()
        # Who arrives, and when, comes from a stream of its own, split off before any
        # policy-dependent draw: seed i brings the same people under every policy.
        self.population_rng = self.rng.spawn(1)[0]
        self.arrival_schedule = asylum.schedule_arrivals(self.population_rng, self.n_newcomers,
                                                         self.arrival_months)
        self.inflow = Inflow(self, self.arrival_schedule)  # every pattern draws the cohort: same people first
        self._ages, self._ages_at = np.zeros(0), (-1, -1)
        self.ties = np.zeros(0, dtype=np.int64)  # active ties of each newcomer, as of this month

        reporters = {"policy": "policy", "seed": "seed", "month": "month", "year": partial(_year)}
        reporters.update({name: partial(_report, name=name) for name in METRICS})
        self.datacollector = MetricsCollector(model_reporters=reporters)
        self.metrics = compute_metrics(self)
        self.datacollector.collect(self)
        self.queue_counts = dict.fromkeys(QUEUE_COUNTS, 0)
        self.queues: list[dict[str, float]] = [queue_row(self)]

    # --- building the world ------------------------------------------------

    def _build_world(self) -> None:
        self.world = build_world(
            self.rng, self.grid_width, self.grid_height, self.n_municipalities,
            self.n_reception_centres, self.startpunten_per_municipality, self.municipality_quality_spread,
        )
        self.grid = MooreGrid((self.grid_width, self.grid_height), torus=False, random=self.random)
        layer = self.grid.create_property_layer("municipality", default_value=0, dtype=int)
        layer.data[:] = self.world.region
        self.municipality_names = _names([m.kind for m in self.world.municipalities])
        for i, xy in enumerate(self.world.azc_cells):
            ReceptionCentre(self, i, self.grid[tuple(int(v) for v in xy)])
        for i, (xy, m) in enumerate(zip(self.world.startpunt_cells, self.world.startpunt_municipality, strict=True)):
            Startpunt(self, i, int(m), self.grid[tuple(int(v) for v in xy)])
        self.labour_demand = np.array([m.labour_demand for m in self.world.municipalities])
        # Implementation quality of each municipality, and after them 1.0 for "none" (index -1):
        # `quality_of` is then one look-up. ``self.quality`` is a view of the first part.
        self._quality_or_none = np.array([m.quality for m in self.world.municipalities] + [1.0])
        self.quality = self._quality_or_none[:-1]
        self.housing = [CellSampler(np.where(self.world.region == m, self.world.density, 0.0))
                        for m in range(self.n_municipalities)]

    def _place_residents(self) -> None:
        res = self.res = ResidentState(self.n_residents)
        xy = self.world.sample_cells(self.rng, res.n, self.world.density)
        res.x[:], res.y[:] = xy[:, 0], xy[:, 1]
        res.municipality[:] = self.world.municipality_at(xy)
        res.openness[:] = self.rng.beta(*RESIDENT_OPENNESS, res.n)
        res.literate[:] = self.rng.random(res.n) >= self.share_low_literate_residents
        res.seeking_work[:] = self.rng.random(res.n) < self.share_unemployed_residents
        res.employed[:] = ~res.seeking_work & (self.rng.random(res.n) < RESIDENT_EMPLOYMENT)
        self.resident_index = SpatialIndex(xy, self.grid_width, self.grid_height)
        population = np.bincount(res.municipality, minlength=self.n_municipalities).astype(float)
        self.municipality_quota = population / population.sum()
        for m, plan in enumerate(self.world.municipalities):
            plan.quota_share = float(self.municipality_quota[m])
            Municipality(self, m, self.municipality_names[m], plan.kind, plan.labour_demand,
                         plan.quality, plan.quota_share)
        cells = self.grid  # grid[(x, y)] is the cell there
        Resident.create_agents(self, res.n, index=range(res.n),
                               cell=[cells[xy] for xy in zip(res.x.tolist(), res.y.tolist(), strict=True)])
        startpunten.setup_residents(self)

    def _place_employers(self) -> None:
        self.emp = EmployerState(self.n_employers)
        labour.setup_employers(self)
        self.commute_index = CommuteIndex(np.column_stack([self.emp.x, self.emp.y]), self.grid_width,
                                          self.grid_height, self.commute_radius)
        for i, x, y in zip(range(self.emp.n), self.emp.x.tolist(), self.emp.y.tolist(), strict=True):
            Employer(self, i, self.grid[(x, y)])

    # --- one month ---------------------------------------------------------

    def step(self) -> None:
        """One month for everyone, in the order a month happens."""
        self.month += 1
        self.queue_counts = dict.fromkeys(QUEUE_COUNTS, 0)
        modifiers.new_month(self)
        family = self._arrive()

        new_permits = self._decide()
        households.schedule_partners(self, new_permits)
        plans.start_plans(self, np.concatenate([new_permits, family]))
        relocated = asylum.relocate(self)
        housed = asylum.house(self)
        reception.assign_places(self)
        language.schedule_course_after_housing(self, housed)

        labour.open_vacancies(self)
        met_at_startpunt = startpunten.open_doors(self)
        language.enrol(self)
        activities.volunteer_and_train(self)
        households.tend_children(self)
        plans.follow_plans(self)
        programmes.run_month(self)  # programmes registered from outside (none unless registered)

        labour.job_loss(self)
        labour.progress_placements(self)
        labour.search_and_hire(self)
        labour.adjust_hours(self)

        contacts.meet_people(self, met_at_startpunt)
        contacts.keep_up_ties(self)
        self.ties = ties = contacts.active_ties(self)

        attended = language.learn(self, exam.attendance(self), language.everyday_practice(self, ties))
        language.end_courses(self)
        exam.sit_exams(self)
        exam.grant_health_exemptions(self)
        fined = exam.face_deadlines(self)
        exam.sanction_non_cooperation(self)

        earnings = labour.monthly_earnings(self)
        exam.repay_debt(self, earnings)
        welfare.pay_and_count(self, earnings, attended)
        scarring.accumulate(self, relocated)
        wellbeing.feel(self, relocated, fined, ties == 0)

        self.metrics = compute_metrics(self)
        self.datacollector.collect(self)
        self.queues.append(queue_row(self))

    def _arrive(self) -> np.ndarray:
        """This month's asylum applicants, and family members who follow a permit holder (returned)."""
        k = asylum.arrivals_this_month(self)
        if k:
            rows = self.nc.add(k)
            asylum.draw_newcomers(self, rows)
            self._place_new_agents(rows)
        sponsors = households.sponsors_due(self)
        if sponsors.size == 0:
            return sponsors
        rows = self.nc.add(sponsors.size)
        asylum.draw_family_members(self, rows, sponsors)
        self._place_new_agents(rows)
        return np.arange(rows.start, rows.stop)

    def _place_new_agents(self, rows: slice) -> None:
        nc, cells = self.nc, self.grid
        agents = Newcomer.create_agents(self, rows.stop - rows.start, index=range(rows.start, rows.stop),
                                        cell=[cells[xy] for xy in zip(nc.x[rows].tolist(), nc.y[rows].tolist(),
                                                                      strict=True)])
        nc.uid[rows] = [agent.unique_id for agent in agents]
        self.newcomer_agents.extend(agents)

    def _decide(self) -> np.ndarray:
        before = self.nc.permit_month >= 0
        asylum.decide(self)
        return flatnonzero((self.nc.permit_month >= 0) & ~before)

    # --- helpers the submodels share ----------------------------------------

    def ages(self) -> np.ndarray:
        """Current age of every newcomer (years), computed once a month."""
        if self._ages_at != (self.month, self.nc.n):
            self._ages = self.nc.age_at_arrival + (self.month - self.nc.arrival_month) / 12.0
            self._ages_at = (self.month, self.nc.n)
        return self._ages

    def quality_of(self, municipality: np.ndarray) -> np.ndarray:
        """Implementation quality of each municipality index (1.0 for none, -1)."""
        if self.quality.base is not self._quality_or_none:  # someone replaced self.quality
            self._quality_or_none = np.append(self.quality, 1.0)
            self.quality = self._quality_or_none[:-1]
        return self._quality_or_none[municipality]

    def move_newcomers(self, who: np.ndarray, cells: np.ndarray) -> None:
        """Move newcomers who to grid cells cells (rows of x, y)."""
        self.nc.x[who], self.nc.y[who] = cells[:, 0], cells[:, 1]
        agents, grid_cells = self.newcomer_agents, self.grid
        move_agents([agents[i] for i in who.tolist()],
                    [grid_cells[xy] for xy in zip(cells[:, 0].tolist(), cells[:, 1].tolist(), strict=True)])

    def employers_within_reach(self, who: np.ndarray, k: int) -> np.ndarray:
        """``k`` random employers within commuting distance of each of ``who`` (-1: none)."""
        xy = np.column_stack([self.nc.x[who], self.nc.y[who]])
        return self.commute_index.draw(self.rng, xy, k)

    def employed_resident_ties(self, who: np.ndarray) -> np.ndarray:
        """Active ties of each of who with residents who have a job (for referrals)."""
        resident = self.nc.tie_resident[who]
        active = (self.nc.tie_strength[who] >= contacts.ACTIVE_TIE) & (resident >= 0)
        return (active & self.res.employed[np.maximum(resident, 0)]).sum(axis=1)

    # --- outputs ----------------------------------------------------------------

    def newcomer_table(self) -> pd.DataFrame:
        """One row per newcomer who has arrived, as they are now (see `model.outcomes`)."""
        return newcomer_table(self)

    def queue_table(self) -> pd.DataFrame:
        """Queues and capacity, one row per month, in persons (see `model.queues`)."""
        return pd.DataFrame(self.queues, columns=["month", *QUEUES])

    def model_table(self) -> pd.DataFrame:
        """The DataCollector's model table, one row per month, with plain column order."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return df[["policy", "seed", "month", "year", *METRICS]]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block (it is restored as it was).

    Building a model makes some 50,000 linked objects (cells, agents); the
    collector would otherwise traverse them again and again while they are
    made, which cost more than making them. Nothing is lost: what is garbage
    afterwards is collected as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _year(model: IntegrationModel) -> float:
    return model.month / 12.0


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector, which reads the model's own reporters in one pass.

    The model's reporters only read ``policy``, ``seed``, ``month``, the year and
    this month's ``model.metrics`` (numbers and strings, which Mesa's deepcopy
    returns as they are), so while they are the reporters, a month is appended
    directly. Anything else (reporters added or replaced, agent reporters) is
    collected by Mesa as usual.
    """

    def __init__(self, model_reporters: dict) -> None:
        super().__init__(model_reporters=model_reporters)
        self._own = dict(self.model_reporters)

    def collect(self, model) -> None:
        """Collect this month's row."""
        if (not self._validated or self.agent_reporters or self.agenttype_reporters
                or self.model_reporters != self._own):
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        model_vars, metrics = self.model_vars, model.metrics
        model_vars["policy"].append(model.policy)
        model_vars["seed"].append(model.seed)
        model_vars["month"].append(model.month)
        model_vars["year"].append(_year(model))
        for name in METRICS:
            model_vars[name].append(metrics[name])


def _names(kinds: list[str]) -> list[str]:
    """Readable municipality names: 'city', 'town 1', 'town 2', 'rural'."""
    n_towns = kinds.count("town")
    names, town = [], 0
    for kind in kinds:
        if kind == "town":
            town += 1
            names.append(f"town {town}" if n_towns > 1 else "town")
        else:
            names.append(kind)
    return names
