"""List, activate and roll back stored classifier versions.

minxin nlp-model list [--name category]
minxin nlp-model activate ID
minxin nlp-model rollback [--name category]
minxin nlp-model predict "文本……" [-k 3]
minxin nlp-model feedback        # how often dispatchers took the suggestions

A routing command, not an nlp one: `feedback` reads routing's rows, and nlp imports no app
above it (core/tests/test_import_cycles.py).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.nlp.models import DEFAULT_NAME, ModelVersion
from minxin.nlp.prediction import predict_category
from minxin.nlp.registry import model_version_activate, model_version_rollback
from minxin.nlp.storage import ModelVersionError
from minxin.routing.feedback import acceptance_rates


class Command(BaseCommand):
    help = "Manage classifier versions: list, activate ID, rollback, predict TEXT, feedback."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", choices=["list", "activate", "rollback", "predict", "feedback"]
        )
        parser.add_argument("arg", nargs="?", help="version id (activate) or text (predict)")
        parser.add_argument("--name", default=DEFAULT_NAME)
        parser.add_argument("-k", type=int, default=3)

    def handle(self, *args: Any, **opts: Any) -> None:
        action, name = opts["action"], opts["name"]
        out: object  # printed as JSON
        try:
            if action == "list":
                out = [
                    {
                        "id": v.pk,
                        "name": v.name,
                        "version": v.version,
                        "active": v.is_active,
                        "created_at": v.created_at.isoformat(),
                        "n_train": v.n_train,
                        "accuracy": (v.metrics or {}).get("accuracy"),
                        "macro_f1": (v.metrics or {}).get("macro_f1"),
                        "notes": v.notes,
                    }
                    for v in ModelVersion.objects.filter(name=name).defer("blob")
                ]
            elif action == "activate":
                if not opts["arg"] or not opts["arg"].isdigit():
                    raise CommandError("activate needs a version id")
                v = model_version_activate(version=int(opts["arg"]))
                out = {"active": v.pk, "version": v.version}
            elif action == "rollback":
                v = model_version_rollback(name=name)
                out = {"active": v.pk, "version": v.version}
            elif action == "feedback":
                out = acceptance_rates()
            else:
                if not opts["arg"]:
                    raise CommandError("predict needs a text")
                out = [s._asdict() for s in predict_category(opts["arg"], k=opts["k"], name=name)]
        except (ModelVersionError, ModelVersion.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
