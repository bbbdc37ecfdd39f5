"""Login (password, then TOTP when enrolled), logout, and TOTP enrolment."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import DomainError
from minxin.workbench import login_flow, security
from minxin.workbench.models import StaffTotp


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    next_url = login_flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    username = request.POST.get("username", "").strip()
    if request.method == "GET":
        return render(request, "workbench/login.html", {"next": next_url})
    try:
        user = login_flow.password_step(request, username, request.POST.get("password", ""))
    except DomainError as exc:
        return render(
            request,
            "workbench/login.html",
            {"next": next_url, "username": username, "error": exc},
            status=exc.status,
        )
    if security.has_confirmed_totp(user):
        login_flow.hold_for_totp(request, user, next_url)
        return redirect("workbench:login_totp")
    login_flow.finish(request, user)
    return redirect(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    pending = login_flow.pending_user(request)
    if pending is None:
        messages.info(request, "请先输入用户名和密码")
        return redirect("workbench:login")
    user, next_url = pending
    if request.method == "GET":
        return render(request, "workbench/login_totp.html")
    try:
        login_flow.totp_step(request, user, request.POST.get("code", ""))
    except DomainError as exc:
        return render(request, "workbench/login_totp.html", {"error": exc}, status=exc.status)
    login_flow.finish(request, user, second_factor=True)
    return redirect(next_url)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("workbench:login")


@never_cache
@login_required
def totp_page(request: StaffRequest) -> HttpResponse:
    device = StaffTotp.objects.filter(user=request.user).first()
    return render(
        request,
        "workbench/totp.html",
        {**_totp_context(device), "must_enrol": login_flow.must_enrol(request)},
    )


def _totp_context(device: StaffTotp | None, error: DomainError | None = None) -> dict:
    secret = device.secret if device and not device.confirmed else ""
    return {
        "device": device,
        "error": error,
        "nav": "security",
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "uri": security.provisioning_uri(device) if device and secret else "",
    }


@login_required
@require_POST
def totp_start(request: StaffRequest) -> HttpResponse:
    security.totp_start(user=request.user)
    return redirect("workbench:totp")


@login_required
@require_POST
def totp_confirm(request: StaffRequest) -> HttpResponse:
    response = _totp_change(
        request, security.totp_confirm, "动态口令已启用，下次登录需输入6位动态口令"
    )
    if security.has_confirmed_totp(request.user) and login_flow.must_enrol(request):
        login_flow.enrolled_now(request)
    return response


@login_required
@require_POST
def totp_disable(request: StaffRequest) -> HttpResponse:
    return _totp_change(request, security.totp_disable, "动态口令已停用")


def _totp_change(request: StaffRequest, change: Callable[..., object], done: str) -> HttpResponse:
    """Confirm or disable: both need a current code and show the same page on an error."""
    try:
        change(user=request.user, code=request.POST.get("code", ""))
    except DomainError as exc:
        device = StaffTotp.objects.filter(user=request.user).first()
        return render(request, "workbench/totp.html", _totp_context(device, exc), status=exc.status)
    messages.success(request, done)
    return redirect("workbench:totp")


class PasswordSet(PasswordResetConfirmView):
    """A new account's one-time set-password link (`minxin city import` prints or mails it):
    Django's reset-token check, then the password validators; the link dies once used."""

    template_name = "workbench/password_set.html"
    success_url = reverse_lazy("workbench:login")
    post_reset_login = False

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        messages.success(self.request, "密码已设置，请用新密码登录。")
        return super().form_valid(form)


password_set = PasswordSet.as_view()
