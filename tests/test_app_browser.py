"""The app end to end: `nieuwkomers app` served for real, driven in headless Chromium, offline.

Every request that does not go to the app's own server is blocked and
recorded, so these tests prove that the page works without internet. The
screenshots and the measured timings land in tests/artifacts/ (not in git).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import stop

from viz.launch import free_port, spawn

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-proxy-server"]
ARTIFACTS = Path(__file__).parent / "artifacts"
TIMINGS: dict[str, object] = {}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)"),
]


@pytest.fixture(scope="module")
def server():
    """`nieuwkomers app` on a free port; stopped by its PID afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    with open(ARTIFACTS / "app_server.log", "w") as log:
        process = spawn(port, log=log)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            stop(process)
    (ARTIFACTS / "app_browser_timings.json").write_text(json.dumps(TIMINGS, indent=2))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with everything that went wrong on it: console errors, page errors, requests off this machine."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []
        host = urlparse(url).netloc
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

        def only_local(route):
            if urlparse(route.request.url).netloc == host or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.external_requests.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)

    def open(self) -> float:
        """Load the page; returns seconds until the map and all charts are drawn."""
        start = time.monotonic()
        self.page.goto(self.url)
        self.page.locator("circle[data-id], .nk-map-svg").first.wait_for(timeout=60_000)
        self.page.locator(".nk-chart").nth(5).wait_for(timeout=60_000)
        return time.monotonic() - start

    @property
    def month(self) -> int:
        return int(self.page.locator(".nk-status").get_attribute("data-month"))

    def step(self) -> float:
        """Press Step; returns seconds until the page shows the next month."""
        target = self.month + 1
        start = time.monotonic()
        self.page.get_by_role("button", name="Step").click()
        self.page.locator(f'.nk-status[data-month="{target}"]').wait_for(timeout=30_000)
        return time.monotonic() - start

    def step_to(self, month: int) -> None:
        """Press Step once (as many months as Months per Step says) and wait for ``month``."""
        self.page.get_by_role("button", name="Step").click()
        self.page.locator(f'.nk-status[data-month="{month}"]').wait_for(timeout=120_000)

    def line(self, chart: str, metric: str, run: str = "policy") -> str:
        return self.page.locator(f'.nk-chart[data-chart="{chart}"] path[data-metric="{metric}"]'
                                 f'[data-run="{run}"]').get_attribute("d")

    def choose_policy(self, policy: str) -> None:
        self.page.locator(".nk-set-policy").click()
        self.page.locator(".menuable__content__active .v-list-item").filter(has_text=f"{policy}:").click()

    def assert_clean(self) -> None:
        assert self.external_requests == [], "the page asked the internet for something"
        assert self.page_errors == []
        assert self.console_errors == []


@pytest.fixture
def app(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    watched = Watched(context.new_page(), server)
    yield watched
    context.close()


def test_the_page_renders_offline_without_errors(app):
    seconds = app.open()
    TIMINGS["first_render_s"] = round(seconds, 2)
    assert app.month == 0
    assert app.page.locator(".nk-map-svg").count() == 1
    assert app.page.locator(".nk-chart").count() == 7  # six outcomes and the queues
    for label in ("Reset", "Step"):
        assert app.page.get_by_role("button", name=label).is_visible()
    app.page.screenshot(path=ARTIFACTS / "app_start.png")
    app.assert_clean()
    assert seconds < 30, f"first render took {seconds:.1f} s"  # the 5 s target is measured in bench_app.py


def test_step_advances_the_month_and_the_charts_change(app):
    app.open()
    before = app.line("employment", "share_employed")
    latencies = [app.step() for _ in range(14)]
    assert app.month == 14
    after = app.line("employment", "share_employed")
    assert after != before and after.startswith("M")
    assert app.page.locator("circle[data-id]").count() > 0
    TIMINGS["step_click_to_redraw_s"] = {"median": round(statistics.median(latencies), 3),
                                         "max": round(max(latencies), 3), "n": len(latencies)}
    app.assert_clean()


def test_play_runs_months_until_paused(app):
    app.open()
    app.page.get_by_role("button", name="▶").click()
    app.page.wait_for_function("Number(document.querySelector('.nk-status').dataset.month) >= 6",
                               timeout=60_000)
    app.page.get_by_role("button", name="❚❚").click()
    app.page.get_by_role("button", name="▶").wait_for()
    app.page.wait_for_timeout(800)  # a month already under way may still be drawn
    paused = app.month
    app.page.wait_for_timeout(1200)
    assert app.month == paused >= 6
    app.assert_clean()


def test_choosing_a_policy_loads_its_levers_and_reset_applies_them(app):
    app.open()
    from playwright.sync_api import expect

    expect(app.page.locator(".nk-set-personal_plan input")).not_to_be_checked()
    app.choose_policy("two_track")
    expect(app.page.locator(".nk-set-personal_plan input")).to_be_checked()
    expect(app.page.locator(".nk-caption").filter(has_text="may work: 0 months")).to_be_visible()
    expect(app.page.locator(".nk-pending")).to_be_visible()
    app.page.get_by_role("button", name="Reset").click()
    app.page.get_by_text("Map: two_track").wait_for()
    assert "policy two_track" in app.page.locator(".nk-status").inner_text()
    assert app.page.locator(".nk-pending").count() == 0
    assert app.page.locator('.nk-policy-info[data-policy="two_track"]').get_attribute("open") is not None
    app.assert_clean()


def test_compare_mode_shows_both_series_and_the_difference(app):
    app.open()
    app.choose_policy("all_proposals")
    app.page.locator(".nk-set-compare input").check(force=True)
    app.page.get_by_role("button", name="Reset").click()
    app.page.locator(".nk-diff").nth(5).wait_for()
    step_a_year_at_once(app)  # two years in two steps: the same months, drawn twice instead of 24 times
    app.step_to(12)
    app.step_to(24)
    for chart in ("language", "employment", "isolation", "welfare", "wellbeing", "exam"):
        for run in ("policy", "baseline", "difference"):
            assert app.page.locator(f'[data-chart="{chart}"] path[data-run="{run}"]').count() >= 1, (chart, run)
    policy, baseline = app.line("employment", "share_employed"), app.line("employment", "share_employed", "baseline")
    assert policy.startswith("M") and baseline.startswith("M") and policy != baseline
    assert "compared with baseline_2013" in app.page.locator(".nk-status").inner_text()
    app.page.screenshot(path=ARTIFACTS / "app_compare.png")
    app.page.locator(".nk-chart").nth(4).scroll_into_view_if_needed()
    app.page.screenshot(path=ARTIFACTS / "app_compare_charts.png")
    app.assert_clean()


def test_clicking_a_newcomer_on_the_map_tells_their_story(app):
    app.open()
    for _ in range(8):
        app.step()
    circles = app.page.locator("circle[data-id]")
    for k in range(circles.count()):  # the first newcomer not hidden under a place marker
        box = circles.nth(k).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = app.page.evaluate("([x, y]) => document.elementFromPoint(x, y).getAttribute('data-id')", [x, y])
        if hit is not None:
            break
    app.page.mouse.click(x, y)
    app.page.locator(f'.nk-story[data-newcomer="{hit}"]').wait_for(timeout=15_000)
    app.page.locator(".nk-picked").wait_for(timeout=15_000)  # the story may have shown them already (the default)
    assert app.page.locator(".nk-picked").count() == 1
    app.page.locator(".nk-story").scroll_into_view_if_needed()
    app.page.screenshot(path=ARTIFACTS / "app_story.png")
    app.assert_clean()


def test_choosing_a_surge_fills_the_queues_chart(app):
    """The inflow control rebuilds the model with a surge on Reset, and the queues chart shows its queues."""
    app.open()
    app.page.locator(".nk-set-inflow").click()
    app.page.locator(".menuable__content__active .v-list-item").filter(has_text="steady with a surge").click()
    app.page.get_by_role("button", name="Reset").click()
    app.page.locator('.nk-status[data-month="0"]').wait_for(timeout=30_000)
    for _ in range(6):
        app.step()
    queues = app.page.locator('.nk-chart[data-chart="queues"] path.nk-queue')
    assert queues.count() == 5  # decision, emergency reception, house, plan, course
    assert app.page.locator('.nk-queue[data-queue="waiting_for_decision"]').get_attribute("d").count("L") >= 5
    assert "steady with a surge" in app.page.locator(".nk-set-inflow").inner_text()
    # Reset applied it: each agent now stands for many persons, so thousands wait for a decision
    # (the default cohort of 1,000 persons never has more than 1,000 waiting)
    legend = app.page.locator(".nk-chart-block", has=app.page.locator(".nk-queues")).inner_text()
    waiting = re.search(r"waiting for a decision: ([\d,]+)", legend).group(1)
    assert int(waiting.replace(",", "")) > 1000, legend
    app.assert_clean()


def test_split_by_gender_draws_one_line_per_group_named_in_english_and_dutch(app):
    """Split by gender, a few months on: the employment chart has a line for men and one for women, and a
    legend naming them; in Dutch the legend says mannen and vrouwen."""
    app.open()
    app.page.locator(".nk-split").click()
    app.page.locator(".menuable__content__active .v-list-item").filter(has_text="gender").click()
    app.page.locator('.nk-charts[data-split="gender"]').wait_for(timeout=30_000)
    for _ in range(4):
        app.step()
    chart = app.page.locator('.nk-chart[data-chart="employment"]')
    paths = chart.locator('path[data-metric="share_employed"][data-run="policy"]')
    assert paths.count() == 2 and chart.locator("path.nk-line").count() == 2  # one line per group, nothing else
    assert [paths.nth(k).get_attribute("data-group") for k in range(2)] == ["men", "women"]
    for k in range(2):
        assert paths.nth(k).get_attribute("d").startswith("M")
        box = paths.nth(k).bounding_box()
        assert box is not None and box["width"] > 10  # drawn, not an empty path
    legend = app.page.locator(".nk-chart-block", has=chart).locator(".nk-chart-legend")
    assert re.search(r"\bmen \(\d+\)", legend.inner_text()) and re.search(r"\bwomen \(\d+\)", legend.inner_text())
    colours = {paths.nth(k).get_attribute("stroke") for k in range(2)}
    assert len(colours) == 2
    app.page.locator(".nk-chart-block", has=chart).screenshot(path=ARTIFACTS / "app_split_gender.png")

    from playwright.sync_api import expect

    app.page.get_by_role("button", name="Nederlands").click()
    expect(legend).to_contain_text(re.compile(r"\bvrouwen \(\d+\)"), timeout=10_000)
    expect(legend).to_contain_text(re.compile(r"\bmannen \(\d+\)"))
    expect(chart).to_contain_text("Werk, naar geslacht")
    expect(app.page.locator(".nk-split")).to_contain_text("Grafieken uitsplitsen naar")
    assert chart.locator("path[data-group]").count() == 2
    app.page.get_by_role("button", name="English").click()
    app.page.get_by_text("Over time", exact=True).wait_for()
    app.assert_clean()


# --- the app in Dutch, and what a class needs to read it (issue 24) -----------------------------------------

#: The page's visible text: every text node shown (not inside a closed part, not code to copy).
VISIBLE_TEXT_JS = """(root) => {
  const out = [];
  const walker = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !node.textContent.trim()) continue;
    if (element.closest('script, style, textarea, code, title')) continue;
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(node.textContent);
  }
  return out.join(' \\n ');
}"""


def visible_text(page, selector: str | None = None) -> str:
    root = page.locator(selector).first.element_handle() if selector else None
    return page.evaluate(VISIBLE_TEXT_JS, root)


def step_a_year_at_once(app) -> None:
    """Move the Months per Step slider to its end (12) with the keyboard."""
    thumb = app.page.locator(".nk-months-per-frame [role=slider]")
    thumb.focus()
    thumb.press("End")
    app.page.locator(".nk-caption").filter(has_text=re.compile(r": 12$")).first.wait_for()


def menu_text(app, selector: str) -> str:
    """The items of a select's menu, opened and closed again."""
    app.page.locator(selector).click()
    menu = app.page.locator(".menuable__content__active")
    menu.wait_for()
    text = visible_text(app.page, ".menuable__content__active")
    app.page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    return text


def test_in_dutch_no_english_text_of_the_app_is_visible(app):
    """Switched to Dutch, in compare mode a year on, with every part opened (Explain, downloads, glossary, the
    menus): none of the app's English texts (`english_texts`, derived from viz/texts.py) is on the page."""
    from test_app_texts import english_left

    app.open()
    app.page.get_by_role("button", name="Nederlands").click()
    app.page.get_by_text("In de tijd", exact=True).wait_for()
    app.page.locator(".nk-set-compare input").check(force=True)
    app.page.get_by_role("button", name="Opnieuw").click()
    app.page.locator(".nk-diff").nth(5).wait_for()
    step_a_year_at_once(app)
    app.page.get_by_role("button", name="Stap").click()
    app.page.locator('.nk-status[data-month="12"]').wait_for(timeout=120_000)
    app.page.locator(".nk-share-open").click()
    app.page.locator(".nk-scenario-cli").wait_for()
    app.page.locator(".nk-design-open").click()  # the design panel: a stored design, or how to make one
    app.page.locator(".nk-design .nk-caption").first.wait_for()
    app.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    shown = {"page": visible_text(app.page)}
    for menu in (".nk-set-policy", ".nk-set-reference", ".nk-set-inflow", ".nk-split", ".nk-pick-education"):
        shown[menu] = menu_text(app, menu)
    app.page.get_by_role("button", name="Woordenlijst").click()
    app.page.locator(".nk-glossary").get_by_text("vluchteling met een verblijfsvergunning").first.wait_for()
    shown["glossary"] = visible_text(app.page, ".nk-glossary")  # read once its text is drawn (slow under load)
    app.page.screenshot(path=ARTIFACTS / "app_dutch_glossary.png")
    app.page.locator(".nk-glossary-close").click()
    assert "Maand 12 (jaar 1,0 van 10)" in " ".join(shown["page"].split()) and "vluchteling met een verblijfsvergunning" in shown["glossary"]
    assert "Twee sporen" in shown[".nk-set-policy"] and "gelijkmatig met een piek" in shown[".nk-set-inflow"]
    left = {part: english_left(text) for part, text in shown.items()}
    assert all(words == [] for words in left.values()), left
    app.page.screenshot(path=ARTIFACTS / "app_dutch.png", full_page=True)
    app.assert_clean()


def test_the_default_story_opens_on_a_permit_holder(app):
    """Baseline, seed 42 (as sheet 1 says): a year on, the story shown is the first newcomer with a permit."""
    app.open()
    step_a_year_at_once(app)
    app.step_to(12)
    picker = app.page.locator(".nk-pick-newcomer").inner_text()
    assert picker.rstrip().endswith("· permit"), picker
    story = app.page.locator(".nk-story").inner_text()
    assert "got a residence permit" in story and "was refused asylum" not in story
    assert "on the scale 0 = A0 to 6" in story
    app.assert_clean()


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}],
                         ids=["1366x768", "1920x1080"])
def test_nothing_covers_the_legends_and_chart_text_is_readable_on_a_projector(browser, server, viewport):
    """At a classroom laptop's and a projector's size: no badge or other element lies over any legend, every
    chart text is at least 12 px and inside its chart."""
    context = browser.new_context(viewport=viewport)
    app = Watched(context.new_page(), server)
    try:
        app.open()
        app.page.locator(".nk-set-compare input").check(force=True)
        app.page.get_by_role("button", name="Reset").click()
        app.page.locator(".nk-diff").nth(5).wait_for()
        app.step()
        assert app.page.get_by_text("runs on Solara").count() == 0
        legends = app.page.locator(".nk-legend")
        assert legends.count() == 8  # the map's, six charts', the queues'
        for k in range(legends.count()):
            legend = legends.nth(k)
            legend.scroll_into_view_if_needed()
            covered = legend.evaluate("""(legend) => {
              const out = [];
              for (const item of legend.querySelectorAll('.nk-legend-item')) {
                const box = item.getBoundingClientRect();
                for (const [x, y] of [[box.left + 2, box.top + 2], [box.right - 2, box.bottom - 2],
                                      [(box.left + box.right) / 2, (box.top + box.bottom) / 2]]) {
                  const hit = document.elementFromPoint(x, y);
                  if (!hit || !legend.contains(hit)) out.push(item.textContent + ' under ' + (hit && hit.outerHTML.slice(0, 80)));
                }
              }
              return out;
            }""")
            assert covered == [], covered
        text = app.page.evaluate("""() => Array.from(document.querySelectorAll('svg.nk-chart text, svg.nk-diff text'))
          .map(t => { const svg = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect();
                      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize),
                              inside: box.left >= svg.left - 0.5 && box.right <= svg.right + 0.5}; })""")
        assert len(text) > 100
        small = [t for t in text if t["px"] < 12]
        outside = [t["text"] for t in text if not t["inside"]]
        assert small == [] and outside == [], (small[:5], outside)
        app.page.screenshot(path=ARTIFACTS / f"app_legends_{viewport['width']}.png")
        app.assert_clean()
    finally:
        context.close()
