"""`compare --intake --memo --lang nl`: people for an intake, net cost by payer, a Dutch memo (issue 24)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main as cli
from experiments.comparison.memo import translate_phrases
from model import IntegrationModel
from model.welfare import COST_PAYERS, PAYERS, Costs, net_cost_by_payer

TINY = ["--set", "n_newcomers=60", "--set", "n_residents=300", "--set", "n_employers=10",
        "--set", "grid_width=20", "--set", "grid_height=20"]
INTAKE = 120


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli(list(args))
        except SystemExit as stop:  # argparse's own errors
            code = stop.code
    return code, err.getvalue()


@pytest.fixture(scope="module")
def memo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("memo") / "out"
    code, err = run("compare", "--reference", "wet_inburgering_2021", "--intake", str(INTAKE), "--lang", "nl",
                    "--memo", "--policies", "two_track,municipal_levers", "--seeds", "2", "--posterior", "2",
                    "--years", "6", "--workers", "1", *TINY, "--out", str(out))
    assert code == 0, err
    return out


def test_memo_is_written_in_dutch_with_its_workbook(memo: Path):
    text = (memo / "memo.md").read_text(encoding="utf-8")
    for words in ("# Notitie", "**Vraag.**", "**Antwoord.**", "Netto publieke kosten per betaler", "gemeente",
                  "Wat het model weglaat", "Hoe zeker is dit?", "`wet_inburgering_2021`"):
        assert words in text
    sheets = pd.read_excel(memo / "memo.xlsx", sheet_name=None)
    assert len(sheets) == 2 and all(len(s) > 0 for s in sheets.values())


def page_size(markdown: str) -> tuple[int, int]:
    """Lines, and words with each table cell counted as one word (a cell is read as one item)."""
    lines = markdown.strip().splitlines()
    words = 0
    for line in lines:
        if line.startswith("|"):
            words += 0 if set(line) <= set("|-: ") else len(line.strip().strip("|").split("|"))
        else:
            words += len(line.split())
    return len(lines), words


def test_the_memo_with_two_policies_fits_one_page(memo: Path):
    """One page of a council memo: at most 60 lines and 500 words (a table cell counts as one word), with two
    policies, every outcome at 1, 3 and 5 years after the permit and every payer, in Dutch (longer than English)."""
    text = (memo / "memo.md").read_text(encoding="utf-8")
    lines, words = page_size(text)
    assert lines <= 60 and words <= 500, (lines, words)
    for years in ("| 1 |", "| 3 |", "| 5 |"):
        assert years in text
    for payer in ("gemeente", "Rijk (incl. COA)", "DUO", "**totaal**"):
        assert f"| {payer} |" in text


def test_people_are_the_share_times_the_intake(memo: Path):
    people = pd.read_csv(memo / "intake.csv")
    assert set(people["policy"]) == {"two_track", "municipal_levers"}
    assert (people["reference"] == "wet_inburgering_2021").all()
    for share, count in (("share", "people"), ("difference", "people_difference"), ("diff_ci_low", "people_low")):
        assert (people[count] - people[share] * INTAKE).abs().max() < 1e-9
    assert set(people["years_since_permit"]) <= {1, 3, 5}


def test_payers_add_up_to_the_net_public_cost(memo: Path):
    payers = pd.read_csv(memo / "cost_by_payer.csv")
    wide = payers.pivot_table(index=["policy", "year"], columns="payer", values="value")
    assert (wide[list(PAYERS)].sum(axis=1) - wide["total"]).abs().max() < 1e-6
    summary = pd.read_csv(memo / "summary.csv")
    net = summary[summary["metric"] == "net_public_cost_per_newcomer_eur"].set_index(["policy", "year"])["mean"]
    assert (wide["total"] - net.reindex(wide.index)).abs().max() < 1e-6


def test_every_cost_item_has_one_payer_and_payers_sum_to_the_total():
    assert set(COST_PAYERS) == {f for f in Costs.__dataclass_fields__}
    m = IntegrationModel(policy="all_proposals", rng=1, n_newcomers=60, n_residents=300, n_employers=10,
                         grid_width=20, grid_height=20)
    m.run_for(30)
    by_payer = net_cost_by_payer(m.costs)
    assert sum(by_payer.values()) == pytest.approx(m.costs.public_cost - m.costs.fiscal_return)
    assert m.costs.courses_in_azc > 0  # early lessons are COA's, not the municipality's
    assert by_payer["duo"] >= 0 and by_payer["municipality"] > 0


def test_figures_and_their_labels_are_dutch(memo: Path):
    assert (memo / "figures" / "overview.png").exists()
    assert translate_phrases("Key outcomes over 4 years by policy", "nl").startswith("Kernuitkomsten over 4 jaar")
    assert translate_phrases("Employed (any hours)", "en") == "Employed (any hours)"
    # a label wrapped over lines is read whole and wrapped again; a phrase's Dutch is not translated twice
    assert translate_phrases("Isolated (no active tie with a\nresident)", "nl") == "Geïsoleerd (geen actief\ncontact met een inwoner)"
    assert translate_phrases("(permit holders aged 18–64; mean and 95% CI across seeds)", "nl").endswith("over seeds)")


@pytest.mark.parametrize("args, says", [
    (["--intake", "-5"], "--intake -5 is not allowed"),
    (["--intake", "1.5"], "--intake"),
    (["--lang", "fr"], "--lang 'fr' is not allowed: choose one of: en, nl"),
    (["--memo"], "--memo needs --intake N"),
    (["--intake", "120", "--intake-years", "0"], "--intake-years 0"),
])
def test_bad_intake_language_or_memo_is_one_line_and_exit_2(tmp_path: Path, args, says):
    code, err = run("compare", *args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


#: Words English has and Dutch has not: none may stand in a Dutch report outside `code`.
ENGLISH_ONLY = ("the", "and", "with", "from", "which", "policy", "year", "years", "people", "payer", "cost",
                "newcomer", "newcomers", "permit", "holders", "total", "difference", "reference", "outcome",
                "for", "to", "are", "by", "seed by seed", "across", "between", "group", "women", "men")


def english_words(markdown: str) -> dict[str, int]:
    prose = re.sub(r"`[^`]*`", "", markdown)
    return {w: n for w in ENGLISH_ONLY if (n := len(re.findall(rf"\b{w}\b", prose)))}


def test_summary_is_written_in_dutch_with_dutch_numbers(memo: Path):
    text = (memo / "summary.md").read_text(encoding="utf-8")
    for words in ("# Vergelijking van beleid", "## Kernuitkomsten per jaar", "## Naar jaren sinds de vergunning",
                  "## Voor wie", "## Netto publieke kosten per betaler", "## Voor een instroom van 120 statushouders",
                  "Twee sporen met een persoonlijk inburgeringsplan", "| vrouwen |"):
        assert words in text
    assert english_words(text) == {}
    assert re.search(r"\d+,\d%", text) and re.search(r"\[-?\d+,\d; -?\d+,\d\]", text)  # 38,7% and [1,5; 2,0]
    assert english_words((memo / "memo.md").read_text(encoding="utf-8")) == {}


def test_every_table_of_effects_gives_the_interval_from_seeds_and_parameters(memo: Path):
    """With --posterior, each section with effects says its interval is from seeds and parameters, and the effect
    at 3 years after the permit reads the same in the by-years-since-permit table and the intake table; only
    "How sure are we?" sets the seeds-alone interval beside it."""
    text = (memo / "summary.md").read_text(encoding="utf-8")
    sections = {s.split("\n", 1)[0]: s for s in text.split("\n## ")[1:]}
    label = "*Intervallen: 95%, uit seeds en parameters (4 runs per beleid: 2 parametersets uit de posterior × 2 seeds).*"
    for heading in ("Kernuitkomsten per jaar", "Naar jaren sinds de vergunning", "Netto publieke kosten per betaler",
                    "Voor een instroom van 120 statushouders"):
        section = next(s for h, s in sections.items() if h.startswith(heading))
        assert label in section, heading
    assert "95%-interval uit seeds en parameters" in sections["Voor wie"]
    assert "alleen seeds" in next(s for h, s in sections.items() if h.startswith("Hoe zeker zijn we?"))
    by_permit = next(s for h, s in sections.items() if h.startswith("Naar jaren"))
    employed = by_permit.split("### Aan het werk (elk aantal uren)\n", 1)[1].lstrip("\n").split("\n\n")[0]
    header = [c.strip() for c in employed.splitlines()[0].strip("|").split("|")]
    row = next(line for line in employed.splitlines() if line.startswith("| `two_track`"))
    cell = [c.strip().strip("*") for c in row.strip("|").split("|")][header.index("Δ 3 j")]
    intake = next(s for h, s in sections.items() if h.startswith("Voor een instroom"))
    mine = next(line for line in intake.splitlines()
                if line.startswith("| `two_track` | Aan het werk (elk aantal uren) | 3 |"))
    cells = [c.strip() for c in mine.strip("|").split("|")]
    assert cell == f"{cells[5]} {cells[6]}"  # the difference and its interval, the same numbers
