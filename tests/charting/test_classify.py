"""A session started from the patient page: its condition and location, by default and by hand."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.charting import services
from taut.charting.classify import session_classify
from taut.charting.models import TreatmentSession
from taut.clinics.models import Location, Membership
from tests.charting.conftest import ENTRY, TODAY, Ready
from tests.conftest import client_for


@pytest.fixture
def today(clinic_clock: object) -> None:
    """The clock on TODAY (CLINIC_NOW), the day the lots and credentials are dated from."""


def _start(ready: Ready) -> TreatmentSession:
    """Start a session the way the patient page does (the "Start session" button)."""
    before = set(TreatmentSession.objects.values_list("pk", flat=True))
    response = client_for(ready.world.clinician_a).post(
        reverse("charting:start", args=[ready.world.patient_a.public_id])
    )
    assert response.status_code == 302, response.content
    return TreatmentSession.objects.exclude(pk__in=before).get()


def _signed(ready: Ready, *, condition: str | None, location: Location | None) -> Any:
    """An earlier session of patient A, classified and signed through the services."""
    world = ready.world
    session = services.session_start(
        request=None,
        membership=Membership.objects.get(user=world.clinician_a),
        patient=world.patient_a,
        today=TODAY,
    )
    entry = services.entry_add(
        request=None,
        actor=world.clinician_a,
        session=session,
        data={**ENTRY, "lot_id": ready.lot.pk},
    )
    services.entry_count_out(
        request=None, actor=world.clinician_a, entry=entry, needles_out=entry.needles_in
    )
    session_classify(
        request=None,
        actor=world.clinician_a,
        session=session,
        condition=condition,
        location=location,
    )
    return services.session_sign(request=None, actor=world.clinician_a, session=session)


def _second_location(ready: Ready) -> Location:
    return Location.objects.create(clinic=ready.world.clinic_a, name="A annex")


def _classify_audits(session: TreatmentSession) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(
            object_type="treatment_session", object_id=str(session.public_id)
        ).order_by("pk")
        if "condition" in e.detail
    ]


def _url(name: str, session: TreatmentSession) -> str:
    return reverse(name, args=[session.patient.public_id, session.public_id])


# --- the defaults when a session starts from the patient page ---


def test_start_takes_the_care_plans_first_condition_and_the_clinics_only_location(
    ready: Ready, today: None
) -> None:
    from tests.scheduling.conftest import make_plan

    make_plan(ready.world, conditions=["low_back_pain", "neck_shoulder_pain"])
    session = _start(ready)
    assert session.condition == "low_back_pain"
    assert session.location == Location.objects.get(clinic=ready.world.clinic_a)
    (audit,) = _classify_audits(session)
    assert audit.actor_id == ready.world.clinician_a.pk
    assert audit.detail["condition"] == "low_back_pain"
    assert audit.detail["location"] == str(session.location.public_id)


def test_start_takes_the_latest_signed_sessions_condition_and_location(
    ready: Ready, today: None
) -> None:
    annex = _second_location(ready)
    main = Location.objects.get(clinic=ready.world.clinic_a, name="A main")
    _signed(ready, condition="neck_shoulder_pain", location=main)
    _signed(ready, condition="low_back_pain", location=annex)
    session = _start(ready)
    assert (session.condition, session.location) == ("low_back_pain", annex)


def test_the_care_plans_condition_wins_over_the_previous_sessions(
    ready: Ready, today: None
) -> None:
    from tests.scheduling.conftest import make_plan

    annex = _second_location(ready)
    _signed(ready, condition="low_back_pain", location=annex)
    make_plan(ready.world, conditions=["neck_shoulder_pain"])
    session = _start(ready)
    assert (session.condition, session.location) == ("neck_shoulder_pain", annex)


def test_with_nothing_to_go_on_both_stay_empty_and_nothing_is_written(
    ready: Ready, today: None
) -> None:
    annex = _second_location(ready)  # two locations: no single one to assume
    # An open (unsigned) earlier note is no basis either.
    earlier = _start(ready)
    session_classify(
        request=None,
        actor=ready.world.clinician_a,
        session=earlier,
        condition="low_back_pain",
        location=annex,
    )
    session = _start(ready)
    assert (session.condition, session.location) == (None, None)
    assert _classify_audits(session) == []


def test_a_closed_location_is_not_assumed(ready: Ready, today: None) -> None:
    Location.objects.filter(clinic=ready.world.clinic_a).update(is_active=False)
    _second_location(ready)  # the clinic's only open location
    session = _start(ready)
    assert session.location is not None and session.location.name == "A annex"


# --- the form on the session page ---


def test_the_open_note_shows_a_labelled_form_and_the_signed_note_the_values(
    ready: Ready, today: None
) -> None:
    client = client_for(ready.world.clinician_a)
    session = _start(ready)
    page = client.get(_url("charting:session", session)).content.decode()
    assert "Condition and location" in page
    assert _url("charting:session_classify", session) in page
    assert '<label for="id_condition">' in page and '<label for="id_location">' in page
    assert page.count(">Not recorded</option>") == 2
    assert '<option value="neck_shoulder_pain">Neck and shoulder pain</option>' in page

    signed = _signed(ready, condition="low_back_pain", location=None)
    page = client.get(_url("charting:session", signed)).content.decode()
    assert _url("charting:session_classify", signed) not in page
    assert "Condition treated" in page and "Not recorded" in page
    from taut.clinical.knowledge import load_knowledge

    assert load_knowledge().condition("low_back_pain").name in page


def test_the_form_sets_both_and_is_audited(ready: Ready, today: None) -> None:
    annex = _second_location(ready)
    session = _start(ready)
    assert (session.condition, session.location) == (None, None)
    response = client_for(ready.world.clinician_a).post(
        _url("charting:session_classify", session),
        {"condition": "low_back_pain", "location": str(annex.public_id)},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("charting:session", session)
    session.refresh_from_db()
    assert (session.condition, session.location) == ("low_back_pain", annex)
    (audit,) = _classify_audits(session)
    assert audit.actor_id == ready.world.clinician_a.pk
    assert audit.detail == {
        "patient": str(ready.world.patient_a.public_id),
        "condition": "low_back_pain",
        "location": str(annex.public_id),
    }


def test_the_form_clears_both_to_not_recorded(ready: Ready, today: None) -> None:
    session = _start(ready)  # the clinic's only location was taken
    assert session.location is not None
    response = client_for(ready.world.clinician_a).post(
        _url("charting:session_classify", session), {"condition": "", "location": ""}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.condition, session.location) == (None, None)


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("condition", {"condition": "neck", "location": ""}, "Condition: “neck” is not"),
        ("location", {"condition": "low_back_pain"}, "Location: that is not one of this clinic"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_saved(
    ready: Ready, today: None, field: str, data: dict[str, str], message: str
) -> None:
    session = _start(ready)
    before = (session.condition, session.location_id)
    audits = AuditEntry.objects.count()
    if field == "location":
        data["location"] = str(Location.objects.get(clinic=ready.world.clinic_b).public_id)
    response = client_for(ready.world.clinician_a).post(
        _url("charting:session_classify", session), data
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    select = re.search(rf'<select name="{field}"[^>]*>', html)
    assert select is not None and 'aria-invalid="true"' in select.group(0)
    session.refresh_from_db()
    assert (session.condition, session.location_id) == before
    assert AuditEntry.objects.count() == audits  # no classification written (no page-read audit)


def test_a_signed_note_refuses_with_409(ready: Ready, today: None) -> None:
    signed = _signed(ready, condition="low_back_pain", location=None)
    for data in (
        {"condition": "neck_shoulder_pain", "location": ""},
        {"condition": "not-a-condition", "location": "x"},  # refused as signed, not as bad input
    ):
        response = client_for(ready.world.clinician_a).post(
            _url("charting:session_classify", signed), data
        )
        assert response.status_code == 409
        assert "This note is signed and cannot change" in response.content.decode()
    signed.refresh_from_db()
    assert (signed.condition, signed.location_id) == ("low_back_pain", None)


def test_roles_without_clinical_edit_get_403(ready: Ready, today: None) -> None:
    session = _start(ready)
    for user in (ready.world.frontdesk_a, ready.world.owner_a):
        response = client_for(user).post(
            _url("charting:session_classify", session), {"condition": "low_back_pain"}
        )
        assert response.status_code == 403
    session.refresh_from_db()
    assert session.condition is None


def test_the_view_takes_only_post(ready: Ready, today: None) -> None:
    session = _start(ready)
    response = client_for(ready.world.clinician_a).get(_url("charting:session_classify", session))
    assert response.status_code == 405
