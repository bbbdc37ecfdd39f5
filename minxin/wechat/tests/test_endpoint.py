"""The signature check, the echostr handshake and refusals, over HTTP."""

from __future__ import annotations

import time

import requests

from minxin.tickets.models import Ticket
from minxin.wechat.models import Conversation, Message
from minxin.wechat.tests.conftest import TOKEN, WeChat, sign, text_message


def _handshake(url: str, *, token: str) -> requests.Response:
    timestamp, nonce = str(int(time.time())), "abc123"
    params = {"timestamp": timestamp, "nonce": nonce, "echostr": "7312960981742",
              "signature": sign(token, timestamp, nonce)}  # fmt: skip
    return requests.get(url, params=params, timeout=30)


def test_the_handshake_echoes_echostr_for_a_right_signature(plain_wechat: WeChat) -> None:
    response = _handshake(plain_wechat.url, token=TOKEN)
    assert response.status_code == 200
    assert response.text == "7312960981742"


def test_the_handshake_is_refused_for_a_wrong_signature(plain_wechat: WeChat) -> None:
    response = _handshake(plain_wechat.url, token="another-token")
    assert response.status_code == 403
    assert "7312960981742" not in response.text


def test_a_message_with_a_wrong_signature_is_refused_and_changes_nothing(
    wechat: WeChat,
) -> None:
    response = wechat.post(text_message("o_mallory", "1", 1), token="another-token")
    assert response.status_code == 403
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_the_endpoint_is_off_without_a_token(plain_wechat: WeChat, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WECHAT = {"TOKEN": "", "APPID": "", "ENCODING_AES_KEY": ""}
    assert _handshake(plain_wechat.url, token="").status_code == 404


def test_encrypted_mode_refuses_a_wrong_msg_signature(secure_wechat: WeChat) -> None:
    body = secure_wechat.crypto.encrypt_message(text_message("o_mallory", "1", 2), "n", "1")
    timestamp, nonce = str(int(time.time())), "n0nce"
    params = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes",
              "signature": sign(TOKEN, timestamp, nonce), "msg_signature": "0" * 40}  # fmt: skip
    response = requests.post(secure_wechat.url, params=params, data=body.encode(), timeout=30)
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_encrypted_mode_refuses_a_plain_body(secure_wechat: WeChat) -> None:
    secure_wechat.encrypted = False
    response = secure_wechat.post(text_message("o_mallory", "1", 3))
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_a_body_that_is_not_xml_is_refused(plain_wechat: WeChat) -> None:
    assert plain_wechat.post("<xml><unclosed>").status_code == 400
    assert not Ticket.objects.exists()


def test_a_follower_is_welcomed_with_the_menu(wechat: WeChat) -> None:
    event = (
        "<xml><ToUserName><![CDATA[gh_minxin_account]]></ToUserName>"
        "<FromUserName><![CDATA[o_new]]></FromUserName><CreateTime>1765000000</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
    assert "1 提交诉求" in wechat.reply_xml(wechat.post(event))


def test_a_picture_is_answered_that_only_text_is_understood(wechat: WeChat) -> None:
    image = (
        "<xml><ToUserName><![CDATA[gh_minxin_account]]></ToUserName>"
        "<FromUserName><![CDATA[o_pic]]></FromUserName><CreateTime>1765000000</CreateTime>"
        "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl>"
        "<MediaId><![CDATA[m1]]></MediaId><MsgId>42</MsgId></xml>"
    )
    assert "只能处理文字消息" in wechat.reply_xml(wechat.post(image))
