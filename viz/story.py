"""One newcomer's story: a month-by-month record of every newcomer, and the story it tells.

The model keeps only each newcomer's current state, so the app records it
every month (`NewcomerHistory`, from `IntegrationModel.newcomer_table`, which
carries each newcomer's position and path). `story_events` turns one newcomer's record into
plain sentences ("month 14: got a residence permit after 13 months"), and
`StoryPanel` shows them with the facts that matter: months waiting,
relocations, courses, language level, job, ties and fines.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import numpy as np
import pandas as pd
import solara
from solara.alias import rv

from model.outcomes import PATHS
from viz.texts import t  # where a newcomer is on the path, in the map's order

PATH_CODE = {name: code for code, name in enumerate(PATHS)}

# Columns of the newcomer table recorded every month, with a compact dtype.
RECORDED: dict[str, type] = {
    "status": object, "municipality": object, "cefr": object,
    "language_score": np.float32, "employed": bool, "hours_per_week": np.float32,
    "job_matches_education": bool, "volunteering": bool, "on_welfare": bool,
    "exam_passed": bool, "fined_count": np.int16, "debt_eur": np.float32,
    "resident_ties": np.int16, "wellbeing": np.float32, "has_plan": bool,
    "used_startpunt": bool, "housed": bool, "relocations": np.int16, "months_in_asylum": np.int16,
    "course_hours": np.float32,
}
# Who the newcomer is: read from the latest month only.
PERSON = ("age", "gender", "education", "literate", "kansrijk", "care_duties")


class NewcomerHistory:
    """Every newcomer's state, month by month, for the map and the story panel.

    Attributes:
        months: The month of each record.
        frames: One dict of column arrays per month (rows in arrival order;
            later months have as many rows or more). Besides `RECORDED`:
            ``id``, ``x``, ``y`` (grid cell) and ``path`` (code into `PATHS`).
        person: Who each newcomer is (`PERSON` columns), indexed by id.
    """

    def __init__(self) -> None:
        """Start an empty history."""
        self.months: list[int] = []
        self.frames: list[dict[str, np.ndarray]] = []
        self.person = pd.DataFrame(columns=PERSON)
        self._row: dict[int, int] = {}

    def record(self, model) -> None:
        """Record every newcomer of ``model`` as they are this month."""
        table = model.newcomer_table()
        frame = {name: table[name].to_numpy(dtype=dtype) for name, dtype in RECORDED.items()}
        frame["id"] = table["id"].to_numpy(dtype=np.int64)
        frame["x"] = table["x"].to_numpy(dtype=np.int16)
        frame["y"] = table["y"].to_numpy(dtype=np.int16)
        frame["path"] = table["path"].map(PATH_CODE).to_numpy(dtype=np.int8)
        for row in range(len(self._row), len(frame["id"])):
            self._row[int(frame["id"][row])] = row
        self.person = table.set_index("id")[list(PERSON)]
        self.months.append(model.month)
        self.frames.append(frame)

    @property
    def latest(self) -> dict[str, np.ndarray]:
        """This month's frame."""
        return self.frames[-1]

    @property
    def ids(self) -> np.ndarray:
        """Ids of everyone who has arrived, in arrival order."""
        return self.latest["id"]

    def first_with_permit(self) -> int:
        """The first newcomer to arrive who has a permit now (else the first to arrive): a default story."""
        frame = self.latest
        with_permit = np.flatnonzero(frame["status"] == "permit")
        return int(frame["id"][with_permit[0] if len(with_permit) else 0])

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
        data = {name: [f[name][row] for f in frames] for name in (*RECORDED, "path")}
        return pd.DataFrame({"month": months, **data})


def _cefr_rank(level: str) -> int:
    return int(level[1]) + (3 if level[0] == "B" else 5 if level[0] == "C" else 0)


def story_events(record: pd.DataFrame) -> list[tuple[int, str]]:
    """What happened to one newcomer, as (month, sentence) pairs in order.

    Args:
        record: One newcomer's record from `NewcomerHistory.of`.
    """
    events: list[tuple[int, str]] = []
    if record.empty:
        return events
    rows = [SimpleNamespace(**row) for row in record.to_dict("records")]
    events.append((int(rows[0].month), "arrived and waits for the asylum decision in a reception centre"))
    previous = rows[0]
    for now in rows[1:]:
        m = int(now.month)
        if now.relocations > previous.relocations:
            events.append((m, "moved to another reception centre: course, volunteering and local contacts broken off"))
        if previous.status == "asylum" and now.status == "permit":
            events.append((m, f"got a residence permit after {int(now.months_in_asylum)} months of waiting"))
        if previous.status != "departed" and now.status == "departed":
            events.append((m, "was refused asylum and left"))
        if now.municipality and now.municipality != previous.municipality and not now.housed:
            events.append((m, f"was assigned to {now.municipality}; waits in the reception centre for a house"))
        if now.housed and not previous.housed:
            events.append((m, f"got a house in {now.municipality}"))
        if now.has_plan and not previous.has_plan:
            events.append((m, "made a personal integration plan with the municipality"))
        if now.path == PATH_CODE["in a course"] and previous.path != PATH_CODE["in a course"]:
            events.append((m, "started a language course"))
        if _cefr_rank(now.cefr) > _cefr_rank(previous.cefr):
            events.append((m, f"reached Dutch level {now.cefr}"))
        if now.exam_passed and not previous.exam_passed:
            events.append((m, "passed the civic-integration exam"))
        if now.fined_count > previous.fined_count:
            events.append((m, f"was fined for missing the exam deadline (debt now EUR {now.debt_eur:,.0f})"))
        if now.volunteering and not previous.volunteering:
            events.append((m, "started volunteering"))
        if now.employed and not previous.employed:
            matched = "matching their education" if now.job_matches_education else "below their education"
            events.append((m, f"found a job of {now.hours_per_week:.0f} hours a week, {matched}"))
        if previous.employed and not now.employed:
            events.append((m, "lost their job"))
        if now.resident_ties > 0 and previous.resident_ties == 0:
            events.append((m, "made a first lasting contact with a resident"))
        if now.resident_ties == 0 and previous.resident_ties > 0:
            events.append((m, "lost touch with every resident: isolated"))
        previous = now
    return events


def story_facts(record: pd.DataFrame, person: pd.Series) -> list[tuple[str, str]]:
    """The facts of one newcomer's path so far, as (label, value) pairs."""
    now = record.iloc[-1]
    in_course = int((record.path == PATH_CODE["in a course"]).sum())
    job = (f"yes, {now.hours_per_week:.0f} h/week" + (", matches education" if now.job_matches_education else "")
           if now.employed else "no")
    return [
        ("Who", f"{person.gender}, {person.age:.0f} years, education: {person.education}"
                + ("" if person.literate else ", cannot read yet") + (", care duties" if person.care_duties else "")),
        ("Now", PATHS[int(now.path)] + (f" (lives in {now.municipality})" if now.municipality else "")),
        ("Months waiting for asylum", f"{int(now.months_in_asylum)}"),
        ("Relocations between reception centres", f"{int(now.relocations)}"),
        ("Courses", f"{in_course} months in a course, {now.course_hours:.0f} course hours"),
        ("Dutch", f"{now.cefr} (score {now.language_score:.2f} of 5)"
                  + (", exam passed" if now.exam_passed else "")),
        ("Job", job),
        ("Ties with residents", f"{int(now.resident_ties)}" + (" (isolated)" if now.resident_ties == 0 else "")),
        ("Fines", f"{int(now.fined_count)}, debt EUR {now.debt_eur:,.0f}"),
        ("Wellbeing", f"{now.wellbeing:.2f} (0-1)"),
    ]


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
    return [f"#{i} · {words[g]}, {t('years_old', age=f'{a:.0f}')}, {education}: {words[e]} · {words[status[row[i]]]}"
            for i, g, a, e in zip(ids.tolist(), person["gender"], person["age"], person["education"], strict=True)]


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
        picked: The id of the newcomer shown (None: the first to arrive with a permit).
        month: The current month (re-renders the panel every step).
    """
    traits, set_traits = solara.use_state({"education": None, "gender": None, "status": None})
    if len(history.ids) == 0:
        solara.Text(t("none_yet", month=month))
        return
    with solara.Row(gap="8px"):
        for trait in TRAITS:
            TraitFilter(trait, traits[trait],
                        lambda v, trait=trait: set_traits({**traits, trait: v}))
    matches = matching(history, **traits)
    if picked.value in history and (picked.value in matches or not any(traits.values())):
        chosen = picked.value
    elif len(matches):
        chosen = int(matches[0])
    else:
        solara.Text(t("no_match"), classes=["nk-no-match"])
        return
    shown = matches if chosen in matches else np.append(matches, chosen)
    people = history.person
    items = [{"text": label, "value": i}
             for i, label in zip(shown.tolist(), newcomer_labels(history, shown), strict=True)]
    rv.Select(v_model=chosen, on_v_model=lambda v: picked.set(int(v)), items=items,
              label=t("newcomer", n=len(matches)), class_="nk-pick-newcomer", dense=True, hide_details=True)
    record = history.of(chosen)
    facts = story_facts(record, people.loc[chosen])
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts)
    events = story_events(record)
    items = "".join(f"<li><b>month {m}</b> (year {m / 12:.1f}): {html.escape(text)}</li>" for m, text in events)
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<div class="nk-story" data-newcomer="{chosen}">'
        f'<table class="nk-facts">{rows}</table>'
        f'<div class="nk-caption">{t("what_happened")}</div><ol class="nk-events">{items}</ol></div>'))
