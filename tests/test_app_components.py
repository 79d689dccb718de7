"""The app's page rendered with `solara.render` (no browser): widgets, policy loading, Reset, Step, fuzz,
the split view, and every text in English and Dutch."""

from __future__ import annotations

import random
import re
import string

import ipyvuetify as v
import pytest
import solara

from model import LEVERS, METRICS, PARAMS, POLICIES
from model.households import HOUSEHOLD_KINDS
from model.outcomes import GROUPINGS, NEWCOMER_MEASURES, PATHS
from model.parameters import DEFAULTS
from model.queues import QUEUES
from viz.app import Page
from viz.charts import QUEUE_LINES, charts
from viz.live import BASELINE, SPLITS, LiveRun, Settings, bounds
from viz.map import MapWidget
from viz.texts import MODEL_TEXTS, STRINGS, language

SMALL = Settings(n_newcomers=60, n_residents=300)


class App:
    """The page rendered in a layout like `solara run` gives it, with handles on its widgets."""

    def __init__(self, settings: Settings = SMALL):
        self.run = solara.reactive(LiveRun(settings=settings))
        _, self.rc = solara.render(solara.AppLayout(children=[Page(run=self.run)]), handle_error=False)

    def widget(self, name: str):
        """The widget of a setting (a lever, a population size, policy, seed or compare)."""
        kinds = {"policy": v.Select, "compare": v.Switch, "seed": v.TextField}
        if name in PARAMS:
            kinds[name] = {bool: v.Checkbox, str: v.Select}.get(PARAMS[name].kind, v.Slider)
        return self.rc.find(kinds[name], class_=f"nk-setting nk-set-{name}").widget

    def set(self, name: str, value) -> None:
        self.widget(name).v_model = value

    def press(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()

    def html(self) -> str:
        return "".join(w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets)

    @property
    def month(self) -> int:
        return int(re.search(r'class="nk-status" data-month="(\d+)"', self.html()).group(1))


@pytest.fixture
def app() -> App:
    return App()


def test_every_lever_population_size_and_the_seed_have_a_widget(app):
    for name in (*LEVERS, "n_newcomers", "n_residents", "policy", "seed", "compare"):
        app.widget(name)
    for name in LEVERS:
        widget, p = app.widget(name), PARAMS[name]
        if p.kind in (int, float):
            assert (widget.min, widget.max) == bounds(name), name
        elif p.kind is str:
            assert widget.items == list(p.bounds)
        assert widget.v_model == DEFAULTS[name], name
    assert app.widget("n_newcomers").max == bounds("n_newcomers")[1] < PARAMS["n_newcomers"].bounds[1]


def test_every_lever_is_labelled_in_plain_words_with_its_unit(app):
    texts = [w.children[0] for w in app.rc.find(v.Html, tag="span").widgets if w.children]
    labels = [w.label for kind in (v.Checkbox, v.Select) for w in app.rc.find(kind).widgets]
    shown = " | ".join(map(str, texts + labels))
    for name in LEVERS:
        assert PARAMS[name].label in shown, name
        assert PARAMS[name].unit in shown, name


@pytest.mark.parametrize("policy", list(POLICIES))
def test_choosing_a_policy_sets_the_lever_widgets(app, policy):
    app.set("policy", policy)
    values = {**DEFAULTS, **POLICIES[policy]}
    for name in LEVERS:
        assert app.widget(name).v_model == values[name], (policy, name)


def test_reset_builds_the_model_with_exactly_the_widget_values(app):
    app.set("policy", "two_track")
    app.set("fine_eur", 400.0)
    app.set("exam_level", "B1")
    app.set("startpunten_per_municipality", 3)
    app.set("positive_incentives", True)
    app.set("n_newcomers", 80)
    assert "press Reset" in str(app.rc.find(v.Alert).widgets[0].children)
    app.press("Reset")
    model = app.run.value.main
    assert model.policy == "two_track"
    for name in LEVERS:
        assert model.params[name] == app.widget(name).v_model, name
    assert (model.params["fine_eur"], model.params["exam_level"]) == (400.0, "B1")
    assert model.params["startpunten_per_municipality"] == 3 and model.params["positive_incentives"] is True
    assert model.params["n_newcomers"] == 80
    assert app.rc.find(v.Alert).widgets == []
    assert "two_track (edited)" in app.html()


def test_a_seed_typed_as_text_reaches_the_model(app):
    app.set("seed", "2024")
    app.press("Reset")
    assert app.run.value.main.seed == 2024
    app.press("Step")
    again = App(Settings(n_newcomers=60, n_residents=300, seed="2024"))
    again.press("Step")
    assert app.run.value.main.model_table().equals(again.run.value.main.model_table())


def test_a_seed_that_is_not_digits_is_refused_and_reset_keeps_the_last_good_one(app):
    app.set("seed", "7")
    app.set("seed", "7; import os")
    assert app.widget("seed").error_messages
    app.press("Reset")
    assert app.run.value.main.seed == 7


def test_step_advances_the_month_and_redraws_map_and_charts(app):
    before = app.html()
    for month in (1, 2, 3):
        app.press("Step")
        assert app.month == month == app.run.value.month
    assert app.html() != before
    overlay = app.rc.find(MapWidget).widget.overlay
    assert overlay.count("<circle data-id=") > 0


def test_compare_mode_runs_the_baseline_and_draws_both_series(app):
    app.set("policy", "all_proposals")
    app.set("compare", True)
    app.press("Reset")
    for _ in range(12):
        app.press("Step")
    live = app.run.value
    assert live.baseline.policy == BASELINE and live.baseline.seed == live.main.seed
    assert live.baseline.month == live.main.month == 12
    html = app.html()
    assert html.count('data-run="policy"') == html.count('data-run="baseline"') == html.count('data-run="difference"')
    assert html.count('class="nk-diff"') == 6


def test_clicking_a_newcomer_on_the_map_tells_their_story(app):
    for _ in range(10):
        app.press("Step")
    newcomer = int(app.run.value.history.ids[-1])
    app.rc.find(MapWidget).widget.vue_pick(str(newcomer))
    assert f'data-newcomer="{newcomer}"' in app.html()
    app.rc.find(MapWidget).widget.vue_pick(None)  # a click beside the newcomers changes nothing
    assert f'data-newcomer="{newcomer}"' in app.html()


def random_value(name: str, rnd: random.Random):
    p = PARAMS[name]
    if p.kind is bool:
        return rnd.random() < 0.5
    if p.kind is str:
        return rnd.choice(p.bounds)
    low, high = bounds(name)
    if p.kind is int:
        return rnd.randint(low, high)
    return round(rnd.uniform(low, high), 3)


def test_fuzz_random_valid_widget_values_reset_and_step_without_crashing():
    app = App()
    rnd = random.Random(20240501)
    for trial in range(6):
        chosen = {"policy": rnd.choice(list(POLICIES)), "compare": rnd.random() < 0.5,
                  "seed": str(rnd.randint(0, 10**9)), "n_newcomers": rnd.randint(10, 120),
                  "n_residents": rnd.randint(100, 600)}
        for name, value in chosen.items():
            app.set(name, value)
        for name in rnd.sample(LEVERS, k=5):
            chosen[name] = random_value(name, rnd)
            app.set(name, chosen[name])
        app.press("Reset")
        chosen["split"] = rnd.choice(SPLITS)
        app.rc.find(v.Select, class_="nk-split").widget.v_model = chosen["split"]
        for _ in range(4):
            app.press("Step")
        live = app.run.value
        assert live.month == 4 and app.month == 4, (trial, chosen)
        assert f'data-split="{chosen["split"]}"' in app.html(), (trial, chosen)
        assert (live.baseline is not None) == chosen["compare"], (trial, chosen)
        for name in LEVERS:
            assert live.main.params[name] == app.widget(name).v_model, (trial, name)
        assert not app.rc.find(v.Alert, type="error").widgets, (trial, chosen)


def test_the_inflow_control_reaches_the_model_and_the_queue_chart_shows_emergency_reception():
    app = App(Settings(n_newcomers=300, n_residents=300))
    assert 'data-chart="queues"' in app.html()
    app.rc.find(v.Select, class_="nk-setting nk-set-inflow").widget.v_model = "surge"
    app.set("compare", True)
    app.press("Reset")
    for _ in range(24):
        app.press("Step")
    live = app.run.value
    for model in (live.main, live.baseline):
        assert model.params["arrival_pattern"] == "surge"
        assert model.params["persons_per_newcomer"] == pytest.approx(25_000 / 300, abs=1e-3)
    assert live.main.queue_table()["emergency_reception"].max() > 0
    html = app.html()
    assert html.count('data-queue="emergency_reception"') == 2  # the policy and the baseline
    assert "In an emergency location (reception full)" in html


# --- the split view ----------------------------------------------------------------------


def split(app: App, value: str) -> None:
    app.rc.find(v.Select, class_="nk-split").widget.v_model = value


def employment_chart(app: App) -> str:
    return re.search(r'<svg[^>]*data-chart="employment".*?</svg>', app.html(), re.S).group(0)


def employment_legend(app: App) -> str:
    html = app.html()
    start = html.index('data-chart="employment"')
    return re.search(r'<div class="nk-legend nk-chart-legend"[^>]*>.*?</div>', html[start:], re.S).group(0)


def lines(svg: str, run: str = "policy") -> list[tuple[str, str | None, str]]:
    """(metric, group or None, path) of each line of one run in a chart."""
    found = re.findall(rf'data-metric="([^"]+)" data-run="{run}"(?: data-group="([^"]+)")? d="([^"]*)"', svg)
    return [(metric, group or None, d) for metric, group, d in found]


def test_the_split_control_offers_nothing_and_every_grouping(app):
    control = app.rc.find(v.Select, class_="nk-split").widget
    assert [item["value"] for item in control.items] == list(SPLITS) == ["none", *GROUPINGS]  # all of them
    assert [item["text"] for item in control.items] == [
        "nothing: all newcomers", "gender", "education", "age on arrival", "household", "municipality"]
    assert control.v_model == "none" and control.label == "Split the charts by"


def test_switching_the_split_changes_the_charts_series(app):
    for _ in range(14):
        app.press("Step")
    whole = lines(employment_chart(app))
    assert [metric for metric, _, _ in whole] == ["share_employed", "share_fulltime", "share_job_matches_education"]
    split(app, "gender")
    by_gender = lines(employment_chart(app))
    assert [(metric, group) for metric, group, _ in by_gender] == [("share_employed", "men"),
                                                                  ("share_employed", "women")]
    last_x = re.findall(r"[ML]([\d.]+),", whole[0][2])[-1]
    for _, _, d in by_gender:  # each group's line follows the run up to this month
        assert d.startswith("M") and re.findall(r"[ML]([\d.]+),", d)[-1] == last_x
    legend = employment_legend(app)
    assert ">men (" in legend and ">women (" in legend
    split(app, "household")
    assert [group for _, group, _ in lines(employment_chart(app))] == list(HOUSEHOLD_KINDS)
    assert "Not split" in app.html()
    split(app, "none")
    assert lines(employment_chart(app)) == whole


def test_the_split_stays_through_reset_and_shows_the_baseline_s_groups_dashed(app):
    split(app, "gender")
    app.set("compare", True)
    app.press("Reset")
    assert app.month == 0 and app.run.value.baseline is not None
    for _ in range(6):
        app.press("Step")
    svg = employment_chart(app)
    assert [group for _, group, _ in lines(svg, "baseline")] == ["men", "women"]
    assert re.search(r'data-run="baseline" data-group="men" d="M[^"]*"[^>]*stroke-dasharray', svg)
    assert [group for _, group, _ in lines(app.html(), "difference")].count("women") == 6  # one strip per chart
    assert app.run.value.groups.months == app.run.value.baseline_groups.months == list(range(7))


def test_every_interface_text_has_english_and_dutch_with_the_same_fields():
    formatter = string.Formatter()
    for key, text in STRINGS.items():
        assert set(text) == {"en", "nl"} and all(text.values()), f"{key!r} lacks a language"
        fields = {lang: {name for _, name, _, _ in formatter.parse(words) if name} for lang, words in text.items()}
        assert fields["en"] == fields["nl"], key


def test_every_split_group_chart_and_measure_shown_has_dutch():
    for name in SPLITS:
        assert f"split_{name}" in STRINGS, name
    for name, grouping in GROUPINGS.items():
        if name == "municipality":
            continue  # names of places, as on the map
        for group in grouping.order:
            assert f"group_{group}" in STRINGS or not re.search("[a-z]", group), (name, group)
    for spec in charts():
        assert f"chart_{spec.key}" in STRINGS, spec.key
        for metric in spec.metrics:
            assert METRICS[metric].label in MODEL_TEXTS, metric
    for metric in NEWCOMER_MEASURES:  # what a split can show
        assert METRICS[metric].label in MODEL_TEXTS, metric
    for text in (*PATHS, *(QUEUES[q] for q in QUEUE_LINES), *HOUSEHOLD_KINDS):
        assert text in MODEL_TEXTS, text


@pytest.fixture
def dutch(app):
    """The page in Dutch (as the app bar's switch sets it: the app bar is not rendered here)."""
    language.set("nl")
    yield app
    language.set("en")


def test_in_dutch_the_split_view_names_the_groups_in_dutch(dutch):
    app = dutch
    for _ in range(6):
        app.press("Stap")  # Mesa's Step, in Dutch
    control = app.rc.find(v.Select, class_="nk-split").widget
    assert control.label == "Grafieken uitsplitsen naar"
    assert [item["text"] for item in control.items][1:4] == ["geslacht", "opleiding", "leeftijd bij aankomst"]
    split(app, "gender")
    assert "Werk, naar geslacht" in employment_chart(app)
    legend = employment_legend(app)
    assert ">mannen (" in legend and ">vrouwen (" in legend and ">men (" not in legend
    split(app, "none")
    exam = app.html()[app.html().index('data-chart="exam"'):]
    assert "Vrijgesteld van het examen (ontheffing" in exam and "jaren sinds de start" in exam
    split(app, "household")
    assert ">eenoudergezin (" in app.html() and ">stel met kinderen (" in app.html()
    assert "Wie</th>" in app.html()  # the story too
