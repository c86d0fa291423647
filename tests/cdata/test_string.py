"""ffi.string(): C strings, wide strings and enum names."""

import pytest

from differential import outcome


def test_char_array_and_pointer(both):
    for ffi in both:
        a = ffi.new("char[]", b"hello")
        assert ffi.string(a) == b"hello"
        assert ffi.string(a, 3) == b"hel"
        assert ffi.string(ffi.cast("char *", a)) == b"hello"
        full = ffi.new("char[3]", b"abc")
        assert ffi.string(full) == b"abc"


def test_wide_strings(both):
    for ffi in both:
        for t in ("wchar_t[]", "char16_t[]", "char32_t[]"):
            w = ffi.new(t, "h\u00e9llo \U0001f600")
            assert ffi.string(w) == "h\u00e9llo \U0001f600", t


def test_enum_names(both):
    for ffi in both:
        ffi.cdef("enum e { A, B = 5 };")
        assert ffi.string(ffi.cast("enum e", 5)) == "B"
        assert ffi.string(ffi.cast("enum e", 7)) == "7"


def test_null_pointer_string_is_an_error(ffi):
    with pytest.raises(RuntimeError):
        ffi.string(ffi.cast("char *", 0))


def test_string_of_int_array_is_an_error(ffi):
    with pytest.raises(TypeError):
        ffi.string(ffi.new("int[3]"))


SURROGATE_EXPRS = [
    "list(ffi.new('char32_t[]', '\\ud808\\udf00'))",
    "ffi.string(ffi.new('char32_t[]', '\\ud808\\udf00'))",
    "ffi.string(ffi.new('wchar_t[]', '\\ud808x'))",
    "ffi.string(ffi.new('char16_t[]', '\\ud808\\udf45'))",
    "ffi.string(ffi.new('char16_t[]', '\\udf45'))",
    "ffi.unpack(ffi.new('char16_t[]', '\\ud808\\udf45'), 2)",
    "len(ffi.new('char16_t[]', '\\U00012345'))",
    "ffi.new('char16_t *', '\\ud808')[0]",
    "ffi.new('char32_t *', '\\ud808')[0]",
    "ffi.new('char16_t *', '\\U00012345')",
    "ffi.new('char16_t *', '\\ud808\\udf45')",
    "ffi.new('char32_t *', 5)",
    "ffi.new('char32_t *', ffi.cast('char32_t', 65))[0]",
    "int(ffi.cast('int', '\\udc80'))",
]


@pytest.mark.parametrize("expr", SURROGATE_EXPRS)
def test_lone_surrogates_and_wide_units_as_in_cffi(both, expr):
    r, c = both
    assert outcome(lambda: eval(expr, {"ffi": r})) == outcome(lambda: eval(expr, {"ffi": c}))


def test_bool_arrays_have_no_string(both):
    for ffi in both:
        for cdata in (ffi.new("_Bool *", 1), ffi.new("_Bool[]", [1]), ffi.cast("_Bool", 0)):
            with pytest.raises(TypeError):
                ffi.string(cdata)
