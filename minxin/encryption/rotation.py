"""Re-encrypting every encrypted field under the current key, and refreshing blind indexes.

Idempotent, so it is resumable: a row whose values are all under the current key id and
whose indexes match is skipped; each batch commits on its own, so after a crash the next
run carries on where the last one stopped. Values written before encryption was switched
on (plaintext) are encrypted by the same pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from minxin.encryption.crypto import decrypt, is_encrypted, key_id_of
from minxin.encryption.fields import BlindIndexField, EncryptedTextField
from minxin.encryption.keys import data_keys


@dataclass
class Progress:
    label: str
    scanned: int = 0
    stale: int = 0
    rewritten: int = 0


def encrypted_models() -> Iterator[
    tuple[type[models.Model], list[EncryptedTextField], list[BlindIndexField]]
]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            yield model, fields, indexes


def keys_rotate(*, batch_size: int = 500, commit: bool = False) -> list[Progress]:
    return [
        _rotate_model(model, fields, indexes, batch_size=batch_size, commit=commit)
        for model, fields, indexes in encrypted_models()
    ]


def _rotate_model(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    indexes: list[BlindIndexField],
    *,
    batch_size: int,
    commit: bool,
) -> Progress:
    progress = Progress(label=model._meta.label)
    # Cast to text so the values come back as stored, not decrypted.
    raw = {f"raw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    last: Any = None
    while True:
        rows = model._base_manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(
            rows.annotate(**raw).values("pk", *raw, *[i.attname for i in indexes])[:batch_size]
        )
        if not batch:
            return progress
        stale = [row["pk"] for row in batch if _is_stale(row, fields, indexes)]
        progress.scanned += len(batch)
        progress.stale += len(stale)
        if commit and stale:
            progress.rewritten += _rewrite(model, stale, fields, indexes)
        last = batch[-1]["pk"]


def _is_stale(row: dict, fields: list[EncryptedTextField], indexes: list[BlindIndexField]) -> bool:
    current = data_keys().current_id
    values = {f.name: row[f"raw_{f.attname}"] or "" for f in fields}
    if any(v and key_id_of(v) != current for v in values.values()):
        return True
    for index in indexes:
        stored = values.get(index.source, "")
        plain = decrypt(stored) if is_encrypted(stored) else stored
        if index.index_of(plain) != (row[index.attname] or ""):
            return True
    return False


def _rewrite(
    model: type[models.Model],
    pks: list[Any],
    fields: list[EncryptedTextField],
    indexes: list[BlindIndexField],
) -> int:
    with transaction.atomic():
        for obj in model._base_manager.select_for_update().filter(pk__in=pks):
            values = {f.attname: getattr(obj, f.attname) for f in fields}
            values |= {i.attname: i.index_of(getattr(obj, i.source)) for i in indexes}
            # update(), not save(): no signals, no auto_now; the field encrypts on the way in.
            model._base_manager.filter(pk=obj.pk).update(**values)
    return len(pks)
