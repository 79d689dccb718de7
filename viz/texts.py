"""Every piece of interface text of the app, in English and Dutch: one dictionary, one switch.

`STRINGS` holds the app's own text (titles, buttons, captions, the status
line, the settings panel, the map's legend, the charts, the split view, the
newcomer's story, the Explain panel), keyed by name. Text that the model
states in English (metric labels, parameter labels and units, policy titles
and descriptions, the glossary's meanings, the paths of the map, the queues,
the municipalities' kinds) stays written once, in the model; `MODEL_TEXTS`
gives its Dutch by the English words, so `model_text` shows either. A text
whose English changes in the model loses its Dutch until it is written here
again: `tests/test_app_components.py` fails when a key or a model text lacks
its Dutch, and `tests/test_app_browser.py` when any of these English texts
is visible on the page in Dutch.

`language` is a Solara reactive variable: each browser connection has its own,
and every component that calls `t` redraws when it changes.

Longer than 400 lines because it holds every translation of the app in one
place, for a translator to read and a test to check; the functions that use
it are the last fifty lines.
"""

from __future__ import annotations

import re

import solara

from model import METRICS, PARAMS, POLICY_INFO
from model.glossary import GLOSSARY

LANGUAGES = {"en": "English", "nl": "Nederlands"}

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "nieuwkomers: how refugees with a permit integrate, and what policy does to that",
              "nl": "nieuwkomers: hoe statushouders integreren, en wat beleid daaraan doet"},
    "switch_language": {"en": "Nederlands", "nl": "English"},
    "run": {"en": "Run", "nl": "Simulatie"},
    "months_per_frame": {"en": "Months per Step and per frame while playing: {n}",
                         "nl": "Maanden per Stap en per beeld tijdens afspelen: {n}"},
    # Mesa's controller: its buttons (`viz.controls.Controller`); ▶ and ❚❚ read the same in both
    "button_Reset": {"en": "Reset", "nl": "Opnieuw"},
    "button_Step": {"en": "Step", "nl": "Stap"},
    # the status line
    "status_month": {"en": "Month {month} (year {year} of {years})", "nl": "Maand {month} (jaar {year} van {years})"},
    "status_policy": {"en": "policy {policy}", "nl": "beleid {policy}"},
    "status_versus": {"en": " compared with {reference}", "nl": " vergeleken met {reference}"},
    "status_seed": {"en": "seed {seed}", "nl": "seed {seed}"},
    "status_newcomers": {"en": "{n} newcomers: {asylum} waiting for asylum, {house} waiting for a house, "
                               "{housed} housed, {departed} refused and left",
                         "nl": "{n} nieuwkomers: {asylum} wachten op asiel, {house} wachten op een huis, "
                               "{housed} hebben een huis, {departed} afgewezen en vertrokken"},
    "status_done": {"en": "ten years done: press {reset} to start again",
                    "nl": "tien jaar voorbij: druk op {reset} om opnieuw te beginnen"},
    # the settings panel
    "scenario": {"en": "Scenario", "nl": "Scenario"},
    "policy_select": {"en": "Policy (loads its levers below)", "nl": "Beleid (laadt zijn knoppen hieronder)"},
    "compare_switch": {"en": "Compare with a reference (same seed)", "nl": "Vergelijk met een referentie (zelfde seed)"},
    "reference_select": {"en": "Reference in compare mode (dashed)", "nl": "Referentie bij vergelijken (gestreept)"},
    "reference_baseline_2013": {"en": "baseline_2013: the 2013 law (the study's frame)",
                                "nl": "baseline_2013: de wet van 2013 (het kader van de studie)"},
    "reference_wet_inburgering_2021": {"en": "wet_inburgering_2021: the law in force since 2022 (today's frame)",
                                       "nl": "wet_inburgering_2021: de wet die sinds 2022 geldt (het kader van nu)"},
    "seed_label": {"en": "Seed (a whole number; empty = random)", "nl": "Seed (een heel getal; leeg = willekeurig)"},
    "seed_error": {"en": "type a whole number of at most {digits} digits, or leave it empty; {reset} keeps seed {seed}",
                   "nl": "typ een heel getal van hoogstens {digits} cijfers, of laat het leeg; {reset} houdt seed "
                         "{seed}"},
    "seed_random": {"en": "(random)", "nl": "(willekeurig)"},
    "inflow_select": {"en": "Inflow (queues chart shows what binds)",
                      "nl": "Instroom (de grafiek van de wachtrijen toont wat knelt)"},
    "inflow_cohort": {"en": "one cohort (the default)", "nl": "één cohort (standaard)"},
    "inflow_steady": {"en": "steady inflow", "nl": "gelijkmatige instroom"},
    "inflow_surge": {"en": "steady with a surge", "nl": "gelijkmatig met een piek"},
    "inflow_series": {"en": "the Dutch series 2013-2023", "nl": "de Nederlandse reeks 2013-2023"},
    "pending": {"en": "Changed: press {reset} to rebuild the model with these values.",
                "nl": "Gewijzigd: druk op {reset} om het model met deze waarden opnieuw op te bouwen."},
    "levers": {"en": "Policy levers", "nl": "Beleidsknoppen"},
    "levers_edited": {"en": "{policy}: {n} lever(s) changed by hand", "nl": "{policy}: {n} knop(pen) met de hand "
                      "verzet"},
    "levers_of": {"en": "The levers of {policy}", "nl": "De knoppen van {policy}"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    "lever_value": {"en": "{label}: {value}", "nl": "{label}: {value}"},
    # the map's legend (the paths are the model's words: `MODEL_TEXTS`)
    "legend_isolated": {"en": "black ring: isolated, no tie with a resident ({n})",
                        "nl": "zwarte ring: geïsoleerd, geen contact met een inwoner ({n})"},
    "legend_azc": {"en": "reception centre (azc)", "nl": "opvanglocatie (azc)"},
    "legend_startpunt": {"en": "startpunt", "nl": "startpunt"},
    "legend_employer": {"en": "employer", "nl": "werkgever"},
    "legend_residents": {"en": "residents (grey dots)", "nl": "inwoners (grijze stippen)"},
    "legend_boundary": {"en": "municipality boundary", "nl": "gemeentegrens"},
    "legend_departed": {"en": "refused and left: {n} (not shown)", "nl": "afgewezen en vertrokken: {n} (niet getoond)"},
    "map_alt": {"en": "municipalities and residents", "nl": "gemeenten en inwoners"},
    "pause": {"en": "Pause between frames while playing: {n} ms", "nl": "Pauze tussen beelden tijdens afspelen: {n} ms"},
    "map": {"en": "Map: {title}", "nl": "Kaart: {title}"},
    "over_time": {"en": "Over time", "nl": "In de tijd"},
    "story": {"en": "One newcomer's story", "nl": "Het verhaal van één nieuwkomer"},
    "explain": {"en": "Explain: the policies and the study's argument",
                "nl": "Uitleg: het beleid en het betoog van de studie"},
    "glossary": {"en": "Glossary", "nl": "Woordenlijst"},
    "share": {"en": "Download and share", "nl": "Downloaden en delen"},
    "share_open": {"en": "Show downloads and the scenario", "nl": "Toon downloads en het scenario"},
    # the design panel (a stored `nieuwkomers design`)
    "design": {"en": "Design a package within a budget", "nl": "Een pakket kiezen binnen een budget"},
    "design_open": {"en": "Show a stored design", "nl": "Toon een opgeslagen ontwerp"},
    "design_none": {"en": "No design found in {folder}: run `nieuwkomers design --out {folder}` first "
                          "(it takes minutes), or start the app with --design DIR.",
                    "nl": "Geen ontwerp gevonden in {folder}: draai eerst `nieuwkomers design --out {folder}` "
                          "(dat duurt minuten), of start de app met --design MAP."},
    "design_intro": {"en": "The packages no other beats on every objective ({objectives}), measured against "
                           "{reference} on {draws} posterior draws. Pick a budget; click a package to load it, "
                           "then press Reset.",
                     "nl": "De pakketten die geen ander op elk doel verslaat ({objectives}), gemeten tegen "
                           "{reference} op {draws} trekkingen uit de posterior. Kies een budget; klik op een "
                           "pakket om het te laden en druk dan op Opnieuw."},
    "design_budget": {"en": "Budget: net public cost per newcomer over ten years: EUR {budget}",
                      "nl": "Budget: netto publieke kosten per nieuwkomer over tien jaar: EUR {budget}"},
    "design_empty": {"en": "No package of the front fits this budget; the cheapest costs EUR {cheapest}.",
                     "nl": "Geen pakket van het front past binnen dit budget; het goedkoopste kost EUR {cheapest}."},
    "design_package": {"en": "{package}: EUR {cost}, {objective} {effect} pp",
                       "nl": "{package}: EUR {cost}, {objective} {effect} procentpunt"},
    "design_loaded": {"en": "{package} loaded: press Reset to run it beside {reference}.",
                      "nl": "{package} geladen: druk op Opnieuw om het naast {reference} te draaien."},
    "design_left_out": {"en": " Not set by the app (it keeps their defaults): {levers}.",
                        "nl": " Niet in te stellen in de app (die houdt hun standaardwaarde): {levers}."},
    "design_over": {"en": "over the budget", "nl": "boven het budget"},
    "design_within": {"en": "within the budget", "nl": "binnen het budget"},
    "design_cost_axis": {"en": "net public cost per newcomer (k EUR)",
                         "nl": "netto publieke kosten per nieuwkomer (k EUR)"},
    "design_effect_axis": {"en": "{objective} vs {reference} (pp)",
                           "nl": "{objective} t.o.v. {reference} (procentpunt)"},
    # the newcomer picker
    "education": {"en": "Education", "nl": "Opleiding"},
    "gender": {"en": "Gender", "nl": "Geslacht"},
    "status": {"en": "Status", "nl": "Status"},
    "any": {"en": "any", "nl": "alle"},
    "newcomer": {"en": "Newcomer ({n} match; or click one on the map)",
                 "nl": "Nieuwkomer ({n} gevonden; of klik er een aan op de kaart)"},
    "no_match": {"en": "No newcomer matches these traits this month.",
                 "nl": "Deze maand past geen nieuwkomer bij deze kenmerken."},
    "none_yet": {"en": "Month {month}: no newcomer has arrived yet. Press {step}.",
                 "nl": "Maand {month}: er is nog geen nieuwkomer aangekomen. Druk op {step}."},
    "what_happened": {"en": "What happened", "nl": "Wat er gebeurde"},
    "years_old": {"en": "{age} years", "nl": "{age} jaar"},
    # trait values, as the newcomer table writes them
    "female": {"en": "female", "nl": "vrouw"},
    "male": {"en": "male", "nl": "man"},
    "none": {"en": "no schooling", "nl": "geen opleiding"},
    "low": {"en": "low", "nl": "laag"},
    "middle": {"en": "middle", "nl": "middelbaar"},
    "high": {"en": "high", "nl": "hoog"},
    "asylum": {"en": "waiting for asylum", "nl": "wacht op asiel"},
    "permit": {"en": "permit", "nl": "verblijfsvergunning"},
    "departed": {"en": "refused and left", "nl": "afgewezen en vertrokken"},
    # downloads and sharing
    "download_model": {"en": "Table over time (CSV)", "nl": "Tabel in de tijd (CSV)"},
    "download_newcomers": {"en": "Newcomers this month (CSV)", "nl": "Nieuwkomers deze maand (CSV)"},
    "download_figure": {"en": "Charts (PNG)", "nl": "Grafieken (PNG)"},
    "scenario_cli": {"en": "This scenario on the command line (copy)", "nl": "Dit scenario op de opdrachtregel (kopieer)"},
    "scenario_sweep": {"en": "This scenario as a sweep file (copy)", "nl": "Dit scenario als sweep-bestand (kopieer)"},
    "copy": {"en": "Copy", "nl": "Kopieer"},
    "sweep_description": {"en": "The app's scenario: {policy}, varying {swept}",
                          "nl": "Het scenario uit de app: {policy}, met {swept} gevarieerd"},
    # the charts
    "chart_language": {"en": "Language: Dutch level", "nl": "Taal: niveau Nederlands"},
    "chart_employment": {"en": "Employment", "nl": "Werk"},
    "chart_isolation": {"en": "Isolation", "nl": "Isolement"},
    "chart_welfare": {"en": "Welfare", "nl": "Bijstand"},
    "chart_wellbeing": {"en": "Wellbeing", "nl": "Welzijn"},
    "chart_exam": {"en": "Exam: passed, exempted, fined", "nl": "Examen: geslaagd, vrijgesteld, beboet"},
    "chart_queues": {"en": "Queues: reception, housing, programmes", "nl": "Wachtrijen: opvang, huis, programma's"},
    "unit_share": {"en": "% of permit holders aged 18-64", "nl": "% van de statushouders van 18-64 jaar"},
    "unit_0-1": {"en": "scale 0 (worst) to 1 (best)", "nl": "schaal 0 (slechtst) tot 1 (best)"},
    "unit_EUR": {"en": "euro", "nl": "euro"},
    "unit_persons": {"en": "persons (k = thousand)", "nl": "personen (k = duizend)"},
    "years_since_start": {"en": "years since the start", "nl": "jaren sinds de start"},
    "difference_head": {"en": "Difference from {reference}", "nl": "Verschil met {reference}"},
    "difference_pp": {"en": "policy minus reference, in %-points", "nl": "beleid min referentie, in %-punten"},
    "difference_points": {"en": "policy minus reference, in points", "nl": "beleid min referentie, in punten"},
    "legend_policy": {"en": "policy", "nl": "beleid"},
    "now": {"en": "now {number}", "nl": "nu {number}"},
    "pp": {"en": "pp", "nl": "%-punt"},
    "better": {"en": "better", "nl": "beter"},
    "worse": {"en": "worse", "nl": "slechter"},
    "the_same": {"en": "the same", "nl": "gelijk"},
    "no_difference_yet": {"en": "no difference yet", "nl": "nog geen verschil"},
    # the split view: one line per group
    "split_by": {"en": "Split the charts by", "nl": "Grafieken uitsplitsen naar"},
    "split_none": {"en": "nothing: all newcomers", "nl": "niets: alle nieuwkomers"},
    "split_gender": {"en": "gender", "nl": "geslacht"},
    "split_education": {"en": "education", "nl": "opleiding"},
    "split_age_group": {"en": "age on arrival", "nl": "leeftijd bij aankomst"},
    "split_household": {"en": "household", "nl": "huishouden"},
    "split_municipality": {"en": "municipality", "nl": "gemeente"},
    "split_title": {"en": "{title}, by {grouping}", "nl": "{title}, naar {grouping}"},
    "split_measure": {"en": "{label} ({unit})", "nl": "{label} ({unit})"},
    "split_note": {"en": "One line per group: its permit holders aged 18-64 (how many now in brackets; few people "
                         "make a jumpy line). A chart with several measures shows its first.",
                   "nl": "Eén lijn per groep: de statushouders van 18-64 jaar in die groep (tussen haakjes hoeveel "
                         "nu; weinig mensen geven een grillige lijn). Een grafiek met meer maten toont de eerste."},
    "split_compare_note": {"en": "Compare mode: {policy} solid, {reference} dashed, in the group's colour; "
                                 "the strip shows each group's difference.",
                           "nl": "Vergelijken: {policy} doorgetrokken, {reference} gestreept, in de kleur van de "
                                 "groep; de strook toont het verschil per groep."},
    "not_split": {"en": "Not split: the queues count persons waiting, not outcomes of newcomers.",
                  "nl": "Niet uitgesplitst: de wachtrijen tellen wachtende personen, geen uitkomsten van "
                        "nieuwkomers."},
    # group names (`model.outcomes.GROUPINGS`); age groups and municipality names read the same in both
    "group_men": {"en": "men", "nl": "mannen"},
    "group_women": {"en": "women", "nl": "vrouwen"},
    "group_none": {"en": "none", "nl": "geen"},
    "group_low": {"en": "low", "nl": "laag"},
    "group_middle": {"en": "middle", "nl": "middelbaar"},
    "group_high": {"en": "high", "nl": "hoog"},
    "group_single": {"en": "single", "nl": "alleenstaand"},
    "group_couple": {"en": "couple", "nl": "stel"},
    "group_couple with children": {"en": "couple with children", "nl": "stel met kinderen"},
    "group_single parent": {"en": "single parent", "nl": "eenoudergezin"},
    # the newcomer's story: facts
    "fact_who": {"en": "Who", "nl": "Wie"},
    "fact_household": {"en": "Household", "nl": "Huishouden"},
    "fact_children": {"en": "Young children", "nl": "Jonge kinderen"},
    "fact_now": {"en": "Now", "nl": "Nu"},
    "fact_waiting": {"en": "Months waiting for asylum", "nl": "Maanden wachten op asiel"},
    "fact_relocations": {"en": "Relocations between reception centres", "nl": "Verhuizingen tussen opvanglocaties"},
    "fact_courses": {"en": "Courses", "nl": "Cursussen"},
    "fact_dutch": {"en": "Dutch", "nl": "Nederlands"},
    "fact_exam": {"en": "Exam", "nl": "Examen"},
    "fact_job": {"en": "Job", "nl": "Werk"},
    "fact_ties": {"en": "Ties with residents", "nl": "Contacten met inwoners"},
    "fact_fines": {"en": "Fines", "nl": "Boetes"},
    "fact_wellbeing": {"en": "Wellbeing", "nl": "Welzijn"},
    "who": {"en": "{gender}, {age} years, education: {education}", "nl": "{gender}, {age} jaar, opleiding: {education}"},
    "cannot_read": {"en": ", cannot read yet", "nl": ", kan nog niet lezen"},
    "came_as_nareiziger": {"en": "; came as a family member of a permit holder (nareiziger)",
                           "nl": "; kwam als gezinslid van een statushouder (nareiziger)"},
    "partner_joined_them": {"en": "; their partner joined them in month {month} (nareiziger)",
                            "nl": "; de partner kwam in maand {month} over (nareiziger)"},
    "partner_due": {"en": "; their partner is due to follow in month {month}",
                    "nl": "; de partner komt naar verwachting in maand {month} over"},
    "partner_abroad": {"en": "; their partner is still abroad", "nl": "; de partner is nog in het buitenland"},
    "children_care_duties": {"en": "cares for a child under school age without childcare: less time for the "
                                   "course and for work",
                             "nl": "zorgt voor een kind onder de schoolleeftijd zonder kinderopvang: minder tijd "
                                   "voor de cursus en voor werk"},
    "children_in_childcare": {"en": "a child under school age, in childcare", "nl": "een kind onder de "
                              "schoolleeftijd, in de kinderopvang"},
    "children_at_school": {"en": "the youngest child is {years} years old: no care duties now",
                           "nl": "het jongste kind is {years} jaar: nu geen zorgtaken"},
    "lives_in": {"en": " (lives in {municipality})", "nl": " (woont in {municipality})"},
    "courses_value": {"en": "{months} months in a course, {hours} course hours",
                      "nl": "{months} maanden op een cursus, {hours} cursusuren"},
    "dutch_value": {"en": "{cefr} (score {score} on the scale 0 = A0 to 6 = top of C1; B1 from 3)",
                    "nl": "{cefr} (score {score} op de schaal 0 = A0 tot 6 = top van C1; B1 vanaf 3)"},
    "exam_passed_value": {"en": "passed ({attempts} attempt(s))", "nl": "geslaagd ({attempts} poging(en))"},
    "exam_exempted_value": {"en": "exempted (ontheffing) after {attempts} attempt(s)",
                            "nl": "vrijgesteld (ontheffing) na {attempts} poging(en)"},
    "exam_open_value": {"en": "not passed yet, {attempts} attempt(s) so far",
                        "nl": "nog niet geslaagd, tot nu toe {attempts} poging(en)"},
    "job_yes": {"en": "yes, {hours} h/week", "nl": "ja, {hours} u/week"},
    "job_matches": {"en": ", matches education", "nl": ", past bij de opleiding"},
    "job_no": {"en": "no", "nl": "nee"},
    "job_homemaker": {"en": "no; does not look for paid work (stays at home while the partner is here)",
                      "nl": "nee; zoekt geen betaald werk (blijft thuis zolang de partner hier is)"},
    "isolated": {"en": " (isolated)", "nl": " (geïsoleerd)"},
    "fines_value": {"en": "{count}, debt EUR {debt}", "nl": "{count}, schuld EUR {debt}"},
    "story_month": {"en": "month {month}", "nl": "maand {month}"},
    "story_year": {"en": "year {year}", "nl": "jaar {year}"},
    "wellbeing_value": {"en": "{value} (scale 0-1)", "nl": "{value} (schaal 0-1)"},
    # the newcomer's story: what happened
    "ev_arrived": {"en": "arrived and waits for the asylum decision in a reception centre",
                   "nl": "aangekomen; wacht in een opvanglocatie op de asielbeslissing"},
    "ev_arrived_nareiziger": {"en": "arrived as a family member of a permit holder (nareiziger): a residence "
                                    "permit on arrival",
                              "nl": "aangekomen als gezinslid van een statushouder (nareiziger): een "
                                    "verblijfsvergunning bij aankomst"},
    "ev_relocated": {"en": "moved to another reception centre: course, volunteering and local contacts broken off",
                     "nl": "verhuisd naar een andere opvanglocatie: cursus, vrijwilligerswerk en contacten in de "
                           "buurt afgebroken"},
    "ev_permit": {"en": "got a residence permit after {months} months of waiting",
                  "nl": "kreeg een verblijfsvergunning na {months} maanden wachten"},
    "ev_departed": {"en": "was refused asylum and left", "nl": "kreeg geen asiel en vertrok"},
    "ev_assigned": {"en": "was assigned to {municipality}; waits in the reception centre for a house",
                    "nl": "werd gekoppeld aan {municipality}; wacht in de opvang op een huis"},
    "ev_housed": {"en": "got a house in {municipality}", "nl": "kreeg een huis in {municipality}"},
    "ev_plan": {"en": "made a personal integration plan with the municipality",
                "nl": "maakte een persoonlijk inburgeringsplan met de gemeente"},
    "ev_course": {"en": "started a language course", "nl": "begon aan een taalcursus"},
    "ev_level": {"en": "reached Dutch level {cefr}", "nl": "haalde Nederlands op niveau {cefr}"},
    "ev_exam_failed": {"en": "sat the exam and failed (attempt {attempts})",
                       "nl": "deed examen en zakte (poging {attempts})"},
    "ev_exam_passed": {"en": "passed the civic-integration exam", "nl": "slaagde voor het inburgeringsexamen"},
    "ev_exempted": {"en": "was exempted from the civic-integration exam (ontheffing): the obligation ends",
                    "nl": "kreeg ontheffing van het inburgeringsexamen: de plicht vervalt"},
    "ev_fined": {"en": "was fined for missing the exam deadline (debt now EUR {debt})",
                 "nl": "kreeg een boete voor het missen van de examentermijn (schuld nu EUR {debt})"},
    "ev_volunteering": {"en": "started volunteering", "nl": "begon met vrijwilligerswerk"},
    "ev_job": {"en": "found a job of {hours} hours a week, {matched}", "nl": "vond werk van {hours} uur per week, "
               "{matched}"},
    "ev_job_matches": {"en": "matching their education", "nl": "passend bij de opleiding"},
    "ev_job_below": {"en": "below their education", "nl": "onder het eigen opleidingsniveau"},
    "ev_job_lost": {"en": "lost their job", "nl": "verloor het werk"},
    "ev_first_tie": {"en": "made a first lasting contact with a resident",
                     "nl": "kreeg een eerste blijvend contact met een inwoner"},
    "ev_isolated": {"en": "lost touch with every resident: isolated",
                    "nl": "verloor het contact met alle inwoners: geïsoleerd"},
    "ev_partner_joined": {"en": "their partner joined them from abroad (family reunification)",
                          "nl": "de partner kwam uit het buitenland over (gezinshereniging)"},
    "ev_baby": {"en": "had a baby", "nl": "kreeg een kind"},
    "ev_household": {"en": "household now: {household}", "nl": "huishouden nu: {household}"},
    "ev_care_duties": {"en": "cares for a young child without childcare: less time for the course and for work",
                       "nl": "zorgt voor een jong kind zonder kinderopvang: minder tijd voor de cursus en voor werk"},
    "ev_childcare": {"en": "found childcare for the young child", "nl": "vond kinderopvang voor het jonge kind"},
    "ev_care_ended": {"en": "the youngest child goes to school: care duties end",
                      "nl": "het jongste kind gaat naar school: de zorgtaken stoppen"},
    "ev_care_shared": {"en": "care duties end: the partner is here to share the care of the school child",
                       "nl": "de zorgtaken stoppen: de partner is er om de zorg voor het schoolkind te delen"},
    "ev_looks_for_work": {"en": "started looking for paid work", "nl": "begon betaald werk te zoeken"},
    # the Explain panel and the glossary (policy titles and descriptions are the model's words: `MODEL_TEXTS`)
    "explain_intro": {"en": "Each policy is a setting of the levers on the left. A lever changes opportunities "
                            "(courses, access to work, contacts, incentives, sanctions); language, jobs and contacts "
                            "then emerge from what the newcomers do. Line numbers point into the study {study} "
                            "(Mr. Hans van Mierlo Stichting, 2018).",
                      "nl": "Elk beleid is een stand van de knoppen links. Een knop verandert kansen (cursussen, "
                            "toegang tot werk, contacten, prikkels, sancties); taal, werk en contacten volgen dan uit "
                            "wat de nieuwkomers doen. Regelnummers verwijzen naar de studie {study} "
                            "(Mr. Hans van Mierlo Stichting, 2018)."},
    "explain_levers_changed": {"en": "Levers changed from baseline_2013", "nl": "Knoppen anders dan in baseline_2013"},
    "explain_no_change": {"en": "no lever changed: this is the 2013 law", "nl": "geen knop verzet: dit is de wet van "
                          "2013"},
    "ok": {"en": "OK", "nl": "OK"},
    # the charts as a picture (the download)
    "png_title": {"en": "{title}, seed {seed}, month {month}", "nl": "{title}, seed {seed}, maand {month}"},
}

#: Dutch for text that the model states in English (metric labels, paths, queues), by its English words.
MODEL_TEXTS: dict[str, str] = {
    # metrics of the newcomers (`model.outcomes.NEWCOMER_MEASURES`): what the charts and the split view show
    METRICS["share_employed"].label: "Werkend (ongeacht uren)",
    METRICS["share_fulltime"].label: "Voltijds werkend (35+ u/week)",
    METRICS["share_parttime"].label: "Deeltijds werkend (< 35 u/week)",
    METRICS["share_job_matches_education"].label: "Werk dat past bij de opleiding",
    METRICS["share_volunteering"].label: "Vrijwilligerswerk",
    METRICS["share_on_welfare"].label: "In de bijstand",
    METRICS["mean_language_score"].label: "Gemiddelde taalscore (0 = A0 ... 5 = C1)",
    METRICS["share_a2_plus"].label: "Nederlands op A2 of hoger",
    METRICS["share_b1_plus"].label: "Nederlands op B1 of hoger",
    METRICS["share_exam_passed"].label: "Geslaagd voor het inburgeringsexamen",
    METRICS["share_exempted"].label: "Vrijgesteld van het examen (ontheffing: inspanning, alfabetisering of "
                                     "gezondheid)",
    METRICS["share_fined"].label: "Minstens één keer beboet",
    METRICS["mean_debt_eur"].label: "Gemiddelde schuld door boetes en leningen",
    METRICS["share_isolated"].label: "Geïsoleerd (geen actief contact met een inwoner)",
    METRICS["mean_resident_ties"].label: "Gemiddeld aantal actieve contacten met inwoners",
    METRICS["mean_wellbeing"].label: "Gemiddeld welzijn",
    # where a newcomer is on the path (`model.outcomes.PATHS`)
    "waiting for asylum": "wacht op asiel",
    "permit, no work": "vergunning, geen werk",
    "in a course": "op een taalcursus",
    "volunteering": "vrijwilligerswerk",
    "employed": "aan het werk",
    "departed": "vertrokken",
    # the queues the app draws (`model.queues.QUEUES`)
    "Asylum seekers waiting for a decision": "Asielzoekers die wachten op een beslissing",
    "In an emergency location (reception full)": "In een noodopvanglocatie (opvang vol)",
    "Permit holders waiting in reception for a house": "Statushouders die in de opvang wachten op een huis",
    "Permit holders on the waiting list for a personal plan": "Statushouders op de wachtlijst voor een "
                                                              "persoonlijk plan",
    "Waiting for a place in a language course this month": "Deze maand wachtend op een plaats in een taalcursus",
    # household kinds (`model.households.HOUSEHOLD_KINDS`), in the story
    "single": "alleenstaand",
    "couple": "stel",
    "couple with children": "stel met kinderen",
    "single parent": "eenoudergezin",
    # units of the parameters shown in the app (`model.PARAMS`)
    "persons": "personen",
    "agents": "agenten",
    "months": "maanden",
    "share 0-1": "aandeel 0-1",
    "hubs": "startpunten",
    "share of wage cost": "deel van de loonkosten",
    # the municipalities' kinds (`model.model._names`; "town 1", "town 2": `place_name`)
    "city": "stad",
    "town": "stadje",
    "rural": "platteland",
    # parameter labels: the widgets of the settings panel and the Explain panel
    PARAMS["n_newcomers"].label: "Nieuwkomers (volwassenen die asiel komen aanvragen; partners die later volgen "
                                 "komen erbij)",
    PARAMS["n_residents"].label: "Inwoner-agenten (elk staat voor meerdere inwoners)",
    PARAMS["language_from_arrival"].label: "Taallessen in de opvang vanaf aankomst (kansrijk)",
    PARAMS["azc_activities"].label: "Spoor 1: vaardigheidscursussen en vrijwilligerswerk in de opvang",
    PARAMS["work_access_month"].label: "Maanden na aankomst voordat een asielzoeker mag werken",
    PARAMS["asylum_earnings_kept"].label: "Deel van het loon dat een asielzoeker mag houden",
    PARAMS["personal_plan"].label: "Spoor 2: een persoonlijk inburgeringsplan vanaf de vergunning",
    PARAMS["municipal_direction"].label: "De gemeente kiest en bewaakt de cursussen (geen zelf geregelde markt)",
    PARAMS["startpunten_per_municipality"].label: "Startpunten per gemeente (open voor iedereen)",
    PARAMS["fine_eur"].label: "Boete voor het missen van de examentermijn",
    PARAMS["positive_incentives"].label: "Positieve prikkels: vervolgcursus en langere termijn voor wie werkt",
    PARAMS["benefit_sanction"].label: "Korting op de uitkering, alleen bij aangetoond niet meewerken",
    PARAMS["exam_deadline_months"].label: "Maanden na de vergunning om het examen te halen",
    PARAMS["exam_level"].label: "Taalniveau van het examen",
    PARAMS["exam_rules"].label: "Regels aan het eind van de examentermijn",
    PARAMS["employer_subsidy"].label: "Loonkostensubsidie voor werkgevers die een nieuwkomer aannemen",
    PARAMS["plan_gender_attention"].label: "Een persoonlijk plan met aandacht voor gender: kinderopvang voor ouders "
                                           "van jonge kinderen, en vrouwen die geen werk zoeken worden actief "
                                           "benaderd",
    PARAMS["childcare_access"].label: "Kans dat een ouder van een kind onder de schoolleeftijd kinderopvang vindt "
                                      "zonder hulp van een plan",
    # the policies (`model.POLICY_INFO`): titles and descriptions, in the picker and the Explain panel
    POLICY_INFO["baseline_2013"].title: "De inburgeringswet van 2013",
    POLICY_INFO["early_language"].title: "Vroeg taalonderwijs in de opvang",
    POLICY_INFO["two_track"].title: "Twee sporen met een persoonlijk inburgeringsplan",
    POLICY_INFO["startpunten"].title: "Lokale startpunten, open voor iedereen",
    POLICY_INFO["reduced_fines"].title: "Minder boetes, positieve prikkels",
    POLICY_INFO["all_proposals"].title: "Het hele pakket van de studie",
    POLICY_INFO["wet_inburgering_2021"].title: "De inburgeringswet van 2021 (van kracht sinds 2022)",
    POLICY_INFO["municipal_levers"].title: "Wat een gemeente onder de wet van 2021 kan toevoegen",
    POLICY_INFO["baseline_2013"].description: (
        "Inburgering begint pas na de vergunning; het wachten in de asielprocedure is 'kostbare, verloren tijd' "
        "(studie §3.2 Probleem 1, noten 54 en 55). Nieuwkomers zoeken en betalen zelf een cursus op een "
        "geprivatiseerde markt van wisselende kwaliteit, met een DUO-lening die alleen wordt kwijtgescholden als ze "
        "binnen drie jaar slagen voor het A2-examen (studie §3.2 Probleem 1, noot 57); wie zakt, krijgt een boete "
        "tot EUR 1.250 en moet terugbetalen (studie §3.2 Probleem 1). Drie keer per week les houdt mensen van "
        "voltijds werk af (studie §3.2 Probleem 3); asielzoekers mogen pas na zes maanden werken en dragen het "
        "meeste van hun loon af aan het COA (studie kader 3.9). Gemeenten hebben geen rol bij de inburgering "
        "(studie §3.2 Probleem 3, noten 64 en 65)."),
    POLICY_INFO["early_language"].description: (
        "Taallessen beginnen vanaf aankomst in de opvang, in elk geval voor kansrijke asielzoekers, zodat het "
        "wachten iets oplevert (studie §3.4 I, noten 71–73, kader 3.5). Alles na de vergunning blijft zoals in "
        "2013. Verhuizingen breken de lessen nog steeds af."),
    POLICY_INFO["two_track"].description: (
        "Spoor 1 in de opvang: taal- en vaardigheidscursussen, kleine vrijwilligersprojecten en eerder toegang tot "
        "werk op eerlijke voorwaarden (studie §3.4 I en III, noten 71–73). Spoor 2 vanaf de vergunning: met elke "
        "nieuwkomer een persoonlijk plan na een capaciteitenscan (kader 3.6), dat taal, werk en opleiding "
        "tegelijk combineert: een snelle route en diplomawaardering voor hoogopgeleiden, alfabetisering en "
        "vrijwilligerswerk voor wie niet kan lezen, kinderopvang voor vrouwen met zorgtaken (studie §3.4 I, noot "
        "74). Gemeenten regisseren het plan en bewaken de kwaliteit van de cursussen (studie §3.4 III)."),
    POLICY_INFO["startpunten"].description: (
        "Twee fysieke, laagdrempelige startpunten in elke gemeente, dicht bij winkels en scholen, open voor elke "
        "inwoner: nieuwkomers, laaggeletterde autochtonen (noot 76) en werkloze inwoners. Ze bieden taalcursussen, "
        "begeleiding naar werk en stages bij lokale werkgevers, en een ontmoetingsplek en vrijwilligersloket "
        "(studie §3.4 II en kader 3.7). Afstand telt: mensen gaan naar een startpunt dat dichtbij is."),
    POLICY_INFO["reduced_fines"].description: (
        "Meewerken blijft verplicht, maar boetes maken plaats voor positieve prikkels: een vervolgcursus richting "
        "verdere opleiding en meer tijd voor wie werkt of studeert (studie §3.4 I en III). Alleen aangetoond niet "
        "meewerken door iemand in de bijstand leidt tot een korting op de uitkering. Bijdragen mogen geen "
        "problematische schulden veroorzaken (studie §3.4 III)."),
    POLICY_INFO["all_proposals"].description: (
        "Alle voorstellen samen: twee sporen met vroeg taalonderwijs en een persoonlijk plan, startpunten in elke "
        "gemeente, minder boetes met positieve prikkels, en lokale regie waarin gemeenten werkgevers subsidiëren "
        "die een werkplek bieden (studie §3.4 III, noot 84; en de samenvatting van de studie 'Hoofdpunten H. 3')."),
    POLICY_INFO["wet_inburgering_2021"].description: (
        "De wet die Nederland later aannam (Wet inburgering 2021, van kracht sinds januari 2022). Hier "
        "aangenomen: gemeenten maken een persoonlijk plan (PIP) na een brede intake en kopen de cursussen in en "
        "bewaken ze (geen DUO-lening voor asielmigranten); het doelniveau is B1, verlaagd tot A2 na 600 uur les, en "
        "er is geen ontheffing wegens aantoonbare inspanning; boetes tot EUR 1.250 blijven; de gemeente mag de "
        "bijstand korten als iemand niet meewerkt. Niet gemodelleerd: de 'Z-route' voor wie B1 niet kan halen en "
        "de voorinburgering die het COA na de vergunning biedt. De wet neemt spoor 2 van de studie over (studie "
        "§3.4 I, noot 74) en haar pleidooi voor lokale regie (studie §3.4 III), maar niet spoor 1, startpunten of "
        "minder boetes (studie §3.4 I, II en kader 3.7)."),
    POLICY_INFO["municipal_levers"].description: (
        "De wet van 2021 met elke knop die een gemeente zelf bedient opengedraaid, en niets waarover het Rijk of "
        "het COA beslist: het persoonlijk plan (PIP) heeft aandacht voor gender (kinderopvang voor ouders van jonge "
        "kinderen, vrouwen die geen werk zoeken worden actief benaderd); de gemeente regisseert en bewaakt de "
        "cursussen die ze inkoopt; één startpunt, open voor elke inwoner (studie §3.4 II, kader 3.7); een "
        "loonkostensubsidie van een kwart van het loon in het eerste jaar van een baan voor werkgevers die een "
        "nieuwkomer aannemen (Participatiewet art. 10d; studie §3.4 III, noot 84); een korting op de uitkering "
        "alleen bij aangetoond niet meewerken. Zoals de wet ze regelt blijven: lessen en activiteiten in het azc, "
        "het recht om te werken tijdens de asielprocedure en wat asielzoekers van hun loon mogen houden (COA en het "
        "Rijk), het examenniveau, de regels en de boetes (DUO)."),
    # the glossary (`model.glossary.GLOSSARY`): the Dutch words, explained in Dutch
    GLOSSARY["statushouder"]: "vluchteling met een verblijfsvergunning",
    GLOSSARY["azc"]: "asielzoekerscentrum: een opvanglocatie van het COA",
    GLOSSARY["COA"]: "de organisatie die asielzoekers opvangt (Centraal Orgaan opvang asielzoekers)",
    GLOSSARY["inburgering"]: "Nederlands en de samenleving leren, afgesloten met een examen: A2 onder de wet van "
                             "2013, B1 sinds 2022",
    GLOSSARY["DUO"]: "Dienst Uitvoering Onderwijs: leent het geld voor de cursus uit en int de boetes",
    GLOSSARY["bijstand"]: "de bijstandsuitkering: het sociale vangnet, betaald door de gemeente",
    GLOSSARY["gemeente"]: "het lokale bestuur: huisvest statushouders, betaalt de bijstand en regisseert sinds "
                          "2022 de inburgering",
    GLOSSARY["startpunt"]: "de lokale plek die de studie voorstelt, open voor nieuwkomers en inwoners",
    GLOSSARY["kansrijk"]: "een asielzoeker met een goede kans op een vergunning",
    GLOSSARY["taakstelling"]: "het aantal statushouders dat een gemeente moet huisvesten",
}


language = solara.reactive("en")


def t(key: str, **fields) -> str:
    """The interface text ``key`` in the chosen language, with ``fields`` filled in."""
    text = STRINGS[key][language.value]
    return text.format(**fields) if fields else text


def number(value, spec: str = "") -> str:
    """A number as the chosen language writes it: 1,250.5 in English, 1.250,5 in Dutch.

    Args:
        value: The number.
        spec: Its format spec, as in ``format(value, spec)`` (e.g. ",.0f", ".2f", "+.1f").
    """
    text = format(value, spec)
    return text.translate(_DUTCH_MARKS) if language.value == "nl" else text


_DUTCH_MARKS = str.maketrans(",.", ".,")


def model_text(text: str) -> str:
    """Text the model states in English, in the chosen language (English where `MODEL_TEXTS` lacks it)."""
    return MODEL_TEXTS.get(text, text) if language.value == "nl" else text


def place_name(name: str) -> str:
    """A municipality's name ("city", "town 1", "rural": `model.model._names`) in the chosen language."""
    kind, number = re.fullmatch(r"(.*?)( \d+)?", name).groups()
    return model_text(kind) + (number or "")


def param_label(name: str) -> str:
    """A parameter's label (`model.PARAMS`) in the chosen language."""
    return model_text(PARAMS[name].label)


def metric_label(metric: str) -> str:
    """A metric's label (`model.METRICS`) in the chosen language."""
    return model_text(METRICS[metric].label)


def group_name(group: str) -> str:
    """A group's name (`model.outcomes.GROUPINGS`) in the chosen language.

    Age groups and municipalities have no ``group_`` key: ages read the same in both, and a municipality is
    named as on the map (`place_name`).
    """
    key = f"group_{group}"
    return t(key) if key in STRINGS else place_name(group)


@solara.component
def LanguageSwitch():
    """A button in the app bar that switches between English and Dutch."""
    other = "nl" if language.value == "en" else "en"
    solara.Button(t("switch_language"), on_click=lambda: language.set(other), text=True,
                  classes=["nk-language"], style={"color": "white"})


# --- reports (compare --memo, --lang nl): one dictionary, English key -> Dutch --------------------
# The compare report's memo, its .xlsx headers and the figures' titles and labels (translated phrase
# by phrase, longest first). Owned by experiments/comparison/memo.py; the app's strings are above.
REPORT_STRINGS: dict[str, str] = {
    # memo
    "Memo": "Notitie",
    "Question": "Vraag",
    "Answer": "Antwoord",
    "{policy} against {reference}, for permit holders": "{policy} vergeleken met {reference}, voor statushouders",
    "What changes for the permit holders of a municipality under {policy}, compared with `{reference}`?":
        "Wat verandert er voor de statushouders van een gemeente onder {policy}, vergeleken met `{reference}`?",
    " and ": " en ",
    "{years} after the permit, `{policy}` has {people} {more_fewer} of {intake} permit holders in work than `{reference}` (between {low} and {high}); {sure}.":
        "{years} na de vergunning heeft `{policy}` {people} {more_fewer} van {intake} statushouders aan het werk dan `{reference}` (tussen {low} en {high}); {sure}.",
    "The net public cost per newcomer by year {year} changes by {total}, of which {municipality} for the municipality.":
        "De netto publieke kosten per nieuwkomer tot en met jaar {year} veranderen met {total}, waarvan {municipality} voor de gemeente.",
    "more": "meer", "fewer": "minder",
    "the model is fairly sure of the direction": "het model is redelijk zeker van de richting",
    "the model cannot tell the direction": "het model kan de richting niet vaststellen",
    "1 year": "1 jaar", "{n} years": "{n} jaar",
    "Outcomes after the permit": "Uitkomsten na de vergunning",
    "memo_outcomes": ("Share of permit holders aged 18–64 (in brackets: people of your intake of {intake}, "
                      "{per_year} a year for {years} year(s)); 95% interval from {interval}."),
    "memo_outcomes_nl": ("Aandeel van de statushouders van 18–64 jaar (tussen haakjes: personen van uw instroom van "
                         "{intake}, {per_year} per jaar gedurende {years} jaar); 95%-interval uit {interval}."),
    "Shares of permit holders aged 18–64; people: the share applied to your intake of {intake} ({per_year} a year for {years} year(s)). Interval: 95%, from {interval}.":
        "Aandelen van statushouders van 18–64 jaar; personen: het aandeel toegepast op uw instroom van {intake} ({per_year} per jaar gedurende {years} jaar). Interval: 95%, uit {interval}.",
    "difference [interval]": "verschil [interval]", "people [interval]": "personen [interval]",
    "difference per newcomer [interval]": "verschil per nieuwkomer [interval]",
    " (low)": " (ondergrens)", " (high)": " (bovengrens)",
    "seeds": "toevalsvariatie (seeds)",
    "seeds and parameters": "toevalsvariatie en parameters",
    "outcome": "uitkomst", "years after permit": "jaar na vergunning", "reference": "referentie",
    "policy": "beleid", "difference": "verschil", "interval": "interval", "people, reference": "personen, referentie",
    "people, policy": "personen, beleid", "people, difference": "personen, verschil",
    "people, interval": "personen, interval",
    "Net public cost by payer": "Netto publieke kosten per betaler",
    "memo_costs": ("Cumulative net cost by year {year}; taxes and premiums count as the Rijk's revenue; the payers "
                   "add up to the total. For the intake: the difference per newcomer times {intake}."),
    "memo_costs_nl": ("Cumulatieve netto kosten tot en met jaar {year}; belastingen en premies tellen als inkomsten "
                      "van het Rijk; de betalers tellen op tot het totaal. Voor de instroom: het verschil per "
                      "nieuwkomer maal {intake}."),
    "Cumulative net cost by year {year}, per newcomer and for your intake of {intake}; taxes and premiums count as the Rijk's revenue. The payers add up to the total.":
        "Cumulatieve netto kosten tot en met jaar {year}, per nieuwkomer en voor uw instroom van {intake}; belastingen en premies tellen als inkomsten van het Rijk. De betalers tellen op tot het totaal.",
    "payer": "betaler", "per newcomer": "per nieuwkomer", "for the intake": "voor de instroom",
    "municipality": "gemeente", "Rijk (incl. COA)": "Rijk (incl. COA)", "DUO": "DUO", "total": "totaal",
    "What the model leaves out": "Wat het model weglaat",
    "How sure is this?": "Hoe zeker is dit?",
    "leaves_out": (
        "A model cohort, not your residents: your labour market, houses and course providers differ, and the counts "
        "assume your intake resembles the model's (age, education, household). Not modelled: the Z-route, COA's "
        "pre-integration after the permit, health and trauma care, family reunification, housing costs. Costs are "
        "the model's prices (docs/ODD.md, 7.8); the Rijk's grants to the municipality per permit holder are not "
        "counted as its income."),
    "leaves_out_nl": (
        "Een modelcohort, niet uw inwoners: uw arbeidsmarkt, woningen en taalaanbieders verschillen, en de aantallen "
        "veronderstellen dat uw instroom lijkt op die van het model (leeftijd, opleiding, huishouden). Niet "
        "gemodelleerd: de Z-route, voorinburgering door het COA na de vergunning, zorg voor gezondheid en trauma, "
        "gezinshereniging, huisvestingskosten. Kosten zijn de prijzen van het model (docs/ODD.md, 7.8); "
        "rijksuitkeringen per statushouder aan de gemeente tellen niet als haar inkomsten."),
    "sure_text": ("From {runs} runs per policy{posterior}. Where an interval includes zero the model cannot say "
                  "whether the policy does better or worse; an interval away from zero means the direction holds "
                  "across the runs, not that the size is exact."),
    "sure_text_nl": ("Uit {runs} runs per beleid{posterior}. Waar een interval nul bevat, kan het model niet zeggen "
                     "of het beleid beter of slechter uitpakt; een interval dat nul niet bevat, betekent dat de "
                     "richting in alle runs standhoudt, niet dat de omvang precies is."),
    " on {k} parameter sets from the calibration's posterior": " op {k} parametersets uit de posterior van de kalibratie",
    # summary.md (compare --lang nl): experiments/comparison/report.py, for_whom.py and compare.py
    "Policy comparison": "Vergelijking van beleid",
    "{policies} policies × {seeds} seeds × {years} years, {n} newcomers per run; parameter overrides: {overrides}.":
        "{policies} beleidsvarianten × {seeds} seeds × {years} jaar, {n} nieuwkomers per run; aangepaste parameters: "
        "{overrides}.",
    "none": "geen",
    "reference_note": ("**Reference: `{reference}`.** Every difference (Δ) below is taken against `{reference}` "
                       "(`--reference`), not against `{study}`, the 2013 law the study compared with."),
    "reference_note_nl": ("**Referentie: `{reference}`.** Elk verschil (Δ) hieronder is genomen ten opzichte van "
                          "`{reference}` (`--reference`), niet van `{study}`, de wet van 2013 waarmee de studie "
                          "vergeleek."),
    "seeds {first}–{last}": "seeds {first}–{last}", "seed {first}": "seed {first}",
    "crn_same": ("**Common random numbers.** Run *i* of every policy uses seed *i* ({seeds}), so that every policy "
                 "starts from the same newcomers, residents, employers and map, and differences between policies "
                 "are not noise from different populations. Checked: for each seed, the newcomers (who arrives "
                 "when, their age, gender, care duties and prospects) are identical in every policy."),
    "crn_same_nl": ("**Gemeenschappelijke toevalsgetallen.** Run *i* van elk beleid gebruikt seed *i* ({seeds}), "
                    "zodat elk beleid begint met dezelfde nieuwkomers, inwoners, werkgevers en kaart, en verschillen "
                    "tussen beleid geen ruis van verschillende bevolkingen zijn. Gecontroleerd: per seed zijn de "
                    "nieuwkomers (wie wanneer aankomt, leeftijd, geslacht, zorgtaken en kansen) in elk beleid gelijk."),
    "crn_differ": ("**Common random numbers.** Run *i* of every policy uses seed *i* ({seeds}), so that every policy "
                   "starts from the same newcomers, residents, employers and map, and differences between policies "
                   "are not noise from different populations. **Warning:** for at least one seed the newcomers "
                   "differ between policies, so the differences below also include noise from different "
                   "populations."),
    "crn_differ_nl": ("**Gemeenschappelijke toevalsgetallen.** Run *i* van elk beleid gebruikt seed *i* ({seeds}), "
                      "zodat elk beleid begint met dezelfde nieuwkomers, inwoners, werkgevers en kaart. "
                      "**Waarschuwing:** voor minstens één seed verschillen de nieuwkomers tussen beleid, dus de "
                      "verschillen hieronder bevatten ook ruis van verschillende bevolkingen."),
    "uncertainty_seeds": (
        "**Uncertainty.** Each cell is the mean across seeds with its 95% confidence interval (Student t, n = {n}) "
        "in brackets. A difference from `{reference}` is taken seed by seed (paired) and then averaged, with its "
        "own 95% interval; **bold** differences have an interval that excludes zero. Shares are of permit holders "
        "aged 18–64 (housed or waiting for a house); costs are cumulative from the first arrival and divided by "
        "the number of newcomers. The intervals show simulation noise only, not uncertainty in the model's "
        "calibrated parameters: add `--posterior K` for that (`docs/calibration.md`)."),
    "uncertainty_seeds_nl": (
        "**Onzekerheid.** Elke cel is het gemiddelde over de seeds met tussen haken het 95%-"
        "betrouwbaarheidsinterval (Student-t, n = {n}). Een verschil met `{reference}` wordt per seed genomen "
        "(gepaard) en dan gemiddeld, met een eigen 95%-interval; **vet** gedrukte verschillen hebben een interval "
        "dat nul niet bevat. Aandelen zijn van statushouders van 18–64 jaar (gehuisvest of wachtend op een woning); "
        "kosten zijn cumulatief vanaf de eerste aankomst en gedeeld door het aantal nieuwkomers. De intervallen "
        "tonen alleen simulatieruis, niet de onzekerheid in de gekalibreerde parameters van het model: voeg daarvoor "
        "`--posterior K` toe (`docs/calibration.md`)."),
    "uncertainty_parameters": (
        "**Uncertainty: seeds and parameters.** Every policy ran on the same {k} parameter sets drawn from the "
        "calibration's posterior (`model/data/posterior.csv`), {s} seeds each (the same seeds in every policy), "
        "{runs} runs per policy. Each cell is the mean over those runs; its 95% interval in brackets includes both "
        "seed noise and the uncertainty of the calibrated parameters (`docs/calibration.md`); **bold** differences "
        "have such an interval that excludes zero. Every table of effects gives this interval; only the section "
        "*How sure are we?* sets the interval from seeds alone beside it. Shares are of permit holders aged 18–64 "
        "(housed or waiting for a house); costs are cumulative from the first arrival and divided by the number of "
        "newcomers."),
    "uncertainty_parameters_nl": (
        "**Onzekerheid: seeds en parameters.** Elk beleid liep op dezelfde {k} parametersets uit de posterior van de "
        "kalibratie (`model/data/posterior.csv`), elk met {s} seeds (dezelfde seeds in elk beleid), {runs} runs per "
        "beleid. Elke cel is het gemiddelde over die runs; het 95%-interval tussen haken bevat zowel de ruis van de "
        "seeds als de onzekerheid in de gekalibreerde parameters (`docs/calibration.md`); **vet** gedrukte "
        "verschillen hebben zo'n interval dat nul niet bevat. Elke tabel met effecten geeft dit interval; alleen de "
        "sectie *Hoe zeker zijn we?* zet het interval uit alleen de seeds ernaast. Aandelen zijn van statushouders "
        "van 18–64 jaar (gehuisvest of wachtend op een woning); kosten zijn cumulatief vanaf de eerste aankomst en "
        "gedeeld door het aantal nieuwkomers."),
    "*Intervals: 95%, from seeds and parameters ({runs} runs per policy: {k} posterior parameter sets × {s} seeds).*":
        "*Intervallen: 95%, uit seeds en parameters ({runs} runs per beleid: {k} parametersets uit de posterior × "
        "{s} seeds).*",
    "*Intervals: 95%, from seeds ({runs} seeds per policy; the parameters as calibrated).*":
        "*Intervallen: 95%, uit seeds ({runs} seeds per beleid; de parameters zoals gekalibreerd).*",
    "Policies": "Beleid",
    "Key outcomes by year (difference from `{reference}`)": "Kernuitkomsten per jaar (verschil met `{reference}`)",
    "year {year}": "jaar {year}",
    "How sure are we? Seeds alone, and seeds plus parameters": "Hoe zeker zijn we? Alleen seeds, en seeds plus parameters",
    "how_sure_intro": (
        "For each effect (difference from `{reference}`, run by run): its 95% interval if the parameters were known "
        "(seeds alone), its 95% interval given the posterior of the calibrated parameters (seeds plus parameters), "
        "the share of that interval's variance due to the parameters, and the probability that the policy beats "
        "the reference by at least 1 percentage point in the better direction (shares only). How these are "
        "computed: `experiments/uncertainty.py`."),
    "how_sure_intro_nl": (
        "Voor elk effect (verschil met `{reference}`, run voor run): het 95%-interval als de parameters bekend waren "
        "(alleen seeds), het 95%-interval gegeven de posterior van de gekalibreerde parameters (seeds plus "
        "parameters), het deel van de variantie van dat interval dat van de parameters komt, en de kans dat het "
        "beleid de referentie met minstens 1 procentpunt in de goede richting verslaat (alleen aandelen). Hoe dit "
        "berekend wordt: `experiments/uncertainty.py`."),
    "effect": "effect", "seeds alone": "alleen seeds", "seeds + parameters": "seeds + parameters",
    "from parameters": "uit parameters", "P(≥ 1 pp better)": "P(≥ 1 pp beter)",
    "By years since permit": "Naar jaren sinds de vergunning",
    "by_permit_intro": (
        "The way CBS reports it: each newcomer counted at the snapshot (every 12 months) nearest to *k* whole years "
        "after their residence permit (so year 5 is 4.5–5.5 years after it); permit holders aged 18–64; mean over "
        "the runs with its 95% interval. Years in which fewer than half of the permit holders can be observed "
        "within the horizon are left out."),
    "by_permit_intro_nl": (
        "Zoals het CBS het rapporteert: elke nieuwkomer geteld op de momentopname (elke 12 maanden) die het dichtst "
        "bij *k* hele jaren na de verblijfsvergunning ligt (jaar 5 is dus 4,5–5,5 jaar erna); statushouders van "
        "18–64 jaar; gemiddelde over de runs met het 95%-interval. Jaren waarin minder dan de helft van de "
        "statushouders binnen de horizon te zien is, zijn weggelaten."),
    "{y} y after permit": "{y} j na vergunning", "Δ {y} y": "Δ {y} j",
    "(The horizon is too short to report outcomes by years since permit.)":
        "(De horizon is te kort om uitkomsten naar jaren sinds de vergunning te geven.)",
    "Figures": "Figuren", "Key outcomes over time": "Kernuitkomsten in de tijd",
    "Not drawn (`--no-figures`): run the same compare without it to draw them.":
        "Niet getekend (`--no-figures`): draai dezelfde vergelijking zonder die optie om ze te tekenen.",
    "files_note": ("Files: `summary.csv` (every metric, every year), `differences.csv`, `by_years_since_permit.csv`, "
                   "`by_group.csv` (every group, metric and horizon), `by_group_gaps.csv`, `model.parquet`, "
                   "`newcomers.parquet`, `compare.json`."),
    "files_note_nl": ("Bestanden: `summary.csv` (elke maat, elk jaar), `differences.csv`, `by_years_since_permit.csv`, "
                      "`by_group.csv` (elke groep, maat en horizon), `by_group_gaps.csv`, `model.parquet`, "
                      "`newcomers.parquet`, `compare.json`."),
    "{n} year after the permit": "{n} jaar na de vergunning", "{n} years after the permit": "{n} jaar na de vergunning",
    "in year {n} of the run": "in jaar {n} van de run",
    "For whom": "Voor wie",
    "for_whom_intro": (
        "Which group each policy helps most and least, {when} (permit holders aged 18–64): the difference from "
        "`{reference}` within the group, taken run by run (same seed{draw}), with its {interval}; **bold** where that "
        "interval excludes zero. Groups with fewer than {min} permit holders per run are left out. Gender is always "
        "shown; `--by` adds groupings (a crossing such as `--by gender,education` gives groups like \"women, "
        "high\"). Every group, outcome, calendar year and year since the permit: `by_group.csv`."),
    "for_whom_intro_nl": (
        "Welke groep elk beleid het meest en het minst helpt, {when} (statushouders van 18–64 jaar): het verschil met "
        "`{reference}` binnen de groep, run voor run genomen (zelfde seed{draw}), met het {interval}; **vet** waar "
        "dat interval nul niet bevat. Groepen met minder dan {min} statushouders per run zijn weggelaten. Geslacht "
        "staat er altijd in; `--by` voegt indelingen toe (een kruising zoals `--by gender,education` geeft groepen "
        "als \"vrouwen, hoog\"). Elke groep, uitkomst, kalenderjaar en jaar sinds de vergunning: `by_group.csv`."),
    ", same parameter draw": ", zelfde parameterset",
    "95% interval from seeds and parameters": "95%-interval uit seeds en parameters",
    "95% interval from seeds and parameters, computed over all {runs} runs ({k} posterior draws × {s} seeds)":
        "95%-interval uit seeds en parameters, berekend over alle {runs} runs ({k} parametersets uit de posterior × "
        "{s} seeds)",
    "95% interval across {n} seeds": "95%-interval over {n} seeds",
    "By {title}": "Naar {title}", "Under `{reference}`, {when}:": "Onder `{reference}`, {when}:",
    "group": "groep", "permit holders per run": "statushouders per run", "helps most": "helpt het meest",
    "helps least": "helpt het minst", "age on arrival": "leeftijd bij aankomst", "education": "opleiding",
    "household": "huishouden",
    "The gap between the highest and the lowest group under `{reference}` (first row), and how much each policy changes it (negative: narrows), run by run:":
        "De kloof tussen de hoogste en de laagste groep onder `{reference}` (eerste rij), en hoeveel elk beleid haar "
        "verandert (negatief: kleiner), run voor run:",
    "gap_levels": "Under `{reference}`, {when}, {low_level} of {low} {verb} against {high_level} of {high} (a gap of {gap})",
    "gap_levels_nl": ("Onder `{reference}`, {when}, is het aandeel '{label}' {low_level} bij {low} tegen {high_level} "
                      "bij {high} (een kloof van {gap})"),
    "`{policy}` narrows that gap most, by {change} {interval}":
        "`{policy}` verkleint die kloof het meest, met {change} {interval}",
    "no policy narrows it; `{policy}` widens it least, by {change} {interval}":
        "geen beleid verkleint haar; `{policy}` vergroot haar het minst, met {change} {interval}",
    "; it includes no change": "; dat interval omvat ook geen verandering",
    "payer_intro": ("Cumulative net cost by year {year} per newcomer (mean over runs; the difference from "
                    "`{reference}` paired run by run, with its 95% interval). Each cost item has one payer "
                    "(`model/welfare.py`, `COST_PAYERS`; docs/ODD.md 7.8); taxes and premiums are the Rijk's revenue; "
                    "the payers add up to the net public cost. Every year: `cost_by_payer.csv`."),
    "payer_intro_nl": ("Cumulatieve netto kosten tot en met jaar {year} per nieuwkomer (gemiddelde over de runs; het "
                       "verschil met `{reference}` run voor run, met het 95%-interval). Elke kostenpost heeft één "
                       "betaler (`model/welfare.py`, `COST_PAYERS`; docs/ODD.md 7.8); belastingen en premies zijn "
                       "inkomsten van het Rijk; de betalers tellen op tot de netto publieke kosten. Elk jaar: "
                       "`cost_by_payer.csv`."),
    "For an intake of {people} permit holders": "Voor een instroom van {people} statushouders",
    "intake_intro": ("{per_year} permit holders aged 18–64 a year for {years} year(s): each share 1, 3 and 5 years after "
                     "the permit times {people}, with its interval scaled the same way. Table: `intake.csv`."),
    "intake_intro_nl": ("{per_year} statushouders van 18–64 jaar per jaar gedurende {years} jaar: elk aandeel 1, 3 en 5 "
                        "jaar na de vergunning maal {people}, met het interval op dezelfde manier geschaald. Tabel: "
                        "`intake.csv`."),
    # the stress test's summary.md and figures (stress --lang nl): experiments/stress_report.py, viz/peaks_figures.py
    "steady": "stabiel", "stressed": "onder druk", "surge": "piek", "series": "reeks",
    "(steady)": "(stabiel)", "(stressed)": "(onder druk)",
    "before": "voor", "during": "tijdens", "after": "na", "cohort": "cohort", "wait": "wachten", "inflow": "instroom",
    "decision_wait": "wachten op besluit", "house_wait": "wachten op woning", "capacity": "capaciteit",
    "first_month": "eerste maand", "months_beyond_steady": "maanden boven stabiel", "worst_persons": "ergste aantal",
    "worst_month": "ergste maand", "lost": "verloren", "kept": "behouden", "mean": "gemiddelde",
    "waiting_for_decision": "wachten op besluit", "decisions_overdue": "besluiten over tijd",
    "regular_reception": "reguliere opvang", "emergency_reception": "noodopvang", "waiting_for_house": "wachten op woning",
    "houses_overdue": "woning over tijd", "plan_waiting": "wachtlijst plan", "course_waiting": "wachtlijst cursus",
    "startpunt_unserved": "startpunt niet geholpen", "arrivals": "aankomsten",
    "IND decisions (applications overdue)": "IND-besluiten (aanvragen over tijd)",
    "reception (people in emergency locations)": "opvang (mensen in noodlocaties)",
    "houses (permit holders ready to move without one)": "woningen (statushouders klaar om te verhuizen zonder woning)",
    "caseworkers (waiting list for a plan)": "klantmanagers (wachtlijst voor een plan)",
    "course places (waiting list)": "cursusplaatsen (wachtlijst)",
    "startpunten (visitors not served)": "startpunten (bezoekers niet geholpen)",
    "on the waiting list for a personal plan": "op de wachtlijst voor een persoonlijk plan",
    "in emergency locations (no azc lessons or activities there)": "in noodlocaties (daar geen lessen of activiteiten van het azc)",
    "waiting for a course place": "wachtend op een cursusplaats",
    "visiting a crowded startpunt without being served": "op bezoek bij een vol startpunt zonder geholpen te worden",
    "{n} people {where}": "{n} mensen {where}",
    "{steady} to {stressed} hours, {drop}": "{steady} naar {stressed} uur, {drop}",
    "first_year_lost": ("its peak cohorts lost more of their course hours in the first year after the permit ({mine}) "
                        "than {reference}'s ({base}); the difference lies in what follows"),
    "first_year_lost_nl": ("de piekcohorten verloren meer van hun lesuren in het eerste jaar na de vergunning ({mine}) "
                           "dan die van {reference} ({base}); het verschil zit in wat volgt"),
    "first_year_kept": ("its peak cohorts kept more of their course hours in the first year after the permit ({mine}) "
                        "than {reference}'s ({base}), whose course waits for a house and a search of their own"),
    "first_year_kept_nl": ("de piekcohorten behielden meer van hun lesuren in het eerste jaar na de vergunning ({mine}) "
                           "dan die van {reference} ({base}), wier cursus wacht op een woning en een eigen zoektocht"),
    "No policy had a positive effect on employment 3 years after the permit under the steady inflow.":
        "Geen beleid had een positief effect op werk 3 jaar na de vergunning bij de stabiele instroom.",
    "Peak cohorts under {reference}: employed 3 years after the permit {steady} with the steady inflow, {stressed} with the {inflow}.":
        "Piekcohorten onder {reference}: aan het werk 3 jaar na de vergunning {steady} bij de stabiele instroom, "
        "{stressed} bij de {inflow}.",
    "gains most under the peak: its effect on the peak cohorts grew":
        "wint het meest onder de piek: het effect op de piekcohorten groeide",
    "gains under the peak: its effect on the peak cohorts grew": "wint onder de piek: het effect op de piekcohorten groeide",
    "loses least of its effect on the peak cohorts": "verliest het minst van het effect op de piekcohorten",
    "loses part of its effect on the peak cohorts": "verliest een deel van het effect op de piekcohorten",
    "keeps its effect": "behoudt het effect",
    "{policy} {how}: {steady} steady, {stressed} under the {inflow} (it keeps {kept}).":
        "{policy} {how}: {steady} stabiel, {stressed} bij de {inflow} (behoudt {kept}).",
    "Why: ": "Waarom: ",
    "none (none of its levers needs a capacity that ran out)": "geen (geen van de knoppen vraagt een capaciteit die opraakte)",
    "; {policy}'s levers also met ": "; de knoppen van {policy} troffen ook ",
    "Queues its levers met at their worst month: {met}.": "Wachtrijen die de knoppen troffen in de ergste maand: {met}.",
    "{policy} loses most: {steady} steady, {stressed} under the {inflow} (it keeps {kept}).":
        "{policy} verliest het meest: {steady} stabiel, {stressed} bij de {inflow} (behoudt {kept}).",
    "verdict_reference": ("Effects are measured against {reference} under the same inflow, which itself lost {lost} pp: a "
                          "policy keeps its effect when it shields its people from the queues that set the baseline back."),
    "verdict_reference_nl": ("Effecten zijn gemeten ten opzichte van {reference} bij dezelfde instroom, die zelf {lost} pp "
                             "verloor: een beleid behoudt zijn effect als het zijn mensen beschermt tegen de wachtrijen "
                             "die de referentie terugzetten."),
    "Nothing breaks: no queue grows beyond its steady level.": "Niets loopt vast: geen wachtrij groeit boven haar stabiele niveau.",
    "What breaks first: ": "Wat het eerst vastloopt: ", "; then ": "; dan ",
    "{capacity} from month {first} (worst {worst} in month {month})":
        "{capacity} vanaf maand {first} (ergst {worst} in maand {month})",
    "Stress test: steady inflow vs {inflow}": "Stresstest: stabiele instroom tegenover {inflow}",
    "stress_settings": ("Policies: {policies}; effects against {reference}; {seeds} seeds (the same under both inflows); "
                        "{months} months; peak months {first} to {last}; {persons} persons per newcomer agent."),
    "stress_settings_nl": ("Beleid: {policies}; effecten ten opzichte van {reference}; {seeds} seeds (dezelfde bij beide "
                           "instromen); {months} maanden; piekmaanden {first} tot {last}; {persons} personen per "
                           "nieuwkomer-agent."),
    "Verdict": "Oordeel",
    "Waiting (months, mean over seeds, by arrival cohort)": "Wachten (maanden, gemiddelde over seeds, per aankomstcohort)",
    "What breaks first": "Wat het eerst vastloopt",
    "breaks_intro": ("When each queue first grows beyond its longest under the steady inflow (the surge begins in month "
                     "{first}), how many months it stays beyond it, and its worst month; {reference}'s runs (the plan "
                     "waiting list: the first policy with plans)."),
    "breaks_intro_nl": ("Wanneer elke wachtrij voor het eerst langer wordt dan haar langste bij de stabiele instroom (de "
                        "piek begint in maand {first}), hoeveel maanden ze langer blijft, en haar ergste maand; de runs "
                        "van {reference} (de wachtlijst voor een plan: het eerste beleid met plannen)."),
    "Queues at their worst month (persons, mean over seeds)": "Wachtrijen in hun ergste maand (personen, gemiddelde over seeds)",
    "Outcomes 3 and 5 years after the permit, by arrival cohort": "Uitkomsten 3 en 5 jaar na de vergunning, per aankomstcohort",
    "Share employed, {years} years after the permit:": "Aandeel aan het werk, {years} jaar na de vergunning:",
    "Effect on the peak cohort's employment at 3 years (policy minus baseline, paired by seed)":
        "Effect op werk van het piekcohort na 3 jaar (beleid min referentie, gepaard per seed)",
    "Public cost per person who arrived (EUR)": "Publieke kosten per aangekomen persoon (EUR)",
    "Tables: ": "Tabellen: ", "(none)": "(geen)",
    "For whom: the peak cohorts": "Voor wie: de piekcohorten",
    "stress_for_whom_intro": ("Share employed {years} years after the permit among the peak cohorts, per group: level "
                              "(mean over seeds) under each inflow, and each policy's effect (minus {reference} under "
                              "the same inflow, paired by seed, 95% CI). Every outcome, cohort and year: by_group.csv."),
    "stress_for_whom_intro_nl": ("Aandeel aan het werk {years} jaar na de vergunning in de piekcohorten, per groep: niveau "
                                 "(gemiddelde over seeds) bij elke instroom, en het effect van elk beleid (min "
                                 "{reference} bij dezelfde instroom, gepaard per seed, 95%-BI). Elke uitkomst, elk "
                                 "cohort en jaar: by_group.csv."),
    "effect, steady": "effect, stabiel", "effect, {inflow}": "effect, {inflow}",
    "persons": "personen", "Queues over time (shaded: the peak)": "Wachtrijen in de tijd (gearceerd: de piek)",
    "arrival cohort (vs the peak)": "aankomstcohort (ten opzichte van de piek)", "share employed": "aandeel aan het werk",
    # metric labels
    "Employed (any hours)": "Aan het werk (elk aantal uren)",
    "Employed full-time (35+ h/week)": "Voltijds aan het werk (35+ u/week)",
    "On welfare (bijstand)": "In de bijstand",
    "Dutch at A2 or higher": "Nederlands op A2 of hoger",
    "Dutch at B1 or higher": "Nederlands op B1 of hoger",
    "Isolated (no active tie with a resident)": "Geïsoleerd (geen actief contact met een inwoner)",
    "Passed the civic-integration exam": "Inburgeringsexamen gehaald",
    "Mean wellbeing": "Gemiddeld welzijn",
    "Net public cost (cost minus taxes and premiums), cumulative, per newcomer":
        "Netto publieke kosten (kosten min belastingen en premies), cumulatief, per nieuwkomer",
    "Gross public cost (before taxes and premiums), cumulative, per newcomer":
        "Bruto publieke kosten (voor belastingen en premies), cumulatief, per nieuwkomer",
    "Taxes and premiums from newcomers' earnings, cumulative, per newcomer":
        "Belastingen en premies uit inkomsten van nieuwkomers, cumulatief, per nieuwkomer",
    # figure phrases
    "Key outcomes over": "Kernuitkomsten over", "years by policy": "jaar per beleid",
    "(mean and 95% CI across seeds)": "(gemiddelde en 95%-BI over seeds)",
    "mean and 95% CI across seeds": "gemiddelde en 95%-BI over seeds",
    "Outcomes by years since the residence permit": "Uitkomsten naar jaren sinds de verblijfsvergunning",
    "permit holders aged 18–64": "statushouders van 18–64 jaar",
    "years since permit": "jaren sinds vergunning", "year": "jaar", "month": "maand",
    "Cost against employment gained by year": "Kosten tegenover gewonnen werk tot en met jaar",
    "difference from": "verschil met", "Mean paired difference across seeds; bars: 95% CI":
        "Gemiddeld gepaard verschil over seeds; balken: 95%-BI",
    "Effect of each policy by": "Effect van elk beleid naar", "Mean over": "Gemiddelde over",
    "bands: 95% confidence interval": "banden: 95%-betrouwbaarheidsinterval",
    "years after the permit": "jaar na de vergunning", "in year": "in jaar", "of the run": "van de run",
    "gender": "geslacht", "women": "vrouwen", "men": "mannen", "share": "aandeel",
}


def report_text(key: str, lang: str = "en", **values) -> str:
    """A report's words (``compare`` and ``stress``, ``--lang``) in ``lang``, with ``values`` filled in.

    ``key`` is the English text, or a short name ("leaves_out") whose English is ``REPORT_STRINGS[key]`` and
    whose Dutch is ``REPORT_STRINGS[key + "_nl"]``. In Dutch an English text is looked up in
    `REPORT_STRINGS`, then among the model's texts (`MODEL_TEXTS`: policy titles, metric labels) and the
    group names (a crossing's names one by one: "women, high" -> "vrouwen, hoog"); one without Dutch stays
    English (`tests/test_memo.py` reads a Dutch report for English words).
    """
    if lang != "nl":
        found = REPORT_STRINGS[key] if f"{key}_nl" in REPORT_STRINGS else key
    else:
        found = REPORT_STRINGS.get(f"{key}_nl") or REPORT_STRINGS.get(key) or MODEL_TEXTS.get(key) or _group_nl(key)
    return found.format(**values) if values else found


def _group_nl(name: str) -> str:
    parts = name.split(", ")
    return ", ".join(STRINGS[f"group_{p}"]["nl"] if f"group_{p}" in STRINGS else p for p in parts)


def report_phrases() -> tuple[re.Pattern, dict[str, str]]:
    """The English phrases of `REPORT_STRINGS` that figures may hold, as one pattern (longest first; short
    names and templates left out), and their Dutch, for translating a figure's texts in one pass."""
    if not _PHRASES:
        dutch = {en: nl for en, nl in REPORT_STRINGS.items()
                 if not en.endswith("_nl") and f"{en}_nl" not in REPORT_STRINGS and "{" not in en and len(en) > 3}
        _PHRASES.append((re.compile("|".join(re.escape(en) for en in sorted(dutch, key=len, reverse=True))), dutch))
    return _PHRASES[0]


_PHRASES: list[tuple[re.Pattern, dict[str, str]]] = []
