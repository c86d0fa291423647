"""Memory from new() lives in the cdata's own allocation, after the object: one
allocation per new(), as in cffi. These check what that must not change: the
type names, alignment, zeroing, and every way the memory outlives or is
released with its object (release, with, gc, weakrefs, views, buffers)."""

import gc
import weakref

import pytest

from rcffi import _backend

DECLS = "typedef struct { int x, y; } point_t; struct big { char c; long double d; };"


@pytest.fixture
def ffi(ffi):
    ffi.cdef(DECLS)
    return ffi


@pytest.mark.parametrize("expr", ["f.new('int *')", "f.new('point_t *')", "f.new('point_t *')[0]",
                                  "f.new('int[100]')", "f.new('char[]', b'ab')", "f.cast('int', 1)",
                                  "f.cast('long double', 1)", "f.cast('int *', 0)",
                                  "f.new('point_t[2]')[1]", "f.new('int[4]')[1:3]", "f.NULL"])
def test_cdata_type_names_match_cffi(both, expr):
    names = []
    for f in both:
        f.cdef(DECLS)
        names.append(repr(type(eval(expr, {"f": f}))))
    assert names[0] == names[1]
    r = eval(expr, {"f": both[0]})
    assert isinstance(r, _backend.CData) and type(r).__mro__[-2] is _backend._CDataBase


def test_new_names_its_type_as_cffi_does(both):
    r, c = both
    for cdecl in ("int *", "int[3]"):
        assert repr(type(r.new(cdecl))) == repr(type(c.new(cdecl))) == \
            "<class '_cffi_backend.__CDataOwn'>"


def test_the_memory_is_inside_the_object(ffi):
    p = ffi.new("point_t *")
    offset = int(ffi.cast("uintptr_t", p)) - id(p)
    assert 0 < offset <= 128


@pytest.mark.parametrize("cdecl", ["char *", "double *", "long double *", "struct big *",
                                   "char[3]", "long double[2]"])
def test_new_memory_is_aligned_as_malloc_aligns(ffi, cdecl):
    keep = [ffi.new(cdecl) for _ in range(50)]
    for p in keep:
        assert int(ffi.cast("uintptr_t", p)) % 16 == 0


def test_reused_blocks_come_back_zeroed(ffi):
    for _ in range(200):
        a = ffi.new("int[50]", list(range(1, 51)))
        del a
        b = ffi.new("int[50]")
        assert list(b) == [0] * 50
        del b


def test_a_large_array_is_zeroed_and_usable(ffi):
    a = ffi.new("char[]", 1 << 20)
    assert len(a) == 1 << 20 and a[0] == a[(1 << 20) - 1] == b"\0"
    a[12345] = b"x"
    assert ffi.buffer(a)[12345] == b"x"


def test_release_and_with_keep_the_memory_until_the_object_dies(ffi):
    p = ffi.new("int[4]", [1, 2, 3, 4])
    ffi.release(p)
    ffi.release(p)
    assert list(p) == [1, 2, 3, 4]
    with ffi.new("point_t *", [5, 6]) as q:
        q.x += 1
    assert (q.x, q.y) == (6, 6)


def test_gc_object_keeps_the_new_object_and_its_memory(ffi):
    seen = []
    g = ffi.gc(ffi.new("int *", 42), lambda p: seen.append(p[0]))
    gc.collect()
    assert g[0] == 42
    del g
    gc.collect()
    assert seen == [42]


def test_weakrefs_to_new_objects_die_with_them(ffi):
    called = []
    p = ffi.new("point_t *")
    w = weakref.ref(p, lambda r: called.append(r))
    assert w() is p
    del p
    gc.collect()
    assert w() is None and called == [w]


def test_views_outlive_the_name_of_the_new_object(ffi):
    item = ffi.new("point_t[3]", [[1, 2], [3, 4], [5, 6]])[1]
    part = ffi.new("int[10]", list(range(10)))[2:5]
    field = ffi.new("struct { point_t p; } *", {"p": [7, 8]}).p
    deref = ffi.new("point_t *", [9, 10])[0]
    gc.collect()
    [ffi.new("int[10]", [-1] * 10) for _ in range(100)]
    assert (item.x, item.y) == (3, 4)
    assert list(part) == [2, 3, 4]
    assert (field.x, field.y) == (7, 8)
    assert (deref.x, deref.y) == (9, 10)


def test_buffers_and_memoryviews_outlive_the_name(ffi):
    buf = ffi.buffer(ffi.new("char[]", b"abc"))
    view = memoryview(ffi.buffer(ffi.new("int[2]", [1, 2])))
    again = ffi.from_buffer(ffi.buffer(ffi.new("char[]", b"xyz")))
    gc.collect()
    [ffi.new("char[4]", b"\xff" * 4) for _ in range(100)]
    assert buf[:] == b"abc\0"
    assert view.cast("i").tolist() == [1, 2]
    assert ffi.string(again) == b"xyz"
    view.release()


def test_long_double_values_keep_their_bits(ffi):
    values = [ffi.cast("long double", v) for v in (0.0, -1.5, 1e300, 2.0 ** -1070)]
    gc.collect()
    assert [float(v) for v in values] == [0.0, -1.5, 1e300, 2.0 ** -1070]
    z = ffi.cast("double _Complex", 1.5 - 2j)
    assert complex(z) == 1.5 - 2j


def test_an_over_aligned_type_gets_zeroed_memory_of_its_own(ffi):
    ffi.cdef("struct wide { int x; } __attribute__((aligned(64)));")
    for _ in range(20):
        ffi.new("struct wide *", [7])
    p = ffi.new("struct wide *")
    assert p.x == 0 and ffi.sizeof(p[0]) == 64
    p[0].x = 3
    assert p.x == 3
