"""`minxin crosscity whoami | peer CODE ... | deliver [--all]`: this city's public key for its
peers, a peer's address and key, and sending the outbox now (after a peer's outage)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.crosscity import outbox, seal
from minxin.crosscity.models import Message, Peer


class Command(BaseCommand):
    help = "Cross-city transfer: show our key, register a peer city, send the outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("whoami", help="this city's code, name and SM2 public key")
        peer = sub.add_parser("peer", help="register or update a peer city")
        peer.add_argument("code")
        peer.add_argument("--name", required=True)
        peer.add_argument("--url", required=True)
        peer.add_argument("--key", required=True, help="its SM2 public key (128 hex digits)")
        deliver = sub.add_parser("deliver", help="send the messages that are due")
        deliver.add_argument(
            "--all", action="store_true", help="every undelivered message, whatever its backoff"
        )

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "whoami":
            self.stdout.write(f"{settings.CITY_CODE} {settings.CITY_NAME} {seal.our_public_key()}")
        elif what == "peer":
            key = options["key"].strip().lower()
            key = key[2:] if len(key) == 130 and key.startswith("04") else key
            if len(key) != 128 or any(c not in "0123456789abcdef" for c in key):
                raise CommandError("--key must be an SM2 public key, 128 hex digits")
            Peer.objects.update_or_create(
                code=options["code"],
                defaults={"name": options["name"], "base_url": options["url"], "public_key": key},
            )
            self.stdout.write(f"peer {options['code']} saved")
        else:
            sent = outbox.deliver_due(now_all=options["all"])
            waiting = Message.objects.filter(delivered_at=None, failed_at=None).count()
            self.stdout.write(f"{sent} delivered, {waiting} waiting")
