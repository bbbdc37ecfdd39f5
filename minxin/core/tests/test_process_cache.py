"""The one helper behind every per-process cache."""

from __future__ import annotations

import threading

import pytest

from minxin.core import process_cache
from minxin.core.process_cache import ProcessCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(process_cache, "monotonic", clock)
    return clock


def counting(loads: list) -> ProcessCache[str, int]:
    def load(key: str, previous: int | None) -> int:
        loads.append((key, previous))
        return (previous or 0) + 1

    return ProcessCache("test", load, ttl=60)


def test_a_value_is_loaded_once_within_its_ttl_and_again_after(clock):
    loads: list = []
    cache = counting(loads)
    assert cache.get("a") == 1
    clock.now += 59
    assert cache.get("a") == 1
    clock.now += 1
    assert cache.get("a") == 2
    assert loads == [("a", None), ("a", 1)]


def test_a_ttl_of_zero_loads_on_every_call_and_the_ttl_is_read_each_time(clock):
    loads: list = []
    ttl = [0.0]
    cache = ProcessCache(
        "test", lambda key, previous: loads.append(key) or len(loads), ttl=lambda: ttl[0]
    )
    assert [cache.get("a"), cache.get("a")] == [1, 2]
    ttl[0] = 10
    assert [cache.get("a"), cache.get("a")] == [2, 2]  # the last load, still fresh


def test_reset_all_empties_every_cache(clock):
    first, second = [], []
    one, two = counting(first), counting(second)
    one.get("a"), two.get("b")
    process_cache.reset_all()
    assert one.peek("a") is None
    assert two.get("b") == 1
    assert second == [("b", None), ("b", None)]


def test_put_and_forget_one_key(clock):
    loads: list = []
    cache = counting(loads)
    cache.put("a", 7)
    assert cache.get("a") == 7
    cache.get("b")
    cache.forget("a")
    assert cache.peek("a") is None
    assert cache.peek("b") == 1
    assert loads == [("b", None)]


def test_the_oldest_entry_leaves_when_the_cache_is_full(clock):
    cache = ProcessCache("test", lambda key, previous: key.upper(), ttl=60, max_entries=2)
    for key in "abc":
        cache.get(key)
    assert [cache.peek(k) for k in "abc"] == [None, "B", "C"]


class InlineThread:
    """Runs the background load at `start`, so the test sees its result at once."""

    def __init__(self, target, args, daemon):  # type: ignore[no-untyped-def]
        self.run = lambda: target(*args)

    def start(self) -> None:
        self.run()


def test_in_the_background_mode_a_stale_value_is_served_while_a_thread_loads(clock):
    started: list = []

    class Recorded(InlineThread):
        def start(self) -> None:
            started.append(self.run)

    cache = ProcessCache(
        "test",
        lambda key, previous: f"{previous}+",
        ttl=60,
        background=True,
        first=lambda key: "first",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(process_cache, "Thread", Recorded)
        assert cache.get("a") == "first"  # answered at once, replaced in the background
        assert cache.get("a") == "first"  # one refresh at a time
        assert len(started) == 1
        started[0]()
        assert cache.get("a") == "first+"
        clock.now += 61
        assert cache.get("a") == "first+"
        started[1]()
        assert cache.get("a") == "first++"


def test_a_failed_background_load_keeps_the_old_value(clock, monkeypatch, caplog):
    calls: list = []

    def load(key: str, previous: str | None) -> str:
        calls.append(previous)
        if previous is not None:
            raise RuntimeError("database down")
        return "old"

    monkeypatch.setattr(process_cache, "Thread", InlineThread)
    monkeypatch.setattr(process_cache.connections, "close_all", lambda: None)
    cache = ProcessCache("test", load, ttl=60, background=True)
    assert cache.get("a") == "old"
    clock.now += 61
    assert cache.get("a") == "old"
    assert "test: could not refresh" in caplog.text
    assert cache.get("a") == "old"  # stamped again: no new attempt before another ttl
    assert calls == [None, "old"]


def test_the_loads_of_many_threads_do_not_overlap():
    inside, most = [0], [0]

    def load(key: str, previous: int | None) -> int:
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        threading.Event().wait(0.001)
        inside[0] -= 1
        return 1

    cache = ProcessCache("test", load, ttl=0)
    threads = [
        threading.Thread(target=lambda: [cache.get("a") for _ in range(20)]) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
