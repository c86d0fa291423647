"""ffi.gc, ffi.release and the context manager."""

import gc
import subprocess
import sys

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


def test_context_manager_runs_the_destructor_and_keeps_the_data(ffi):
    calls = []
    with ffi.gc(ffi.new("int[4]"), calls.append) as p:
        p[0] = 1
    assert len(calls) == 1
    # As in cffi: the destructor decides what becomes of the memory; here it
    # kept it, so the cdata still reads it.
    assert p[0] == 1


RELEASED_NEW = [
    "s.x", "s[0].x", "s[1]", "a[2]", "list(a)", "a[0:2]", "ffi.unpack(a, 2)",
    "ffi.buffer(s)[:]", "w.v[1]", "ffi.new('int **', a)[0][1]", "ffi.addressof(s[0], 'x')[0]",
]


@pytest.mark.parametrize("expr", RELEASED_NEW)
def test_memory_from_new_stays_after_release_as_in_cffi(both, expr):
    def run(ffi):
        ffi.cdef("typedef struct { int x; } s_t; typedef struct { int v[2]; } w_t;")
        s = ffi.new("s_t *", [5])
        a = ffi.new("int[3]", [1, 2, 3])
        w = ffi.new("w_t *", [[7, 8]])
        inner = w.v
        for cdata in (s, a, w):
            ffi.release(cdata)
            ffi.release(cdata)
        with ffi.new("int *") as _:
            pass
        return outcome(lambda: eval(expr, {"ffi": ffi, "s": s, "a": a, "w": w, "inner": inner}))

    r, c = both
    assert run(r) == run(c)


def test_released_from_buffer_reads_while_its_source_keeps_the_memory(ffi):
    data = bytearray(b"xyz")
    p = ffi.from_buffer(data)
    ffi.release(p)
    assert repr(p) == "<cdata 'char[]' buffer RELEASED>"
    assert p[2] == b"z"
    data.clear()  # unlocked: the source may change size now
    with pytest.raises(RuntimeError, match="released"):
        p[0]


def test_memory_freed_by_an_allocator_raises_after_release(ffi):
    freed = []
    new = ffi.new_allocator(lambda n: ffi.new("char[]", n), freed.append)
    a = new("int[3]")
    ffi.release(a)
    assert len(freed) == 1
    with pytest.raises(RuntimeError, match="released"):
        a[0]


def test_a_gc_cdata_keeps_the_memory_it_points_to_after_its_destructor(ffi):
    # The original may own the memory: released or with its destructor
    # removed, the gc cdata still reads its own data, not freed memory.
    calls = []
    released = ffi.gc(ffi.new("int[8]", list(range(8))), lambda p: calls.append(1))
    ffi.release(released)
    ffi.release(released)
    removed = ffi.gc(ffi.new("char[]", b"abcdef"), lambda p: calls.append(2))
    assert ffi.gc(removed, None) is None
    gc.collect()
    churn = [ffi.new("int[8]", [7] * 8) for _ in range(2000)]
    assert list(released) == list(range(8)) and ffi.string(removed) == b"abcdef"
    assert len(calls) == 1 and churn


@pytest.mark.parametrize("alive", [
    "view = ffi.from_buffer(bytearray(8))",
    "calls = []\nkept = ffi.gc(ffi.new('int[4]'), calls.append)\nffi.release(kept)",
    "other = ffi.gc(ffi.new('int *'), lambda p: None)",
])
def test_cdata_with_resources_alive_at_interpreter_exit(tmp_path, alive):
    # Destroyed while the interpreter finalizes its modules, with no such
    # cdata dropped before: the exit is clean (it used to abort).
    script = tmp_path / "at_exit.py"
    script.write_text("import rcffi\nffi = rcffi.FFI()\n" + alive + "\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "panicked" not in done.stderr, done.stderr


def test_a_gc_cdata_of_a_released_buffer_raises_once_the_memory_moved(ffi):
    source = bytearray(b"abcdefgh")
    view = ffi.from_buffer("char[]", source)
    wrapped = ffi.gc(view, lambda p: None)
    ffi.release(view)
    assert wrapped[1] == b"b"
    source.extend(b"x" * 100000)
    with pytest.raises(RuntimeError, match="released"):
        wrapped[1]


def test_chained_gc_destructors_run_outermost_first_when_dropped(ffi):
    seen = []
    first = ffi.gc(ffi.new("int *", 1), lambda p: seen.append(1))
    second = ffi.gc(first, lambda p: seen.append(2))
    third = ffi.gc(second, lambda p: seen.append(3))
    del first, second, third
    gc.collect()
    assert seen == [3, 2, 1]
