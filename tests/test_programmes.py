"""A lever from outside the package: `model.programmes.register` adds a toy buddy programme (issue 23).

The toy (``tests/toy_buddy.py``) is written the way ``docs/ODD.md`` ("How to
add a lever, a mechanism, an outcome") says: its parameters, its state columns
and its month, registered in one call, touching no file of the package. If the
registration path or the recipe rots, these tests fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL
from toy_buddy import BUDDY

from model import IntegrationModel, parameters, programmes
from model.contacts import active_ties
from model.parameters import Param
from model.population import Phase
from model.programmes import Programme
from model.state import StateColumn, newcomer_columns

ROOT = Path(__file__).resolve().parent.parent


def _isolated_share(on: bool, seed: int) -> float:
    m = IntegrationModel(rng=seed, registered={"buddy_programme": on}, **SMALL)
    m.run_for(36)
    housed = m.nc.phase == Phase.HOUSED
    return float((active_ties(m)[housed] == 0).mean())


def test_a_registered_programme_runs_with_its_lever_and_its_state():
    with programmes.registered(BUDDY):
        m = IntegrationModel(rng=0, registered={"buddy_programme": True, "buddy_months": 6}, **SMALL)
        m.run_for(24)
        nc = m.nc
        assert m.buddy_months == 6 and m.params["buddy_programme"] is True
        had = nc.buddy_until >= 0
        assert had.any() and (nc.buddy[had] >= 0).all()
        assert np.isin(nc.phase[had], [Phase.HOUSED, Phase.DEPARTED]).all()
        with pytest.raises(ValueError, match="buddy_months"):
            IntegrationModel(registered={"buddy_months": 0}, **SMALL)


def test_a_buddy_lowers_isolation_on_the_same_seeds():
    with programmes.registered(BUDDY):
        gaps = [_isolated_share(False, seed) - _isolated_share(True, seed) for seed in range(3)]
    assert min(gaps) > 0.05, gaps  # measured: 0.16 to 0.27 points fewer isolated after three years


def test_registered_but_switched_off_changes_no_result():
    plain = IntegrationModel(rng=3, **SMALL)
    plain.run_for(24)
    with programmes.registered(BUDDY):
        off = IntegrationModel(rng=3, **SMALL)
        off.run_for(24)
    pd.testing.assert_frame_equal(plain.model_table(), off.model_table())
    pd.testing.assert_frame_equal(plain.newcomer_table(), off.newcomer_table())


def test_unregistering_leaves_the_package_as_it_was():
    params, defaults, columns = dict(parameters.PARAMS), dict(parameters.DEFAULTS), dict(newcomer_columns())
    with programmes.registered(BUDDY):
        assert "buddy_programme" in parameters.PARAMS and "buddy" in newcomer_columns()
    assert parameters.PARAMS == params and parameters.DEFAULTS == defaults and newcomer_columns() == columns
    assert not programmes.REGISTERED
    with pytest.raises(ValueError, match="buddy_programme.*registered: none"):
        IntegrationModel(registered={"buddy_programme": True})
    with pytest.raises(TypeError, match="buddy_programme"):
        IntegrationModel(buddy_programme=True)
    with pytest.raises(RuntimeError), programmes.registered(BUDDY):  # removed even when the block fails
        raise RuntimeError
    assert "buddy_programme" not in parameters.PARAMS


def _param(name: str) -> Param:
    return Param(name, 1.0, (0.0, 2.0), "", "a clash", "toy", "programmes")


@pytest.mark.parametrize("programme", [
    Programme("clash", (_param("hire_rate"),)),  # an existing parameter
    Programme("clash", (_param("month"),)),  # a model attribute it would overwrite
    Programme("clash", (_param("run_for"),)),  # a model method
    Programme("clash", (), {"in_plan": StateColumn(np.bool_, False, "a clash")}),  # a declared column
    Programme("clash", (Param("bad", 5.0, (0.0, 2.0), "", "out of its bounds", "toy", "programmes"),)),
])
def test_a_programme_cannot_shadow_the_model(programme):
    with pytest.raises(ValueError):
        programmes.register(programme)
    assert not programmes.REGISTERED and "bad" not in parameters.PARAMS


def test_registered_takes_only_the_parameters_of_registered_programmes():
    with programmes.registered(BUDDY), pytest.raises(ValueError, match="hire_rate.*buddy_programme, buddy_months"):
        IntegrationModel(registered={"hire_rate": 0.3})


def test_a_name_is_registered_once():
    with programmes.registered(BUDDY), pytest.raises(ValueError, match="registered already"):
        programmes.register(BUDDY)


def test_the_recipe_names_the_registration_path_and_the_toy():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    recipe = odd[odd.index("### How to add a lever, a mechanism, an outcome"):]
    recipe = recipe[: recipe.index("\n## ")]
    for needed in ("model.programmes", "register", "tests/toy_buddy.py", "model/parameters.py",
                   "model/modifiers.py", "tests/test_levers.py", "docs/odd_tables.py"):
        assert needed in recipe, needed
