"""What staff read of a request through the API, declared once: each schema resolves its
fields from the model rows, so an endpoint returns the `Ticket` and nothing builds the shape
by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from minxin.api.schemas import EventOut
from minxin.notify.deliveries import Delivery, ticket_deliveries
from minxin.supervision.models import OversightEvaluation, SupervisionOrder
from minxin.tickets import cohandling, selectors
from minxin.tickets.display import clock_colour, event_dict, mask_name, mask_phone
from minxin.tickets.models import Assignment, Extension, Reply, Status, Ticket
from minxin.tickets.workflow import allowed_actions


class TicketSummaryOut(Schema):
    id: int
    tracking_code: str
    display_code: str
    title: str
    request_type: str
    status: str
    status_label: str
    category: str | None
    lead_unit: str | None
    created_at: dt.datetime
    due_at: dt.datetime | None
    stage: str
    stage_due_at: dt.datetime | None
    version: int
    clock: str = Field("", description="green / yellow / red for the current stage's clock")

    @staticmethod
    def resolve_request_type(ticket: Ticket) -> str:
        return ticket.request_type.name

    @staticmethod
    def resolve_status_label(ticket: Ticket) -> str:
        return str(Status(ticket.status).label)

    @staticmethod
    def resolve_category(ticket: Ticket) -> str | None:
        return str(ticket.category) if ticket.category_id else None

    @staticmethod
    def resolve_lead_unit(ticket: Ticket) -> str | None:
        return ticket.lead_unit.name if ticket.lead_unit is not None else None

    @staticmethod
    def resolve_clock(ticket: Ticket) -> str:
        return clock_colour(ticket)


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    role: str
    active: bool

    @staticmethod
    def resolve_unit(part: Assignment) -> str:
        return part.unit.name


class CoPartOut(Schema):
    """A co-handling unit's part (协办) with its own clock and opinion. Internal: the
    opinion is for the lead and the centre, never shown to the citizen."""

    unit_id: int
    unit: str
    status: str = Field(..., description="pending | signed | done | returned | released")
    status_label: str
    active: bool
    due_at: dt.datetime | None
    signed_at: dt.datetime | None
    opinion: str
    opinion_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_unit(part: Assignment) -> str:
        return part.unit.name

    @staticmethod
    def resolve_status_label(part: Assignment) -> str:
        return str(part.get_status_display())


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    decision: str


class StaffReplyOut(Schema):
    """A unit's handling result as staff read it (the facts and reasons are internal)."""

    facts: str
    solved: bool
    unsolved_reason: str
    public_reply: str
    review: str
    review_note: str


class DeliveryOut(Schema):
    """Whether a notification the request caused went out; never its recipient."""

    channel: str = Field(..., description="sms | email")
    event: str
    status: str = Field(..., description="pending | sending | sent | failed")
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None


class SupervisionOut(Schema):
    id: int
    reason: str
    level: int
    state: str
    outcome: str


class EvaluationOut(Schema):
    timeliness: str
    quality: str
    attitude: str
    comment: str


class StaffTicketOut(TicketSummaryOut):
    content: str
    address: str
    district: str | None
    latitude: float | None
    longitude: float | None
    channel: str
    is_anonymous: bool
    submitter_name: str
    submitter_phone: str
    reopen_count: int
    satisfaction: str
    assignments: list[AssignmentOut]
    co_parts: list[CoPartOut]
    extensions: list[ExtensionOut]
    replies: list[StaffReplyOut]
    timeline: list[EventOut]
    actions: list[str] = Field(..., description="what the caller may do now")
    warn_level: int
    notifications: list[DeliveryOut]
    supervision: list[SupervisionOut]
    evaluations: list[EvaluationOut]

    @staticmethod
    def resolve_district(ticket: Ticket) -> str | None:
        return ticket.district.name if ticket.district is not None else None

    @staticmethod
    def resolve_latitude(ticket: Ticket) -> float | None:
        return float(ticket.latitude) if ticket.latitude is not None else None

    @staticmethod
    def resolve_longitude(ticket: Ticket) -> float | None:
        return float(ticket.longitude) if ticket.longitude is not None else None

    @staticmethod
    def resolve_submitter_name(ticket: Ticket) -> str:
        return mask_name(ticket.submitter_name)

    @staticmethod
    def resolve_submitter_phone(ticket: Ticket) -> str:
        return mask_phone(ticket.submitter_phone) if ticket.submitter_phone else ""

    @staticmethod
    def resolve_assignments(ticket: Ticket) -> list[Assignment]:
        return list(ticket.assignments.select_related("unit"))

    @staticmethod
    def resolve_co_parts(ticket: Ticket) -> list[Assignment]:
        return cohandling.co_parts(ticket)

    @staticmethod
    def resolve_extensions(ticket: Ticket) -> list[Extension]:
        return list(ticket.extensions.all())

    @staticmethod
    def resolve_replies(ticket: Ticket) -> list[Reply]:
        return list(ticket.replies.all())

    @staticmethod
    def resolve_timeline(ticket: Ticket) -> list[dict[str, Any]]:
        return [event_dict(e) for e in selectors.full_timeline(ticket)]

    @staticmethod
    def resolve_actions(ticket: Ticket, context: dict[str, Any]) -> list[str]:
        # What this caller may do now: the table the services enforce.
        return [str(a) for a in allowed_actions(context["request"].auth, ticket)]

    @staticmethod
    def resolve_notifications(ticket: Ticket) -> list[Delivery]:
        return ticket_deliveries(ticket.pk)

    @staticmethod
    def resolve_supervision(ticket: Ticket) -> list[SupervisionOrder]:
        return list(ticket.supervision_orders.all())

    @staticmethod
    def resolve_evaluations(ticket: Ticket) -> list[OversightEvaluation]:
        return list(ticket.oversight_evaluations.all())
