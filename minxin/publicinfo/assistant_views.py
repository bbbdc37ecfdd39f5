"""The assistant's page (智能客服) and the FAQ pages it cites."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from minxin.core.errors import ValidationFailed
from minxin.publicinfo import assistant, faq
from minxin.similar.models import PublicCase


@require_http_methods(["GET", "POST"])
def assistant_page(request: HttpRequest) -> HttpResponse:
    """Ask (POST, or GET ?q= from the widget) and read the answer with its sources."""
    question = request.POST.get("question") or request.GET.get("q") or ""
    context: dict[str, Any] = {"question": question[: assistant.MAX_QUESTION]}
    status = 200
    if question:
        try:
            context["result"] = assistant.answer(question)
        except ValidationFailed as exc:
            context["error"], status = exc, exc.status
    return render(request, "publicinfo/assistant.html", context, status=status)


def faq_detail(request: HttpRequest, faq_id: int) -> HttpResponse:
    case = faq.faq_rows().filter(pk=faq_id).first()
    if not isinstance(case, PublicCase):
        raise Http404("常见问题不存在")
    context = {"faq": faq.faq_redacted(case), "date": case.reply_date}
    return render(request, "publicinfo/faq_detail.html", context)
