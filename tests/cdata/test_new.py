"""ffi.new(): allocation, initializers, ownership, reprs; field and item access."""

import pytest

from differential import outcome

DECLS = """
    typedef struct { int x, y; } point_t;
    struct s { int a[3]; point_t p; char *c; _Bool b; unsigned char u; double d; };
    struct bits { int lo:3; unsigned hi:5; };
    union num { int i; float f; };
"""


@pytest.fixture
def pair(both):
    r, c = both
    r.cdef(DECLS)
    c.cdef(DECLS)
    return r, c


@pytest.mark.parametrize(
    "cdecl, init",
    [
        ("point_t *", [1, 2]),
        ("point_t *", {"y": 3}),
        ("point_t *", None),
        ("int[10]", None),
        ("int[]", 5),
        ("int[]", [1, 2, 3]),
        ("int[]", 0),
        ("short[]", 4),
        ("double[]", [1.5, 2.5]),
        ("char[]", b"ab"),
        ("char[10]", b"ab"),
        ("struct s *", {"a": [1, 2], "p": {"x": 4}, "d": 1.5}),
        ("int *", 42),
        ("double *", 2.5),
        ("union num *", [7]),
    ],
)
def test_new_reprs_and_values_match_cffi(pair, cdecl, init):
    r, c = pair
    rp, cp = r.new(cdecl, init), c.new(cdecl, init)
    assert repr(rp) == repr(cp)
    assert r.sizeof(rp) == c.sizeof(cp)
    if r.typeof(cdecl).kind == "array":
        assert list(rp) == list(cp)
        assert len(rp) == len(cp)


def test_memory_is_zeroed(ffi):
    a = ffi.new("long[64]")
    assert list(a) == [0] * 64


def test_struct_fields_read_and_write(pair):
    r, _ = pair
    s = r.new("struct s *")
    s.a[1] = 5
    s.p.y = 9
    s.b = True
    s.u = 255
    s.d = 0.25
    assert (list(s.a), s.p.x, s.p.y, s.b, s.u, s.d) == ([0, 5, 0], 0, 9, True, 255, 0.25)
    assert s.c == r.NULL


def test_field_reprs_match_cffi(pair):
    r, c = pair
    rs, cs = r.new("struct s *"), c.new("struct s *")
    assert repr(rs.c) == repr(cs.c)
    assert repr(rs[0]) == repr(cs[0])
    assert repr(rs.p).startswith("<cdata 'point_t &' 0x")
    assert repr(rs.a).startswith("<cdata 'int[3]' 0x")


def test_deref_of_owning_struct_pointer_co_owns(ffi):
    ffi.cdef(DECLS)
    p = ffi.new("point_t *", [3, 4])
    s = p[0]
    del p
    assert (s.x, s.y) == (3, 4)
    assert repr(s) == "<cdata 'point_t' owning 8 bytes>"


def test_field_view_keeps_parent_alive(ffi):
    ffi.cdef(DECLS)
    inner = ffi.new("struct s *", {"a": [7, 8, 9]}).a
    assert list(inner) == [7, 8, 9]


def test_bitfields(pair):
    r, c = pair
    rb, cb = r.new("struct bits *"), c.new("struct bits *")
    for obj in (rb, cb):
        obj.lo = -4
        obj.hi = 31
    assert (rb.lo, rb.hi) == (cb.lo, cb.hi) == (-4, 31)
    assert bytes(r.buffer(rb)) == bytes(c.buffer(cb)) if hasattr(r, "buffer") else True
    with pytest.raises(OverflowError):
        rb.lo = 4
    with pytest.raises(OverflowError):
        rb.hi = 32


class _Index:
    def __index__(self):
        return 3


class _Int:
    def __int__(self):
        return 3


@pytest.mark.parametrize("value", ["_Index()", "_Int()", "True", "2.5", "2 ** 200",
                                   "ffi.cast('int', 3)", "ffi.cast('char', b'a')", "None"])
def test_bitfields_take_ints_as_cffi_does(pair, value):
    # cffi converts a bitfield's value as an index (__index__), unlike plain
    # integer fields, which take __int__ (field "u").
    def run(ffi):
        b = ffi.new("struct bits *")
        s = ffi.new("struct s *")
        env = {"ffi": ffi, "_Index": _Index, "_Int": _Int}

        def store():
            b.lo = eval(value, env)
            return b.lo

        def store_plain():
            s.u = eval(value, env)
            return s.u

        return outcome(store), outcome(store_plain)

    r, c = pair
    assert run(r) == run(c)


def test_packed_bitfield_spanning_its_unit(ffi):
    ffi.cdef("struct pk { char a:3; int b:31; };", packed=True)
    p = ffi.new("struct pk *")
    p.b = -(2**30)
    p.a = 7  # a char bit field is unsigned, as in cffi
    assert (p.a, p.b) == (7, -(2**30))
    assert ffi.sizeof("struct pk") == 5


@pytest.mark.parametrize(
    "stmt, exc",
    [
        ("s.b = 2", OverflowError),
        ("s.c = None", TypeError),
        ("s.a[0] = 1.5", TypeError),
        ("ffi.new('unsigned char *', 300)", OverflowError),
        ("ffi.new('int *', 'x')", TypeError),
        ("s.a[3]", IndexError),
        ("s.a[-1]", IndexError),
        ("s.zz", AttributeError),
        ("s.p.x = 2**40", OverflowError),
        ("ffi.cast('int *', 0)[0]", RuntimeError),
        ("ffi.new('int')", TypeError),
        ("ffi.new('point_t *', [1, 2, 3])", ValueError),
        ("ffi.new('int[2]', [1, 2, 3])", IndexError),
        ("ffi.new('char *', b'ab')", TypeError),
        ("ffi.new('struct s *', {'nope': 1})", KeyError),
    ],
)
def test_errors_have_cffis_exception_types(pair, stmt, exc):
    for ffi in pair:
        s = ffi.new("struct s *")
        with pytest.raises(exc):
            exec(stmt, {"ffi": ffi, "s": s})


def test_field_access_through_null_pointer_raises(ffi):
    # cffi crashes here; rcffi checks.
    ffi.cdef(DECLS)
    with pytest.raises(RuntimeError, match="null pointer"):
        ffi.cast("point_t *", 0).x
    with pytest.raises(RuntimeError, match="null pointer"):
        ffi.cast("point_t *", 0).x = 1


def test_struct_dir_lists_fields(pair):
    r, c = pair
    assert sorted(dir(r.new("point_t *"))) == sorted(dir(c.new("point_t *"))) == ["x", "y"]


def test_array_iteration_and_len(ffi):
    a = ffi.new("short[4]", [1, -2, 3])
    assert len(a) == 4 and list(a) == [1, -2, 3, 0]


def test_array_iteration_reads_each_item_when_asked_as_cffi(both):
    """An array's iterator reads an item when it gets to it: a loop writing
    ahead sees what it wrote, an array given to its own slice is read as it
    is written (found by fuzz/cffi_ops.py)."""
    def run(ffi):
        a = ffi.new("int[5]", [1, 2, 3, 4, 5])
        seen = []
        for i, x in enumerate(a):
            seen.append(x)
            if i + 1 < len(a):
                a[i + 1] = 100 + i
        d = ffi.new("double[4]", [7.0])
        refused = outcome(lambda: d.__setitem__(slice(1, 3), d))
        it = iter(ffi.new("char[3]", b"ab"))
        return seen, list(d), refused, next(it), list(it), list(it)

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_pointer_indexing_is_c_like(ffi):
    a = ffi.new("int[4]", [10, 20, 30, 40])
    p = ffi.cast("int *", a)
    assert p[3] == 40
    q = ffi.cast("int *", int(ffi.cast("intptr_t", p)) + 8)
    assert q[-1] == 20
    assert (p + 2)[0] == 30 and (a + 3)[0] == 40
    assert (p + 3) - p == 3 and ((p + 3) - 1)[0] == 30
    assert ffi.typeof(a + 1) is ffi.typeof("int *")


def test_bool_of_cdata(ffi):
    assert not ffi.NULL
    assert ffi.new("int *")
    assert not ffi.cast("int", 0)
    assert ffi.cast("int", 3)


def test_pointer_fields_accept_compatible_pointers(ffi):
    ffi.cdef("struct holder { int *ip; void *vp; };")
    h = ffi.new("struct holder *")
    arr = ffi.new("int[3]", [1, 2, 3])
    h.ip = arr
    h.vp = arr
    assert h.ip[2] == 3
    h.ip = ffi.cast("void *", h.vp)
    with pytest.raises(TypeError):
        h.ip = ffi.new("long *")


def test_dict_initializer_changed_while_converting(ffi):
    ffi.cdef("struct m { int a, b, c; };")
    d = {}

    class Clears:
        def __int__(self):
            d.clear()
            d["zz"] = 5
            return 7

    d.update(a=Clears(), b=2, c=3)
    p = ffi.new("struct m *", d)
    # The items as they were when the conversion started.
    assert (p.a, p.b, p.c) == (7, 2, 3)
    assert d == {"zz": 5}


def test_dict_initializer_growing_while_converting(ffi):
    ffi.cdef("struct m { int a, b; };")
    d = {}

    class Grows:
        def __int__(self):
            for i in range(100):
                d["k%d" % i] = i
            return 1

    d.update(a=Grows(), b=2)
    p = ffi.new("struct m *", d)
    assert (p.a, p.b) == (1, 2)
    with pytest.raises(KeyError, match="k0"):
        ffi.new("struct m *", d)


@pytest.mark.parametrize("expr", ["p[1]", "p[-1]", "p.__setitem__(1, 5)", "q[1]", "p[0]",
                                  "ffi.cast('int *', p)[1] is not None", "(p + 1) - p",
                                  "q[0].x", "ffi.new('point_t[2]')[1].x"])
def test_pointer_from_new_is_indexed_by_0_only(pair, expr):
    def run(ffi):
        p = ffi.new("int *", 5)
        q = ffi.new("point_t *", [1, 2])
        return outcome(lambda: eval(expr, {"ffi": ffi, "p": p, "q": q}))

    r, c = pair
    assert run(r) == run(c)


@pytest.mark.parametrize("expr", ["list(ffi.new('int[6]', a3))", "list(ffi.new('int[3]', a3))",
                                  "ffi.new('int[]', a3)", "ffi.string(ffi.new('char *', b'x'))",
                                  "ffi.string(ffi.new('wchar_t *', 'x'))", "s.c[0:5]",
                                  "ffi.string(ffi.cast('signed char', 42))",
                                  "ffi.string(ffi.cast('unsigned char', 42))"])
def test_copies_and_strings_as_in_cffi(both, expr):
    def run(ffi):
        ffi.cdef("struct cs { char c[5]; };")
        a3 = ffi.new("int[3]", [1, 2, 3])
        s = ffi.new("struct cs *", [b"abcd"])
        s.c = b"x"  # one NUL after a shorter string, the rest kept
        return outcome(lambda: eval(expr, {"ffi": ffi, "a3": a3, "s": s}))

    r, c = both
    assert run(r) == run(c)


def test_weak_references_to_buffers_and_libs(both):
    import weakref

    for ffi in both:
        lib = ffi.dlopen(None)
        buf = ffi.buffer(ffi.new("int *"))
        assert weakref.ref(lib)() is lib
        assert weakref.ref(buf)() is buf


@pytest.mark.parametrize("cdecl, init", [("uint8_t[]", "text"), ("char[]", [1.5]),
                                         ("wchar_t[]", b"ab"), ("int[]", b"ab"),
                                         ("char[]", [b"a", 1])])
def test_open_array_initializer_errors_name_the_open_type_as_cffi(pair, cdecl, init):
    r, c = pair

    def message(ffi):
        try:
            ffi.new(cdecl, init)
        except (TypeError, IndexError) as e:
            return type(e).__name__, str(e)
        return None

    assert message(r) == message(c)


def test_new_takes_its_arguments_by_position_or_keyword(both):
    for ffi in both:
        assert ffi.new("int *", 5)[0] == 5
        assert ffi.new("int *", init=6)[0] == 6
        assert list(ffi.new(cdecl="int[2]", init=[7, 8])) == [7, 8]
        assert ffi.new("int *", None)[0] == 0
        for bad in ((), ("int *", 1, 2)):
            with pytest.raises(TypeError):
                ffi.new(*bad)
        for bad in ({"foo": 1}, {"cdecl": "int *"}):
            with pytest.raises(TypeError):
                ffi.new("int *", **bad)


def test_a_large_new_touches_only_the_pages_used(ffi):
    # 2 GiB of zeros come from the kernel as they are touched, not written.
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p = ffi.new("char[]", 1 << 31)
    p[len(p) - 1] = b"x"
    assert (p[0], p[1 << 30], p[len(p) - 1]) == (b"\0", b"\0", b"x")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024
