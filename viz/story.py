"""One newcomer's story: a month-by-month record of every newcomer, and the story it tells.

The model keeps only each newcomer's current state, so the app records it
every month (`NewcomerHistory`, from the model's newcomer table, which carries
each newcomer's position and path, and from its household state: children,
childcare, a partner who follows, exam attempts). `story_events` turns one
newcomer's record into plain sentences ("month 14: got a residence permit after
13 months"), and `StoryPanel` shows them with the facts that matter: household
and young children, months waiting, relocations, courses, language level, the
exam, job, ties and fines. Facts that change (care duties come with a birth and
go with childcare or school) are read month by month, never once.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import numpy as np
import pandas as pd
import solara
from solara.alias import rv

from model.households import NO_CHILD, SCHOOL_AGE_MONTHS
from model.outcomes import PATHS, NewcomerColumns, newcomer_columns
from viz.texts import model_text, number, place_name, t

PATH_CODE = {name: code for code, name in enumerate(PATHS)}  # where a newcomer is on the path, in the map's order

# Columns of the newcomer table recorded every month, with a compact dtype.
RECORDED: dict[str, type] = {
    "status": object, "municipality": object, "cefr": object, "household": object,
    "language_score": np.float32, "employed": bool, "hours_per_week": np.float32,
    "job_matches_education": bool, "volunteering": bool, "on_welfare": bool,
    "exam_passed": bool, "exempted": bool, "fined_count": np.int16, "debt_eur": np.float32,
    "resident_ties": np.int16, "wellbeing": np.float32, "has_plan": bool,
    "used_startpunt": bool, "housed": bool, "relocations": np.int16, "months_in_asylum": np.int16,
    "course_hours": np.float32, "care_duties": bool, "homemaker": bool, "nareiziger": bool,
}
# Household and exam state that the newcomer table does not carry, read from the model's arrays every month.
HOUSEHOLD_STATE: dict[str, type] = {
    "carer": bool, "has_childcare": bool, "youngest_child_month": np.int32, "partner_due_month": np.int32,
    "exam_attempts": np.int16,
}
# Who the newcomer is (fixed on arrival, or only wanted as of now): read from the latest month only.
PERSON = ("age", "gender", "education", "literate", "kansrijk", "nareiziger")


class NewcomerHistory:
    """Every newcomer's state, month by month, for the map and the story panel.

    Attributes:
        months: The month of each record.
        frames: One dict of column arrays per month (rows in arrival order;
            later months have as many rows or more). Besides `RECORDED` and
            `HOUSEHOLD_STATE`: ``id``, ``x``, ``y`` (grid cell), ``path`` (code
            into `PATHS`) and ``partner_here`` (their partner lives here).
    """

    def __init__(self) -> None:
        """Start an empty history."""
        self.months: list[int] = []
        self.frames: list[dict[str, np.ndarray]] = []
        self._row: dict[int, int] = {}
        self._latest: NewcomerColumns | None = None
        self._person: pd.DataFrame | None = None

    def record(self, model, columns: NewcomerColumns | None = None) -> None:
        """Record every newcomer of ``model`` as they are this month.

        Args:
            model: The model.
            columns: Its newcomer table this month (`model.outcomes.newcomer_columns`), if already made.
        """
        columns = newcomer_columns(model) if columns is None else columns
        frame = {name: np.array(columns.named(name) if name in columns.names else columns.arrays[name], dtype=dtype)
                 for name, dtype in RECORDED.items()}
        frame.update({name: np.array(getattr(model.nc, name), dtype=dtype) for name, dtype in HOUSEHOLD_STATE.items()})
        frame["partner_here"] = model.nc.partner >= 0
        frame["id"] = np.array(columns.arrays["id"], dtype=np.int64)
        frame["x"] = np.array(columns.arrays["x"], dtype=np.int16)
        frame["y"] = np.array(columns.arrays["y"], dtype=np.int16)
        frame["path"] = np.array(columns.arrays["path"], dtype=np.int8)  # codes into PATHS
        for row in range(len(self._row), len(frame["id"])):
            self._row[int(frame["id"][row])] = row
        self._latest, self._person = columns, None
        self.months.append(model.month)
        self.frames.append(frame)

    @property
    def person(self) -> pd.DataFrame:
        """Who each newcomer is (`PERSON` columns) as of the latest month, indexed by id."""
        if self._person is None:
            columns = self._latest
            data = ({name: columns.named(name) if name in columns.names else columns.arrays[name] for name in PERSON}
                    if columns is not None else {name: [] for name in PERSON})
            index = pd.Index(columns.arrays["id"] if columns is not None else [], name="id")
            self._person = pd.DataFrame(data, index=index, columns=list(PERSON))
        return self._person

    @property
    def latest(self) -> dict[str, np.ndarray]:
        """This month's frame."""
        return self.frames[-1]

    @property
    def ids(self) -> np.ndarray:
        """Ids of everyone who has arrived, in arrival order."""
        return self.latest["id"]

    def first_with_permit(self, among: np.ndarray | None = None) -> int:
        """The first newcomer to arrive who has a permit now (else the first to arrive): the default story.

        Args:
            among: Only these ids (in arrival order, e.g. those matching the picker's traits); default everyone.
        """
        frame = self.latest
        keep = frame["status"] == "permit"
        if among is not None:
            keep &= np.isin(frame["id"], among)
        with_permit = np.flatnonzero(keep)
        if len(with_permit):
            return int(frame["id"][with_permit[0]])
        return int(frame["id"][0] if among is None else among[0])

    def __contains__(self, newcomer_id: int) -> bool:
        return newcomer_id in self._row

    def of(self, newcomer_id: int) -> pd.DataFrame:
        """One newcomer's record: a row per month since they arrived.

        Raises:
            KeyError: If no newcomer with this id has arrived.
        """
        row = self._row[newcomer_id]
        months = [m for m, f in zip(self.months, self.frames, strict=True) if len(f["id"]) > row]
        frames = self.frames[len(self.frames) - len(months):]
        names = (*RECORDED, *HOUSEHOLD_STATE, "partner_here", "path")
        data = {name: [f[name][row] for f in frames] for name in names}
        return pd.DataFrame({"month": months, **data})


def _cefr_rank(level: str) -> int:
    return int(level[1]) + (3 if level[0] == "B" else 5 if level[0] == "C" else 0)


def story_events(record: pd.DataFrame) -> list[tuple[int, str]]:
    """What happened to one newcomer, as (month, sentence) pairs in order, in the chosen language.

    Args:
        record: One newcomer's record from `NewcomerHistory.of`.
    """
    events: list[tuple[int, str]] = []
    if record.empty:
        return events
    rows = [SimpleNamespace(**row) for row in record.to_dict("records")]
    first = rows[0]
    events.append((int(first.month), t("ev_arrived_nareiziger" if first.nareiziger else "ev_arrived")))
    if first.care_duties:
        events.append((int(first.month), t("ev_care_duties")))
    previous = rows[0]
    for now in rows[1:]:
        m = int(now.month)

        def say(key: str, **fields) -> None:
            events.append((m, t(key, **fields)))  # noqa: B023 (called at once, in this month)

        if now.relocations > previous.relocations:
            say("ev_relocated")
        if previous.status == "asylum" and now.status == "permit":
            say("ev_permit", months=int(now.months_in_asylum))
        if previous.status != "departed" and now.status == "departed":
            say("ev_departed")
        if now.municipality and now.municipality != previous.municipality and not now.housed:
            say("ev_assigned", municipality=place_name(now.municipality))
        if now.housed and not previous.housed:
            say("ev_housed", municipality=place_name(now.municipality))
        if now.partner_here and not previous.partner_here:
            say("ev_partner_joined")
        if now.youngest_child_month > previous.youngest_child_month and now.youngest_child_month == m:
            say("ev_baby")
        elif now.household != previous.household:
            say("ev_household", household=model_text(now.household))
        if now.has_plan and not previous.has_plan:
            say("ev_plan")
        if now.care_duties and not previous.care_duties:
            say("ev_care_duties")
        if now.carer and now.has_childcare and not previous.has_childcare:
            say("ev_childcare")
        elif previous.care_duties and not now.care_duties and not now.has_childcare and now.status != "departed":
            say("ev_care_shared" if now.partner_here and not previous.partner_here else "ev_care_ended")
        if previous.homemaker and not now.homemaker and now.partner_here and now.status != "departed":
            say("ev_looks_for_work")
        if now.path == PATH_CODE["in a course"] and previous.path != PATH_CODE["in a course"]:
            say("ev_course")
        if _cefr_rank(now.cefr) > _cefr_rank(previous.cefr):
            say("ev_level", cefr=now.cefr)
        if now.exam_attempts > previous.exam_attempts and not now.exam_passed:
            say("ev_exam_failed", attempts=int(now.exam_attempts))
        if now.exam_passed and not previous.exam_passed:
            say("ev_exam_passed")
        if now.exempted and not previous.exempted:
            say("ev_exempted")
        if now.fined_count > previous.fined_count:
            say("ev_fined", debt=number(now.debt_eur, ",.0f"))
        if now.volunteering and not previous.volunteering:
            say("ev_volunteering")
        if now.employed and not previous.employed:
            say("ev_job", hours=f"{now.hours_per_week:.0f}",
                matched=t("ev_job_matches" if now.job_matches_education else "ev_job_below"))
        if previous.employed and not now.employed:
            say("ev_job_lost")
        if now.resident_ties > 0 and previous.resident_ties == 0:
            say("ev_first_tie")
        if now.resident_ties == 0 and previous.resident_ties > 0:
            say("ev_isolated")
        previous = now
    return events


def household_fact(record: pd.DataFrame, person: pd.Series) -> str:
    """Who they live with, and whether a partner followed them here or they followed a partner."""
    now = record.iloc[-1]
    text = model_text(str(now.household))
    if person.nareiziger:
        return text + t("came_as_nareiziger")
    joined = np.flatnonzero(record.partner_here.to_numpy()[1:] & ~record.partner_here.to_numpy()[:-1])
    if len(joined):
        return text + t("partner_joined_them", month=int(record.month.iloc[joined[0] + 1]))
    if now.partner_due_month >= 0 and not now.partner_here:
        return text + t("partner_due", month=int(now.partner_due_month))
    return text


def children_fact(record: pd.DataFrame) -> str | None:
    """Their young children and childcare now (None if they care for no child)."""
    now = record.iloc[-1]
    if not now.carer or now.youngest_child_month == NO_CHILD:
        return None
    if now.care_duties:
        return t("children_care_duties")
    child_months = int(now.month) - int(now.youngest_child_month)
    if now.has_childcare and child_months < SCHOOL_AGE_MONTHS:
        return t("children_in_childcare")
    return t("children_at_school", years=child_months // 12)


def exam_fact(now) -> str:
    """The civic-integration exam: passed, exempted, or how many attempts so far."""
    attempts = int(now.exam_attempts)
    if now.exam_passed:
        return t("exam_passed_value", attempts=attempts)
    if now.exempted:
        return t("exam_exempted_value", attempts=attempts)
    return t("exam_open_value", attempts=attempts)


def story_facts(record: pd.DataFrame, person: pd.Series) -> list[tuple[str, str]]:
    """The facts of one newcomer's path so far, as (label, value) pairs, in the chosen language."""
    now = record.iloc[-1]
    in_course = int((record.path == PATH_CODE["in a course"]).sum())
    if now.employed:
        job = t("job_yes", hours=f"{now.hours_per_week:.0f}") + (t("job_matches") if now.job_matches_education else "")
    else:
        job = t("job_homemaker" if now.homemaker else "job_no")
    who = t("who", gender=t(person.gender), age=f"{person.age:.0f}", education=t(person.education))
    facts = [
        (t("fact_who"), who + ("" if person.literate else t("cannot_read"))),
        (t("fact_household"), household_fact(record, person)),
    ]
    children = children_fact(record)
    if children is not None:
        facts.append((t("fact_children"), children))
    where = t("lives_in", municipality=place_name(now.municipality)) if now.municipality else ""
    facts += [
        (t("fact_now"), model_text(PATHS[int(now.path)]) + where),
        (t("fact_waiting"), f"{int(now.months_in_asylum)}"),
        (t("fact_relocations"), f"{int(now.relocations)}"),
        (t("fact_courses"), t("courses_value", months=in_course, hours=f"{now.course_hours:.0f}")),
        (t("fact_dutch"), t("dutch_value", cefr=now.cefr, score=number(now.language_score, ".2f"))),
        (t("fact_exam"), exam_fact(now)),
        (t("fact_job"), job),
        (t("fact_ties"), f"{int(now.resident_ties)}" + (t("isolated") if now.resident_ties == 0 else "")),
        (t("fact_fines"), t("fines_value", count=int(now.fined_count), debt=number(now.debt_eur, ",.0f"))),
        (t("fact_wellbeing"), t("wellbeing_value", value=number(now.wellbeing, ".2f"))),
    ]
    return facts


# The traits a newcomer can be picked by, with their values as the newcomer table writes them.
TRAITS: dict[str, tuple[str, ...]] = {
    "education": ("none", "low", "middle", "high"),
    "gender": ("female", "male"),
    "status": ("asylum", "permit", "departed"),
}


def matching(history: NewcomerHistory, education: str | None = None, gender: str | None = None,
             status: str | None = None) -> np.ndarray:
    """Ids of the newcomers who have arrived and have these traits now (None: any), in arrival order."""
    ids = history.ids
    person = history.person.reindex(ids)
    keep = np.ones(len(ids), dtype=bool)
    if education:
        keep &= person["education"].to_numpy() == education
    if gender:
        keep &= person["gender"].to_numpy() == gender
    if status:
        keep &= history.latest["status"] == status
    return ids[keep]


def newcomer_labels(history: NewcomerHistory, ids: np.ndarray) -> list[str]:
    """How the picker names newcomers: who they are, not only a number ("#12 · female, 34 years, ...")."""
    person = history.person.reindex(ids)
    row = {i: k for k, i in enumerate(history.ids.tolist())}
    status = history.latest["status"]
    education = t("education").lower()
    words = {key: t(key) for values in TRAITS.values() for key in values}
    ages = [f"{a:.0f}" for a in person["age"].tolist()]
    years_old = {age: t("years_old", age=age) for age in set(ages)}  # one translation per age, not per newcomer
    return [f"#{i} · {words[g]}, {years_old[a]}, {education}: {words[e]} · {words[status[row[i]]]}"
            for i, g, a, e in zip(ids.tolist(), person["gender"].tolist(), ages, person["education"].tolist(),
                                  strict=True)]


@solara.component
def TraitFilter(trait: str, value: str | None, on_value):
    """One trait to pick newcomers by: any, or one of its values."""
    items = [{"text": t("any"), "value": ""}] + [{"text": t(v), "value": v} for v in TRAITS[trait]]
    rv.Select(v_model=value or "", on_v_model=lambda v: on_value(v or None), items=items, label=t(trait),
              class_=f"nk-pick-{trait}", dense=True, hide_details=True, style_="max-width: 150px")


@solara.component
def StoryPanel(history: NewcomerHistory, picked: solara.Reactive[int | None], month: int):
    """Pick a newcomer by their traits (or by clicking the map) and read their path.

    Args:
        history: The run's newcomer history.
        picked: The id of the newcomer shown (None: the first to arrive who has a permit, among those who
            match the traits; sheet 1 follows them).
        month: The current month (re-renders the panel every step).
    """
    traits, set_traits = solara.use_state({"education": None, "gender": None, "status": None})
    if len(history.ids) == 0:
        solara.Text(t("none_yet", month=month, step=t("button_Step")))
        return
    with solara.Row(gap="8px"):
        for trait in TRAITS:
            TraitFilter(trait, traits[trait],
                        lambda v, trait=trait: set_traits({**traits, trait: v}))
    matches = matching(history, **traits)
    if picked.value in history and (picked.value in matches or not any(traits.values())):
        chosen = picked.value
    elif len(matches):
        chosen = history.first_with_permit(matches)
    else:
        solara.Text(t("no_match"), classes=["nk-no-match"])
        return
    shown = matches if chosen in matches else np.append(matches, chosen)
    people = history.person
    items = [{"text": label, "value": i}
             for i, label in zip(shown.tolist(), newcomer_labels(history, shown), strict=True)]
    rv.Select(v_model=chosen, on_v_model=lambda v: picked.set(int(v)), items=items,
              label=t("newcomer", n=number(len(matches), ",")), class_="nk-pick-newcomer", dense=True, hide_details=True)
    record = history.of(chosen)
    facts = story_facts(record, people.loc[chosen])
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts)
    events = story_events(record)
    items = "".join(f"<li><b>{t('story_month', month=m)}</b> ({t('story_year', year=number(m / 12, '.1f'))}): "
                    f"{html.escape(text)}</li>" for m, text in events)
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<div class="nk-story" data-newcomer="{chosen}">'
        f'<table class="nk-facts">{rows}</table>'
        f'<div class="nk-caption">{t("what_happened")}</div><ol class="nk-events">{items}</ol></div>'))
