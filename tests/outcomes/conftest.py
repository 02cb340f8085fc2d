"""A small clinic history built straight into the database, counted by hand in the tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from taut.charting.models import (
    Measure,
    NeedleLot,
    NeedleProduct,
    NeedlingEntry,
    SessionAdverseEvent,
    SessionStatus,
    TreatmentSession,
)
from taut.clinics.models import Clinic, Location
from taut.consent.models import Consent, ConsentDocument
from taut.outcomes import rollups
from taut.outcomes.models import TALLIES, CourseSummary, PatientSpan, SpanEdgeTally
from taut.patients.models import Patient
from taut.screening.models import Intake, ScreeningRecord

START = date(2026, 1, 5)


class History:
    """Writes signed sessions with their needling, measures and events for one clinic."""

    def __init__(self, clinic: Clinic, author: Any) -> None:
        self.clinic, self.author = clinic, author
        product = NeedleProduct.objects.create(
            clinic=clinic, brand="Seirin J", gauge_mm="0.30", length_mm=50
        )
        self.lot = NeedleLot.objects.create(
            clinic=clinic,
            product=product,
            lot_number=f"L-{clinic.slug}",
            expires_on=date(2030, 1, 1),
            received_on=date(2025, 1, 1),
        )
        self.records: dict[int, tuple[ScreeningRecord, Consent]] = {}
        self.document = ConsentDocument.objects.filter(clinic=clinic).first()

    def _ready(self, patient: Patient) -> tuple[ScreeningRecord, Consent]:
        if patient.pk not in self.records:
            now = datetime(2025, 12, 1, tzinfo=UTC)
            intake = Intake.objects.create(
                clinic=self.clinic,
                patient=patient,
                version=1,
                facts={},
                previous_needling="never",
                channel="desk",
                submitted_by=self.author,
                submitted_at=now,
            )
            screening = ScreeningRecord.objects.create(
                clinic=self.clinic,
                patient=patient,
                intake=intake,
                as_of=now.date(),
                findings=[],
                blocked=False,
                performed_by=self.author,
                performed_at=now,
            )
            consent = Consent.objects.create(
                clinic=self.clinic,
                patient=patient,
                document=self._document(),
                signed_name=patient.full_name,
                signature_svg="<svg/>",
                signed_at=now,
                channel="tablet",
                taken_by=self.author,
                pdf=b"%PDF-1.4",
                pdf_sha256="0" * 64,
            )
            self.records[patient.pk] = (screening, consent)
        return self.records[patient.pk]

    def _document(self) -> ConsentDocument:
        if self.document is None:
            from tests.conftest import publish_consent_document

            self.document = publish_consent_document(self.clinic, self.author)
        return self.document

    def session(
        self,
        patient: Patient,
        day: date,
        *,
        clinician: Any,
        location: Location | None = None,
        condition: str | None = None,
        nprs: float | None = None,
        measures: tuple[tuple[Any, ...], ...] = (),  # (instrument, timing, score[, site])
        needled: tuple[tuple[str, str], ...] = (("upper_trapezius", "deep"),),
        events: tuple[tuple[str, str], ...] = (),
        signed: bool = True,
    ) -> TreatmentSession:
        screening, consent = self._ready(patient)
        started = datetime.combine(day, time(16, 0), tzinfo=UTC)
        earlier = TreatmentSession.objects.filter(patient=patient).exists()
        session = TreatmentSession.objects.create(
            clinic=self.clinic,
            patient=patient,
            clinician=clinician,
            screening=screening,
            consent=consent,
            location=location,
            condition=condition,
            started_at=started,
            date_of_service=day,
            first_session=not earlier,
            plan="Weekly dry needling with home exercise.",
            assessment="Trigger points as charted.",
        )
        rows = list(measures)
        if nprs is not None:
            rows.insert(0, ("nprs", "before", nprs))
        for index, (instrument, timing, score, *site) in enumerate(rows):
            Measure.objects.create(
                clinic=self.clinic,
                session=session,
                instrument=instrument,
                timing=timing,
                score=Decimal(str(score)),
                unit="points",
                site=site[0] if site else "",
                recorded_at=started + timedelta(minutes=index),
            )
        for muscle, technique in needled:
            NeedlingEntry.objects.create(
                clinic=self.clinic,
                session=session,
                muscle=muscle,
                side="r",
                technique=technique,
                lot=self.lot,
                needles_in=2,
                needles_out=2,
            )
        for event, severity in events:
            SessionAdverseEvent.objects.create(
                clinic=self.clinic,
                session=session,
                event=event,
                severity=severity,
                action_taken="Pressure applied.",
                recorded_by=clinician,
                recorded_at=started,
            )
        if signed:
            TreatmentSession.objects.filter(pk=session.pk).update(
                status=SessionStatus.SIGNED, signed_at=started, signed_by=clinician
            )
            session.refresh_from_db()
            rollups.session_signed(session)  # what charting's session_sign does
        return session


def week(n: int) -> date:
    return START + timedelta(days=7 * n)


def rollup_snapshot(clinic_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every roll-up row of the clinic, without ids, in a stable order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in (*TALLIES, CourseSummary, PatientSpan, SpanEdgeTally):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows = model.objects.for_clinic(clinic_id).values_list(*fields)
        tables[model.__name__] = sorted(tuple(map(str, row)) for row in rows)
    return tables
