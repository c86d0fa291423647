"""Primitive types: every spelling cdef() accepts, differential against cffi for
the C name, kind, size, alignment and signedness."""

import pytest

from rcffi import CDefError

# (spelling, canonical C name) for every spelling of every primitive.
SPELLINGS = [
    ("char", "char"),
    ("signed char", "signed char"),
    ("unsigned char", "unsigned char"),
    ("short", "short"), ("short int", "short"), ("signed short", "short"),
    ("signed short int", "short"), ("short signed", "short"), ("short signed int", "short"),
    ("unsigned short", "unsigned short"), ("unsigned short int", "unsigned short"),
    ("short unsigned", "unsigned short"), ("short unsigned int", "unsigned short"),
    ("int", "int"), ("signed", "int"), ("signed int", "int"),
    ("unsigned", "unsigned int"), ("unsigned int", "unsigned int"),
    ("long", "long"), ("long int", "long"), ("signed long", "long"), ("signed long int", "long"),
    ("long signed", "long"), ("long signed int", "long"),
    ("unsigned long", "unsigned long"), ("unsigned long int", "unsigned long"),
    ("long unsigned", "unsigned long"), ("long unsigned int", "unsigned long"),
    ("long long", "long long"), ("long long int", "long long"),
    ("signed long long", "long long"), ("signed long long int", "long long"),
    ("long long signed", "long long"), ("long signed long", "long long"),
    ("unsigned long long", "unsigned long long"), ("unsigned long long int", "unsigned long long"),
    ("long long unsigned", "unsigned long long"),
    ("long long unsigned int", "unsigned long long"),
    ("float", "float"), ("double", "double"), ("long double", "long double"),
    ("_Bool", "_Bool"), ("bool", "_Bool"),
    ("wchar_t", "wchar_t"), ("char16_t", "char16_t"), ("char32_t", "char32_t"),
    ("int8_t", "int8_t"), ("uint8_t", "uint8_t"), ("int16_t", "int16_t"),
    ("uint16_t", "uint16_t"), ("int32_t", "int32_t"), ("uint32_t", "uint32_t"),
    ("int64_t", "int64_t"), ("uint64_t", "uint64_t"),
    ("int_least8_t", "int_least8_t"), ("uint_least8_t", "uint_least8_t"),
    ("int_least16_t", "int_least16_t"), ("uint_least16_t", "uint_least16_t"),
    ("int_least32_t", "int_least32_t"), ("uint_least32_t", "uint_least32_t"),
    ("int_least64_t", "int_least64_t"), ("uint_least64_t", "uint_least64_t"),
    ("int_fast8_t", "int_fast8_t"), ("uint_fast8_t", "uint_fast8_t"),
    ("int_fast16_t", "int_fast16_t"), ("uint_fast16_t", "uint_fast16_t"),
    ("int_fast32_t", "int_fast32_t"), ("uint_fast32_t", "uint_fast32_t"),
    ("int_fast64_t", "int_fast64_t"), ("uint_fast64_t", "uint_fast64_t"),
    ("intptr_t", "intptr_t"), ("uintptr_t", "uintptr_t"),
    ("intmax_t", "intmax_t"), ("uintmax_t", "uintmax_t"),
    ("ptrdiff_t", "ptrdiff_t"), ("size_t", "size_t"), ("ssize_t", "ssize_t"),
    ("float _Complex", "_cffi_float_complex_t"), ("double _Complex", "_cffi_double_complex_t"),
    ("const int", "int"), ("int const", "int"), ("volatile unsigned", "unsigned int"),
]

INTEGERS = sorted({cname for _, cname in SPELLINGS}
                  - {"float", "double", "long double", "_cffi_float_complex_t",
                     "_cffi_double_complex_t", "char", "wchar_t", "char16_t", "char32_t",
                     "_Bool"})


@pytest.mark.parametrize("spelling, cname", SPELLINGS)
def test_spelling_matches_cffi(both, spelling, cname):
    r, c = both
    rt, ct = r.typeof(spelling), c.typeof(spelling)
    assert (repr(rt), rt.kind, rt.cname) == (repr(ct), ct.kind, ct.cname)
    assert rt.cname == cname and rt.kind == "primitive"
    assert (r.sizeof(spelling), r.alignof(spelling)) == (c.sizeof(spelling), c.alignof(spelling))


CANONICAL = {}
for _spelling, _cname in SPELLINGS:
    CANONICAL.setdefault(_cname, _spelling)


@pytest.mark.parametrize("spelling, cname", SPELLINGS)
def test_spellings_of_one_type_are_one_interned_ctype(ffi, spelling, cname):
    assert ffi.typeof(spelling) is ffi.typeof(CANONICAL[cname])


@pytest.mark.parametrize("cname", INTEGERS)
def test_integer_signedness_and_range_match_cffi(both, cname):
    r, c = both
    for value in (-1, 2**7, 2**15, 2**31, 2**63, 2**64 - 1):
        assert int(r.cast(cname, value)) == int(c.cast(cname, value)), value
    bits = 8 * r.sizeof(cname)
    if int(r.cast(cname, -1)) == -1:
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    else:
        lo, hi = 0, 2**bits - 1
    for ffi in (r, c):
        assert [ffi.new(cname + " *", v)[0] for v in (lo, hi)] == [lo, hi]
        for bad in (lo - 1, hi + 1):
            with pytest.raises(OverflowError):
                ffi.new(cname + " *", bad)


@pytest.mark.parametrize("cname", ["char", "wchar_t", "char16_t", "char32_t", "_Bool"])
def test_character_and_bool_types_convert_like_cffi(both, cname):
    r, c = both
    value = {"char": b"A", "_Bool": True}.get(cname, "\u20ac")
    rp, cp = r.new(cname + " *", value), c.new(cname + " *", value)
    assert rp[0] == cp[0] == value
    assert int(r.cast(cname, 65)) == int(c.cast(cname, 65)) == (1 if cname == "_Bool" else 65)


@pytest.mark.parametrize("cname", ["float", "double", "long double"])
def test_floating_types_round_like_cffi(both, cname):
    r, c = both
    assert float(r.cast(cname, 0.1)) == float(c.cast(cname, 0.1))
    assert (float(r.cast(cname, 0.1)) == 0.1) is (cname != "float")


def test_file_is_an_opaque_struct_like_cffi(both):
    r, c = both
    rt, ct = r.typeof("FILE"), c.typeof("FILE")
    assert (repr(rt), rt.kind, rt.cname, rt.fields) == (repr(ct), ct.kind, ct.cname, ct.fields)
    assert rt.fields is None
    with pytest.raises(ValueError):
        r.sizeof("FILE")
    assert r.typeof("FILE *").item is rt


def test_primitives_are_usable_in_declarations(both):
    r, c = both
    src = ("typedef struct { int8_t a; uint64_t b; char16_t c; long double d; _Bool e; "
           "size_t f; float _Complex g; } all_t;")
    r.cdef(src)
    c.cdef(src)
    def fields(ffi):
        return [(n, f.type.cname, f.offset) for n, f in ffi.typeof("all_t").fields]

    assert fields(r) == fields(c)
    assert r.sizeof("all_t") == c.sizeof("all_t")


@pytest.mark.parametrize(
    "spelling, cname",
    [("char signed", "signed char"), ("char unsigned", "unsigned char"),
     ("int short", "short"), ("int signed", "int"), ("int unsigned", "unsigned int"),
     ("int long", "long"), ("long int unsigned", "unsigned long"),
     ("int long long unsigned", "unsigned long long"), ("double long", "long double"),
     ("_Complex float", "_cffi_float_complex_t"), ("_Complex double", "_cffi_double_complex_t")],
)
def test_c_allows_specifiers_in_any_order(ffi, spelling, cname):
    # cffi refuses these orders; C (and rcffi) accept them.
    assert ffi.typeof(spelling).cname == cname


@pytest.mark.parametrize(
    "spelling",
    ["long long long", "short long", "unsigned float", "signed double", "long char", "_Bool int",
     "int int", "unsigned signed", "unsigned short signed", "long double _Complex", "char8_t",
     "short char", "signed _Bool"],
)
def test_invalid_combinations_are_refused(ffi, spelling):
    with pytest.raises(CDefError) as e:
        ffi.typeof(spelling)
    assert '"%s"' % spelling in str(e.value)
