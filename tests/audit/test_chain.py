from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from taut.audit.chain import content_hash, seal_hash
from taut.audit.guards import install_guards, remove_guards
from taut.audit.models import Action, AuditChain, AuditEntry, AuditSeal, UnsealedEntry
from taut.audit.sealing import audit_seal_pending
from taut.audit.services import audit_record
from taut.audit.verification import audit_chain_verify
from tests.conftest import World

NO_GRACE = timedelta(0)


def _record(world: World, n: int = 3, clinic: object = None) -> list[AuditEntry]:
    return [
        audit_record(
            request=None,
            actor=world.clinician_a,
            clinic=clinic or world.clinic_a,
            action=Action.VIEW,
            object_type="patient",
            object_id=str(world.patient_a.public_id),
            detail={"n": i},
        )
        for i in range(n)
    ]


def _tamper(sql: str, params: list[object]) -> None:
    """What someone with write access to the database could do: lift the guards, change rows."""
    remove_guards(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    install_guards(connection)


def test_writing_an_entry_queues_it_for_the_sealer_without_touching_the_chain(
    world: World,
) -> None:
    entry = _record(world, 1)[0]
    assert len(entry.content_hash) == 64
    assert UnsealedEntry.objects.filter(entry=entry).exists()
    assert not AuditChain.objects.exists() and not AuditSeal.objects.exists()


def test_the_sealer_links_entries_in_the_order_they_were_written(world: World) -> None:
    first, second, third = _record(world)
    assert audit_seal_pending() == 3
    seals = list(AuditSeal.objects.order_by("sequence"))
    assert [s.entry_id for s in seals] == [first.pk, second.pk, third.pk]
    assert [s.sequence for s in seals] == [1, 2, 3]
    assert seals[1].hash == seal_hash(
        prev_hash=seals[0].hash, sequence=2, entry_id=second.pk, entry_hash=second.content_hash
    )
    assert not UnsealedEntry.objects.exists()
    head = AuditChain.objects.get()
    assert (head.key, head.length, head.last_hash) == (
        f"clinic:{world.clinic_a.pk}",
        3,
        seals[2].hash,
    )


def test_a_later_round_continues_the_chain(world: World) -> None:
    _record(world, 2)
    audit_seal_pending()
    later = _record(world, 1)[0]
    assert audit_seal_pending() == 1
    assert AuditSeal.objects.get(entry=later).sequence == 3
    assert audit_chain_verify(grace=NO_GRACE).ok


def test_the_sealer_works_in_batches(world: World) -> None:
    _record(world, 5)
    assert audit_seal_pending(batch=2) == 5
    assert audit_chain_verify(grace=NO_GRACE).ok


def test_each_clinic_has_its_own_chain(world: World) -> None:
    _record(world, 2)
    b = audit_record(
        request=None,
        actor=world.owner_b,
        clinic=world.clinic_b,
        action=Action.VIEW,
        object_type="patient",
        object_id="x",
    )
    audit_record(
        request=None,
        actor=None,
        clinic=None,
        action=Action.FAILED_LOGIN,
        object_type="user",
        object_id="",
    )
    audit_seal_pending()
    assert set(AuditChain.objects.values_list("key", flat=True)) == {
        f"clinic:{world.clinic_a.pk}",
        f"clinic:{world.clinic_b.pk}",
        "global",
    }
    assert AuditSeal.objects.get(entry=b).sequence == 1


def test_verify_passes_on_an_intact_log(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _record(world)
    call_command("audit", "seal")
    assert "Sealed 3 audit entries." in capsys.readouterr().out
    call_command("audit", "verify")
    assert "Audit log intact: 3 entries sealed in 1 chains." in capsys.readouterr().out


def test_verify_counts_new_entries_within_the_grace_period_as_waiting(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(world, 2)
    audit_seal_pending()
    _record(world, 1)
    result = audit_chain_verify(grace=timedelta(minutes=10))
    assert result.ok and result.awaiting_seal == 1 and result.entries_checked == 2
    call_command("audit", "verify")
    assert "1 newer entries await the sealer" in capsys.readouterr().out


def test_verify_names_every_entry_never_sealed_after_the_grace_period(world: World) -> None:
    _record(world, 1)
    audit_seal_pending()
    lost = _record(world, 3)
    UnsealedEntry.objects.all().delete()  # a queue that lost them: verify does not rely on it
    assert audit_seal_pending() == 0
    result = audit_chain_verify(grace=NO_GRACE)
    assert not result.ok and result.first_break is None
    assert result.never_sealed == tuple(e.pk for e in lost)
    with pytest.raises(CommandError, match="3 entries were never sealed") as refused:
        call_command("audit", "verify", "--grace-minutes", "0")
    assert f"{lost[0].pk}-{lost[2].pk}" in str(refused.value)


def test_the_model_refuses_changes_and_deletion(world: World) -> None:
    entry = _record(world, 1)[0]
    audit_seal_pending()
    seal = AuditSeal.objects.get(entry=entry)
    for row in (entry, seal):
        with pytest.raises(ValueError, match="append-only"):
            row.save()
        with pytest.raises(ValueError, match="append-only"):
            row.delete()


@pytest.mark.parametrize("model", [AuditEntry, AuditSeal])
def test_the_database_refuses_an_update_or_a_delete(world: World, model: type) -> None:
    _record(world, 1)
    audit_seal_pending()
    rows = model._default_manager.all()  # type: ignore[attr-defined]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if model is AuditEntry:
            rows.update(action="export")
        else:
            rows.update(hash="0" * 64)
    table = model._meta.db_table  # type: ignore[attr-defined]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")


def test_verify_names_a_removed_entry(world: World) -> None:
    entries = _record(world)
    audit_seal_pending()
    _tamper("DELETE FROM audit_auditseal WHERE entry_id = %s", [entries[1].pk])
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.entry_id == entries[2].pk
    assert "removed" in result.first_break.reason
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}"):
        call_command("audit", "verify")


def test_verify_names_an_altered_entry(world: World) -> None:
    entries = _record(world)
    audit_seal_pending()
    _tamper(
        "UPDATE audit_auditentry SET actor_label = 'someone_else' WHERE id = %s", [entries[1].pk]
    )
    result = audit_chain_verify()
    assert result.first_break is not None
    assert result.first_break.entry_id == entries[1].pk
    assert "altered" in result.first_break.reason


def test_verify_names_an_entry_rewritten_with_a_matching_hash(world: World) -> None:
    """Changing an entry and recomputing its content hash still breaks its seal's link."""
    entries = _record(world)
    audit_seal_pending()
    target = entries[1]
    forged = content_hash(
        clinic_id=target.clinic_id,
        actor_id=target.actor_id,
        actor_label="someone_else",
        action=target.action,
        object_type=target.object_type,
        object_id=target.object_id,
        at=target.at,
        ip_address=target.ip_address,
        detail=target.detail,
    )
    _tamper(
        "UPDATE audit_auditentry SET actor_label = 'someone_else', content_hash = %s WHERE id = %s",
        [forged, target.pk],
    )
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.entry_id == target.pk
    assert "does not link" in result.first_break.reason


def test_verify_names_an_entry_altered_before_it_was_sealed(world: World) -> None:
    entry = _record(world, 1)[0]
    _tamper("UPDATE audit_auditentry SET object_id = 'other' WHERE id = %s", [entry.pk])
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.sequence is None
    assert result.first_break.entry_id == entry.pk


def test_verify_notices_seals_cut_from_the_end(world: World) -> None:
    entries = _record(world)
    audit_seal_pending()
    _tamper("DELETE FROM audit_auditseal WHERE entry_id = %s", [entries[2].pk])
    result = audit_chain_verify(grace=NO_GRACE)
    assert result.first_break is not None and "should hold 3 seals" in result.first_break.reason
    assert result.never_sealed == (entries[2].pk,)


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_written_when_the_caller_has_no_transaction() -> None:
    """A sign-in records in autocommit mode: one INSERT, its queue row in the same statement."""
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
    assert UnsealedEntry.objects.filter(entry=entry).exists()
    audit_seal_pending()
    assert audit_chain_verify(grace=NO_GRACE).ok
