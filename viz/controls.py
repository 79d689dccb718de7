"""The settings panel: policy, compare mode, seed, population and every lever, generated from the spec.

Every widget takes its label, unit and bounds from `model.PARAMS` (the app
only narrows the population sizes, see `viz.live.APP_LIMITS`), so a new
lever shows up here by itself. Choosing a policy loads its lever values into
the widgets; a widget change is held in `Settings` until Reset rebuilds the
model with exactly those values. Nothing typed is evaluated: the seed is
checked to be digits and passed on as text, which the model parses.

Every word is in the chosen language (`viz.texts`), Mesa's Reset and Step
buttons included (`ModelController`).
"""

from __future__ import annotations

import math
import types

import solara
from mesa.visualization import solara_viz
from solara.alias import rv

from model import LEVERS, PARAMS, POLICY_INFO
from viz.live import INFLOWS, MAX_SEED_DIGITS, POPULATION, REFERENCES, Settings, bounds
from viz.texts import STRINGS, model_text, number, param_label, t


class _SolaraSpeakingOurLanguage:
    """Solara as Mesa's controller sees it, with the labels of its buttons in the chosen language."""

    def __getattr__(self, name: str):
        return getattr(solara, name)

    @staticmethod
    def Button(*args, label: str = "", **kwargs):  # noqa: N802 (solara's name)
        key = f"button_{label}"
        return solara.Button(*args, label=t(key) if label and key in STRINGS else label, **kwargs)


def _speaking_our_language(component):
    """A Solara component of Mesa's, run unchanged but for the labels of its buttons (`viz.texts.STRINGS`).

    Mesa's `ModelController` writes "Reset" and "Step" itself; rather than copy its
    play, pause and reset logic (and its fixes), the same function is run with a
    `solara` that translates a button's label.
    """
    f = component.f
    translated = types.FunctionType(f.__code__, {**f.__globals__, "solara": _SolaraSpeakingOurLanguage()},
                                    f.__name__, f.__defaults__, f.__closure__)
    translated.__kwdefaults__ = f.__kwdefaults__
    translated.__doc__ = f.__doc__
    return solara.component(translated)


#: Mesa's Reset / Play / Step, its buttons in the chosen language.
ModelController = _speaking_our_language(solara_viz.ModelController)


def slider_step(name: str) -> float:
    """A round step giving about a hundred positions between a float parameter's bounds."""
    low, high = bounds(name)
    if PARAMS[name].kind is int:
        span = high - low
        return max(1, 10 ** max(0, math.floor(math.log10(span)) - 2)) if span > 200 else 1
    raw = (high - low) / 100
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def describe(name: str, value) -> str:
    """A parameter's label with its current value and unit, for the caption above its widget."""
    p = PARAMS[name]
    if p.kind is bool:
        return t("lever_value", label=param_label(name), value=t("yes" if value else "no"))
    if p.kind is float:
        digits = max(0, -math.floor(math.log10(slider_step(name))))
        shown = number(value, f",.{digits}f")
    elif p.kind is int:
        shown = number(value, ",")
    else:
        shown = str(value)
    unit = f" {model_text(p.unit)}" if p.unit else ""
    return t("lever_value", label=param_label(name), value=f"{shown}{unit}")


@solara.component
def CaptionedSlider(caption: str, value, on_value, low, high, step, css: str, cast=float):
    """A bounded slider under a caption that shows its current value in words."""
    solara.Text(caption, classes=["nk-caption"])
    rv.Slider(v_model=value, on_v_model=lambda v: on_value(cast(v)), min=low, max=high, step=step,
              class_=css, dense=True, hide_details=True, thumb_label=False)


@solara.component
def ParameterWidget(name: str, value, on_value):
    """One parameter's widget, built from its spec: a checkbox, a choice or a bounded slider."""
    p = PARAMS[name]
    css = f"nk-setting nk-set-{name}"
    if p.kind is bool:
        rv.Checkbox(v_model=bool(value), on_v_model=on_value, label=param_label(name), class_=css, dense=True,
                    hide_details=True)
        return
    if p.kind is str:
        rv.Select(v_model=value, on_v_model=on_value, items=list(p.bounds), label=param_label(name), class_=css,
                  dense=True, hide_details=True)
        return
    low, high = bounds(name)
    CaptionedSlider(describe(name, value), value, on_value, low, high, slider_step(name), css,
                    int if p.kind is int else float)


@solara.component
def SeedField(settings: solara.Reactive[Settings]):
    """The seed, typed as text: digits only, empty for a random seed."""
    text, set_text = solara.use_state(settings.value.seed)
    error, set_error = solara.use_state("")

    def typed(value) -> None:
        value = "" if value is None else str(value)
        set_text(value)
        try:
            settings.set(settings.value.with_value("seed", value))
            set_error("")
        except ValueError:
            set_error(t("seed_error", digits=MAX_SEED_DIGITS, reset=t("button_Reset"),
                        seed=settings.value.seed or t("seed_random")))

    rv.TextField(v_model=text, on_v_model=typed, label=t("seed_label"),
                 class_="nk-setting nk-set-seed", dense=True, error_messages=[error] if error else [],
                 hide_details="auto", maxlength=40)


@solara.component
def ParameterPanel(settings: solara.Reactive[Settings], applied: Settings):
    """Policy, compare mode, seed, population and every lever.

    Args:
        settings: What the widgets show; Reset builds the model from it.
        applied: The settings of the model now running (to show what Reset would change).
    """
    s = settings.value

    def change(name: str):
        def set_value(value) -> None:
            settings.set(settings.value.with_value(name, value))
        return set_value

    def choose_policy(policy) -> None:
        if policy in POLICY_INFO:
            settings.set(settings.value.with_policy(policy))

    with solara.Card(t("scenario"), margin=0, classes=["nk-card"]):
        rv.Select(v_model=s.policy, on_v_model=choose_policy, label=t("policy_select"),
                  items=[{"text": f"{name}: {model_text(info.title)}", "value": name}
                         for name, info in POLICY_INFO.items()],
                  class_="nk-setting nk-set-policy", dense=True, hide_details=True)
        rv.Switch(v_model=s.compare, on_v_model=change("compare"), label=t("compare_switch"),
                  class_="nk-setting nk-set-compare", dense=True, hide_details=True, style_="margin-bottom: 10px")
        rv.Select(v_model=s.reference, on_v_model=change("reference"), label=t("reference_select"),
                  items=[{"text": t(f"reference_{name}"), "value": name} for name in REFERENCES],
                  class_="nk-setting nk-set-reference", dense=True, hide_details=True, disabled=not s.compare,
                  style_="margin: 6px 0 14px 0")
        SeedField(settings)
        rv.Select(v_model=s.inflow, on_v_model=change("inflow"), label=t("inflow_select"),
                  items=[{"text": t(f"inflow_{name}"), "value": name} for name in INFLOWS],
                  class_="nk-setting nk-set-inflow", dense=True, hide_details=True, style_="margin-top: 14px")
        for name in POPULATION:
            ParameterWidget(name, getattr(s, name), change(name))
        if s != applied:
            solara.Info(t("pending", reset=t("button_Reset")), dense=True, classes=["nk-pending"])
    with solara.Card(t("levers"), margin=0, classes=["nk-card"]):
        edited = s.edited
        solara.Text(t("levers_edited", policy=s.policy, n=len(edited)) if edited
                    else t("levers_of", policy=s.policy), classes=["nk-caption"])
        for name in LEVERS:
            ParameterWidget(name, s.levers[name], change(name))
