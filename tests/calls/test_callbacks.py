"""ffi.callback(): Python callables as C function pointers, called by the test
library (tests/c/testlib.c) from the calling thread and from threads it starts."""

import gc
import math
import sys
import threading
import weakref

import pytest


@pytest.fixture
def unraisable(monkeypatch):
    """The exceptions reported through sys.unraisablehook, as
    (exc_type, exc_value, exc_traceback, err_msg, object, thread) tuples."""
    seen = []

    def hook(u):
        seen.append((u.exc_type, u.exc_value, u.exc_traceback, u.err_msg, u.object,
                     threading.get_ident()))

    monkeypatch.setattr(sys, "unraisablehook", hook)
    return seen


def names_callable(report, fn):
    """Whether an unraisable report designates `fn` (as its object or in its message)."""
    _, _, _, err_msg, obj, _ = report
    return obj is fn or (err_msg is not None and repr(fn) in err_msg)


# ---- making callbacks --------------------------------------------------------


def test_callback_from_function_and_function_pointer_types(tl):
    ffi, lib = tl

    def plus_one(x):
        return x + 1

    for cdecl in ("int(int)", "int(*)(int)", ffi.typeof("int(*)(int)")):
        cb = ffi.callback(cdecl, plus_one)
        assert ffi.typeof(cb) is ffi.typeof("int(*)(int)")
        assert lib.t_cb_int(cb, 41) == 42


def test_callback_as_decorator(tl):
    ffi, lib = tl

    @ffi.callback("int(int)")
    def twice(x):
        return 2 * x

    @ffi.callback("int(int)", error=-5)
    def failing(x):
        raise ValueError(x)

    assert lib.t_cb_int(twice, 21) == 42
    assert twice(4) == 8  # callable from Python too, through C
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: None
    try:
        assert lib.t_cb_int(failing, 1) == -5
    finally:
        sys.unraisablehook = old


def test_callback_argument_errors(tl):
    ffi, _ = tl
    with pytest.raises(TypeError):
        ffi.callback("int(int)", 42)
    with pytest.raises(TypeError):
        ffi.callback("int", lambda: 0)
    with pytest.raises(TypeError):
        ffi.callback("int(int)", lambda x: x, onerror=42)
    with pytest.raises(OverflowError):
        ffi.callback("int(int)", lambda x: x, error=2**40)
    with pytest.raises(TypeError):
        ffi.callback("int(int)", lambda x: x, error="x")
    with pytest.raises((TypeError, NotImplementedError)):
        ffi.callback("int(int, ...)", lambda *a: 0)


# ---- arguments and results of every kind ---------------------------------------------

KINDS = [
    ("schar", [-128, 127, 0]), ("uchar", [0, 255]), ("short", [-32768, 32767]),
    ("ushort", [65535]), ("int", [-(2**31), 2**31 - 1]), ("uint", [2**32 - 1]),
    ("long", [-(2**63), 2**63 - 1]), ("ulong", [2**64 - 1]), ("llong", [-(2**63)]),
    ("ullong", [2**64 - 1]), ("int8", [-128]), ("uint8", [255]), ("int16", [-32768]),
    ("uint16", [65535]), ("int32", [-(2**31)]), ("uint32", [2**32 - 1]),
    ("int64", [-(2**63)]), ("uint64", [2**64 - 1, 0]), ("size", [2**64 - 1]),
    ("color", [-3, 5]), ("bool", [True, False]), ("char", [b"\x00", b"\xff", b"a"]),
    ("float", [1.5, -0.0, math.inf, 2.0**127]), ("double", [0.1, -1e308, 5e-324, math.inf]),
    ("cfloat", [1.5 - 0.25j]), ("cdouble", [0.1 + 1e300j]),
]
CTYPES = {
    "schar": "signed char", "uchar": "unsigned char", "ushort": "unsigned short",
    "uint": "unsigned int", "ulong": "unsigned long", "llong": "long long",
    "ullong": "unsigned long long", "int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t",
    "uint16": "uint16_t", "int32": "int32_t", "uint32": "uint32_t", "int64": "int64_t",
    "uint64": "uint64_t", "size": "size_t", "color": "enum t_color", "bool": "_Bool",
    "cfloat": "float _Complex", "cdouble": "double _Complex",
}


@pytest.mark.parametrize("name,values", KINDS, ids=[k[0] for k in KINDS])
def test_callback_arguments_and_results_round_trip(tl, name, values):
    ffi, lib = tl
    ctype = CTYPES.get(name, name)
    seen = []

    def identity(x):
        seen.append(x)
        return x

    cb = ffi.callback("%s(%s)" % (ctype, ctype), identity)
    caller = getattr(lib, "t_cb_" + name)
    for v in values:
        seen.clear()
        r = caller(cb, v)
        assert seen == [v] and type(seen[0]) is type(v)
        assert r == v and type(r) is type(v)
        if isinstance(v, float):
            assert math.copysign(1.0, r) == math.copysign(1.0, v)


def test_callback_float_nan(tl):
    ffi, lib = tl
    cb = ffi.callback("double(double)", lambda x: x)
    assert math.isnan(lib.t_cb_double(cb, math.nan))
    cbf = ffi.callback("float(float)", lambda x: x * 2)
    assert lib.t_cb_float(cbf, 0.75) == 1.5


def test_callback_long_double(tl):
    ffi, lib = tl
    seen = []

    def f(x):
        seen.append(x)
        return x

    third = lib.t_third_ldouble()
    r = lib.t_cb_ldouble(ffi.callback("long double(long double)", f), third)
    assert ffi.typeof(seen[0]) is ffi.typeof("long double")
    assert lib.t_is_third_ldouble(seen[0]) == 1
    assert lib.t_is_third_ldouble(r) == 1
    r = lib.t_cb_ldouble(ffi.callback("long double(long double)", lambda x: 2.5), 1.0)
    assert float(r) == 2.5


def test_callback_pointers_and_strings(tl):
    ffi, lib = tl
    p = ffi.new("int *", 7)
    seen = []

    def f(ptr):
        seen.append(ptr)
        return ptr

    r = lib.t_cb_ptr(ffi.callback("void *(void *)", f), p)
    assert ffi.typeof(seen[0]) is ffi.typeof("void *")
    assert ffi.cast("int *", r)[0] == 7
    assert lib.t_cb_ptr(ffi.callback("void *(void *)", lambda x: ffi.NULL), p) == ffi.NULL
    strings = []

    def g(s):
        strings.append(ffi.typeof(s))
        return len(ffi.string(s))

    assert lib.t_cb_str(ffi.callback("int(const char *)", g), b"four") == 4
    assert strings == [ffi.typeof("char *")]


def test_void_and_no_argument_callbacks(tl):
    ffi, lib = tl
    got = []
    assert lib.t_cb_void(ffi.callback("void(int)", got.append), 9) is None
    assert got == [9]
    assert lib.t_cb_noargs(ffi.callback("int(void)", lambda: 77)) == 77


def test_callback_with_sixteen_arguments(tl):
    ffi, lib = tl
    seen = []

    @ffi.callback("double(int, double, signed char, float, long long, double, unsigned short, "
                  "double, int, double, int, double, int, double, int, double)")
    def many(*args):
        seen.append(args)
        return sum(args)

    expected = (1, 2.5, -3, 4.5, -5000000000, 6.5, 65535, 8.5, 9, 10.5, 11, 12.5, 13, 14.5,
                -15, 16.5)
    assert lib.t_cb_args16(many) == sum(expected)
    assert seen == [expected]


def test_callbacks_taking_and_returning_structs_by_value(tl):
    ffi, lib = tl
    seen = []

    @ffi.callback("struct t_s3(struct t_s3)")
    def s3(v):
        seen.append(ffi.typeof(v))
        return [v.c, v.b, v.a]

    r = lib.t_cb_s3(s3, [1, -2, 3])
    assert (r.a, r.b, r.c) == (3, -2, 1)
    assert seen == [ffi.typeof("struct t_s3")]

    @ffi.callback("struct t_s8f(struct t_s8f)")
    def s8f(v):
        return {"x": v.y * 2, "y": v.x * 2}

    r = lib.t_cb_s8f(s8f, [1.5, 2.5])
    assert (r.x, r.y) == (5.0, 3.0)

    @ffi.callback("struct t_s12i(struct t_s12i, int)")
    def s12i(v, k):
        v.a += k
        return v  # a struct cdata is returned by value too

    r = lib.t_cb_s12i(s12i, [1, 2, 3], 100)
    assert (r.a, r.b, r.c) == (101, 2, 3)

    @ffi.callback("struct t_s16m(struct t_s16m)")
    def s16m(v):
        return [v.d + 0.5, v.i - 1]

    r = lib.t_cb_s16m(s16m, [1.0, 2**62])
    assert (r.d, r.i) == (1.5, 2**62 - 1)

    @ffi.callback("struct t_s40(struct t_s40)")
    def s40(v):
        return [[x * 2 for x in v.d]]

    r = lib.t_cb_s40(s40, [[1, 2, 3, 4, 5]])
    assert list(r.d) == [2.0, 4.0, 6.0, 8.0, 10.0]

    @ffi.callback("double(struct t_s16d)")
    def s16d(v):
        return v.x - v.y

    assert lib.t_cb_sum_s16d(s16d, [10.0, 0.25]) == 9.75


def test_struct_arguments_are_copies(tl):
    ffi, lib = tl
    kept = []

    @ffi.callback("struct t_s12i(struct t_s12i, int)")
    def keep(v, k):
        kept.append(v)
        return v

    lib.t_cb_s12i(keep, [1, 2, 3], 0)
    lib.t_cb_s12i(keep, [4, 5, 6], 0)
    assert [(v.a, v.b, v.c) for v in kept] == [(1, 2, 3), (4, 5, 6)]


# ---- exceptions ---------------------------------------------------------------------------


def test_exception_is_reported_and_error_value_returned(tl, unraisable):
    ffi, lib = tl

    def boom(x):
        raise ValueError("bad %d" % x)

    cb = ffi.callback("int(int)", boom, error=-7)
    assert lib.t_cb_int(cb, 3) == -7
    assert len(unraisable) == 1
    exc_type, exc_value, tb, _, _, _ = unraisable[0]
    assert exc_type is ValueError and str(exc_value) == "bad 3"
    assert tb is not None and tb.tb_frame.f_code is boom.__code__
    assert names_callable(unraisable[0], boom)


def test_default_error_value_is_zero(tl, unraisable):
    ffi, lib = tl

    def boom(*args):
        raise RuntimeError

    assert lib.t_cb_int(ffi.callback("int(int)", boom), 5) == 0
    assert lib.t_cb_double(ffi.callback("double(double)", boom), 5.0) == 0.0
    assert lib.t_cb_ptr(ffi.callback("void *(void *)", boom), ffi.new("int *")) == ffi.NULL
    assert lib.t_cb_void(ffi.callback("void(int)", boom), 1) is None
    assert [u[0] for u in unraisable] == [RuntimeError] * 4


def test_error_values_of_other_kinds(tl, unraisable):
    ffi, lib = tl

    def boom(*args):
        raise RuntimeError

    assert lib.t_cb_double(ffi.callback("double(double)", boom, error=-2.5), 1.0) == -2.5
    assert lib.t_cb_schar(ffi.callback("signed char(signed char)", boom, error=-100), 1) == -100
    assert lib.t_cb_ullong(ffi.callback("unsigned long long(unsigned long long)", boom,
                                        error=2**64 - 1), 1) == 2**64 - 1
    assert lib.t_cb_bool(ffi.callback("_Bool(_Bool)", boom, error=True), False) is True
    r = lib.t_cb_s12i(ffi.callback("struct t_s12i(struct t_s12i, int)", boom,
                                   error=[-1, -2, -3]), [1, 2, 3], 0)
    assert (r.a, r.b, r.c) == (-1, -2, -3)
    assert len(unraisable) == 5


def test_bad_results_are_reported_and_error_returned(tl, unraisable):
    ffi, lib = tl
    assert lib.t_cb_int(ffi.callback("int(int)", lambda x: "str", error=-1), 1) == -1
    assert lib.t_cb_int(ffi.callback("int(int)", lambda x: 2**40, error=-2), 1) == -2
    assert lib.t_cb_uchar(ffi.callback("unsigned char(unsigned char)", lambda x: 256,
                                       error=9), 1) == 9
    assert lib.t_cb_void(ffi.callback("void(int)", lambda x: 5), 1) is None
    assert lib.t_cb_int(ffi.callback("int(int)", lambda: 1, error=-3), 1) == -3  # arity
    assert [u[0] for u in unraisable] == [TypeError, OverflowError, OverflowError, TypeError,
                                          TypeError]


def test_onerror_is_called_first_and_may_supply_the_result(tl, unraisable):
    ffi, lib = tl
    calls = []

    def boom(x):
        raise KeyError(x)

    def handler(exc, value, tb):
        calls.append((exc, value, tb))
        assert tb.tb_frame.f_locals["x"] == 12  # the callback's arguments are reachable
        return 1000 + value.args[0]

    cb = ffi.callback("int(int)", boom, error=-1, onerror=handler)
    assert lib.t_cb_int(cb, 12) == 1012
    assert len(calls) == 1
    exc, value, tb = calls[0]
    assert exc is KeyError and isinstance(value, KeyError) and tb is not None
    assert unraisable == []  # a handler that returns normally silences the report


def test_onerror_returning_none_gives_the_error_value(tl, unraisable):
    ffi, lib = tl
    calls = []

    def boom(x):
        raise ValueError

    cb = ffi.callback("int(int)", boom, error=-9, onerror=lambda *a: calls.append(a))
    assert lib.t_cb_int(cb, 1) == -9
    assert len(calls) == 1 and unraisable == []


def test_onerror_for_result_conversion_errors(tl, unraisable):
    ffi, lib = tl
    calls = []

    def handler(exc, value, tb):
        calls.append(exc)
        return 5

    cb = ffi.callback("int(int)", lambda x: "not an int", error=-1, onerror=handler)
    assert lib.t_cb_int(cb, 1) == 5
    assert calls == [TypeError] and unraisable == []


def test_errors_in_onerror_report_both_exceptions(tl, unraisable):
    ffi, lib = tl

    def boom(x):
        raise ValueError("original")

    def handler(exc, value, tb):
        raise KeyError("in handler")

    cb = ffi.callback("int(int)", boom, error=-4, onerror=handler)
    assert lib.t_cb_int(cb, 1) == -4
    assert [(u[0], str(u[1])) for u in unraisable] == [
        (ValueError, "original"), (KeyError, "'in handler'")]
    assert all(u[2] is not None for u in unraisable)
    unraisable.clear()

    cb = ffi.callback("int(int)", boom, error=-6, onerror=lambda *a: "not an int")
    assert lib.t_cb_int(cb, 1) == -6
    assert [u[0] for u in unraisable] == [ValueError, TypeError]


# ---- threads and lifetime --------------------------------------------------------------


def test_callback_called_many_times(tl):
    ffi, lib = tl
    n = 20000

    @ffi.callback("int(int, void *)")
    def f(i, user):
        return i % 7

    assert lib.t_call_n(f, ffi.NULL, n) == sum(i % 7 for i in range(n))


def test_user_data_pointer_is_passed_through(tl):
    ffi, lib = tl
    box = ffi.new("int *", 10)

    @ffi.callback("int(int, void *)")
    def f(i, user):
        return ffi.cast("int *", user)[0] * i

    assert lib.t_call_n(f, box, 4) == 10 * (0 + 1 + 2 + 3)


def test_callback_from_a_thread_python_never_created(tl):
    ffi, lib = tl
    threads = []

    @ffi.callback("int(int, void *)")
    def f(i, user):
        threads.append(threading.get_ident())
        return i + 1

    assert lib.t_call_in_thread(f, ffi.NULL, 50) == sum(range(1, 51))
    assert len(threads) == 50 and len(set(threads)) == 1
    assert threads[0] != threading.get_ident()


def test_callbacks_from_many_c_threads_at_once(tl):
    ffi, lib = tl
    lock = threading.Lock()
    per_thread = {}

    @ffi.callback("int(int, void *)")
    def f(i, user):
        with lock:
            ident = threading.get_ident()
            per_thread[ident] = per_thread.get(ident, 0) + 1
        return i

    assert lib.t_call_in_threads(f, ffi.NULL, 8, 500) == 8 * sum(range(500))
    assert sorted(per_thread.values()) == [500] * 8


def test_exception_in_a_foreign_thread_is_reported(tl, unraisable):
    ffi, lib = tl

    def boom(i, user):
        raise ValueError(i)

    cb = ffi.callback("int(int, void *)", boom, error=-1)
    assert lib.t_call_in_thread(cb, ffi.NULL, 3) == -3
    assert [u[0] for u in unraisable] == [ValueError] * 3
    assert all(u[5] != threading.get_ident() for u in unraisable)


def test_python_threads_run_while_c_calls_back_from_another_thread(tl):
    ffi, lib = tl
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    @ffi.callback("int(int, void *)")
    def f(i, user):
        return 1

    t = threading.Thread(target=ticker)
    t.start()
    try:
        assert lib.t_call_in_thread(f, ffi.NULL, 2000) == 2000
    finally:
        stop.set()
        t.join()
    assert ticks


def test_callback_keeps_its_callable_alive_and_releases_it(tl):
    ffi, lib = tl

    def make():
        def plus(x):
            return x + 100

        return plus

    fn = make()
    ref = weakref.ref(fn)
    cb = ffi.callback("int(int)", fn)
    del fn
    gc.collect()
    assert ref() is not None
    for i in range(100):
        assert lib.t_cb_int(cb, i) == i + 100
    del cb
    gc.collect()
    assert ref() is None


def test_callback_cdata_stays_valid_while_referenced(tl):
    ffi, lib = tl
    cbs = [ffi.callback("int(int)", (lambda k: lambda x: x * k)(k)) for k in range(50)]
    gc.collect()
    garbage = [ffi.new("char[4096]") for _ in range(100)]  # reuse freed memory, if any
    assert [lib.t_cb_int(cb, 3) for cb in cbs] == [3 * k for k in range(50)]
    assert len(garbage) == 100


# ---- differential checks against cffi -----------------------------------------------------

DIFF_CALLBACKS = [
    ("int(int)", "t_cb_int", lambda x: x * 3, 7),
    ("int(int)", "t_cb_int", lambda x: 2**31, 1),
    ("int(int)", "t_cb_int", lambda x: 1.5, 1),
    ("unsigned char(unsigned char)", "t_cb_uchar", lambda x: -1, 3),
    ("_Bool(_Bool)", "t_cb_bool", lambda x: not x, True),
    ("_Bool(_Bool)", "t_cb_bool", lambda x: 2, True),
    ("char(char)", "t_cb_char", lambda x: x.upper(), b"q"),
    ("char(char)", "t_cb_char", lambda x: 65, b"q"),
    ("float(float)", "t_cb_float", lambda x: x / 3, 1.0),
    ("double(double)", "t_cb_double", lambda x: "x", 1.0),
    ("enum t_color(enum t_color)", "t_cb_color", lambda x: x + 8, -3),
    ("uint64_t(uint64_t)", "t_cb_uint64", lambda x: x - 1, 2**64 - 1),
    ("void(int)", "t_cb_void", lambda x: None, 1),
    ("void(int)", "t_cb_void", lambda x: 0, 1),
]


@pytest.mark.parametrize("cdecl,caller,fn,arg", DIFF_CALLBACKS,
                         ids=["%s-%d" % (c[1], i) for i, c in enumerate(DIFF_CALLBACKS)])
def test_callback_results_and_reports_match_cffi(tl, ref, unraisable, cdecl, caller, fn, arg):
    results = []
    for ffi, lib in (tl, ref):
        unraisable.clear()
        r = getattr(lib, caller)(ffi.callback(cdecl, fn), arg)
        results.append((r, [u[0] for u in unraisable]))
    assert results[0] == results[1]


# ---- re-entrancy: callbacks called while another callback, or a destructor, runs ------


@pytest.mark.parametrize("side", ["rcffi", "cffi"])
def test_callback_calling_another_callback(side, tl, ref):
    ffi, lib = tl if side == "rcffi" else ref
    cb2 = ffi.callback("int(*)(int)", lambda x: x + 1)
    cb1 = ffi.callback("int(*)(int)", lambda x: cb2(x) * 2)
    assert cb1(3) == 8
    assert lib.t_cb_int(cb1, 3) == 8


def test_callback_calling_itself_through_c(tl):
    ffi, lib = tl

    @ffi.callback("int(int)")
    def factorial(n):
        return 1 if n <= 1 else n * lib.t_cb_int(factorial, n - 1)

    assert factorial(10) == 3628800
    assert lib.t_cb_int(factorial, 12) == 479001600


def test_callback_recursion_deeper_than_a_few_levels(tl):
    ffi, lib = tl

    @ffi.callback("int(int)")
    def down(n):
        return 0 if n == 0 else 1 + down(n - 1)

    assert lib.t_cb_int(down, 200) == 200


def test_qsort_inside_a_qsort_comparator():
    import rcffi

    ffi = rcffi.FFI()
    ffi.cdef("void qsort(void *, size_t, size_t, int(*)(const void *, const void *));")
    c = ffi.dlopen(None)
    inner_sorted = []

    @ffi.callback("int(const void *, const void *)")
    def by_value(a, b):
        x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
        return (x > y) - (x < y)

    @ffi.callback("int(const void *, const void *)")
    def outer(a, b):
        inner = ffi.new("int[]", [5, 3, 9, 1])
        c.qsort(inner, 4, ffi.sizeof("int"), by_value)
        inner_sorted.append(list(inner))
        return by_value(a, b)

    arr = ffi.new("int[]", [4, 2, 8, 6, 1])
    c.qsort(arr, 5, ffi.sizeof("int"), outer)
    assert list(arr) == [1, 2, 4, 6, 8]
    assert inner_sorted and all(s == [1, 3, 5, 9] for s in inner_sorted)


def test_callback_as_a_gc_destructor(tl):
    ffi, lib = tl
    freed = []

    @ffi.callback("void(void *)")
    def destroy(p):
        freed.append(ffi.cast("int *", p)[0])

    p = ffi.gc(ffi.new("int *", 41), destroy)
    del p
    gc.collect()
    assert freed == [41]


def test_destructor_calling_c_that_calls_back(tl):
    ffi, lib = tl
    seen = []

    @ffi.callback("int(int, void *)")
    def visit(i, user):
        seen.append(ffi.cast("int *", user)[0] + i)
        return i

    def destroy(p):
        # A library's *_destroy that calls a user-data callback.
        seen.append(lib.t_call_n(visit, p, 3))

    p = ffi.gc(ffi.new("int *", 100), destroy)
    del p
    gc.collect()
    assert seen == [100, 101, 102, 0 + 1 + 2]


def test_destructor_released_explicitly_calls_back(tl):
    ffi, lib = tl
    cb = ffi.callback("int(int)", lambda x: x * 5)
    out = []
    p = ffi.gc(ffi.new("int *", 7), lambda q: out.append(lib.t_cb_int(cb, q[0])))
    ffi.release(p)
    assert out == [35]


def test_nested_callbacks_in_a_c_thread(tl):
    ffi, lib = tl
    inner = ffi.callback("int(int)", lambda x: x * 10)
    idents = set()

    @ffi.callback("int(int, void *)")
    def outer(i, user):
        idents.add(threading.get_ident())
        return lib.t_cb_int(inner, i)

    assert lib.t_call_in_thread(outer, ffi.NULL, 20) == 10 * sum(range(20))
    assert len(idents) == 1 and threading.get_ident() not in idents


def test_nested_callbacks_in_many_c_threads(tl):
    ffi, lib = tl
    inner = ffi.callback("int(int)", lambda x: x + 1)

    @ffi.callback("int(int, void *)")
    def outer(i, user):
        return lib.t_cb_int(inner, i) - 1

    assert lib.t_call_in_threads(outer, ffi.NULL, 4, 200) == 4 * sum(range(200))


def test_nested_callbacks_in_python_threads(tl):
    ffi, lib = tl
    inner = ffi.callback("int(int)", lambda x: x * 2)
    outer = ffi.callback("int(int)", lambda x: lib.t_cb_int(inner, x) + 1)
    results = [None] * 8

    def work(k):
        results[k] = sum(lib.t_cb_int(outer, i) for i in range(300))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [sum(2 * i + 1 for i in range(300))] * 8


def test_unraisable_errors_name_the_callback_as_cffi_does(ffi, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)

    def failing(x):
        raise ValueError(x)

    def returns_something(x):
        return 5

    assert ffi.callback("int(*)(int)", failing, -7)(3) == -7
    ffi.callback("void(*)(int)", returns_something)(3)
    assert seen[0].err_msg == "Exception ignored from cffi callback %r" % (failing,)
    assert isinstance(seen[0].exc_value, ValueError)
    assert seen[1].err_msg == ("Exception ignored from cffi callback %r, trying to convert "
                               "the result back to C" % (returns_something,))
    assert str(seen[1].exc_value) == "callback with the return type 'void' must return None"
