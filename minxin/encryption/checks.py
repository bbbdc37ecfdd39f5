"""`manage.py check --deploy` fails while development keys are in use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from minxin.encryption.keys import development_keys_in_use


@checks.register(checks.Tags.security, deploy=True)
def check_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    in_use = development_keys_in_use()
    if "SECRET_KEY" in getattr(settings, "DEVELOPMENT_KEYS", {}):
        in_use.insert(0, "SECRET_KEY")
    if in_use:
        errors.append(
            checks.Error(
                "Development keys are in use: " + ", ".join(in_use) + ".",
                hint="Set SECRET_KEY, MINXIN_DATA_KEYS, MINXIN_INDEX_KEY and "
                "MINXIN_SM2_PRIVATE_KEY (or their _FILE variants); see docs/security.md.",
                id="privacy.E001",
            )
        )
    return errors
