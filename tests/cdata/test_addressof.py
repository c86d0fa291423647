"""ffi.addressof and ffi.offsetof: nested fields and array indexes."""

import pytest

from differential import outcome

DECLS = """
    typedef struct { int a, b; } pt;
    typedef struct { pt p[3]; int z; } nest_t;
    struct anon { int k; union { int u; struct { char c1, c2; }; }; };
"""


@pytest.fixture
def pair(both):
    for ffi in both:
        ffi.cdef(DECLS)
    return both


OFFSETS = [("pt", "b"), ("pt *", "b"), ("nest_t", "p", 2, "b"), ("nest_t", "z"),
           ("pt", "c"), ("int", 1), ("int[5]", 10), ("int[5]", -1), ("int *", 2),
           ("struct anon", "c2"), ("struct anon", "u"), ("nest_t", "p", "a"), ("pt", 1.5)]


@pytest.mark.parametrize("args", OFFSETS, ids=repr)
def test_offsetof_matches_cffi(pair, args):
    r, c = pair
    assert outcome(lambda: r.offsetof(*args)) == outcome(lambda: c.offsetof(*args))


ADDRESSES = [("n", "p", 2, "b"), ("n[0]", "p"), ("n",), ("n[0]",), ("n", "p", 5),
             ("arr", 2), ("arr",), ("ffi.cast('int', 5)",), ("5",), ("n", "zz"),
             ("s", "c2"), ("s[0]",)]


@pytest.mark.parametrize("args", ADDRESSES, ids=repr)
def test_addressof_types_and_errors_match_cffi(pair, args):
    def run(ffi):
        env = {"ffi": ffi, "n": ffi.new("nest_t *"), "arr": ffi.new("int[5]"),
               "s": ffi.new("struct anon *")}
        target = eval(args[0], env)
        p = ffi.addressof(target, *args[1:])
        return ffi.typeof(p)

    r, c = pair
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_addressof_points_into_the_data(pair):
    r, _ = pair
    n = r.new("nest_t *")
    p = r.addressof(n, "p", 2, "b")
    p[0] = 42
    assert n.p[2].b == 42
    assert int(r.cast("intptr_t", p)) - int(r.cast("intptr_t", n)) == r.offsetof("nest_t", "p", 2, "b")
    s = n[0]
    assert r.addressof(s) == n
    arr = r.new("int[5]")
    assert r.addressof(arr, 3) == arr + 3


def test_addressof_of_a_released_cdata_as_in_cffi(pair):
    def run(ffi):
        n = ffi.new("nest_t *")
        ffi.release(n)
        return ffi.addressof(n, "z") == ffi.addressof(n[0], "z")

    r, c = pair
    assert run(r) is run(c) is True


def test_addressof_lib_function_and_global_in_abi_mode(ffi):
    ffi.cdef("int abs(int); extern char **environ;")
    lib = ffi.dlopen(None)
    f = ffi.addressof(lib, "abs")
    assert ffi.typeof(f) is ffi.typeof("int(*)(int)") and f(-3) == 3
    p = ffi.addressof(lib, "environ")
    assert ffi.typeof(p) is ffi.typeof("char * * *")
    assert p[0] == lib.environ
    with pytest.raises(AttributeError):
        ffi.addressof(lib, "nothing_declared")
