from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from taut.audit.models import Action, AuditEntry
from taut.audit.services import audit_record
from taut.audit.verification import audit_chain_verify
from tests.conftest import World


def _record(world: World, n: int = 3) -> list[AuditEntry]:
    return [
        audit_record(
            request=None,
            actor=world.clinician_a,
            clinic=world.clinic_a,
            action=Action.VIEW,
            object_type="patient",
            object_id=str(world.patient_a.public_id),
            detail={"n": i},
        )
        for i in range(n)
    ]


def test_entries_link_to_the_one_before(world: World) -> None:
    first, second, third = _record(world)
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]


def test_each_clinic_has_its_own_chain(world: World) -> None:
    a = _record(world, 1)[0]
    b = audit_record(
        request=None,
        actor=world.owner_b,
        clinic=world.clinic_b,
        action=Action.VIEW,
        object_type="patient",
        object_id="x",
    )
    assert a.chain_id != b.chain_id and b.sequence == 1


def test_verify_passes_on_an_intact_log(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _record(world)
    call_command("audit", "verify")
    assert "Audit log intact: 3 entries" in capsys.readouterr().out


def test_the_model_refuses_changes_and_deletion(world: World) -> None:
    entry = _record(world, 1)[0]
    entry.action = Action.EXPORT
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_the_database_refuses_an_update(world: World) -> None:
    entry = _record(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="export")


def test_verify_names_a_removed_entry(world: World) -> None:
    entries = _record(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_break is not None and result.first_break.entry_id == entries[2].pk
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}"):
        call_command("audit", "verify")


def test_verify_names_an_altered_entry(world: World) -> None:
    entries = _record(world)
    with connection.cursor() as cursor:  # a tamperer with database access drops the guard
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")
        cursor.execute(
            "UPDATE audit_auditentry SET actor_label = 'someone_else' WHERE id = %s",
            [entries[1].pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    result = audit_chain_verify()
    assert result.first_break is not None
    assert result.first_break.entry_id == entries[1].pk
    assert "altered" in result.first_break.reason


@pytest.mark.django_db(transaction=True)
def test_appending_an_entry_opens_its_own_transaction_when_the_caller_has_none() -> None:
    """The chain head is locked with SELECT ... FOR UPDATE, which PostgreSQL allows only inside a
    transaction: a caller in autocommit mode (a sign-in) must still be able to append."""
    from django.db import connection

    from taut.audit.models import Action, AuditEntry
    from taut.audit.services import audit_record

    assert connection.get_autocommit()
    entry = audit_record(
        request=None,
        actor=None,
        clinic=None,
        action=Action.FAILED_LOGIN,
        object_type="user",
        object_id="",
        detail={"username": "nobody\x00"},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.detail == {"username": "nobody\ufffd"}
