"""Structs ending in a flexible array member, sized by their initializer."""

import pytest

from differential import outcome

DECLS = "typedef struct { int x; int y[]; } foo_t;  typedef struct { char n; double d[]; } bar_t;"


@pytest.fixture
def pair(both):
    for ffi in both:
        ffi.cdef(DECLS)
    return both


EXPRS = [
    "p(ffi.new('foo_t *', [5, [6, 7, 8]]))", "p(ffi.new('foo_t *', [5, 3]))",
    "p(ffi.new('foo_t *', {'y': 3}))", "p(ffi.new('foo_t *', {'x': 1}))",
    "p(ffi.new('foo_t *'))", "ffi.new('foo_t *', [5, -1])",
    "ffi.new('foo_t *', [5, [1, 2], 3])", "p(ffi.new('bar_t *', [1, [0.5]]))",
    "ffi.sizeof(ffi.new('foo_t *', [5, 3]))", "len(ffi.buffer(ffi.new('foo_t *', [5, 3])))",
]


def describe(ffi):
    def p(ptr):
        s = ptr[0]
        return (repr(ptr), repr(s), ffi.sizeof(s), repr(ptr.y if hasattr(ptr, "y") else ptr.d),
                list(ptr.y) if hasattr(ptr, "y") else list(ptr.d), ptr[0].x if hasattr(ptr, "y")
                else ptr.n)
    return p


@pytest.mark.parametrize("expr", EXPRS)
def test_varsize_matches_cffi(pair, expr):
    r, c = pair
    assert outcome(lambda: eval(expr, {"ffi": r, "p": describe(r)})) == outcome(
        lambda: eval(expr, {"ffi": c, "p": describe(c)}))


def test_flexible_array_is_bounds_checked(pair):
    r, _ = pair
    p = r.new("foo_t *", [5, [6, 7, 8]])
    assert list(p.y) == [6, 7, 8]
    p.y[2] = 9
    assert p.y[2] == 9
    with pytest.raises(IndexError):
        p.y[3]
    assert r.sizeof(p[0]) == 16


def test_flexible_array_through_a_cast_is_a_pointer(pair):
    r, _ = pair
    arr = r.new("int[4]", [1, 2, 3, 4])
    p = r.cast("foo_t *", arr)
    assert r.typeof(p.y) is r.typeof("int *")
    assert p.y[2] == 4


def test_writing_the_flexible_member_stays_within_the_allocation(pair):
    r, _ = pair
    p = r.new("foo_t *", [5, 3])
    p.y = [1, 2, 3]
    assert list(p.y) == [1, 2, 3]
    with pytest.raises(IndexError):
        p.y = [1, 2, 3, 4]


NESTED = """
    struct tail_s { int len[4]; short data[]; };
    struct outer_s { int head[8]; struct tail_s tail; };
    struct early_s { signed char n; signed char data[]; };
    struct holder_s { struct early_s early; int after; };
"""


def test_a_flexible_member_in_the_last_field_sizes_the_allocation(both):
    results = []
    for ffi in both:
        ffi.cdef(NESTED)
        items = list(range(1, 301))
        p = ffi.new("struct outer_s *", [[7], [[9], items]])
        results.append((ffi.sizeof(p[0]), len(ffi.buffer(p)), p.head[0], p.tail.len[0],
                        [p.tail.data[i] for i in range(300)]))
    assert results[0] == results[1]
    assert results[0][1] >= 8 * 4 + 4 * 4 + 300 * 2


def test_a_flexible_member_of_an_inner_field_writes_only_within_the_allocation(ffi):
    ffi.cdef(NESTED)
    size = ffi.sizeof("struct holder_s")
    p = ffi.new("struct holder_s *", [[1, [2, 3, 4]], 5])
    assert (p.early.n, p.early.data[0], p.early.data[1], p.after) == (1, 2, 3, 5)
    with pytest.raises(IndexError):
        ffi.new("struct holder_s *", [[1, list(range(size + 1))], 5])
