"""Staff pages where units keep their guides (办事指南) and notices (便民信息)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from minxin.accounts.models import User
from minxin.core.errors import PermissionDenied
from minxin.publicinfo import guides
from minxin.publicinfo.forms import GuideForm, NoticeForm
from minxin.publicinfo.staff_views import signed_in


@dataclass(frozen=True)
class Editor:
    label: str
    form: Callable[..., forms.ModelForm]
    rows: Callable[[User], QuerySet[Any]]
    save: Callable[[User, Any], Model]


EDITORS = {
    "guides": Editor(
        "办事指南",
        GuideForm,
        guides.guides_for_staff,
        lambda user, item: guides.guide_save(user=user, guide=item),
    ),
    "notices": Editor(
        "便民信息",
        NoticeForm,
        guides.notices_for_staff,
        lambda user, item: guides.notice_save(user=user, notice=item),
    ),
}


def _editor(request: HttpRequest, kind: str) -> tuple[User, Editor]:
    user = signed_in(request)
    if kind not in EDITORS:
        raise Http404
    if not guides.may_edit_any(user):
        raise PermissionDenied("只有承办单位和管理员可以维护办事指南和便民信息")
    return user, EDITORS[kind]


@never_cache
@login_required
def item_list(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        user, editor = _editor(request, kind)
    except PermissionDenied as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    rows = editor.rows(user).order_by("-updated_at", "-id")[:200]
    context = {"nav": "public", "kind": kind, "editor": editor, "rows": rows}
    return render(request, "publicinfo/staff/item_list.html", context)


@never_cache
@login_required
def item_edit(request: HttpRequest, kind: str, item_id: int | None = None) -> HttpResponse:
    try:
        user, editor = _editor(request, kind)
    except PermissionDenied as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    item = None
    if item_id is not None:
        item = editor.rows(user).filter(pk=item_id).first()
        if item is None:
            raise Http404
    form = editor.form(request.POST or None, instance=item, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                editor.save(user, form.save(commit=False))
            except PermissionDenied as exc:
                return render(request, "workbench/403.html", {"error": exc}, status=403)
            messages.success(request, f"{editor.label}已保存")
            return redirect("staff-public:items", kind=kind)
    status = 422 if request.method == "POST" else 200
    context = {"nav": "public", "kind": kind, "editor": editor, "form": form, "item": item}
    return render(request, "publicinfo/staff/item_edit.html", context, status=status)
