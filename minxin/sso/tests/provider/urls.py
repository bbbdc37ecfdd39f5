"""The provider's pages: django-oauth-toolkit's endpoints and a bare login form."""

from typing import Any

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator

# username → (phone, verified by the provider)
PHONES = {"citizen": ("13800138000", True), "unverified": ("13900139000", False)}


class ProvinceValidator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": f"prov-{request.user.username}"}
        if request.user.username in PHONES:
            phone, verified = PHONES[request.user.username]
            claims |= {"phone_number": "+86" + phone, "phone_number_verified": verified}
        return claims


@csrf_exempt
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("<form method=post>login</form>")
    user = authenticate(
        request, username=request.POST.get("username"), password=request.POST.get("password")
    )
    if user is None:
        return HttpResponse("wrong password", status=403)
    login(request, user)
    return redirect(request.POST.get("next") or "/")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", login_view),
]
