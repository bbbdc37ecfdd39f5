"""政策直通车: unit heads explain new policies in plain words; citizens ask, staff answer.

- A unit head (or the administrator) writes a policy for their unit or a unit below it. Every
  save is a new `PolicyVersion` (history kept, each one in the audit chain); the public reads
  the newest. A save names the version it was based on: if someone saved in between, it is a
  409 and nothing changes.
- Attachments are checked by content (`policy_files`) before anything is written, so one bad
  file refuses the whole save.
- A citizen's question waits for moderation; the unit's staff (handlers and heads) approve it
  with an answer or decline it. Only approved questions are shown.
- A public policy is in the one search (kind `policy`); unpublishing takes it out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from minxin.accounts.models import Role, User
from minxin.audit.services import chain_append
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.org.models import Unit
from minxin.publicinfo import redact, search
from minxin.publicinfo.guides import editable_units
from minxin.publicinfo.models import (
    Policy,
    PolicyAttachment,
    PolicyQuestion,
    PolicyVersion,
    SearchEntry,
)
from minxin.publicinfo.policy_files import MAX_ATTACHMENTS, Checked, check_attachment

QUESTION_CHARS = 500
ANSWER_CHARS = 2000
TEXT_FIELDS = ("title", "document", "summary", "body", "effective", "note")


def may_write(user: User) -> bool:
    """Unit heads and the administrator write policy explanations."""
    return user.is_active and (
        user.role == Role.ADMIN or (user.role == Role.UNIT_HEAD and user.unit_id is not None)
    )


def policies_for_staff(user: User) -> QuerySet[Policy]:
    """The policies of the units this user keeps public content for (their unit and below)."""
    return Policy.objects.filter(unit__in=editable_units(user)).select_related("unit", "current")


def policy_for_staff(*, user: User, policy_id: int) -> Policy:
    policy = policies_for_staff(user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("政策解读不存在或您无权查看", code="policy_not_found")
    return policy


def _require_writer(user: User, unit: Unit) -> None:
    if not may_write(user):
        raise PermissionDenied("只有单位负责人可以发布政策解读", code="not_unit_head")
    if not editable_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("只能发布本单位（及下级单位）的政策解读", code="not_your_unit")


def check_uploads(uploads: Sequence[tuple[str, bytes]], *, kept: int = 0) -> list[Checked]:
    if kept + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            f"每篇政策解读最多{MAX_ATTACHMENTS}个附件", code="too_many_attachments"
        )
    return [check_attachment(name=name, data=data) for name, data in uploads]


def policy_create(
    *,
    user: User,
    unit: Unit,
    data: dict[str, Any],
    uploads: Sequence[tuple[str, bytes]] = (),
    published: bool = True,
) -> Policy:
    _require_writer(user, unit)
    checked = check_uploads(uploads)
    now = clock.now()
    with transaction.atomic():
        policy = Policy.objects.create(
            unit=unit, published=published, created_by=user, created_at=now, updated_at=now
        )
        _new_version(policy, user=user, data=data, attachments=_store(policy, user, checked))
    return policy


def policy_edit(
    *,
    user: User,
    policy_id: int,
    data: dict[str, Any],
    expected_version: int | None,
    keep: Sequence[int] = (),
    uploads: Sequence[tuple[str, bytes]] = (),
    published: bool = True,
) -> Policy:
    """A new version from DATA; KEEP names the current version's attachments that stay."""
    policy_for_staff(user=user, policy_id=policy_id)  # 404 outside the user's units
    with transaction.atomic():
        policy = (
            Policy.objects.select_for_update(of=("self",)).select_related("unit").get(pk=policy_id)
        )
        _require_writer(user, policy.unit)
        current = policy.versions.order_by("-number").first()
        assert current is not None  # a policy is created with its first version
        if expected_version != current.number:
            raise Conflict(
                f"该政策解读已被他人修改（现为第{current.number}版），请刷新后再改",
                code="stale_version",
            )
        kept = list(current.attachments.filter(pk__in=list(keep)))
        checked = check_uploads(uploads, kept=len(kept))
        policy.published, policy.updated_at = published, clock.now()
        policy.save(update_fields=["published", "updated_at"])
        _new_version(policy, user=user, data=data, attachments=kept + _store(policy, user, checked))
    return policy


def _store(policy: Policy, user: User, checked: list[Checked]) -> list[PolicyAttachment]:
    stored = []
    for item in checked:
        attachment = PolicyAttachment(
            policy=policy,
            name=item.name,
            content_type=item.content_type,
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
            uploaded_by=user,
            uploaded_at=clock.now(),
        )
        extension = item.name.rsplit(".", 1)[-1].lower()
        attachment.file.save(
            f"{secrets.token_urlsafe(18)}.{extension}", ContentFile(item.data), save=False
        )
        attachment.save()
        stored.append(attachment)
    return stored


def _new_version(
    policy: Policy, *, user: User, data: dict[str, Any], attachments: list[PolicyAttachment]
) -> PolicyVersion:
    number = (policy.current.number if policy.current_id and policy.current else 0) + 1
    fields = {name: data.get(name) or "" for name in TEXT_FIELDS}
    fields["effective"] = data.get("effective") or None
    version = PolicyVersion.objects.create(
        policy=policy, number=number, edited_by=user, edited_at=clock.now(), **fields
    )
    version.attachments.set(attachments)
    policy.current = version
    policy.save(update_fields=["current"])
    chain_append(
        kind="policy_version",
        ref=f"policy:{policy.pk}:{number}",
        payload={
            "by": user.pk,
            "published": policy.published,
            "title": version.title,
            "body_sha256": hashlib.sha256(version.body.encode()).hexdigest(),
            "attachments": sorted(a.sha256 for a in attachments),
        },
    )
    reindex(policy)
    return version


def reindex(policy: Policy) -> None:
    version = policy.current
    if not policy.published or version is None:
        search.entry_remove(kind=SearchEntry.Kind.POLICY, ref_id=policy.pk)
        return
    search.entry_write(
        kind=SearchEntry.Kind.POLICY,
        ref_id=policy.pk,
        title=version.title,
        body="\n".join([version.summary, version.document, version.body]),
        url=f"/policies/{policy.pk}/",
        updated_at=policy.updated_at,
        unit_id=policy.unit_id,
    )


# ---- the public side ------------------------------------------------------------------------


def published_policies() -> QuerySet[Policy]:
    return Policy.objects.filter(published=True, current__isnull=False).select_related(
        "unit", "current"
    )


def policy_public(policy_id: int) -> Policy:
    policy = published_policies().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("政策解读不存在或已下线", code="policy_not_found")
    return policy


def public_attachment(*, policy_id: int, attachment_id: int) -> PolicyAttachment:
    """An attachment of the public version of a public policy; older versions' files are not
    served to the public."""
    policy = policy_public(policy_id)
    found = policy.current.attachments.filter(pk=attachment_id).first() if policy.current else None
    if found is None:
        raise NotFound("附件不存在", code="attachment_not_found")
    return found


def answered_questions(policy: Policy) -> list[PolicyQuestion]:
    """The approved questions as the public reads them: a name or a phone number a citizen
    left in the question is masked (`redact`), whatever the moderator noticed."""
    rows = list(
        policy.questions.filter(status=PolicyQuestion.Status.APPROVED).order_by(
            "-moderated_at", "-id"
        )
    )
    for row in rows:
        row.question = redact.redact(row.question)
    return rows


def question_ask(*, policy_id: int, question: str) -> PolicyQuestion:
    policy = policy_public(policy_id)
    text = question.strip()
    if not text:
        raise ValidationFailed("请填写您的问题", code="question_empty", field="question")
    if len(text) > QUESTION_CHARS:
        raise ValidationFailed(
            f"问题不能超过{QUESTION_CHARS}字", code="question_too_long", field="question"
        )
    return PolicyQuestion.objects.create(policy=policy, question=text, asked_at=clock.now())


def question_moderate(
    *, user: User, question_id: int, approve: bool, answer: str = ""
) -> PolicyQuestion:
    """Approve with an answer (then it is shown), or decline (never shown)."""
    with transaction.atomic():
        question = PolicyQuestion.objects.select_for_update().filter(pk=question_id).first()
        if question is None or not policies_for_staff(user).filter(pk=question.policy_id).exists():
            raise NotFound("问题不存在或您无权处理", code="question_not_found")
        if question.status != PolicyQuestion.Status.PENDING:
            raise Conflict("该问题已处理过", code="question_moderated")
        answer = answer.strip()
        if approve and not answer:
            raise ValidationFailed("公开前请填写答复", code="answer_empty", field="answer")
        if len(answer) > ANSWER_CHARS:
            raise ValidationFailed(f"答复不能超过{ANSWER_CHARS}字", field="answer")
        question.status = (
            PolicyQuestion.Status.APPROVED if approve else PolicyQuestion.Status.REJECTED
        )
        question.answer, question.moderated_by, question.moderated_at = answer, user, clock.now()
        question.save(update_fields=["status", "answer", "moderated_by", "moderated_at"])
    return question
