"""The official account's message endpoint (消息接口), configured in the account's settings."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from minxin.wechat.protocol import (
    MessageCrypto,
    ProtocolError,
    SignatureError,
    parse_xml,
    signature_matches,
)
from minxin.wechat.services import wechat_message_answer


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    if not settings.WECHAT["TOKEN"]:
        raise Http404
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not signature_matches(
        query.get("signature", ""), settings.WECHAT["TOKEN"], timestamp, nonce
    ):
        return HttpResponse("invalid signature", status=403, content_type="text/plain")
    if request.method == "GET":  # the handshake when the URL is saved in WeChat's console
        return HttpResponse(query.get("echostr", ""), content_type="text/plain")
    crypto = _crypto()
    try:
        if crypto is None:
            reply = wechat_message_answer(message=parse_xml(request.body))
        else:
            plain = crypto.open(
                body=request.body,
                msg_signature=query.get("msg_signature", ""),
                timestamp=timestamp,
                nonce=nonce,
            )
            reply = wechat_message_answer(message=parse_xml(plain))
            reply = reply if reply == "success" else crypto.seal(reply)
    except SignatureError:
        return HttpResponse("invalid signature", status=403, content_type="text/plain")
    except ProtocolError:
        return HttpResponse("bad message", status=400, content_type="text/plain")
    return HttpResponse(reply, content_type="application/xml; charset=utf-8")


def _crypto() -> MessageCrypto | None:
    """Encrypted mode (安全模式) when an EncodingAESKey is configured: plain bodies are then
    refused, as WeChat sends every message encrypted (compatible mode included)."""
    if not settings.WECHAT["ENCODING_AES_KEY"]:
        return None
    return MessageCrypto(
        token=settings.WECHAT["TOKEN"],
        encoding_aes_key=settings.WECHAT["ENCODING_AES_KEY"],
        app_id=settings.WECHAT["APPID"],
    )
