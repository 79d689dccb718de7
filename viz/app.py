"""The nieuwkomers app: watch integration happen, and compare a policy with the 2013 law, live.

Run it with ``nieuwkomers app`` (or ``make app``, or ``solara run viz/app.py``).

The page is built from Mesa 3.5's SolaraViz parts and a few components of
its own where SolaraViz falls short:

* Mesa's `ModelController` gives Reset / Play / Step, the play interval and
  "months per frame" (SolaraViz's ``render_interval``); Reset rebuilds the
  run from the settings with ``LiveRun(settings=...)``, as SolaraViz does.
  Its buttons speak the chosen language (`viz.controls.ModelController`).
  Components follow Mesa's ``update_counter``.
* The settings panel (`viz.controls`) replaces SolaraViz's ModelCreator,
  whose widgets cannot be set from code: choosing a policy here loads its
  lever values into the widgets.
* A `LiveRun` (`viz.live`) steps the chosen policy and, in compare mode,
  a reference (``baseline_2013``, or the 2021 law) with the same seed, together.
* Interface text comes from one dictionary in English and Dutch
  (`viz.texts`, switched in the app bar); the glossary (`model.glossary`) opens
  from the app bar; runs are downloaded and shared from `viz.share`.
* At 1366 x 768 (a classroom laptop) the charts come before the map, so they are
  above the fold; wider screens show the map first.
* The charts can be split by a grouping (gender, education, age on arrival,
  household, municipality): one line per group, from each group's outcomes
  recorded every month by the `LiveRun` (`viz.live.GroupHistory`).
* The map (`viz.map`) and charts (`viz.charts`) are drawn as SVG: Mesa's
  matplotlib space and plot components are too slow at the default size
  (about 0.4 s a frame), and its Altair ones need Vega from a CDN, which an
  offline page cannot load.
* Each browser session's run is a `SessionRun`: when the server closes the
  session (its tabs gone; `viz.launch` on how soon), a run that was playing
  stops, so that its thread and models do not outlive the session; and what
  Solara registers for good while rendering a session goes with the session
  (`scope_render_callbacks_to_sessions`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

import solara
import solara.server.settings
import solara.util
from mesa.visualization.utils import update_counter

from viz.charts import Charts
from viz.controls import CaptionedSlider, ModelController, ParameterPanel
from viz.design_view import DesignPanel
from viz.explain import ExplainPanel, GlossaryButton
from viz.launch import silence_cookie_warning
from viz.live import HORIZON_MONTHS, LiveRun, Settings
from viz.map import SpaceMap
from viz.share import SharePanel
from viz.story import StoryPanel
from viz.texts import LanguageSwitch, number, t

# The app must work offline and should not phone home: no usage telemetry.
solara.server.settings.telemetry.mixpanel_enable = False
# Solara's "This website runs on Solara" badge sat over the legends at the bottom right.
solara.server.settings.theme.show_banner = False
silence_cookie_warning()  # also when served by `solara run viz/app.py`

PLAY_INTERVAL_MS = 100  # pause between frames while playing


def _current_session():
    """A weak reference to the browser session (Solara's kernel context) rendering now, or None outside a server."""
    try:
        from solara.server import kernel_context

        return weakref.ref(kernel_context.get_current_context())
    except (ImportError, RuntimeError, TypeError):
        return None


def scope_render_callbacks_to_sessions() -> None:
    """Let a kernel-start callback that Solara registers while rendering a session end with that session.

    Solara 1.58's ``use_task`` (Mesa's Play runs in one) makes a task per
    component, and each task registers a callback in a process-wide list
    (``solara.lifecycle.on_kernel_start``) that is never removed: through it,
    every session that ever pressed Play kept its run, models and all, until
    the server stopped, and every new session called all of them. Callbacks
    registered at import (a module's top level) are left alone; one registered
    while a session renders is removed when that session closes.
    """
    import solara.lifecycle as lifecycle
    from solara.server import kernel_context

    original = lifecycle.on_kernel_start
    if getattr(original, "session_scoped", False):
        return

    def on_kernel_start(f):
        cleanup = original(f)
        if kernel_context.has_current_context() and lifecycle._find_root_module_frame() is None:
            def remove() -> None:
                try:
                    cleanup()
                except ValueError:  # already removed (a hot reload)
                    pass

            kernel_context.get_current_context().on_close(remove)
        return cleanup

    on_kernel_start.session_scoped = True
    lifecycle.on_kernel_start = on_kernel_start


scope_render_callbacks_to_sessions()


class SessionRun(LiveRun):
    """A `LiveRun` that belongs to one browser session: stepped in turn with the session, ended with it.

    - Mesa's controller plays in a thread of its own, while the session's
      websocket thread handles clicks and redraws: a month is stepped under the
      session's lock (the one Solara holds while it handles a message), so that
      a redraw never reads the run half-way through a month (under load, the
      charts and the story failed with index errors).
    - While no tab of the session is connected, a playing run waits instead of
      stepping (nobody watches; a tab that reconnects sees it go on), so that
      vanished tabs cost no CPU.
    - When Solara closes the session (its tabs gone; `viz.launch` on how soon),
      the run lets go of its models at once, and a thread still playing it ends
      at its next step: it would otherwise step the models for ever.

    Reset builds the next run as ``type(run)(settings=...)``, so every run of the
    session is a `SessionRun`.
    """

    def __init__(self, *, settings: Settings | None = None) -> None:
        super().__init__(settings=settings)
        self._session = _current_session()
        session = self._session() if self._session is not None else None
        if session is not None:
            mine = weakref.ref(self)  # the session must not keep every run it had alive until it closes
            session.on_close(lambda: _release_soon(mine))

    @property
    def session_closed(self) -> bool:
        """True once the browser session this run belongs to has been closed."""
        if self._session is None:
            return False
        session = self._session()
        return session is None or session.closed_event.is_set()

    def step(self) -> None:
        """One month, in turn with the session's other work; once the session is closed, end the stepping thread.

        Raises:
            solara.util.CancelledError: When the session is closed: Solara's own way to end a
                task's thread (quietly; Mesa's controller would log any Exception).
        """
        session = self._session() if self._session is not None else None
        if session is None:
            if self._session is not None:  # the session is gone
                self._closed()
            super().step()
            return
        while not _watched(session) and not session.closed_event.is_set():
            session.closed_event.wait(UNWATCHED_POLL_S)  # no tab connected: wait for one (or for the end)
        with session.lock:
            if self.session_closed:
                self._closed()
            super().step()

    def _closed(self) -> None:
        self.running = False
        raise solara.util.CancelledError("the browser session of this run is closed")


RELEASE_AFTER_S = 1.0  # after Solara has closed the session's page too
UNWATCHED_POLL_S = 0.5  # how often a playing run with no tab connected looks again


def _watched(session) -> bool:
    """True while some tab of the session is connected (or none ever was: rendered outside a server)."""
    from solara.server.kernel_context import PageStatus

    pages = list(getattr(session, "page_status", {}).values())
    return not pages or any(status == PageStatus.CONNECTED for status in pages)


def _release_soon(run: weakref.ref) -> None:
    """Release a closed session's run in a moment, once Solara has also closed its page."""
    timer = threading.Timer(RELEASE_AFTER_S, _release, args=(run,))
    timer.daemon = True
    timer.start()


def _release(run: weakref.ref) -> None:
    """Drop a closed session's run: its models, history and groups (what is left is an empty shell).

    Whatever may still refer to the run (Solara kept a component's task in a
    process-wide list, `scope_render_callbacks_to_sessions`; an error's
    traceback), the models go.
    """
    live = run()
    if live is not None:
        keep = {"settings", "_session"}
        for name in [n for n in vars(live) if n not in keep]:
            delattr(live, name)
        live.running = False


CSS = """
.nk-caption { font-size: 12px; color: #555; margin-top: 6px; }
.nk-setting { margin-top: 2px; }
.nk-card { margin-bottom: 10px !important; }
.nk-status { font-size: 15px; padding: 4px 2px 10px 2px; }
.nk-status b { color: #111; }
.nk-legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 12px; margin-top: 6px; max-width: 470px; }
.nk-legend-item { display: inline-flex; align-items: center; gap: 4px; }
.nk-charts { display: flex; flex-wrap: wrap; gap: 12px 18px; }
.nk-chart-block { width: 300px; }
.nk-chart-legend { max-width: 300px; }
.nk-split-note { max-width: 640px; }
.nk-facts th { text-align: left; font-weight: normal; color: #555; padding-right: 12px; vertical-align: top; }
.nk-facts td { font-weight: 500; }
.nk-events { font-size: 13px; max-height: 320px; overflow-y: auto; padding-left: 20px; }
.nk-explain details { margin: 6px 0; }
.nk-explain summary { cursor: pointer; }
.nk-explain .nk-chosen summary { color: #0072B2; }
.nk-explain p, .nk-explain ul { font-size: 13px; max-width: 760px; }
.nk-glossary dd { margin: 0 0 6px 16px; font-size: 13px; }
.nk-copy { margin-top: 8px; }
/* A classroom laptop (1366 x 768): the charts first, so that they are above the fold, and a tighter status. */
@media (max-width: 1500px) {
  .nk-charts-card { order: -1; }
  .nk-status { font-size: 13px; padding: 0 2px 6px 2px; }
}
"""


def status_html(live: LiveRun) -> str:
    """One line saying where the run is: month, policy, seed and where the newcomers are."""
    m, s = live.main, live.settings
    metrics = m.metrics
    versus = t("status_versus", reference=f"<b>{s.reference}</b>") if live.baseline is not None else ""
    parts = [
        t("status_month", month=f'<b class="nk-month">{m.month}</b>', year=number(m.month / 12, ".1f"),
          years=HORIZON_MONTHS // 12),
        t("status_policy", policy=f"<b>{s.title}</b>") + versus,
        t("status_seed", seed=m.seed),
        t("status_newcomers", n=number(s.n_newcomers, ","), asylum=number(metrics["n_asylum"], ","),
          house=number(metrics["n_awaiting_housing"], ","), housed=number(metrics["n_housed"], ","),
          departed=number(metrics["n_departed"], ",")),
    ]
    if not live.running:
        parts.append(f"<b>{t('status_done', reset=t('button_Reset'))}</b>")
    return f'<div class="nk-status" data-month="{m.month}">{" · ".join(parts)}</div>'


@solara.component
def ExplainChosen(settings: solara.Reactive[Settings]):
    """The Explain panel, opened at the policy chosen in the settings panel (re-rendered only when it changes)."""
    ExplainPanel(settings.value.policy)


@solara.component
def LiveView(live: LiveRun, picked: solara.Reactive[int | None], settings: solara.Reactive[Settings],
             split: solara.Reactive[str]):
    """Everything that changes each month: status, map, charts, story; and the Explain panel.

    Args:
        live: The run shown.
        picked: The newcomer whose story is shown.
        settings: The settings panel's values (the Explain panel follows its policy).
        split: How the charts are split ("none" or a grouping's name); kept across Reset.
    """
    update_counter.get()  # re-render after every Step, like SolaraViz's components
    month = live.month
    solara.HTML(tag="div", unsafe_innerHTML=status_html(live))
    with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card(t("map", title=live.settings.title), margin=0, style={"flex": "0 0 auto"},
                         classes=["nk-map-card"]):
            SpaceMap(live.main, live.history, picked, month)
        with solara.Card(t("over_time"), margin=0, style={"flex": "1 1 640px"}, classes=["nk-charts-card"]):
            Charts(live, month, split)
    with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "flex-start", "margin-top": "16px"}):
        with solara.Card(t("story"), margin=0, style={"flex": "1 1 420px"}):
            StoryPanel(live.history, picked, month)
        with solara.Card(t("share"), margin=0, style={"flex": "1 1 420px"}, classes=["nk-share"]):
            # Solara's download widgets on the page kept Pause from getting through to a playing run
            # (seen in the browser tests), so they are only there once opened.
            OnDemand(t("share_open"), "nk-share-open", lambda: SharePanel(live))
        with solara.Card(t("explain"), margin=0, style={"flex": "1 1 420px"}):
            ExplainChosen(settings)
        with solara.Card(t("design"), margin=0, style={"flex": "1 1 420px"}, classes=["nk-design"]):
            OnDemand(t("design_open"), "nk-design-open", lambda: DesignPanel(settings))  # read from disk when asked


@solara.component
def OnDemand(label: str, css_class: str, content: Callable[[], None]):
    """A button labelled ``label`` that, once pressed, is replaced by ``content()`` (a panel most sessions never open).

    Args:
        label: The button's text.
        css_class: The button's class (the browser tests find it by it).
        content: Renders the panel (a call of its component).
    """
    shown = solara.use_reactive(False)
    if shown.value:
        content()
    else:
        solara.Button(label, on_click=lambda: shown.set(True), classes=[css_class], outlined=True)


@solara.component
def Controls(live: solara.Reactive[LiveRun], settings: solara.Reactive[Settings],
             play_interval: solara.Reactive[int], months_per_frame: solara.Reactive[int]):
    """The sidebar: Mesa's Reset / Play / Step with its speed, then the settings panel.

    Reading the settings here, not in `Page`, keeps a widget change from redrawing the map and charts.
    """
    use_threads = solara.use_reactive(False)  # Mesa's controller reads .value: it must be reactive
    with solara.Card(t("run"), margin=0, classes=["nk-card"]):
        ModelController(live, model_parameters={"settings": settings.value},
                        play_interval=play_interval, render_interval=months_per_frame, use_threads=use_threads)
        CaptionedSlider(t("months_per_frame", n=months_per_frame.value),
                        months_per_frame.value, months_per_frame.set, 1, 12, 1, "nk-months-per-frame", int)
        CaptionedSlider(t("pause", n=play_interval.value),
                        play_interval.value, play_interval.set, 0, 1000, 50, "nk-play-interval", int)
    ParameterPanel(settings, live.value.settings)


@solara.component
def Page(run: solara.Reactive[LiveRun] | None = None):
    """The app's page: controls and settings in the sidebar, the run in the main area.

    Args:
        run: Where the page keeps its `LiveRun` (tests pass one to look inside);
            by default the page makes its own, with the default settings.
    """
    first = solara.use_memo(lambda: run.value if run is not None else SessionRun(settings=Settings()), [])
    own = solara.use_reactive(first)
    live = run if run is not None else own
    settings = solara.use_reactive(first.settings)
    picked = solara.use_reactive(None)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    months_per_frame = solara.use_reactive(1)
    split = solara.use_reactive("none")

    solara.Title("nieuwkomers")
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(t("title"))
        GlossaryButton()
        LanguageSwitch()
    with solara.Sidebar(), solara.Column(gap="0px", style={"width": "376px"}):  # the drawer's 400 px
        Controls(live, settings, play_interval, months_per_frame)
    LiveView(live.value, picked, settings, split)


page = Page
