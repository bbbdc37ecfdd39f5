"""Staff pages of 政策直通车: unit heads write and revise explanations; the unit's staff moderate
and answer the public's questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.core.errors import DomainError, NotFound
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.publicinfo import policies
from minxin.publicinfo.forms import PolicyForm
from minxin.publicinfo.guides import may_edit_any
from minxin.publicinfo.models import Policy, PolicyQuestion
from minxin.publicinfo.policy_files import MAX_ATTACHMENT_BYTES
from minxin.publicinfo.staff_views import signed_in


def read_uploads(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    """Each file's name and bytes; one byte past the limit is enough to refuse it."""
    return [(f.name or "", f.read(MAX_ATTACHMENT_BYTES + 1)) for f in files]


def _forbidden(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "workbench/403.html", {"error": exc}, status=403)


@never_cache
@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not may_edit_any(user):
        return _forbidden(request, Forbidden("只有承办单位和管理员可以维护政策解读"))
    rows = policies.policies_for_staff(user).order_by("-updated_at", "-id")[:200]
    pending = PolicyQuestion.objects.filter(
        policy__in=policies.policies_for_staff(user), status=PolicyQuestion.Status.PENDING
    ).select_related("policy__current")
    context = {
        "nav": "policies",
        "rows": rows,
        "pending": pending.order_by("asked_at", "id")[:100],
        "may_write": policies.may_write(user),
    }
    return render(request, "publicinfo/staff/policy_list.html", context)


@never_cache
@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not policies.may_write(user):
        return _forbidden(request, Forbidden("只有单位负责人可以发布政策解读"))
    form = PolicyForm(request.POST or None, user=user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            policy = policies.policy_create(
                user=user,
                unit=form.cleaned_data["unit"],
                data=form.cleaned_data,
                uploads=read_uploads(request.FILES.getlist("attachments")),
                published=form.cleaned_data["published"],
            )
        except Forbidden as exc:
            return _forbidden(request, exc)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "政策解读已发布（第1版）")
            return redirect("staff-public:policy", policy_id=policy.pk)
    status = 200 if request.method == "GET" else (error.status if error else 422)
    context = {"nav": "policies", "form": form, "error": error, "policy": None}
    return render(request, "publicinfo/staff/policy_edit.html", context, status=status)


@never_cache
@login_required
def policy_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    """The current version as a form (for unit heads), the history and the questions."""
    user = signed_in(request)
    policy = _policy(request, policy_id)
    form = PolicyForm(request.POST or None, instance=_draft(policy), user=user, editing=True)
    error = None
    if request.method == "POST" and form.is_valid():
        posted = request.POST.get("version", "")
        try:
            policies.policy_edit(
                user=user,
                policy_id=policy.pk,
                data=form.cleaned_data,
                expected_version=int(posted) if posted.isdigit() else None,
                keep=[int(k) for k in request.POST.getlist("keep") if k.isdigit()],
                uploads=read_uploads(request.FILES.getlist("attachments")),
                published=request.POST.get("published") == "on",
            )
        except Forbidden as exc:
            return _forbidden(request, exc)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "已保存为新版本，公众看到的是最新版本")
            return redirect("staff-public:policy", policy_id=policy.pk)
    status = 200 if request.method == "GET" else (error.status if error else 422)
    return render(
        request,
        "publicinfo/staff/policy_edit.html",
        _context(request, policy, form=form, error=error),
        status=status,
    )


def _policy(request: HttpRequest, policy_id: int) -> Policy:
    try:
        return policies.policy_for_staff(user=signed_in(request), policy_id=policy_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _draft(policy: Policy) -> Any:
    """The current version as the form's starting point, without a note of its own."""
    draft = policy.current
    if draft is not None:
        draft.note = ""
    return draft


def _context(request: HttpRequest, policy: Policy, **extra: Any) -> dict[str, Any]:
    user = signed_in(request)
    return {
        "nav": "policies",
        "policy": policy,
        "current": policy.current,
        "attachments": policy.current.attachments.all() if policy.current else [],
        "versions": policy.versions.select_related("edited_by").order_by("-number"),
        "questions": policy.questions.order_by("-asked_at", "-id")[:200],
        "may_write": policies.may_write(user),
        **extra,
    }


@never_cache
@login_required
def version_page(request: HttpRequest, policy_id: int, number: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    version = policy.versions.filter(number=number).prefetch_related("attachments").first()
    if version is None:
        raise Http404("没有这个版本")
    context = {"nav": "policies", "policy": policy, "version": version}
    return render(request, "publicinfo/staff/policy_version.html", context)


@login_required
@require_POST
def moderate(request: HttpRequest, question_id: int) -> HttpResponse:
    user = signed_in(request)
    approve = request.POST.get("decision") == "approve"
    try:
        question = policies.question_moderate(
            user=user,
            question_id=question_id,
            approve=approve,
            answer=request.POST.get("answer", ""),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        found = PolicyQuestion.objects.filter(pk=question_id).first()
        assert found is not None  # question_moderate found it in the user's units
        policy = _policy(request, found.policy_id)
        form = PolicyForm(instance=_draft(policy), user=user, editing=True)
        context = _context(request, policy, form=form, q_error=exc, q_id=question_id)
        return render(request, "publicinfo/staff/policy_edit.html", context, status=exc.status)
    messages.success(request, "问题已公开并附上答复" if approve else "问题已设为不予公开")
    return redirect("staff-public:policy", policy_id=question.policy_id)
