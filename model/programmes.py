"""Programmes from outside the package: a lever, its state and its month, registered in one call.

A programme is something offered to newcomers (a buddy scheme, a job-coaching
pilot). Inside the package a programme is a module of `model`: its parameters
in `model.parameters`, its columns in the module's ``NEWCOMER_STATE``, a call
in `IntegrationModel.step` (``docs/ODD.md``, "How to add a lever, a mechanism,
an outcome"). From outside (a study's own module, a classroom exercise, a
test) `register` adds the same three things without touching the package::

    from model import IntegrationModel, programmes
    from model.parameters import Param
    from model.state import StateColumn

    buddy = programmes.Programme(
        name="buddy",
        parameters=(Param("buddy_programme", False, None, "", "A resident buddy for a year",
                          "assumption: ...", "programmes", lever=True),),
        newcomer_state={"buddy": StateColumn(np.int64, -1, "resident who is one's buddy", "row")},
        monthly=buddy_month,  # a function of the model, run every month
    )
    with programmes.registered(buddy):
        IntegrationModel(registered={"buddy_programme": True}).run_for(120)

A programme's month runs after the plans' (`IntegrationModel.step`), before
work, contacts and lessons: it acts the way the built-in programmes do, by
writing the modifier columns (`model.modifiers`) that labour, language and
activities read, or through the mechanisms' public functions
(`model.contacts.form_ties`, ...). Registration lasts for the process: runs
in worker processes (``compare``, ``sweep``) do not see it, so a programme
meant for the command line belongs in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from model import parameters, state
from model.parameters import Param
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The registered programmes, by name, in the order they were registered (and run each month).
REGISTERED: dict[str, Programme] = {}


@dataclass(frozen=True)
class Programme:
    """A programme added from outside the package.

    Attributes:
        name: Its name (also the owner of its state columns).
        parameters: Its parameters (usually one lever and its intensities), given to
            `IntegrationModel` as ``registered={name: value}`` while it is registered.
        newcomer_state: The newcomer columns it owns (see `model.state`).
        monthly: Its month: a function of the model, run every month after the plans.
    """

    name: str
    parameters: tuple[Param, ...] = ()
    newcomer_state: dict[str, StateColumn] = field(default_factory=dict)
    monthly: Callable[[IntegrationModel], None] | None = None


def register(programme: Programme) -> None:
    """Add a programme: its parameters, its state columns and its month.

    Raises:
        ValueError: If its name is taken, or a parameter or column of it clashes with the
            model's parameters, columns or attributes (a parameter becomes a model attribute).
    """
    if programme.name in REGISTERED:
        raise ValueError(f"a programme named {programme.name!r} is registered already")
    for p in programme.parameters:
        if p.name in parameters.PARAMS or p.name in _model_attributes():
            raise ValueError(f"programme {programme.name!r}: parameter {p.name!r} is taken by the model")
        p.validate(p.default)
    taken = state.newcomer_columns()
    for name in programme.newcomer_state:
        if name in taken:
            raise ValueError(f"programme {programme.name!r}: newcomer column {name!r} is declared by "
                             f"model.{taken[name].owner}")
    for p in programme.parameters:
        parameters.PARAMS[p.name] = p
        parameters.DEFAULTS[p.name] = p.default
    state.EXTRA_STATE[programme.name] = dict(programme.newcomer_state)
    state.newcomer_columns.cache_clear()
    REGISTERED[programme.name] = programme


@cache
def _model_attributes() -> frozenset[str]:
    """The names a model has (methods, and the attributes it sets on itself), from the smallest model."""
    from model.model import IntegrationModel  # the model imports this module

    size = ("n_newcomers", "n_residents", "n_employers", "n_municipalities", "n_reception_centres",
            "grid_width", "grid_height")
    smallest = IntegrationModel(rng=0, **{name: parameters.PARAMS[name].bounds[0] for name in size})
    return frozenset(dir(IntegrationModel)) | frozenset(vars(smallest))


def unregister(name: str) -> None:
    """Remove a registered programme and everything it added (nothing happens for an unknown name)."""
    programme = REGISTERED.pop(name, None)
    if programme is None:
        return
    for p in programme.parameters:
        parameters.PARAMS.pop(p.name, None)
        parameters.DEFAULTS.pop(p.name, None)
    state.EXTRA_STATE.pop(name, None)
    state.newcomer_columns.cache_clear()


@contextmanager
def registered(programme: Programme) -> Iterator[Programme]:
    """Register ``programme`` for a block, and remove it afterwards whatever happens."""
    register(programme)
    try:
        yield programme
    finally:
        unregister(programme.name)


def parameter_names() -> list[str]:
    """The parameters of every registered programme."""
    return [p.name for programme in REGISTERED.values() for p in programme.parameters]


def run_month(model: IntegrationModel) -> None:
    """One month of every registered programme, in the order they were registered."""
    for programme in REGISTERED.values():
        if programme.monthly is not None:
            programme.monthly(model)
