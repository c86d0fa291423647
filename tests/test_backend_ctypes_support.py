"""Backend primitives rcffi.ctypes needs: ``object_at`` (py_object reads a
``PyObject *`` back from memory) and ``ABI_KEEP_GIL`` (PyDLL calls Python's C
API, which must run with the GIL held)."""

import threading

import pytest

from rcffi import _backend as B


def test_object_at_gives_the_object_back():
    marker = object()
    assert B.object_at(id(marker)) is marker


def test_object_at_null_is_an_error():
    with pytest.raises(ValueError):
        B.object_at(0)


def test_keep_gil_function_type_is_named_and_callable():
    long_ = B.new_primitive_type("long")
    uintptr = B.new_primitive_type("uintptr_t")
    ftype = B.new_function_type((long_,), uintptr, 0, B.ABI_KEEP_GIL)
    assert "__keep_gil" in B.getcname(ftype, "")
    lib = B.load_library(None)
    from_long = lib.load_function(ftype, "PyLong_FromLong")
    assert B.object_at(from_long(4242)) == 4242


def test_default_abi_releases_the_gil_around_calls():
    # usleep under the default ABI lets another Python thread run meanwhile.
    uint = B.new_primitive_type("unsigned int")
    int_ = B.new_primitive_type("int")
    lib = B.load_library(None)
    usleep = lib.load_function(B.new_function_type((uint,), int_), "usleep")
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = len(ticks)
        usleep(200000)
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert during > 0
