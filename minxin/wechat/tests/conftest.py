"""WeChat's side of the conversation: signed (and, in encrypted mode, encrypted) XML posted
over HTTP to a live server, as WeChat's servers post it. wechatpy, an independent
implementation of the protocol, encrypts the messages and opens the replies."""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field

import pytest
import requests
from wechatpy.crypto import WeChatCrypto

TOKEN = "minxin-test-token"
APPID = "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_minxin_account"
SECURE = {"TOKEN": TOKEN, "APPID": APPID, "ENCODING_AES_KEY": AES_KEY}
_ids = itertools.count(6_900_000_000_000_000_000)


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def text_message(openid: str, content: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


@dataclass
class WeChat:
    url: str
    encrypted: bool = False
    crypto: WeChatCrypto = field(default_factory=lambda: WeChatCrypto(TOKEN, AES_KEY, APPID))

    def post(self, body: str, *, token: str = TOKEN, nonce: str = "n0nce") -> requests.Response:
        timestamp = str(int(time.time()))
        params = {"timestamp": timestamp, "nonce": nonce, "openid": "x"}
        params["signature"] = sign(token, timestamp, nonce)
        if self.encrypted:
            sealed = self.crypto.encrypt_message(body, nonce, timestamp)
            encrypt = sealed.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
            params |= {
                "encrypt_type": "aes",
                "msg_signature": sign(token, timestamp, nonce, encrypt),
            }
            body = sealed
        return requests.post(
            self.url, params=params, data=body.encode(), timeout=30,
            headers={"Content-Type": "text/xml"},
        )  # fmt: skip

    def reply_xml(self, response: requests.Response) -> str:
        assert response.status_code == 200, response.text
        if not self.encrypted:
            return response.text
        root = response.text
        signature = root.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        timestamp = root.split("<TimeStamp>")[1].split("</TimeStamp>")[0]
        nonce = root.split("<Nonce><![CDATA[")[1].split("]]>")[0]
        # wechatpy checks our msg_signature and AppID, and decrypts.
        return self.crypto.decrypt_message(root, signature, timestamp, nonce)

    def say(self, openid: str, content: str, msg_id: int | None = None) -> str:
        """The text of the reply to a text message."""
        body = text_message(openid, content, msg_id if msg_id is not None else next(_ids))
        xml = self.reply_xml(self.post(body))
        assert f"<ToUserName><![CDATA[{openid}]]></ToUserName>" in xml
        return xml.split("<Content><![CDATA[")[1].rsplit("]]></Content>")[0]


@pytest.fixture
def plain_wechat(settings, live_server, transactional_db, city) -> WeChat:  # type: ignore[no-untyped-def]
    settings.WECHAT = {"TOKEN": TOKEN, "APPID": "", "ENCODING_AES_KEY": ""}
    return WeChat(url=live_server.url + "/wechat/")


@pytest.fixture
def secure_wechat(settings, live_server, transactional_db, city) -> WeChat:  # type: ignore[no-untyped-def]
    settings.WECHAT = SECURE
    return WeChat(url=live_server.url + "/wechat/", encrypted=True)


@pytest.fixture(params=["plain", "encrypted"])
def wechat(request, plain_wechat, settings) -> WeChat:  # type: ignore[no-untyped-def]
    if request.param == "encrypted":
        settings.WECHAT = SECURE
        return WeChat(url=plain_wechat.url, encrypted=True)
    return plain_wechat
