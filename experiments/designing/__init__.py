"""The parts of `nieuwkomers design` (`experiments.design`): which packages, how they are judged, the report.

- `space`: the packages (presets and a space-filling sample of the searched levers), the objectives;
- `evaluate`: every package on the same posterior draws and seeds, effects paired with the baseline;
- `front`: robust statistics per package and the non-dominated sorting with a Monte Carlo tolerance;
- `report`: ``summary.md`` in plain words and the figures.
"""
