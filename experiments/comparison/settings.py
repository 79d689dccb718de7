"""What a comparison runs: its `ComparisonSettings`, checked from the user's choices (`make_settings`).

Also the constants every part of the comparison shares (horizon, report years, snapshots).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from experiments import for_whom as G
from experiments import summary as S
from experiments.inputs import did_you_mean
from model import POLICIES
from model.inflow import surge_outside_horizon
from model.parameters import as_parameters, validate_params
from model.policies import unknown_policy_message
from model.posterior import shipped_posterior

DEFAULT_SEEDS = 20
DEFAULT_YEARS = 10.0
REPORT_YEARS = (1, 3, 5, 10)
PERMIT_YEARS = (1, 2, 3, 5, 7)
SNAPSHOT_EVERY = 12
MIN_COVERAGE = 0.5  # show a years-since-permit bin only if it holds at least half the largest bin
MIN_PERMIT_SHARE = 0.1  # plot averages over permit holders once this share of newcomers holds a permit
#: The key outcomes of the "For whom" section, its figures and the README's sentence on gaps.
FOR_WHOM_METRICS = ("share_employed", "share_a2_plus", "share_isolated")
FOR_WHOM_PERMIT_YEARS = 5  # "For whom" reads this many years after the permit (or, if too few get there, the horizon)
#: Always summarised by group (cheap: done in the workers); ``--by`` adds groupings.
ALWAYS_GROUPINGS: tuple[tuple[str, ...], ...] = (("gender",),)


@dataclass(frozen=True)
class ComparisonSettings:
    """What a comparison runs.

    Attributes:
        policies: Policy names, in report order.
        seeds: Seeds; seed ``i`` is used by every policy (common random numbers).
        years: Horizon in years.
        params: Parameter overrides, the same for every policy.
        by: The groupings asked for (``--by``): each a tuple of `model.outcomes.GROUPINGS`
            names, several names a crossing; `groupings` adds gender.
        metrics: Headline metrics of the report and figures (report names).
        reference: The policy others are compared with.
        draws: Parameter sets drawn from the calibration's posterior (``--posterior K``);
            empty for a comparison at the default parameters.
        seeds_per_draw: Seeds run on each draw; seed ``i`` runs draw ``i // seeds_per_draw``.
    """

    policies: tuple[str, ...]
    seeds: tuple[int, ...]
    years: float
    params: dict = field(default_factory=dict)
    by: tuple[tuple[str, ...], ...] = ()
    metrics: tuple[str, ...] = S.REPORT_KEY_METRICS
    reference: str = S.REFERENCE_POLICY
    draws: tuple[dict, ...] = ()
    seeds_per_draw: int = 0

    def run_params(self, seed: int) -> dict:
        """The parameters of seed ``seed``'s runs: its posterior draw, then the overrides."""
        return {**self.draws[seed // self.seeds_per_draw], **self.params} if self.draws else self.params

    def draw_of(self, seed: int) -> int:
        """The posterior draw seed ``seed`` runs (0 without a posterior)."""
        return seed // self.seeds_per_draw if self.draws else 0

    @property
    def groupings(self) -> tuple[tuple[str, ...], ...]:
        """Every grouping summarised: gender (always) and those asked for."""
        return tuple(dict.fromkeys((*ALWAYS_GROUPINGS, *self.by)))

    @property
    def n_newcomers(self) -> int:
        """Newcomers per run: the divisor of the per-newcomer costs."""
        return S.cohort_size(self.params)

    @property
    def months(self) -> int:
        """Horizon in months."""
        return int(round(12 * self.years))

    @property
    def last_year(self) -> float:
        """The horizon as the ``year`` of the tables (month / 12)."""
        return self.months / 12

    def report_months(self) -> list[int]:
        """Months of the report's columns: years 1, 3, 5, 10 within the horizon, and the horizon."""
        months = [12 * y for y in REPORT_YEARS if 12 * y <= self.months]
        return sorted(set(months) | {self.months})

    def year_months(self) -> list[int]:
        """Months of summary.csv: every whole year, and the horizon."""
        return sorted(set(range(12, self.months + 1, 12)) | {self.months})


def make_settings(policies: list[str] | None, seeds: int, years: float, params: dict,
                  by=None, metrics: list[str] | None = None, posterior: int = 0,
                  reference: str | None = None) -> ComparisonSettings:
    """Check the inputs of a comparison and return its settings.

    ``by`` is one grouping (``"gender,education"``: crossed) or several (a list), as
    `experiments.for_whom.parse_groupings` reads them. ``reference``: the policy every
    difference is taken against, added in front of the policies if missing (default:
    ``baseline_2013`` if it runs, else the first policy).

    Raises:
        ValueError: Naming the bad policy, metric, grouping or parameter.
    """
    policies = list(dict.fromkeys(policies or POLICIES))
    if reference is None:
        reference = S.REFERENCE_POLICY
    if reference not in POLICIES:
        raise ValueError(f"--reference {reference!r} is not a policy; choose one of: {', '.join(POLICIES)}")
    if reference not in policies:  # every policy is compared with it: it always runs
        policies.insert(0, reference)
    for p in policies:
        if p not in POLICIES:
            raise ValueError(unknown_policy_message(p))
    if not isinstance(seeds, int) or not 1 <= seeds <= 10_000:
        raise ValueError(f"seeds={seeds!r} is not allowed: expected an integer in [1, 10000]")
    if not 0 < years <= 50:
        raise ValueError(f"years={years!r} is not allowed: expected a number in (0, 50]")
    by = G.parse_groupings(by)
    metrics = list(dict.fromkeys(metrics or S.REPORT_KEY_METRICS))
    for m in metrics:
        if m not in S.REPORT_METRICS:
            raise ValueError(f"unknown metric {m!r}"
                             + did_you_mean(m, S.REPORT_METRICS, f"; choose from: {', '.join(S.REPORT_METRICS)}"))
    params = validate_params(params)
    for p in policies:
        problem = surge_outside_horizon({**POLICIES[p], **params}, int(round(12 * years)))
        if problem:
            raise ValueError(problem)
    draws = posterior_draws(posterior, seeds)
    n_runs = seeds * max(1, len(draws))
    return ComparisonSettings(tuple(policies), tuple(range(n_runs)), float(years), params, by,
                    tuple(metrics), reference, draws, seeds if draws else 0)


POSTERIOR_SEED = 0  # which draws --posterior K takes: the same K sets in every comparison


def posterior_draws(k: int, seeds: int) -> tuple[dict, ...]:
    """``k`` parameter sets from the shipped posterior (none for ``k = 0``).

    Raises:
        ValueError: For a bad ``k``, fewer than 2 seeds per draw, or no shipped posterior.
    """
    if k == 0:
        return ()
    if not isinstance(k, int) or not 2 <= k <= 1000:
        raise ValueError(f"posterior={k!r} is not allowed: expected 0 or an integer in [2, 1000]")
    if seeds < 2:
        raise ValueError("--posterior needs --seeds 2 or more: seed noise is measured within each draw")
    posterior = shipped_posterior()
    return tuple(as_parameters(draw) for draw in posterior.draw(k, POSTERIOR_SEED))


