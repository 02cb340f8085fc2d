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
    CLINICAL_VIEW = "clinical.view", "See clinical records"
    CLINICAL_EDIT = "clinical.edit", "Write clinical records"
    AUDIT_VIEW = "audit.view", "Browse the audit log"
    CLINIC_MANAGE = "clinic.manage", "Manage the clinic, its locations and staff"


_ALL = frozenset(Role)

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.PATIENT_VIEW: _ALL,
    Permission.PATIENT_EDIT: _ALL,
    Permission.PATIENT_ARCHIVE: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.CLINICAL_VIEW: frozenset({Role.OWNER, Role.CLINICIAN}),
    Permission.CLINICAL_EDIT: frozenset({Role.CLINICIAN}),
    Permission.AUDIT_VIEW: frozenset({Role.OWNER}),
    Permission.CLINIC_MANAGE: frozenset({Role.OWNER}),
}


def role_may(role: str, permission: Permission) -> bool:
    return role in GRANTS[permission]
