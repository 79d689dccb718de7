"""Contacts: ties come from meeting people in space, language eases them, they fade without contact."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, contacts, startpunten
from model.population import MARKET_COURSE, Phase


def test_language_eases_contact():
    assert contacts.language_ease(0.0) < contacts.language_ease(1.5) < contacts.language_ease(3.0) == 1.0


def test_open_residents_become_ties_closed_ones_do_not(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(2)
    who = np.arange(min(50, m.nc.n))
    m.nc.language_score[who] = 3.0
    m.nc.tie_strength[who] = 0.0
    m.nc.tie_resident[who] = -1
    closed, open_ = 0, 1
    m.res.openness[closed], m.res.openness[open_] = 0.0, 1.0
    contacts.form_ties(m, who, np.full(who.size, closed))
    assert (m.nc.tie_resident[who] == -1).all()
    for _ in range(10):
        contacts.form_ties(m, who, np.full(who.size, open_))
    assert (m.nc.tie_resident[who] == open_).any(axis=1).mean() > 0.9


def test_ties_fade_without_contact(small):
    m = IntegrationModel(rng=2, tie_decay=0.5, **small)
    m.run_for(2)
    who = np.arange(m.nc.n)
    m.nc.tie_resident[who, 0] = 0
    m.nc.tie_strength[who, 0] = 1.0
    m.nc.language_score[who] = 0.0
    for _ in range(12):
        contacts.keep_up_ties(m)
    assert m.nc.tie_strength[who, 0].mean() < contacts.ACTIVE_TIE
    assert (m.nc.tie_resident[who, 0] == -1).mean() > 0.5


def test_startpunt_nearby_raises_contact_chances():
    near, far = startpunten.visit_chance(np.array([0.0, 30.0]), 0.5, 8.0)
    assert near == 0.5 and far < near / 8


def test_startpunten_reduce_isolation_and_reach_residents(small):
    def run(policy):
        isolated, reached = [], []
        for seed in range(3):
            m = IntegrationModel(policy=policy, rng=seed, **small)
            m.run_for(48)
            isolated.append(m.metrics["share_isolated"])
            reached.append(m.res.ever_in_course.sum() + m.res.placed.sum())
        return np.mean(isolated), np.mean(reached)

    base, with_hubs = run("baseline_2013"), run("startpunten")
    assert with_hubs[0] < base[0]
    assert base[1] == 0 and with_hubs[1] > 0


def test_newcomers_near_a_startpunt_visit_it_more(small):
    m = IntegrationModel(policy="startpunten", rng=4, startpunten_per_municipality=1,
                         **{**small, "grid_width": 80, "grid_height": 80})
    m.run_for(40)
    nc = m.nc
    housed = np.flatnonzero(nc.phase == Phase.HOUSED)
    _, dist = startpunten.nearest_startpunt(m, nc.x[housed], nc.y[housed], nc.municipality[housed])
    visits = np.zeros(housed.size)
    for _ in range(12):
        m.step()
        visits += nc.visited_startpunt[housed]
    near = visits[dist <= np.median(dist)].mean()
    far = visits[dist > np.median(dist)].mean()
    assert near > 1.5 * far


def _colleague_ties(m, who):
    """Give each of ``who`` a strong tie with a colleague at their job (employer 0), and that job."""
    nc = m.nc
    nc.employed[who] = True
    nc.employer[who] = 0
    nc.tie_resident[who] = -1
    nc.tie_strength[who] = 0.0
    nc.tie_resident[who, 0] = np.arange(who.size)
    nc.tie_strength[who, 0] = 1.0
    nc.tie_setting[who, 0] = contacts.WORK
    nc.tie_place[who, 0] = 0
    nc.language_score[who] = 3.0  # full ease of contact


def test_a_tie_lapses_when_its_setting_ends_unless_kept_up(small):
    kept = {}
    for upkeep in (0.0, 1.0):
        m = IntegrationModel(rng=5, tie_upkeep=upkeep, **small)
        m.run_for(30)
        who = np.flatnonzero(m.nc.phase == Phase.HOUSED)[:40]
        _colleague_ties(m, who)
        assert contacts.setting_lasts(m)[who, 0].all()
        for _ in range(12):  # still colleagues: the tie is kept up at work
            contacts.keep_up_ties(m)
        assert (m.nc.tie_strength[who, 0] >= contacts.ACTIVE_TIE).mean() > 0.9
        m.nc.employed[who] = False  # the job ends; so does the setting that carried the tie
        m.nc.employer[who] = -1
        assert not contacts.setting_lasts(m)[who, 0].any()
        for _ in range(24):
            contacts.keep_up_ties(m)
        kept[upkeep] = (m.nc.tie_strength[who, 0] >= contacts.ACTIVE_TIE).mean()
    assert kept[0.0] < 0.05 and kept[1.0] > 0.8


NO_STARTPUNT_VISITS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _sixty_housed_alone(small: dict, seed: int) -> tuple[IntegrationModel, np.ndarray]:
    """A model 30 months on where only 60 housed newcomers meet anyone: no ties, no setting, Dutch at B1."""
    m = IntegrationModel(rng=seed, encounter_rate=0.0, **small)
    m.run_for(30)
    nc = m.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)[:60]
    nc.phase[np.setdiff1d(np.arange(nc.n), who)] = Phase.DEPARTED
    nc.employed[who], nc.volunteering[who], nc.placement_months[who], nc.course_kind[who] = False, False, 0, 0
    nc.tie_resident[who], nc.tie_strength[who] = -1, 0.0
    nc.language_score[who] = 3.0
    return m, who


def _ties_after_six_months(m: IntegrationModel, who: np.ndarray) -> np.ndarray:
    """Six months of meetings (no startpunt visits); which of ``who``'s tie slots hold a resident."""
    for _ in range(6):
        contacts.meet_people(m, NO_STARTPUNT_VISITS)
    return m.nc.tie_resident[who] >= 0


def test_colleagues_become_ties(small):
    m, who = _sixty_housed_alone(small, seed=6)
    nc = m.nc
    nc.employed[who], nc.hours_per_week[who], nc.employer[who] = True, 38.0, 0
    made = _ties_after_six_months(m, who)
    assert made.any(axis=1).mean() > 0.5
    assert (nc.tie_setting[who][made] == contacts.WORK).all()
    assert (nc.tie_place[who][made] == 0).all()
    nc.employed[who] = False  # without the job, nobody new is met (neighbourhood encounters are off)
    nc.tie_resident[who], nc.tie_strength[who] = -1, 0.0
    assert not _ties_after_six_months(m, who).any()


def test_isolation_does_not_heal_with_time_without_a_setting_that_keeps_ties():
    """People without work, volunteering, a course or a placement stay isolated for years (SCP 2020)."""
    idle_isolated, change = [], []
    for seed in range(2):
        m = IntegrationModel(rng=seed)
        shares = {}
        for month in (54, 100):
            m.run_for(month - m.month)
            nc = m.nc
            adult = (nc.permit_month >= 0) & (nc.phase != Phase.DEPARTED) & (m.ages() < 65)
            shares[month] = (m.ties[adult] == 0).mean()
        idle = adult & ~nc.employed & ~nc.volunteering & (nc.course_kind == 0) & (nc.placement_months == 0)
        idle_isolated.append((m.ties[idle] == 0).mean())
        change.append(shares[100] - shares[54])
    assert min(idle_isolated) > 0.5, idle_isolated
    # Hardly any healing over four years: before ties lapsed with their setting, the share fell by about
    # 25 points; the record shows no fall, the shipped defaults some 10 (kept aside, docs/ODD.md 10a).
    assert np.mean(change) > -0.12, change


def test_the_active_ties_of_some_newcomers_are_theirs(small):
    m = IntegrationModel(rng=3, **small)
    m.run_for(2)
    nc = m.nc
    nc.tie_strength[:] = 0.0
    nc.tie_strength[5, :3] = 0.5
    nc.tie_strength[8, :2] = [0.5, contacts.ACTIVE_TIE / 2]  # one active, one too weak to count
    assert list(contacts.active_ties(m, np.array([8, 5]))) == [1, 3]
    assert contacts.active_ties(m)[5] == 3 and contacts.active_ties(m)[0] == 0


def test_a_tie_met_again_grows_stronger_up_to_full_strength(small):
    m = IntegrationModel(rng=4, **small)
    m.run_for(2)
    nc, resident = m.nc, 0
    who = np.array([1, 2])
    m.res.openness[resident] = 1.0
    nc.language_score[who] = 3.0
    nc.tie_resident[who] = -1
    nc.tie_strength[who] = 0.0
    nc.tie_resident[who, 0] = resident
    nc.tie_strength[who, 0] = [0.5, 0.9]
    contacts.form_ties(m, who, np.full(2, resident), boost=1e6)  # they surely meet again
    assert np.allclose(nc.tie_strength[who, 0], [0.5 + contacts.REFRESH_GAIN, 1.0])


def test_a_newcomer_meeting_a_stranger_makes_a_new_tie_even_when_another_meets_an_acquaintance(small):
    m = IntegrationModel(rng=7, **small)
    m.run_for(2)
    nc = m.nc
    knows, new = 1, 2  # newcomer 1 meets a resident it knows; newcomer 2 one it never met
    acquaintance, stranger = 0, 1
    m.res.openness[[acquaintance, stranger]] = 1.0
    nc.language_score[[knows, new]] = 3.0
    nc.tie_resident[[knows, new]], nc.tie_strength[[knows, new]] = -1, 0.0
    nc.tie_resident[knows, 2], nc.tie_strength[knows, 2] = acquaintance, 0.4
    contacts.form_ties(m, np.array([knows, new]), np.array([acquaintance, stranger]), boost=1e6)  # both ties form
    assert np.isclose(nc.tie_strength[knows, 2], 0.4 + contacts.REFRESH_GAIN)  # the acquaintance, met again
    assert (nc.tie_resident[new] == stranger).sum() == 1
    assert nc.tie_strength[new][nc.tie_resident[new] == stranger] == contacts.NEW_TIE_STRENGTH  # a new tie


def test_course_ties_rest_on_the_course_and_on_no_employer(small):
    m, who = _sixty_housed_alone(small, seed=8)
    nc = m.nc
    nc.course_kind[who] = MARKET_COURSE
    m.res.openness[:] = 1.0
    made = _ties_after_six_months(m, who)
    assert made.any(axis=1).mean() > 0.3
    assert (nc.tie_setting[who][made] == contacts.COURSE).all()
    assert (nc.tie_place[who][made] == -1).all()  # no employer, unlike a work or placement tie
