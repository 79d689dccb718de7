"""The app in Dutch and the small things a class trips over, without a browser: every English text of the
app has its Dutch, the page rendered in Dutch shows none of them, the default story is a permit holder's,
the language score is told on its own scale, chart text is readable on a projector, and compare mode
takes a reference (the 2013 law or the 2021 law).

`english_texts` is the list the browser test (`tests/test_app_browser.py`) checks the served page against:
it is derived from `viz.texts`, so a text added in English without its Dutch is caught.
"""

from __future__ import annotations

import re
import string

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from model import LEVERS, PARAMS, POLICY_INFO
from model.glossary import GLOSSARY
from viz.app import Page, status_html
from viz.charts import FONT_PX, chart_svg, charts, charts_html, legend_html
from viz.live import BASELINE, REFERENCES, LiveRun, Settings
from viz.story import story_facts
from viz.texts import MODEL_TEXTS, STRINGS, language, place_name

SMALL = Settings(n_newcomers=60, n_residents=300)

#: What stays as it is in Dutch text: code words (policy and lever names) and the page's own non-words.
_CODE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def english_texts() -> list[str]:
    """Every English text of the app that a page in Dutch must not show.

    The English of each `STRINGS` entry (each literal piece between its fields) and every English text the
    model states that `MODEL_TEXTS` translates; left out are pieces without a word and pieces that also
    occur in the Dutch texts (words both languages use: "Scenario", "seed", "startpunt", "OK").
    """
    dutch = "\n".join([text["nl"] for text in STRINGS.values()] + list(MODEL_TEXTS.values()))
    dutch = re.sub(r"\{\w*\}", " ", dutch)  # the fields' names are not text
    english = [text["en"] for text in STRINGS.values()] + list(MODEL_TEXTS)
    pieces = set()
    for text in english:
        for literal, *_ in string.Formatter().parse(text):
            piece = literal.strip(" ,.;:·-")
            if piece.count("(") != piece.count(")"):  # a bracket closed or opened by a field
                piece = piece.strip("()").strip()
            if re.search(r"[A-Za-z]{2}", piece) and not contains(dutch, piece):
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def contains(text: str, piece: str) -> bool:
    """True if ``piece`` occurs in ``text`` as whole words (so "male" is not found in "normale")."""
    return re.search(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", text) is not None


def english_left(text: str) -> list[str]:
    """The English texts of the app (`english_texts`) that occur in ``text``."""
    text = " ".join(text.split())
    return [piece for piece in english_texts() if contains(text, " ".join(piece.split()))]


@pytest.fixture
def dutch():
    language.set("nl")
    yield
    language.set("en")


class App:
    """The page rendered as `solara run` gives it (as in tests/test_app_components.py)."""

    def __init__(self, settings: Settings = SMALL):
        self.run = solara.reactive(LiveRun(settings=settings))
        _, self.rc = solara.render(solara.AppLayout(children=[Page(run=self.run)]), handle_error=False)

    def press(self, label: str) -> None:
        self.rc.find(v.Btn, children=[label]).widget.click()

    def html(self) -> str:
        return "".join(w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets)

    def words(self) -> str:
        """Every text the page shows: the text of its HTML, and the labels, items and texts of its widgets."""
        shown, seen = [], set()

        def visit(value) -> None:
            if isinstance(value, list | tuple):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                visit(value.get("text"))
            elif isinstance(value, str):
                shown.append(value)
            elif isinstance(value, ipywidgets.Widget) and value.model_id not in seen:
                seen.add(value.model_id)
                if isinstance(value, solara.widgets.HTML):
                    shown.append(re.sub(r"<[^>]+>", " ", value.unsafe_innerHTML))
                for name in ("label", "children", "items", "error_messages", "value", "v_slots"):
                    if name != "value" or isinstance(value, ipywidgets.HTML | ipywidgets.Label):
                        visit(getattr(value, name, None))
                if isinstance(value, dict | list):
                    visit(value)

        visit(self.rc.find(ipywidgets.Widget).widgets)
        return " ".join(shown)


# --- the dictionaries -----------------------------------------------------------------------------------


def test_every_text_the_model_gives_the_app_has_its_dutch():
    """Policy titles and descriptions, lever and population labels and units, the glossary, the places."""
    texts = [info.title for info in POLICY_INFO.values()] + [info.description for info in POLICY_INFO.values()]
    for name in ("n_newcomers", "n_residents", *LEVERS):
        texts += [PARAMS[name].label] + ([PARAMS[name].unit] if PARAMS[name].unit else [])
    texts += list(GLOSSARY.values())
    missing = [text for text in texts if text not in MODEL_TEXTS and text != "EUR"]
    assert missing == [], missing


def test_every_interface_text_has_english_and_dutch_with_the_same_fields():
    formatter = string.Formatter()
    for key, text in STRINGS.items():
        assert set(text) == {"en", "nl"} and all(text.values()), key
        fields = {lang: {name for _, name, _, _ in formatter.parse(words) if name} for lang, words in text.items()}
        assert fields["en"] == fields["nl"], key


def test_the_list_of_english_texts_holds_the_app_s_words_and_not_the_words_dutch_shares():
    texts = english_texts()
    for english in ("Over time", "waiting for a house", "Policy levers", "Reset", "Step", "reception centre (azc)",
                    POLICY_INFO["two_track"].title, GLOSSARY["bijstand"], "city"):
        assert english in texts, english
    for shared in ("Scenario", "seed", "startpunt", "OK", "Status"):
        assert shared not in texts, shared
    assert english_left("Maand 3 · beleid two_track · seed 42 · normale") == []
    assert english_left("Maand 3 · policy two_track · Over  time") == ["Over time", "policy"]


def test_municipalities_are_named_in_the_chosen_language(dutch):
    assert [place_name(n) for n in ("city", "town 1", "town 2", "rural")] == ["stad", "stadje 1", "stadje 2",
                                                                             "platteland"]


# --- the page in Dutch ------------------------------------------------------------------------------------


def test_the_page_in_dutch_shows_no_english_text_of_the_app(dutch):
    """Status, settings, levers, Mesa's buttons, map legend, charts, story, Explain and downloads, in compare
    mode and split by municipality, a few months on."""
    app = App(SMALL.with_value("compare", True).with_policy("two_track").with_value("compare", True))
    for _ in range(10):
        app.press("Stap")
    app.rc.find(v.Select, class_="nk-split").widget.v_model = "municipality"
    words = app.words()
    assert "Maand" in words and "Beleidsknoppen" in words and "stadje 1" in words and "Opnieuw" in words
    assert "Elk beleid is een stand van de knoppen" in words  # the Explain panel
    assert english_left(words) == []


# --- the small things -------------------------------------------------------------------------------------


def test_the_default_story_is_the_first_newcomer_to_arrive_who_holds_a_permit():
    app = App()
    for _ in range(14):
        app.press("Step")
    history = app.run.value.history
    shown = int(re.search(r'class="nk-story" data-newcomer="(\d+)"', app.html()).group(1))
    assert shown == history.first_with_permit()
    statuses = history.latest["status"]
    assert statuses[list(history.ids).index(shown)] == "permit"
    assert not (statuses[: list(history.ids).index(shown)] == "permit").any()  # the first of them


def test_the_language_score_is_told_on_its_own_scale_from_0_to_6():
    live = LiveRun(settings=SMALL)
    for _ in range(30):
        live.step()
    history = live.history
    best = int(history.ids[np.argmax(history.latest["language_score"])])
    dutch = dict(story_facts(history.of(best), history.person.loc[best]))["Dutch"]
    assert "0 = A0 to 6" in dutch and "of 5" not in dutch


def test_chart_text_is_at_least_12_px():
    live = LiveRun(settings=SMALL.with_value("compare", True))
    live.step()
    html = charts_html(live)
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', html)]
    assert sizes and min(sizes) >= 12 and FONT_PX >= 12
    assert re.search(r"font-size:\s*(\d+)px", html) is None  # no smaller size in a style


@pytest.mark.parametrize("reference", REFERENCES)
def test_compare_mode_runs_the_reference_chosen_beside_the_policy(reference):
    live = LiveRun(settings=SMALL.with_policy("two_track").with_value("compare", True)
                   .with_value("reference", reference))
    assert live.baseline.policy == reference and live.baseline.seed == live.main.seed
    live.step()
    assert f"compared with <b>{reference}</b>" in status_html(live)
    assert f">{reference}</span>" in legend_html(charts()[1], live.main, live.baseline)
    assert f"Difference from {reference}" in chart_svg(charts()[1], live.main, live.baseline)


def test_the_reference_is_baseline_2013_unless_chosen_and_nothing_else_is_allowed():
    assert Settings().reference == BASELINE == REFERENCES[0]
    with pytest.raises(ValueError, match="reference"):
        Settings().with_value("reference", "two_track")


def test_the_reference_is_chosen_in_the_settings_panel_and_reset_applies_it():
    app = App()
    select = app.rc.find(v.Select, class_="nk-setting nk-set-reference").widget
    assert [item["value"] for item in select.items] == list(REFERENCES) and select.v_model == BASELINE
    app.rc.find(v.Switch, class_="nk-setting nk-set-compare").widget.v_model = True
    app.rc.find(v.Select, class_="nk-setting nk-set-reference").widget.v_model = "wet_inburgering_2021"
    app.press("Reset")
    assert app.run.value.baseline.policy == "wet_inburgering_2021"
    assert "compared with <b>wet_inburgering_2021</b>" in app.html()


def test_in_dutch_numbers_are_written_the_dutch_way(dutch):
    """A decimal comma and a thousands point: 1.250 EUR, jaar 0,1, score 2,26."""
    from viz.controls import describe
    from viz.texts import number

    assert number(1250.5, ",.1f") == "1.250,5" and number(-0.25, "+.2f") == "-0,25"
    assert describe("fine_eur", 1250.0) == "Boete voor het missen van de examentermijn: 1.250 EUR"
    live = LiveRun(settings=Settings(n_newcomers=1200, n_residents=300))
    live.step()
    assert "1.200 nieuwkomers" in status_html(live) and "(jaar 0,1 van 10)" in status_html(live)
    language.set("en")
    assert "1,200 newcomers" in status_html(live) and "(year 0.1 of 10)" in status_html(live)
