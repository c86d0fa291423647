"""ffi.init_once: once per tag, thread-safe, exceptions not cached."""

import threading
import time

import pytest


def test_runs_once_per_tag(ffi):
    calls = []

    def init():
        calls.append(1)
        return len(calls)

    assert ffi.init_once(init, "a") == 1
    assert ffi.init_once(init, "a") == 1
    assert ffi.init_once(init, "b") == 2
    assert calls == [1, 1]


def test_exception_is_propagated_and_not_cached(ffi):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first")
        return "ok"

    with pytest.raises(ValueError):
        ffi.init_once(flaky, "t")
    assert ffi.init_once(flaky, "t") == "ok"
    assert len(attempts) == 2


def test_concurrent_callers_wait(ffi):
    calls = []
    results = []

    def slow():
        calls.append(1)
        time.sleep(0.1)
        return "done"

    threads = [threading.Thread(target=lambda: results.append(ffi.init_once(slow, "x")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert results == ["done"] * 4


def test_tags_are_per_ffi(both):
    r, _ = both
    import rcffi

    other = rcffi.FFI()
    assert r.init_once(lambda: 1, "k") == 1
    assert other.init_once(lambda: 2, "k") == 2
