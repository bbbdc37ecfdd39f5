"""Time the open-data release and the webhooks' fan-out and sending on a filled database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench DEBUG=1 \\
        .venv/bin/python benchmarks/bulk_seed.py --fresh --rows 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench DEBUG=1 \\
        .venv/bin/python benchmarks/interop_bench.py [--send 500]

Publishes the release to a temporary MEDIA_ROOT; subscribes a receiver on 127.0.0.1 (that
checks every signature) to every event type from the first step, fans all steps out and
sends `--send` deliveries. The subscription and its deliveries are deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from minxin.tickets.models import Ticket, TimelineEvent  # noqa: E402
from minxin.webhooks import delivery, fanout  # noqa: E402
from minxin.webhooks.events import EVENT_TYPES  # noqa: E402
from minxin.webhooks.models import Delivery, Subscription  # noqa: E402
from minxin.webhooks.services import subscription_create  # noqa: E402
from minxin.webhooks.tests.receiver import Receiver, running  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--send", type=int, default=500)
    args = parser.parse_args()
    print(f"requests {Ticket.objects.count()}, timeline steps {TimelineEvent.objects.count()}")
    from minxin.opendata.publish import opendata_publish

    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        started = time.perf_counter()
        manifest = opendata_publish()
        took = time.perf_counter() - started
        sizes = ", ".join(f"{n} {e['bytes'] / 1e6:.1f} MB" for n, e in manifest["files"].items())
        print(f"open data: {manifest['records']} records in {took:.1f} s ({sizes})")
    with running(Receiver()) as receiver:
        sub = subscription_create(name="bench", url=receiver.url, event_types=list(EVENT_TYPES))
        receiver.secret = sub.secret
        Subscription.objects.filter(pk=sub.pk).update(cursor=0)
        try:
            started = time.perf_counter()
            fanout.fan_out()
            took = time.perf_counter() - started
            made = Delivery.objects.filter(subscription=sub).count()
            print(f"fan-out: {made} deliveries from every step in {took:.1f} s")
            started = time.perf_counter()
            sent = delivery.deliver_due(limit=args.send)
            took = time.perf_counter() - started
            print(f"sent {sent} signed deliveries in {took:.1f} s ({sent / took:.0f}/s)")
        finally:
            sub.delete()


if __name__ == "__main__":
    main()
