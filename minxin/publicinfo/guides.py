"""办事指南 and 便民信息: kept by the units that do the work, read by everyone.

A unit's staff (handler, unit head) edit their own unit's guides and notices and those of the
units below it; the administrator edits all. Whatever is published enters the one search;
unpublishing takes it out. "这个指南有帮助吗" takes one answer per browser session.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet

from minxin.accounts.models import UNIT_ROLES, Role, User
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied
from minxin.org.models import Unit
from minxin.publicinfo import search
from minxin.publicinfo.models import Guide, GuideVote, Notice, SearchEntry

COMMENT_CHARS = 500


def may_edit_any(user: User) -> bool:
    """Whether this user keeps guides and notices at all (the staff pages' menu)."""
    return user.is_active and (
        user.role == Role.ADMIN or (user.role in UNIT_ROLES and user.unit_id is not None)
    )


def editable_units(user: User) -> QuerySet[Unit]:
    if not may_edit_any(user):
        return Unit.objects.none()
    if user.role == Role.ADMIN:
        return Unit.objects.filter(is_active=True)
    assert user.unit is not None
    return Unit.objects.filter(is_active=True, path__startswith=user.unit.path)


def guides_for_staff(user: User) -> QuerySet[Guide]:
    return Guide.objects.filter(unit__in=editable_units(user)).select_related("unit")


def notices_for_staff(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(unit__in=editable_units(user)).select_related("unit")


def _require_unit(user: User, unit: Unit | None) -> None:
    if unit is None or not editable_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("只能编辑本单位（及下级单位）的内容", code="not_your_unit")


def guide_save(*, user: User, guide: Guide) -> Guide:
    """Create or update a guide filled in by a form (validated there); index it."""
    _require_unit(user, guide.unit if guide.unit_id else None)
    if guide.pk and not guides_for_staff(user).filter(pk=guide.pk).exists():
        raise PermissionDenied("只能编辑本单位（及下级单位）的内容", code="not_your_unit")
    guide.updated_at, guide.updated_by = clock.now(), user
    with transaction.atomic():
        guide.save()
        _index(guide, published=guide.published)
    return guide


def notice_save(*, user: User, notice: Notice) -> Notice:
    _require_unit(user, notice.unit if notice.unit_id else None)
    if notice.pk and not notices_for_staff(user).filter(pk=notice.pk).exists():
        raise PermissionDenied("只能编辑本单位（及下级单位）的内容", code="not_your_unit")
    notice.updated_at, notice.updated_by = clock.now(), user
    with transaction.atomic():
        notice.save()
        _index(notice, published=notice.published)
    return notice


def reindex(item: Guide | Notice) -> None:
    _index(item, published=item.published)


def _index(item: Guide | Notice, *, published: bool) -> None:
    kind = SearchEntry.Kind.GUIDE if isinstance(item, Guide) else SearchEntry.Kind.NOTICE
    if not published:
        search.entry_remove(kind=kind, ref_id=item.pk)
        return
    search.entry_write(
        kind=kind,
        ref_id=item.pk,
        title=item.title,
        body=_body(item),
        url=f"/{'guides' if kind == SearchEntry.Kind.GUIDE else 'notices'}/{item.pk}/",
        updated_at=item.updated_at,
        unit_id=item.unit_id,
        district_id=getattr(item, "district_id", None),
        category_id=_top_category(item),
        valid_until=getattr(item, "valid_until", None),
    )


def _body(item: Guide | Notice) -> str:
    if isinstance(item, Notice):
        return "\n".join([item.get_kind_display(), item.area, item.body])
    return "\n".join([item.summary, item.materials, item.steps, item.office, item.fees])


def _top_category(item: Model) -> int | None:
    category = getattr(item, "category", None)
    return category.top.pk if category is not None else None


def guide_public(guide_id: int) -> Guide:
    guide = Guide.objects.filter(pk=guide_id, published=True).select_related("unit").first()
    if guide is None:
        raise NotFound("办事指南不存在或已下线", code="guide_not_found")
    return guide


def notice_public(notice_id: int) -> Notice:
    notice = Notice.objects.filter(pk=notice_id, published=True).select_related("unit").first()
    if notice is None:
        raise NotFound("信息不存在或已下线", code="notice_not_found")
    return notice


def guide_vote(*, guide_id: int, session_key: str, helpful: bool, comment: str = "") -> Guide:
    """One answer per browser session: a second one is a 409 and changes nothing."""
    guide = guide_public(guide_id)
    counter = "helpful_yes" if helpful else "helpful_no"
    try:
        with transaction.atomic():
            GuideVote.objects.create(
                guide=guide,
                session_key=session_key,
                helpful=helpful,
                comment=comment.strip()[:COMMENT_CHARS],
                created_at=clock.now(),
            )
            Guide.objects.filter(pk=guide.pk).update(**{counter: F(counter) + 1})
    except IntegrityError as exc:
        raise Conflict("您已经评价过这个指南，谢谢！", code="already_voted") from exc
    guide.refresh_from_db(fields=["helpful_yes", "helpful_no"])
    return guide


def lines(text: str) -> list[str]:
    """A list field's items: one a line, blanks dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def guide_dict(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.pk,
        "title": guide.title,
        "unit": guide.unit.name,
        "summary": guide.summary,
        "materials": lines(guide.materials),
        "steps": lines(guide.steps),
        "fees": guide.fees,
        "time_limit": guide.time_limit,
        "office": guide.office,
        "hours": guide.hours,
        "contact": guide.contact,
        "updated_at": guide.updated_at,
        "helpful_yes": guide.helpful_yes,
        "helpful_no": guide.helpful_no,
        "url": f"/guides/{guide.pk}/",
    }


def notice_dict(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "title": notice.title,
        "body": notice.body,
        "area": notice.area,
        "unit": notice.unit.name,
        "valid_from": notice.valid_from,
        "valid_until": notice.valid_until,
        "url": f"/notices/{notice.pk}/",
    }
