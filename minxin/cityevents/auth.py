"""Who is calling, and that this exact call was signed by them just now.

A call carries four headers: `X-Minxin-Client` (the client's key), `X-Minxin-Timestamp`
(Unix seconds), `X-Minxin-Nonce` (8-64 of A-Z a-z 0-9 _ -, new for every call) and
`X-Minxin-Signature: hmac-sm3=<hex>`, the HMAC-SM3 under the client's secret of

    METHOD \\n PATH?QUERY \\n TIMESTAMP \\n NONCE \\n SM3-HEX(BODY)

Checked here without writing anything; the nonce is spent in the service's transaction
(`services.nonce_spend`), so a refused or failed call changes nothing. docs/interop.md.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from minxin.cityevents.models import Client
from minxin.cityevents.signing import SM3, mac_matches, sm3_hex
from minxin.core import clock
from minxin.core.errors import DomainError, ValidationFailed

CLIENT = "X-Minxin-Client"
TIMESTAMP = "X-Minxin-Timestamp"
NONCE = "X-Minxin-Nonce"
SIGNATURE = "X-Minxin-Signature"
# How far a call's timestamp may be from our clock: part of the protocol (docs/interop.md).
WINDOW_SECONDS = 300
NONCE_FORM = re.compile(r"[A-Za-z0-9_-]{8,64}")


class Unsigned(DomainError):
    status = 401
    code = "bad_signature"


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, sm3_hex(body)]).encode()


def signed_client(request: HttpRequest) -> Client:
    """The client that signed this call; raises a 4xx naming what is wrong."""
    key, timestamp, nonce, signature = (
        request.headers.get(name, "").strip() for name in (CLIENT, TIMESTAMP, NONCE, SIGNATURE)
    )
    if not (key and timestamp and nonce and signature):
        raise Unsigned(
            f"缺少签名：请提供 {CLIENT}、{TIMESTAMP}、{NONCE} 和 {SIGNATURE}", code="unsigned"
        )
    client = Client.objects.filter(key=key, revoked=False).first()
    if client is None:
        raise Unsigned("客户端编号无效或已吊销", code="unknown_client")
    if not NONCE_FORM.fullmatch(nonce):
        raise ValidationFailed(
            "随机数须为8至64位字母、数字、下划线或连字符", code="invalid_nonce", field=NONCE
        )
    window = WINDOW_SECONDS
    if not timestamp.isdigit() or abs(clock.now().timestamp() - int(timestamp)) > window:
        raise Unsigned(
            f"请求时间戳无效或与服务器时间相差超过{window}秒", code="stale_request", field=TIMESTAMP
        )
    algorithm, _, value = signature.partition("=")
    message = string_to_sign(
        request.method or "", request.get_full_path(), timestamp, nonce, request.body
    )
    if algorithm != SM3 or not mac_matches(SM3, client.secret().encode(), message, value):
        raise Unsigned("签名校验失败", code="bad_signature", field=SIGNATURE)
    return client


class SignedCall(APIKeyHeader):
    """The router's auth: documented in OpenAPI as the client header."""

    param_name = CLIENT

    def authenticate(self, request: HttpRequest, key: str | None) -> Client:
        return signed_client(request)


def call_nonce(request: HttpRequest) -> str:
    return request.headers.get(NONCE, "").strip()
