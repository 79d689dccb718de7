"""The app's "Design a package" view (`viz.design_view`) on a stored design written here (no runs)."""

from __future__ import annotations

import json
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
import solara

from experiments.cli import main
from experiments.designing.space import preset_packages
from model import LEVERS
from viz import launch
from viz.app import Page
from viz.design_view import (
    FOLDER_VARIABLE,
    DesignPanel,
    design_folder,
    load_design,
    load_package,
    within,
)
from viz.live import Settings, policy_levers
from viz.texts import language

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
    assert f"nieuwkomers design --out {tmp_path}" in rc.find(v.Html, class_="nk-caption").widget.children[0]


def test_the_panel_speaks_dutch_and_writes_dutch_numbers(stored: Path):
    settings = solara.reactive(Settings())
    language.set("nl")
    try:
        _, rc = solara.render(DesignPanel(settings, folder=stored), handle_error=False)
        labels = [b.children[0] for b in rc.find(v.Btn, class_="nk-design-package").widgets]
        assert labels[0] == "two_track: EUR 48.000, share_employed@5 +15,0 procentpunt"
        rc.find(v.Btn, class_="nk-design-package").widgets[0].click()
        assert "geladen: druk op Opnieuw" in rc.find(v.Alert).widget.children[0]
    finally:
        language.set("en")


def test_a_budget_below_every_package_says_what_the_cheapest_costs(stored: Path):
    _, rc = solara.render(DesignPanel(solara.reactive(Settings()), folder=stored), handle_error=False)
    rc.find(v.Slider).widget.v_model = 40_000.0
    assert not rc.find(v.Btn, class_="nk-design-package").widgets
    captions = " ".join(w.children[0] for w in rc.find(v.Html, class_="nk-caption").widgets)
    assert "the cheapest costs EUR 48,000" in captions


def test_the_page_opens_the_design_given_to_the_app(stored: Path, monkeypatch):
    monkeypatch.setenv(FOLDER_VARIABLE, str(stored))
    _, rc = solara.render(Page(), handle_error=False)
    assert not rc.find(v.Btn, class_="nk-design-package").widgets  # read from disk only when asked for
    rc.find(v.Btn, class_="nk-design-open").widget.click()
    assert len(rc.find(v.Btn, class_="nk-design-package").widgets) == 2


def test_app_design_must_name_a_folder_with_a_design(tmp_path: Path, stored: Path, capsys, monkeypatch):
    import solara.__main__

    monkeypatch.setattr(solara.__main__, "cli", None)  # never reached
    assert main(["app", "--design", str(tmp_path / "none"), "--no-open", "--port", str(launch.free_port())]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--design" in err and "no design found" in err
    monkeypatch.setenv(FOLDER_VARIABLE, "")  # restored (removed) after the test
    launch.use_design_folder(str(stored))
    assert load_design(design_folder()) is not None
