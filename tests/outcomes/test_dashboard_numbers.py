"""The dashboard's tables against a small clinic counted by hand.

Clinic A, January-February 2026 (week n = 5 Jan 2026 + n weeks):
  Ada (neck, main, clinician A): NPRS before 8, 6, 5, 4 -> improved 4: a responder; the last three
      scores 6, 5, 4 improve by 2 = the MCID, so no plateau. Deep upper trapezius every session,
      superficial levator scapulae in session 1; bruising (mild) in session 2.
  Ben (neck, second site, clinician A): NPRS 6, 6, 5 -> improved 1: no responder; a plateau.
  Cleo (low back, main, clinician C): NPRS 5 then 8 -> worse by 3; ODI 40 then 30 -> a
      responder (MCID 10). Pistoning quadratus lumborum; fainting (significant) in session 2.
  Not counted: Ada's open session, a session of Ben's in 2025, and clinic B's session.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from taut.clinical.course import FlagCode, Observation, course_flags, responder
from taut.clinical.rates import wilson_interval
from taut.clinics.models import Location, Membership
from taut.clinics.roles import Role
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
from taut.outcomes.tables import dashboard_tables
from tests.conftest import World, make_patient, make_user
from tests.outcomes.conftest import History, week

JAN_FEB = DashboardFilter(start=date(2026, 1, 1), end=date(2026, 2, 28))


@pytest.fixture
def clinic(world: World, django_user_model: Any) -> dict[str, Any]:
    a = world.clinic_a
    main = Location.objects.get(clinic=a)
    second = Location.objects.create(clinic=a, name="A second site")
    cleo_clinician = make_user(django_user_model, "clinician_c", first_name="Cy", last_name="C")
    Membership.objects.create(clinic=a, user=cleo_clinician, role=Role.CLINICIAN)
    history = History(a, world.owner_a)
    ada = world.patient_a
    ben = make_patient(a, "Ben", "Baker")
    cleo = make_patient(a, "Cleo", "Cole")
    for n, score in enumerate((8, 6, 5, 4)):
        history.session(
            ada,
            week(n),
            clinician=world.clinician_a,
            location=main,
            condition="neck_shoulder_pain",
            nprs=score,
            needled=(("upper_trapezius", "deep"), ("levator_scapulae", "superficial"))
            if n == 0
            else (("upper_trapezius", "deep"),),
            events=(("bruising", "mild"),) if n == 1 else (),
        )
    history.session(ada, week(4), clinician=world.clinician_a, location=main, nprs=1, signed=False)
    history.session(ben, date(2025, 6, 2), clinician=world.clinician_a, location=second, nprs=9)
    for n, score in enumerate((6, 6, 5)):
        history.session(
            ben,
            week(n),
            clinician=world.clinician_a,
            location=second,
            condition="neck_shoulder_pain",
            nprs=score,
        )
    for n, (score, odi) in enumerate(((5, 40), (8, 30))):
        history.session(
            cleo,
            week(n + 1),
            clinician=cleo_clinician,
            location=main,
            condition="low_back_pain",
            nprs=score,
            measures=(("odi", "before", odi),),
            needled=(("quadratus_lumborum", "pistoning"),),
            events=(("fainting", "significant"),) if n == 1 else (),
        )
    other = History(world.clinic_b, world.owner_b)
    other.session(world.patient_b, week(1), clinician=world.clinician_b, nprs=7)
    return {
        "clinic": a,
        "main": main,
        "second": second,
        "clinician_a": world.clinician_a,
        "clinician_c": cleo_clinician,
        "series": {
            "ada": (8, 6, 5, 4),
            "ben": (6, 6, 5),
            "cleo": (5, 8),
        },
    }


def _row(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_it_counts_signed_sessions_and_patients_in_the_range(clinic):
    assert clinic_dashboard.summary(clinic["clinic"], JAN_FEB) == {
        "sessions": 9,
        "patients": 3,
        "first_sessions": 2,  # Ada's and Cleo's; Ben's first session was in 2025
    }


def test_it_counts_sessions_by_practitioner(clinic):
    rows = clinic_dashboard.sessions_by_clinician(clinic["clinic"], JAN_FEB)
    assert [(r["clinician"], r["sessions"], r["patients"]) for r in rows] == [
        ("Clinician A", 7, 2),
        ("Cy C", 2, 1),
    ]


def test_it_counts_muscles_and_techniques(clinic):
    muscles = {r["muscle"]: r for r in clinic_dashboard.muscles_used(clinic["clinic"], JAN_FEB)}
    assert muscles["upper_trapezius"]["entries"] == 7  # Ada 4 + Ben 3
    assert muscles["upper_trapezius"]["needles"] == 14
    assert muscles["levator_scapulae"]["sessions"] == 1
    assert muscles["quadratus_lumborum"]["entries"] == 2
    techniques = {
        r["technique"]: r["entries"]
        for r in clinic_dashboard.techniques_used(clinic["clinic"], JAN_FEB)
    }
    assert techniques == {"deep": 7, "superficial": 1, "pistoning": 2}


def test_the_filters_narrow_by_location_and_practitioner(clinic):
    at_main = DashboardFilter(JAN_FEB.start, JAN_FEB.end, location_id=clinic["main"].pk)
    assert clinic_dashboard.summary(clinic["clinic"], at_main)["sessions"] == 6
    by_c = DashboardFilter(JAN_FEB.start, JAN_FEB.end, clinician_id=clinic["clinician_c"].pk)
    assert clinic_dashboard.summary(clinic["clinic"], by_c) == {
        "sessions": 2,
        "patients": 1,
        "first_sessions": 1,
    }
    january = DashboardFilter(date(2026, 1, 1), date(2026, 1, 12))  # weeks 0 and 1
    assert clinic_dashboard.summary(clinic["clinic"], january)["sessions"] == 5


def test_responders_plateaus_and_worsening_by_instrument(clinic):
    rows = clinic_dashboard.responders_by_instrument(clinic["clinic"], JAN_FEB)
    nprs = _row(rows, instrument="nprs")
    assert (nprs["courses"], nprs["responders"], nprs["plateaus"], nprs["worsening"]) == (
        3,
        1,
        1,
        1,
    )
    assert nprs["mean_change"] == pytest.approx((4 + 1 - 3) / 3, abs=0.01)
    assert nprs["mcid"] == 2 and nprs["mcid_source"] == "Ostelo08"
    odi = _row(rows, instrument="odi")
    assert (odi["courses"], odi["responders"], odi["mean_change"]) == (1, 1, 10.0)


def test_the_dashboard_agrees_with_the_core_rules_patient_by_patient(clinic):
    """The SQL counts the same responders and plateaus as course.py does for each patient."""
    responders = plateaus = 0
    for values in clinic["series"].values():
        series = [Observation(i + 1, week(i), v) for i, v in enumerate(values)]
        responders += responder("nprs", series[0], series[-1]).responded
        flags = course_flags("nprs", series, planned_sessions=6)
        plateaus += any(f.code is FlagCode.PLATEAU for f in flags)
    nprs = _row(
        clinic_dashboard.responders_by_instrument(clinic["clinic"], JAN_FEB), instrument="nprs"
    )
    assert (nprs["responders"], nprs["plateaus"]) == (responders, plateaus) == (1, 1)


def test_a_longer_plateau_window_changes_the_count(clinic):
    four = DashboardFilter(JAN_FEB.start, JAN_FEB.end, plateau_sessions=4)
    nprs = _row(
        clinic_dashboard.responders_by_instrument(clinic["clinic"], four), instrument="nprs"
    )
    assert nprs["plateaus"] == 0  # only Ada has four scores, and she improved by 4


def test_outcomes_by_condition(clinic):
    rows = clinic_dashboard.outcomes_by_condition(clinic["clinic"], JAN_FEB)
    neck = _row(rows, condition="neck_shoulder_pain", instrument="nprs")
    assert (neck["courses"], neck["responders"], neck["plateaus"]) == (2, 1, 1)
    assert neck["label"] == "Neck and shoulder pain"
    back = _row(rows, condition="low_back_pain", instrument="nprs")
    assert (back["courses"], back["responders"], back["worsening"]) == (1, 0, 1)
    assert _row(rows, condition="low_back_pain", instrument="odi")["responders"] == 1


def test_outcomes_by_technique_count_each_course_under_every_technique_used(clinic):
    rows = clinic_dashboard.outcomes_by_technique(clinic["clinic"], JAN_FEB)
    deep = _row(rows, technique="deep", instrument="nprs")
    assert (deep["courses"], deep["responders"]) == (2, 1)
    assert _row(rows, technique="superficial", instrument="nprs")["responders"] == 1
    pistoning = _row(rows, technique="pistoning", instrument="odi")
    assert (pistoning["courses"], pistoning["responders"]) == (1, 1)


def test_adverse_events_are_counted_once_by_type_and_severity(clinic):
    counts = clinic_dashboard.adverse_event_counts(clinic["clinic"], JAN_FEB)
    assert [(c.event, c.severity, c.treatments) for c in counts] == [
        ("bruising", "mild", 1),
        ("fainting", "significant", 1),
    ]


def test_adverse_event_rates_use_wilson_intervals_per_1000_treatments(clinic):
    rates = clinic_dashboard.adverse_event_rates(clinic["clinic"], JAN_FEB, treatments=9)
    bruising = next(r for r in rates["by_type"] if r.key == "bruising")
    interval = wilson_interval(1, 9)
    assert bruising.estimate.rate_per_1000 == pytest.approx(1000 / 9)
    assert bruising.estimate.low_per_1000 == pytest.approx(interval.low * 1000)
    assert bruising.estimate.low_per_1000 == pytest.approx(19.8, abs=0.1)  # 1 of 9: 0.0198-0.435
    assert bruising.estimate.high_per_1000 == pytest.approx(435.0, abs=0.1)
    assert {c.source for c in bruising.comparisons} == {("Brady14",), ("Boyce20",)}
    assert not bruising.above_published  # the interval reaches below 75.5 and 77.0 per 1,000
    severities = {r.key: r for r in rates["by_severity"]}
    assert severities["mild"].estimate.events == 1
    assert severities["significant"].estimate.events == 1
    assert severities["serious"].estimate.events == 0
    assert severities["serious"].estimate.high_per_1000 > 0  # zero events still have a bound


def test_a_rate_whose_whole_interval_lies_above_the_published_one_is_flagged(clinic):
    rates = clinic_dashboard.adverse_event_rates(clinic["clinic"], JAN_FEB, treatments=9)
    fainting = next(r for r in rates["by_type"] if r.key == "fainting")
    # 1 of 9 treatments: lower bound 19.8 per 1,000 against White 2001's 6 in 31,822 (0.19).
    assert fainting.above_published
    significant = next(r for r in rates["by_severity"] if r.key == "significant")
    assert significant.above_published  # above Brady 2014 (0 of 7,629) and Boyce 2020 (20)
    assert {c.reference for c in significant.comparisons if c.above_published} == {
        "brady14_significant",
        "boyce20_major",
    }


def test_event_types_with_published_rates_show_even_when_the_clinic_has_none(clinic):
    rates = clinic_dashboard.adverse_event_rates(clinic["clinic"], JAN_FEB, treatments=9)
    bleeding = next(r for r in rates["by_type"] if r.key == "bleeding")
    assert bleeding.estimate.events == 0 and not bleeding.above_published


def test_an_empty_period_has_no_rates(clinic):
    empty = DashboardFilter(date(2020, 1, 1), date(2020, 2, 1))
    assert clinic_dashboard.adverse_event_rates(clinic["clinic"], empty, treatments=0) == {
        "by_type": [],
        "by_severity": [],
    }
    tables = dashboard_tables(clinic["clinic"], empty)
    assert tables["summary"].rows == [(0, 0, 0)]
    assert tables["conditions"].rows == []


def test_the_tables_for_csv_hold_the_same_numbers(clinic):
    tables = dashboard_tables(clinic["clinic"], JAN_FEB)
    assert tables["summary"].rows == [(9, 3, 2)]
    responders = {row[0]: row for row in tables["responders"].rows}
    assert responders["NPRS"][1] == 3 and responders["NPRS"][5] == 1
    events = {row[0]: row for row in tables["events"].rows}
    assert events["bruising"][2:5] == (1, 9, "111.1")
