from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from taut.charting.models import NeedleLot, TreatmentSession
from tests.charting.conftest import TODAY, Ready
from tests.conftest import client_for

ENTRY = {
    "muscle": "upper_trapezius",
    "side": "l",
    "technique": "deep",
    "needles_in": "2",
    "insertions": "3",
    "twitch": "some",
}


def _started(ready: Ready, client) -> TreatmentSession:  # type: ignore[no-untyped-def]
    response = client.post(reverse("charting:start", args=[ready.world.patient_a.public_id]))
    assert response.status_code == 302, response.content
    return TreatmentSession.objects.get()


def _url(name: str, session: TreatmentSession, *extra: object) -> str:
    return reverse(name, args=[session.patient.public_id, session.public_id, *extra])


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


@pytest.fixture
def today(clinic_clock: object) -> None:
    """The clock on TODAY (CLINIC_NOW), the day the lots and credentials are dated from."""


def test_the_whole_session_from_drawing_to_signed_pdfs(ready: Ready, today: None) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    page = client.get(_url("charting:session", session)).content.decode()
    assert 'data-region="temple_l"' in page

    client.post(
        _url("charting:notes", session),
        {"pain_regions": ["temple_l", "neck_posterior_l"], "subjective": "Headache"},
    )
    suggestions = client.get(
        _url("charting:suggestions", session), {"pain_regions": ["temple_l", "neck_posterior_l"]}
    ).content.decode()
    assert "Upper trapezius (left)" in suggestions

    added = client.post(
        _url("charting:entry_add", session),
        {**ENTRY, "lot_id": ready.lot.pk},
        HTTP_HX_REQUEST="true",
    )
    assert added.content.decode().lstrip().startswith('<section class="card" id="needling"')
    assert "lung" in added.content.decode().lower()
    entry = session.entries.get()

    client.post(_url("charting:entry_count", session, entry.pk), {"needles_out": "1"})
    refused = client.post(_url("charting:sign", session), follow=True).content.decode()
    assert "upper trapezius (left): 2 in, 1 out" in refused.lower()
    client.post(_url("charting:entry_count", session, entry.pk), {"needles_out": "2"})
    client.post(
        _url("charting:measure_add", session),
        {"instrument": "nprs", "timing": "before", "answers": "6"},
    )
    signed = client.post(_url("charting:sign", session), follow=True).content.decode()
    assert "Signed note" in signed and "CPT 20560" in signed

    client.post(_url("charting:addendum_add", session), {"text": "Called next day: fine."})
    note = _pdf_text(client.get(_url("charting:document", session, "note")).content)
    assert "Upper trapezius (left)" in note and "L2026A" in note and "Called next day" in note
    aftercare = _pdf_text(client.get(_url("charting:document", session, "aftercare")).content)
    assert "breath" in aftercare.lower()  # thorax-region needling adds the pneumothorax flag
    superbill = _pdf_text(client.get(_url("charting:document", session, "superbill")).content)
    assert "20560" in superbill and "Ada Lovelace" in superbill


def test_an_expired_lot_cannot_be_chosen(ready: Ready, today: None) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    response = client.post(
        _url("charting:entry_add", session),
        {**ENTRY, "lot_id": ready.expired_lot.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "Select a valid choice" in response.content.decode()
    assert not session.entries.exists()


def test_start_is_refused_with_the_gate_reasons(ready: Ready, today: None) -> None:
    consent = ready.world.patient_a.consents.get()
    from taut.consent.services import consent_withdraw

    consent_withdraw(request=None, actor=ready.world.frontdesk_a, consent=consent, reason="")
    response = client_for(ready.world.clinician_a).post(
        reverse("charting:start", args=[ready.world.patient_a.public_id])
    )
    assert response.status_code == 409
    assert "The patient withdrew consent." in response.content.decode()


def test_the_patient_sees_aftercare_in_the_portal(ready: Ready, today: None) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    client.post(_url("charting:entry_add", session), {**ENTRY, "lot_id": ready.lot.pk})
    entry = session.entries.get()
    client.post(_url("charting:entry_count", session, entry.pk), {"needles_out": "2"})
    client.post(_url("charting:sign", session))
    portal = client_for(ready.world.portal_user_a)
    page = portal.get(reverse("portal:aftercare")).content.decode()
    assert "After your session" in page
    pdf = portal.get(reverse("portal:aftercare_pdf", args=[session.public_id]))
    assert pdf.content.startswith(b"%PDF")


def test_a_lot_can_be_traced_to_its_patients(
    ready: Ready, today: None, capsys: pytest.CaptureFixture[str]
) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    client.post(_url("charting:entry_add", session), {**ENTRY, "lot_id": ready.lot.pk})
    call_command("needles", "trace", "L2026A")
    out = capsys.readouterr().out
    assert "Ada Lovelace" in out and "upper_trapezius_l" in out
    with pytest.raises(CommandError, match="not used"):
        call_command("needles", "trace", "NOPE")


def test_stock_refuses_an_already_expired_lot(ready: Ready) -> None:
    client = client_for(ready.world.owner_a)
    response = client.post(
        reverse("charting:lot_add"),
        {
            "product": ready.lot.product.pk,
            "lot_number": "NEW",
            "expires_on": str(TODAY - timedelta(days=400)),
            "received_on": str(TODAY),
        },
        follow=True,
    )
    assert "already expired" in response.content.decode()
    assert not NeedleLot.objects.filter(lot_number="NEW").exists()


def test_the_owner_records_a_clinicians_credentials(ready: Ready) -> None:
    prefix = str(ready.world.clinician_a.public_id)
    client_for(ready.world.owner_a).post(
        reverse("charting:practitioner_save", args=[prefix]),
        {
            f"{prefix}-{k}": v
            for k, v in {
                "profession": "physical_therapist",
                "licence_number": "PT-NEW",
                "licence_expires": "2028-01-01",
                "licensed_since": "2010-01-01",
                "training_hours": "75",
                "training_course": "Level 2",
                "training_date": "2021-05-01",
            }.items()
        },
    )
    ready.profile.refresh_from_db()
    assert ready.profile.licence_number == "PT-NEW" and ready.profile.training_hours == 75


def test_an_unsigned_sessions_aftercare_is_not_in_the_portal(ready: Ready, today: None) -> None:
    session = _started(ready, client_for(ready.world.clinician_a))
    portal = client_for(ready.world.portal_user_a)
    assert portal.get(reverse("portal:aftercare_pdf", args=[session.public_id])).status_code == 404


def test_the_live_check_names_a_depth_the_needle_cannot_reach_before_saving(
    ready: Ready, today: None
) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    typed = {**ENTRY, "muscle": "infraspinatus", "lot_id": ready.lot.pk}
    check = client.post(_url("charting:entry_check", session), {**typed, "depth_mm": "62"})
    text = check.content.decode()
    assert check.status_code == 200 and 'data-code="depth_beyond_needle"' in text
    assert "62 mm is deeper than the needle is long (50 mm)" in text and "TautDesign" in text
    assert not session.entries.exists()
    fine = client.post(_url("charting:entry_check", session), {**typed, "depth_mm": "30"})
    assert "will be refused" not in fine.content.decode()


def test_the_live_check_names_the_safe_depth_and_its_source(ready: Ready, today: None) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    typed = {**ENTRY, "muscle": "rhomboids", "lot_id": ready.lot.pk, "depth_mm": "21"}
    text = client.post(_url("charting:entry_check", session), typed).content.decode()
    assert 'data-code="depth_beyond_safe_depth"' in text and "Source: Valera" in text
    assert 'data-code="lung"' in text  # the row's warnings come with it


def test_the_live_check_waits_for_a_muscle_and_reports_a_bad_depth(
    ready: Ready, today: None
) -> None:
    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    empty = client.post(_url("charting:entry_check", session), {"depth_mm": ""})
    assert empty.content.decode().strip() == ""
    bad = client.post(_url("charting:entry_check", session), {**ENTRY, "depth_mm": "-3"})
    assert "Depth: Ensure this value is greater than or equal to 0." in bad.content.decode()


def test_the_live_check_is_for_those_who_write_clinical_records(ready: Ready, today: None) -> None:
    session = _started(ready, client_for(ready.world.clinician_a))
    for user in (ready.world.owner_a, ready.world.frontdesk_a):
        response = client_for(user).post(_url("charting:entry_check", session), ENTRY)
        assert response.status_code == 403


def test_a_phone_report_after_signing_is_recorded_from_the_signed_note(
    ready: Ready, today: None
) -> None:
    from taut.charting.models import LateAdverseEvent

    session, _entry = _signed_with_entry(ready)
    client = client_for(ready.world.clinician_a)
    page = client.get(_url("charting:session", session)).content.decode()
    assert "Record an adverse event reported later" in page
    url = _url("charting:late_event_add", session)
    form = {
        "event": "headache",
        "severity": "mild",
        "reported_via": "phone",
        "reported_on": session.date_of_service.isoformat(),
        "description": "Headache the evening after the session.",
        "action_taken": "Advised rest and fluids; call again if it persists.",
    }
    refused = client.post(url, {**form, "reported_on": "2001-01-01"})
    assert refused.status_code == 400 and "Reported on: a day from the session" in (
        refused.content.decode()
    )
    done = client.post(url, form, follow=True).content.decode()
    assert "Adverse event recorded. The signed note is unchanged." in done
    assert "Headache the evening after the session." in done and "via phone call" in done
    assert LateAdverseEvent.objects.get().session == session
    note = _pdf_text(client.get(_url("charting:document", session, "note")).content)
    assert "Adverse events reported after signing" in note
    assert "Headache the evening after the session." in note
    for user in (ready.world.owner_a, ready.world.frontdesk_a):
        assert client_for(user).post(url, form).status_code == 403


def _signed_with_entry(ready: Ready) -> tuple[TreatmentSession, object]:
    from tests.diary.conftest import sign

    client = client_for(ready.world.clinician_a)
    session = _started(ready, client)
    client.post(_url("charting:entry_add", session), {**ENTRY, "lot_id": ready.lot.pk})
    entry = session.entries.get()
    return sign(ready.world, session, entry), entry
