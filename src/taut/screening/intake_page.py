"""The intake page's steps, shared by the staff form and the patient portal."""

from __future__ import annotations

from django.http import HttpRequest

from taut.audit.services import audit_patient_read
from taut.patients.models import Patient
from taut.screening import services
from taut.screening.intake_form import IntakeForm
from taut.screening.models import Intake
from taut.screening.selectors import intake_latest

HISTORY_FIELDS = ("medications", "conditions", "previous_needling", "previous_needling_notes")


def intake_form_for(
    request: HttpRequest, patient: Patient, *, for_staff: bool, prefill: bool = True
) -> tuple[IntakeForm, Intake | None]:
    """The form, filled with the latest answers (showing them is an audited read), or empty
    for a reader who may take a history but not read it (`prefill=False`: the front desk)."""
    latest = intake_latest(patient=patient)
    shown = latest if prefill else None
    if shown is not None and request.method == "GET":
        audit_patient_read(
            request=request, patient=patient, object_type="intake", object_id=str(shown.public_id)
        )
    form = IntakeForm(
        request.POST or None,
        for_staff=for_staff,
        initial={f: getattr(shown, f) for f in HISTORY_FIELDS} if shown else {},
        initial_facts=shown.facts if shown else None,
    )
    return form, latest


def intake_form_submit(
    request: HttpRequest, form: IntakeForm, patient: Patient, latest: Intake | None, channel: str
) -> Intake:
    """Store the answers as a new version, keeping earlier answers to questions not asked here
    (the portal does not ask the clinician's questions)."""
    asked = {q.id for q in form.questions}
    kept = {k: v for k, v in latest.facts.items() if k not in asked} if latest else {}
    return services.intake_submit(
        request=request,
        actor=request.user,
        patient=patient,
        facts={**kept, **form.facts()},
        history={f: form.cleaned_data[f] for f in HISTORY_FIELDS},
        channel=channel,
    )
