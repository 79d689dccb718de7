"""Every piece of interface text of the app, in English and Dutch: one dictionary, one switch.

Only the interface is translated (titles, buttons, captions, the picker and the
download panel); what comes from the model's spec (parameter labels, metric
names, policy descriptions) and the newcomers' stories stay as the model states
them, in English, so that a text in the app matches the docs and the CLI word for word.

`language` is a Solara reactive variable: each browser connection has its own,
and every component that calls `t` redraws when it changes.
"""

from __future__ import annotations

import solara

LANGUAGES = {"en": "English", "nl": "Nederlands"}

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "nieuwkomers: how refugees with a permit integrate, and what policy does to that",
              "nl": "nieuwkomers: hoe statushouders integreren, en wat beleid daaraan doet"},
    "switch_language": {"en": "Nederlands", "nl": "English"},
    "run": {"en": "Run", "nl": "Simulatie"},
    "months_per_frame": {"en": "Months per Step and per frame while playing: {n}",
                         "nl": "Maanden per Step en per beeld tijdens afspelen: {n}"},
    "pause": {"en": "Pause between frames while playing: {n} ms", "nl": "Pauze tussen beelden tijdens afspelen: {n} ms"},
    "map": {"en": "Map: {title}", "nl": "Kaart: {title}"},
    "over_time": {"en": "Over time", "nl": "In de tijd"},
    "story": {"en": "One newcomer's story", "nl": "Het verhaal van één nieuwkomer"},
    "explain": {"en": "Explain: the policies and the study's argument",
                "nl": "Uitleg: het beleid en het betoog van de studie"},
    "glossary": {"en": "Glossary", "nl": "Woordenlijst"},
    "share": {"en": "Download and share", "nl": "Downloaden en delen"},
    "share_open": {"en": "Show downloads and the scenario", "nl": "Toon downloads en het scenario"},
    # the newcomer picker
    "education": {"en": "Education", "nl": "Opleiding"},
    "gender": {"en": "Gender", "nl": "Geslacht"},
    "status": {"en": "Status", "nl": "Status"},
    "any": {"en": "any", "nl": "alle"},
    "newcomer": {"en": "Newcomer ({n} match; or click one on the map)",
                 "nl": "Nieuwkomer ({n} gevonden; of klik er een aan op de kaart)"},
    "no_match": {"en": "No newcomer matches these traits this month.",
                 "nl": "Deze maand past geen nieuwkomer bij deze kenmerken."},
    "none_yet": {"en": "Month {month}: no newcomer has arrived yet. Press Step.",
                 "nl": "Maand {month}: er is nog geen nieuwkomer aangekomen. Druk op Step."},
    "what_happened": {"en": "What happened", "nl": "Wat er gebeurde"},
    "years_old": {"en": "{age} years", "nl": "{age} jaar"},
    # trait values, as the newcomer table writes them
    "female": {"en": "female", "nl": "vrouw"},
    "male": {"en": "male", "nl": "man"},
    "none": {"en": "no schooling", "nl": "geen opleiding"},
    "low": {"en": "low", "nl": "laag"},
    "middle": {"en": "middle", "nl": "middelbaar"},
    "high": {"en": "high", "nl": "hoog"},
    "asylum": {"en": "waiting for asylum", "nl": "wacht op asiel"},
    "permit": {"en": "permit", "nl": "verblijfsvergunning"},
    "departed": {"en": "refused and left", "nl": "afgewezen en vertrokken"},
    # downloads and sharing
    "download_model": {"en": "Table over time (CSV)", "nl": "Tabel in de tijd (CSV)"},
    "download_newcomers": {"en": "Newcomers this month (CSV)", "nl": "Nieuwkomers deze maand (CSV)"},
    "download_figure": {"en": "Charts (PNG)", "nl": "Grafieken (PNG)"},
    "scenario_cli": {"en": "This scenario on the command line (copy)", "nl": "Dit scenario op de opdrachtregel (kopieer)"},
    "scenario_sweep": {"en": "This scenario as a sweep file (copy)", "nl": "Dit scenario als sweep-bestand (kopieer)"},
    "copy": {"en": "Copy", "nl": "Kopieer"},
}


language = solara.reactive("en")


def t(key: str, **fields) -> str:
    """The interface text ``key`` in the chosen language, with ``fields`` filled in."""
    text = STRINGS[key][language.value]
    return text.format(**fields) if fields else text


@solara.component
def LanguageSwitch():
    """A button in the app bar that switches between English and Dutch."""
    other = "nl" if language.value == "en" else "en"
    solara.Button(t("switch_language"), on_click=lambda: language.set(other), text=True,
                  classes=["nk-language"], style={"color": "white"})
