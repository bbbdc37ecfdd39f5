"""Public pages of 办事指南 and 便民信息, the guide feedback, and the one search page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from minxin.core.errors import DomainError, NotFound
from minxin.publicinfo import guides, public, search
from minxin.publicinfo.models import GuideVote
from minxin.publicinfo.views import QUERY_CHARS

VOTED = "publicinfo_voted"


def guide_index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:QUERY_CHARS]
    hits = search.search(q, kinds=["guide", "notice"], limit=public.PAGE_SIZE) if q else []
    context = {
        "q": q,
        "hits": [search.hit_dict(h) for h in hits],
        "guides": public.published_guides().order_by("title", "id")[:200],
        "notices": public.current_notices()[:10],
    }
    return render(request, "publicinfo/guide_index.html", context)


def guide_detail(request: HttpRequest, guide_id: int, status: int = 200) -> HttpResponse:
    try:
        guide = guides.guide_public(guide_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    key = request.session.session_key
    voted = bool(key) and GuideVote.objects.filter(guide=guide, session_key=key).exists()
    context = {
        "guide": guide,
        "materials": guides.lines(guide.materials),
        "steps": guides.lines(guide.steps),
        "voted": voted,
    }
    return render(request, "publicinfo/guide_detail.html", context, status=status)


@require_POST
def guide_vote(request: HttpRequest, guide_id: int) -> HttpResponse:
    """这个指南有帮助吗: one answer per browser session, no login."""
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, "请选择“有帮助”或“没帮助”")
        return guide_detail(request, guide_id, status=400)
    if not request.session.session_key:
        request.session.save()
    try:
        guides.guide_vote(
            guide_id=guide_id,
            session_key=request.session.session_key or "",
            helpful=answer == "yes",
            comment=request.POST.get("comment", ""),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.info(request, exc.message)
        return guide_detail(request, guide_id, status=exc.status)
    messages.success(request, "感谢您的反馈！")
    return redirect("publicinfo:guide", guide_id=guide_id)


def notice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "publicinfo/notice_list.html", {"notices": public.current_notices()[:200]}
    )


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        notice = guides.notice_public(notice_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "publicinfo/notice_detail.html", {"notice": notice})


def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:QUERY_CHARS]
    page = public.page_number(request.GET.get("page"))
    size = public.PAGE_SIZE
    hits = search.search(q, limit=size + 1, offset=(page - 1) * size) if q else []
    context = {
        "q": q,
        "hits": [search.hit_dict(h) for h in hits[:size]],
        "page": {"number": page, "has_next": len(hits) > size, "has_previous": page > 1},
        "query": urlencode({"q": q}) if q else "",
    }
    return render(request, "publicinfo/search.html", context)
