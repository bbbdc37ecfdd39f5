"""Witness the timeline events written before the chain existed, in the order they happened."""

from django.db import migrations


def chain_existing(apps, schema_editor):
    from minxin.audit.chain import canonical_json, entry_hash, timeline_payload
    from minxin.audit.models import GENESIS_HASH

    TimelineEvent = apps.get_model("tickets", "TimelineEvent")
    ChainEntry = apps.get_model("audit", "ChainEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    if ChainEntry.objects.exists():
        return
    seq, prev, batch = 0, GENESIS_HASH, []
    for event in TimelineEvent.objects.order_by("at", "id").iterator(chunk_size=1000):
        seq += 1
        ref, payload = f"timeline:{event.pk}", canonical_json(timeline_payload(event))
        digest = entry_hash(prev_hash=prev, seq=seq, kind="timeline", ref=ref, at=event.at,
                            payload=payload)
        batch.append(ChainEntry(seq=seq, kind="timeline", ref=ref, at=event.at,
                                payload=payload, prev_hash=prev, hash=digest))
        prev = digest
        if len(batch) >= 1000:
            ChainEntry.objects.bulk_create(batch)
            batch = []
    ChainEntry.objects.bulk_create(batch)
    if seq:
        ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("tickets", "0004_encrypt_personal_data"),
    ]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=True),
    ]
