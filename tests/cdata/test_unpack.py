"""ffi.unpack and ffi.string on characters, wide characters and other items."""

import pytest

from differential import outcome


EXPRS = [
    "ffi.unpack(ffi.new('char[]', b'ab\\x00cd'), 5)",
    "ffi.unpack(ffi.cast('char *', keep), 2)",
    "ffi.unpack(ffi.new('wchar_t[]', 'h\\x00i'), 3)",
    "ffi.unpack(ffi.new('char16_t[]', '\\U0001f600!'), 3)",
    "ffi.unpack(ffi.new('int[]', [1, 2, 3]), 3)",
    "ffi.unpack(ffi.new('int[]', [1, 2, 3]), 0)",
    "ffi.unpack(ffi.new('int[]', [1, 2, 3]), -1)",
    "ffi.unpack(ffi.new('double[2]', [0.5, 1.5]), 2)",
    "ffi.unpack(ffi.new('_Bool[2]', [True, False]), 2)",
    "ffi.unpack(ffi.cast('int', 1), 1)",
    "ffi.unpack(ffi.NULL, 0)",
    "ffi.unpack(ffi.new('unsigned char[]', b'ab'), 2)",
    "ffi.string(ffi.new('char[]', b'ab\\x00cd'))",
    "ffi.string(ffi.new('char[10]', b'abcdef'), 3)",
    "ffi.string(ffi.new('wchar_t[]', 'hello'), 2)",
    "ffi.string(ffi.new('char16_t[]', 'a\\U0001f600b'))",
    "ffi.string(ffi.new('char32_t[]', 'a\\U0001f600b'))",
    "ffi.string(ffi.cast('char', b'x'))",
    "ffi.string(ffi.cast('wchar_t', 'y'))",
    "ffi.string(ffi.new('int[2]'))",
    "ffi.string(ffi.new('unsigned char[]', b'hi'))",
    "ffi.string(ffi.cast('int', 5))",
]


@pytest.mark.parametrize("expr", EXPRS)
def test_matches_cffi(both, expr):
    r, c = both
    def run(ffi):
        return eval(expr, {"ffi": ffi, "keep": ffi.new("char[]", b"xyz")})

    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_string_of_a_64_byte_array(ffi):
    a = ffi.new("char[64]", b"x" * 63)
    assert ffi.string(a) == b"x" * 63


def test_unpack_past_an_arrays_length_raises(ffi):
    with pytest.raises(IndexError):
        ffi.unpack(ffi.new("int[2]"), 3)


def test_unpack_of_structs_gives_views(ffi):
    ffi.cdef("typedef struct { int x; } s_t;")
    items = ffi.unpack(ffi.new("s_t[2]", [[1], [2]]), 2)
    assert [s.x for s in items] == [1, 2]


def test_unpack_and_string_stop_at_what_new_allocated(ffi):
    p = ffi.new("int *", 5)
    assert ffi.unpack(p, 1) == [5]
    with pytest.raises(IndexError, match="2 items asked from cdata 'int \\*' of length 1"):
        ffi.unpack(p, 2)
    assert ffi.string(ffi.new("wchar_t *", "x")) == "x"
