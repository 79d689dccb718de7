"""A toy programme from outside the package: a resident buddy for newly housed permit holders.

Used by ``tests/test_programmes.py`` to show that a lever, its state and its
month can be added through `model.programmes.register` without touching the
package (the recipe in ``docs/ODD.md``, "How to add a lever, a mechanism, an
outcome"). Not a calibrated mechanism: the numbers are only large enough to see.
"""

from __future__ import annotations

import numpy as np

from model import contacts
from model.fastnp import flatnonzero
from model.parameters import Param
from model.population import Phase
from model.programmes import Programme
from model.state import StateColumn

BUDDY_GUIDANCE = 0.1  # a buddy shows the way to work a little (toy value)

PARAMETERS = (
    Param("buddy_programme", False, None, "", "A resident buddy for every newly housed permit holder",
          "toy: a test of model.programmes", "programmes", lever=True),
    Param("buddy_months", 12, (1, 60), "months", "How long a buddy stays", "toy: a test of model.programmes",
          "programmes"),
)

NEWCOMER_STATE = {
    "buddy": StateColumn(np.int64, -1, "resident who is one's buddy (-1: none)", "row"),
    "buddy_until": StateColumn(np.int32, -1, "model month the buddy stops (-1: never had one)", "model month"),
}


def buddy_month(model) -> None:
    """Newly housed permit holders get a buddy nearby; those with a buddy meet and get a little guidance."""
    if not model.buddy_programme:
        return  # no draws at all: with the lever off, a run is the run without the programme
    nc = model.nc
    new = flatnonzero((nc.phase == Phase.HOUSED) & (nc.buddy_until < 0))
    xy = np.column_stack([nc.x[new], nc.y[new]])
    found = model.resident_index.random_resident_near(model.rng, xy, model.contact_radius)
    nc.buddy[new] = found
    nc.buddy_until[new] = np.where(found >= 0, model.month + model.buddy_months, -1)
    running = flatnonzero((nc.buddy >= 0) & (nc.buddy_until >= model.month) & (nc.phase != Phase.DEPARTED))
    contacts.form_ties(model, running, nc.buddy[running], boost=contacts.SHARED_ACTIVITY)
    nc.guidance[running] += BUDDY_GUIDANCE


BUDDY = Programme("buddy", PARAMETERS, NEWCOMER_STATE, buddy_month)
