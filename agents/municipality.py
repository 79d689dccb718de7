"""The municipality (gemeente): a region of the grid that houses, guides and pays."""

from __future__ import annotations

from mesa import Agent


class Municipality(Agent):
    """A municipality: a region of the grid with its own labour demand and implementation quality.

    It houses permit holders by a quota (its share of the population), pays
    bijstand and runs work reintegration; under the proposals it also makes
    personal plans, matches and supervises courses, brokers placements and
    runs startpunten (study §3.2 Probleem 3 and §3.4 III). How well it does so
    differs (``quality``, kader 3.8).

    Attributes:
        index: Region number on the grid's ``municipality`` property layer.
        name: "city", "town 1", ..., "rural".
        kind: "city", "town" or "rural".
        labour_demand: Multiplies job turnover (1 = average).
        quality: Implementation quality (1 = average).
        quota_share: Share of permit holders it must house.
    """

    def __init__(self, model, index: int, name: str, kind: str, labour_demand: float,
                 quality: float, quota_share: float) -> None:
        """Create a municipality."""
        super().__init__(model)
        self.index = index
        self.name = name
        self.kind = kind
        self.labour_demand = labour_demand
        self.quality = quality
        self.quota_share = quota_share
