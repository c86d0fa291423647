"""ffi.errno: C errno saved after each call, restored before the next, per thread."""

import errno
import os
import threading

import pytest

# Each pair sets/reads errno in C: one signature takes the direct register path,
# the other (a long double argument) goes through libffi.
PATHS = [("t_set_errno", "t_get_errno", ()), ("t_set_errno_ld", "t_get_errno_ld", (0.0,))]
IDS = ["direct", "libffi"]


@pytest.mark.parametrize("setter,getter,extra", PATHS, ids=IDS)
def test_errno_is_saved_after_each_call(tl, setter, getter, extra):
    ffi, lib = tl
    ffi.errno = 0
    assert getattr(lib, setter)(errno.ENOENT, *extra) == -1
    assert ffi.errno == errno.ENOENT
    getattr(lib, setter)(errno.EPERM, *extra)
    assert ffi.errno == errno.EPERM


@pytest.mark.parametrize("setter,getter,extra", PATHS, ids=IDS)
def test_errno_is_written_before_each_call(tl, setter, getter, extra):
    ffi, lib = tl
    for value in (0, 1234, errno.EINVAL, -1):
        ffi.errno = value
        assert getattr(lib, getter)(*extra) == value
        assert ffi.errno == value  # a call that leaves errno alone keeps the value


def test_python_activity_between_calls_does_not_change_ffi_errno(tl):
    ffi, lib = tl
    ffi.errno = 7
    with pytest.raises(FileNotFoundError):
        os.stat("/nonexistent/path/for/errno/test")
    assert ffi.errno == 7
    assert lib.t_get_errno() == 7


def test_errno_survives_calls_of_other_functions(tl):
    ffi, lib = tl
    lib.t_set_errno(errno.EAGAIN)
    lib.t_id_int(5)
    lib.t_id_ldouble(1.0)
    lib.t_sum_va(1, ffi.cast("int", 2))
    assert ffi.errno == errno.EAGAIN


def test_errno_is_thread_local(tl):
    ffi, lib = tl
    ffi.errno = 11
    seen = {}

    def worker():
        seen["initial"] = ffi.errno
        ffi.errno = 22
        seen["in_c"] = lib.t_get_errno()
        lib.t_set_errno(33)
        seen["after"] = ffi.errno

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["in_c"] == 22 and seen["after"] == 33
    assert seen["initial"] == 0  # a new thread starts with its own errno
    assert ffi.errno == 11
    assert lib.t_get_errno() == 11


def test_errno_of_concurrent_threads_stays_apart(tl):
    ffi, lib = tl
    errors = []
    barrier = threading.Barrier(4)

    def worker(k):
        try:
            for i in range(200):
                lib.t_set_errno(1000 * k + i)
                if i % 50 == 0:
                    barrier.wait()
                if ffi.errno != 1000 * k + i:
                    errors.append((k, i, ffi.errno))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_errno_matches_cffi(tl, ref):
    ffi, lib = tl
    cffi_ffi, clib = ref
    for f, c in ((ffi, lib), (cffi_ffi, clib)):
        f.errno = 5
        assert c.t_get_errno() == 5
        c.t_set_errno(errno.ERANGE)
    assert ffi.errno == cffi_ffi.errno == errno.ERANGE


def test_callbacks_see_c_errno_and_hand_back_ffi_errno(tl):
    ffi, lib = tl
    seen = []

    @ffi.callback("int(int)")
    def clobbering(value):
        seen.append(ffi.errno)
        with pytest.raises(FileNotFoundError):
            os.stat("/nonexistent/path/inside/a/callback")
        return 0

    ffi.errno = 0
    assert lib.t_errno_around_cb(clobbering, 33) == 33  # Python's ENOENT did not leak
    assert seen == [33]
    assert ffi.errno == 33

    @ffi.callback("int(int)")
    def setting(value):
        ffi.errno = 77
        return 0

    assert lib.t_errno_around_cb(setting, 33) == 77
    assert ffi.errno == 77


def test_callback_errno_in_a_foreign_thread(tl):
    ffi, lib = tl
    seen = []

    @ffi.callback("int(int, void *)")
    def f(i, user):
        seen.append(lib.t_get_errno())  # a C call from the callback's thread
        ffi.errno = 100 + i
        return 0

    ffi.errno = 5
    lib.t_call_in_thread(f, ffi.NULL, 3)
    assert seen == [0, 100, 101]
    assert ffi.errno == 5  # the main thread's value is its own
