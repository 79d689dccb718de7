"""The app's engine without a browser: settings, the live run, the newcomer story, map and chart drawing,
and the split view (each group's line)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from model import LEVERS, PARAMS, POLICIES
from model.households import HOUSEHOLD_KINDS, NO_CHILD
from model.outcomes import NEWCOMER_MEASURES
from model.parameters import DEFAULTS
from viz.charts import (
    chart_svg,
    charts,
    charts_html,
    legend_html,
    queue_legend_html,
    split_chart_svg,
    split_legend_html,
)
from viz.controls import describe, slider_step
from viz.live import (
    APP_LIMITS,
    BASELINE,
    HORIZON_MONTHS,
    SPLITS,
    LiveRun,
    Settings,
    bounds,
    check_seed,
)
from viz.map import background_png, overlay_svg, places_svg
from viz.map import legend_html as map_legend
from viz.story import PATHS, PERSON, RECORDED, story_events, story_facts
from viz.texts import language

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
        assert bounds(name) == (max(low, spec_low), min(high, spec_high))  # the app's limits are the ones used


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
    for spec in charts():
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
    svg = chart_svg(charts()[0], live.main)
    assert 'data-run="baseline"' not in svg and "nk-diff" not in svg
    assert np.isfinite(live.main.metrics["share_a2_plus"])


# --- the split view: each group's outcomes, month by month -----------------------------


def test_group_lines_start_at_month_zero_and_follow_both_runs(run_two_years):
    live = run_two_years
    assert live.groups.months == live.baseline_groups.months == list(range(25))
    for grouping in SPLITS[1:]:
        years, values = live.groups.series(grouping, "share_employed")
        assert values.shape == (25, len(live.groups.groups[grouping])), grouping
        assert years[0] == 0.0 and years[-1] == 2.0


def test_the_groups_are_fixed_and_in_their_natural_order(run_two_years):
    groups = run_two_years.groups.groups
    assert groups["gender"] == ("men", "women")
    assert groups["education"] == ("none", "low", "middle", "high")
    assert groups["age_group"] == ("18-24", "25-34", "35-44", "45+")
    assert groups["household"] == HOUSEHOLD_KINDS
    assert set(groups["municipality"]) == set(run_two_years.main.municipality_names)


@pytest.mark.parametrize("run", ["main", "baseline"])
def test_the_groups_weighted_by_their_size_add_up_to_the_line_for_everyone(run_two_years, run):
    live = run_two_years
    model, history = (live.main, live.groups) if run == "main" else (live.baseline, live.baseline_groups)
    table = model.model_table()
    for grouping in SPLITS[1:]:
        counts = np.array(history.counts[grouping], dtype=float)
        total = counts.sum(axis=1)
        assert total[-1] > 0, "nobody holds a permit after two years: the claim would be empty"
        for metric in NEWCOMER_MEASURES:
            _, values = history.series(grouping, metric)
            weighted = np.where(counts > 0, values, 0.0) * counts
            with np.errstate(invalid="ignore"):
                combined = weighted.sum(axis=1) / total
            np.testing.assert_allclose(combined, table[metric].to_numpy(dtype=float), rtol=1e-9, atol=1e-12,
                                       equal_nan=True, err_msg=f"{grouping} {metric}")


def test_every_chart_but_the_queues_can_be_split_and_the_exam_chart_shows_passed_exempted_and_fined():
    for spec in charts():
        assert spec.split_metric == spec.metrics[0] and spec.split_metric in NEWCOMER_MEASURES, spec.key
    exam = next(spec for spec in charts() if spec.key == "exam")
    assert exam.metrics == ("share_exam_passed", "share_exempted", "share_fined")


def test_a_split_chart_draws_one_line_per_group_for_policy_baseline_and_difference(run_two_years):
    live = run_two_years
    for spec in charts():
        svg = split_chart_svg(spec, "household", live.groups, live.baseline_groups)
        for run in ("policy", "baseline", "difference"):
            drawn = re.findall(rf'data-metric="{spec.split_metric}" data-run="{run}" data-group="([^"]+)"', svg)
            assert tuple(drawn) == HOUSEHOLD_KINDS, (spec.key, run)
        assert set(re.findall(r'data-metric="([^"]+)"', svg)) == {spec.split_metric}, spec.key
        colours = re.findall(r'data-run="policy" data-group="[^"]+" d="[^"]*" fill="none" stroke="([^"]+)"', svg)
        assert len(set(colours)) == len(HOUSEHOLD_KINDS), spec.key
        assert ", by household" in svg


def test_a_split_legend_names_each_group_and_in_compare_mode_its_difference(run_two_years):
    live = run_two_years
    spec = next(spec for spec in charts() if spec.key == "employment")
    alone = split_legend_html(spec, "gender", live.groups)
    assert ">men (" in alone and ">women (" in alone and "baseline_2013" not in alone
    compared = split_legend_html(spec, "gender", live.groups, live.baseline_groups)
    assert compared.count(" pp") + compared.count("no difference yet") == 2 and "baseline_2013" in compared


def test_the_queue_chart_says_that_it_is_not_split(run_two_years):
    assert "Not split" in queue_legend_html(run_two_years.main, "gender")
    assert "Not split" not in queue_legend_html(run_two_years.main)
    html = charts_html(run_two_years, "gender")
    assert html.count('data-group="women"') == 3 * len(charts())  # policy, baseline and difference in every chart
    assert 'class="nk-caption nk-split-note"' in html


# --- the newcomer's story: households, children, the exam as practised ------------------------

NOW = PATHS.index("permit, no work")
BASE_MONTH = {
    "status": "permit", "municipality": "city", "cefr": "A1", "household": "couple", "language_score": 1.2,
    "employed": False, "hours_per_week": 0.0, "job_matches_education": False, "volunteering": False,
    "on_welfare": True, "exam_passed": False, "exempted": False, "fined_count": 0, "debt_eur": 0.0,
    "resident_ties": 1, "wellbeing": 0.6, "has_plan": False, "used_startpunt": False, "housed": True,
    "relocations": 0, "months_in_asylum": 8, "course_hours": 120.0, "care_duties": False, "homemaker": False,
    "nareiziger": False, "carer": False, "has_childcare": False, "youngest_child_month": NO_CHILD,
    "partner_due_month": -1, "exam_attempts": 0, "partner_here": True, "path": NOW,
}
PERSON_SHOWN = pd.Series({"age": 31.0, "gender": "female", "education": "low", "literate": True, "kansrijk": True,
                          "nareiziger": False})


def months_of(*changes: dict) -> pd.DataFrame:
    """A newcomer's record from month 10 on: the base month with each month's changes."""
    return pd.DataFrame([{"month": 10 + k, **BASE_MONTH, **change} for k, change in enumerate(changes)])


def texts(events: list[tuple[int, str]]) -> dict[int, list[str]]:
    said: dict[int, list[str]] = {}
    for month, text in events:
        said.setdefault(month, []).append(text)
    return said


def test_a_hand_made_record_has_exactly_the_columns_of_a_recorded_one(run_two_years):
    history = run_two_years.history
    recorded = history.of(int(history.ids[0]))
    assert set(months_of({}).columns) == set(recorded.columns)
    assert set(PERSON_SHOWN.index) == set(history.person.columns)


def test_care_duties_are_read_every_month_not_drawn_once():
    assert "care_duties" in RECORDED and "care_duties" not in PERSON


def test_a_baby_brings_care_duties_and_childcare_lifts_them():
    record = months_of({}, {"carer": True, "youngest_child_month": 11, "care_duties": True,
                            "household": "couple with children"},
                       {"carer": True, "youngest_child_month": 11, "has_childcare": True,
                        "household": "couple with children"})
    said = texts(story_events(record))
    assert said[11] == ["had a baby", "cares for a young child without childcare: less time for the course and "
                                      "for work"]
    assert said[12] == ["found childcare for the young child"]
    with_duties = dict(story_facts(record.iloc[:2], PERSON_SHOWN))
    assert with_duties["Young children"].startswith("cares for a child under school age without childcare")
    assert dict(story_facts(record, PERSON_SHOWN))["Young children"] == "a child under school age, in childcare"
    assert "Young children" not in dict(story_facts(record.iloc[:1], PERSON_SHOWN))


def test_the_partner_of_a_baby_s_mother_hears_of_the_new_household():
    record = months_of({}, {"household": "couple with children"})
    assert texts(story_events(record))[11] == ["household now: couple with children"]


def test_a_partner_who_follows_is_expected_then_joins():
    record = months_of({"partner_here": False, "partner_due_month": 12}, {"partner_here": False,
                                                                          "partner_due_month": 12},
                       {"partner_here": True})
    assert texts(story_events(record))[12] == ["their partner joined them from abroad (family reunification)"]
    assert dict(story_facts(record.iloc[:2], PERSON_SHOWN))["Household"] == (
        "couple; their partner is due to follow in month 12")
    assert dict(story_facts(record, PERSON_SHOWN))["Household"] == "couple; their partner joined them in month 12 " \
                                                                   "(nareiziger)"


def test_a_family_member_who_followed_is_told_as_a_nareiziger():
    record = months_of({"nareiziger": True, "housed": False}, {"nareiziger": True})
    events = story_events(record)
    assert events[0] == (10, "arrived as a family member of a permit holder (nareiziger): a residence permit on "
                             "arrival")
    person = PERSON_SHOWN.copy()
    person["nareiziger"] = True
    assert "came as a family member of a permit holder (nareiziger)" in dict(story_facts(record, person))["Household"]


def test_failed_attempts_and_an_exemption_are_told_and_counted():
    record = months_of({}, {"exam_attempts": 1}, {"exam_attempts": 2}, {"exam_attempts": 2, "exempted": True})
    said = texts(story_events(record))
    assert said[11] == ["sat the exam and failed (attempt 1)"]
    assert said[12] == ["sat the exam and failed (attempt 2)"]
    assert said[13] == ["was exempted from the civic-integration exam (ontheffing): the obligation ends"]
    assert dict(story_facts(record, PERSON_SHOWN))["Exam"] == "exempted (ontheffing) after 2 attempt(s)"
    assert dict(story_facts(record.iloc[:2], PERSON_SHOWN))["Exam"] == "not passed yet, 1 attempt(s) so far"


def test_a_homemaker_does_not_look_for_work_until_she_starts_to():
    record = months_of({"homemaker": True}, {"homemaker": False})
    assert "does not look for paid work" in dict(story_facts(record.iloc[:1], PERSON_SHOWN))["Job"]
    assert dict(story_facts(record, PERSON_SHOWN))["Job"] == "no"
    assert texts(story_events(record))[11] == ["started looking for paid work"]


def test_the_story_is_told_in_dutch_when_the_app_speaks_dutch():
    record = months_of({}, {"exam_attempts": 1, "exempted": True})
    language.set("nl")
    try:
        facts = dict(story_facts(record, PERSON_SHOWN))
        events = story_events(record)
    finally:
        language.set("en")
    assert facts["Wie"] == "vrouw, 31 jaar, opleiding: laag"
    assert facts["Huishouden"] == "stel" and facts["Examen"] == "vrijgesteld (ontheffing) na 1 poging(en)"
    assert "kreeg ontheffing van het inburgeringsexamen: de plicht vervalt" in [text for _, text in events]


def test_nareizigers_in_a_real_run_arrive_as_family_members(run_two_years):
    history = run_two_years.history
    followers = history.ids[history.latest["nareiziger"]]
    assert len(followers) > 0, "no partner followed in two years: the claim would be empty"
    for newcomer in followers.tolist():
        assert story_events(history.of(newcomer))[0][1].startswith("arrived as a family member"), newcomer
        assert "nareiziger" in dict(story_facts(history.of(newcomer), history.person.loc[newcomer]))["Household"]


def test_care_duties_end_when_the_child_goes_to_school_or_the_partner_comes_to_share_them():
    at_school = months_of({"carer": True, "youngest_child_month": -40, "care_duties": True},
                          {"carer": True, "youngest_child_month": -40})
    assert texts(story_events(at_school))[11] == ["the youngest child goes to school: care duties end"]
    shared = months_of({"carer": True, "youngest_child_month": -60, "care_duties": True, "partner_here": False,
                        "household": "single parent"},
                       {"carer": True, "youngest_child_month": -60, "partner_here": True})
    assert "care duties end: the partner is here to share the care of the school child" in texts(
        story_events(shared))[11]
