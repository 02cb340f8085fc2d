"""Appointments and care plans as the FHIR mapper's facts, gathered in bulk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from taut.clinical.knowledge import load_knowledge
from taut.interop.fhir import resources as fhir
from taut.scheduling.models import Appointment, AppointmentStatus, CarePlan, CarePlanStatus

APPOINTMENT_STATUS = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.ARRIVED: "arrived",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "noshow",
}
CARE_PLAN_STATUS = {
    CarePlanStatus.ACTIVE: "active",
    CarePlanStatus.COMPLETED: "completed",
    CarePlanStatus.DISCONTINUED: "revoked",
}


def appointment_facts(appointment: Appointment, *, patient_id: str) -> fhir.AppointmentFacts:
    return fhir.AppointmentFacts(
        id=str(appointment.public_id),
        patient_id=patient_id,
        practitioner_id=str(appointment.practitioner.public_id),
        location_id=str(appointment.location.public_id),
        start=appointment.starts_at,
        end=appointment.ends_at,
        status=APPOINTMENT_STATUS[AppointmentStatus(appointment.status)],
        type_name=appointment.appointment_type.name,
        minutes=int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
    )


def care_plan_facts(plan: CarePlan, *, patient_id: str) -> fhir.CarePlanFacts:
    knowledge = load_knowledge()
    return fhir.CarePlanFacts(
        id=str(plan.public_id),
        patient_id=patient_id,
        period_start=plan.starts_on,
        period_end=plan.ended_at.date() if plan.ended_at else None,
        status=CARE_PLAN_STATUS[CarePlanStatus(plan.status)],
        planned_sessions=plan.planned_sessions,
        frequency_per_week=plan.per_week,
        author_practitioner_id=str(plan.author.public_id),
        goals=plan.goal_lines,
        conditions=[knowledge.condition(c).name for c in plan.conditions],
    )


def appointment_resources(
    appointments: Any, *, patient_ids: dict[int, str]
) -> Iterator[fhir.Resource]:
    rows = appointments.select_related("practitioner", "location", "appointment_type")
    for appointment in rows.order_by("pk").iterator(chunk_size=2000):
        yield fhir.appointment_resource(
            appointment_facts(appointment, patient_id=patient_ids[appointment.patient_id])
        )


def care_plan_resources(plans: Any, *, patient_ids: dict[int, str]) -> Iterator[fhir.Resource]:
    for plan in plans.select_related("author").order_by("pk"):
        yield fhir.care_plan_resource(
            care_plan_facts(plan, patient_id=patient_ids[plan.patient_id])
        )
