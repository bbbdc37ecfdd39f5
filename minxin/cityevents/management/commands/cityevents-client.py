"""`minxin cityevents-client create NAME` prints a new client's key and secret (once);
`revoke KEY` stops its calls."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.cityevents.models import Client
from minxin.cityevents.services import client_create


class Command(BaseCommand):
    help = "创建或吊销城市运行事件接入客户端"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["create", "revoke"])
        parser.add_argument("name", help="create: 客户端名称；revoke: 客户端编号")

    def handle(self, *args: object, verb: str, name: str, **options: object) -> None:
        if verb == "revoke":
            if not Client.objects.filter(key=name).update(revoked=True):
                raise CommandError(f"没有编号为 {name} 的客户端")
            self.stdout.write(f"已吊销 {name}")
            return
        if Client.objects.filter(name=name).exists():
            raise CommandError(f"客户端 {name} 已存在")
        client, secret = client_create(name=name)
        self.stdout.write(f"client key: {client.key}\nsecret:     {secret}\n(密钥只显示这一次)")
