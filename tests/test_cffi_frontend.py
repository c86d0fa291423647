"""cffi's own front end running on rcffi's backend: cffi.FFI(backend=rcffi._backend)."""

import pytest

import rcffi._backend as backend

DECLS = """
    size_t strlen(const char *);
    int abs(int);
    double cos(double);
    typedef struct { int x, y; } point_t;
    struct bits { int a:3; unsigned c:4; };
    enum color { RED, GREEN = 5 };
    void qsort(void *, size_t, size_t, int(*)(const void *, const void *));
    int snprintf(char *, size_t, const char *, ...);
"""


@pytest.fixture
def front():
    import cffi

    ffi = cffi.FFI(backend=backend)
    ffi.cdef(DECLS)
    return ffi, ffi.dlopen(None)


def test_calls(front):
    ffi, lib = front
    assert lib.strlen(b"hello") == 5 and lib.abs(-4) == 4 and lib.cos(0.0) == 1.0
    buf = ffi.new("char[32]")
    lib.snprintf(buf, 32, b"%d-%s", ffi.cast("int", 7), ffi.new("char[]", b"x"))
    assert ffi.string(buf) == b"7-x"


def test_new_fields_and_layout(front):
    ffi, _ = front
    p = ffi.new("point_t *", [1, 2])
    p.y = 7
    assert (p.x, p.y) == (1, 7) and ffi.sizeof("point_t") == 8
    assert ffi.offsetof("point_t", "y") == 4
    assert repr(p) == "<cdata 'point_t *' owning 8 bytes>"
    b = ffi.new("struct bits *")
    b.a, b.c = -2, 9
    assert (b.a, b.c) == (-2, 9)
    assert isinstance(p, ffi.CData) and isinstance(ffi.typeof(p), ffi.CType)


def test_cast_enum_and_string(front):
    ffi, lib = front
    assert int(ffi.cast("int", 42)) == 42 and lib.RED == 0 and lib.GREEN == 5
    assert ffi.string(ffi.cast("enum color", 5)) == "GREEN"
    assert ffi.string(ffi.new("char[]", b"hi")) == b"hi"
    assert bytes(ffi.buffer(ffi.new("char[]", b"abc"))) == b"abc\x00"


def test_callbacks(front):
    ffi, lib = front

    @ffi.callback("int(const void *, const void *)")
    def cmp(a, b):
        x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
        return (x > y) - (x < y)

    arr = ffi.new("int[]", [5, 3, 9, 1])
    lib.qsort(arr, 4, ffi.sizeof("int"), cmp)
    assert list(arr) == [1, 3, 5, 9]
