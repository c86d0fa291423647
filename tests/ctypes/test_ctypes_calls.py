"""Foreign calls: argtypes, restype, errcheck, callbacks, paramflags, errno."""

import errno as errno_codes

import pytest


def libc(m):
    return m.CDLL(None)


def test_calls_without_argtypes(same):
    same(lambda m: (libc(m).abs(-5), libc(m).strlen(b"hello"), libc(m).wcslen("h\xe9")))
    same(lambda m: libc(m).abs(1.5))
    same(lambda m: libc(m).abs(2**40))


def test_argtypes_and_restype(same):
    def run(m):
        labs = libc(m).labs
        labs.argtypes = [m.c_long]
        labs.restype = m.c_long
        strchr = libc(m).strchr
        strchr.argtypes = [m.c_char_p, m.c_int]
        strchr.restype = m.c_char_p
        return labs(-2**40), strchr(b"hello", ord("l")), strchr(b"hello", ord("q"))
    same(run)


def test_argument_errors(same):
    def run(m):
        f = libc(m).strlen
        f.argtypes = [m.c_char_p]
        return f(5.5)
    same(run)
    same(lambda m: libc(m).no_such_function_here)


def test_errcheck(same):
    def run(m):
        f = libc(m).abs
        seen = []
        f.errcheck = lambda result, func, args: seen.append(args) or result * 10
        return f(-3), seen
    same(run)


def test_callbacks_sort(same):
    def run(m):
        compare = m.CFUNCTYPE(m.c_int, m.POINTER(m.c_int), m.POINTER(m.c_int))
        values = (m.c_int * 6)(5, 1, 4, 2, 6, 3)
        libc(m).qsort(values, len(values), m.sizeof(m.c_int),
                      compare(lambda a, b: a[0] - b[0]))
        return list(values)
    same(run)


def test_callback_called_from_python(same):
    def run(m):
        proto = m.CFUNCTYPE(m.c_double, m.c_double, m.c_int, m.c_char_p)
        f = proto(lambda x, n, s: x * n + len(s))
        return f(1.5, 4, b"abc")
    same(run)


def test_callback_exception_is_unraisable(ct):
    import sys
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda args: seen.append((args.exc_type, args.err_msg))
    try:
        proto = ct.CFUNCTYPE(ct.c_int, ct.c_int)
        proto(lambda x: 1 // x)(0)
    finally:
        sys.unraisablehook = old
    assert seen[0][0] is ZeroDivisionError
    assert "on calling ctypes callback function" in seen[0][1]


@pytest.mark.parametrize("restype, make", [
    ("c_int", lambda m: m.c_int(5)), ("c_int", lambda m: m.c_long(5)),
    ("c_double", lambda m: m.c_double(1.5)),
])
def test_callback_result_of_a_ctypes_instance_is_refused(ct, restype, make):
    # The result goes through the type's C setter, which takes Python values only.
    import sys
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda args: seen.append((args.exc_type, args.err_msg))
    try:
        rtype = getattr(ct, restype)
        proto = ct.CFUNCTYPE(rtype, ct.c_int)
        keep = make(ct)
        proto(lambda x: keep)(0)
    finally:
        sys.unraisablehook = old
    assert seen and seen[0][0] is TypeError
    assert "on converting result of ctypes callback function" in seen[0][1]


def test_prototype_with_paramflags(same):
    def run(m):
        proto = m.CFUNCTYPE(m.c_char_p, m.c_char_p, m.c_int)
        strchr = proto(("strchr", libc(m)), ((1, "s"), (1, "c", ord("e"))))
        return strchr(b"hello"), strchr(b"hello", c=ord("o")), strchr(s=b"xyz", c=ord("y"))
    same(run)


def test_out_parameter(same):
    def run(m):
        proto = m.CFUNCTYPE(m.c_int, m.c_char_p, m.POINTER(m.c_int))
        sscanf = proto(("sscanf", libc(m)), ((1, "s"),))
        return sscanf
    same(run)


def test_use_errno(ct):
    lib = ct.CDLL(None, use_errno=True)
    lib.close.argtypes = [ct.c_int]
    ct.set_errno(0)
    assert lib.close(-1) == -1
    assert ct.get_errno() == errno_codes.EBADF
    assert ct.set_errno(5) == errno_codes.EBADF
    assert ct.get_errno() == 5


def test_struct_by_value(same):
    def run(m):
        class Div(m.Structure):
            _fields_ = [("quot", m.c_int), ("rem", m.c_int)]
        div = libc(m).div
        div.restype = Div
        div.argtypes = [m.c_int, m.c_int]
        r = div(17, 5)
        return r.quot, r.rem
    same(run)


def test_pythonapi_holds_the_gil(ct):
    f = ct.pythonapi.PyLong_FromLong
    f.argtypes = [ct.c_long]
    f.restype = ct.py_object
    assert f(123456) == 123456


@pytest.mark.parametrize("name", ["c", "m"])
def test_find_library(name):
    import ctypes.util

    import rcffi.ctypes.util
    assert rcffi.ctypes.util.find_library(name) == ctypes.util.find_library(name)


def test_in_dll(same):
    same(lambda m: m.c_int.in_dll(m.pythonapi, "Py_OptimizeFlag").value)


def test_install_as_ctypes():
    import sys

    import rcffi
    saved = {k: sys.modules.get(k) for k in ("ctypes", "ctypes.util", "ctypes.wintypes",
                                             "_ctypes")}
    try:
        rcffi.install_as_ctypes()
        import ctypes
        from ctypes import wintypes

        import rcffi.ctypes
        assert ctypes is rcffi.ctypes
        assert wintypes.DWORD is rcffi.ctypes.c_ulong
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def test_from_param_gives_call_parameters(same):
    def run(m):
        arg_type = type(m.byref(m.c_int()))
        params = [m.c_byte.from_param(98), m.c_double.from_param(1e300),
                  m.c_char.from_param(97), m.c_void_p.from_param(0x12)]
        text = b"spam"
        return ([type(p) is arg_type for p in params], [repr(p) for p in params],
                m.c_char_p.from_param(text)._obj is text, repr(m.c_bool.from_param(1))[:12])
    same(run)
    same(lambda m: m.c_char_p.from_param(42))
    same(lambda m: m.c_wchar_p.from_param(42))


def test_from_param_results_pass_as_arguments(same):
    def run(m):
        strlen = libc(m).strlen
        strlen.argtypes = [m.c_char_p]
        labs = libc(m).labs
        labs.argtypes = [m.c_long]
        memchr = libc(m).memchr
        memchr.argtypes = [m.c_void_p, m.c_int, m.c_size_t]
        memchr.restype = m.c_char_p
        return (strlen(m.c_char_p.from_param(b"four")), labs(m.c_long.from_param(-7)),
                memchr(m.c_void_p.from_param(b"xyz"), ord("y"), 3))
    same(run)


def test_char_pointer_parameters_take_strings(same):
    def run(m):
        strlen = libc(m).strlen
        strlen.argtypes = [m.POINTER(m.c_char)]
        wcslen = libc(m).wcslen
        wcslen.argtypes = [m.POINTER(m.c_wchar)]
        return strlen(b"four"), wcslen("h\xe9"), strlen(m.create_string_buffer(b"ab"))
    same(run)


def test_as_parameter_none_is_null(same):
    class Null:
        _as_parameter_ = None

    def run(m):
        memchr = libc(m).memchr
        memchr.restype = m.c_void_p
        memchr.argtypes = [m.c_void_p, m.c_int, m.c_size_t]
        typed = memchr(Null(), 0, 0)
        memchr.argtypes = None
        return typed, memchr(Null(), 0, m.c_size_t(0))
    same(run)


def test_callbacks_of_char_and_wchar(same):
    def run(m):
        echo = m.CFUNCTYPE(m.c_char, m.c_byte, m.c_char)(lambda n, c: c)
        wecho = m.CFUNCTYPE(m.c_wchar, m.c_wchar)(lambda c: c)
        return echo(-3, b"x"), wecho("\xe9")
    same(run)


def test_shorter_wchar_array_values_are_terminated(same):
    def run(m):
        buf = (m.c_wchar * 4)("a", "b", "c")
        buf.value = "ABCD"
        buf.value = "x"
        out = [buf.value]
        buf[1] = "Z"
        return out + [buf.value]
    same(run)


def test_argument_count_limit(same):
    def run(m):
        limit = 1024  # CTYPES_MAX_ARGCOUNT (CPython keeps it in _ctypes)
        cb = m.CFUNCTYPE(m.c_int, *(m.c_int,) * limit)(lambda *a: len(a))
        out = [cb(*(1,) * limit)]
        for attempt in (lambda: cb(*(1,) * (limit + 1)),
                        lambda: m.CFUNCTYPE(m.c_int, *(m.c_int,) * (limit + 1))):
            try:
                attempt()
            except m.ArgumentError as e:
                out.append(str(e))
        return out
    same(run)


def test_arguments_past_argtypes_are_variadic(same):
    """Past its argtypes a call is variadic, where C promotes floats and small
    integers; ctypes (through libffi) refuses them unpromoted."""
    def run(m):
        f = m.CDLL(None).abs
        f.argtypes, f.restype = [m.c_int], m.c_int
        out = [f(-3), f(-3, 5), f(-3, m.c_double(1.0)), f(-3, m.c_int(1))]
        for extra in (m.c_char(b"x"), m.c_short(1), m.c_float(1.0), m.c_bool(True), m.c_ubyte(1)):
            try:
                f(-3, extra)
            except RuntimeError as e:
                out.append(str(e))
        return out
    same(run)


def test_from_param_of_bool_and_of_void_pointers(same):
    """c_bool takes any object's truth, ctypes objects' too; c_void_p makes a
    parameter of the pointer a c_char_p or c_wchar_p instance holds."""
    def run(m):
        bools = [type(m.c_bool.from_param(v)).__name__ for v in
                 (m.pointer(m.c_int()), m.POINTER(m.c_int)(), m.c_int(0), (m.c_char * 0)(), "x")]
        strlen = m.CDLL(None).strlen
        strlen.argtypes, strlen.restype = [m.c_void_p], m.c_size_t
        text = m.c_char_p(b"hello")
        return bools, type(m.c_void_p.from_param(text)).__name__, strlen(text), strlen(text)
    same(run)
