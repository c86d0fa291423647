"""ffi.cast(): C cast semantics between numbers and pointers."""

import pytest

from differential import outcome


@pytest.mark.parametrize(
    "cdecl, value",
    [
        ("int", 42), ("int", 2**32 + 5), ("unsigned char", -1), ("signed char", 200),
        ("short", 70000), ("unsigned long long", -1), ("long", -(2**63)),
        ("_Bool", 2), ("_Bool", 0), ("char", 65), ("char", b"z"),
        ("double", 1.5), ("float", 0.1), ("int", 3.9), ("int", -3.9), ("double", 7),
        ("long double", 1.5), ("uint8_t", 300), ("int64_t", 2**64 + 3),
    ],
)
def test_cast_reprs_and_values_match_cffi(both, cdecl, value):
    r, c = both
    rv, cv = r.cast(cdecl, value), c.cast(cdecl, value)
    assert repr(rv) == repr(cv)
    if cdecl != "char":
        assert int(rv) == int(cv)
    if cdecl in ("double", "float", "long double"):
        assert float(rv) == float(cv)


NON_FINITE = [float("inf"), float("-inf"), float("nan"), -float("nan")]


@pytest.mark.parametrize("cdecl", ["long double", "double", "float"])
@pytest.mark.parametrize("value", NON_FINITE, ids=["inf", "-inf", "nan", "-nan"])
def test_non_finite_values_show_and_convert_as_in_cffi(both, cdecl, value):
    r, c = both
    rv, cv = r.cast(cdecl, value), c.cast(cdecl, value)
    assert (repr(rv), str(rv)) == (repr(cv), str(cv))
    assert repr(float(rv)) == repr(float(cv))
    assert outcome(lambda: int(rv)) == outcome(lambda: int(cv))
    kept = [ffi.new(cdecl + " *", value)[0] for ffi in both]
    assert repr(kept[0]) == repr(kept[1])


def test_long_double_shows_infinities_and_nans_as_c_prints_them(ffi):
    shown = [repr(ffi.cast("long double", v)) for v in NON_FINITE]
    assert shown == ["<cdata 'long double' %s>" % s for s in ("INF", "-INF", "NAN", "-NAN")]


@pytest.mark.parametrize("cdecl", ["long double", "double", "float"])
@pytest.mark.parametrize("value", [1e300, -1e300, 2.0**127, -(2.0**127), 3 * 2.0**126, 1e30])
def test_large_floating_values_are_exact_ints_as_in_cffi(both, cdecl, value):
    r, c = both
    rv, cv = r.cast(cdecl, value), c.cast(cdecl, value)
    assert outcome(lambda: int(rv)) == outcome(lambda: int(cv))
    for target in ("long long", "unsigned long long", "int", "uint8_t"):
        mine = outcome(lambda: int(r.cast(target, rv)))
        assert mine == outcome(lambda: int(c.cast(target, cv))), target


def test_int_of_a_huge_double_is_not_clamped(ffi):
    assert int(ffi.cast("double", 1e300)) == int(1e300)
    assert int(ffi.cast("long double", -(2.0**128))) == -(2**128)
    assert int(ffi.cast("unsigned long long", ffi.cast("double", 3 * 2.0**70))) == 0


def test_pointer_casts(both):
    r, c = both
    for ffi in (r, c):
        p = ffi.cast("void *", 0x1234)
        assert int(ffi.cast("intptr_t", p)) == 0x1234
        assert repr(ffi.cast("int *", p)) == "<cdata 'int *' 0x1234>"
        assert repr(ffi.cast("int *", 0)) == "<cdata 'int *' NULL>"
        assert int(ffi.cast("uintptr_t", ffi.cast("void *", -1))) == 2**64 - 1


def test_array_decays_to_pointer(ffi):
    a = ffi.new("int[2]", [5, 6])
    p = ffi.cast("int *", a)
    assert p[1] == 6
    assert int(ffi.cast("intptr_t", p)) == int(ffi.cast("intptr_t", a))


def test_primitive_cdata_compare_by_value(ffi):
    assert ffi.cast("int", 42) == 42
    assert ffi.cast("int", 42) == ffi.cast("long", 42)
    assert ffi.cast("double", 0.5) < 1
    assert hash(ffi.cast("int", 42)) == hash(ffi.cast("int", 42))


def test_pointers_compare_by_address(ffi):
    a = ffi.new("int[2]")
    assert ffi.cast("int *", a) == ffi.cast("void *", a)
    assert ffi.cast("void *", 1) < ffi.cast("void *", 2)
    assert ffi.NULL == ffi.cast("char *", 0)


def test_cast_to_struct_is_an_error(ffi):
    ffi.cdef("struct s { int a; };")
    with pytest.raises(TypeError):
        ffi.cast("struct s", 0)


def test_cast_wrong_types(ffi):
    with pytest.raises(TypeError):
        ffi.cast("int", "ab")
    with pytest.raises(TypeError):
        ffi.cast("int *", b"ab")
    with pytest.raises(TypeError):
        ffi.cast("double", "xy")


def test_long_double_keeps_its_value(ffi):
    v = ffi.cast("long double", 1e300)
    assert float(v) == 1e300
    p = ffi.new("long double *", v)
    assert float(p[0]) == 1e300


@pytest.mark.parametrize("expr", ["repr(ffi.cast('int[3]', 0))", "list(ffi.cast('int[3]', a))",
                                  "len(ffi.cast('int[3]', a))", "ffi.cast('int[]', 0)",
                                  "ffi.cast('int[3]', 'x')", "ffi.cast('int[2]', ffi.NULL)"])
def test_cast_to_an_array_type_views_the_address(both, expr):
    def run(ffi):
        a = ffi.new("int[3]", [1, 2, 3])
        return outcome(lambda: eval(expr, {"ffi": ffi, "a": a}))

    r, c = both
    assert run(r) == run(c)


@pytest.mark.parametrize("target", ["int", "signed char", "long long", "unsigned short", "_Bool"])
@pytest.mark.parametrize("byte", [b"a", b"\x80", b"\xff", b"\x00"])
def test_char_cdata_casts_as_its_unsigned_code_like_cffi(both, target, byte):
    # char is a byte, not a number: even where C's char is signed, cffi casts
    # it through its unsigned code.
    r, c = both
    assert int(r.cast(target, r.cast("char", byte))) == int(c.cast(target, c.cast("char", byte)))


def test_objects_with_only_int_cast_through_it(ffi):

    class Level:
        def __init__(self, n):
            self.n = n

        def __int__(self):
            return self.n

    assert int(ffi.cast("_Bool", Level(42))) == 1
    assert int(ffi.cast("_Bool", Level(0))) == 0
    assert int(ffi.cast("short", Level(70000))) == 70000 - 65536
    with pytest.raises(TypeError):
        ffi.cast("_Bool", [])


def test_primitive_and_pointer_cdata_are_as_small_as_cffis(ffi):
    # A value of up to 8 bytes shares the one word with a pointer's address;
    # owner, length and flavor live in a tail that plain cdata do not have:
    # header, ctype, word and weakref list, 5 pointers as in cffi.
    import struct
    import sys

    word = struct.calcsize("P")
    for cdata in (ffi.cast("int", 1), ffi.cast("double", 1.5), ffi.cast("int *", 16)):
        assert sys.getsizeof(cdata) == 5 * word
    # A long double does not fit the word: it keeps its value after a tail.
    big = ffi.cast("long double", 1.5)
    assert sys.getsizeof(big) > 5 * word
    assert float(big) == 1.5


@pytest.mark.parametrize(
    "cdecl, value", [("long double", -2.25), ("int64_t", -(2**62)), ("wchar_t", "\u20ac")]
)
def test_gc_of_a_primitive_keeps_its_value(both, cdecl, value):
    r, c = both
    kept = [ffi.gc(ffi.cast(cdecl, value), lambda _: None) for ffi in (r, c)]
    assert repr(kept[0]) == repr(kept[1])
    number = {"long double": float, "int64_t": int}.get(cdecl)
    if number is not None:
        assert number(kept[0]) == number(kept[1]) == value


def test_primitive_to_pointer_cast_uses_the_value_as_address(both):
    r, c = both
    got = [int(ffi.cast("intptr_t", ffi.cast("char *", ffi.cast("long", 4096))))
           for ffi in (r, c)]
    assert got == [4096, 4096]


def test_cast_takes_its_arguments_by_position_or_keyword(both):
    for ffi in both:
        assert int(ffi.cast("int", 5)) == 5
        for bad in ((), ("int",), ("int", 1, 2)):
            with pytest.raises(TypeError):
                ffi.cast(*bad)
        # The parameters are named as in cffi's FFI.cast.
        assert int(ffi.cast("int", source=6)) == 6
        assert int(ffi.cast(cdecl="short", source=70000)) == 70000 - 65536
        for bad in ({"foo": 1}, {"cdecl": "int"}, {"value": 1}):
            with pytest.raises(TypeError):
                ffi.cast("int", 1, **bad)


def test_cast_argument_errors_are_worded_as_for_other_methods():
    import rcffi

    ffi = rcffi.FFI()
    for call, text in [
        (lambda: ffi.cast("int"), "missing 1 required positional argument: 'source'"),
        (lambda: ffi.cast(), "missing 2 required positional arguments: 'cdecl' and 'source'"),
        (lambda: ffi.cast("int", 1, 2), "takes 2 positional arguments but 3 were given"),
        (lambda: ffi.cast("int", 1, cdecl="int"), "multiple values for argument 'cdecl'"),
        (lambda: ffi.cast("int", x=1), "unexpected keyword argument 'x'"),
    ]:
        with pytest.raises(TypeError, match=text):
            call()


def test_pointer_to_pointer_casts_keep_the_address_and_take_the_new_type(both):
    for ffi in both:
        arr = ffi.new("int[3]", [1, 2, 3])
        p = ffi.cast("void *", arr)
        q = ffi.cast("int *", p)
        assert ffi.typeof(q) is ffi.typeof("int *")
        assert q[2] == 3
        assert ffi.cast("intptr_t", q) == ffi.cast("intptr_t", arr)
        f = ffi.cast("int(*)(int)", p)
        assert ffi.cast("char *", f) == ffi.cast("char *", p)
        assert ffi.cast("int[3]", p)[1] == 2


def test_cast_sees_types_declared_after_a_first_cast():
    import rcffi

    ffi = rcffi.FFI()
    ffi.cdef("typedef int num_t;")
    assert ffi.sizeof(ffi.typeof(ffi.cast("num_t", 1))) == 4
    ffi.cdef("typedef long long wide_t;")
    assert ffi.sizeof(ffi.typeof(ffi.cast("wide_t", 1))) == 8
    assert int(ffi.cast("intptr_t", ffi.cast("num_t *", 16))) == 16
