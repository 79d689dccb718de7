"""Take the app's run away: its tables (CSV), its charts (PNG), and its scenario as a command or a sweep file.

The scenario is written from `Settings`: the policy, the seed, the population
sizes that differ from the defaults and the levers changed by hand, so that
``nieuwkomers run`` (or a sweep) reproduces what the app shows, month for month.
"""

from __future__ import annotations

import html
import io

import pandas as pd
import solara
from matplotlib.figure import Figure

from model import METRICS, PARAMS
from viz.charts import charts
from viz.live import HORIZON_MONTHS, POPULATION, LiveRun, Settings, policy_levers
from viz.texts import metric_label, t


def changed_values(settings: Settings) -> dict:
    """Population sizes that differ from the defaults and levers that differ from the policy's preset."""
    changed = {name: getattr(settings, name) for name in POPULATION
               if getattr(settings, name) != PARAMS[name].default}
    changed.update(settings.inflow_parameters)
    preset = policy_levers(settings.policy)
    changed.update({name: value for name, value in settings.levers.items() if value != preset[name]})
    return changed


def _cli_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def scenario_command(settings: Settings, seed: int) -> str:
    """``nieuwkomers run`` with ``--set`` arguments: the app's scenario on the command line."""
    parts = ["nieuwkomers run", f"--policy {settings.policy}", f"--seed {seed}", f"--years {HORIZON_MONTHS // 12}"]
    parts += [f"--set {name}={_cli_value(value)}" for name, value in changed_values(settings).items()]
    return " ".join([*parts, "--out results/app-scenario"])


def scenario_sweep(settings: Settings) -> str:
    """A sweep file (TOML) that holds the app's scenario fixed and varies one lever, to edit further."""
    changed = changed_values(settings)
    swept = next(name for name in ("fine_eur", "exam_deadline_months", "employer_subsidy") if name not in changed)
    low, high = PARAMS[swept].bounds
    values = sorted({PARAMS[swept].kind(low), settings.levers[swept], PARAMS[swept].kind(high)})
    lines = [f'description = "{t("sweep_description", policy=settings.policy, swept=swept)}"',
             f'policy = "{settings.policy}"', f"years = {HORIZON_MONTHS // 12}", "seeds = 10", "",
             "[parameters]"]
    lines += [f"{name} = {_toml_value(value)}" for name, value in changed.items()]
    lines += ["", "[grid]", f"{swept} = [{', '.join(_toml_value(v) for v in values)}]"]
    return "\n".join(lines) + "\n"


def model_csv(live: LiveRun) -> bytes:
    """The model table of the run so far (and of the baseline in compare mode), as CSV."""
    tables = [live.main.model_table()]
    if live.baseline is not None:
        tables.append(live.baseline.model_table())
    return pd.concat(tables, ignore_index=True).to_csv(index=False).encode("utf-8")


def newcomers_csv(live: LiveRun) -> bytes:
    """Every newcomer of the run as they are this month, as CSV."""
    return live.main.newcomer_table().to_csv(index=False).encode("utf-8")


def charts_png(live: LiveRun) -> bytes:
    """The app's outcome charts as one PNG, three a row (policy solid, reference dashed), in the chosen language."""
    shown = charts()
    rows = -(-len(shown) // 3)
    fig = Figure(figsize=(12, 3.25 * rows), layout="constrained")
    axes = fig.subplots(rows, 3, squeeze=False).ravel()
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    runs = [(live.main, "-", live.settings.title)]
    if live.baseline is not None:
        runs.append((live.baseline, "--", live.settings.reference))
    for ax, spec in zip(axes, shown, strict=False):
        for model, style, name in runs:
            data = model.datacollector.get_model_vars_dataframe()
            for metric in spec.metrics:
                scale = 100 if METRICS[metric].unit == "share" else 1
                ax.plot(data["month"] / 12, data[metric] * scale, style,
                        label=f"{metric_label(metric)} ({name})")
        ax.set_title(spec.title, fontsize=10)
        ax.set_xlabel(t("years_since_start"))
        ax.set_xlim(0, HORIZON_MONTHS / 12)
        ax.legend(fontsize=6)
    fig.suptitle(t("png_title", title=live.settings.title, seed=live.main.seed, month=live.month), fontsize=11)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


COPY_JS = ("(function(b){{var a=b.parentNode.querySelector('textarea');a.select();"
           "if(navigator.clipboard&&window.isSecureContext){{navigator.clipboard.writeText(a.value);}}"
           "else{{document.execCommand('copy');}}b.innerText='\u2713 {done}';}})(this)")


def copy_box_html(css: str, caption: str, text: str) -> str:
    """A read-only text box with a Copy button (clipboard where allowed, else select-and-copy)."""
    rows = min(12, text.count("\n") + 2)
    return (f'<div class="nk-copy {css}"><div class="nk-caption">{html.escape(caption)}</div>'
            f'<textarea readonly rows="{rows}" style="width:100%;font-family:monospace;font-size:12px;'
            f'border:1px solid #ccc;padding:4px">{html.escape(text)}</textarea>'
            f'<button class="nk-copy-button" onclick="{html.escape(COPY_JS.format(done=t("copy")))}" '
            f'style="border:1px solid #999;border-radius:3px;padding:1px 8px">{html.escape(t("copy"))}</button></div>')


@solara.component
def SharePanel(live: LiveRun):
    """Downloads (CSV, PNG) and the scenario to copy, for the run shown.

    Drawn once per run, not every month (three download widgets redrawn at every
    step of a playing run kept Pause from getting through): each download reads
    the run as it is when clicked.

    Args:
        live: The run shown.
    """
    stem = f"nieuwkomers-{live.settings.policy}-seed{live.main.seed}"
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(lambda: model_csv(live), filename=f"{stem}-model.csv", label=t("download_model"),
                            mime_type="text/csv")
        solara.FileDownload(lambda: newcomers_csv(live), filename=f"{stem}-newcomers.csv",
                            label=t("download_newcomers"), mime_type="text/csv")
        solara.FileDownload(lambda: charts_png(live), filename=f"{stem}-charts.png",
                            label=t("download_figure"), mime_type="image/png")
    solara.HTML(tag="div", unsafe_innerHTML=(
        copy_box_html("nk-scenario-cli", t("scenario_cli"), scenario_command(live.settings, live.main.seed))
        + copy_box_html("nk-scenario-sweep", t("scenario_sweep"), scenario_sweep(live.settings))))
