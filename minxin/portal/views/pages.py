"""Public pages: home, the public services to come, accessibility, display modes."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minxin.notify.models import DeliveryReceipt, SmsMessage
from minxin.org import readiness
from minxin.portal import prefs

# The public services of the brief that are not built yet. Each page says so plainly and
# offers what works today, so no link on the home page is a dead end.
SERVICES: dict[str, dict[str, str]] = {
    "knowledge": {
        "name": "办事指南与便民信息",
        "what": "常见事项怎么办、去哪办、带什么材料，以及停水停电、便民服务点等生活信息。",
    },
    "cases": {
        "name": "典型案例库",
        "what": "经过办理、已去除个人信息的代表性案例，看看类似问题是怎样解决的。",
    },
    "policy": {"name": "政策直通车", "what": "各部门负责人用通俗的语言解读新出台的政策。"},
    "assistant": {
        "name": "智能客服",
        "what": "根据知识库回答您的问题并注明出处，答不了时帮您转为正式诉求。",
    },
}


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "services": SERVICES,
            "demo": settings.DEMO_MODE or settings.DEBUG,
            **not_ready_context(),
        },
    )


def not_ready_context() -> dict[str, object]:
    """Empty once the city can take requests; else what its administrator must set up."""
    if readiness.can_take_requests():
        return {}
    return {"missing": readiness.missing_setup(), "hint": readiness.SETUP_HINT}


# The services that are built (minxin.publicinfo): the home page's link leads there.
BUILT = {
    "cases": "publicinfo:cases",
    "knowledge": "publicinfo:guides",
    "assistant": "publicinfo:assistant",
    "policy": "publicinfo:policies",
}


def service(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in SERVICES:
        raise Http404
    if slug in BUILT:
        return redirect(BUILT[slug])
    return render(request, "portal/coming.html", {"service": SERVICES[slug]})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


@require_POST
def set_view(request: HttpRequest) -> HttpResponse:
    """Flip one display mode; the form posts here when the page has no script."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    prefs.store(response, prefs.toggle(prefs.read(request), request.POST.get("toggle", "")))
    return response


def demo_sms(request: HttpRequest) -> HttpResponse:
    """The demo's phone: every SMS the recording sender 'sent'. Off outside demo mode."""
    if not (settings.DEMO_MODE or settings.DEBUG):
        raise Http404
    # The stored text has its code masked; the demo's phone shows what it "received",
    # which the recording sender keeps in demo mode only.
    received = DeliveryReceipt.objects.filter(key=OuterRef("idempotency_key")).values("text")
    return render(
        request,
        "portal/demo_sms.html",
        {"messages_sent": SmsMessage.objects.annotate(received=Subquery(received[:1]))[:50]},
    )
