"""Migrations 0003-0004 turn the old request-side chain into content hashes and seals."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from taut.audit.models import AuditEntry, AuditSeal
from taut.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0002_append_only_trigger")]
AFTER = [("audit", "0004_drop_the_request_side_chain")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_apps() -> Iterator[Any]:
    yield _migrate(BEFORE)
    _migrate(AFTER)  # the database as the rest of the suite expects it


def _old_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The previous release's chain hash (written here independently of the migration's copy)."""
    payload = {
        "prev": prev_hash,
        "seq": fields["sequence"],
        "clinic": fields["clinic_id"],
        "actor": fields["actor_id"],
        "actor_label": fields["actor_label"],
        "action": fields["action"],
        "type": fields["object_type"],
        "id": fields["object_id"],
        "at": fields["at"].isoformat(timespec="microseconds"),
        "ip": fields["ip_address"],
        "detail": fields["detail"],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _old_chain(apps: Any, key: str, count: int) -> list[int]:
    """Entries as the previous release wrote them: chained by the request, under the head's lock."""
    chain = apps.get_model("audit", "AuditChain").objects.create(key=key)
    entries = apps.get_model("audit", "AuditEntry").objects
    prev, ids = "", []
    start = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    for n in range(1, count + 1):
        fields = {
            "sequence": n,
            "clinic_id": None,
            "actor_id": None,
            "actor_label": f"user{n}",
            "action": "failed_login",
            "object_type": "user",
            "object_id": "",
            "at": start + timedelta(minutes=n, microseconds=n),
            "ip_address": "203.0.113.7",
            "detail": {"username": f"user{n}", "tries": n},
        }
        digest = _old_hash(fields, prev)
        ids.append(entries.create(chain=chain, prev_hash=prev, hash=digest, **fields).pk)
        prev = digest
    chain.length, chain.last_hash = count, prev
    chain.save()
    return ids


def test_an_intact_old_chain_is_sealed_in_its_old_order_and_verifies(old_apps: Any) -> None:
    ids = _old_chain(old_apps, "global", 5)
    _migrate(AFTER)
    seals = list(AuditSeal.objects.order_by("sequence"))
    assert [s.entry_id for s in seals] == ids and [s.sequence for s in seals] == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.get(pk=ids[2]).detail == {"username": "user3", "tries": 3}
    result = audit_chain_verify(grace=timedelta(0))
    assert result.ok and result.entries_checked == 5


def test_a_converted_entry_altered_afterwards_is_still_caught(old_apps: Any) -> None:
    ids = _old_chain(old_apps, "global", 3)
    _migrate(AFTER)
    from taut.audit.guards import install_guards, remove_guards

    remove_guards(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s", [ids[0]])
    install_guards(connection)
    broken = audit_chain_verify().first_break
    assert broken is not None and broken.entry_id == ids[0]


def test_a_broken_old_chain_stops_the_migration_and_names_the_entry(old_apps: Any) -> None:
    ids = _old_chain(old_apps, "global", 3)
    with connection.cursor() as cursor:  # the old guard refused UPDATEs; a tamperer drops it
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s", [ids[1]])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    with pytest.raises(RuntimeError, match=rf"broken at entry {ids[1]} \(sequence 2\)"):
        _migrate(AFTER)
    # Nothing of the conversion is kept: the log stands as it was, for the investigation.
    entries = old_apps.get_model("audit", "AuditEntry").objects
    assert entries.get(pk=ids[1]).sequence == 2
    entries.all().delete()  # so that the fixture can bring the schema forward again
    old_apps.get_model("audit", "AuditChain").objects.all().delete()
