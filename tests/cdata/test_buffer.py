"""ffi.buffer: a cdata's memory through the buffer protocol."""

import pytest

from differential import outcome


def test_buffer_is_a_type(ffi):
    b = ffi.buffer(ffi.new("int[2]"))
    assert isinstance(b, ffi.buffer)
    assert type(b) is ffi.buffer


OPS = ["b[0]", "b[-1]", "b[4]", "b[1:3]", "b[::2]", "bytes(b)", "b[:]", "len(b)",
       "b == b'abc\\x00'", "b != b'abc\\x00'", "b < b'z'", "hash(b)",
       "memoryview(b).format", "memoryview(b).readonly", "memoryview(b).nbytes",
       "bytes(memoryview(b)[1:3])"]


@pytest.mark.parametrize("expr", OPS)
def test_reading_matches_cffi(both, expr):
    def run(ffi):
        return eval(expr, {"b": ffi.buffer(ffi.new("char[4]", b"abc"))})

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


WRITES = ["b[0] = b'x'", "b[0] = 65", "b[0] = b'xy'", "b[0:2] = b'qq'", "b[0:2] = b'q'",
          "b[0:2] = bytearray(b'zz')", "b[0:2] = [1, 2]", "b[0:2] = memoryview(b'mn')",
          "b[::2] = b'mn'", "b[5] = b'a'", "b[-1] = b'!'", "b[:] = b'wxyz'"]


@pytest.mark.parametrize("stmt", WRITES)
def test_writing_matches_cffi(both, stmt):
    def run(ffi):
        a = ffi.new("char[4]", b"abc")
        exec(stmt, {"b": ffi.buffer(a)})
        return ffi.unpack(a, 4)

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


SIZES = [("int *", -1), ("int *", 2), ("int[3]", -1), ("int[3]", 5), ("void *", -1),
         ("void *", 6), ("int", -1), ("int[]", -1)]


@pytest.mark.parametrize("cdecl, size", SIZES)
def test_sizes_match_cffi(both, cdecl, size):
    import warnings

    def run(ffi):
        if cdecl == "void *":
            cd = ffi.cast("void *", ffi.new("int[2]"))
        elif cdecl == "int":
            cd = ffi.cast("int", 1)
        elif cdecl == "int[]":
            cd = ffi.new("int[]", 7)
        else:
            cd = ffi.new(cdecl)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(ffi.buffer(cd, size))

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_larger_than_owned_warns(ffi):
    with pytest.warns(UserWarning):
        ffi.buffer(ffi.new("int[3]"), 100)


def test_buffer_keeps_the_cdata_alive_and_writes_through(ffi):
    b = ffi.buffer(ffi.new("int[2]", [1, 2]))
    assert len(b) == 8
    data = bytes(b)
    assert data[:4] == (1).to_bytes(4, "little")
    m = memoryview(b)
    m[0] = 9
    assert ffi.cast("int *", ffi.from_buffer(b))[0] == 9


def test_file_readinto_and_write(ffi, tmp_path):
    path = tmp_path / "data"
    path.write_bytes(b"0123456789")
    a = ffi.new("char[10]")
    with open(path, "rb") as f:
        assert f.readinto(ffi.buffer(a)) == 10
    assert ffi.string(a, 10) == b"0123456789"


def test_struct_contents_replaced(ffi):
    ffi.cdef("typedef struct { int x, y; } point_t;")
    p = ffi.new("point_t *", [1, 2])
    ffi.buffer(p)[:] = bytes(ffi.buffer(ffi.new("point_t *", [5, 6])))
    assert (p.x, p.y) == (5, 6)


def test_null_buffer_raises(ffi):
    with pytest.raises(RuntimeError):
        ffi.buffer(ffi.cast("int *", 0))


def test_a_void_pointer_with_a_size_reads_and_writes_its_memory(ffi):
    data = ffi.new("char[]", b"abcdef")
    view = ffi.buffer(ffi.cast("void *", data), 3)
    view[0:2] = b"XY"
    assert (bytes(view), ffi.string(data)) == (b"XYc", b"XYcdef")
