"""Enums: explicit values, constant expressions, the integer type gcc picks,
partial enums (`...`), differential against cffi where cffi accepts the input."""

import pytest

import rcffi
from rcffi import CDefError


def _enum(ffi, body):
    ffi.cdef("enum e { %s };" % body)
    return ffi.typeof("enum e").relements


@pytest.mark.parametrize(
    "body, values",
    [
        ("A, B, C", [0, 1, 2]),
        ("A = 5, B, C = 10, D", [5, 6, 10, 11]),
        ("A = -3, B, C", [-3, -2, -1]),
        ("A = 1 + 2, B = 7 - 9, C = 3 * 4, D = 17 / 5, E = 17 % 5", [3, -2, 12, 3, 2]),
        ("A = -17 / 5, B = -17 % 5", [-3, -2]),
        ("A = 1 << 4, B = 256 >> 3, C = 6 | 9, D = 12 & 10, E = 12 ^ 10", [16, 32, 15, 8, 6]),
        ("A = (1 + 2) * 3, B = 1 + 2 * 3, C = -(4), D = +5, E = 2 - - 1", [9, 7, -4, 5, 3]),
        ("A = 2, B = A * 3, C = B + A, D = C << A", [2, 6, 8, 32]),
        ("A = 010, B = 0x1F, C = 7u, D = 8L, E = 9ull", [8, 31, 7, 8, 9]),
        ("A = -2147483648, B = 0x7fffffff", [-2147483648, 2**31 - 1]),
        ("A = 1 << 31, B = 1 << 32", [2**31, 2**32]),
        ("A = 'a'", [97]),
    ],
)
def test_values_match_cffi(both, body, values):
    r, c = both
    rv, cv = _enum(r, body), _enum(c, body)
    assert rv == cv
    assert list(rv.values()) == values
    lib = r.dlopen(None)
    assert [getattr(lib, n) for n in rv] == values


@pytest.mark.parametrize(
    "body, values",
    [
        ("A = ~0, B = ~5", [-1, -6]),
        ("A = !0, B = !7", [1, 0]),
        ("A = 1 < 2, B = 2 < 1, C = 1 <= 1, D = 2 > 1, E = 1 >= 2, F = 3 == 3, G = 3 != 3",
         [1, 0, 1, 1, 0, 1, 0]),
        ("A = 1 && 0, B = 0 || 3", [0, 1]),
        ("A = 1 ? 2 : 3, B = 0 ? 2 : 3", [2, 3]),
        ("A = (int)3, B = (unsigned char)257, C = (signed char)200, D = (short)70000",
         [3, 1, -56, 4464]),
        ("A = (uint8_t)300, B = (int16_t)-1, C = (long)-1, D = (int)(unsigned char)300",
         [44, -1, -1, 44]),
        ("A = (unsigned)-1, B = (size_t)-1", [2**32 - 1, 2**64 - 1]),
        ("A = sizeof(int), B = sizeof(long double), C = sizeof(char *), D = sizeof(int[10])",
         [4, 16, 8, 40]),
        ("A = '\\n', B = '\\0', C = '\\x41'", [10, 0, 65]),
    ],
)
def test_wider_constant_expressions(ffi, body, values):
    # cffi refuses these operators (or, for '\n', reads the character after the
    # backslash); gcc accepts them, and so does rcffi.
    assert list(_enum(ffi, body).values()) == values


def test_division_by_zero_is_a_cdef_error(both):
    r, c = both
    with pytest.raises(CDefError, match="division by zero") as e:
        r.cdef("enum e { A = 5 / 0 };")
    assert ":1:16:" in str(e.value)
    with pytest.raises(ZeroDivisionError):
        c.cdef("enum e { A = 5 / 0 };")


@pytest.mark.parametrize(
    "body, size, signed",
    [
        ("A", 4, False),
        ("A = -1", 4, True),
        ("A = 0x7fffffff", 4, False),
        ("A = 0xffffffff", 4, False),
        ("A = -1, B = 0x7fffffff", 4, True),
        ("A = 0x100000000", 8, False),
        ("A = -1, B = 0x80000000", 8, True),
        ("A = -1, B = 0xffffffff", 8, True),
        ("A = -2147483649", 8, True),
        ("A = 0xffffffffffffffff", 8, False),
        ("A = -0x8000000000000000", 8, True),
    ],
)
def test_underlying_integer_type_matches_gcc_and_cffi(both, body, size, signed):
    r, c = both
    _enum(r, body)
    _enum(c, body)
    assert r.sizeof("enum e") == c.sizeof("enum e") == size
    assert r.alignof("enum e") == c.alignof("enum e")
    # Signedness shows in how -1 and the top value round-trip through a cast.
    for value in (-1, 2 ** (8 * size) - 1, 2 ** (8 * size - 1)):
        assert int(r.cast("enum e", value)) == int(c.cast("enum e", value))
    assert (int(r.cast("enum e", -1)) == -1) is signed


def test_enum_cdata_repr_and_comparison_like_cffi(both):
    r, c = both
    _enum(r, "A = 3, B = 3, C = -2")
    _enum(c, "A = 3, B = 3, C = -2")
    for v in (3, -2, 7):
        assert repr(r.cast("enum e", v)) == repr(c.cast("enum e", v))
    assert r.cast("enum e", 3) == r.cast("enum e", 3)


def test_a_value_given_twice_names_the_first_enumerator_like_cffi(both):
    # Bug fixed here: elements kept the last name of a repeated value.
    r, c = both
    _enum(r, "A = 3, B = 3, C = 2 + 1, D")
    _enum(c, "A = 3, B = 3, C = 2 + 1, D")
    rt = r.typeof("enum e")
    assert rt.elements == c.typeof("enum e").elements == {3: "A", 4: "D"}
    assert rt.relements == c.typeof("enum e").relements == {"A": 3, "B": 3, "C": 3, "D": 4}


def test_anonymous_and_typedef_enums(both):
    r, c = both
    src = "enum { K1, K2 = 7 }; typedef enum { L1 = -1 } l_t; typedef enum m { M1 } m_t;"
    r.cdef(src)
    c.cdef(src)
    assert r.typeof("l_t").elements == c.typeof("l_t").elements == {-1: "L1"}
    assert r.typeof("l_t").cname == c.typeof("l_t").cname
    assert r.typeof("m_t") is r.typeof("enum m")
    lib = r.dlopen(None)
    assert (lib.K1, lib.K2, lib.L1, lib.M1) == (0, 7, -1, 0)


def test_enums_are_usable_as_field_and_argument_types(both):
    r, c = both
    src = "enum small { S = 1 }; enum big { G = 0x100000000 }; " \
          "struct s { char c; enum big b; enum small a; }; int abs(enum small);"
    r.cdef(src)
    c.cdef(src)
    assert [(n, f.offset) for n, f in r.typeof("struct s").fields] == \
        [(n, f.offset) for n, f in c.typeof("struct s").fields]
    assert r.typeof(r.dlopen(None).abs).args == (r.typeof("enum small"),)
    assert r.dlopen(None).abs(5) == c.dlopen(None).abs(5) == 5


PARTIAL = "enum e { A, B, ... }; typedef enum { X = ..., Y } e_t; enum g { C = 1, D = ... };"


@pytest.mark.parametrize(
    "use",
    [
        lambda ffi: ffi.typeof("enum e"),
        lambda ffi: ffi.sizeof("enum e"),
        lambda ffi: ffi.typeof("enum e *"),
        lambda ffi: ffi.new("enum e *"),
        lambda ffi: ffi.typeof("e_t"),
        lambda ffi: ffi.typeof("enum g"),
        lambda ffi: ffi.dlopen(None).A,
        lambda ffi: ffi.dlopen(None).Y,
        lambda ffi: ffi.dlopen(None).C,
    ],
)
def test_partial_enums_need_api_mode_like_cffi(both, use):
    # Bug fixed here: rcffi numbered `enum e { A, B, ... }` 0, 1, ... in ABI mode,
    # although the real values are only known to the compiler.
    r, c = both
    r.cdef(PARTIAL)
    c.cdef(PARTIAL)
    with pytest.raises(rcffi.VerificationMissing, match="API mode"):
        use(r)
    assert type(pytest.raises(Exception, use, c).value).__name__ == "VerificationMissing"


def test_struct_holding_a_partial_enum_needs_api_mode_like_cffi(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("enum e { A, ... }; struct s { enum e v; }; enum f { F = 2 };")
    with pytest.raises(rcffi.VerificationMissing, match="enum e"):
        r.typeof("struct s")
    assert type(pytest.raises(Exception, c.typeof, "struct s").value).__name__ == \
        "VerificationMissing"
    # Other enums of the same cdef are unaffected.
    assert r.dlopen(None).F == c.dlopen(None).F == 2


def test_partial_enum_declarations_are_accepted_and_listed_like_cffi(both):
    r, c = both
    r.cdef(PARTIAL)
    c.cdef(PARTIAL)
    assert r.list_types() == c.list_types()


@pytest.mark.parametrize(
    "src, needle",
    [
        ("enum e { A = };", "expected a constant expression"),
        ("enum e { A = B };", "'B'"),
        ("enum e { A = 1.5 };", "1.5"),
        ("enum e { A, A };", "'A'"),
        ("enum e { A }; enum f { B, A };", "'A'"),
        ("enum e { A = (float)1 };", "float"),
    ],
)
def test_bad_enumerators_are_cdef_errors(ffi, src, needle):
    with pytest.raises(CDefError, match=needle):
        ffi.cdef(src)


def test_an_only_declared_enum_is_an_unsigned_int_with_a_warning():
    import warnings

    ffi = rcffi.FFI()
    ffi.cdef("enum later;")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        value = ffi.cast("enum later", -1)
    assert int(value) == 0xFFFFFFFF
    assert ffi.sizeof("enum later") == 4
    assert [str(w.message) for w in seen] == [
        "'enum later' has no values explicitly defined; "
        "guessing that it is equivalent to 'unsigned int'"]
