"""Entries get a hash of their own content and seals chain them; the old chain is converted.

Before: each entry carried its chain, its place in it and a hash over the previous entry, written
under a lock on the chain's head by the request itself. After: an entry carries only the hash of
its own content, and a seal (written later by the sealer) gives it its place in the chain.

The conversion first checks every old chain exactly as the old `taut audit verify` did; a broken
chain stops the migration (converting it would vouch for what the old chain no longer vouches
for). Then each entry gets its content hash and a seal at its old place, chained anew, so the
converted log verifies as the old one did.
"""

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from taut.audit.chain import content_hash, seal_hash

BATCH = 2_000
OLD_TRIGGER_DOWN = {
    "sqlite": "DROP TRIGGER IF EXISTS audit_entry_append_only;",
    "postgresql": "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry; "
    "DROP FUNCTION IF EXISTS audit_entry_append_only();",
}


def drop_old_trigger(apps, schema_editor):
    sql = OLD_TRIGGER_DOWN.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def _old_hash(entry, prev_hash):
    """The hash of the previous release's chain, frozen here as it was."""
    payload = json.dumps(
        {
            "prev": prev_hash,
            "seq": entry.sequence,
            "clinic": entry.clinic_id,
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "type": entry.object_type,
            "id": entry.object_id,
            "at": entry.at.isoformat(timespec="microseconds"),
            "ip": entry.ip_address,
            "detail": entry.detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _old_problem(entry, prev_hash, expected):
    if entry.sequence != expected:
        return f"sequence {entry.sequence} where {expected} was expected (entry removed?)"
    if entry.prev_hash != prev_hash:
        return "does not link to the entry before it"
    if _old_hash(entry, prev_hash) != entry.hash:
        return "its contents do not match its hash (entry altered)"
    return ""


def _refuse(chain, entry_id, sequence, problem):
    raise RuntimeError(
        f"The audit chain {chain.key} is broken at entry {entry_id} (sequence {sequence}): "
        f"{problem}. The migration stops rather than seal a broken log anew. Keep a copy of "
        "this database, run `taut audit verify` with the previous release to see the break, "
        "and investigate before upgrading."
    )


def convert(apps, schema_editor):
    Chain = apps.get_model("audit", "AuditChain")
    Entry = apps.get_model("audit", "AuditEntry")
    Seal = apps.get_model("audit", "AuditSeal")
    sealed_at = timezone.now()
    for chain in Chain.objects.order_by("key"):
        old_prev, new_prev, expected = "", "", 1
        changed, seals = [], []
        for entry in Entry.objects.filter(chain=chain).order_by("sequence").iterator(BATCH):
            problem = _old_problem(entry, old_prev, expected)
            if problem:
                _refuse(chain, entry.pk, entry.sequence, problem)
            entry.content_hash = content_hash(
                clinic_id=entry.clinic_id,
                actor_id=entry.actor_id,
                actor_label=entry.actor_label,
                action=entry.action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                at=entry.at,
                ip_address=entry.ip_address,
                detail=entry.detail,
            )
            link = seal_hash(
                prev_hash=new_prev,
                sequence=entry.sequence,
                entry_id=entry.pk,
                entry_hash=entry.content_hash,
            )
            changed.append(entry)
            seals.append(
                Seal(
                    chain=chain,
                    sequence=entry.sequence,
                    entry_id=entry.pk,
                    hash=link,
                    sealed_at=sealed_at,
                )
            )
            old_prev, new_prev, expected = entry.hash, link, expected + 1
            if len(changed) >= BATCH:
                _write(Entry, Seal, changed, seals)
        _write(Entry, Seal, changed, seals)
        if chain.length != expected - 1 or chain.last_hash != old_prev:
            _refuse(chain, 0, expected, "entries missing at the end")
        chain.last_hash = new_prev
        chain.save(update_fields=["last_hash"])


def back_only_when_empty(apps, schema_editor):
    if apps.get_model("audit", "AuditEntry").objects.exists():
        raise RuntimeError("Sealed audit entries cannot be turned back into the old chain.")


def _write(Entry, Seal, changed, seals):
    Entry.objects.bulk_update(changed, ["content_hash"], batch_size=500)
    Seal.objects.bulk_create(seals, batch_size=500)
    changed.clear()
    seals.clear()


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.RunPython(drop_old_trigger, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField()),
                (
                    "chain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seals",
                        to="audit.auditchain",
                    ),
                ),
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.auditentry",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("chain", "sequence"), name="audit_seal_sequence"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="UnsealedEntry",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditentry",
                    ),
                ),
            ],
        ),
        migrations.RunPython(convert, back_only_when_empty),
    ]
