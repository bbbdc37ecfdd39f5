"""Hooks: how an app lets the apps built on it act at one of its steps without importing
them (core/tests/test_import_cycles.py).

The app below declares the hook by decorating a function whose signature and docstring say
what is called, and when; that body never runs. The app above registers its function from
its AppConfig.ready(), which Django runs for every installed app before it serves a request,
runs a command or starts the worker:

    # minxin/tickets/hooks.py
    @Hook
    def step_recorded(ticket: Ticket, at: dt.datetime) -> None:
        "In the step's transaction: ..."

    # minxin/analytics/apps.py, in ready()
    hooks.step_recorded.register(marks.touch)

A hook is called like a function, where the call stands and in the caller's transaction, so
the side effect happens exactly where the import used to put it. A hook has one function;
calling one nobody registered raises `ImproperlyConfigured` rather than skip the side effect,
and core/tests/test_hooks.py checks that every declared hook is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    def __init__(self, prototype: Callable[P, R]) -> None:
        self.name = f"{prototype.__module__}.{prototype.__qualname__}"
        self.__doc__ = prototype.__doc__
        self.function: Callable[P, R] | None = None
        DECLARED.append(self)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"

    def register(self, function: Callable[P, R]) -> Callable[P, R]:
        """Make FUNCTION the hook's; registering the same one again (a second ready()) is
        harmless, registering another is a mistake."""
        if self.function is not None and self.function is not function:
            raise ImproperlyConfigured(f"{self.name} is already registered: {self.function!r}")
        self.function = function
        return function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.function is None:
            raise ImproperlyConfigured(f"no app registered the hook {self.name}")
        return self.function(*args, **kwargs)


# Every hook declared, in import order (core/tests/test_hooks.py).
DECLARED: list[Hook[Any, Any]] = []
