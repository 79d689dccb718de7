"""The simulation: parameters, policies, the world, the submodels and `IntegrationModel`.

`IntegrationModel` is imported when first asked for (PEP 562): the agents
read the state declarations of this package (`model.population`,
`model.state`), and `model.model` builds the world from the agents, so
importing it here at once would make ``import agents`` in a fresh process
depend on the order of imports.
"""

from model.outcomes import KEY_METRICS, METRICS, NEWCOMER_TABLE_COLUMNS
from model.parameters import LEVERS, PARAMS
from model.policies import POLICIES, POLICY_INFO

__all__ = ["IntegrationModel", "KEY_METRICS", "LEVERS", "METRICS", "NEWCOMER_TABLE_COLUMNS", "PARAMS",
           "POLICIES", "POLICY_INFO"]


def __getattr__(name: str):
    if name == "IntegrationModel":
        from model.model import IntegrationModel

        return IntegrationModel
    raise AttributeError(f"module 'model' has no attribute {name!r}")
