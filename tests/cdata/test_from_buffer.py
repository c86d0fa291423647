"""ffi.from_buffer: cdata over the memory of Python buffer objects."""

import array

import pytest

from differential import outcome


CASES = [
    ("bytearray(b'hello')",), ("b'abc'",), ("memoryview(b'abcd')",),
    ("array.array('i', [1, 2, 3])",), ("'abc'",), ("5",), ("ffi.new('int[2]')",),
    ("memoryview(b'abcd')[::2]",), ("'int[]'", "bytearray(9)"), ("'int[4]'", "bytearray(8)"),
    ("'int[2]'", "bytearray(8)"), ("'int[2][1]'", "bytearray(10)"), ("'int *'", "bytearray(10)"),
    ("'int'", "bytearray(8)"), ("b'abc'", "require_writable=True"),
    ("bytearray(b'ab')", "require_writable=True"), ("'char[]'", "b''"),
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: ", ".join(a))
def test_from_buffer_matches_cffi(both, args):
    def run(ffi):
        p = eval("ffi.from_buffer(%s)" % ", ".join(args), {"ffi": ffi, "array": array})
        return p, len(p) if ffi.typeof(p).kind == "array" else None

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_reads_and_writes_the_object_memory(ffi):
    data = bytearray(b"hello")
    p = ffi.from_buffer(data)
    assert p[1] == b"e"
    p[0] = b"j"
    assert data == bytearray(b"jello")
    ints = array.array("i", [1, 2, 3])
    q = ffi.from_buffer("int[]", ints)
    assert list(q) == [1, 2, 3]
    q[2] = 30
    assert ints[2] == 30
    with pytest.raises(IndexError):
        q[3]


def test_object_is_locked_while_the_cdata_lives(ffi):
    data = bytearray(b"hello")
    p = ffi.from_buffer(data)
    with pytest.raises(BufferError):
        data.extend(b"!")
    ffi.release(p)
    data.extend(b"!")
    assert repr(p) == "<cdata 'char[]' buffer RELEASED>"


def test_object_is_kept_alive(ffi):
    p = ffi.from_buffer(bytearray(b"abc"))
    assert ffi.string(p) == b"abc"


def test_with_statement_releases(ffi):
    data = bytearray(4)
    with ffi.from_buffer(data) as p:
        p[0] = b"x"
    data.extend(b"more")  # no longer locked
    data.clear()
    with pytest.raises(RuntimeError):
        p[0]


def test_pointer_to_struct(ffi):
    ffi.cdef("typedef struct { int x, y; } point_t;")
    data = bytearray(16)
    p = ffi.from_buffer("point_t *", data)
    p.y = 7
    assert p[1].x == 0
    assert data[4] == 7
