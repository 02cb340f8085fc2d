from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings

from taut.clinics.models import Membership
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused
from tests.conftest import World


@override_settings(TAUT_TRUSTED_PROXIES=[])
def test_a_staff_request_gives_the_actor_membership_clinic_and_address(world: World) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.user = world.clinician_a
    request.membership = Membership.objects.get(user=world.clinician_a)  # type: ignore[attr-defined]
    ctx = AuditContext.from_request(request)
    assert ctx.actor == world.clinician_a
    assert ctx.clinic == world.clinic_a
    assert ctx.client_address == "203.0.113.9"


def test_a_visitor_acts_as_nobody_in_no_clinic(db: None) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    request.user = AnonymousUser()
    ctx = AuditContext.from_request(request)
    assert ctx.actor is None and ctx.membership is None and ctx.clinic is None
    assert ctx.client_address == "198.51.100.4"


def test_the_system_has_no_actor_and_no_address() -> None:
    ctx = AuditContext.system()
    assert ctx.actor is None and ctx.client_address is None


def test_a_refusal_keeps_every_reason_and_the_fields_they_belong_to() -> None:
    refusal = Refused(["The room is taken.", "The clinician is away."], fields={"room": "taken"})
    assert refusal.reasons == ("The room is taken.", "The clinician is away.")
    assert refusal.message == "The room is taken. The clinician is away."
    assert refusal.fields == {"room": "taken"} and refusal.status == 409
    assert Refused("One reason.").reasons == ("One reason.",)
    assert Invalid("Bad date.").status == 422 and isinstance(Invalid("x"), Refused)


def test_an_audit_entry_written_with_a_context_names_its_actor_and_address(world: World) -> None:
    from taut.audit.models import Action, AuditEntry
    from taut.audit.services import audit_record

    ctx = AuditContext(actor=world.owner_a, client_address="192.0.2.7")
    entry = audit_record(
        ctx=ctx, clinic=world.clinic_a, action=Action.VIEW, object_type="patient", object_id="x"
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == world.owner_a and stored.ip_address == "192.0.2.7"
    assert stored.actor_label == world.owner_a.get_username()


def test_a_context_without_a_membership_is_refused_a_staff_read() -> None:
    with pytest.raises(PermissionDenied):
        _ = AuditContext.system().member


def test_a_context_with_a_membership_reads_under_it() -> None:
    membership = object()
    assert AuditContext(actor=None, membership=membership).member is membership
