"""Queue messages in the caller's transaction; deliver them after commit.

Delivery claims a row with a lease (`claimed_until`, core.leases), so two workers never send
the same message at the same time and a killed worker's message is picked up when its lease
ends.
The state is committed before the gateway call (`sending`, with the idempotency key) and
after it (`sent`). A row still `sending` when its lease runs out was cut off during the
call: an idempotent sender gets it again under the same key (the gateway drops the
repeat); any other sender does not, and the row waits as `uncertain` for a person.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minxin.core import clock
from minxin.core.leases import LeasedOutbox
from minxin.notify.models import (
    SECRET_MASK,
    EmailMessage,
    InboxMessage,
    MessageTemplate,
    SmsMessage,
    Status,
)
from minxin.notify.senders import get_sender, send_email, sender_is_idempotent
from minxin.notify.templates_default import DEFAULT_TEMPLATES

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 8
Outbox = type[SmsMessage] | type[EmailMessage]
INBOX_TEXT_MAX = InboxMessage._meta.get_field("text").max_length or 500
CHANNELS: dict[str, Outbox] = {"sms": SmsMessage, "email": EmailMessage}
OUTBOXES = {channel: LeasedOutbox(model, lease=LEASE) for channel, model in CHANNELS.items()}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def template_text(event: str) -> str:
    template = MessageTemplate.objects.filter(event=event).values_list("text", flat=True).first()
    return template or DEFAULT_TEMPLATES.get(event, "{note}")


def render(event: str, *, template: str | None = None, **context: object) -> str:
    """The event's message; pass `template` when rendering many (one lookup, not one each)."""
    return (template or template_text(event)).format_map(_Blank(context))


def quiet_until(now: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in, or None outside them."""
    start, end = (dt.time.fromisoformat(t) for t in settings.QUIET_HOURS.split("-"))
    local = timezone.localtime(now)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1) if t >= start and start > end else local.date()
    return timezone.make_aware(dt.datetime.combine(day, end), local.tzinfo)


def sms_queue(
    *,
    phone: str,
    text: str,
    purpose: str,
    key: str | None = None,
    event: str = "",
    ticket_id: int | None = None,
    urgent: bool = False,
    secret: str = "",
) -> SmsMessage:
    """Queue a text. A `secret` (a verification code) is kept apart, encrypted, until it is
    delivered; `text` holds SECRET_MASK where it goes, so no readable code is ever stored."""
    if secret and SECRET_MASK not in text:
        raise ValueError("a message with a secret must mark its place with SECRET_MASK")
    # A verification code is wanted now; other citizen messages wait for morning.
    not_before = None if urgent or purpose == "verify" else quiet_until(clock.now())
    message, created = SmsMessage.objects.get_or_create(
        idempotency_key=key or uuid.uuid4().hex,
        defaults={
            "phone": phone,
            "text": text,
            "secret": secret,
            "purpose": purpose,
            "event": event,
            "ticket_id": ticket_id,
            "urgent": urgent,
            "next_attempt_at": not_before,
        },
    )
    if created and not_before is None:
        transaction.on_commit(lambda: schedule_delivery("sms", message.pk))
    return message


def email_queue(
    *, to: str, subject: str, body: str, key: str, event: str = "", ticket_id: int | None = None
) -> EmailMessage:
    message, created = EmailMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "to": to,
            "subject": subject,
            "body": body,
            "event": event,
            "ticket_id": ticket_id,
        },
    )
    if created:
        transaction.on_commit(lambda: schedule_delivery("email", message.pk))
    return message


def inbox_post(
    *,
    key: str,
    event: str,
    text: str,
    unit_id: int | None = None,
    user_id: int | None = None,
    ticket_id: int | None = None,
) -> None:
    """Post to a workbench inbox, once per key."""
    InboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "unit_id": unit_id,
            "user_id": user_id,
            "ticket_id": ticket_id,
            "event": event,
            "text": inbox_text(text),
            "created_at": clock.now(),
        },
    )


def inbox_post_many(messages: list[InboxMessage]) -> None:
    """`inbox_post` for many unsaved messages at once: each key is posted once."""
    for message in messages:
        message.text = inbox_text(message.text)
    InboxMessage.objects.bulk_create(messages, ignore_conflicts=True)


def inbox_text(text: str) -> str:
    """A text past the message's length (a long note quoted in it) is cut with an ellipsis:
    the inbox points to the record, which holds it whole."""
    return text[: INBOX_TEXT_MAX - 1] + "…" if len(text) > INBOX_TEXT_MAX else text


def email_queue_many(messages: list[EmailMessage]) -> None:
    """`email_queue` for many unsaved messages at once: each key is queued once, and what
    this call queued is handed to the workers after commit."""
    keys = [m.idempotency_key for m in messages]
    if not keys:
        return
    known = set(
        EmailMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    fresh = [m for m in messages if m.idempotency_key not in known]
    if not fresh:
        return
    EmailMessage.objects.bulk_create(fresh, ignore_conflicts=True)
    queued = EmailMessage.objects.filter(idempotency_key__in=[m.idempotency_key for m in fresh])
    ids = list(queued.values_list("pk", flat=True))

    def deliver() -> None:
        for pk in ids:
            schedule_delivery("email", pk)

    transaction.on_commit(deliver)


def schedule_delivery(channel: str, message_id: int) -> None:
    """Hand the message to a worker; if the queue is down, the periodic sweep finds it."""
    from minxin.notify import tasks

    try:
        tasks.deliver_message(channel, message_id)
    except Exception:  # noqa: BLE001 - the row is safe in the outbox either way
        logger.exception("could not enqueue %s message %s", channel, message_id)


def claim(channel: str, message_id: int) -> dt.datetime | None:
    """Take the message for one lease; None if it is not due or someone else holds it.
    A `sending` row whose lease ran out is taken too: its worker died during the call."""
    return OUTBOXES[channel].claim(message_id)


def deliver(channel: str, message_id: int) -> bool:
    lease = claim(channel, message_id)
    return False if lease is None else _deliver_claimed(channel, message_id, lease)


def _deliver_claimed(channel: str, message_id: int, lease: dt.datetime) -> bool:
    outbox = OUTBOXES[channel]
    message = CHANNELS[channel].objects.get(pk=message_id)
    if message.status == Status.SENDING and not _may_repeat(channel):
        _set_aside(outbox, message, lease)
        return False
    held = outbox.start(message_id, lease, sending_at=clock.now())
    if held is None:
        return False
    try:
        _send(channel, message)
    except Exception as exc:  # noqa: BLE001 - any gateway failure means "try again later"
        _failed(outbox, message, held, exc)
        return False
    done = {"secret": ""} if channel == "sms" else {}
    outbox.succeed(message_id, held, sent_at=clock.now(), error="", **done)
    return True


def _may_repeat(channel: str) -> bool:
    """Email repeats fold on the Message-ID; SMS repeats only if the gateway drops them."""
    return channel == "email" or sender_is_idempotent()


def _set_aside(
    outbox: LeasedOutbox, message: SmsMessage | EmailMessage, lease: dt.datetime
) -> None:
    logger.error(
        "%s %s: the worker died during the gateway call and the sender cannot drop "
        "a repeat; not re-sent, marked uncertain",
        type(message).__name__,
        message.pk,
    )
    outbox.held(message.pk, lease).update(
        status=Status.UNCERTAIN,
        claimed_until=None,
        error="发送过程中断，网关不支持去重，未重发，请人工核实",
    )


def _send(channel: str, message: SmsMessage | EmailMessage) -> None:
    if isinstance(message, SmsMessage):
        text = (
            message.text.replace(SECRET_MASK, message.secret, 1) if message.secret else message.text
        )
        get_sender().send(phone=message.phone, text=text, key=message.idempotency_key)
    else:
        send_email(
            to=message.to, subject=message.subject, body=message.body, key=message.idempotency_key
        )


def _failed(
    outbox: LeasedOutbox, message: SmsMessage | EmailMessage, lease: dt.datetime, exc: Exception
) -> None:
    attempts = message.attempts + 1
    logger.warning(
        "%s %s not delivered (attempt %s): %s", type(message).__name__, message.pk, attempts, exc
    )
    final = attempts >= MAX_ATTEMPTS
    outbox.fail(
        message.pk,
        lease,
        attempts=attempts,
        max_attempts=MAX_ATTEMPTS,
        error=exc,
        # A code that will never be sent is not kept.
        **({"secret": ""} if final and isinstance(message, SmsMessage) else {}),
    )


def deliver_due(limit: int = 500) -> int:
    """Deliver everything due: retries, quiet-hour holds, and messages whose worker died."""
    sent = 0
    for channel, outbox in OUTBOXES.items():
        lease, due = outbox.claim_due(limit=limit)
        sent += sum(_deliver_claimed(channel, pk, lease) for pk in due)
    return sent
