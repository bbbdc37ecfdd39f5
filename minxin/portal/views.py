from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from minxin.notify.models import SmsMessage


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def demo_sms(request: HttpRequest) -> HttpResponse:
    """The demo's phone: every SMS the recording sender 'sent'. Off outside demo mode."""
    if not (settings.DEMO_MODE or settings.DEBUG):
        raise Http404
    return render(request, "portal/demo_sms.html",
                  {"messages_sent": SmsMessage.objects.all()[:50]})
