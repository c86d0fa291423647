"""Calls of integer-only signatures take a shortened path (call_ints.rs) when
every argument is an exact int in range; everything else takes the general
path. Both must give the same answers and errors, in every order."""

import errno
import enum

import pytest

import rcffi


@pytest.fixture
def libc():
    ffi = rcffi.FFI()
    ffi.cdef("int abs(int); long labs(long); int close(int); "
             "void srand(unsigned int);")
    return ffi, ffi.dlopen(None)


class Small(enum.IntEnum):
    MINUS_THREE = -3


def test_fast_and_general_arguments_alternate(libc):
    ffi, lib = libc
    assert lib.abs(-5) == 5
    assert lib.abs(True) == 1  # an int subclass: the general conversion
    assert lib.abs(Small.MINUS_THREE) == 3
    assert lib.abs(ffi.cast("int", -7)) == 7
    assert lib.labs(-(2 ** 40)) == 2 ** 40  # beyond one internal digit
    assert lib.abs(-6) == 6


def test_out_of_range_and_wrong_types_raise_as_before(libc):
    _, lib = libc
    with pytest.raises(OverflowError):
        lib.abs(2 ** 31)
    with pytest.raises(OverflowError):
        lib.labs(2 ** 64)
    with pytest.raises(TypeError):
        lib.abs(1.5)
    with pytest.raises(TypeError):
        lib.abs("1")
    assert lib.abs(-1) == 1


def test_arity_and_keywords_are_checked(libc):
    _, lib = libc
    with pytest.raises(TypeError, match="abs"):
        lib.abs()
    with pytest.raises(TypeError, match="abs"):
        lib.abs(1, 2)
    with pytest.raises(TypeError, match="keyword"):
        lib.abs(x=1)
    f = lib.abs
    with pytest.raises(TypeError, match="keyword"):
        f(-1, x=1)
    assert f(-2) == 2


def test_void_result_is_none(libc):
    _, lib = libc
    assert lib.srand(1) is None


def test_errno_is_saved_after_a_fast_call(libc):
    ffi, lib = libc
    ffi.errno = 0
    assert lib.close(-1) == -1
    assert ffi.errno == errno.EBADF
    lib.abs(1)  # C code that leaves errno alone keeps what was saved
    assert ffi.errno == errno.EBADF


def test_member_of_the_lib_type_called_without_the_lib(libc):
    _, lib = libc
    member = type(lib).__dict__["abs"]
    assert member(-9) == 9
    assert member(lib, -8) == 8


def test_null_function_pointer_raises_on_every_call():
    ffi = rcffi.FFI()
    f = ffi.cast("int(*)(int)", 0)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            f(1)


def test_small_results_are_truncated_to_their_type():
    ffi = rcffi.FFI()
    ffi.cdef("long labs(long);")
    lib = ffi.dlopen(None)
    # labs returns the whole register; through a pointer typed to return a
    # char, only its low byte is defined.
    address = ffi.addressof(lib, "labs")
    as_uchar = ffi.cast("unsigned char(*)(long)", address)
    as_schar = ffi.cast("signed char(*)(long)", address)
    as_ushort = ffi.cast("unsigned short(*)(long)", address)
    assert as_uchar(0x1FF) == 0xFF
    assert as_schar(0x1FF) == -1
    assert as_ushort(-0x12345) == 0x2345
    as_ulong = ffi.cast("unsigned long(*)(long)", address)
    assert as_ulong(-(2 ** 62)) == 2 ** 62
