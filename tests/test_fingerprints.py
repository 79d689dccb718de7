"""Fingerprints of whole runs: a change that alters any result, however slightly, fails here.

Each fingerprint is a hash of every value of the model table and the newcomer
table after ten years of a small world, for three policies and two seeds. They
were taken before the speed work of issue 11 and must not change when code is
only made faster. If a change alters results *on purpose* (a new mechanism, a
recalibration, another order of random draws), say so in the commit and store
the new fingerprints (run this file's `_fingerprints()` and paste its output).

The values are bit-exact floats, so another numpy version or CPU (its
vectorised ``exp``) may change them too; the reference was taken with
Python 3.12, numpy 2.5 and Mesa 3.5 on x86-64.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from conftest import SMALL

from model import IntegrationModel

FINGERPRINTS = {  # (policy, seed): (model table, newcomer table); has_plan = "has or had a plan" since issue 9
    ("baseline_2013", 0): ("6716a26d29d14ea3", "0f7212d94bd90a4d"),
    ("baseline_2013", 1): ("7e2fe016d476ec7e", "13600e2118743a9c"),
    ("two_track", 0): ("ef4bd9d8925ea981", "d5a91c153d227aa1"),
    ("two_track", 1): ("3dd9e518a4189eb0", "cf374ef1cef0432b"),
    ("all_proposals", 0): ("930ee36798b29adf", "f2f14df01b1c0692"),
    ("all_proposals", 1): ("54a1940d93b26b30", "ec33a1e7a3aa3e73"),
}


def fingerprint(table: pd.DataFrame) -> str:
    """A short hash of every value (and the index) of a table."""
    return hashlib.sha256(pd.util.hash_pandas_object(table, index=True).values.tobytes()).hexdigest()[:16]


def _run(policy: str, seed: int) -> tuple[str, str]:
    model = IntegrationModel(policy=policy, rng=seed, **SMALL)
    model.run_for(120)
    return fingerprint(model.model_table()), fingerprint(model.newcomer_table())


def _fingerprints() -> None:  # pragma: no cover - prints new fingerprints after an intended change
    for policy, seed in FINGERPRINTS:
        print(f'    ("{policy}", {seed}): {_run(policy, seed)!r},')


@pytest.mark.parametrize(("policy", "seed"), list(FINGERPRINTS))
def test_results_are_unchanged(policy, seed):
    model_fp, newcomer_fp = _run(policy, seed)
    assert (model_fp, newcomer_fp) == FINGERPRINTS[policy, seed]
