"""`validate` prints every target by its readable label and its whole source, not only a code id."""

from __future__ import annotations

import pandas as pd

from experiments.validate import format_table
from model.calibration import load_targets


def test_every_target_is_printed_with_its_label_and_its_whole_source():
    rows = [{"id": t.id, "kind": t.kind, "what": t.what, "low": t.low, "high": t.high, "point": t.point,
             "model_mean": t.point, "ci_low": t.low, "ci_high": t.high, "inside": True, "n_seeds": 2,
             "source": t.source, "role": t.role} for t in load_targets()]
    text = format_table(pd.DataFrame(rows))
    lines = text.splitlines()
    for t in load_targets():
        line = next(line for line in lines if line.split() and line.split()[0] == t.id)
        assert line.rstrip().endswith(t.what), t.id
        assert f"source: {t.source}" in lines[lines.index(line) + 1], t.id
    kept_aside = text.index("Kept aside")
    for t in load_targets():
        assert (text.index(f"  {t.id} ") > kept_aside) == (t.role == "check"), t.id
