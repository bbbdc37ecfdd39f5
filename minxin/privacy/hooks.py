"""Where the apps built on privacy act in its retention purge (core.hooks): privacy calls the
hook; the app named registers the function from its AppConfig.ready(). Privacy imports none
of them."""

from __future__ import annotations

from minxin.core.hooks import Hook


@Hook
def conversations_purge(*, retention_days: int, commit: bool) -> int:
    """In `minxin privacy purge` and the hourly task: remove the personal data the WeChat
    account keeps past its periods; the conversations deleted or cleared (with `commit`
    False, only counted). Registered by wechat: `personal.wechat_conversations_purge`."""
    raise NotImplementedError
