"""How fast the app is at the default size: first render, one step (model + redraw), ten years of play.

Targets (issue 5): first page render < 5 s, one step < 0.3 s, ten years of
play < 60 s, also with the charts split by household (four groups: the most
lines). Measured twice:

* in-process, with `solara.render` (the server's share: model, history,
  drawing, widget updates), and
* end to end, with `nieuwkomers app` served for real and driven in headless
  Chromium (what a user waits for: server, websocket and the browser's own
  drawing), if chromium is installed.

Usage::

    python benchmarks/bench_app.py [--quick] [--screenshot docs/img/app.png]
    python benchmarks/bench_app.py --tabs 1,4,8 [--seconds 60]   # a class: N tabs playing at once

``--tabs`` serves the app once, opens N browser tabs (each its own session, as
N students would), presses Play in all of them and counts the months each
advances in ``--seconds``, with the CPU time the server used meanwhile: how
many users one server process (one core: Python runs one thread at a time)
serves at the pace of ten years a minute (`CLASS_PACE`). docs/app.md quotes it.

Results go to benchmarks/out/app.json. Other processes on the machine slow
every figure down; the load average is recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

TARGETS = {"first_render_s": 5.0, "step_s": 0.3, "ten_years_play_s": 60.0}
CLASS_PACE = 2.0  # months a second per tab: ten years of play in a minute
# Press Step in the page and time it until status, map and charts all show the next month and the
# browser has painted them (two animation frames later): what a user waits for, without the test
# driver's own overhead.
STEP_JS = """
() => new Promise(resolve => {
  const target = String(Number(document.querySelector('.nk-status').dataset.month) + 1);
  const shown = () => ['.nk-status', '.nk-map-svg', '.nk-charts'].every(
      css => (document.querySelector(css) || {dataset: {}}).dataset.month === target);
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (shown()) {
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve((performance.now() - start) / 1000)));
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Step').click();
})
"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-proxy-server"]


def summary(seconds: list[float]) -> dict:
    """Median, 95th percentile and maximum of a list of durations, in seconds."""
    ordered = sorted(seconds)
    return {"median": round(statistics.median(ordered), 4),
            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 4),
            "max": round(ordered[-1], 4), "n": len(ordered)}


def in_process(months: int) -> dict:
    """The server's share of the work, without a browser."""
    import ipyvuetify as v
    import solara

    from viz.app import Page
    from viz.live import LiveRun, Settings

    results = {}
    single, compare = Settings(), Settings(compare=True, policy="all_proposals")
    for label, settings, split in (("single", single, "none"), ("compare", compare, "none"),
                                   ("single_split_household", single, "household"),
                                   ("compare_split_household", compare, "household")):
        start = time.perf_counter()
        run = solara.reactive(LiveRun(settings=settings.with_policy(settings.policy)
                                      .with_value("compare", settings.compare)))
        _, rc = solara.render(solara.AppLayout(children=[Page(run=run)]), handle_error=False)
        first = time.perf_counter() - start
        rc.find(v.Select, class_="nk-split").widget.v_model = split  # the charts split by household: 4 groups
        step = rc.find(v.Btn, children=["Step"]).widget
        times = []
        for _ in range(months):
            start = time.perf_counter()
            step.click()
            times.append(time.perf_counter() - start)
        rc.close()  # else the next page's steps redraw this one too (Mesa's update_counter is shared)
        results[label] = {"build_and_first_render_s": round(first, 3), "step_s": summary(times),
                          "months_stepped": months, "ten_years_of_steps_s": round(sum(times) * 120 / months, 2)}
    return results


def in_browser(months: int, play: bool, screenshot: Path | None) -> dict:
    """What a user waits for: `nieuwkomers app` in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from viz.launch import free_port, spawn

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "chromium is not installed"}
    port = free_port()
    results: dict = {}
    process = spawn(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            month = lambda: int(page.locator(".nk-status").get_attribute("data-month"))  # noqa: E731

            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator(".nk-chart").nth(5).wait_for(timeout=60_000)
            page.locator("circle[data-id], .nk-map-svg").first.wait_for()
            results["first_render_s"] = round(time.perf_counter() - start, 3)

            def steps(n: int) -> list[float]:
                return [page.evaluate(STEP_JS) for _ in range(n)]

            def driven_steps(n: int) -> list[float]:
                """The same through Playwright (click, then wait for the month): adds the driver's overhead."""
                times = []
                for _ in range(n):
                    target = month() + 1
                    start = time.perf_counter()
                    page.get_by_role("button", name="Step").click()
                    page.locator(f'.nk-status[data-month="{target}"]').wait_for(timeout=30_000)
                    times.append(time.perf_counter() - start)
                return times

            results["step_s"] = summary(steps(months))
            results["step_via_playwright_s"] = summary(driven_steps(months))
            if play:
                results["ten_years_play_s"] = play_ten_years(page, month)
            page.locator(".nk-set-policy").click()
            page.locator(".menuable__content__active .v-list-item").filter(has_text="all_proposals:").click()
            page.locator(".nk-set-compare input").check(force=True)
            page.get_by_role("button", name="Reset").click()
            page.locator(".nk-diff").nth(5).wait_for()
            results["step_compare_s"] = summary(steps(months))
            page.locator(".nk-split").click()
            page.locator(".menuable__content__active .v-list-item").filter(has_text="household").click()
            page.locator('.nk-charts[data-split="household"]').wait_for()
            results["step_compare_split_household_s"] = summary(steps(months))
            page.locator(".nk-split").click()  # back to one line per measure for the rest
            page.locator(".menuable__content__active .v-list-item").filter(has_text="nothing").click()
            page.locator('.nk-charts[data-split="none"]').wait_for()
            if play:
                results["ten_years_play_compare_s"] = play_ten_years(page, month)
            if screenshot is not None:
                page.get_by_role("button", name="Reset").click()
                page.locator('.nk-status[data-month="0"]').wait_for()
                page.locator(".nk-months-per-frame").click(position={"x": 100, "y": 5})  # several months per Step
                while month() < 60:
                    page.get_by_role("button", name="Step").click()
                    page.wait_for_timeout(400)
                page.wait_for_timeout(1000)
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
                results["screenshot"] = str(screenshot)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    return results


def play_ten_years(page, month) -> float:
    """Reset, press Play with the default pace, and time it until month 120."""
    page.get_by_role("button", name="Reset").click()
    page.locator('.nk-status[data-month="0"]').wait_for(timeout=30_000)
    start = time.perf_counter()
    page.get_by_role("button", name="▶").click()
    page.locator('.nk-status[data-month="120"]').wait_for(timeout=300_000)
    return round(time.perf_counter() - start, 2)


def many_tabs(counts: list[int], seconds: float) -> dict:
    """N tabs playing at once against one `nieuwkomers app`: months per second per tab and server CPU."""
    import psutil
    from playwright.sync_api import sync_playwright

    from viz.launch import free_port, spawn

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "chromium is not installed"}
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for n in counts:
            port = free_port()
            process = spawn(port)
            server = psutil.Process(process.pid)
            try:
                pages = []
                for _ in range(n):
                    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                    page.goto(f"http://127.0.0.1:{port}/")
                    page.locator(".nk-chart").nth(5).wait_for(timeout=120_000)
                    pages.append(page)
                cpu_before = sum(server.cpu_times()[:2])
                start = time.perf_counter()
                for page in pages:
                    page.get_by_role("button", name="▶").click()
                time.sleep(seconds)
                months = [int(page.locator(".nk-status").get_attribute("data-month")) for page in pages]
                wall = time.perf_counter() - start
                cores = (sum(server.cpu_times()[:2]) - cpu_before) / wall
                per_tab = [m / wall for m in months]
                results[str(n)] = {"months_per_s_per_tab": summary(per_tab), "server_cores_used": round(cores, 2),
                                   "months_per_cpu_s": round(sum(months) / max(cores * wall, 1e-9), 2),
                                   "load_average": os.getloadavg()}
                print(f"{n} tabs: {results[str(n)]}", file=sys.stderr)
                for page in pages:
                    page.context.close()
            finally:
                process.terminate()  # a server busy with playing runs may take a while to stop
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        browser.close()
    throughput = [r["months_per_cpu_s"] for r in results.values()]
    results["users_per_core_at_class_pace"] = [round(min(throughput) / CLASS_PACE, 1),
                                               round(max(throughput) / CLASS_PACE, 1)]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", help="only the class measurement: comma-separated tab counts, e.g. 1,4,8")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the tabs play (--tabs)")
    parser.add_argument("--quick", action="store_true", help="fewer steps, no ten-year play")
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot (compare mode, year 5) here")
    parser.add_argument("--no-browser", action="store_true", help="only the in-process measurements")
    args = parser.parse_args()
    if args.tabs:
        results = {"cpus": os.cpu_count(), "seconds": args.seconds,
                   "tabs": many_tabs([int(n) for n in args.tabs.split(",")], args.seconds)}
        out = HERE / "out"
        out.mkdir(exist_ok=True)
        (out / "app_class.json").write_text(json.dumps(results, indent=2))
        print(json.dumps(results, indent=2))
        return 0
    months = 12 if args.quick else 120
    results = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count(),
               "in_process": in_process(months)}
    if not args.no_browser:
        results["browser"] = in_browser(12 if args.quick else 24, not args.quick, args.screenshot)
    results["load_average_after"] = os.getloadavg()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "app.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    browser = results.get("browser", {})
    checks = [("first page render", browser.get("first_render_s"), TARGETS["first_render_s"]),
              ("one step, click to painted (median)", browser.get("step_s", {}).get("median"), TARGETS["step_s"]),
              ("one step, click to painted (95th pct)", browser.get("step_s", {}).get("p95"), TARGETS["step_s"]),
              ("one step in compare mode (median)", browser.get("step_compare_s", {}).get("median"),
               TARGETS["step_s"]),
              ("one step in compare mode (95th pct)", browser.get("step_compare_s", {}).get("p95"),
               TARGETS["step_s"]),
              ("one step, compare, split (median)", browser.get("step_compare_split_household_s", {}).get("median"),
               TARGETS["step_s"]),
              ("one step, compare, split (95th pct)", browser.get("step_compare_split_household_s", {}).get("p95"),
               TARGETS["step_s"]),
              ("ten years of play", browser.get("ten_years_play_s"), TARGETS["ten_years_play_s"]),
              ("ten years of play, compare mode", browser.get("ten_years_play_compare_s"),
               TARGETS["ten_years_play_s"])]
    print(f"\nload average {results['load_average_before']} -> {results['load_average_after']} "
          f"on {results['cpus']} CPUs")
    for name, value, target in checks:
        if value is not None:
            print(f"{name:40s} {value:8.3f} s   target < {target} s   {'ok' if value < target else 'SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
