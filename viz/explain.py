"""The Explain panel (what each policy changes, and the study's argument for it) and the glossary."""

from __future__ import annotations

import html

import solara
from solara.alias import rv

from model import POLICY_INFO
from model.glossary import GLOSSARY
from viz.controls import describe
from viz.texts import t


def policy_html(name: str, chosen: bool) -> str:
    """One policy: its title, the levers it changes from baseline_2013, and its description."""
    info = POLICY_INFO[name]
    changes = info.difference()
    levers = ("".join(f"<li>{html.escape(describe(k, v))}</li>" for k, v in changes.items())
              if changes else "<li>no lever changed: this is the 2013 law</li>")
    mark = " nk-chosen" if chosen else ""
    return (f'<details class="nk-policy-info{mark}" data-policy="{name}"{" open" if chosen else ""}>'
            f"<summary><b>{html.escape(name)}</b>: {html.escape(info.title)}</summary>"
            f'<div class="nk-caption">Levers changed from baseline_2013</div><ul>{levers}</ul>'
            f"<p>{html.escape(info.description)}</p></details>")


@solara.component
def ExplainPanel(policy: str):
    """Every policy's description; the one chosen is open.

    Args:
        policy: The policy chosen in the settings panel.
    """
    intro = ("<p>Each policy is a setting of the levers on the left. A lever changes opportunities "
             "(courses, access to work, contacts, incentives, sanctions); language, jobs and contacts "
             "then emerge from what the newcomers do. Line numbers point into the study "
             "<i>Van nieuwkomer naar Nederlander</i> (Mr. Hans van Mierlo Stichting, 2018).</p>")
    body = "".join(policy_html(name, name == policy) for name in POLICY_INFO)
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="nk-explain">{intro}{body}</div>')


def glossary_html() -> str:
    """The glossary (model/glossary.py, also in docs/ODD.md) as a definition list."""
    items = "".join(f"<dt><b>{html.escape(word)}</b></dt><dd>{html.escape(meaning)}</dd>"
                    for word, meaning in GLOSSARY.items())
    return f'<dl class="nk-glossary">{items}</dl>'


@solara.component
def GlossaryButton():
    """A button in the app bar that opens the glossary over the page, at hand wherever one is."""
    show = solara.use_reactive(False)
    solara.Button(t("glossary"), on_click=lambda: show.set(True), text=True, classes=["nk-glossary-button"],
                  style={"color": "white"})
    with rv.Dialog(v_model=show.value, on_v_model=show.set, max_width="640px"):
        with solara.Card(t("glossary")):
            solara.HTML(tag="div", unsafe_innerHTML=glossary_html())
            solara.Button("OK", on_click=lambda: show.set(False), classes=["nk-glossary-close"])
