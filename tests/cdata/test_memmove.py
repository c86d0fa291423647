"""ffi.memmove between cdata and Python buffers."""

import pytest

from differential import outcome


CALLS = ["ffi.memmove(b'xyzw', a, 2)", "ffi.memmove(a, b'xy', 2)", "ffi.memmove(a, b'xy', -1)",
         "ffi.memmove(a, 5, 1)", "ffi.memmove(a, 'ab', 1)",
         "ffi.memmove(ffi.cast('int', 3), a, 1)", "ffi.memmove(a, a + 1, 3)",
         "ffi.memmove(a + 1, a, 3)", "ffi.memmove(a, ffi.NULL, 0)", "ffi.memmove(ba, a, 4)",
         "ffi.memmove(a, memoryview(b'qr'), 2)", "ffi.memmove(a, ffi.buffer(a2), 4)"]


@pytest.mark.parametrize("call", CALLS)
def test_memmove_matches_cffi(both, call):
    def run(ffi):
        a = ffi.new("char[5]", b"abcd")
        ba = bytearray(b"....")
        a2 = ffi.new("char[]", b"WXYZ")
        result = eval(call, {"ffi": ffi, "a": a, "ba": ba, "a2": a2})
        return result, ffi.unpack(a, 5), bytes(ba)

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_copies_into_a_bytearray_and_a_cdata(ffi):
    src = ffi.new("int[3]", [1, 2, 3])
    ba = bytearray(12)
    ffi.memmove(ba, src, 12)
    dst = ffi.new("int[3]")
    ffi.memmove(dst, ba, 12)
    assert list(dst) == [1, 2, 3]


def test_sizes_past_known_ends_raise(ffi):
    a = ffi.new("char[4]")
    with pytest.raises(ValueError):
        ffi.memmove(a, b"xy", 5)
    with pytest.raises(ValueError):
        ffi.memmove(bytearray(2), a, 4)
    with pytest.raises(ValueError):
        ffi.memmove(a, ffi.new("char[8]"), 8)


def test_read_only_destination_raises(ffi):
    with pytest.raises(BufferError):
        ffi.memmove(b"abcd", ffi.new("char[4]"), 1)


def test_null_with_size_raises(ffi):
    with pytest.raises(RuntimeError):
        ffi.memmove(ffi.cast("char *", 0), b"x", 1)
