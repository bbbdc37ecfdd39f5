"""What a request's notifications became: the one presenter behind the request page's
delivery panel and the staff API's `notifications`. Only the delivery fields are read: the
recipient's phone or address is never loaded to show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minxin.notify.models import EmailMessage, SmsMessage, Status

MAX_ROWS = 50  # per channel: a request that caused more shows its first ones
CHANNEL_LABELS = {"sms": "短信", "email": "邮件"}
EVENT_LABELS = {
    "accepted": "受理",
    "rejected": "不予受理",
    "pending_info": "补充材料",
    "dispatched": "派遣",
    "sign_overdue": "签收超时",
    "warning": "即将超期",
    "overdue": "已超期",
    "published": "答复",
    "supervision": "督办",
    "merged": "并案",
    "callback": "回访",
    "accept_overdue": "受理超时",
    "dispatch_overdue": "派遣超时",
    "emergency": "紧急诉求",
}
STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True)
class Delivery:
    channel: str  # "sms" | "email"
    event: str
    status: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event, self.event or "—")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def ticket_deliveries(ticket_id: int, limit: int = MAX_ROWS) -> list[Delivery]:
    """Every SMS and email the request caused (at most `limit` of each), oldest first."""
    rows = []
    for channel, model in (("sms", SmsMessage), ("email", EmailMessage)):
        fields = model.objects.filter(ticket_id=ticket_id).order_by("id")
        for values in fields.values_list("event", "status", "attempts", "created_at", "sent_at")[
            :limit
        ]:
            rows.append(Delivery(channel, *values))
    return sorted(rows, key=lambda d: d.created_at)
