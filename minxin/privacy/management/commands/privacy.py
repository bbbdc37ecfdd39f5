"""`minxin privacy purge [--older-than-days N] [--commit]`: the retention period, applied."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from minxin.core import clock
from minxin.identity.models import SmsCode
from minxin.identity.services import SMS_CODE_KEEP, sms_codes_purge
from minxin.privacy import hooks
from minxin.privacy.services import personal_data_purge, retention_days


class Command(BaseCommand):
    help = "Personal-information housekeeping (个人信息保护法)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser(
            "purge",
            help="remove personal data from requests closed longer "
            "ago than the retention period (and from WeChat conversations quiet as long); "
            "a dry run unless --commit",
        )
        purge.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="default: PERSONAL_DATA_RETENTION_DAYS (1095)",
        )
        purge.add_argument("--commit", action="store_true", help="write the changes")

    def handle(self, *args: Any, **opts: Any) -> None:
        days = opts["older_than_days"]
        if days is not None and days < 0:
            self.stderr.write("--older-than-days must not be negative")
            raise SystemExit(2)
        days = retention_days() if days is None else days
        count = personal_data_purge(older_than_days=days, commit=opts["commit"])
        chats = hooks.conversations_purge(retention_days=days, commit=opts["commit"])
        if opts["commit"]:
            codes = sms_codes_purge()
            self.stdout.write(
                f"anonymised {count} requests closed over {days} days ago; "
                f"deleted {codes} old SMS codes; cleared {chats} WeChat conversations"
            )
        else:
            codes = SmsCode.objects.filter(created_at__lt=clock.now() - SMS_CODE_KEEP).count()
            self.stdout.write(
                f"would anonymise {count} requests closed over {days} days ago, "
                f"delete {codes} old SMS codes and clear {chats} WeChat conversations; "
                "dry run (add --commit)"
            )
