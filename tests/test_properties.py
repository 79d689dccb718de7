"""Invariants that must hold for any valid parameters, seed and moment (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import METRICS, POLICIES, IntegrationModel
from model.population import MAX_TIES, Phase

settings.register_profile("model", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("model")

worlds = st.fixed_dictionaries({
    "policy": st.sampled_from(list(POLICIES)),
    "rng": st.integers(0, 2**31),
    "n_newcomers": st.integers(1, 120),
    "n_residents": st.integers(50, 800),
    "n_employers": st.integers(1, 30),
    "n_municipalities": st.integers(1, 5),
    "grid_width": st.integers(20, 45),
    "grid_height": st.integers(20, 45),
    "n_reception_centres": st.integers(1, 4),
    "arrival_pattern": st.sampled_from(["cohort", "continuous"]),
    "arrival_months": st.integers(1, 24),
    "asylum_wait_months": st.floats(1, 36),
    "recognition_rate": st.floats(0, 1),
    "housing_wait_months": st.floats(0, 36),
    "relocation_rate_per_year": st.floats(0, 6),
    "startpunten_per_municipality": st.integers(0, 3),
    "fine_eur": st.floats(0, 5000),
    "exam_deadline_months": st.integers(6, 60),
    "employer_subsidy": st.floats(0, 1),
    "personal_plan": st.booleans(),
    "benefit_sanction": st.booleans(),
})


@given(params=worlds, months=st.integers(1, 60))
def test_invariants_hold_everywhere(params, months):
    m = IntegrationModel(**params)
    m.run_for(months)
    nc, n = m.nc, m.nc.n
    df = m.model_table()
    last = df.iloc[-1]

    # Everyone who arrived is in exactly one state.
    phase = nc.phase
    assert set(np.unique(phase)) <= {p.value for p in Phase}
    counted = last[["n_asylum", "n_awaiting_housing", "n_housed", "n_departed"]].sum()
    assert counted == n == len(m.newcomer_table()) == len(m.newcomer_agents)

    # Shares are in [0, 1] (or undefined before anyone holds a permit).
    for name, metric in METRICS.items():
        values = df[name].to_numpy(dtype=float)
        if metric.is_share:
            ok = np.isnan(values) | ((values >= 0) & (values <= 1))
            assert ok.all(), name

    # Money never negative where it cannot be; cumulative money never falls.
    assert (nc.debt_eur >= 0).all() and (nc.loan_eur >= 0).all()
    assert (df["public_cost_eur"].diff().dropna() >= -1e-6).all()
    assert (df["fiscal_return_eur"].diff().dropna() >= -1e-6).all()

    # Jobs, hours and vacancies are consistent.
    employed = nc.employed
    assert ((nc.hours_per_week > 0) == employed).all()
    assert (nc.hours_per_week <= 40).all()
    assert (m.emp.vacancies >= 0).all()
    assert (m.emp.placements_used >= 0).all() and (m.emp.placements_used <= m.emp.placement_slots).all()
    assert not employed[phase == Phase.DEPARTED].any()

    # State stays in its range.
    assert ((nc.wellbeing >= 0) & (nc.wellbeing <= 1)).all()
    assert ((nc.language_score >= 0) & (nc.language_score < 6)).all()
    strength = nc.tie_strength
    assert ((strength >= 0) & (strength <= 1)).all() and strength.shape[1] == MAX_TIES
    assert ((nc.tie_resident >= -1) & (nc.tie_resident < m.n_residents)).all()

    # Only permit holders can be on welfare or have passed the exam.
    no_permit = phase != Phase.HOUSED
    assert not nc.on_welfare[no_permit].any()
    assert not nc.exam_passed[phase == Phase.ASYLUM].any()
