"""The paths rcffi.ctypes takes in the backend (fields and items of simple
types, Structure.__init__, repeated calls of plain signatures) against CPython's
ctypes: each case runs twice or more, so that the second run takes the fast
path the first one set up, and the values the fast paths hand back to Python
(edge values, wrong types, changed settings) must give what ctypes gives."""

import pytest

INT_CODES = ["c_byte", "c_ubyte", "c_short", "c_ushort", "c_int", "c_uint", "c_long",
             "c_ulong", "c_longlong", "c_ulonglong"]
EDGE_VALUES = [0, 1, -1, 127, 128, 255, 256, -129, 2**15, 2**31 - 1, 2**31, -2**31 - 1,
               2**32, 2**63 - 1, 2**63, -2**63, 2**64 + 3, -2**70, True]


def libc(m):
    return m.CDLL(None)


@pytest.mark.parametrize("name", INT_CODES)
def test_integer_fields_wrap_as_ctypes_does(same, name):
    def run(m):
        class S(m.Structure):
            _fields_ = [("a", m.c_char), ("v", getattr(m, name))]
        s = S()
        seen = []
        for value in EDGE_VALUES:
            s.v = value
            seen.append(s.v)
        return seen
    same(run)


@pytest.mark.parametrize("value", [1.5, "3", None, b"x", 2.0])
def test_integer_field_refusals(same, value):
    def run(m):
        class S(m.Structure):
            _fields_ = [("v", m.c_int)]
        s = S(4)
        s.v = value
        return s.v
    same(run)


def test_float_bool_char_and_pointer_fields(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("f", m.c_float), ("d", m.c_double), ("b", m.c_bool),
                        ("c", m.c_char), ("p", m.c_void_p)]
        s = S()
        out = []
        for f, d, b, c, p in [(1.5, 2, 3, b"a", 7), (1e39, -1e300, 0, 66, None),
                              (-1e39, 2**80, [], bytearray(b"z"), 0), (3, 0.5, "x", b"q", 2**64 - 1)]:
            s.f, s.d, s.b, s.c, s.p = f, d, b, c, p
            out.append((s.f, s.d, s.b, s.c, s.p))
        return out
    same(run)


def test_bool_field_given_an_instance(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("b", m.c_bool)]
        s = S()
        s.b = m.c_bool(True)
        return s.b
    same(run)


def test_field_errors(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("v", m.c_int)]
        return S.v.__get__(5)
    same(run)

    def delete(m):
        class S(m.Structure):
            _fields_ = [("v", m.c_int)]
        del S().v
    same(delete)


def test_fields_of_a_subclass_instance_and_of_a_view(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_short)]

        class T(S):
            pass
        t = T(3, 4)
        t.x += 10
        view = S.from_buffer(bytearray(b"\x05\x00\x00\x00\x06\x00\x00\x00"))
        view.y = -1
        return t.x, t.y, view.x, view.y, bytes(view)
    same(run)


def test_structure_init(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_double), ("z", m.c_char * 3)]
        return [(s.x, s.y, s.z) for s in (S(), S(1), S(1, 2.5, b"ab"), S(y=4), S(2, z=b"q"))]
    same(run)
    same(lambda m: type("S", (m.Structure,), {"_fields_": [("x", m.c_int)]})(1, 2))
    same(lambda m: type("S", (m.Structure,), {"_fields_": [("x", m.c_int)]})(1, x=2))
    same(lambda m: type("S", (m.Structure,), {"_fields_": [("x", m.c_int)]})(1.5))


def test_structure_init_overridden_and_reassigned(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_int)]

        class T(S):
            def __init__(self, v):
                super().__init__(v, v + 1)
        before = (T(5).x, T(5).y, S(7, 8).y)
        S.__init__ = lambda self, *args: None
        return before, S(7, 8).x
    same(run)


def test_inline_instance_resized_keeps_its_contents(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_int)]
        s = S(11, 12)
        m.resize(s, 64)
        return s.x, s.y, m.sizeof(s), bytes(memoryview(s))[:8]
    same(run)


@pytest.mark.parametrize("name", ["c_byte", "c_ushort", "c_int", "c_ulonglong", "c_double",
                                  "c_float", "c_bool", "c_char"])
def test_array_items(same, name):
    def run(m):
        t = getattr(m, name)
        a = (t * 4)()
        out = []
        for value in [1, -1, 2**40, 2.5, b"x", True, None]:
            try:
                a[1] = value
                out.append(a[1])
            except Exception as e:  # the error is part of the outcome
                out.append(type(e).__name__)
        return out, a[-1], a[3], list(a)
    same(run)


def test_array_index_errors(same):
    same(lambda m: (m.c_int * 3)()[3])
    same(lambda m: (m.c_int * 3)()[-4])
    same(lambda m: (m.c_int * 3)()[2**70])
    same(lambda m: (m.c_int * 3)()["1"])

    def delete(m):
        a = (m.c_int * 3)()
        del a[0]
    same(delete)


def test_array_index_by_index_object(same):
    class Two:
        def __index__(self):
            return 2

    def run(m):
        a = (m.c_int * 3)(4, 5, 6)
        a[Two()] = 9
        return a[Two()], a[True]
    same(run)


def test_repeated_calls_with_edge_arguments(same):
    def run(m):
        labs = libc(m).labs
        labs.argtypes = [m.c_long]
        labs.restype = m.c_long
        out = [labs(-3), labs(-3)]
        for value in [2**63, -2**63, 2**64 + 5, True, m.c_long(-4)]:
            out.append(labs(value))
        return out
    same(run)
    same(lambda m: [libc(m).labs(-1) for _ in range(2)] + [libc(m).labs(2.5)])


def test_repeated_calls_with_wrong_arguments(same):
    def run(m):
        abs_ = libc(m).abs
        abs_.argtypes = [m.c_int]
        abs_.restype = m.c_int
        abs_(-1)
        return abs_("x")
    same(run)

    def count(m):
        abs_ = libc(m).abs
        abs_.argtypes = [m.c_int]
        abs_(-1)
        return abs_(-1, -2)
    same(count)


def test_changed_restype_argtypes_and_errcheck_apply_at_once(same):
    def run(m):
        f = libc(m).labs
        f.argtypes = [m.c_long]
        f.restype = m.c_long
        out = [f(-7), f(-7)]
        f.restype = m.c_short
        out += [f(-70000), f(-70000)]
        f.argtypes = [m.c_short]
        out += [f(-70000), f(-70000)]
        f.errcheck = lambda result, func, args: ("checked", result)
        out += [f(-2), f(-2)]
        del f.errcheck
        f.restype = None
        out += [f(-2), f(-2)]
        return out
    same(run)


def test_rewritten_function_pointer(same):
    def run(m):
        proto = m.CFUNCTYPE(m.c_int, m.c_int)
        lib = libc(m)
        f = proto(m.cast(lib.abs, m.c_void_p).value)
        first = [f(-5), f(-5)]
        neg = proto(lambda v: -v)
        m.memmove(m.addressof(f), m.byref(m.c_void_p(m.cast(neg, m.c_void_p).value)),
                  m.sizeof(m.c_void_p))
        return first, f(5), f(6)
    same(run)


def test_calls_of_float_signatures(same):
    def run(m):
        lib = m.CDLL("libm.so.6")
        pow_ = lib.pow
        pow_.argtypes = [m.c_double, m.c_double]
        pow_.restype = m.c_double
        return pow_(2.0, 10), pow_(2, 0.5), pow_(2.0, 3.0), pow_(2**1100, 1)
    same(run)


def test_repeated_calls_with_pointer_arguments(same):
    def run(m):
        class P(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_int)]

        class Q(P):
            pass
        lib = libc(m)
        memcmp = lib.memcmp
        memcmp.argtypes = [m.POINTER(P), m.POINTER(P), m.c_size_t]
        memcmp.restype = m.c_int
        a, b = P(1, 2), P(1, 3)
        pa = m.pointer(a)
        out = [memcmp(pa, m.byref(b), 8) < 0, memcmp(pa, m.byref(b), 8) < 0,
               memcmp(a, a, 8), memcmp(m.byref(b, 4), m.byref(a, 4), 4) > 0,
               memcmp(pa, Q(1, 2), 8), memcmp(None, None, 0)]
        for wrong in [5, m.c_int(1), m.byref(m.c_int(1)), "x"]:
            try:
                out.append(memcmp(pa, wrong, 0))
            except Exception as e:  # the error is part of the outcome
                out.append(type(e).__name__)
        return out
    same(run)


def test_repeated_calls_with_string_and_address_arguments(same):
    def run(m):
        lib = libc(m)
        strtol = lib.strtol
        strtol.argtypes = [m.c_char_p, m.c_void_p, m.c_int]
        strtol.restype = m.c_long
        end = m.c_char_p()
        out = [strtol(b"123", None, 10), strtol(b"-77", None, 10), strtol(b"ff", 0, 16),
               strtol(b"12x", m.addressof(end), 10), end.value]
        for text, where in [("12", None), (bytearray(b"5"), None), (b"6", 1.5), (b"4", "x")]:
            try:
                out.append(strtol(text, where, 10))
            except Exception as e:  # the error is part of the outcome
                out.append(type(e).__name__)
        return out
    same(run)


@pytest.mark.parametrize("name", INT_CODES + ["c_float", "c_double", "c_bool", "c_char",
                                              "c_void_p"])
def test_pointer_items(same, name):
    def run(m):
        item = getattr(m, name)
        arr = (item * 4)()
        p = m.cast(arr, m.POINTER(item))
        seen = []
        for value in [1, 0, True] if name not in ("c_char",) else [b"a", b"\xff"]:
            p[1] = value
            p[-0] = value
            seen.append((p[0], p[1], arr[1]))
        q = m.cast(m.addressof(arr) + m.sizeof(item) * 2, m.POINTER(item))
        q[-1] = p[0]
        seen.append((q[-1], q[0], arr[1]))
        return seen
    same(run)


def test_pointer_item_errors_and_fallbacks(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("x", m.c_int)]
        out = []
        null = m.POINTER(m.c_int)()
        for action in (lambda: null[0], lambda: null.__setitem__(0, 1),
                       lambda: m.pointer(m.c_int(5)).__delitem__(0),
                       lambda: m.pointer(m.c_int(5))["0"],
                       lambda: m.pointer(m.c_int(5)).__setitem__(0, 1.5)):
            try:
                out.append(action())
            except Exception as e:
                out.append((type(e).__name__, str(e)))
        s = S(9)
        ps = m.pointer(s)
        out.append((ps[0].x, m.pointer(m.c_int(7))[0:1]))
        swapped = m.c_int.__ctype_be__
        out.append(m.pointer(swapped(0x01020304))[0])
        return out
    same(run)


def test_pointer_to_a_type_set_later(same):
    def run(m):
        lp = m.POINTER("later")

        class Later(m.Structure):
            _fields_ = [("v", m.c_int)]
        m.SetPointerType(lp, m.c_int)
        x = m.c_int(41)
        p = m.cast(m.addressof(x), lp)
        p[0] += 1
        return x.value, p[0]
    same(run)


def test_cast_of_an_address_to_a_pointer(same):
    def run(m):
        x = m.c_long(-3)
        p = m.cast(m.addressof(x), m.POINTER(m.c_long))
        wrapped = m.cast(-1, m.POINTER(m.c_long))
        return p[0], p._objects, m.cast(wrapped, m.c_void_p).value, bool(m.cast(0, m.POINTER(
            m.c_int)))
    same(run)


def test_byref_arguments_and_repr(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("a", m.c_int), ("b", m.c_int)]
        s = S(1, 2)
        r = m.byref(s, 4)
        out = [type(r).__name__, r._obj is s, repr(r) == "<cparam 'P' (%#x)>" % (
            m.addressof(s) + 4)]
        for bad in (5, None, b"x"):
            try:
                m.byref(bad)
            except TypeError as e:
                out.append(str(e))
        out.append([repr(m.c_int.from_param(5)), repr(m.c_double.from_param(1.5))])
        memcpy = m.CDLL(None).memcpy
        memcpy.argtypes = [m.c_void_p, m.c_void_p, m.c_size_t]
        t = S()
        for _ in range(3):
            memcpy(m.byref(t), m.byref(s, 4), 4)
        out.append((t.a, t.b))
        return out
    same(run)


def test_callback_arguments_and_results(same):
    def run(m):
        seen = []
        proto = m.CFUNCTYPE(m.c_int, m.c_void_p, m.c_int, m.POINTER(m.c_int))

        def body(p, n, q):
            seen.append((p, n, q[0] if q else None))
            return n * 2**31

        cb = proto(body)
        x = m.c_int(6)
        results = [cb(None, 3, None), cb(16, -1, m.pointer(x)), cb(0, 2, m.pointer(x))]
        short = m.CFUNCTYPE(m.c_ubyte, m.c_double)(lambda v: int(v) + 250)
        void = m.CFUNCTYPE(None, m.c_int)(lambda v: seen.append(v))
        return results, seen, short(10.7), void(4), seen[-1]
    same(run)


def test_callback_errors_go_to_the_unraisable_hook(same, monkeypatch):
    def run(m):
        import sys
        caught = []
        monkeypatch.setattr(sys, "unraisablehook", lambda u: caught.append(
            (u.exc_type.__name__, u.err_msg)))
        bad_call = m.CFUNCTYPE(m.c_int, m.c_int)(lambda v: 1 // v)
        bad_result = m.CFUNCTYPE(m.c_int, m.c_int)(lambda v: "no")
        bad_call(0), bad_result(1)  # what C gets then is undefined in ctypes
        return bad_call(1), caught
    same(run)


def test_callbacks_of_plain_signatures(same):
    """Plain arguments only: the backend calls the function without a Python
    trampoline, so every ctypes rule for arguments and results is checked here."""
    def run(m):
        seen = []

        def body(p, n, d):
            seen.append((p, n, d))
            return n

        wrap = m.CFUNCTYPE(m.c_short, m.c_void_p, m.c_longlong, m.c_double)(body)
        unsigned = m.CFUNCTYPE(m.c_uint, m.c_void_p, m.c_longlong, m.c_double)(body)
        results = [wrap(None, 70000, 1.5), wrap(0, -40000, 0.0), wrap(8, 2**70 + 3, -2.0),
                   unsigned(None, -1, 0.5)]
        as_double = m.CFUNCTYPE(m.c_double, m.c_int)(lambda v: v // 2)(7)
        as_bool = m.CFUNCTYPE(m.c_bool, m.c_int)(lambda v: v)(5)
        as_char = m.CFUNCTYPE(m.c_char, m.c_int)(lambda v: b"x")(1)
        ignored = m.CFUNCTYPE(None, m.c_int)(lambda v: v)(3)
        return results, seen, as_double, as_bool, as_char, ignored
    same(run)


def test_plain_callback_errors_name_the_function(same, monkeypatch):
    def run(m):
        import sys
        caught = []
        monkeypatch.setattr(sys, "unraisablehook", lambda u: caught.append(
            (u.exc_type.__name__, u.err_msg, u.object is fail)))

        def fail(v):
            raise KeyError(v)

        m.CFUNCTYPE(m.c_int, m.c_void_p)(fail)(None)
        m.CFUNCTYPE(m.c_double, m.c_int)(lambda v: "no")(1)
        return caught[0], caught[1][:2]
    same(run)


def test_constructors_run_by_the_backend(same):
    """c_int(v), POINTER(T)(obj), (T * n)(*values): the init slots in the backend
    keep ctypes' arguments, errors and keep-alive links."""
    def run(m):
        out = [m.c_int(7).value, m.c_int(value=3).value, m.c_double(2).value,
               m.c_void_p().value, m.c_char(b"z").value]
        for make in (lambda: m.c_int(1, 2), lambda: m.POINTER(m.c_int)(m.c_long(1)),
                     lambda: (m.c_int * 2)(1, 2, 3), lambda: (m.c_int * 2)(1, "x")):
            try:
                make()
            except (TypeError, IndexError) as e:
                out.append((type(e).__name__, str(e)))
        x = m.c_int(5)
        p = m.POINTER(m.c_int)(x)
        out += [p.contents.value, sorted(p._objects), m.POINTER(m.c_int)()._objects,
                bool(m.POINTER(m.c_int)()), list((m.c_short * 3)(1, -2))]

        class Sub(m.POINTER(m.c_int)):
            pass
        try:
            Sub()
        except TypeError as e:
            out.append(str(e))
        return out
    same(run)

