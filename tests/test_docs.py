"""The documentation is generated from the code where it can be, and stays in step with it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _odd_tables():
    spec = importlib.util.spec_from_file_location("odd_tables", ROOT / "docs" / "odd_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_tables_are_up_to_date():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert _odd_tables().render(odd) == odd, "run: python docs/odd_tables.py"


def test_calibration_doc_tables_are_up_to_date():
    tables = _odd_tables()
    doc = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert tables.render(doc, tables.CALIBRATION_BLOCKS, "docs/calibration.md") == doc, \
        "run: python docs/odd_tables.py"
    assert "`nieuwkomers calibrate" in doc and "--posterior" in doc


def test_odd_names_every_parameter_and_every_constant_has_a_reason():
    from model import PARAMS

    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    for name in PARAMS:
        assert f"`{name}`" in odd
    for row in _odd_tables().constant_table().splitlines()[2:]:
        assert not row.rstrip().endswith("|  |"), f"constant without a reason: {row}"


def test_odd_has_every_section_of_the_protocol():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    for section in ("Purpose and patterns", "Entities, state variables and scales",
                    "Process overview and scheduling", "Design concepts", "Initialisation",
                    "Input data", "Submodels"):
        assert section in odd


def test_sources_cite_the_study_as_published_and_nothing_outside_the_repository():
    """A reader can follow every source: the study by section, box and note, no line numbers of a private text file."""
    banned = re.compile(r"\blines? \d{3,4}\b|\bseed (line|study|note|kader)|shared/|DESIGN\.md|MISSION\.md|evidence\.md")
    texts = {f"{p}": p.read_text(encoding="utf-8") for folder in ("model", "agents", "experiments", "viz")
             for p in (ROOT / folder).rglob("*.py")}
    texts.update({f"{p}": p.read_text(encoding="utf-8") for p in
                  [ROOT / "README.md", ROOT / "docs" / "ODD.md", ROOT / "model" / "data" / "targets.csv"]})
    offenders = [f"{name}: {m.group(0)!r}" for name, text in texts.items() for m in banned.finditer(text)]
    assert not offenders, offenders
    # and the references that are there name something a reader of the study can look up
    assert "study §3.4 II" in (ROOT / "model" / "policies.py").read_text(encoding="utf-8")


def test_long_files_say_why_they_are_long():
    """A file of the model or the experiments above about 400 lines gives its reason in its docstring."""
    limit = 420  # "about 400"
    long_without_reason = []
    for folder in ("model", "experiments", "agents", "viz"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > limit and "Longer than 400 lines" not in text.split('"""')[1]:
                long_without_reason.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long_without_reason, long_without_reason
