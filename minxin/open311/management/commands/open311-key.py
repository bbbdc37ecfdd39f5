"""`minxin open311-key create NAME`: a new Open311 client; its api_key is printed once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.core.errors import DomainError
from minxin.open311.keys import client_create


class Command(BaseCommand):
    help = "Open311 client keys: create one (printed once; revoke it in the admin)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new client; prints its api_key once")
        create.add_argument("name", help="the client's name, e.g. the app that will use it")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            client, raw = client_create(name=opts["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Open311 客户端“{client.name}”已创建。api_key 只显示这一次：")
        self.stdout.write(raw)
