"""The parts of `nieuwkomers compare` (the command and Python API are `experiments.compare`).

- `settings`: what a comparison runs, checked;
- `running`: every (policy, seed) on one backend, newcomer snapshots to Parquet;
- `summarising`: the tables, with intervals from seeds (and parameters);
- `report`: ``summary.md``, the headline table, the README block;
- `for_whom`: the report's "For whom" section and the README's sentence on gaps between groups;
- `formatting`: numbers in their units, Markdown tables;
- `figures`: which figures, and drawing them.
"""
