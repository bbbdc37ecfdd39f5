"""`manage.py check --deploy` fails while checkpoints would be signed with a derived key."""

from __future__ import annotations

from typing import Any

from django.core import checks

from minxin.audit.signing import signing_key


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not signing_key().derived:
        return []
    return [
        checks.Error(
            "Audit checkpoints would be signed with an SM2 key derived from SECRET_KEY.",
            hint="Set MINXIN_SM2_PRIVATE_KEY or MINXIN_SM2_PRIVATE_KEY_FILE.",
            id="audit.E001",
        )
    ]
