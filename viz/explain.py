"""The Explain panel: what each policy changes, and the study's argument for it."""

from __future__ import annotations

import html

import solara

from model import POLICY_INFO
from viz.controls import describe


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
