"""Exercise 7, a worked example: employers who are reluctant to hire newcomers, and unlearn it.

A mechanism added *outside* the model, as a subclass of `IntegrationModel`, so
that it can be tried without touching ``model/``. The rule is a plain function
(`willingness_with_prejudice`), tested on its own; the subclass holds the state.

The mechanism. A share of employers (``share_prejudiced``) is prejudiced
against newcomers: their willingness to hire one is cut by
``employer_discrimination`` (0 = no cut, 1 = never hires). Prejudice fades
with experience: it halves with every ``hires_to_halve`` newcomers an employer
has hired, through an application or a placement (the contact hypothesis);
``hires_to_halve = inf`` keeps it fixed, as in the exercise sheet's first
version.

Source: assumption, informed by Dutch field experiments with fictitious
applications, which found that applicants with a non-Western name are invited
less often than equal applicants with a Dutch name (Andriessen, Nievers,
Faulk & Dagevos 2010, *Liever Mark dan Mohammed?*, SCP). The size of the cut
and how fast it fades are not calibrated: they are what the exercise explores.

Note what the model does *not* change: a placement ends in a job with a chance
that ignores willingness (`model.labour.progress_placements`), so placements
route around prejudice. That is an assumption of the base model, and it
matters for the result (see the solution).
"""

from __future__ import annotations

import numpy as np

from model import IntegrationModel

HIRES_TO_HALVE = 2.0  # hires of newcomers after which an employer's prejudice has halved (assumption)
STREAM = 7_000_007  # key of this mechanism's own random stream (see `DiscriminationModel`)


def willingness_with_prejudice(base, prejudiced, discrimination: float, hires,
                               hires_to_halve: float = HIRES_TO_HALVE) -> np.ndarray:
    """An employer's willingness to hire a newcomer, after prejudice.

    Args:
        base: Willingness without prejudice (0-1), one per employer.
        prejudiced: True for prejudiced employers.
        discrimination: How much prejudice cuts willingness at first (0-1).
        hires: Newcomers each employer has hired so far.
        hires_to_halve: Hires after which prejudice has halved (inf: it never fades).

    Returns:
        ``base`` times ``1 - discrimination * 0.5 ** (hires / hires_to_halve)``
        for prejudiced employers, ``base`` for the others.
    """
    fading = discrimination * 0.5 ** (np.asarray(hires, dtype=float) / hires_to_halve)
    return np.asarray(base) * np.where(prejudiced, 1.0 - fading, 1.0)


class DiscriminationModel(IntegrationModel):
    """`IntegrationModel` in which some employers are prejudiced against newcomers.

    Args:
        employer_discrimination: Cut in a prejudiced employer's willingness at first (0-1).
        share_prejudiced: Share of employers who are prejudiced (0-1).
        hires_to_halve: Hires of newcomers after which an employer's prejudice has
            halved (> 0; ``math.inf``: prejudice never fades).
        **params: ``policy``, ``rng`` and any model parameter, as for `IntegrationModel`.
    """

    def __init__(self, *, employer_discrimination: float = 0.0, share_prejudiced: float = 0.5,
                 hires_to_halve: float = HIRES_TO_HALVE, **params) -> None:
        for name, value in (("employer_discrimination", employer_discrimination),
                            ("share_prejudiced", share_prejudiced)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name}={value!r} is not allowed: expected a number in [0, 1]")
        if isinstance(hires_to_halve, bool) or not isinstance(hires_to_halve, int | float) or not hires_to_halve > 0:
            raise ValueError(f"hires_to_halve={hires_to_halve!r} is not allowed: expected a number > 0 (or inf)")
        super().__init__(**params)
        self.employer_discrimination = float(employer_discrimination)
        self.share_prejudiced = float(share_prejudiced)
        self.hires_to_halve = float(hires_to_halve)
        # Draw from a stream of our own: the model's own stream stays untouched, so
        # with discrimination 0 every run is identical to IntegrationModel's
        # (and the policies still share their common random numbers).
        stream = np.random.default_rng([self.seed, STREAM])
        self.prejudiced = stream.random(self.emp.n) < self.share_prejudiced
        self.base_willingness = self.emp.willingness.copy()
        self._apply_prejudice()

    def _apply_prejudice(self) -> None:
        self.emp.willingness[:] = willingness_with_prejudice(
            self.base_willingness, self.prejudiced, self.employer_discrimination, self.emp.hires,
            self.hires_to_halve)

    def step(self) -> None:
        """One month of the model; then employers update their prejudice from their hires."""
        super().step()
        self._apply_prejudice()
