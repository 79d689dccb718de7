"""The Explain panel (what each policy changes, and the study's argument for it) and the glossary.

Both in the chosen language (`viz.texts`): the policies' titles and descriptions and the glossary's
meanings are the model's English words, given their Dutch in `viz.texts.MODEL_TEXTS`.
"""

from __future__ import annotations

import html

import solara
from solara.alias import rv

from model import POLICY_INFO
from model.glossary import GLOSSARY
from viz.controls import describe
from viz.texts import model_text, t


def policy_html(name: str, chosen: bool) -> str:
    """One policy: its title, the levers it changes from baseline_2013, and its description."""
    info = POLICY_INFO[name]
    changes = info.difference()
    levers = ("".join(f"<li>{html.escape(describe(k, v))}</li>" for k, v in changes.items())
              if changes else f"<li>{html.escape(t('explain_no_change'))}</li>")
    mark = " nk-chosen" if chosen else ""
    return (f'<details class="nk-policy-info{mark}" data-policy="{name}"{" open" if chosen else ""}>'
            f"<summary><b>{html.escape(name)}</b>: {html.escape(model_text(info.title))}</summary>"
            f'<div class="nk-caption">{html.escape(t("explain_levers_changed"))}</div><ul>{levers}</ul>'
            f"<p>{html.escape(model_text(info.description))}</p></details>")


@solara.component
def ExplainPanel(policy: str):
    """Every policy's description; the one chosen is open.

    Args:
        policy: The policy chosen in the settings panel.
    """
    intro = f"<p>{t('explain_intro', study='<i>Van nieuwkomer naar Nederlander</i>')}</p>"  # our own text: no escape
    body = "".join(policy_html(name, name == policy) for name in POLICY_INFO)
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="nk-explain">{intro}{body}</div>')


def glossary_html() -> str:
    """The glossary (model/glossary.py, also in docs/ODD.md) as a definition list."""
    items = "".join(f"<dt><b>{html.escape(word)}</b></dt><dd>{html.escape(model_text(meaning))}</dd>"
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
            solara.Button(t("ok"), on_click=lambda: show.set(False), classes=["nk-glossary-close"])
