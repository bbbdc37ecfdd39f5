"""What the official account keeps: one conversation per follower (the dialogue's state, so
any app process can take the next message), the messages already answered (WeChat retries a
message it had no answer for within 5 seconds, three times), and the requests filed from it."""

from __future__ import annotations

from django.db import models

from minxin.encryption.fields import EncryptedTextField


class Conversation(models.Model):
    # The follower's openid, as a keyed hash: enough to find the conversation again.
    openid_index = models.CharField(max_length=64, unique=True)
    step = models.CharField(max_length=20, blank=True, default="")
    # The answers so far (JSON), encrypted: they hold what the citizen wrote.
    draft = EncryptedTextField(blank=True, default="")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "公众号会话"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"会话 {self.openid_index[:8]}"


class Message(models.Model):
    """A message answered, by MsgId (or sender and time, for events, which carry none)."""

    key = models.CharField(max_length=100, unique=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE)
    # The reply sent, replayed for WeChat's retries; it may hold a query password.
    reply = EncryptedTextField()
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class Filing(models.Model):
    """A request filed from this conversation, so the follower can check it without typing
    the query password (kept encrypted, checked through the normal tracking lookup)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="filings")
    tracking_code = models.CharField(max_length=32)
    password = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.tracking_code
