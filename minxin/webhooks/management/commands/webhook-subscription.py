"""`minxin webhook-subscription create NAME URL --events submitted,closed [--algorithm
hmac-sha256]` prints the new subscription's secret (once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.core.errors import ValidationFailed
from minxin.webhooks.models import Subscription
from minxin.webhooks.services import subscription_create


class Command(BaseCommand):
    help = "创建 Webhook 推送订阅"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["create"])
        parser.add_argument("name")
        parser.add_argument("url")
        parser.add_argument("--events", required=True, help="逗号分隔，如 submitted,closed")
        parser.add_argument(
            "--algorithm", default=Subscription.Algorithm.SM3, choices=Subscription.Algorithm.values
        )

    def handle(self, *args: object, **options: str) -> None:
        try:
            subscription = subscription_create(
                name=options["name"],
                url=options["url"],
                event_types=options["events"].split(","),
                algorithm=options["algorithm"],
            )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"subscription: {subscription.pk}\nsecret:       {subscription.secret}")
