"""The simulation: parameters, policies, the world, the submodels and `IntegrationModel`."""

from model.model import IntegrationModel
from model.outcomes import KEY_METRICS, METRICS, NEWCOMER_TABLE_COLUMNS
from model.parameters import LEVERS, PARAMS
from model.policies import POLICIES, POLICY_INFO

__all__ = ["IntegrationModel", "KEY_METRICS", "LEVERS", "METRICS", "NEWCOMER_TABLE_COLUMNS", "PARAMS",
           "POLICIES", "POLICY_INFO"]
