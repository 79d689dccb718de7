"""The model as a whole: API, tables, reproducibility, Mesa's own tools driving it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import METRICS, NEWCOMER_TABLE_COLUMNS, IntegrationModel
from model.population import Phase

MODEL_COLUMNS = """policy seed month year n_asylum n_awaiting_housing n_housed n_departed share_employed
share_fulltime share_parttime share_job_matches_education share_volunteering share_on_welfare
mean_language_score share_a2_plus share_b1_plus share_exam_passed share_fined mean_debt_eur
share_isolated mean_resident_ties mean_wellbeing public_cost_eur fiscal_return_eur
residents_in_course residents_placed""".split()  # DESIGN's names, in its order

NEWCOMER_COLUMNS = """policy seed month id status months_in_asylum months_since_permit age gender
education literate municipality language_score cefr employed hours_per_week job_matches_education
volunteering on_welfare exam_passed fined_count debt_eur resident_ties wellbeing has_plan
used_startpunt""".split()


def test_model_table_has_the_design_columns_one_row_per_month(small):
    m = IntegrationModel(policy="startpunten", rng=3, **small)
    m.run_for(24)
    df = m.model_table()
    assert list(df.columns) == ["policy", "seed", "month", "year", *METRICS]  # every outcome declared, no other
    assert [c for c in df.columns if c in MODEL_COLUMNS] == MODEL_COLUMNS
    assert list(df["month"]) == list(range(25))
    assert (df["policy"] == "startpunten").all() and (df["seed"] == 3).all()
    assert np.allclose(df["year"], df["month"] / 12)
    assert set(METRICS) <= set(m.datacollector.get_model_vars_dataframe().columns)


def test_newcomer_table_has_the_design_columns(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(30)
    df = m.newcomer_table()
    assert list(df.columns) == list(NEWCOMER_TABLE_COLUMNS)
    assert list(df.columns)[:len(NEWCOMER_COLUMNS)] == NEWCOMER_COLUMNS  # DESIGN's names first, in its order
    assert len(df) == m.nc.n  # the asylum applicants and the family members who followed them
    assert (~df["nareiziger"]).sum() == small["n_newcomers"]
    assert set(df["status"]) <= {"asylum", "permit", "departed"}
    assert set(df["gender"]) <= {"female", "male"}
    assert set(df["education"]) <= {"none", "low", "middle", "high"}
    assert set(df["cefr"]) <= {"A0", "A1", "A2", "B1", "B2", "C1"}
    assert df.loc[df["status"] == "asylum", "months_since_permit"].isna().all()
    assert (df.loc[df["status"] == "permit", "months_since_permit"] >= 0).all()
    assert df["id"].is_unique


def test_same_seed_gives_identical_tables(small):
    def run(seed):
        m = IntegrationModel(policy="all_proposals", rng=seed, **small)
        m.run_for(36)
        return m.model_table(), m.newcomer_table()

    a, b, c = run(11), run(11), run(12)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[0].equals(c[0])


def test_seed_as_text_equals_seed_as_int(small):
    a = IntegrationModel(rng="7", **small)
    b = IntegrationModel(rng=7, **small)
    a.run_for(12)
    b.run_for(12)
    assert a.seed == b.seed == 7
    pd.testing.assert_frame_equal(a.model_table(), b.model_table())


@pytest.mark.parametrize("seed", ["abc", "-1", -3, 1.5, True])
def test_bad_seed_is_refused(seed, small):
    with pytest.raises(ValueError, match="rng="):
        IntegrationModel(rng=seed, **small)


def test_no_seed_draws_one_and_records_it(small):
    m = IntegrationModel(**small)
    assert isinstance(m.seed, int)
    again = IntegrationModel(rng=m.seed, **small)
    m.run_for(6)
    again.run_for(6)
    pd.testing.assert_frame_equal(m.model_table(), again.model_table())


def test_policy_values_can_be_overridden(small):
    m = IntegrationModel(policy="startpunten", startpunten_per_municipality=3, **small)
    assert m.startpunten_per_municipality == 3
    assert len(m.world.startpunt_cells) == 3 * m.n_municipalities


def test_agents_are_views_of_the_state(small):
    from agents import Employer, Municipality, Newcomer, ReceptionCentre, Resident

    m = IntegrationModel(rng=2, **small)
    m.run_for(20)
    newcomers = m.agents_by_type[Newcomer]
    assert len(newcomers) == m.nc.n == small["n_newcomers"] + m.nc.nareiziger.sum()
    agent = m.newcomer_agents[5]
    assert agent.language_score == m.nc.language_score[5]
    agent.language_score = 1.5
    assert m.nc.language_score[5] == 1.5
    assert (agent.cell.coordinate[0], agent.cell.coordinate[1]) == (m.nc.x[5], m.nc.y[5])
    assert len(m.agents_by_type[Resident]) == small["n_residents"]
    assert len(m.agents_by_type[Employer]) == small["n_employers"]
    assert len(m.agents_by_type[Municipality]) == m.n_municipalities
    assert len(m.agents_by_type[ReceptionCentre]) == m.n_reception_centres
    # every column of every state is an attribute of its agents, with the state's value
    from model.population import EMPLOYER_COLUMNS, RESIDENT_COLUMNS
    from model.state import newcomer_columns

    for agents, state, columns in ((m.newcomer_agents, m.nc, newcomer_columns()),
                                   (list(m.agents_by_type[Resident]), m.res, RESIDENT_COLUMNS),
                                   (list(m.agents_by_type[Employer]), m.emp, EMPLOYER_COLUMNS)):
        one = agents[3]
        for name in columns:
            if name not in ("phase", "education"):  # read as a Phase and as a name
                assert getattr(one, name) == getattr(state, name)[one.index].tolist(), name
    assert agent.phase == Phase(m.nc.phase[5]) and agent.education in ("none", "low", "middle", "high")
    assert {"course_quality", "tie_strength", "idle_scar", "debt_eur"} <= set(dir(agent))
    employed = m.agents_by_type[Newcomer].select(lambda a: a.employed)
    assert len(employed) == int(m.nc.employed.sum())
    assert agent.path in {"waiting for asylum", "permit, no work", "in a course", "volunteering",
                          "employed", "departed"}
    table = m.newcomer_table()
    assert list(table["path"]) == [a.path for a in m.newcomer_agents]
    assert list(zip(table["x"], table["y"], strict=True)) == [a.cell.coordinate for a in m.newcomer_agents]


def test_municipalities_are_regions_of_the_grid(small):
    m = IntegrationModel(rng=4, **small)
    layer = m.grid.municipality.data
    assert layer.shape == (small["grid_width"], small["grid_height"])
    assert set(np.unique(layer)) == set(range(m.n_municipalities))
    assert m.municipality_names == ["city", "town 1", "town 2", "rural"]
    assert np.isclose(m.municipality_quota.sum(), 1.0)


def test_continuous_arrivals_keep_coming(small):
    m = IntegrationModel(arrival_pattern="continuous", arrival_months=12, rng=1, **small)
    m.run_for(36)
    assert (~m.nc.nareiziger).sum() == 3 * small["n_newcomers"]
    arrivals = np.bincount(m.nc.arrival_month)
    assert arrivals[1:].min() >= small["n_newcomers"] // 12 - 1


def test_mesa_batch_run_drives_the_model_as_is(small):
    from mesa.batchrunner import batch_run

    results = batch_run(
        IntegrationModel,
        parameters={"policy": ["baseline_2013", "two_track"], **small},
        rng=[1, 2],
        max_steps=6,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    df = pd.DataFrame(results)
    assert len(df) == 4
    assert set(df["policy"]) == {"baseline_2013", "two_track"}
    assert (df["month"] == 6).all()


def test_solara_viz_reset_rebuilds_with_a_seed_typed_as_text(small):
    """SolaraViz's own controls (the sidebar's ModelCreator and ModelController) drive the model."""
    import ipyvuetify as v
    import solara
    from mesa.visualization.solara_viz import ModelController, ModelCreator, SolaraViz

    model = solara.reactive(IntegrationModel(rng=1, **small))
    params = {"rng": {"type": "InputText", "value": "1", "label": "Seed"},
              "policy": {"type": "Select", "value": "baseline_2013", "values": ["baseline_2013", "two_track"],
                         "label": "Policy"},
              **small}
    solara.render(SolaraViz(model, components=[], model_params=params), handle_error=False)

    model_parameters = solara.reactive({})

    @solara.component
    def Sidebar():
        with solara.Column():
            ModelController(model, model_parameters=model_parameters, play_interval=solara.reactive(100),
                            render_interval=solara.reactive(1), use_threads=solara.reactive(False))
            ModelCreator(model, params, model_parameters=model_parameters)

    _, rc = solara.render(Sidebar(), handle_error=False)
    assert model_parameters.value["rng"] == "1"  # the seed box holds text
    seed_box = rc.find(v.TextField, label="Seed").widget
    seed_box.v_model = "42"
    seed_box.fire_event("focusout")  # typed text is committed when the box loses focus
    rc.find(v.Select, label="Policy").widget.v_model = "two_track"
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.seed == 42
    assert model.value.policy == "two_track" and model.value.personal_plan
    assert model.value.n_newcomers == small["n_newcomers"]
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.value.month == 1


def _agents_and_cells(m):
    """Every agent's class and attributes (cells by coordinate), and every cell's agents, in order."""
    def plain(key, value):
        return "model" if key == "model" else getattr(value, "coordinate", value)

    agents = [(type(a), [(k, plain(k, v)) for k, v in a.__dict__.items()]) for a in m.agents]
    by_type = {t: [a.unique_id for a in s] for t, s in m.agents_by_type.items()}
    cells = [(c.coordinate, [a.unique_id for a in c._agents]) for c in m.grid.all_cells]
    return agents, by_type, cells, m.grid.empty.data.tolist(), m.agent_id_counter


def test_agents_made_in_bulk_are_the_agents_made_one_by_one(small, monkeypatch):
    """Mesa's `create_agents`, done in bulk (`agents.batch.RowAgent`), gives the same model as creating each agent with its __init__
    (and a subclass with its own __init__ gets its __init__ called)."""
    from agents import Resident, batch

    fast = IntegrationModel(rng=4, **small)
    fast.run_for(15)
    monkeypatch.setattr(batch, "_FAST_INITS", set())
    slow = IntegrationModel(rng=4, **small)
    slow.run_for(15)
    assert _agents_and_cells(fast) == _agents_and_cells(slow)
    assert fast.model_table().equals(slow.model_table())

    class Curious(Resident):
        def __init__(self, model, index, cell):
            super().__init__(model, index, cell)
            self.curious = True

    made = list(Curious.create_agents(fast, 2, index=range(2), cell=[fast.grid[(0, 0)], fast.grid[(1, 1)]]))
    assert [a.curious for a in made] == [True, True] and made[1].index == 1


def test_agents_moved_in_bulk_are_the_agents_moved_one_by_one(small, monkeypatch):
    """`agents.batch.move_agents` leaves every cell's agent list (in order) and empty flag as Mesa's setter does."""
    from agents import batch

    fast = IntegrationModel(rng=5, **small)
    fast.run_for(30)
    monkeypatch.setattr(batch, "_can_move_in_bulk", lambda agents, cells: False)
    slow = IntegrationModel(rng=5, **small)
    slow.run_for(30)
    assert int(fast.nc.relocations.sum()) > 0 and int(fast.metrics["n_housed"]) > 0  # both kinds of move
    assert _agents_and_cells(fast) == _agents_and_cells(slow)
    assert fast.model_table().equals(slow.model_table())


@pytest.mark.parametrize("torus", [False, True])
def test_the_fast_grid_links_its_cells_as_mesas_own(torus):
    from mesa.discrete_space import OrthogonalMooreGrid

    from model.grid import MooreGrid

    ours, mesas = MooreGrid((7, 5), torus=torus), OrthogonalMooreGrid((7, 5), torus=torus)
    for xy, cell in mesas._cells.items():
        mine = ours[xy]
        assert list(mine.connections) == list(cell.connections), xy  # same keys, same order
        assert [c.coordinate for c in mine.connections.values()] == \
               [c.coordinate for c in cell.connections.values()], xy
        assert sorted(c.coordinate for c in mine.neighborhood) == sorted(c.coordinate for c in cell.neighborhood)
