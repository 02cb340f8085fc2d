"""A registered machine acting in its clinic: what `fhir_access` puts where a membership goes.

It has a clinic and permissions, like a `Membership`, but no user: access helpers that take a
`ClinicAccess` scope it to its clinic the same way. What it may read is its token's system scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from taut.api.models import BackendAccessToken, BackendClient
from taut.api.smart import Grants
from taut.clinics.models import Clinic
from taut.clinics.roles import Permission

# A machine reads and exports, within its scopes; everything else is a person's to do.
MACHINE_PERMISSIONS = frozenset(
    {Permission.PATIENT_VIEW, Permission.CLINICAL_VIEW, Permission.DATA_EXPORT}
)


@dataclass(frozen=True)
class BackendAccess:
    token: BackendAccessToken
    client: BackendClient
    grants: Grants

    @property
    def clinic(self) -> Clinic:
        return self.client.clinic

    @property
    def clinic_id(self) -> int:
        return self.client.clinic_id

    @property
    def user(self) -> None:
        return None

    def may(self, permission: Permission) -> bool:
        return self.client.is_active and permission in MACHINE_PERMISSIONS
