"""Every model parameter, declared once.

`PARAMS` is the single source of truth for each parameter's default, type,
bounds, unit, plain-language label and source. Validation, ``--set`` parsing,
sweep-key checks, the app's widgets and the parameter table in ``docs/ODD.md``
are all generated from it.

Policy levers (``lever=True``) are what a policy changes; they are never
calibrated. Parameters marked ``calibrated=True`` are fitted by
``nieuwkomers calibrate`` (ABC-SMC, ``docs/calibration.md``) to every target of
``model/data/targets.csv``; each declares its ``prior``. The literal default
written here is the hand calibration that centres the prior; the default in
force (``DEFAULTS``, ``Param.default``) is the posterior median shipped in
``model/data/posterior.csv`` when that file holds the parameter.

Longer than 400 lines on purpose: the spec is one table of about 100
parameters (400 lines) that a reader scans top to bottom, grouped like the ODD;
split by group, a parameter would have several places to be looked for.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any

from model.posterior import load_medians

Value = bool | int | float | str


GENERIC_PRIOR_REASON = (
    "assumption: a plausible range around the hand calibration (issue 9), which no "
    "measurement narrows further; the calibration targets then weigh it"
)


@dataclass(frozen=True)
class Prior:
    """The prior of a calibrated parameter: uniform on ``[low, high]``.

    Attributes:
        low: Lower end (inside the parameter's bounds).
        high: Upper end.
        reason: Why this range (a source, or "assumption: ...").
    """

    low: float
    high: float
    reason: str = GENERIC_PRIOR_REASON


@dataclass(frozen=True)
class Search:
    """How ``nieuwkomers design`` searches a lever: its range, its step, its words and its price.

    Attributes:
        low: Lowest value searched (numbers; None for booleans and texts: every allowed value).
        high: Highest value searched.
        step: Distance between searched values; ``low``, the default and every preset lie on the grid.
        short: A few words for the lever in a package's description ("plan", "startpunten").
        price: Where its cost enters the net public cost (the items of `model.welfare.Costs`).
    """

    low: float | None = None
    high: float | None = None
    step: float | None = None
    short: str = ""
    price: str = ""

    def values(self, param: Param) -> tuple[Value, ...]:
        """Every value searched, low to high (booleans: False, True; texts: the allowed values)."""
        if param.kind is bool:
            return (False, True)
        if param.kind is str:
            return tuple(param.bounds)
        n = int(round((self.high - self.low) / self.step))
        return tuple(param.validate(param.kind(round(self.low + i * self.step, 10))) for i in range(n + 1))


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Attributes:
        name: Keyword argument of ``IntegrationModel``.
        default: Default value; its Python type is the parameter's type.
        bounds: ``(low, high)`` for numbers, a tuple of allowed values for
            strings (``None``: any non-empty text), ``None`` for booleans.
        unit: Unit in plain words ("months", "EUR", "share 0-1", ...).
        label: Plain-language label, shown in the app.
        source: Where the default comes from (a section, box or note of the
            study, a publication, or
            "assumption: ..." with a reason).
        group: Which part of the model it belongs to (for docs and the app).
        lever: True for policy levers.
        prior: The calibration prior (only for calibrated parameters).
        calibrated: True if fitted to the calibration targets.
        hand_value: The value before the posterior replaced the default
            (``None`` when no posterior holds the parameter).
        search: How ``nieuwkomers design`` searches it (None: not searched).
    """

    name: str
    default: Value
    bounds: tuple | None
    unit: str
    label: str
    source: str
    group: str
    lever: bool = False
    prior: Prior | None = None
    calibrated: bool = False
    hand_value: Value | None = None
    search: Search | None = None

    @property
    def kind(self) -> type:
        """The parameter's type: bool, int, float or str."""
        return type(self.default)

    def allowed(self) -> str:
        """The allowed values in words, for error messages."""
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return " | ".join(repr(v) for v in self.bounds) if self.bounds else "a non-empty text"
        low, high = self.bounds
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in [{low}, {high}]"

    def validate(self, value: Any) -> Value:
        """Check a value and return it in the parameter's type.

        Args:
            value: The value given by a user or a caller.

        Returns:
            The value converted to the parameter's type (an int given for a
            float parameter becomes a float).

        Raises:
            ValueError: If the type is wrong or the value is out of range,
                naming the parameter and its allowed values.
        """
        kind = self.kind
        bad = ValueError(f"{self.name}={value!r} is not allowed: expected {self.allowed()}")
        if kind is bool:
            if isinstance(value, bool | int) and not isinstance(value, float) and value in (0, 1):
                return bool(value)
            raise bad
        if kind is str:
            if isinstance(value, str) and (value in self.bounds if self.bounds else value.strip() != ""):
                return value
            raise bad
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:  # numpy scalars
                import numpy as np

                if isinstance(value, np.integer | np.floating) and not isinstance(value, np.bool_):
                    value = value.item()
                else:
                    raise bad
            except ImportError:  # pragma: no cover
                raise bad from None
        if kind is int:
            if isinstance(value, float):
                if not value.is_integer():
                    raise bad
                value = int(value)
        else:
            value = float(value)
        if value != value:  # NaN
            raise bad
        low, high = self.bounds
        if not low <= value <= high:
            raise bad
        return value

    def parse(self, text: str) -> Value:
        """Parse a value typed as text (``--set key=value``, sweep files, the app).

        Raises:
            ValueError: If the text is not a valid value for this parameter.
        """
        text = text.strip()
        if self.kind is bool:
            word = text.lower()
            if word in ("true", "yes", "1", "on"):
                return True
            if word in ("false", "no", "0", "off"):
                return False
            raise ValueError(f"{self.name}={text!r} is not allowed: expected {self.allowed()}")
        if self.kind is str:
            return self.validate(text)
        problem = number_text_problem(text, self.kind, self.bounds)
        if problem:
            raise ValueError(f"{self.name}={text!r} {problem}")
        try:
            number = int(text) if self.kind is int else float(text)
        except ValueError:
            raise ValueError(
                f"{self.name}={text!r} is not allowed: expected {self.allowed()}"
            ) from None
        return self.validate(number)


# --- numbers typed the Dutch (or English) way --------------------------------------

POINT_IS_DECIMAL = "the decimal separator is a point, and numbers take no thousands separators"
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_THOUSANDS_GROUP = 3  # digits between two thousands separators
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?:[ \u00a0\u202f'’]\d{3})+|(?:\.\d{3}){2,}|(?:,\d{3})+\.\d+|(?:,\d{3}){2,})")
_POINT_THREE = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def number_text_problem(text: str, kind: type, bounds: tuple | None) -> str | None:
    """What is wrong with a number typed with a decimal comma or a thousands separator, if anything.

    The rule (documented in ``docs/sweeps.md`` and ``nieuwkomers run --help``):

    - a comma between digits is refused: ``10,5`` (a Dutch decimal comma) and
      ``1,250`` (an English thousands comma) alike;
    - digit groups of three separated by spaces, apostrophes, several points or
      commas are refused: ``1 250``, ``1.250.000``, ``1,250.5``;
    - a single point followed by exactly three digits, after one to three
      digits that do not start with 0 (``1.250``, ``12.500``), is refused when
      the thousands reading (1250, 12500) is also an allowed value of the
      parameter: ``fine_eur=1.250`` could mean EUR 1,250 or EUR 1.25. The same
      text for a parameter whose range rules out the thousands reading
      (``asylum_wait_months=1.250``, at most 36) is the decimal it looks like.

    Args:
        text: The value as typed, stripped.
        kind: The parameter's type (int or float; other types are not checked).
        bounds: The parameter's ``(low, high)``.

    Returns:
        The problem and a hint, to follow ``name='text'`` in an error message;
        None if the text is not a locale-formatted number.
    """
    if kind not in (int, float):
        return None
    digits = text.lstrip("+-")
    if _GROUPED.fullmatch(text):
        keep = r"[^\d.]" if "," in digits else r"\D"  # 1,250.5 keeps its decimal point
        whole = text[: len(text) - len(digits)] + re.sub(keep, "", digits)
        return f"has a thousands separator: write {whole} ({POINT_IS_DECIMAL})"
    if _DECIMAL_COMMA.fullmatch(text):
        left, right = digits.split(",")
        if kind is int and len(right) == _THOUSANDS_GROUP:
            return f"has a thousands separator: write {left}{right} ({POINT_IS_DECIMAL})"
        if len(right) == _THOUSANDS_GROUP and 1 <= len(left) <= _THOUSANDS_GROUP and not left.startswith("0"):
            return (f"is ambiguous (a thousands or a decimal separator?): write {left}{right} or "
                    f"{left}.{right.rstrip('0') or '0'} ({POINT_IS_DECIMAL})")
        return f"has a decimal comma: write {left}.{right} ({POINT_IS_DECIMAL})"
    if _POINT_THREE.fullmatch(text) and bounds is not None:
        left, right = digits.split(".")
        thousands = int(left + right)
        if kind is int:
            return f"has a thousands separator: write {left}{right} ({POINT_IS_DECIMAL})"
        if bounds[0] <= thousands <= bounds[1]:
            return (f"is ambiguous (a Dutch thousands point or a decimal point?): write {left}{right} "
                    f"or {left}.{right.rstrip('0') or '0'} ({POINT_IS_DECIMAL})")
    return None


def _p(*args, **kwargs) -> Param:
    return Param(*args, **kwargs)


PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        # --- Size and world -------------------------------------------------
        _p("n_newcomers", 1000, (1, 200_000), "persons",
           "Newcomers (adults arriving to seek asylum; partners who follow them later come on top)",
           "assumption: a cohort large enough for stable shares that still runs in about a second",
           "world"),
        _p("n_residents", 10_000, (50, 2_000_000), "agents",
           "Resident agents (each stands for several inhabitants)",
           "assumption: one agent per ~100 adult inhabitants of four mid-size municipalities",
           "world"),
        _p("n_employers", 200, (1, 50_000), "employers",
           "Employers with jobs newcomers could do",
           "assumption: about one employer per five newcomers, enough for a local labour market in every municipality", "world"),
        _p("n_municipalities", 4, (1, 16), "municipalities",
           "Municipalities (a city, towns, rural areas)",
           "assumption: the smallest set with a city, towns and a rural area", "world"),
        _p("grid_width", 100, (20, 2000), "cells", "Grid width",
           "assumption: one cell ~ 500 m, a region of 50 x 50 km", "world"),
        _p("grid_height", 100, (20, 2000), "cells", "Grid height",
           "assumption: as grid_width", "world"),
        _p("n_reception_centres", 5, (1, 100), "centres", "Reception centres (azc)",
           "assumption: several centres so that relocations move people between towns",
           "world"),
        _p("commute_radius", 20, (1, 500), "cells", "Commuting distance for work",
           "assumption: ~10 km, the median Dutch commute (CBS)", "labour"),
        _p("contact_radius", 3, (1, 20), "cells", "Radius of everyday neighbourhood contact",
           "assumption: ~1.5 km, walking distance", "contacts"),
        # --- Arrival and asylum ----------------------------------------------
        _p("arrival_pattern", "cohort", ("cohort", "continuous", "surge", "series"), "",
           "Arrival pattern",
           "assumption: one cohort arriving over 12 months, so outcomes read by months since the permit; "
           "'continuous' keeps the same monthly inflow for the whole run; 'surge' is that inflow with a peak "
           "(surge_factor, surge_start_month, surge_months); 'series' reads monthly arrivals from "
           "arrival_series (model/inflow.py)", "asylum"),
        _p("arrival_months", 12, (1, 240), "months",
           "Months over which n_newcomers arrive",
           "assumption: one year's cohort, like the 2015-2016 peak", "asylum"),
        _p("asylum_wait_months", 10.0, (1.0, 36.0), "months",
           "Mean time from arrival to asylum decision",
           "study note 54: 7 months before the procedure (2016) plus a "
           "decision term up to 6 months", "asylum"),
        _p("recognition_rate", 0.75, (0.0, 1.0), "share 0-1",
           "Share of asylum applications granted",
           "assumption: IND 2015-2016, most applicants came from Syria and Eritrea "
           "and about three quarters were granted", "asylum"),
        _p("share_kansrijk", 0.6, (0.0, 1.0), "share 0-1",
           "Share of applicants with good prospects (kansrijk)",
           "study note 55: applicants from countries marked unsafe; "
           "assumption on the share", "asylum"),
        _p("housing_wait_months", 5.0, (0.0, 36.0), "months",
           "Mean wait for a house after the permit",
           "assumption: statushouders waited months in the azc in 2016 (COA); "
           "study §3.2 Probleem 1 on delays after the permit", "asylum"),
        _p("relocation_rate_per_year", 1.0, (0.0, 6.0), "moves per year",
           "Moves between reception centres per year",
           "study note 56: asylum children move about once a year", "asylum"),
        # --- Policy levers ---------------------------------------------------
        _p("language_from_arrival", False, None, "",
           "Language lessons in the reception centre from arrival (kansrijk)",
           "lever; study §3.4 I, notes 71–73 and kader 3.5", "levers", lever=True,
           search=Search(short="early language", price="courses: azc lessons at AZC_COURSE_EUR_PER_HOUR per attended hour")),
        _p("azc_activities", False, None, "",
           "Track 1: skills courses and volunteering in the reception centre",
           "lever; study §3.4 I (track 1)", "levers", lever=True,
           search=Search(short="azc activities", price="no item of its own: skills courses and volunteering in the azc are not priced (a gap, ODD section 8)")),
        _p("work_access_month", 6, (0, 60), "months",
           "Months after arrival before an asylum seeker may work",
           "lever; 2013 rules: after 6 months, 24 weeks a year, earnings largely "
           "handed to COA (study kader 3.9)", "levers", lever=True,
           search=Search(0, 12, 3, short="work from month", price="no item of its own: earlier work adds fiscal return and what asylum seekers hand to COA")),
        _p("asylum_earnings_kept", 0.25, (0.0, 1.0), "share 0-1",
           "Share of earnings an asylum seeker may keep",
           "lever; 2013 rules hand most earnings to COA (study kader 3.9)",
           "levers", lever=True,
           search=Search(0.25, 1.0, 0.25, short="earnings kept", price="fiscal return: earnings asylum seekers keep are not handed to COA")),
        _p("personal_plan", False, None, "",
           "Track 2: a personal integration plan from the permit on",
           "lever; study §3.4 I, note 74, capacity scan kader 3.6",
           "levers", lever=True,
           search=Search(short="plan", price="plans: PLAN_INTAKE_EUR per intake and PLAN_CASE_EUR_PER_MONTH per holder; placements: PLACEMENT_EUR_PER_MONTH")),
        _p("municipal_direction", False, None, "",
           "Municipality matches and supervises courses (no self-arranged market)",
           "lever; study §3.2 Probleem 3 (notes 64 and 65) and §3.4 III (notes 82–84)",
           "levers", lever=True,
           search=Search(short="municipal courses", price="courses: SUPERVISED_COURSE_EUR_PER_HOUR per attended hour instead of a DUO loan (loans_forgiven)")),
        _p("startpunten_per_municipality", 0, (0, 10), "hubs",
           "Startpunten per municipality (open to everyone)",
           "lever; study §3.4 II and kader 3.7", "levers", lever=True,
           search=Search(0, 4, 1, short="startpunten", price="startpunten: STARTPUNT_EUR_PER_MONTH per startpunt and month")),
        _p("fine_eur", 1250.0, (0.0, 5000.0), "EUR",
           "Fine for missing the exam deadline",
           "lever; Wet inburgering 2013: up to EUR 1,250 (study §3.2 Probleem 1)",
           "levers", lever=True,
           search=Search(0.0, 1250.0, 250.0, short="fine EUR", price="none: a fine is the newcomer's debt, not public income")),
        _p("positive_incentives", False, None, "",
           "Positive incentives: follow-up course and longer deadline for workers",
           "lever; study §3.4 I and III", "levers", lever=True,
           search=Search(short="incentives", price="courses and loans_forgiven: the follow-up course and the longer deadline")),
        _p("benefit_sanction", False, None, "",
           "Benefit cut, only for proven non-co-operation",
           "lever; study §3.4 III", "levers", lever=True,
           search=Search(short="benefit sanction", price="bijstand: cut by BENEFIT_CUT_SHARE (model/exam.py) while it lasts")),
        _p("exam_deadline_months", 36, (6, 120), "months",
           "Months after the permit to pass the exam",
           "lever; Wet inburgering 2013: three years (study §3.2 Probleem 1)",
           "levers", lever=True,
           search=Search(24, 60, 12, short="exam deadline (months)", price="loans_forgiven: a DUO loan is forgiven if the exam is passed within it")),
        _p("exam_level", "A2", ("A2", "B1"), "", "Language level of the exam",
           "lever; A2 under the 2013 law (study §3.2 Probleem 1), B1 since 2022",
           "levers", lever=True,
           search=Search(short="exam", price="loans_forgiven: a higher level is passed later or not at all")),
        _p("exam_rules", "2013", ("2013", "2021"), "",
           "Rules at the end of the exam term",
           "lever; '2013': an extension after 300 course hours and two attempts, an exemption after 600 "
           "hours and four attempts or 600 hours of literacy classes (Regeling inburgering 2013 art. "
           "2.4b-2.4c); '2021': no exemption for effort, the B1 route lowered to A2 after 600 hours of "
           "lessons (Wet inburgering 2021 art. 17)", "levers", lever=True,
           search=Search(short="exam rules", price="loans_forgiven and bijstand, through exemptions and extensions")),
        _p("employer_subsidy", 0.0, (0.0, 1.0), "share of wage cost",
           "Wage-cost subsidy to employers who hire a newcomer",
           "lever; study §3.4 III, note 84 (subsidise employers who offer a workplace)",
           "levers", lever=True,
           search=Search(0.0, 0.5, 0.125, short="wage subsidy", price="subsidies: this share of gross wages in a job's first SUBSIDY_MONTHS")),
        _p("plan_gender_attention", False, None, "",
           "A personal plan gives gender-specific attention: childcare for parents of young children, "
           "and outreach to women who do not look for work",
           "lever; study §3.4 I, note 74 (Razenberg, Kahmann & de Gruijter 2018): attention to women "
           "with care duties in the plan", "levers", lever=True,
           search=Search(short="gender attention", price="childcare: CHILDCARE_EUR_PER_MONTH per place the plan arranges")),
        _p("childcare_access", 0.15, (0.0, 1.0), "share 0-1",
           "Chance a parent of a child under school age finds childcare without a plan's help",
           "lever; assumption: childcare for parents in integration (a 'sociaal-medische indicatie') "
           "is the municipality's choice and few refugee mothers used it (Razenberg et al. 2018)",
           "levers", lever=True,
           search=Search(0.15, 0.6, 0.15, short="childcare access", price="childcare: CHILDCARE_EUR_PER_MONTH per place")),
        _p("municipality_quality_spread", 0.75, (0.0, 1.0), "share 0-1",
           "How much municipalities differ in implementation quality",
           "calibrated to study kader 3.8: up to twice as fast to work "
           "in one municipality as in another", "world", prior=Prior(0.5, 1.0), calibrated=True),
        # --- Courses and language --------------------------------------------
        _p("course_hours_per_month", 40.0, (0.0, 160.0), "hours/month",
           "Hours of a regular integration course",
           "study §3.2 Probleem 3: courses three times a week (~9-10 hours a week)", "language",
           search=Search(20.0, 80.0, 10.0, short="course hours/month", price="courses: SUPERVISED_COURSE_EUR_PER_HOUR per attended hour; market courses spend the DUO loan faster (loans_forgiven)")),
        _p("azc_course_hours_per_month", 24.0, (0.0, 160.0), "hours/month",
           "Hours of language lessons in the reception centre (when offered)",
           "assumption: kader 3.5 part-time lessons by volunteers and teachers",
           "language",
           search=Search(12.0, 48.0, 12.0, short="azc hours/month", price="courses: AZC_COURSE_EUR_PER_HOUR per attended hour")),
        _p("market_course_quality", 0.6, (0.05, 1.0), "0-1",
           "Mean quality of a self-arranged market course",
           "study §3.2 Probleem 1, note 57 (uneven quality, large classes with constant intake); "
           "assumption on the number", "language"),
        _p("supervised_course_quality", 0.6, (0.05, 1.0), "0-1",
           "Quality of a course matched and supervised by the municipality",
           "assumption: small, level-matched classes (study §3.4 III); no better than the "
           "market's best, since plans' language effects are modest (Dahlberg et al. 2024)",
           "language", prior=Prior(0.4, 0.8), calibrated=True),
        _p("course_search_months", 5.0, (0.0, 24.0), "months",
           "Mean months to find and start a course on the market",
           "study §3.2 Probleem 1, note 57: information only in Dutch, much confusion; "
           "assumption on the number", "language", prior=Prior(2.5, 7.5), calibrated=True),
        _p("language_learning_rate", 0.0135, (0.0, 0.05), "score per effective hour",
           "Language gained per effective course hour at the start",
           "calibrated: +100 course hours -> +8.5% proficiency (Foged & van der Werf "
           "2023, Labour Economics 84:102366)", "language", prior=Prior(0.009, 0.024, 'Foged & van der Werf (2023) fix the relative gain of +100 hours '
                                   '(+8.5%, 95% CI about 6-11%, the language_hours target), not the speed itself; '
                                   'the range allows the exam targets to be met with a steeper age gradient'),
           calibrated=True),
        _p("age_learning_decline", 0.035, (0.0, 0.1), "per year of age",
           "Relative loss of language-learning speed per year of age after 25",
           "SCP (2020), Syrische statushouders op weg in Nederland, 'Nederlandse taal': those aged 45+ rate "
           "their Dutch 4 of 10, those aged 15-24 7 of 10, about -1.85% a year over 30 years; Schepens, van "
           "Hout & van der Slik (2022), Studies in Second Language Acquisition: proficiency in Dutch declines "
           "monotonically with age of arrival from about 25; calibrated to language_age (model/data/targets.csv)",
           "language", prior=Prior(0.015, 0.06, "from the SCP (2020) gradient of -1.85% a year in attained "
                                    "(self-rated) Dutch to three times it: practice and the diminishing returns of "
                                    "the score damp what a slower learning speed does to the level reached"), calibrated=True),
        _p("practice_rate", 0.03, (0.0, 0.5), "score per month",
           "Language gained per month from full everyday practice (work, ties)",
           "assumption: practice matters as much as classes in the long run "
           "(study §3.2 Probleem 3); calibrated with exam36 and the catch-up effect band (model/data/targets.csv)",
           "language", prior=Prior(0.015, 0.06), calibrated=True),
        _p("work_course_conflict", 0.4, (0.0, 1.0), "share 0-1",
           "Share of course hours missed with a full-time job (less with fewer hours)",
           "Arendt (2022), J. Popul. Econ. 35:169-196: a Danish work-first reform raised "
           "employment but lowered language-course participation; the number is an assumption",
           "language", prior=Prior(0.2, 0.6), calibrated=True),
        _p("practice_work_weight", 0.6, (0.0, 1.0), "share 0-1",
           "Everyday practice from a full-time job",
           "assumption: work is the main place to speak Dutch (study §3.2 Probleem 3, notes 67 and 68)",
           "language", prior=Prior(0.4, 0.8), calibrated=True),
        _p("practice_volunteer_weight", 0.3, (0.0, 1.0), "share 0-1",
           "Everyday practice from volunteering",
           "assumption: fewer hours and fewer colleagues than a job", "language", prior=Prior(0.15, 0.45), calibrated=True),
        _p("practice_placement_weight", 0.3, (0.0, 1.0), "share 0-1",
           "Everyday practice from a work-experience placement",
           "assumption: as volunteering", "language", prior=Prior(0.15, 0.45), calibrated=True),
        _p("practice_daily_life", 0.2, (0.0, 1.0), "share 0-1",
           "Everyday practice from living in a Dutch town at all (shops, school, neighbours), once housed",
           "assumption: without courses, refugees' Dutch still grows over the years, so course "
           "advantages shrink (catch-up, Dahlberg et al. 2024)", "language", prior=Prior(0.1, 0.3), calibrated=True),
        _p("practice_tie_weight", 0.1, (0.0, 0.5), "share 0-1 per tie",
           "Everyday practice from each active tie with a resident",
           "assumption: a friend or neighbour to talk to a few times a month", "language",
           prior=Prior(0.05, 0.15), calibrated=True),
        _p("extra_course_hours", 0.0, (0.0, 1000.0), "hours",
           "Extra course hours offered to a random half of newcomers in their first course",
           "assumption: 0 in every policy; a built-in experiment used only by `validate` "
           "to measure the effect of +100 hours (Foged & van der Werf 2023)", "language"),
        # --- Labour ------------------------------------------------------------
        _p("hire_rate", 0.33, (0.0, 1.0), "probability",
           "Chance an application to a willing employer with a vacancy succeeds",
           "calibrated to the CBS trajectory of the 2014 cohort (model/data/targets.csv)",
           "labour", prior=Prior(0.2, 0.45), calibrated=True),
        _p("applications_per_month", 2, (0, 20), "applications",
           "Applications a full-time job seeker sends per month",
           "assumption", "labour"),
        _p("job_loss_rate", 0.025, (0.0, 0.5), "per month",
           "Monthly chance of losing a job",
           "calibrated; newcomers mostly have temporary contracts (SCP 2018), so jobs end often "
           "and a programme's early lead shrinks (catch-up)",
           "labour", prior=Prior(0.015, 0.035, "newcomers' jobs are mostly temporary (SCP 2018): 1.5-3.5% a month ends"), calibrated=True),
        _p("vacancy_rate", 0.03, (0.0, 1.0), "per month",
           "Share of an employer's jobs that open up each month",
           "assumption: Dutch labour turnover of ~3% a month (CBS)", "labour"),
        _p("share_fulltime_offers", 0.38, (0.0, 1.0), "share 0-1",
           "Share of job offers that are full-time when nothing limits hours",
           "calibrated to 'mostly part-time' (study §3.2 Probleem 3, note 67)", "labour", prior=Prior(0.25, 0.5), calibrated=True),
        _p("know_how_at_start", 0.3, (0.0, 1.0), "share 0-1",
           "Labour-market know-how on settling in a municipality (networks, how to apply), of full",
           "calibrated to the CBS trajectory of the 2014 cohort: 4% employed at 18 months, "
           "11% at 30 months (model/data/targets.csv)", "labour", prior=Prior(0.15, 0.45), calibrated=True),
        _p("catch_up_months", 48.0, (1.0, 240.0), "months",
           "Months after housing until a newcomer knows their way in the labour market",
           "calibrated to the CBS trajectory (19% at 3 years, 43% at about 6 years) and to the "
           "catch-up of control groups in RCTs (Dahlberg et al. 2024: effect gone by year 4)",
           "labour", prior=Prior(30.0, 66.0), calibrated=True),
        _p("plan_brokerage", 0.5, (0.0, 1.0), "share 0-1",
           "Share of the know-how gap a plan's job coach fills (times implementation quality)",
           "calibrated to Dahlberg et al. (2024), +15 pp in years 1-3, and Battisti et al. (2019), "
           "+13 pp at 12 months", "labour", prior=Prior(0.3, 0.7), calibrated=True),
        _p("startpunt_guidance", 0.2, (0.0, 1.0), "share 0-1",
           "Share of the know-how gap filled by work guidance at a startpunt, in a month of visiting",
           "assumption: lighter than a plan's coach; contact and mentoring programmes show "
           "small work effects (effect bands, model/data/targets.csv)", "labour", prior=Prior(0.1, 0.3), calibrated=True),
        _p("skills_course_guidance", 0.2, (0.0, 1.0), "share 0-1",
           "Share of the know-how gap filled by a track-1 professional-skills course",
           "assumption: a short course in the reception centre", "labour", prior=Prior(0.1, 0.3), calibrated=True),
        _p("reintegration_effect", 0.8, (0.0, 3.0), "per unit of quality",
           "Municipal work reintegration for people on welfare: hiring x (1 + effect x (quality - 1))",
           "calibrated to study kader 3.8: up to twice as fast to work in one "
           "municipality as in another", "labour", prior=Prior(0.4, 1.2), calibrated=True),
        _p("subsidy_response", 0.4, (0.0, 5.0), "per share of wage cost",
           "Hiring chance x (1 + response x employer_subsidy)",
           "calibrated so that no policy lifts employment above the ceiling (a quarter of the wage "
           "cost raises hiring by a tenth); "
           "wage subsidies are among the programmes with the largest effects for refugees "
           "(Sarvimaki & Hamalainen 2016; Clausen et al. 2009)", "labour", prior=Prior(0.2, 0.6), calibrated=True),
        _p("placement_hire_chance", 0.2, (0.0, 1.0), "probability",
           "Chance a work-experience placement turns into a job at its end",
           "assumption: a minority of placements lead to a contract", "labour", prior=Prior(0.1, 0.3), calibrated=True),
        _p("brokered_fulltime_factor", 0.5, (0.0, 1.0), "share 0-1",
           "Full-time offers in jobs found through a broker or placement, relative to others",
           "work first leads mostly to small part-time jobs at first (effect bands in model/data/targets.csv, "
           "ceiling row; Arendt 2022); the number is an assumption", "labour", prior=Prior(0.3, 0.7), calibrated=True),
        _p("more_hours_rate", 0.02, (0.0, 0.2), "per month",
           "Monthly chance that a part-timer with nothing holding them back gets a full-time contract",
           "calibrated: refugees stay 'mostly part-time' for years (study §3.2 Probleem 3, note 67)", "labour",
           prior=Prior(0.01, 0.03), calibrated=True),
        _p("scarring_per_idle_year", 0.4, (0.0, 2.0), "per year",
           "Hiring chance and search effort lost per year of idleness not yet made good (exp(-x))",
           "calibrated to Hainmueller, Hangartner & Lawrence (2016): a year longer asylum wait, "
           "-4 to -5 pp employment later", "scarring", prior=Prior(0.2, 0.6), calibrated=True),
        _p("idle_weight_with_work_right", 0.25, (0.0, 1.0), "share 0-1",
           "How much an idle month counts when one may work (a month under a work ban counts 1)",
           "calibrated to Marbach, Hainmueller & Hangartner (2018): a longer employment ban "
           "demotivates beyond the wait itself", "scarring", prior=Prior(0.1, 0.4), calibrated=True),
        _p("scar_recovery_rate", 0.2, (0.0, 2.0), "idle months per active month",
           "Idleness made good by each month of work, a course, volunteering, a placement or school",
           "calibrated: the gap from a longer ban took up to ten years to close (Marbach et al. 2018)",
           "scarring", prior=Prior(0.1, 0.3), calibrated=True),
        _p("relocation_scar_months", 1.0, (0.0, 12.0), "idle months",
           "Idleness a move between reception centres adds (what was built is lost)",
           "assumption; study §3.2 Probleem 1, note 56: relocations break off courses, work and contacts",
           "scarring", prior=Prior(0.5, 1.5), calibrated=True),
        _p("share_outside_labour_force", 0.22, (0.0, 1.0), "share 0-1",
           "Share of newcomers who would not work under any policy (illness, disability, care)",
           "the ceiling band of model/data/targets.csv: employment of comparable residents "
           "(same age and education) is about 70-75% (CBS), so about a quarter to a fifth stay "
           "outside the labour force whatever a policy does", "labour", prior=Prior(0.15, 0.29, "comparable residents' employment of 70-75% (CBS) leaves 15-29% outside, allowing for refugees' worse health"), calibrated=True),
        _p("share_homemaker", 0.7, (0.0, 1.0), "share 0-1",
           "Women in a couple who do not look for paid work while their partner is here (role expectations)",
           "Razenberg, Kahmann & de Gruijter (2018) and SCP (2018, 2020): besides care for young children, "
           "role expectations in the household keep many refugee women from looking for work; the number "
           "is calibrated to women_men42 (model/data/targets.csv)", "households",
           prior=Prior(0.4, 0.95, "WODC (2023): two thirds of Syrian women were not active on the labour "
                       "market in 2022, for care of the household, study or illness; of those without work "
                       "four in ten wanted work but could not (van der Zwan et al. 2024)"), calibrated=True),
        _p("diploma_recognition_rate", 0.25, (0.0, 1.0), "share 0-1",
           "Share of higher diplomas recognised without help",
           "assumption: few refugees get their diplomas recognised (SER 2016)", "labour"),
        _p("recognition_with_help", 0.6, (0.0, 1.0), "share 0-1",
           "Share of higher diplomas recognised with a plan's help",
           "assumption: help with Nuffic/IDW procedures recognises most, not all (SER 2016)",
           "plans", prior=Prior(0.4, 0.8), calibrated=True),
        _p("plan_months", 18, (6, 120), "months",
           "How long a personal plan (coach, brokerage, placements, childcare) runs after the permit",
           "calibrated to Dahlberg et al. (2024): the programme's intensive phase ran in the "
           "first years and its effect was gone from year 4; the Dutch PIP (Wet inburgering 2021) "
           "is reviewed within the three-year term", "plans", prior=Prior(12, 24, 'the Dutch PIP runs within the three-year term; Dahlberg et al. (2024): intensive phase of one to two years'), calibrated=True),
        _p("startpunt_newcomer_visit", 0.35, (0.0, 1.0), "per month",
           "Monthly chance a newcomer living next door visits a startpunt",
           "assumption; study kader 3.7: they must be where people regularly come", "startpunten",
           prior=Prior(0.2, 0.5), calibrated=True),
        _p("startpunt_course_uptake", 0.3, (0.0, 1.0), "probability",
           "Chance a visiting newcomer without a course takes the startpunt's free course",
           "assumption: a drop-in hub is not a course provider; contact and mentoring programmes "
           "show small or no language effects (effect bands, model/data/targets.csv)", "startpunten",
           prior=Prior(0.15, 0.45), calibrated=True),
        # --- Exam and sanctions --------------------------------------------------
        _p("course_loan_eur", 10_000.0, (0.0, 20_000.0), "EUR",
           "DUO loan for the course (forgiven only if passed on time)",
           "study §3.2 Probleem 1: up to EUR 10,000, a gift only if passed in 3 years",
           "exam"),
        _p("health_exemption_rate", 0.015, (0.0, 1.0), "per month",
           "Monthly chance a permit holder with a lasting health problem is exempted from the exam",
           "Besluit inburgering 2013 art. 2.8: exempted when unable to meet the obligation within five "
           "years; calibrated to exempt48 (CBS 2019: 19% exempted about four years after the permit)",
           "exam", prior=Prior(0.005, 0.04, "from a medical exemption after several years to one within "
                               "the first years of the term"), calibrated=True),
        _p("exam_attempt_rate", 0.25, (0.0, 1.0), "per month",
           "Monthly chance a learner near the level sits the exam",
           "assumption", "exam"),
        # --- Contacts and wellbeing ---------------------------------------------
        _p("encounter_rate", 0.3, (0.0, 10.0), "per month",
           "Neighbourhood encounters with a resident per month",
           "calibrated; assumption that a few encounters a month are possible", "contacts",
           prior=Prior(0.15, 0.45), calibrated=True),
        _p("tie_decay", 0.15, (0.0, 1.0), "per month",
           "Monthly loss of tie strength without contact",
           "assumption: a tie not refreshed fades within about a year", "contacts"),
        _p("tie_upkeep", 0.1, (0.0, 1.0), "per month",
           "Monthly chance a tie is kept up privately once the setting that carried it has ended, at full ease",
           "Burt (2002), 'Bridge decay', Social Networks 24: nine in ten bridging ties are gone a year "
           "later; Roberts & Dunbar (2015), Human Nature 26: friendships decay once the shared setting "
           "ends unless contact is kept up; calibrated to isolated48 (SCP 2020, model/data/targets.csv)",
           "contacts", prior=Prior(0.03, 0.25, "from ties that nearly all lapse within a year (Burt 2002) "
                                   "to a kept-up friendship every few months (Roberts & Dunbar 2015)"),
           calibrated=True),
        _p("startpunt_distance_decay", 8.0, (0.5, 100.0), "cells",
           "Distance over which startpunt visits halve",
           "assumption; study kader 3.7: they must be where people regularly come",
           "contacts"),
        _p("share_low_literate_residents", 0.18, (0.0, 1.0), "share 0-1",
           "Share of residents who are low-literate",
           "study note 76: ~2.5 million low-literate adults in NL", "contacts"),
        _p("share_unemployed_residents", 0.08, (0.0, 1.0), "share 0-1",
           "Share of residents looking for work",
           "assumption: CBS unemployed plus inactive job seekers", "contacts"),
        _p("share_trauma", 0.3, (0.0, 1.0), "share 0-1",
           "Share of newcomers with mental-health problems (trauma)",
           "assumption: Pharos (2016) on Syrian refugees", "wellbeing"),
        # --- Capacity: inflow and the places that run out in a peak (issue 12) --------
        _p("persons_per_newcomer", 1.0, (0.01, 10_000.0), "persons per agent",
           "Persons each newcomer agent stands for (capacities are divided by it)",
           "assumption: 1 keeps the default cohort a sample of persons; the national series "
           "runs at 5-100 persons per agent (benchmarks/README.md)", "capacity"),
        _p("arrival_series", "nl", None, "",
           "Monthly arrival series: 'nl' (shipped) or the path of a CSV file",
           "CBS StatLine 'Asielverzoeken en nareizigers' and IND Asylum Trends, 2013-2023 "
           "(model/data/README.md); read when arrival_pattern='series'", "capacity"),
        _p("surge_factor", 3.0, (1.0, 20.0), "times the steady inflow",
           "Inflow during a surge, relative to the steady level",
           "assumption: 2015 brought about twice the inflow of 2014 and three times that of "
           "2013 (CBS); the what-if default is three", "capacity"),
        _p("surge_start_month", 13, (1, 600), "month",
           "Month the surge begins (1 = the first month)",
           "assumption: after a year of steady inflow, so that cohorts before the peak exist",
           "capacity"),
        _p("surge_months", 12, (1, 240), "months",
           "How long the surge lasts",
           "assumption: the 2015 peak lasted about a year (CBS monthly requests)", "capacity"),
        _p("decisions_per_month", 4000.0, (1.0, 1_000_000.0), "decisions per month (national)",
           "Asylum decisions the IND takes per month",
           "assumption: the IND decided some 40,000-50,000 first requests a year in 2016-2023 "
           "(IND Asylum Trends); a surge beyond it lengthens the wait (study note 54)",
           "capacity"),
        _p("reception_places", 35_000.0, (1.0, 1_000_000.0), "places (national)",
           "Regular places in reception centres (azc)",
           "assumption: COA's regular capacity was about 30,000-40,000 places before 2022 "
           "(COA annual reports); beyond it people go to emergency locations", "capacity"),
        _p("emergency_relocation_rate_per_year", 4.0, (0.0, 12.0), "moves per year",
           "Moves per year for people in emergency locations",
           "assumption: emergency locations (sports halls, pavilions) close after weeks to months "
           "(COA 2015, 2022); the study's notes 55-56 on what moves break off", "capacity"),
        _p("emergency_wellbeing_toll", 0.1, (0.0, 0.5), "wellbeing 0-1",
           "Lower target wellbeing while in an emergency location",
           "assumption: no privacy, no activities, uncertainty (Inspectie JenV 2022 on Ter Apel); "
           "about as heavy as isolation", "capacity"),
        _p("housing_delivery_per_month", 2500.0, (1.0, 1_000_000.0), "houses per month (national)",
           "Houses municipalities deliver to permit holders per month",
           "assumption: the housing task (taakstelling) was some 20,000-30,000 permit holders a "
           "half-year at its highest and municipalities stayed behind it (COA, 2016, 2022)",
           "capacity"),
        _p("plan_caseworkers", 1000.0, (1.0, 100_000.0), "caseworkers (national)",
           "Caseworkers who make and follow personal plans",
           "assumption: about one to three per 10,000 inhabitants across 342 municipalities "
           "(Divosa monitor Wet inburgering 2021-2023)", "capacity"),
        _p("plan_caseload", 40.0, (1.0, 500.0), "plans per caseworker",
           "Personal plans one caseworker runs at a time",
           "assumption: Divosa reports caseloads of 30-60 inburgeringsplichtigen per consulent",
           "capacity"),
        _p("course_places", 60_000.0, (1.0, 1_000_000.0), "places (national)",
           "People who can follow a regular language course at the same time",
           "assumption: about 60,000 people were in an inburgering course at a time around 2016 "
           "(DUO); beyond it there is a waiting list", "capacity"),
        _p("startpunt_capacity", 0.0, (0.0, 1_000_000.0), "newcomer visits per month per startpunt",
           "Newcomer visits a startpunt can serve in a month (0: unlimited)",
           "assumption: the study (kader 3.7) sets no size; beyond it visitors still meet "
           "people but a random part gets no course, portal, placement or guidance", "capacity"),
    ]
}

def _with_posterior_medians(params: dict[str, Param]) -> dict[str, Param]:
    """The calibrated parameters' defaults replaced by the shipped posterior's medians."""
    medians = load_medians()
    out = {}
    for name, p in params.items():
        if p.calibrated and name in medians:
            value = p.kind(round(medians[name])) if p.kind is int else float(medians[name])
            p = replace(p, default=p.validate(value), hand_value=p.default)
        out[name] = p
    return out


PARAMS = _with_posterior_medians(PARAMS)
LEVERS: tuple[str, ...] = tuple(name for name, p in PARAMS.items() if p.lever)
CALIBRATED: tuple[str, ...] = tuple(name for name, p in PARAMS.items() if p.calibrated)
#: What ``nieuwkomers design`` searches: every lever, and the intensities a municipality chooses.
SEARCHABLE: tuple[str, ...] = tuple(name for name, p in PARAMS.items() if p.search is not None)
for _name in SEARCHABLE:  # a searched range stays inside the bounds, and the default is one of its values
    assert not PARAMS[_name].calibrated, f"{_name} is calibrated: the posterior draws it, a design cannot set it"
    assert PARAMS[_name].default in PARAMS[_name].search.values(PARAMS[_name]), f"{_name}: default off its grid"
DEFAULTS: dict[str, Value] = {name: p.default for name, p in PARAMS.items()}


def close_matches(name: str) -> list[str]:
    """Parameter names close to a misspelt one, best first."""
    return difflib.get_close_matches(name, PARAMS, n=3, cutoff=0.6)


def unknown_parameter_message(name: str) -> str:
    """One line naming an unknown parameter and its close matches."""
    hint = close_matches(name)
    tail = f"; did you mean {', '.join(hint)}?" if hint else "; run `nieuwkomers policies` to list them"
    return f"unknown parameter {name!r}{tail}"


def validate_params(values: dict[str, Any]) -> dict[str, Value]:
    """Validate a dict of parameter values.

    Args:
        values: Parameter name to value.

    Returns:
        The validated, typed values.

    Raises:
        ValueError: For an unknown name (with close matches) or a bad value.
    """
    clean = {}
    for name, value in values.items():
        if name not in PARAMS:
            raise ValueError(unknown_parameter_message(name))
        clean[name] = PARAMS[name].validate(value)
    return clean


def parse_assignment(text: str) -> tuple[str, Value]:
    """Parse ``key=value`` into a validated (name, value) pair.

    Raises:
        ValueError: If the text has no '=', names an unknown parameter, or has
            a bad value.
    """
    if "=" not in text:
        raise ValueError(f"--set expects key=value, got {text!r}")
    name, _, raw = text.partition("=")
    name = name.strip()
    if name not in PARAMS:
        raise ValueError(unknown_parameter_message(name))
    return name, PARAMS[name].parse(raw)


def as_parameters(values: dict[str, float]) -> dict[str, Value]:
    """Numbers from a posterior sample as typed, validated parameter values (integers rounded)."""
    return {name: PARAMS[name].validate(int(round(v)) if PARAMS[name].kind is int else float(v))
            for name, v in values.items()}
