"""The builtin functions of an API-mode lib stand for their C function's
address wherever a function pointer, a `void *` or an address-sized integer is
expected: as arguments, array items and in casts."""

CDEF = """
    struct pt { int x; };
    struct pt step1(struct pt); struct pt step5(struct pt);
    int run(struct pt(*)(struct pt)); int run_opaque(void *);
"""

SOURCE = """
    struct pt { int x; };
    static struct pt step1(struct pt p) { p.x += 1; return p; }
    static struct pt step5(struct pt p) { p.x += 5; return p; }
    static int run(struct pt(*f)(struct pt)) { struct pt p = {10}; return f(p).x; }
    static int run_opaque(void *f) {
        struct pt p = {20};
        return ((struct pt(*)(struct pt))f)(p).x;
    }
"""


def test_builtins_as_function_pointer_arguments(build):
    m = build(CDEF, SOURCE)
    lib = m.lib
    assert lib.run(lib.step1) == 11
    assert lib.run(lib.step5) == 15
    assert lib.run_opaque(lib.step5) == 25


def test_builtins_in_arrays_and_casts(build):
    m = build(CDEF, SOURCE)
    ffi, lib = m.ffi, m.lib
    p = ffi.new("struct pt *", [100])[0]
    table = ffi.new("struct pt(*[2])(struct pt)")
    table[0], table[1] = lib.step1, lib.step5
    assert (table[0](p).x, table[1](p).x) == (101, 105)
    address = ffi.cast("intptr_t", lib.step5)
    assert int(address) == int(ffi.cast("intptr_t", ffi.cast("void *", lib.step5)))
    assert ffi.cast("struct pt(*)(struct pt)", address)(p).x == 105
    opaque = ffi.new("void *[]", [lib.step1, lib.step5])
    assert ffi.cast("struct pt(*)(struct pt)", opaque[0])(p).x == 101
    assert ffi.typeof(lib.step1) == ffi.typeof("struct pt(*)(struct pt)")
