"""Records declared with '...;' passed or returned by value in API mode: the
glue wraps such functions in 'void w(void *result, void **args)' (the C
compiler knows the real type), so calls work whatever members the cdef omits;
the same call through an address that is no such wrapper is refused."""

import pytest

CDEF = """
    struct hid { int a; ...; };
    struct outer { struct hid h; int n; };
    struct hid make(int);
    int get(struct hid);
    struct hid twice(struct hid, signed char);
    struct outer wrap(struct hid, int);
    int sum_outer(struct outer);
    signed char neg_small(struct hid);
    unsigned short big_unsigned(struct hid);
    const char *label(struct hid);
    void store(struct hid, int *);
    int plain(int);
"""

# The hidden double makes the first eightbyte SSE: how C passes the struct
# depends on a member the cdef does not declare.
SOURCE = """
    struct hid { double d; int a; char tail[3]; };
    struct outer { struct hid h; int n; };
    static struct hid make(int a) { struct hid r = {1.5, a, {1, 2, 3}}; return r; }
    static int get(struct hid v) { return v.a + v.tail[2] + (int)v.d; }
    static struct hid twice(struct hid v, signed char c) { v.a = v.a * 2 + c; return v; }
    static struct outer wrap(struct hid h, int n) { struct outer o; o.h = h; o.n = n; return o; }
    static int sum_outer(struct outer o) { return o.h.a + o.n + (int)(o.h.d * 2); }
    static signed char neg_small(struct hid v) { return (signed char)-v.a; }
    static unsigned short big_unsigned(struct hid v) { return (unsigned short)(60000 + v.a); }
    static const char *label(struct hid v) { return v.a > 0 ? "pos" : "neg"; }
    static void store(struct hid v, int *out) { *out = v.a + (int)(v.d * 10); }
    static int plain(int x) { return -x; }
"""


@pytest.fixture
def mod(build):
    return build(CDEF, SOURCE)


def test_records_with_hidden_members_as_arguments_and_results(mod):
    ffi, lib = mod.ffi, mod.lib
    v = lib.make(5)
    assert ffi.sizeof(v) == 16 and v.a == 5
    assert lib.get(v) == 5 + 3 + 1
    assert lib.twice(v, -1).a == 9
    assert lib.get(lib.twice(v, 2)) == 12 + 3 + 1


def test_nested_and_narrow_results(mod):
    ffi, lib = mod.ffi, mod.lib
    v = lib.make(7)
    o = lib.wrap(v, 100)
    assert (o.h.a, o.n) == (7, 100)
    assert lib.sum_outer(o) == 7 + 100 + 3
    assert lib.neg_small(v) == -7
    assert lib.big_unsigned(v) == 60007
    assert ffi.string(lib.label(v)) == b"pos"
    out = ffi.new("int *")
    assert lib.store(v, out) is None and out[0] == 7 + 15


def test_argument_errors_are_still_python_errors(mod):
    lib = mod.lib
    with pytest.raises(TypeError):
        lib.get(42)
    with pytest.raises(TypeError):
        lib.twice(lib.make(1))


def test_an_address_that_is_no_wrapper_is_refused(mod):
    ffi, lib = mod.ffi, mod.lib
    other = ffi.cast("int(*)(struct hid)", ffi.addressof(lib, "plain"))
    with pytest.raises(NotImplementedError, match=r'"\.\.\.;"'):
        other(lib.make(1))
    # The refusal comes before the arguments are converted: a wrong argument
    # gets the same answer, not a conversion error hiding it.
    with pytest.raises(NotImplementedError, match="not supported as argument"):
        other("not a struct")
    assert lib.plain(4) == -4


def test_records_with_zero_length_arrays_pass_through_wrappers(build):
    m = build(
        """
        struct zl { int a; int x[0]; };
        struct nest { int k; struct zl z; };
        struct zl make_zl(int);
        int read_zl(struct zl);
        struct nest make_nest(int);
        struct zl vmake(int, ...);
        """,
        """
        struct zl { int a; int x[0]; };
        struct nest { int k; struct zl z; };
        static struct zl make_zl(int a) { struct zl r = { a }; return r; }
        static int read_zl(struct zl v) { return v.a * 3; }
        static struct nest make_nest(int k) { struct nest r = { k, { k + 1 } }; return r; }
        static struct zl vmake(int a, ...) { return make_zl(a); }
        """)
    lib = m.lib
    assert lib.make_zl(42).a == 42
    assert lib.read_zl(lib.make_zl(-5)) == -15
    n = lib.make_nest(7)
    assert (n.k, n.z.a) == (7, 8)
    # A variadic function has no wrapper: libffi would mis-size the record.
    with pytest.raises(NotImplementedError, match="not supported as return value.*non-variadic"):
        lib.vmake(1)
