"""Lockouts count in a store that never forgets early, before the secret is checked: no
flood lifts a lock, no number of parallel tries gets more than the limit evaluated, and a
citizen who proved their phone is never locked out by someone else's guesses."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from minxin.accounts import throttle
from minxin.accounts.throttle import Limit
from minxin.core import clock
from minxin.core.errors import DomainError, RateLimited
from minxin.tickets import codes, passwords, submission
from minxin.tickets.tests.helpers import submit


def wrong(password: str) -> str:
    return "000000" if password != "000000" else "111111"


def in_parallel(count: int, work: Callable[[int], None]) -> None:
    """Run work(i) in `count` threads released at once; each closes its connection."""
    gate = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            gate.wait()
            work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Counting:
    """Wraps a function, counting calls (thread-safe)."""

    def __init__(self, real: Callable) -> None:
        self.real, self.calls, self.lock = real, 0, threading.Lock()

    def __call__(self, *args: object, **kwargs: object) -> object:
        with self.lock:
            self.calls += 1
        return self.real(*args, **kwargs)


@pytest.mark.django_db
def test_a_flood_of_other_lookups_does_not_lift_a_lock(city, settings):
    # Finding 2: the counter lived in a cache that culled a third of its keys past 300.
    ticket, password = submit(city)
    for _ in range(settings.TRACKING_LOOKUP_MAX_FAILURES):
        with pytest.raises(DomainError):
            submission.ticket_for_citizen(raw_code=ticket.tracking_code, password=wrong(password))
    for _i in range(400):  # other codes, each a new counter
        other = codes.new_tracking_code()
        with pytest.raises(DomainError):
            submission.ticket_for_citizen(raw_code=other, password="123456")
    with pytest.raises(RateLimited):
        submission.ticket_for_citizen(raw_code=ticket.tracking_code, password=password)


@pytest.mark.django_db
def test_the_owner_who_proved_their_phone_is_never_locked_out(city):
    phone = "13911112222"
    ticket, _ = submit(city, phone=phone)
    for _ in range(30):
        with pytest.raises(DomainError):
            submission.ticket_for_citizen(raw_code=ticket.tracking_code, password="999999")
    found, actor = submission.ticket_for_citizen(raw_code=ticket.tracking_code, phone=phone)
    assert found.pk == ticket.pk
    assert actor.citizen_phone == phone


@pytest.mark.django_db
def test_a_client_flooding_many_codes_is_stopped(city, settings):
    settings.TRACKING_LOOKUP_MAX_PER_IP = 20
    for _i in range(20):
        with pytest.raises(DomainError) as caught:
            submission.ticket_for_citizen(
                raw_code=codes.new_tracking_code(), password="1", ip="10.9.9.9"
            )
        assert not isinstance(caught.value, RateLimited)
    last = codes.new_tracking_code()
    with pytest.raises(RateLimited):
        submission.ticket_for_citizen(raw_code=last, password="1", ip="10.9.9.9")
    with pytest.raises(DomainError) as other:  # another client is not affected
        submission.ticket_for_citizen(raw_code=last, password="1", ip="10.9.9.8")
    assert not isinstance(other.value, RateLimited)


@pytest.mark.django_db
def test_each_lockout_of_a_key_makes_the_next_window_longer():
    limit = Limit("test", 2, 60)
    start = clock.now()
    clock.freeze(start)
    windows = []
    for _round in range(3):
        hits = [throttle.hit(limit, "k") for _ in range(3)]
        assert [h.allowed(limit) for h in hits] == [True, True, False]
        windows.append(hits[0].retry_after)
        clock.freeze(clock.now() + dt.timedelta(seconds=hits[-1].retry_after + 1))
    assert windows == [60, 120, 240]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threads", [16, 40])
def test_parallel_lookups_get_no_more_passwords_checked_than_the_limit(
    city, settings, monkeypatch, threads
):
    # Finding 3: 16 parallel threads got 43 query-password guesses checked (limit 10).
    ticket, password = submit(city)
    checked = Counting(passwords.keyed_hash_matches)
    monkeypatch.setattr(passwords, "keyed_hash_matches", checked)

    def guess(i: int) -> None:
        try:
            submission.ticket_for_citizen(
                raw_code=ticket.tracking_code, password=f"{i:06d}" if i != 12 else wrong(password)
            )
        except DomainError:
            pass

    in_parallel(threads, guess)
    assert checked.calls <= settings.TRACKING_LOOKUP_MAX_FAILURES


@pytest.mark.django_db(transaction=True)
def test_parallel_token_logins_get_no_more_passwords_checked_than_the_limit(city, staff, settings):
    # Finding 3: 40 parallel token logins, the right password tenth: 18 × 401, then 200.
    # The right password is sent after the flood: inside it, a success that came early
    # would rightly reset the account's count and let later guesses be checked again.
    from django.contrib.auth.hashers import check_password as real_check
    from django.test import Client

    from conftest import PASSWORD

    checked = Counting(real_check)
    import django.contrib.auth.base_user as base_user

    def login(password: str) -> int:
        return (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": "intake", "password": password},
                content_type="application/json",
            )
            .status_code
        )

    original = base_user.check_password
    base_user.check_password = checked
    statuses: list[int] = []
    try:
        in_parallel(40, lambda i: statuses.append(login(f"wrong-{i}")))
        right = login(PASSWORD)
    finally:
        base_user.check_password = original
    assert checked.calls <= settings.LOGIN_MAX_FAILURES
    assert statuses.count(429) >= 40 - settings.LOGIN_MAX_FAILURES
    assert right == 429  # locked: not even the right password is checked


@pytest.mark.django_db(transaction=True)
def test_parallel_sms_code_guesses_get_no_more_than_the_limit_checked(monkeypatch):
    from minxin.identity import services

    services.sms_code_request(phone="13700001111", ip=None)
    checked = Counting(services.keyed_hash_matches)
    monkeypatch.setattr(services, "keyed_hash_matches", checked)

    def guess(i: int) -> None:
        try:
            services.sms_code_verify(phone="13700001111", code=f"{i:06d}")
        except DomainError:
            pass

    in_parallel(20, guess)
    assert checked.calls <= services.MAX_CODE_ATTEMPTS


def redis_or_skip() -> throttle.RedisStore:
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.RedisError:
        # .ci/run starts Redis and sets MINXIN_REQUIRE_REDIS=1: there a missing Redis fails.
        if os.environ.get("MINXIN_REQUIRE_REDIS") == "1":
            pytest.fail("no Redis at 127.0.0.1:6379 and MINXIN_REQUIRE_REDIS=1")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return throttle.RedisStore("redis://127.0.0.1:6379/15")


def test_on_redis_parallel_hits_allow_no_more_than_the_limit():
    store = redis_or_skip()
    key = f"parallel-{threading.get_ident()}-{clock.now().timestamp()}"
    allowed: list[bool] = []
    gate = threading.Barrier(40)

    def run() -> None:
        gate.wait()
        allowed.append(store.hit("test", key, 10, 60).count <= 10)

    threads = [threading.Thread(target=run) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 10
    assert 0 < store.client.ttl(f"minxin:fail:test:{key}") <= 60
    store.client.delete(f"minxin:fail:test:{key}", f"minxin:strikes:test:{key}")


def test_a_redis_that_evicts_any_key_fails_the_check(settings, monkeypatch):
    from minxin.accounts import checks

    store = redis_or_skip()
    monkeypatch.setattr(throttle, "store", lambda: store)
    monkeypatch.setattr(store, "eviction_policy", lambda: "allkeys-lru")
    assert [m.id for m in checks.check_throttle_store()] == ["accounts.E001"]
    monkeypatch.setattr(store, "eviction_policy", lambda: "noeviction")
    assert checks.check_throttle_store() == []


@pytest.mark.django_db
def test_counters_quiet_for_a_day_are_purged():
    from minxin.accounts.models import FailureCounter
    from minxin.accounts.tasks import throttle_purge_hourly

    throttle.hit(Limit("test", 3, 60), "old")
    clock.freeze(clock.now() + dt.timedelta(days=1, minutes=2))
    throttle.hit(Limit("test", 3, 60), "new")
    assert throttle_purge_hourly.call_local() == 1
    assert FailureCounter.objects.count() == 1


def test_on_redis_several_limits_are_counted_and_given_back_in_one_round_trip(monkeypatch):
    store = redis_or_skip()
    tag = f"{threading.get_ident()}-{clock.now().timestamp()}"
    store.client.script_load(throttle._LUA)  # as after the first call of a process
    store.client.script_load(throttle._GIVE_BACK_LUA)
    calls: list[str] = []
    original = store.client.execute_command

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(str(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(store.client, "execute_command", counted)
    monkeypatch.setattr(throttle, "store", lambda: store)
    code, client = Limit("lookup-t", 2, 60), Limit("lookup-ip-t", 3, 60)
    limits = [(code, f"c{tag}"), (client, f"i{tag}")]
    for _ in range(2):
        throttle.guard(*limits, message="稍后再试{wait}", code="locked")
    assert calls == ["EVALSHA", "EVALSHA"]  # both limits counted in one call per try
    with pytest.raises(RateLimited):  # the code's third try in the window
        throttle.guard(*limits, message="稍后再试{wait}", code="locked")
    calls.clear()
    throttle.give_back_all(limits)
    assert calls == ["EVALSHA"]
    monkeypatch.undo()
    assert store.peek("lookup-t", throttle._key(code, f"c{tag}")) == 2
    assert store.peek("lookup-ip-t", throttle._key(client, f"i{tag}")) == 2
    assert 0 < store.client.ttl(f"minxin:fail:lookup-t:{throttle._key(code, f'c{tag}')}") <= 60
    for scope, limit, value in (("lookup-t", code, f"c{tag}"), ("lookup-ip-t", client, f"i{tag}")):
        store.client.delete(*store._names(scope, throttle._key(limit, value)))
