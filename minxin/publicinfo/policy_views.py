"""Public pages of 政策直通车: the list (and search), a policy with its attachments and answered
questions, and the form to ask one. No login."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minxin.core.errors import DomainError, NotFound
from minxin.publicinfo import policies, public, search
from minxin.publicinfo.models import Policy
from minxin.publicinfo.views import QUERY_CHARS


def policy_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:QUERY_CHARS]
    rows: list[Policy]
    if q.strip():
        hits = search.search(q, kinds=["policy"], limit=public.PAGE_SIZE)
        found = policies.published_policies().in_bulk([h.entry.ref_id for h in hits])
        rows = [found[h.entry.ref_id] for h in hits if h.entry.ref_id in found]
    else:
        rows = list(policies.published_policies().order_by("-updated_at", "-id")[:100])
    return render(request, "publicinfo/policy_list.html", {"q": q, "rows": rows})


def policy_detail(request: HttpRequest, policy_id: int, status: int = 200) -> HttpResponse:
    try:
        policy = policies.policy_public(policy_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "policy": policy,
        "version": policy.current,
        "attachments": policy.current.attachments.all() if policy.current else [],
        "questions": policies.answered_questions(policy),
        "max_question": policies.QUESTION_CHARS,
    }
    return render(request, "publicinfo/policy_detail.html", context, status=status)


@require_POST
def ask(request: HttpRequest, policy_id: int) -> HttpResponse:
    try:
        policies.question_ask(policy_id=policy_id, question=request.POST.get("question", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return policy_detail(request, policy_id, status=exc.status)
    messages.success(request, "您的问题已提交，工作人员审核并答复后将在本页公开")
    return redirect("publicinfo:policy", policy_id=policy_id)


@require_GET
def attachment(request: HttpRequest, policy_id: int, attachment_id: int) -> FileResponse:
    try:
        found = policies.public_attachment(policy_id=policy_id, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not found.content_type.startswith("image/"),
        filename=found.name,
    )
