"""`manage.py check --deploy` warns while keys are still derived from SECRET_KEY."""

from __future__ import annotations

import os
from typing import Any

from django.core import checks

from minxin.privacy.keys import keys_are_derived


@checks.register(checks.Tags.security, deploy=True)
def check_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    warnings = []
    if keys_are_derived():
        warnings.append(checks.Warning(
            "Personal data keys are derived from SECRET_KEY.",
            hint="Set MINXIN_DATA_KEYS and MINXIN_INDEX_KEY (or their _FILE variants); "
                 "see docs/security.md.", id="privacy.W001"))
    if not (os.environ.get("MINXIN_SM2_PRIVATE_KEY") or
            os.environ.get("MINXIN_SM2_PRIVATE_KEY_FILE")):
        warnings.append(checks.Warning(
            "Audit checkpoints are signed with an SM2 key derived from SECRET_KEY.",
            hint="Set MINXIN_SM2_PRIVATE_KEY or MINXIN_SM2_PRIVATE_KEY_FILE.",
            id="privacy.W002"))
    return warnings
