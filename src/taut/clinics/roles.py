"""What each role may do. The one place a permission is granted."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Clinic owner"
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "front_desk", "Front desk"


class Permission(models.TextChoices):
    PATIENT_VIEW = "patient.view", "See patients' demographic records"
    PATIENT_EDIT = "patient.edit", "Register and edit patients"
    PATIENT_ARCHIVE = "patient.archive", "Archive patients"
    INTAKE_TAKE = "intake.take", "Take a patient's medical-history intake"
    CLINICAL_VIEW = "clinical.view", "See clinical records"
    CLINICAL_EDIT = "clinical.edit", "Write clinical records"
    AUDIT_VIEW = "audit.view", "Browse the audit log"
    CLINIC_MANAGE = "clinic.manage", "Manage the clinic, its locations and staff"
    CONSENT_MANAGE = "consent.manage", "Write and publish consent documents"
    CONSENT_TAKE = "consent.take", "Take a patient's signature on the clinic's tablet"
    NEEDLE_STOCK = "needles.stock", "Keep the needle stock (products and lots)"
    SCHEDULE_BOOK = "schedule.book", "Book, move and cancel appointments"
    SCHEDULE_SETUP = "schedule.setup", "Set appointment types, working hours and time off"
    DASHBOARD_VIEW = "dashboard.view", "See the clinic's outcomes and safety dashboard"
    EDUCATION_EDIT = "education.edit", "Edit the clinic's public education pages"
    DATA_EXPORT = "data.export", "Export the clinic's records (FHIR bulk export, backups)"
    DATA_IMPORT = "data.import", "Import patients from CSV or FHIR"
    API_ACCESS = "api.access", "Create personal API tokens"
    BILLING_VIEW = "billing.view", "See patients' balances, invoices and payments"
    BILLING_CHARGE = "billing.charge", "Invoice visits, record payments and refunds"
    BILLING_VOID = "billing.void", "Void invoices and reverse ledger entries"
    TAKINGS_VIEW = "takings.view", "See the clinic's takings"


_ALL = frozenset(Role)

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.PATIENT_VIEW: _ALL,
    Permission.PATIENT_EDIT: _ALL,
    Permission.PATIENT_ARCHIVE: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.INTAKE_TAKE: _ALL,
    Permission.CLINICAL_VIEW: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.CLINICAL_EDIT: frozenset({Role.CLINICIAN}),
    Permission.AUDIT_VIEW: frozenset({Role.OWNER}),
    Permission.CLINIC_MANAGE: frozenset({Role.OWNER}),
    Permission.CONSENT_MANAGE: frozenset({Role.OWNER}),
    Permission.CONSENT_TAKE: _ALL,
    Permission.NEEDLE_STOCK: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.SCHEDULE_BOOK: _ALL,
    Permission.SCHEDULE_SETUP: frozenset({Role.OWNER}),
    Permission.DASHBOARD_VIEW: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.EDUCATION_EDIT: frozenset({Role.OWNER}),
    Permission.DATA_EXPORT: frozenset({Role.OWNER}),
    Permission.DATA_IMPORT: frozenset({Role.OWNER, Role.FRONT_DESK}),
    # Tokens reach patient records outside the pages; the desk's work is all on the pages.
    Permission.API_ACCESS: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.BILLING_VIEW: _ALL,
    Permission.BILLING_CHARGE: frozenset({Role.OWNER, Role.FRONT_DESK}),
    # Undoing money is the owner's call; so is seeing what the clinic took.
    Permission.BILLING_VOID: frozenset({Role.OWNER}),
    Permission.TAKINGS_VIEW: frozenset({Role.OWNER}),
}


def role_may(role: str, permission: Permission) -> bool:
    return role in GRANTS[permission]
