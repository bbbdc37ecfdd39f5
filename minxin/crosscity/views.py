"""The door peer cities knock on: POST /crosscity/v1/messages, a signed JSON body."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from minxin.core.errors import DomainError
from minxin.crosscity import inbound, wire


@csrf_exempt  # no cookies, no session: the SM2 signature is the credential
@require_POST
def inbox(request: HttpRequest) -> JsonResponse:
    try:
        arrival = wire.check_arrival(
            city=request.headers.get("X-Minxin-City", ""),
            signature=request.headers.get("X-Minxin-Signature", ""),
            raw=request.body,
        )
        answer = inbound.receive(arrival)
    except DomainError as error:
        body = {"error": {"code": error.code, "message": error.message, "field": error.field}}
        return JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
