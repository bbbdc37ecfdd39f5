"""Shapes of what the API takes and returns."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PhoneIn(Schema):
    phone: str = Field(..., max_length=20)


class VerifyIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=10)


class SentOut(Schema):
    sent: bool
    expires_in: int


class CitizenTokenOut(Schema):
    citizen_token: str
    expires_in: int


class SubmitIn(Schema):
    request_type: str = Field(..., max_length=20, description="complaint, consultation, ...")
    title: str = Field(..., max_length=100)
    content: str = Field(..., max_length=5000)
    category_id: int | None = None
    district_id: int | None = None
    address: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    channel: str = Field("api", max_length=10)
    anonymous: bool = True
    name: str = Field("", max_length=50, description="real name, for real-name submission")


class SubmittedOut(Schema):
    tracking_code: str
    display_code: str
    query_password: str | None = None
    status: str
    status_label: str
    due_at: dt.datetime | None
    deadline_text: str


class EventOut(Schema):
    """A step as staff read it."""

    at: dt.datetime
    action: str
    action_label: str
    unit: str | None = None
    actor: str
    from_status: str
    to_status: str
    to_status_label: str
    note: str = Field(..., description="internal record: never shown to the citizen")
    public_note: str = Field("", description="text written for the citizen (告知诉求人)")
    citizen_text: str | None = Field(
        None, description="what the citizen's timeline shows of this step; null if internal"
    )


class CitizenEventOut(Schema):
    """A step as the citizen reads it: a fixed wording per action, plus only text written
    for the citizen (docs/citizen-view.md)."""

    at: dt.datetime
    action: str
    text: str = Field(..., description="e.g. 已派遣至市住房和城乡建设局办理")
    public_note: str = Field("", description="the text staff addressed to the citizen, if any")
    unit: str | None = None
    actor: str
    to_status: str
    to_status_label: str


class ReplyOut(Schema):
    unit: str | None
    public_reply: str
    solved: bool
    published_at: dt.datetime | None


class PublicTicketOut(Schema):
    tracking_code: str
    display_code: str
    request_type: str
    title: str
    content: str
    status: str
    status_label: str
    category: str | None
    created_at: dt.datetime
    due_at: dt.datetime | None
    deadline_text: str
    can_rate: bool
    satisfaction: str | None
    reply: ReplyOut | None
    merged_into: str | None = None
    timeline: list[CitizenEventOut]


class RatingIn(Schema):
    satisfaction: str = Field(..., description="satisfied | basic | unsatisfied")
    comment: str = Field("", max_length=500)
    password: str | None = Field(None, max_length=20)


class SupplementIn(Schema):
    note: str = Field(..., max_length=5000)
    password: str | None = Field(None, max_length=20)


class LoginIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=200)
    totp: str | None = Field(
        None,
        max_length=10,
        description="the 6-digit TOTP code; required for accounts with a device",
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    username: str
    role: str
    unit: str | None


class VersionIn(Schema):
    expected_version: int | None = None


# Every note staff write is internal unless its description says the citizen will read it
# (docs/citizen-view.md).
INTERNAL = "内部意见，仅工作人员可见，诉求人看不到"
TOLD_TO_CITIZEN = "（将告知诉求人）"


class NoteIn(VersionIn):
    note: str = Field("", max_length=1000, description=INTERNAL)


class ReasonIn(VersionIn):
    reason: str = Field(..., max_length=1000, description=INTERNAL)


class RejectIn(VersionIn):
    reason: str = Field(..., max_length=1000, description=f"不予受理理由{TOLD_TO_CITIZEN}")


class RequestInfoIn(VersionIn):
    note: str = Field("", max_length=1000, description=f"需要补充的材料{TOLD_TO_CITIZEN}")


class AcceptIn(NoteIn):
    category_id: int | None = None


class AnswerIn(VersionIn):
    public_reply: str = Field(..., max_length=5000, description=f"答复内容{TOLD_TO_CITIZEN}")


class DispatchIn(NoteIn):
    lead_unit_id: int
    co_unit_ids: list[int] = Field(default_factory=list, max_length=10)


class ReplyIn(VersionIn):
    facts: str = Field(..., max_length=5000, description=f"调查核实情况：{INTERNAL}")
    solved: bool = Field(..., description="是否已解决（诉求人看到已解决或未解决）")
    unsolved_reason: str = Field("", max_length=5000, description=f"未解决原因：{INTERNAL}")
    public_reply: str = Field(
        ..., max_length=5000, description=f"公开答复，审核通过后{TOLD_TO_CITIZEN}"
    )
    proceed_reason: str = Field(
        "",
        max_length=1000,
        description=(f"先行答复的理由（有协办单位尚未提交意见时必填）：{INTERNAL}"),
    )


class CoOpinionIn(Schema):
    note: str = Field(
        "", max_length=3000, description=(f"协办意见（本单位核查了什么、做了什么）：{INTERNAL}")
    )


class CoDecisionIn(Schema):
    unit_id: int
    keep: bool = Field(..., description="true：维持协办；false：撤销该单位的协办任务")
    note: str = Field("", max_length=1000, description=f"说明：{INTERNAL}")


class StaffRatingIn(Schema):
    satisfaction: str
    comment: str = Field("", max_length=500, description=f"回访记录：{INTERNAL}")


class ExtensionIn(Schema):
    days: int = Field(..., ge=1, le=60)
    reason: str = Field(..., max_length=1000, description=INTERNAL)


class MergeIn(Schema):
    into_id: int
    note: str = Field("", max_length=1000, description=INTERNAL)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=1000, description=INTERNAL)


class NamedOut(Schema):
    id: int
    name: str


class TypeOut(Schema):
    code: str
    name: str
    deadline_days: int


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None


class ExportedEventOut(Schema):
    """A step of an exported request, as the citizen's timeline shows it."""

    at: str = Field(..., description="ISO 8601")
    action: str
    text: str
    public_note: str
    unit: str | None
    actor: str
    to_status: str
    to_status_label: str


class ExportedRequestOut(Schema):
    tracking_code: str
    type: str
    title: str
    content: str
    category: str | None
    district: str | None
    address: str
    name: str
    phone: str
    latitude: str | None
    longitude: str | None
    channel: str
    status: str
    submitted_at: str
    closed_at: str | None
    satisfaction: str
    rating_comment: str
    reply: str | None
    photos: list[str]
    timeline: list[ExportedEventOut]


class ExportedMessageOut(Schema):
    at: str
    text: str
    status: str


class PersonalDataOut(Schema):
    """Everything the platform holds about a verified phone (个人信息查阅、复制)."""

    phone: str
    exported_at: str
    requests: list[ExportedRequestOut]
    messages: list[ExportedMessageOut]
