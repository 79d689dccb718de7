"""The documentation is generated from the code where it can be, and stays in step with it."""

from __future__ import annotations

import importlib.util
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
