"""The parameter spec is the one source of truth, and it refuses bad values clearly."""

from __future__ import annotations

import inspect
import re

import pytest

from model import PARAMS, POLICIES, IntegrationModel
from model.parameters import LEVERS, parse_assignment, unknown_parameter_message, validate_params
from model.policies import POLICY_INFO


def test_model_signature_lists_exactly_the_spec():
    signature = inspect.signature(IntegrationModel.__init__).parameters
    names = [n for n in signature if n != "self"]
    # last, the values of programmes registered from outside the package (model.programmes)
    assert names == ["policy", "rng", *PARAMS, "registered"]
    assert all(signature[n].kind is inspect.Parameter.KEYWORD_ONLY for n in names)
    # no catch-all: a misspelt parameter is a TypeError, and Mesa's SolaraViz passes the model only what it names
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.values())


def test_every_parameter_is_documented():
    for p in PARAMS.values():
        assert p.label and p.source and p.group, p.name
        assert p.validate(p.default) == p.default
        if p.kind in (int, float):
            low, high = p.bounds
            assert low <= p.default <= high


def test_design_names_exist():
    required = """n_newcomers n_residents n_employers n_municipalities grid_width grid_height
    arrival_pattern arrival_months asylum_wait_months recognition_rate housing_wait_months
    relocation_rate_per_year language_from_arrival azc_activities work_access_month personal_plan
    municipal_direction startpunten_per_municipality fine_eur positive_incentives benefit_sanction
    exam_deadline_months exam_level employer_subsidy municipality_quality_spread""".split()
    assert set(required) <= set(PARAMS)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("n_newcomers", -5, "n_newcomers=-5 is not allowed: expected an integer in [1, 200000]"),
        ("n_newcomers", 2.5, "expected an integer"),
        ("recognition_rate", 1.5, "recognition_rate=1.5 is not allowed: expected a number in [0.0, 1.0]"),
        ("exam_level", "C2", "expected 'A2' | 'B1'"),
        ("personal_plan", "yes", "expected true or false"),
        ("fine_eur", float("nan"), "fine_eur=nan"),
        ("n_employers", True, "n_employers=True"),
    ],
)
def test_bad_values_are_named_with_allowed_values(name, value, expected):
    with pytest.raises(ValueError, match="is not allowed") as err:
        IntegrationModel(**{name: value})
    assert expected in str(err.value)


def test_unknown_parameter_is_named_with_close_matches():
    with pytest.raises(TypeError, match="n_newcomrs"):
        IntegrationModel(n_newcomrs=5)
    assert "did you mean n_newcomers" in unknown_parameter_message("n_newcomrs")
    with pytest.raises(ValueError, match="did you mean n_newcomers"):
        validate_params({"n_newcomrs": 5})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("personal_plan=yes", True), ("personal_plan=0", False), ("fine_eur=250", 250.0),
     ("n_newcomers=300", 300), ("exam_level=B1", "B1"), (" employer_subsidy = 0.5 ", 0.5)],
)
def test_set_values_are_parsed_by_type(text, expected):
    name, value = parse_assignment(text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text", ["personal_plan=maybe", "n_newcomers=1e9", "fine_eur", "nope=1"])
def test_bad_set_values_raise(text):
    with pytest.raises(ValueError):
        parse_assignment(text)


def test_policies_only_set_levers_and_describe_themselves():
    assert list(POLICIES) == ["baseline_2013", "early_language", "two_track", "startpunten",
                              "reduced_fines", "all_proposals", "wet_inburgering_2021", "municipal_levers"]
    assert POLICIES["baseline_2013"] == {}
    for name, levers in POLICIES.items():
        assert set(levers) <= set(LEVERS)
        assert re.search(r"study (§3\.\d|kader 3\.\d|note \d+)", POLICY_INFO[name].description), name  # cites the study
    assert all(p.lever for p in (PARAMS[n] for n in LEVERS))
    assert not any(PARAMS[n].calibrated for n in LEVERS), "levers are never calibrated"


def test_unknown_policy_names_the_allowed_ones():
    with pytest.raises(ValueError, match="unknown policy 'nope'; choose one of: baseline_2013"):
        IntegrationModel(policy="nope")


def test_no_parameter_shadows_what_the_model_is_or_sets(small):
    """Every parameter becomes a model attribute; none may be a method or an attribute the model sets itself."""
    assert not set(PARAMS) & set(dir(IntegrationModel)), "a parameter named like a method or class attribute"
    m = IntegrationModel(rng=0, **small)
    m.run_for(2)
    changed = [name for name in PARAMS if getattr(m, name) != m.params[name]]
    assert not changed, f"the model overwrote these parameters: {changed}"


def _parameters_read(path) -> list[str]:
    """The parameters a module of `model` reads, from its code: ``model.<name>`` (``self.<name>`` in the model)."""
    import ast

    base = "self" if path.name == "model.py" else "model"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted({node.attr for node in ast.walk(tree)
                   if isinstance(node, ast.Attribute) and node.attr in PARAMS
                   and isinstance(node.value, ast.Name) and node.value.id == base})


def test_each_module_declares_the_parameters_it_reads():
    """A mechanism's parameters are found at its top (``PARAMETERS``), and the list is exactly what it reads."""
    import importlib
    from pathlib import Path

    import model

    wrong = {}
    for path in sorted(Path(model.__path__[0]).glob("*.py")):
        module = importlib.import_module(f"model.{path.stem}")
        declared = list(getattr(module, "PARAMETERS", ()))
        if declared != _parameters_read(path):
            wrong[path.stem] = {"declared": declared, "read": _parameters_read(path)}
    assert wrong == {}
    from model import labour

    assert "hire_rate" in labour.PARAMETERS


def test_every_parameter_is_read_by_some_module():
    """A parameter no mechanism reads would be a lever that does nothing."""
    from docs.odd_tables import parameter_readers

    readers = parameter_readers()
    assert set(PARAMS) - set(readers) == set()
    assert readers["hire_rate"] == ["labour"]
