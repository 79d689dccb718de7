"""Regenerate the tables in docs/ODD.md from the model's own declarations.

The parameter table comes from `model.parameters.PARAMS`, the outcome table
from `model.outcomes.METRICS`, and the table of submodel constants from the
``NAME = value  # why`` lines of each submodel module, so the documentation
cannot drift from the code. ``tests/test_docs.py`` fails when ODD.md is stale.

Usage: ``python docs/odd_tables.py`` (rewrites the marked blocks in place).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
SUBMODELS = ("asylum", "households", "language", "labour", "exam", "contacts", "startpunten", "wellbeing", "welfare",
             "plans", "activities", "scarring", "inflow", "world", "population")
VALIDATION = ROOT / "docs" / "validation" / "validation.csv"  # written by `make validation`


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def parameter_readers() -> dict[str, list[str]]:
    """Parameter -> the modules of `model` that read it, from each module's declared ``PARAMETERS``."""
    import importlib
    import pkgutil

    import model

    readers: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(model.__path__):
        module = importlib.import_module(f"model.{info.name}")
        for name in getattr(module, "PARAMETERS", ()):
            readers.setdefault(name, []).append(info.name)
    return readers


def parameter_table() -> str:
    """Markdown table of every parameter: group, name, the modules that read it, default, allowed, unit, meaning, source."""
    from model.parameters import PARAMS

    readers = parameter_readers()
    lines = ["| group | parameter | read by | default | allowed | unit | meaning | source |",
             "|---|---|---|---|---|---|---|---|"]
    for p in sorted(PARAMS.values(), key=lambda p: (p.group, p.name)):
        kind = " (lever)" if p.lever else " (calibrated)" if p.calibrated else ""
        read_by = ", ".join(f"`{module}`" for module in readers.get(p.name, []))
        lines.append(f"| {p.group} | `{p.name}`{kind} | {read_by} | {p.default!r} | {_cell(p.allowed())} "
                     f"| {_cell(p.unit)} | {_cell(p.label)} | {_cell(p.source)} |")
    return "\n".join(lines)


def search_table() -> str:
    """Markdown table of what `nieuwkomers design` searches: each lever's values and where its price comes from."""
    from model.parameters import PARAMS, SEARCHABLE

    lines = ["| lever | searched values | baseline | in a description | price (items of the net public cost) |",
             "|---|---|---|---|---|"]
    for name in SEARCHABLE:
        p = PARAMS[name]
        values = p.search.values(p)
        shown = ", ".join(repr(v) for v in values) if p.kind in (bool, str) else \
            f"{values[0]!r} to {values[-1]!r} in steps of {p.search.step!r}"
        lines.append(f"| `{name}` | {shown} | {p.default!r} | {_cell(p.search.short)} | {_cell(p.search.price)} |")
    return "\n".join(lines)


def metric_table() -> str:
    """Markdown table of every model-level outcome, with the module that declares it."""
    from model.outcomes import METRICS

    lines = ["| column | meaning | unit | headline | declared in |", "|---|---|---|---|---|"]
    for m in METRICS.values():
        lines.append(f"| `{m.name}` | {_cell(m.label)} | {m.unit} | {'yes' if m.key else ''} | `{m.owner}.py` |")
    return "\n".join(lines)


def constant_table() -> str:
    """Markdown table of the submodels' named constants and the comment that gives their reason."""
    lines = ["| module | constant | value | why (assumption unless a source is named) |", "|---|---|---|---|"]
    for name in SUBMODELS:
        source = (ROOT / "model" / f"{name}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        text_lines = source.splitlines()
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()):
                continue
            if node.targets[0].id.endswith(("_STATE", "_COLUMNS", "OUTCOMES")):  # in the state and outcome tables
                continue
            line = text_lines[node.lineno - 1]
            comment = line.split("#", 1)[1].strip() if "#" in line else ""
            value = ast.get_source_segment(source, node.value) or ""
            value = re.sub(r"\s+", " ", value)
            if len(value) > 60:
                value = value[:57] + "..."
            lines.append(f"| `{name}` | `{node.targets[0].id}` | `{_cell(value)}` | {_cell(comment)} |")
    return "\n".join(lines)


def state_table() -> str:
    """Markdown table of every column of agent state: agent, column, unit, meaning, declared by."""
    from model.population import EMPLOYER_COLUMNS, RESIDENT_COLUMNS
    from model.state import newcomer_columns

    lines = ["| agent | column | unit | meaning | declared in |", "|---|---|---|---|---|"]
    for agent, columns in (("newcomer", newcomer_columns()), ("resident", RESIDENT_COLUMNS),
                           ("employer", EMPLOYER_COLUMNS)):
        for name, c in columns.items():
            owner = f"`{c.owner}.py`" if c.owner else "`population.py`"
            width = f" × {c.width}" if c.width > 1 else ""
            lines.append(f"| {agent} | `{name}` | {_cell(c.unit)}{width} | {_cell(c.label)} | {owner} |")
    return "\n".join(lines)


def target_table() -> str:
    """Markdown table of every calibration target: kind, what, band, how measured, source."""
    from model.calibration import load_targets

    lines = ["| kind | target | what | band | measured as | source | used |", "|---|---|---|---|---|---|---|"]
    for t in load_targets():
        used = "to fit" if t.role == "fit" else "kept aside"
        lines.append(f"| {t.kind} | `{t.id}` | {_cell(t.what)} | {t.low:g} to {t.high:g} | {_cell(t.measured_as)} "
                     f"| {_cell(t.source)} | {used} |")
    return "\n".join(lines)


def evaluation_table() -> str:
    """Markdown table of the last `nieuwkomers validate` run stored in docs/validation/ (model vs band)."""
    import pandas as pd

    table = pd.read_csv(VALIDATION)
    seeds = int(table["n_seeds"].iloc[0])
    lines = [f"| kind | target | used | band | model, mean of {seeds} seeds [95% CI] | inside |",
             "|---|---|---|---|---|---|"]
    role = table["role"] if "role" in table else pd.Series("fit", index=table.index)
    for r, used in zip(table.itertuples(), role, strict=True):
        lines.append(f"| {r.kind} | `{r.id}` | {'to fit' if used == 'fit' else 'kept aside'} | {r.low:g} to {r.high:g} "
                     f"| {r.model_mean:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}] | {'yes' if r.inside else '**no**'} |")
    return "\n".join(lines)


def posterior_table() -> str:
    """Markdown table of the calibrated parameters: prior, hand value, posterior median and 90% interval."""
    from model.parameters import PARAMS
    from model.posterior import read_posterior

    posterior = read_posterior()
    if posterior is None:
        return "No posterior ships with this version: the defaults are the hand calibration."
    lines = ["| parameter | prior (uniform) | why this prior | hand value | posterior median [90% interval] "
             "| narrowed to |", "|---|---|---|---|---|---|"]
    for name in posterior.names:
        p = PARAMS[name]
        low, high = (p.prior.low, p.prior.high) if p.prior else p.bounds
        q05, q95 = posterior.quantile(name, 0.05), posterior.quantile(name, 0.95)
        share = (q95 - q05) / (high - low) / 0.9 if high > low else float("nan")
        lines.append(f"| `{name}` | {low:g} to {high:g} | {_cell(p.prior.reason if p.prior else 'its bounds')} "
                     f"| {p.hand_value!r} | {p.default!r} [{q05:.3g}, {q95:.3g}] | {share:.0%} |")
    return "\n".join(lines)


def posterior_facts() -> str:
    """One paragraph on how the shipped posterior was made (from posterior.json)."""
    from model.posterior import read_posterior

    posterior = read_posterior()
    if posterior is None:
        return "No posterior ships with this version."
    m = posterior.settings
    st = m["settings"]
    gens = m["generations"]
    eps = ", ".join(f"{g['epsilon']:.3g}" for g in gens)
    return (f"Made {m['made']} from code `{m['code_version']}`: {len(st['fit'])} parameters fitted to "
            f"{len(st['targets'])} targets; {st['population']} particles per generation, {len(gens)} generations "
            f"(epsilon per generation: {eps}), {m['simulations']:,} simulations of {len(st['scenarios'])} "
            f"scenarios each, world x{st['scale']:g} ({m['world']['n_newcomers']:,} newcomers), proposal kernel "
            f"widened x{m.get('kernel_scale_last_call', 1):g}; effective sample size per generation: "
            + ", ".join(f"{g['effective_sample_size']:.0f}" for g in gens)
            + f". Wall time of the generations {m['wall_seconds_generations'] / 60:.0f} min on this project's "
            "2-core machine, shared with other work.")


def generations_table() -> str:
    """Markdown table of the shipped fit, generation by generation: epsilon, simulations, ESS, narrowing."""
    from model.posterior import read_posterior

    posterior = read_posterior()
    if posterior is None:
        return "No posterior ships with this version."
    gens = posterior.settings["generations"]
    names = [n for n in posterior.names if all("narrowed_to" in g and n in g["narrowed_to"] for g in gens)]
    if not names:
        return "(This posterior does not record each generation's narrowing.)"
    head = "| generation | epsilon | simulations | ESS | " + " | ".join(f"`{n}`" for n in names) + " |"
    lines = [head, "|" + "---|" * (4 + len(names))]
    for g in gens:
        eps = "∞" if g["epsilon"] == float("inf") else f"{g['epsilon']:.3f}"
        cells = " | ".join(f"{g['narrowed_to'][n]:.0%}" for n in names)
        lines.append(f"| {g['t'] + 1} | {eps} | {g['simulations']:,} | {g['effective_sample_size']:.0f} | {cells} |")
    return "\n".join(lines)


def glossary() -> str:
    """The glossary paragraph, from model/glossary.py (the app shows the same list)."""
    from model.glossary import glossary_markdown

    return glossary_markdown()


def payer_table() -> str:
    """Who pays each cost item, from model/welfare.py (COST_PAYERS)."""
    from model.welfare import COST_PAYERS, PAYERS

    lines = ["| item | payer | financing rule | source |", "|---|---|---|---|"]
    for name, who in COST_PAYERS.items():
        lines.append(f"| `{name}` | {PAYERS[who.payer]} | {_cell(who.rule)} | {_cell(who.source)} |")
    return "\n".join(lines)


BLOCKS = {"glossary": glossary, "payers": payer_table, "targets": target_table, "parameters": parameter_table, "search": search_table,
          "outcomes": metric_table,
          "constants": constant_table, "evaluation": evaluation_table, "state": state_table}
CALIBRATION_DOC = ROOT / "docs" / "calibration.md"
CALIBRATION_BLOCKS = {"posterior": posterior_table, "posterior-facts": posterior_facts,
                      "generations": generations_table}


def render(text: str, blocks: dict | None = None, name_of_file: str = "docs/ODD.md") -> str:
    """``text`` with every ``<!-- NAME:start -->...<!-- NAME:end -->`` block regenerated."""
    for name, make in (blocks or BLOCKS).items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{name_of_file} has no <!-- {name}:start --> block")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main() -> int:
    """Rewrite the generated blocks of docs/ODD.md and docs/calibration.md."""
    sys.path.insert(0, str(ROOT))
    ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
    CALIBRATION_DOC.write_text(render(CALIBRATION_DOC.read_text(encoding="utf-8"), CALIBRATION_BLOCKS,
                                      "docs/calibration.md"), encoding="utf-8")
    print(f"regenerated the tables in {ODD} and {CALIBRATION_DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
