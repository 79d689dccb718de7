"""Many agents at once: Mesa's ``create_agents``, faster for the agents that are rows of the state.

A default run has 10,000 residents. Creating them one by one through
``Agent.__init__`` (register with the model, emit a signal nobody listens
to, format a debug message, join the cell) was a third of the time it took to
build a model. `RowAgent.create_agents` (Mesa's batch ``create_agents``, same
call) makes the same agents (same class, same
attributes in the same order, same ``unique_id``, registered with the model in
the same order, in the same cells) in bulk. Where it cannot be sure of that (a
subclass with its own ``__init__``, someone listening for new agents, cells
with a capacity, agents tracked in a data set), it makes them one by one.
``tests/test_model.py`` checks that both ways give the same model.
"""

from __future__ import annotations

from mesa.agentset import AgentSet, _HardKeyAgentSet
from mesa.discrete_space import CellAgent
from mesa.discrete_space.cell_agent import HasCell
from mesa.model import ModelSignals


class RowAgent(CellAgent):
    """A Mesa agent that is a view of row ``index`` of the model's state, standing in ``cell``.

    ``Newcomer.create_agents(model, n, index=range(a, a + n), cell=cells)`` is
    Mesa's batch creation, done in bulk unless a subclass has its own ``__init__``.
    """

    def __init__(self, model, index: int, cell) -> None:
        """Create the agent for row ``index`` of its table in the model's state, in ``cell``."""
        super().__init__(model)
        self.index = index
        self.cell = cell

    @classmethod
    def create_agents(cls, model, n: int, *args, **kwargs) -> AgentSet:
        """Mesa's ``create_agents``; in bulk for ``index=range(...)`` and ``cell=[...]`` when that gives the same agents."""
        index, cells = kwargs.get("index"), kwargs.get("cell")
        bulk = (not args and set(kwargs) == {"index", "cell"} and isinstance(index, range) and index.step == 1
                and len(index) == n and len(cells) == n)
        if not bulk:
            return super().create_agents(model, n, *args, **kwargs)
        # a hard-keyed set: the same AgentSet API, without a weak reference per agent (the model holds them)
        return _HardKeyAgentSet(_create_agents_at(cls, model, list(cells), index.start), random=model.random)


#: ``__init__`` methods known to do only what `RowAgent.__init__` does (register, set index, join cell).
_FAST_INITS: set = {RowAgent.__init__}


def _create_agents_at(cls, model, cells: list, first_index: int = 0) -> list:
    """Agents ``cls(model, first_index + i, cells[i])`` for every i, in order; returns them as a list."""
    if not _can_batch(cls, model, cells):
        return [cls(model, i, cell) for i, cell in enumerate(cells, first_index)]
    first = model.agent_id_counter - first_index  # unique_id of index i is first + i
    new = cls.__new__
    agents = []
    append = agents.append
    for i, cell in enumerate(cells, first_index):
        agent = new(cls)
        # the attributes in the order Agent.__init__, cls.__init__ and the cell setter make them
        # (set one by one, not by __dict__.update, so that Python keeps them inline with
        # keys shared by all agents of the class instead of a dict per agent: 2 MB less)
        agent.model = model
        agent.unique_id = first + i
        agent.pos = None
        agent.index = i
        agent._mesa_cell = cell
        if not cell._agents:
            cell.empty = False
        cell._agents.append(agent)
        append(agent)
    model.agent_id_counter += len(agents)
    model._all_agents._agents.update(dict.fromkeys(agents))
    if agents:
        by_type = model._agents_by_type
        if cls in by_type:
            by_type[cls]._agents.update(dict.fromkeys(agents))
        else:
            by_type[cls] = _HardKeyAgentSet(agents, random=model.random)
    return agents


def _can_batch(cls, model, cells) -> bool:
    return (
        cls.__init__ in _FAST_INITS
        and issubclass(cls, CellAgent)
        and not cls._datasets
        and ("agents", ModelSignals.AGENT_ADDED) not in model.subscribers
        and model._batch_context is None
        and all(cell.capacity is None for cell in cells)
    )


_CELL_SETTER = HasCell.__dict__["cell"]


def move_agents(agents: list, cells: list) -> None:
    """``agent.cell = cell`` for each pair in order, with each vacated cell's agent list rebuilt once.

    Mesa's cell setter removes a moving agent from its old cell's list with
    ``list.remove``, which walks the list: slow for a reception centre that holds
    hundreds of newcomers. Here every agent joins its new cell in the same order,
    each old cell keeps its other agents in the same order, and every cell's
    ``empty`` flag ends as Mesa's would: the same cells, lists and flags as one
    by one. Agents whose class has its own ``cell`` setter, cells with a capacity
    and an agent moving twice fall back to one by one.
    """
    if not _can_move_in_bulk(agents, cells):
        for agent, cell in zip(agents, cells, strict=True):
            agent.cell = cell
        return
    leaving: dict[int, tuple[object, set[int]]] = {}  # old cell -> ids of the agents leaving it
    touched: dict[int, object] = {}
    for agent, cell in zip(agents, cells, strict=True):
        old = agent._mesa_cell
        if cell is old:
            continue
        cell._agents.append(agent)
        touched[id(cell)] = cell
        if old is not None:
            if id(old) in leaving:
                leaving[id(old)][1].add(id(agent))
            else:
                leaving[id(old)] = (old, {id(agent)})
                touched[id(old)] = old
        agent._mesa_cell = cell
    for old, gone in leaving.values():
        old._agents[:] = [a for a in old._agents if id(a) not in gone]
    for cell in touched.values():
        cell.empty = not cell._agents


def _can_move_in_bulk(agents: list, cells: list) -> bool:
    return (
        all(getattr(cls, "cell", None) is _CELL_SETTER for cls in {type(a) for a in agents})
        and len({id(a) for a in agents}) == len(agents)
        and all(cell.capacity is None for cell in cells)
    )
