"""Slicing pointer and array cdata: views, bounds and slice assignment."""

import pytest

from differential import outcome


GETS = ["a[2:5]", "list(a[2:5])", "a[2:5][0]", "a[:5]", "a[2:]", "a[2:5:1]", "a[5:2]",
        "a[-1:2]", "a[0:11]", "a[10:10]", "len(a[3:7])", "p[2:5]", "list(p[-2:1])", "p[:3]",
        "c[1:3]", "list(c[1:3])", "ffi.typeof(p[2:5])", "a[2:5][3]"]


@pytest.mark.parametrize("expr", GETS)
def test_slices_match_cffi(both, expr):
    def run(ffi):
        a = ffi.new("int[10]", list(range(10)))
        env = {"ffi": ffi, "a": a, "p": ffi.cast("int *", a) + 5,
               "c": ffi.new("char[10]", b"abcdefg")}
        return eval(expr, env)

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


class Index:
    def __index__(self):
        return 3


class IntSub(int):
    pass


# cffi's slice bounds are Python ints (bool and subclasses included), not any
# object with __index__ as Python sequences take.
BOUNDS = [Index(), True, IntSub(3), 2**70, 3.0, None]


@pytest.mark.parametrize("bound", BOUNDS,
                         ids=["index", "bool", "int-subclass", "huge", "float", "none"])
def test_slice_bounds_are_ints_as_in_cffi(both, bound):
    def run(ffi, get):
        a = ffi.new("int[10]", list(range(10)))
        p = ffi.cast("int *", a)
        return [get(a), get(p), len(a[0:bound]), len(p[0:bound])]

    r, c = both
    for get in (lambda a: list(a[0:bound]), lambda a: list(a[bound:5])):
        assert outcome(lambda: run(r, get)) == outcome(lambda: run(c, get))

    def assign(ffi):
        a = ffi.new("int[10]")
        a[1:bound] = [5, 5]
        return list(a)

    assert outcome(lambda: assign(r)) == outcome(lambda: assign(c))


SETS = ["a[0:3] = [7, 8, 9]", "a[0:3] = [7, 8]", "a[0:3] = [7, 8, 9, 10]",
        "a[0:3] = (x for x in [1, 2, 3])", "a[0:3] = range(3)", "a[0:3] = a[5:8]",
        "a[0:3] = ffi.new('long[3]', [4, 5, 6])", "a[0:3] = b'abc'", "a[0:3] = 5",
        "c[0:3] = b'xyz'", "c[0:3] = bytearray(b'xyz')", "c[0:3] = b'xy'",
        "c[0:3] = [b'a', b'b', b'c']", "c[0:3] = 'abc'", "u[0:3] = b'xyz'", "a[3:1] = []",
        "a[-1:1] = [0, 0]", "p[-1:1] = [0, 0]", "a[0:2] = ffi.new('int[3]')"]


@pytest.mark.parametrize("stmt", SETS)
def test_slice_assignment_matches_cffi(both, stmt):
    def run(ffi):
        a = ffi.new("int[10]", list(range(10)))
        c = ffi.new("char[10]", b"abcdefg")
        u = ffi.new("unsigned char[5]")
        exec(stmt, {"ffi": ffi, "a": a, "c": c, "u": u, "p": ffi.cast("int *", a) + 5})
        return list(a), ffi.string(c), list(u)

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


@pytest.mark.parametrize("source", ["ffi.new('int[3]', [7, 8, 9])", "ffi.new('int[1]', [7])",
                                    "[7, 8, 9]", "ffi.new('char[4]', b'zzzz')"])
def test_a_refused_slice_assignment_leaves_what_cffi_leaves(both, source):
    """A source of the wrong length is refused after its first items are
    stored, an array as any other sequence (found by fuzz/cffi_ops.py)."""
    def run(ffi):
        a = ffi.new("int[4]", [1, 2, 3, 4])
        c = ffi.new("char[4]", b"abcd")
        target = c if "char" in source else a
        try:
            target[0:2] = eval(source, {"ffi": ffi})
        except ValueError as e:
            return list(a), ffi.buffer(c)[:], str(e)
        return "no error"

    r, c = both
    assert run(r) == run(c)


def test_slice_is_a_view_that_keeps_the_array_alive(ffi):
    view = ffi.new("int[4]", [1, 2, 3, 4])[1:3]
    assert list(view) == [2, 3]
    view[0] = 20
    assert view[0] == 20
    with pytest.raises(IndexError):
        view[2]


def test_slice_of_null_pointer_raises(ffi):
    with pytest.raises(RuntimeError):
        ffi.cast("int *", 0)[0:2]


def test_overlapping_slice_assignment_moves_like_memmove(ffi):
    a = ffi.new("int[6]", [0, 1, 2, 3, 4, 5])
    a[1:5] = a[0:4]
    assert list(a) == [0, 0, 1, 2, 3, 5]


@pytest.mark.parametrize("use", [
    "a[0]", "a[1] = 5", "a[0:2]", "list(a)", "a[0:2] = [1, 2]", "s[0].x",
    "ffi.new('int[3]', a)", "ffi.new('int[3]')[0:3] = a",
])
def test_an_array_at_null_raises_instead_of_reading_it(ffi, use):
    # `ffi.cast("int[3]", 0)` is an array cdata at NULL, as in cffi.
    ffi.cdef("struct pt { int x, y; };")
    names = {"ffi": ffi, "a": ffi.cast("int[3]", 0), "s": ffi.cast("struct pt[2]", 0)}
    with pytest.raises(RuntimeError, match="NULL|null"):
        exec(use, names)
