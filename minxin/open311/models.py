"""Open311 GeoReport v2 clients (one key each) and what each of them filed.

A request filed through Open311 is an ordinary `tickets.Ticket` (channel 接口); the row here
says which client filed it, keeps what the client sent that the request has no field for
(contact details, attributes, media_url), and answers a retry of the same submission.
"""

from __future__ import annotations

from django.db import models

from minxin.encryption.fields import EncryptedTextField


class Client(models.Model):
    """An Open311 client application. Only a keyed hash of its key is stored."""

    name = models.CharField("名称", max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked = models.BooleanField("已吊销", default=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "Open311 客户端"
        verbose_name_plural = "Open311 客户端"

    def __str__(self) -> str:
        return self.name


class FiledRequest(models.Model):
    """One submission accepted from a client: the request it became and what came with it."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="requests")
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="open311"
    )
    # Handed back by POST requests, answered by GET tokens/{token}.
    token = models.CharField(max_length=40, unique=True)
    # A digest of the form (without api_key): the same submission again is a retry.
    fingerprint = models.CharField(max_length=64)
    # Every field the client sent except api_key, as JSON: name, phone, email, device_id,
    # account_id, attributes. Personal data, so encrypted like the request's own contact.
    payload = EncryptedTextField(blank=True)
    media_url = models.URLField("图片链接", max_length=500, blank=True)
    # The anonymous submitter's query password, kept (encrypted) so that a retry is answered
    # with the same password the first answer gave.
    query_password = EncryptedTextField(blank=True)
    created_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = "Open311 提交"
        verbose_name_plural = "Open311 提交"
        indexes = [models.Index(fields=["client", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.client} · {self.ticket_id}"
