"""The AES mode and signatures agree with wechatpy, an independent implementation."""

from __future__ import annotations

import base64

import pytest
from wechatpy.crypto import PrpCrypto

from minxin.wechat.protocol import MessageCrypto, ProtocolError, signature
from minxin.wechat.tests.conftest import AES_KEY, APPID, TOKEN, sign

XML = "<xml><Content><![CDATA[路灯坏了]]></Content></xml>"
crypto = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APPID)
theirs = PrpCrypto(base64.b64decode(AES_KEY + "="))


def test_what_we_encrypt_wechatpy_decrypts() -> None:
    assert theirs.decrypt(crypto.encrypt(XML), APPID) == XML


def test_what_wechatpy_encrypts_we_decrypt() -> None:
    assert crypto.decrypt(theirs.encrypt(XML, APPID)) == XML


def test_a_message_for_another_appid_is_refused() -> None:
    with pytest.raises(ProtocolError):
        crypto.decrypt(theirs.encrypt(XML, "wx_other_account"))


def test_a_tampered_ciphertext_is_refused() -> None:
    sealed = bytearray(base64.b64decode(crypto.encrypt(XML)))
    sealed[-1] ^= 0xFF
    with pytest.raises(ProtocolError):
        crypto.decrypt(base64.b64encode(bytes(sealed)).decode())


def test_the_signature_is_sha1_of_the_sorted_parts() -> None:
    assert signature(TOKEN, "1765000000", "nonce") == sign("nonce", TOKEN, "1765000000")


def test_a_key_that_is_not_43_base64_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="43 base64"):
        MessageCrypto(token=TOKEN, encoding_aes_key="short", app_id=APPID)
