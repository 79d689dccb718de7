"""The app's "Design a package" view (`viz.design_view`) on a stored design written here (no runs)."""

from __future__ import annotations

import json
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
import solara

from experiments.designing.space import preset_packages
from model import LEVERS
from viz.design_view import DesignPanel, load_design, load_package, within
from viz.live import Settings, policy_levers

COSTS = {"baseline_2013": 50_000.0, "two_track": 48_000.0, "early_language": 52_000.0, "all_proposals": 70_000.0}
EFFECTS = {"baseline_2013": 0.0, "two_track": 0.15, "early_language": 0.05, "all_proposals": 0.2}


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A design folder as `nieuwkomers design` writes it, with four presets as its finalists."""
    rows = [{"package": p.name, "source": "preset", "description": p.describe(), "on_front": p.name != "baseline_2013",
             "rank": 1, "net_cost_mean": COSTS[p.name], "share_employed@5 mean": EFFECTS[p.name], **p.values()}
            for p in preset_packages() if p.name in COSTS]
    pd.DataFrame(rows).to_csv(tmp_path / "pareto.csv", index=False)
    (tmp_path / "design.json").write_text(json.dumps({"command": "design", "budget": 60_000,
                                                      "objectives": ["share_employed@5"],
                                                      "reference": "baseline_2013"}))
    return tmp_path


def test_a_stored_design_is_read_and_cut_at_the_budget(stored: Path, tmp_path: Path):
    design = load_design(stored)
    assert design.objective == "share_employed@5" and design.budget == 60_000
    assert list(within(design, 60_000)["package"]) == ["two_track", "early_language"]  # cheapest first
    assert list(within(design, 49_000)["package"]) == ["two_track"]
    assert load_design(tmp_path / "nothing-here") is None


def test_loading_a_package_sets_its_levers_and_compares_with_the_reference(stored: Path):
    design = load_design(stored)
    row = design.pareto.set_index("package", drop=False).loc["two_track"]
    settings, left_out = load_package(Settings(), row, design.reference)
    assert settings.levers == policy_levers("two_track")  # the CSV's values typed back exactly
    assert set(settings.levers) == set(LEVERS)
    assert settings.compare and settings.reference == "baseline_2013" and settings.policy == "two_track"
    assert left_out == []


def test_the_panel_loads_a_clicked_package_into_the_settings(stored: Path):
    settings = solara.reactive(Settings())
    _, rc = solara.render(DesignPanel(settings, folder=stored), handle_error=False)
    buttons = rc.find(v.Btn, class_="nk-design-package")
    assert len(buttons) == 2  # two_track and early_language are within the design's budget
    buttons.widgets[0].click()
    assert settings.value.levers == policy_levers("two_track") and settings.value.compare
    assert "two_track loaded" in rc.find(v.Alert).widget.children[0]


def test_the_panel_says_how_to_make_a_design_when_there_is_none(tmp_path: Path):
    _, rc = solara.render(DesignPanel(solara.reactive(Settings()), folder=tmp_path), handle_error=False)
    assert "nieuwkomers design --budget 60000" in rc.find(v.Html, class_="nk-caption").widget.children[0]
