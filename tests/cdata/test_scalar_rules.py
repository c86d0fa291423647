"""The scalar conversion rules word for word: assignment (range-checked, no
float for an int), cast (wraps, truncates floats, takes addresses and character
codes), arguments (assignment's rules, naming the argument) and ctypes (wraps
silently). The differential tests compare exception types with cffi; these pin
the messages, which cffi's and CPython's test suites also compare."""

import pytest

import rcffi
import rcffi.ctypes as ctypes


@pytest.fixture(scope="module")
def ffi():
    ffi = rcffi.FFI()
    ffi.cdef("int abs(int); double fabs(double);")
    return ffi


@pytest.fixture(scope="module")
def libc(ffi):
    return ffi.dlopen(None)


def number(method):
    """An object that is 7 only through `method` (`__int__` or `__index__`)."""
    return type("Number", (), {method: lambda self: 7})()


HUGE = 2**200


def refusal(fn):
    with pytest.raises((TypeError, OverflowError)) as info:
        fn()
    return info.type.__name__, str(info.value)


@pytest.mark.parametrize(("ctype", "value", "expected"), [
    ("int *", 1.5, ("TypeError", "an integer is required for 'int', not float")),
    ("unsigned char *", 256, ("OverflowError", "integer 256 does not fit 'unsigned char'")),
    ("int *", HUGE, ("OverflowError", f"integer {HUGE} does not fit 'int'")),
    ("int *", "x", ("TypeError", "an integer is required for 'int', not str")),
    ("_Bool *", 2, ("OverflowError", "integer 2 does not fit '_Bool'")),
    ("double *", "x", ("TypeError", "must be real number for 'double', not str")),
    ("double *", 2**2000, ("OverflowError", "int too large to convert to float")),
    ("char *", b"ab",
     ("TypeError", "initializer for ctype 'char' must be a bytes of length 1, not bytes")),
])
def test_assignment_refusals(ffi, ctype, value, expected):
    assert refusal(lambda: ffi.new(ctype, value)) == expected


def test_assignment_refuses_a_pointer_for_an_integer(ffi):
    p = ffi.new("int *")
    assert refusal(lambda: ffi.new("int *", p)) == (
        "TypeError", "an integer is required for 'int', not cdata 'int *'")


def test_assignment_takes_int_but_not_index(ffi):
    assert ffi.new("int *", number("__int__"))[0] == 7
    assert refusal(lambda: ffi.new("int *", number("__index__"))) == (
        "TypeError", "an integer is required for 'int', not Number")


@pytest.mark.parametrize(("ctype", "value", "expected"), [
    ("int", b"ab", "cannot cast a bytes of length 2 to 'int'"),
    ("wchar_t", "ab", "cannot cast a str of length 2 to 'wchar_t'"),
    ("int", [], "cannot cast list to ctype 'int'"),
    ("double", [], "cannot cast list to ctype 'double'"),
    ("_Bool", b"ab", "cannot cast bytes to ctype '_Bool'"),
    ("char *", b"a", "cannot cast bytes to ctype 'char *'"),
])
def test_cast_refusals(ffi, ctype, value, expected):
    assert refusal(lambda: ffi.cast(ctype, value)) == ("TypeError", expected)


def test_cast_wraps_truncates_and_takes_codes(ffi):
    assert int(ffi.cast("unsigned char", HUGE + 5)) == 5
    assert int(ffi.cast("signed char", 255)) == -1
    assert int(ffi.cast("int", 2.9)) == 2
    assert int(ffi.cast("int", b"a")) == 97
    assert float(ffi.cast("double", b"a")) == 97.0
    assert int(ffi.cast("long", number("__int__"))) == 7


def test_cast_takes_addresses_and_unsigned_char_codes(ffi):
    assert int(ffi.cast("intptr_t", ffi.cast("void *", 12))) == 12
    assert int(ffi.cast("uintptr_t", ffi.cast("char *", 2.5))) == 2
    assert int(ffi.cast("unsigned char", ffi.cast("char", b"\xff"))) == 255


def test_cast_to_bool_tests_the_whole_value(ffi):
    assert int(ffi.cast("_Bool", 0.5)) == 1
    assert int(ffi.cast("_Bool", 2**100)) == 1
    assert int(ffi.cast("_Bool", 0)) == 0


@pytest.mark.parametrize(("func", "value", "expected"), [
    ("abs", 1.5, ("TypeError", "an integer is required for 'int', not float "
                                "(argument 1 of 'int(*)(int)')")),
    ("abs", number("__index__"), ("TypeError", "an integer is required for 'int', not Number "
                                               "(argument 1 of 'int(*)(int)')")),
    ("abs", 2**31, ("OverflowError", "integer 2147483648 does not fit 'int' "
                                     "(argument 1 of 'int(*)(int)')")),
    ("fabs", "x", ("TypeError", "must be real number for 'double', not str "
                                "(argument 1 of 'double(*)(double)')")),
])
def test_argument_refusals_name_the_argument(libc, func, value, expected):
    assert refusal(lambda: getattr(libc, func)(value)) == expected


def test_arguments_in_range_are_passed(libc):
    assert libc.abs(-3) == 3
    assert libc.abs(number("__int__")) == 7
    assert libc.fabs(-2) == 2.0


def test_ctypes_wraps_silently():
    assert ctypes.c_ubyte(511).value == 255
    assert ctypes.c_int(2**40 + 3).value == 3
    assert ctypes.c_void_p(-1).value == 2**64 - 1

    class S(ctypes.Structure):
        _fields_ = [("b", ctypes.c_byte), ("q", ctypes.c_uint64)]

    s = S()
    s.b = 0x1FF
    s.q = -1
    assert (s.b, s.q) == (-1, 2**64 - 1)
