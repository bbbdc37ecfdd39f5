"""Values a process keeps in memory for a while: one helper for every per-process cache.

    terms = ProcessCache("risk terms", load_terms, ttl=60)
    terms.get()            # loaded on first use, again once older than 60 seconds

`load(key, previous)` receives the value it replaces (None on the first load), so a loader can
keep what has not changed (a model whose version is the same, an index whose corpus is). `ttl`
is seconds or a function returning them (read at every call, so settings overridden in tests
count); 0 or less loads on every call. With `background=True`, an expired value is still
returned while one daemon thread loads the next, and `first(key)` (when given) answers the
very first call cheaply and is replaced at once in the background.

Every cache registers itself; `reset_all()` empties them all (the test suite calls it around
every test, so no test sees what an earlier one loaded).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from threading import Lock, Thread
from time import monotonic as monotonic  # re-exported: one clock for every cache's ages
from typing import Generic, TypeVar

from django.db import connections

logger = logging.getLogger(__name__)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_caches: list[ProcessCache] = []


class ProcessCache(Generic[K, V]):
    """A thread-safe map of key to value, each value reloaded when older than `ttl`."""

    def __init__(
        self,
        name: str,
        load: Callable[[K, V | None], V],
        *,
        ttl: float | Callable[[], float],
        max_entries: int = 256,
        background: bool = False,
        first: Callable[[K], V] | None = None,
    ) -> None:
        self.name = name
        self._load = load
        self._ttl = ttl
        self._max_entries = max_entries
        self._background = background
        self._first = first
        self._lock = Lock()
        self._values: dict[K, tuple[V, float]] = {}
        self._refreshing: set[K] = set()
        _caches.append(self)

    def ttl(self) -> float:
        return float(self._ttl() if callable(self._ttl) else self._ttl)

    def get(self, key: K) -> V:
        """The value of `key`, loaded now if there is none or it is too old (or, in the
        background mode, the old one while a thread loads the next)."""
        ttl = self.ttl()
        with self._lock:
            held = self._values.get(key)
            if held is not None and ttl > 0 and monotonic() - held[1] < ttl:
                return held[0]
            later = self._background and ttl > 0
            if later and held is None and self._first is not None:
                held = (self._first(key), float("-inf"))
                self._store(key, *held)
            if not later or held is None:
                value = self._load(key, held[0] if held is not None else None)
                self._store(key, value, monotonic())
                return value
            start = key not in self._refreshing
            self._refreshing.add(key)
        if start:
            Thread(target=self._refresh, args=(key,), daemon=True).start()
        return held[0]

    def peek(self, key: K) -> V | None:
        """The value held for `key`, however old, without loading anything."""
        held = self._values.get(key)
        return held[0] if held is not None else None

    def put(self, key: K, value: V) -> None:
        """Hold `value` for `key` from now on (a process that changed the source knows)."""
        with self._lock:
            self._store(key, value, monotonic())

    def forget(self, key: K | None = None) -> None:
        """Drop `key` (every key when None): the next `get` loads afresh."""
        with self._lock:
            if key is None:
                self._values.clear()
                self._refreshing.clear()
            else:
                self._values.pop(key, None)
                self._refreshing.discard(key)

    def reset(self) -> None:
        self.forget()

    def _store(self, key: K, value: V, at: float) -> None:
        self._values.pop(key, None)
        while len(self._values) >= self._max_entries:
            self._values.pop(next(iter(self._values)))
        self._values[key] = (value, at)

    def _refresh(self, key: K) -> None:
        try:
            held = self._values.get(key)
            value = self._load(key, held[0] if held is not None else None)
            with self._lock:
                self._store(key, value, monotonic())
        except Exception:  # the process goes on with what it had, and tries again after a ttl
            logger.exception("%s: could not refresh", self.name)
            with self._lock:
                if key in self._values:
                    self._store(key, self._values[key][0], monotonic())
        finally:
            with self._lock:
                self._refreshing.discard(key)
            connections.close_all()


def reset_all() -> None:
    """Empty every process cache (tests; a process that knows everything changed)."""
    for cache in _caches:
        cache.reset()
