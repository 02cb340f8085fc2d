"""The read replica against a real PostgreSQL hot standby (.ci/run starts one with
scripts/with-replica): marked pages read from the standby, their writes land on the primary,
and a person who has just written reads the primary until the standby has caught up."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import dj_database_url
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.patients.models import Patient
from tests.conftest import World, client_for

LIVE = os.environ.get("TAUT_REPLICA_TESTS") == "1" and bool(os.environ.get("DATABASE_REPLICA_URL"))

pytestmark = [
    pytest.mark.skipif(
        not LIVE,
        reason="needs a streaming replica: run under scripts/with-replica "
        "(sets DATABASE_REPLICA_URL and TAUT_REPLICA_TESTS=1), as .ci/run does",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def standby() -> Iterator[Any]:
    """The replica alias aimed at the standby's copy of the test database. (Django's test set-up
    makes the alias a mirror of the primary; the standby already holds the primary's test
    database, as streaming replication copies everything.)"""
    replica = connections["replica"]
    mirrored = replica.settings_dict
    url = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    replica.close()
    replica.settings_dict = {
        **connections["default"].settings_dict,
        **{key: url[key] for key in ("HOST", "PORT", "USER", "PASSWORD")},
    }
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,), "the replica alias does not reach a standby"
    yield replica
    replica.close()
    replica.settings_dict = mirrored


def caught_up(model: type, **lookup: Any) -> None:
    """Wait until the standby shows a row the primary has committed (well under a second)."""
    deadline = time.monotonic() + 10
    while not model._default_manager.using("replica").filter(**lookup).exists():  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the standby did not catch up in 10 s"
        time.sleep(0.05)


def test_a_write_on_the_primary_reads_back_on_the_standby(world: World, standby: Any) -> None:
    caught_up(Patient, pk=world.patient_a.pk)
    assert Patient.objects.using("replica").get(pk=world.patient_a.pk).family_name == "Lovelace"


def test_the_dashboard_reads_from_the_standby_and_audits_on_the_primary(
    world: World, standby: Any
) -> None:
    caught_up(Patient, pk=world.patient_a.pk)
    owner = client_for(world.owner_a)
    with CaptureQueriesContext(standby) as on_standby:
        assert owner.get(reverse("outcomes:dashboard")).status_code == 200
    assert len(on_standby.captured_queries) > 3
    assert not any("INSERT" in q["sql"] for q in on_standby.captured_queries)
    assert AuditEntry.objects.using("default").filter(object_type="outcomes_dashboard").exists()


def test_the_audit_log_reads_from_the_standby(world: World, standby: Any) -> None:
    client_for(world.clinician_a).get(reverse("patients:detail", args=[world.patient_a.public_id]))
    entry = AuditEntry.objects.filter(actor=world.clinician_a).latest("pk")
    caught_up(AuditEntry, pk=entry.pk)
    owner = client_for(world.owner_a)
    with CaptureQueriesContext(standby) as on_standby:
        page = owner.get(reverse("audit:log"))
    assert b"clinician_a" in page.content
    assert any("audit_auditentry" in q["sql"] for q in on_standby.captured_queries)


def test_who_just_wrote_reads_the_primary_until_the_window_passes(
    world: World, standby: Any, settings: Any
) -> None:
    owner = client_for(world.owner_a)
    created = owner.post(
        reverse("patients:create"),
        {
            "given_name": "Grace",
            "family_name": "Hopper",
            "date_of_birth": "1906-12-09",
            "sex": "female",
        },
    )
    assert created.status_code == 302 and "taut_wrote" in created.cookies
    with CaptureQueriesContext(standby) as on_standby:
        assert owner.get(reverse("outcomes:dashboard")).status_code == 200
    assert on_standby.captured_queries == []
    settings.TAUT_REPLICA_STALE_SECONDS = 0  # the window has passed
    time.sleep(1.1)
    with CaptureQueriesContext(standby) as on_standby:
        assert owner.get(reverse("outcomes:dashboard")).status_code == 200
    assert on_standby.captured_queries


def test_the_bulk_export_reads_the_clinic_from_the_standby(world: World, standby: Any) -> None:
    from taut.clinics.models import Membership
    from taut.interop.fhir.bulk import export_request, export_run
    from taut.interop.models import ExportJob, ExportStatus

    membership = Membership.objects.get(user=world.owner_a)
    job = export_request(
        request=None, membership=membership, request_url="https://x/fhir/$export", types=[]
    )
    caught_up(Patient, pk=world.patient_a.pk)
    with CaptureQueriesContext(standby) as on_standby:
        export_run(ExportJob.objects.get(pk=job.pk))
    assert any("patients_patient" in q["sql"] for q in on_standby.captured_queries)
    assert ExportJob.objects.using("default").get(pk=job.pk).status == ExportStatus.DONE
