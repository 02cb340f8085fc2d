"""One patient's courses: numbering, timing, sites, plan numbers and flags; classify service."""

from __future__ import annotations

from datetime import date

import pytest

from taut.audit.models import AuditEntry
from taut.charting.classify import ClassifyRefused, session_classify
from taut.charting.finality import SignedNoteFinal
from taut.clinical.course import CoursePolicy, FlagCode
from taut.clinical.knowledge import UnknownIdError
from taut.clinics.models import Location
from taut.outcomes.selectors.patient_course import PlanNumbers, patient_outcomes
from tests.conftest import World
from tests.outcomes.conftest import History, week


@pytest.fixture
def history(world: World) -> History:
    return History(world.clinic_a, world.owner_a)


def _course(outcomes, instrument, site=""):  # type: ignore[no-untyped-def]
    return next(c for c in outcomes.courses if c.instrument.id == instrument and c.site == site)


def test_signed_sessions_are_numbered_in_order_and_open_ones_left_out(world, history):
    history.session(world.patient_a, week(1), clinician=world.clinician_a, nprs=6)
    history.session(world.patient_a, week(0), clinician=world.clinician_a, nprs=8)
    history.session(world.patient_a, week(2), clinician=world.clinician_a, nprs=2, signed=False)
    outcomes = patient_outcomes(patient=world.patient_a)
    assert [row.number for row in outcomes.sessions] == [1, 2]
    nprs = _course(outcomes, "nprs")
    assert [(o.session_number, o.value) for o in nprs.observations] == [(1, 8.0), (2, 6.0)]
    assert nprs.status is not None and nprs.status.responded  # 8 -> 6 = the MCID of 2


def test_the_page_follows_the_current_episode_and_lists_the_earlier_ones(world, history, client):
    for day, score in ((date(2025, 3, 3), 9), (date(2025, 3, 10), 3), (date(2026, 1, 5), 7)):
        history.session(world.patient_a, day, clinician=world.clinician_a, nprs=score)
    history.session(world.patient_a, date(2026, 1, 12), clinician=world.clinician_a, nprs=4)
    outcomes = patient_outcomes(patient=world.patient_a)
    assert [row.session.date_of_service for row in outcomes.sessions] == [
        date(2026, 1, 5),
        date(2026, 1, 12),
    ]
    nprs = _course(outcomes, "nprs")
    assert nprs.baseline is not None and nprs.baseline.value == 7  # not 2025's 9
    assert [(e.first, e.last, e.sessions) for e in outcomes.earlier] == [
        (date(2025, 3, 3), date(2025, 3, 10), 2)
    ]
    client.force_login(world.clinician_a)
    page = client.get(f"/outcomes/patients/{world.patient_a.public_id}/").content.decode()
    assert "Earlier episodes: 3 Mar 2025 to 10 Mar 2025 (2 sessions)" in page


def test_scores_after_needling_are_shown_but_not_judged(world, history):
    history.session(
        world.patient_a,
        week(0),
        clinician=world.clinician_a,
        nprs=7,
        measures=(("nprs", "after", 3),),
    )
    history.session(
        world.patient_a,
        week(1),
        clinician=world.clinician_a,
        nprs=7,
        measures=(("nprs", "after", 2),),
    )
    nprs = _course(patient_outcomes(patient=world.patient_a), "nprs")
    assert nprs.after == {1: 3.0, 2: 2.0}
    assert not nprs.status.responded  # 7 -> 7 before needling
    assert [r["after"] for r in nprs.rows] == [3.0, 2.0]
    assert [r["change"] for r in nprs.rows] == [0, 0]


def test_each_site_is_its_own_course(world, history):
    history.session(
        world.patient_a,
        week(0),
        clinician=world.clinician_a,
        measures=(("ppt", "before", 1.5, "upper trapezius"),),
    )
    history.session(
        world.patient_a, week(1), clinician=world.clinician_a, measures=(("ppt", "before", 2.0),)
    )
    outcomes = patient_outcomes(patient=world.patient_a)
    assert {c.site for c in outcomes.courses} == {"upper trapezius", ""}
    assert all(c.mcid is None and c.status is None for c in outcomes.courses)  # PPT has no MCID


def test_the_plan_numbers_drive_reassessment_and_the_end_of_plan(world, history):
    for n, score in enumerate((8, 7, 7)):  # 8 -> 7: improving, short of the MCID of 2
        history.session(world.patient_a, week(n), clinician=world.clinician_a, nprs=score)
    default = patient_outcomes(patient=world.patient_a)
    assert [f["flag"].code for f in default.flagged] == [FlagCode.REASSESS, FlagCode.PLATEAU]
    short = patient_outcomes(patient=world.patient_a, plan=PlanNumbers(3, (2,)))
    end = next(f["flag"] for f in short.flagged if f["flag"].code is FlagCode.END_OF_PLAN)
    assert end.suggestion == "continue with a new plan"  # 8 -> 7: better, short of the MCID
    assert [o.session_number for o in end.triggered_by] == [1, 3]
    longer = patient_outcomes(patient=world.patient_a, policy=CoursePolicy(plateau_sessions=4))
    assert FlagCode.PLATEAU not in [f["flag"].code for f in longer.flagged]


def test_a_measure_of_an_instrument_no_longer_in_the_data_is_left_out(world, history):
    history.session(
        world.patient_a,
        week(0),
        clinician=world.clinician_a,
        nprs=5,
        measures=(("retired_scale", "before", 3),),
    )
    outcomes = patient_outcomes(patient=world.patient_a)
    assert [c.instrument.id for c in outcomes.courses] == ["nprs"]


def test_classifying_an_open_session_records_condition_and_location_with_an_audit(world, history):
    session = history.session(world.patient_a, week(0), clinician=world.clinician_a, signed=False)
    location = Location.objects.get(clinic=world.clinic_a)
    session_classify(
        request=None,
        actor=world.clinician_a,
        session=session,
        condition="low_back_pain",
        location=location,
    )
    session.refresh_from_db()
    assert (session.condition, session.location_id) == ("low_back_pain", location.pk)
    entry = AuditEntry.objects.filter(object_id=str(session.public_id)).latest("pk")
    assert entry.detail["condition"] == "low_back_pain"


def test_classifying_refuses_a_signed_note_an_unknown_condition_and_a_foreign_location(
    world, history
):
    signed = history.session(world.patient_a, week(0), clinician=world.clinician_a)
    with pytest.raises(SignedNoteFinal, match="signed"):
        session_classify(
            request=None, actor=world.clinician_a, session=signed, condition=None, location=None
        )
    open_one = history.session(world.patient_a, week(1), clinician=world.clinician_a, signed=False)
    with pytest.raises(UnknownIdError):
        session_classify(
            request=None, actor=world.clinician_a, session=open_one, condition="neck", location=None
        )
    with pytest.raises(ClassifyRefused, match="another clinic"):
        session_classify(
            request=None,
            actor=world.clinician_a,
            session=open_one,
            condition=None,
            location=Location.objects.get(clinic=world.clinic_b),
        )


def test_a_neck_pain_course_is_judged_by_the_mcid_measured_in_neck_pain(world, history):
    for n, score in ((0, 8), (1, 6.5)):
        history.session(
            world.patient_a,
            week(n),
            clinician=world.clinician_a,
            nprs=score,
            condition="neck_shoulder_pain",
        )
    nprs = _course(patient_outcomes(patient=world.patient_a), "nprs")
    assert nprs.mcid is not None and nprs.mcid.value == 1.3  # not low back pain's 2
    assert nprs.status is not None and nprs.status.responded  # 1.5 points of change
    assert "measured in mechanical neck pain" in nprs.mcid_note


def test_a_headache_course_says_whose_mcid_it_borrows(world, history, client):
    for n, score in ((0, 8), (1, 6.5)):
        history.session(
            world.patient_a,
            week(n),
            clinician=world.clinician_a,
            nprs=score,
            condition="headache",
        )
    nprs = _course(patient_outcomes(patient=world.patient_a), "nprs")
    assert nprs.mcid is not None and nprs.mcid.value == 2
    assert not nprs.status.responded
    client.force_login(world.clinician_a)
    page = client.get(f"/outcomes/patients/{world.patient_a.public_id}/").content.decode()
    assert "no MCID measured in tension-type headache and migraine is on record" in page
    assert "using 2 points from low back pain" in page
