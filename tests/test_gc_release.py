"""ffi.gc, ffi.release and the context manager."""

import gc

import pytest

from differential import outcome


def test_destructor_runs_once_when_the_gc_object_dies(ffi):
    calls = []
    p = ffi.cast("int *", 8)
    g = ffi.gc(p, calls.append)
    assert g == p and g is not p
    del g
    gc.collect()
    assert calls == [p]


def test_release_runs_the_destructor_now_and_once(ffi):
    calls = []
    g = ffi.gc(ffi.cast("int *", 8), calls.append)
    ffi.release(g)
    ffi.release(g)
    assert len(calls) == 1
    del g
    gc.collect()
    assert len(calls) == 1


def test_gc_none_removes_the_destructor(ffi):
    calls = []
    g = ffi.gc(ffi.cast("int *", 8), calls.append)
    assert ffi.gc(g, None) is None
    del g
    gc.collect()
    assert calls == []
    with pytest.raises(TypeError):
        ffi.gc(ffi.new("int *"), None)


def test_destructor_errors_are_unraisable(ffi):
    import sys

    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        g = ffi.gc(ffi.cast("int *", 8), lambda p: 1 / 0)
        del g
        gc.collect()
    finally:
        sys.unraisablehook = old
    assert len(seen) == 1 and seen[0].exc_type is ZeroDivisionError


def test_gc_with_malloc_and_free(ffi):
    ffi.cdef("void *malloc(size_t); void free(void *);")
    lib = ffi.dlopen(None)
    p = ffi.gc(ffi.cast("int *", lib.malloc(40)), lib.free)
    p[9] = 5
    assert p[9] == 5
    ffi.release(p)


GC_REPRS = ["ffi.gc(ffi.cast('int', 5), print)", "ffi.gc(ffi.new('int[3]'), print)",
            "ffi.gc(5, print)", "ffi.gc(ffi.new('int *'), None)",
            "ffi.release(ffi.cast('int *', 8))", "ffi.release(ffi.NULL)", "ffi.release(5)",
            "ffi.release(ffi.new('int *'))", "ffi.release(ffi.from_buffer(b'ab'))"]


@pytest.mark.parametrize("expr", GC_REPRS)
def test_gc_and_release_results_match_cffi(both, expr, capsys):
    r, c = both
    assert outcome(lambda: eval(expr, {"ffi": r})) == outcome(lambda: eval(expr, {"ffi": c}))


def test_context_manager_releases(ffi):
    calls = []
    with ffi.gc(ffi.new("int[4]"), calls.append) as p:
        p[0] = 1
    assert len(calls) == 1
    with pytest.raises(RuntimeError, match="released"):
        p[0]


def test_released_cdata_raise_instead_of_crashing(ffi):
    ffi.cdef("typedef struct { int x; } s_t;")
    with ffi.new("s_t *") as s:
        pass
    for action in (lambda: s.x, lambda: setattr(s, "x", 1), lambda: s[0], lambda: ffi.buffer(s),
                   lambda: ffi.string(ffi.new("char[2]")) and ffi.string(ffi.cast("char *", s))):
        try:
            action()
        except RuntimeError:
            pass
    with pytest.raises(RuntimeError):
        s.x
    with pytest.raises(RuntimeError):
        s.x = 1
    with pytest.raises(RuntimeError):
        ffi.buffer(s)
    a = ffi.new("int[3]")
    ffi.release(a)
    for action in (lambda: a[0], lambda: list(a), lambda: a[0:1], lambda: ffi.unpack(a, 1),
                   lambda: ffi.memmove(a, b"x", 1), lambda: ffi.new("int **", a)):
        with pytest.raises(RuntimeError):
            action()


def test_views_of_released_cdata_raise(ffi):
    ffi.cdef("typedef struct { int v[2]; } w_t;")
    w = ffi.new("w_t *")
    inner = w.v
    ffi.release(w)
    with pytest.raises(RuntimeError):
        inner[0]


def test_released_cdata_passed_to_c_raises(ffi):
    ffi.cdef("size_t strlen(const char *); typedef struct { int a, b; } pair_t;")
    lib = ffi.dlopen(None)
    s = ffi.new("char[]", b"hello")
    assert lib.strlen(s) == 5
    p = ffi.new("char *")
    ffi.release(p)
    with pytest.raises(RuntimeError):
        lib.strlen(p)
