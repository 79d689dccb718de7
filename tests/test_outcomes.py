"""Each outcome declared once (issue 23, item 3): the registry and a toy outcome registered from outside.

Every outcome is a `model.metric.Metric` in the ``OUTCOMES`` of the module that
owns it; `model.outcomes` gathers them, and the DataCollector, the newcomer
table, compare's summary and the app's charts follow. The toy
(``tests/toy_outcome.py``) goes through the same path with
`model.outcomes.registered`, touching no file of the package: if the path or
the recipe in ``docs/ODD.md`` rots, these tests fail.
"""

from __future__ import annotations

import importlib
import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL
from toy_outcome import TOOK_A_COURSE

from experiments import summary as S
from experiments.compare import compare
from model import METRICS, IntegrationModel, outcomes
from model.metric import Metric, TableColumn
from model.outcomes import NEWCOMER_MEASURES, NEWCOMER_TABLE_COLUMNS, OUTCOME_OWNERS, TABLE_COLUMNS
from viz.charts import charts

ROOT = Path(__file__).resolve().parent.parent
TINY = {"n_newcomers": 80, "n_residents": 800, "n_employers": 20}
TOY = TOOK_A_COURSE.name


def _permit_mean(newcomers, column: str) -> float:
    return float(newcomers.loc[S.permit_adults(newcomers), column].mean())


def test_a_registered_outcome_reaches_the_tables_and_the_app_charts():
    with outcomes.registered(TOOK_A_COURSE):
        m = IntegrationModel(rng=2, **SMALL)
        m.run_for(24)
        table, newcomers = m.model_table(), m.newcomer_table()
        assert list(table.columns)[-1] == TOY and TOY in m.datacollector.get_model_vars_dataframe()
        assert list(newcomers.columns) == [*NEWCOMER_TABLE_COLUMNS, "took_a_course"]
        assert 0 < table[TOY].iloc[-1] == pytest.approx(_permit_mean(newcomers, "took_a_course"))
        toy_chart = [c for c in charts() if c.metrics == (TOY,)]
        assert [c.key for c in toy_chart] == ["toy_courses"] and toy_chart[0].title == TOOK_A_COURSE.label
        assert S.REPORT_METRICS[TOY] is TOOK_A_COURSE and TOY in NEWCOMER_MEASURES
    assert TOY not in METRICS and TOY not in S.REPORT_METRICS and "took_a_course" not in TABLE_COLUMNS
    assert all(TOY not in c.metrics for c in charts())
    assert TOY not in IntegrationModel(rng=2, **SMALL).model_table()


def test_a_registered_outcome_is_in_compares_summary():
    with outcomes.registered(TOOK_A_COURSE):
        result = compare(["baseline_2013"], seeds=2, years=1, params=TINY, workers=1)  # in this process
    assert TOY in set(result.summary["metric"]) and TOY in set(result.by_permit["metric"])
    assert "took_a_course" in result.newcomers


def test_registering_an_outcome_changes_no_result():
    plain = IntegrationModel(rng=5, **SMALL)
    plain.run_for(12)
    with outcomes.registered(TOOK_A_COURSE):  # a model's tables are read while its outcomes are registered
        measured = IntegrationModel(rng=5, **SMALL)
        measured.run_for(12)
        table, newcomers = measured.model_table(), measured.newcomer_table()
    assert table.drop(columns=TOY).equals(plain.model_table())
    assert newcomers.drop(columns="took_a_course").equals(plain.newcomer_table())


def test_every_outcome_is_declared_once_by_the_module_that_owns_it():
    declared = {m.name: owner for owner in OUTCOME_OWNERS
                for m in importlib.import_module(f"model.{owner}").OUTCOMES}
    assert set(declared) == set(METRICS) and len(declared) == len(METRICS)
    assert declared == {name: m.owner for name, m in METRICS.items()}
    assert declared["share_isolated"] == "contacts" and declared["public_cost_eur"] == "welfare"
    assert declared["n_asylum"] == "population" and declared["mean_debt_eur"] == "exam"
    # counts by phase, then averages over permit holders, then values of the model (DESIGN's order)
    rules = [m.rules[0] for m in METRICS.values()]
    assert rules == sorted(rules, key=["phase", "per_newcomer", "of_model"].index)


def test_a_declared_outcome_travels_to_a_worker_process_by_its_module_and_name():
    rows = {"employed": np.array([True, True, False]), "hours_per_week": np.array([40.0, 20.0, 0.0])}
    for metric in METRICS.values():
        again = pickle.loads(pickle.dumps(metric))  # rules are lambdas: found again in model.<owner>
        assert (again.name, again.label, again.owner, again.reads) == (metric.name, metric.label, metric.owner,
                                                                        metric.reads)
    fulltime = pickle.loads(pickle.dumps(METRICS["share_fulltime"]))
    assert fulltime.per_newcomer(rows).tolist() == [True, False, False]


def test_each_rule_reads_only_the_columns_it_names():
    m = IntegrationModel(rng=1, **SMALL)
    m.run_for(18)
    newcomers = m.newcomer_table()
    for name, rule in NEWCOMER_MEASURES.items():
        only = {column: newcomers[column] for column in METRICS[name].reads}
        assert np.array_equal(np.asarray(rule(only)), np.asarray(rule(newcomers))), name


def test_the_app_draws_every_outcome_that_names_a_chart():
    drawn = [name for c in charts() for name in c.metrics]
    assert sorted(drawn) == sorted(name for name, m in METRICS.items() if m.chart)
    assert [c.key for c in charts()] == ["language", "employment", "isolation", "welfare", "wellbeing", "exam"]


def _share(name: str, **rule) -> Metric:
    return Metric(name, "a toy", "share", **rule)


@pytest.mark.parametrize("metric, says", [
    (_share("share_employed", per_newcomer=lambda t: t["employed"], reads=("employed",)), "declared already"),
    (_share("toy_no_rule"), "needs one rule"),
    (_share("toy_two_rules", phase=0, of_model=lambda m: 0.0), "needs one rule"),
    (_share("toy_unread", per_newcomer=lambda t: t["employed"]), "reads no columns"),
    (_share("toy_unknown", per_newcomer=lambda t: t["nothing"], reads=("nothing",)), "reads nothing"),
    (_share("toy_clash", of_model=lambda m: 0.0, columns=(TableColumn("employed"),)), "exists already"),
])
def test_a_malformed_or_clashing_outcome_is_refused(metric, says):
    before, columns = dict(METRICS), dict(TABLE_COLUMNS)
    with pytest.raises(ValueError, match=says):
        outcomes.register(metric)
    assert METRICS == before and TABLE_COLUMNS == columns and not outcomes.REGISTERED


def test_the_recipe_names_the_outcome_declaration_and_the_toy():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    recipe = odd[odd.index("### How to add a lever, a mechanism, an outcome"):]
    recipe = recipe[recipe.index("**An outcome**"): recipe.index("\n## ")]
    for needed in ("OUTCOMES", "model/metric.py", "per_newcomer", "reads", "chart", "model.outcomes.register",
                   "tests/toy_outcome.py", "viz/texts.py", "docs/odd_tables.py"):
        assert needed in recipe, needed
