"""Hooks (core.hooks): every hook an app declares is registered by the app meant to act on
it, so no side effect is silently dropped; an unregistered one refuses to run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from minxin.core.hooks import DECLARED, Hook

ROOT = Path(__file__).resolve().parents[2]  # minxin/


def declared_hooks() -> list[Hook]:
    for path in sorted(ROOT.glob("*/hooks.py")):
        importlib.import_module(f"minxin.{path.parent.name}.hooks")
    return [h for h in DECLARED if h.name.startswith("minxin.") and ".tests." not in h.name]


def test_every_declared_hook_is_registered_by_the_apps_ready():
    hooks = declared_hooks()
    names = {h.name for h in hooks}
    assert "minxin.tickets.hooks.step_recorded" in names
    assert "minxin.risk.hooks.critical_found" in names
    missing = [h.name for h in hooks if h.function is None]
    assert not missing, f"hooks no app registered: {missing}"


def test_the_registered_functions_are_the_ones_each_step_needs():
    from minxin.analytics import marks
    from minxin.risk import hooks as risk_hooks
    from minxin.risk import services as risk_services
    from minxin.routing import autodispatch, feedback
    from minxin.supervision import emergency
    from minxin.supervision import services as supervision
    from minxin.tickets import hooks

    assert hooks.step_recorded.function is marks.touch
    assert hooks.submitted.function is risk_services.analysis_queue
    assert risk_hooks.analysed.function is autodispatch.auto_dispatch_schedule
    assert hooks.dispatcher_chose.function is feedback.feedback_record
    assert hooks.rated_unsatisfied.function is supervision.order_unsatisfied
    assert hooks.closed_by_rating.function is supervision.orders_follow
    assert risk_hooks.critical_found.function is emergency.emergency_raise


def test_an_unregistered_hook_refuses_to_run():
    @Hook
    def nobody_listens(x: int) -> int:
        raise NotImplementedError

    try:
        with pytest.raises(ImproperlyConfigured, match="nobody_listens"):
            nobody_listens(1)
        nobody_listens.register(lambda x: x + 1)
        assert nobody_listens(1) == 2
    finally:
        DECLARED.remove(nobody_listens)


def test_a_hook_has_one_function():
    @Hook
    def one(x: int) -> int:
        raise NotImplementedError

    def double(x: int) -> int:
        return 2 * x

    try:
        one.register(double)
        one.register(double)  # a second ready() of the same app
        with pytest.raises(ImproperlyConfigured, match="already registered"):
            one.register(lambda x: x)
        assert one(x=4) == 8
        assert "test_hooks" in repr(one)
    finally:
        DECLARED.remove(one)
