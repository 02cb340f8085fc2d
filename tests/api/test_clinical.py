"""Sessions, measures, adverse events and consents through the API, with the charting rules."""

from __future__ import annotations

from typing import Any

from taut.audit.models import AuditEntry
from taut.charting import services
from taut.charting.models import Measure, SessionAdverseEvent
from taut.consent.services import consent_withdraw
from tests.api.conftest import api_for
from tests.charting.conftest import ready_session
from tests.conftest import World, publish_consent_document, sign_consent


def _session(world: World) -> Any:
    return ready_session(world)[0]


def test_sessions_list_and_filter_by_patient_date_and_status(world: World) -> None:
    session = _session(world)
    client = api_for(world.clinician_a)
    items = client.get("/api/v1/sessions").json()["items"]
    assert [s["id"] for s in items] == [str(session.public_id)]
    assert items[0]["clinician"]["name"] == "Clinician A" and items[0]["status"] == "open"
    day = session.date_of_service.isoformat()
    assert (
        len(client.get("/api/v1/sessions", {"date_from": day, "date_to": day}).json()["items"]) == 1
    )
    assert len(client.get("/api/v1/sessions", {"date_from": "2999-01-01"}).json()["items"]) == 0
    assert len(client.get("/api/v1/sessions", {"status": "signed"}).json()["items"]) == 0
    mine = {"patient": str(world.patient_a.public_id)}
    assert len(client.get("/api/v1/sessions", mine).json()["items"]) == 1


def test_a_session_reads_with_its_needling_entries(world: World) -> None:
    session = _session(world)
    body = api_for(world.owner_a).get(f"/api/v1/sessions/{session.public_id}").json()
    assert body["patient"] == str(world.patient_a.public_id)
    (entry,) = body["entries"]
    assert entry["muscle"] == "infraspinatus" and entry["lot"]["lot_number"] == "L2026A"
    audited = AuditEntry.objects.get(object_type="treatment_session", action="view")
    assert audited.detail["via"] == "api" and audited.object_id == str(session.public_id)


def test_a_measure_is_scored_by_the_instruments_rules(world: World) -> None:
    session = _session(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/sessions/{session.public_id}/measures"
    response = client.post(url, {"instrument": "nprs", "timing": "before", "answers": [7]})
    assert response.status_code == 201, response.json()
    assert response.json()["score"] == 7.0 and response.json()["unit"]
    out_of_range = client.post(url, {"instrument": "nprs", "timing": "after", "answers": [11]})
    assert out_of_range.status_code == 422 and "answers" in out_of_range.json()["error"]["fields"]
    unknown = client.post(url, {"instrument": "iq", "timing": "after", "answers": [1]})
    assert unknown.status_code == 422 and "instrument" in unknown.json()["error"]["fields"]
    assert Measure.objects.count() == 1


def test_measures_filter_by_instrument_and_patient(world: World) -> None:
    session = _session(world)
    readings: list[tuple[str, list[float | None]]] = [("nprs", [6]), ("vas", [40])]
    for instrument, answers in readings:
        services.measure_add(
            request=None,
            actor=world.clinician_a,
            session=session,
            instrument=instrument,
            timing="before",
            answers=answers,
        )
    client = api_for(world.owner_a)
    only_vas = client.get("/api/v1/measures", {"instrument": "vas"}).json()
    assert [m["instrument"] for m in only_vas["items"]] == ["vas"]
    for_patient = client.get("/api/v1/measures", {"patient": str(world.patient_a.public_id)})
    assert len(for_patient.json()["items"]) == 2
    nested = client.get(f"/api/v1/sessions/{session.public_id}/measures").json()
    assert len(nested["items"]) == 2


def test_a_signed_note_is_final_for_the_api_too(world: World) -> None:
    _session(world)
    session = _signed(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/sessions/{session.public_id}"
    response = client.post(
        f"{url}/measures", {"instrument": "nprs", "timing": "after", "answers": [3]}
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "refused"
    event = {"event": "bruising", "severity": "mild", "action_taken": "Ice."}
    assert client.post(f"{url}/adverse-events", event).status_code == 409
    assert client.get(url).json()["status"] == "signed"


def _signed(world: World) -> Any:
    from taut.charting.models import TreatmentSession

    session = TreatmentSession.objects.get()
    entry = session.entries.get()
    services.entry_count_out(
        request=None, actor=world.clinician_a, entry=entry, needles_out=entry.needles_in
    )
    return services.session_sign(request=None, actor=world.clinician_a, session=session)


def test_adverse_events_are_recorded_with_the_charting_rules(world: World) -> None:
    session = _session(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/sessions/{session.public_id}/adverse-events"
    bad = client.post(url, {"event": "any_mild", "severity": "awful", "action_taken": "x"})
    assert bad.status_code == 422 and {"event", "severity"} <= set(bad.json()["error"]["fields"])
    good = client.post(url, {"event": "bruising", "severity": "mild", "action_taken": "Ice."})
    assert good.status_code == 201 and good.json()["recorded_by"]["name"] == "Clinician A"
    assert SessionAdverseEvent.objects.get().recorded_by == world.clinician_a
    listing = api_for(world.owner_a).get("/api/v1/adverse-events", {"severity": "mild"}).json()
    assert [e["event"] for e in listing["items"]] == ["bruising"]
    assert len(api_for(world.owner_a).get(url).json()["items"]) == 1


def test_a_role_that_only_reads_clinical_records_may_not_write_them(world: World) -> None:
    session = _session(world)
    response = api_for(world.owner_a).post(
        f"/api/v1/sessions/{session.public_id}/measures",
        {"instrument": "nprs", "timing": "before", "answers": [5]},
    )
    assert response.status_code == 403


def test_consents_read_with_their_document_and_withdrawal(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    first = sign_consent(world.patient_a, document, world.frontdesk_a)
    consent_withdraw(request=None, actor=world.owner_a, consent=first, reason="Changed mind")
    second = sign_consent(world.patient_a, document, world.frontdesk_a)
    client = api_for(world.owner_a)
    items = client.get("/api/v1/consents").json()["items"]
    assert [c["id"] for c in items] == [str(second.public_id), str(first.public_id)]
    withdrawn = client.get("/api/v1/consents", {"withdrawn": "true"}).json()["items"]
    assert [c["withdrawal_reason"] for c in withdrawn] == ["Changed mind"]
    detail = client.get(f"/api/v1/consents/{second.public_id}").json()
    assert detail["document"]["version"] == 1 and detail["pdf_sha256"] == second.pdf_sha256
    assert detail["kind"] == "general" and detail["withdrawn"] is False
