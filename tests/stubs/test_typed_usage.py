"""rcffi used as a typed program would use it: `make typecheck` runs mypy
--strict on this file (and examples/), pytest runs it, so the stubs of
rcffi.FFI and rcffi._backend type real code."""

from rcffi import FFI
from rcffi._backend import CData, CType

CDEF = """
    size_t strlen(const char *);
    int abs(int);
    typedef struct { int x, y; } point_t;
    typedef int (*binary_t)(int, int);
"""


def declared() -> FFI:
    ffi = FFI()
    ffi.cdef(CDEF)
    return ffi


def test_calls_through_a_dlopened_lib() -> None:
    lib = declared().dlopen(None)
    length: int = lib.strlen(b"typed")
    assert length == 5 and lib.abs(-3) == 3


def test_memory_and_types() -> None:
    ffi = declared()
    point: CData = ffi.new("point_t *", [1, 2])
    point.y = 7
    assert (point.x, point.y) == (1, 7)
    ctype: CType = ffi.typeof("point_t")
    assert ctype.kind == "struct" and ffi.sizeof(ctype) == 8
    assert ffi.offsetof("point_t", "y") == 4
    name = ffi.new("char[]", b"rcffi")
    assert ffi.string(name) == b"rcffi" and len(name) == 6
    assert int(ffi.cast("int", 3.9)) == 3


def test_callbacks() -> None:
    ffi = declared()

    def add(a: int, b: int) -> int:
        return a + b

    callback = ffi.callback("binary_t", add)
    assert callback(2, 3) == 5
    assert ffi.typeof(callback).kind == "function"
