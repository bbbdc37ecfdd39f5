"""The official-account message protocol: signatures, the AES mode (消息加解密) and the XML.

Written against WeChat's published algorithm (WXBizMsgCrypt) with `cryptography`; the tests
check it against wechatpy, an independent implementation, playing the WeChat side.
- signature = sha1 of the sorted strings (token, timestamp, nonce[, encrypted message]);
- AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7
  padding to 32 bytes; plaintext = 16 random bytes, the message length (4 bytes, big
  endian), the message, the AppID.
XML comes from WeChat's servers only after the signature has been checked, and Python's
expat refuses external entities and entity expansion bombs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
import xml.etree.ElementTree as ET

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class ProtocolError(Exception):
    """A message that is not what WeChat sends (bad XML, padding or AppID)."""


class SignatureError(ProtocolError):
    """A signature that does not match: not from WeChat, or not for this account."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_matches(expected: str, *parts: str) -> bool:
    return hmac.compare_digest(signature(*parts), (expected or "").lower())


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The first-level elements of a WeChat XML message, as text."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ProtocolError("not XML") from exc
    return {child.tag: (child.text or "") for child in root}


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(*, to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    created = now if now is not None else int(time.time())
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


class MessageCrypto:
    def __init__(self, *, token: str, encoding_aes_key: str, app_id: str) -> None:
        try:
            self.key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("WECHAT_ENCODING_AES_KEY is not 43 base64 characters") from exc
        if len(self.key) != 32:
            raise ValueError("WECHAT_ENCODING_AES_KEY is not 43 base64 characters")
        self.token = token
        self.app_id = app_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: str) -> str:
        body = message.encode()
        plain = secrets.token_bytes(16) + struct.pack(">I", len(body)) + body
        plain += self.app_id.encode()
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
            decryptor = self._cipher().decryptor()
            plain = decryptor.update(data) + decryptor.finalize()
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError("not an encrypted message") from exc
        pad = plain[-1] if plain else 0
        if not 1 <= pad <= BLOCK or len(plain) < 20 + pad:
            raise ProtocolError("bad padding")
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        message, app_id = content[4 : 4 + length], content[4 + length :]
        if len(message) != length or not hmac.compare_digest(app_id, self.app_id.encode()):
            raise ProtocolError("message for another AppID")
        try:
            return message.decode()
        except UnicodeDecodeError as exc:
            raise ProtocolError("not UTF-8") from exc

    def open(self, *, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The plain XML inside an encrypted POST body, its msg_signature checked first."""
        encrypted = parse_xml(body).get("Encrypt", "")
        if not encrypted:
            raise ProtocolError("not an encrypted message")
        if not signature_matches(msg_signature, self.token, timestamp, nonce, encrypted):
            raise SignatureError("bad msg_signature")
        return self.decrypt(encrypted)

    def seal(self, reply: str) -> str:
        """An encrypted reply as WeChat expects it back."""
        encrypted = self.encrypt(reply)
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        sign = signature(self.token, timestamp, nonce, encrypted)
        return (
            f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
            f"<MsgSignature>{_cdata(sign)}</MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
        )
