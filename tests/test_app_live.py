"""The app's engine without a browser: settings, the live run, the newcomer story, map and chart drawing."""

from __future__ import annotations

import re

import numpy as np
import pytest

from model import LEVERS, PARAMS, POLICIES
from model.parameters import DEFAULTS
from viz.charts import CHARTS, chart_svg, legend_html
from viz.controls import describe, slider_step
from viz.live import APP_LIMITS, BASELINE, HORIZON_MONTHS, LiveRun, Settings, bounds, check_seed
from viz.map import background_png, overlay_svg, places_svg
from viz.map import legend_html as map_legend
from viz.story import PATHS, story_events, story_facts

SMALL = {"n_newcomers": 60, "n_residents": 300}


def small(**changes) -> Settings:
    settings = Settings()
    for name, value in {**SMALL, **changes}.items():
        settings = settings.with_value(name, value)
    return settings


@pytest.fixture(scope="module")
def run_two_years() -> LiveRun:
    live = LiveRun(settings=small(compare=True).with_policy("two_track").with_value("compare", True))
    for _ in range(24):
        live.step()
    return live


# --- settings -----------------------------------------------------------------


def test_choosing_a_policy_loads_exactly_its_lever_values():
    for policy, levers in POLICIES.items():
        settings = Settings().with_policy(policy)
        assert settings.levers == {name: {**DEFAULTS, **levers}[name] for name in LEVERS}
        assert settings.edited == ()


def test_a_lever_changed_by_hand_marks_the_policy_as_edited():
    settings = Settings().with_policy("two_track").with_value("fine_eur", 100.0)
    assert settings.edited == ("fine_eur",)
    assert settings.title == "two_track (edited)"


@pytest.mark.parametrize("name, value", [("fine_eur", -1.0), ("exam_level", "C2"), ("work_access_month", 61),
                                         ("n_newcomers", 200_000), ("n_residents", 10), ("nonsense", 1)])
def test_settings_refuse_values_outside_the_widget_bounds(name, value):
    with pytest.raises(ValueError):
        Settings().with_value(name, value)


@pytest.mark.parametrize("text", ["12a", "1e5", "-3", "__import__('os')", "1" * 13, "٣"])
def test_a_typed_seed_is_checked_never_evaluated(text):
    with pytest.raises(ValueError, match="seed"):
        check_seed(text)


def test_a_typed_seed_of_digits_is_kept_as_text_and_empty_means_random():
    assert check_seed(" 0042 ") == "0042"
    assert check_seed("") == ""
    assert Settings().with_value("seed", "7").model_kwargs()["rng"] == "7"
    assert Settings().with_value("seed", "").model_kwargs()["rng"] is None


def test_app_limits_only_narrow_the_spec_bounds():
    for name, (low, high) in APP_LIMITS.items():
        spec_low, spec_high = PARAMS[name].bounds
        assert spec_low <= bounds(name)[0] and bounds(name)[1] <= spec_high
        assert bounds(name)[0] <= PARAMS[name].default <= bounds(name)[1]
        assert (low, high) != ()


def test_every_lever_gets_a_caption_with_its_label_and_unit():
    for name in LEVERS:
        p = PARAMS[name]
        text = describe(name, p.default)
        assert text.startswith(p.label)
        assert p.unit in text
        if p.kind in (int, float):
            low, high = bounds(name)
            steps = (high - low) / slider_step(name)
            assert 10 <= steps <= 500, name


# --- the live run ---------------------------------------------------------------


def test_the_model_is_built_with_exactly_the_settings():
    settings = small(seed="123").with_policy("startpunten").with_value("fine_eur", 300.0)
    live = LiveRun(settings=settings)
    assert live.main.policy == "startpunten"
    assert live.main.seed == 123
    for name in LEVERS:
        assert live.main.params[name] == settings.levers[name], name
    assert live.main.params["n_newcomers"] == SMALL["n_newcomers"]
    assert live.baseline is None


def test_compare_mode_steps_the_baseline_with_the_same_seed_and_population(run_two_years):
    live = run_two_years
    assert live.baseline.policy == BASELINE
    assert live.baseline.seed == live.main.seed
    assert live.baseline.params["n_newcomers"] == live.main.params["n_newcomers"]
    assert live.baseline.month == live.main.month == 24
    assert live.baseline.params["personal_plan"] is False and live.main.params["personal_plan"] is True


def test_a_random_seed_is_drawn_once_and_shared_with_the_baseline():
    live = LiveRun(settings=small(seed="", compare=True))
    assert live.main.seed == live.baseline.seed


def test_the_run_stops_at_the_ten_year_horizon():
    live = LiveRun(settings=small(n_newcomers=10, n_residents=100))
    for _ in range(HORIZON_MONTHS + 5):
        live.step()
    assert live.month == HORIZON_MONTHS
    assert live.running is False


# --- the newcomer story -----------------------------------------------------------


def test_the_history_holds_one_row_per_month_since_arrival(run_two_years):
    history = run_two_years.history
    newcomer = int(history.ids[0])
    record = history.of(newcomer)
    assert record.month.tolist() == list(range(record.month.iloc[0], 25))
    assert set(record.path) <= set(range(len(PATHS)))


def test_a_story_starts_with_arrival_and_reads_in_month_order(run_two_years):
    history = run_two_years.history
    for newcomer in history.ids[:20].tolist():
        events = story_events(history.of(newcomer))
        assert events[0][1].startswith("arrived")
        assert [m for m, _ in events] == sorted(m for m, _ in events)
        facts = dict(story_facts(history.of(newcomer), history.person.loc[newcomer]))
        assert {"Months waiting for asylum", "Relocations between reception centres", "Courses", "Dutch",
                "Job", "Ties with residents", "Fines"} <= set(facts)


def test_someone_with_a_permit_has_a_permit_event(run_two_years):
    history = run_two_years.history
    newcomer = history.first_with_permit()
    assert history.latest["status"][list(history.ids).index(newcomer)] == "permit"
    assert any("residence permit" in text for _, text in story_events(history.of(newcomer)))


# --- drawing ------------------------------------------------------------------------


def test_the_map_draws_every_newcomer_who_has_not_left_and_every_place(run_two_years):
    live = run_two_years
    frame = live.history.latest
    svg = overlay_svg(live.main, frame, None, places_svg(live.main))
    drawn = [int(i) for i in re.findall(r'data-id="(\d+)"', svg)]
    present = frame["id"][frame["path"] != PATHS.index("departed")]
    assert sorted(drawn) == sorted(present.tolist())
    assert svg.count('class="nk-azc"') == live.main.n_reception_centres
    for name in live.main.municipality_names:
        assert f">{name}</text>" in svg
    assert background_png(live.main).startswith("data:image/png;base64,")
    assert "isolated" in map_legend(frame)


def test_the_picked_newcomer_is_circled_on_the_map(run_two_years):
    live = run_two_years
    newcomer = live.history.first_with_permit()
    svg = overlay_svg(live.main, live.history.latest, newcomer, places_svg(live.main))
    assert svg.count('class="nk-picked"') == 1


def test_each_chart_shows_its_metrics_for_policy_baseline_and_difference(run_two_years):
    live = run_two_years
    for spec in CHARTS:
        svg = chart_svg(spec, live.main, live.baseline)
        for metric in spec.metrics:
            for run in ("policy", "baseline", "difference"):
                path = re.search(rf'data-metric="{metric}" data-run="{run}" d="([^"]*)"', svg)
                assert path and path.group(1).startswith("M"), (spec.key, metric, run)
        assert "years since the start" in svg
        assert "baseline_2013" in legend_html(spec, live.main, live.baseline)


def test_a_chart_without_baseline_has_no_difference_strip():
    live = LiveRun(settings=small())
    for _ in range(12):
        live.step()
    svg = chart_svg(CHARTS[0], live.main)
    assert 'data-run="baseline"' not in svg and "nk-diff" not in svg
    assert np.isfinite(live.main.metrics["share_a2_plus"])
