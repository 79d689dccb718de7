"""A toy outcome from outside the package: the share of permit holders who took any course hours.

Used by ``tests/test_outcomes.py`` to show that an outcome declared once, the
way a mechanism module declares its ``OUTCOMES`` (`model.metric`), reaches the
DataCollector, the newcomer table, compare's summary and the app's charts
through `model.outcomes.register`, touching no file of the package (the recipe
in ``docs/ODD.md``, "How to add a lever, a mechanism, an outcome").
"""

from __future__ import annotations

from model.metric import Metric, TableColumn

TOOK_A_COURSE = Metric(
    "share_took_a_course", "Took any course hours (toy)", "share", better=+1, chart="toy_courses",
    per_newcomer=lambda t: t["took_a_course"], reads=("took_a_course",),
    columns=(TableColumn("took_a_course", lambda model: model.nc.course_hours > 0),),
)
"""An average over adult permit holders, of a newcomer-table column it adds itself."""
