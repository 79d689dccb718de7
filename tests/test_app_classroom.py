"""The app ready for a class, in headless Chromium on a classroom laptop's screen (1366 x 768), offline:
charts above the fold, a newcomer picked by traits, downloads, the scenario to copy, the glossary,
Dutch and English, and a quiet terminal however many browsers connect."""

from __future__ import annotations

import csv
import io
import shlex

import pytest
from conftest import stop
from playwright.sync_api import expect
from test_app_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Watched

from experiments.cli import build_parser
from experiments.sweep_spec import spec_from_dict
from viz.launch import free_port, spawn
from viz.live import Settings
from viz.share import scenario_command, scenario_sweep

PATIENCE_MS = 90_000  # a loaded CI machine: a download or a re-filtered list can take more than Playwright's default

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def served():
    """`nieuwkomers app` on a free port, with its terminal output kept; stopped by its PID afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "app_classroom_server.log"
    with open(log_path, "w") as log:
        process = spawn(free_port_and_keep := free_port(), log=log)
        try:
            yield f"http://127.0.0.1:{free_port_and_keep}/", log_path
        finally:
            stop(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def laptop(browser, served):
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    watched = Watched(context.new_page(), served[0])
    watched.open()
    yield watched
    context.close()


def choose(app: Watched, css: str, text: str) -> None:
    app.page.locator(css).click()
    app.page.locator(".menuable__content__active .v-list-item").filter(has_text=text).first.click()


def test_charts_are_above_the_fold_on_a_laptop_screen(laptop):
    for k in range(2):  # the first row of charts, whole
        box = laptop.page.locator(".nk-chart").nth(k).bounding_box()
        assert box["y"] + box["height"] <= LAPTOP["height"], box
    assert laptop.page.get_by_role("button", name="Step").is_visible()
    laptop.page.screenshot(path=ARTIFACTS / "app_laptop.png")
    laptop.assert_clean()


def test_a_newcomer_is_picked_by_education_gender_and_status(laptop):
    for _ in range(3):
        laptop.step()
    choose(laptop, ".nk-pick-education", "high")
    choose(laptop, ".nk-pick-gender", "female")
    laptop.page.locator(".nk-pick-newcomer").click()
    options = laptop.page.locator(".menuable__content__active .v-list-item")
    options.first.wait_for()
    # the server applies each choice in turn: wait for the list to follow both (fails if it never does)
    for wanted in ("female", "education: high"):
        expect(options.filter(has_not_text=wanted)).to_have_count(0, timeout=PATIENCE_MS)
    labels = options.all_inner_texts()
    assert labels and all("female" in label and "education: high" in label for label in labels), labels
    options.first.click()
    who = laptop.page.locator(".nk-story .nk-facts tr").first.inner_text()
    assert "female" in who and "education: high" in who
    laptop.assert_clean()


def open_share(app: Watched) -> None:
    app.page.get_by_role("button", name="Show downloads and the scenario").click()
    app.page.locator(".nk-scenario-cli").wait_for()


def test_tables_and_charts_download(laptop):
    for _ in range(2):
        laptop.step()
    open_share(laptop)
    with laptop.page.expect_download(timeout=PATIENCE_MS) as download:
        laptop.page.get_by_role("button", name="Table over time (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [int(float(r["month"])) for r in rows] == [0, 1, 2] and "share_employed" in rows[0]
    with laptop.page.expect_download(timeout=PATIENCE_MS) as download:
        laptop.page.get_by_role("button", name="Newcomers this month (CSV)").click()
    assert "education" in download.value.path().read_text().splitlines()[0]
    with laptop.page.expect_download(timeout=PATIENCE_MS) as download:
        laptop.page.get_by_role("button", name="Charts (PNG)").click()
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.value.suggested_filename.endswith("-charts.png")
    laptop.assert_clean()


def test_the_scenario_is_copied_as_a_command(laptop):
    open_share(laptop)
    box = laptop.page.locator(".nk-scenario-cli")
    command = box.locator("textarea").input_value()
    assert command.startswith("nieuwkomers run --policy baseline_2013 --seed 42")
    box.locator("button").click()
    assert laptop.page.evaluate("navigator.clipboard.readText()") == command
    assert "[grid]" in laptop.page.locator(".nk-scenario-sweep textarea").input_value()
    laptop.assert_clean()


def test_the_glossary_is_at_hand(laptop):
    laptop.page.get_by_role("button", name="Glossary").click()
    glossary = laptop.page.locator(".nk-glossary")
    glossary.wait_for()
    assert "startpunt" in glossary.inner_text() and "bijstand" in glossary.inner_text()
    laptop.assert_clean()


def test_the_interface_switches_to_dutch_and_back(laptop):
    laptop.page.get_by_role("button", name="Nederlands").click()
    laptop.page.get_by_text("In de tijd", exact=True).wait_for()
    title = laptop.page.locator(".v-toolbar__title", has_text="hoe statushouders integreren")
    title.wait_for(timeout=10_000)  # the title re-renders a moment after the page body on a busy machine
    assert laptop.page.get_by_role("button", name="Woordenlijst").is_visible()
    laptop.page.get_by_role("button", name="English").click()
    laptop.page.get_by_text("Over time", exact=True).wait_for()
    laptop.assert_clean()


def test_the_terminal_stays_quiet_however_many_browsers_connect(browser, served):
    url, log_path = served
    for _ in range(3):
        context = browser.new_context(viewport=LAPTOP)
        Watched(context.new_page(), url).open()
        context.close()
    text = log_path.read_text()
    assert "Cookies" not in text and "Warning" not in text, text


# --- the scenario texts, without a browser ------------------------------------------------


def edited() -> Settings:
    return (Settings().with_policy("two_track").with_value("fine_eur", 500.0)
            .with_value("n_newcomers", 600).with_value("positive_incentives", True))


def test_the_scenario_command_runs_what_the_app_shows():
    command = scenario_command(edited(), 42)
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.policy, args.seed) == ("two_track", 42)
    assert sorted(args.set) == ["fine_eur=500.0", "n_newcomers=600", "positive_incentives=true"]


def test_the_sweep_snippet_is_a_valid_sweep_file():
    import tomllib

    spec = spec_from_dict(tomllib.loads(scenario_sweep(edited())))
    assert spec.policy == "two_track"
    assert spec.parameters == {"n_newcomers": 600, "fine_eur": 500.0, "positive_incentives": True}
    assert spec.swept == ("exam_deadline_months",)
