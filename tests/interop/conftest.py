"""The seeded demo clinic: signed sessions with entries, measures and adverse events, intakes
and consents — every kind of record the FHIR export maps."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from taut.clinics.models import Clinic
from taut.demo.seed import DEMO_SLUG, seed_demo


def validate(resource: dict[str, Any]) -> dict[str, Any]:
    """Parse with fhir.resources (R4B) and return what the validator serialises back."""
    model = get_fhir_model_class(resource["resourceType"])
    parsed = model.model_validate(resource)
    return parsed.model_dump(mode="json", by_alias=True, exclude_none=True)


@pytest.fixture
def demo(db: None) -> Clinic:
    seed_demo(password="x-demo-password")
    return Clinic.objects.get(slug=DEMO_SLUG)


PATIENTS_CSV = (
    "First name,Surname,DOB,Gender,Mobile,Email\n"
    "Grace,Hopper,1906-12-09,F,(303) 555-0199,grace@example.com\n"
    "Alan,Turing,1912-06-23,M,,alan@example.com\n"
)


def export_job_for(clinic: Clinic, owner: Any, *, run: bool = False) -> Any:
    """An export of the clinic: queued, or (run=True) finished with its files under VAR_DIR."""
    from taut.clinics.models import Membership
    from taut.interop.fhir.bulk import export_request, export_run

    membership = Membership.objects.get(clinic=clinic, user=owner)
    job = export_request(
        request=None,
        membership=membership,
        request_url="http://testserver/fhir/r4/$export",
        types=[],
    )
    return export_run(job) if run else job


def import_batch_for(clinic: Clinic, user: Any, content: str = PATIENTS_CSV) -> Any:
    from taut.clinics.models import Membership
    from taut.interop.services import import_upload

    membership = Membership.objects.get(clinic=clinic, user=user)
    return import_upload(
        request=None,
        membership=membership,
        kind="csv",
        filename="patients.csv",
        raw=content.encode(),
    )


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Any) -> None:
    """Exports and backups go to the test's own directory."""
    settings.VAR_DIR = tmp_path / "var"
