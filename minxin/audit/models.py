"""The tamper-evident trail (区块链存证): an append-only hash chain and signed checkpoints.

Each entry's hash is SM3(previous hash || the entry's canonical form), so changing,
removing or inserting any entry breaks every link after it. Checkpoints sign the head of
the chain with SM2; an outside party holding exported checkpoints can tell if the chain
was rewritten, even by someone with full write access to the database.
"""

from __future__ import annotations

from django.db import models

GENESIS_HASH = "0" * 64


class ChainHead(models.Model):
    """One row: the last linked entry's number and hash. Whoever links holds its lock;
    nobody waits for it (see `PendingEntry`)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "存证链头"
        verbose_name_plural = "存证链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class ChainEntry(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    kind = models.CharField("类型", max_length=20)
    ref = models.CharField("对象", max_length=80, db_index=True)
    at = models.DateTimeField("时间")
    # Canonical JSON (sorted keys, no spaces): hashed as stored, so it is kept as text.
    payload = models.TextField("内容")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "存证记录"
        verbose_name_plural = "存证记录"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.ref}"


class PendingEntry(models.Model):
    """An entry written by a request's transaction, not yet linked into the chain.

    Transactions never wait for the chain's head: each writes its entries here, in its own
    transaction, and links them (with every other committed pending entry, in id order)
    only if the head is free at that moment. Otherwise whoever next holds the head links
    them: another transaction, the worker every minute, a checkpoint or `audit verify`.
    Ids grow with time, so entries of one request, whose steps follow one another under
    its row lock, are linked in the order they were written."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20)
    ref = models.CharField(max_length=80)
    at = models.DateTimeField()
    payload = models.TextField()

    class Meta:
        verbose_name = "待链接存证记录"
        verbose_name_plural = "待链接存证记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"pending {self.kind} {self.ref}"


class Checkpoint(models.Model):
    """The chain's head at one moment, signed with SM2 (SM3 digest, user id 1234567812345678)."""

    seq = models.PositiveBigIntegerField("序号")
    hash = models.CharField(max_length=64)
    at = models.DateTimeField("时间")
    public_key = models.CharField(max_length=130)
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = "签名检查点"
        verbose_name_plural = "签名检查点"
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} {self.hash[:12]}"
