"""Two sides of a transfer in one database: a peer registered under our own code and key, so
every message this city sends is one it can take in (tests only)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from minxin.crosscity import seal
from minxin.crosscity.models import Message, Peer


def mirror_peer() -> Peer:
    return Peer.objects.create(
        code=settings.CITY_CODE,
        name="邻市",
        base_url="http://127.0.0.1:9",  # nothing listens: the tests carry the messages
        public_key=seal.our_public_key(),
    )


def post(client: Client, body: str, signature: str, city: str = "") -> object:
    return client.post(
        "/crosscity/v1/messages",
        data=body,
        content_type="application/json",
        HTTP_X_MINXIN_CITY=city or settings.CITY_CODE,
        HTTP_X_MINXIN_SIGNATURE=signature,
    )


def carry(client: Client) -> list[object]:
    """Hand every undelivered message to the inbox, oldest first, including those the
    arrivals write, until none is left; the answers."""
    answers = []
    while message := Message.objects.filter(delivered_at=None).order_by("created_at").first():
        answer = post(client, message.body, message.signature)
        assert answer.status_code == 200, answer.content
        Message.objects.filter(pk=message.pk).update(delivered_at=message.created_at)
        answers.append(answer)
    return answers
