"""Who owns memory: only the object new() returned (and p[0] of an owning struct
pointer); casts, arithmetic, slices and field reads never own."""

import gc
import weakref

import pytest

from differential import outcome

DECLS = "typedef struct { int x, y; } point_t; struct outer { point_t p; int a[2]; struct { int k; }; };"


@pytest.fixture
def pair(both):
    for ffi in both:
        ffi.cdef(DECLS)
    return both


REPRS = ["ffi.new('point_t *')", "ffi.new('point_t *')[0]", "ffi.cast('point_t *', o)",
         "ffi.cast('int *', o) + 1", "o.p", "o.a", "o.a[0:1]", "ffi.new('int[]', 3)",
         "ffi.new('char[]', b'hello')", "ffi.new('wchar_t[]', 'hi')", "ffi.new('_Bool[]', b'\\x01\\x00')",
         "ffi.new('_Bool[]', b'\\x02')", "ffi.new('int[3]', ffi.new('int[3]', [1, 2, 3]))[2]",
         "ffi.new('struct outer *', {'k': 3}).k",
         "ffi.new('struct outer *', [[1, 2], [3, 4], 5]).k",
         "ffi.new('int[2][3]', [[1, 2, 3], [4]])[1]", "list(ffi.new('int[2][3]', [[1], [4, 5]])[1])",
         "ffi.new('signed char[]', b'ab')", "ffi.new('unsigned char[]', b'ab')[2]"]


@pytest.mark.parametrize("expr", REPRS)
def test_reprs_match_cffi(pair, expr):
    def run(ffi):
        return eval(expr, {"ffi": ffi, "o": ffi.new("struct outer *")})

    r, c = pair
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_struct_pointer_deref_co_owns(pair):
    r, _ = pair
    p = r.new("point_t *", [1, 2])
    s = p[0]
    ref = weakref.ref(p)
    del p
    gc.collect()
    assert ref() is not None  # s keeps p alive
    assert (s.x, s.y) == (1, 2)


def test_casts_and_views_do_not_own(pair):
    r, _ = pair
    p = r.new("point_t *")
    ref = weakref.ref(p)
    q = r.cast("point_t *", p)
    del p
    gc.collect()
    assert ref() is None
    assert not repr(q).endswith("bytes>")


def test_field_views_keep_their_parent_alive(pair):
    r, _ = pair
    o = r.new("struct outer *", {"a": [7, 8]})
    ref = weakref.ref(o)
    a = o.a
    del o
    gc.collect()
    assert ref() is not None
    assert list(a) == [7, 8]


def test_isinstance_of_ffi_types(pair):
    r, _ = pair
    assert isinstance(r.new("int *"), r.CData)
    assert isinstance(r.cast("int", 1), r.CData)
    assert isinstance(r.typeof("int"), r.CType)
    assert isinstance(r.buffer(r.new("int *")), r.buffer)
    assert not isinstance(5, r.CData)


def test_nested_anonymous_members(pair):
    r, _ = pair
    o = r.new("struct outer *", {"k": 3})
    assert o.k == 3
    o.k = 4
    assert o[0].k == 4
    assert "k" in dir(o)


def test_open_array_refuses_another_array_as_cffi(pair):
    for ffi in pair:
        with pytest.raises(TypeError):
            ffi.new("int[]", ffi.new("int[2]", [4, 5]))
