"""Simple types: values, truncation, conversions, errors and reprs."""

import pytest

INT_TYPES = ["c_byte", "c_ubyte", "c_short", "c_ushort", "c_int", "c_uint", "c_long",
             "c_ulong", "c_longlong", "c_ulonglong", "c_int8", "c_uint16", "c_int32",
             "c_uint64", "c_size_t", "c_ssize_t"]


@pytest.mark.parametrize("name", INT_TYPES)
@pytest.mark.parametrize("value", [0, 1, -1, 127, 128, 255, 256, 2**31, -2**31 - 1, 2**64 + 5])
def test_integers_wrap_like_c(same, name, value):
    assert same(lambda m: getattr(m, name)(value).value)[0] == "gives"


@pytest.mark.parametrize("value", [1.5, "3", b"x", None, [1]])
def test_integer_rejects_non_integers(same, value):
    same(lambda m: m.c_int(value).value)


@pytest.mark.parametrize("name", ["c_float", "c_double", "c_longdouble"])
@pytest.mark.parametrize("value", [0, 1, 1.5, -2.25, 1e300, "x"])
def test_floats(same, name, value):
    same(lambda m: getattr(m, name)(value).value)


@pytest.mark.parametrize("value", [b"a", b"ab", 65, 256, "a", bytearray(b"z")])
def test_c_char(same, value):
    same(lambda m: m.c_char(value).value)


@pytest.mark.parametrize("value", ["a", "ab", b"a", 1])
def test_c_wchar(same, value):
    same(lambda m: m.c_wchar(value).value)


@pytest.mark.parametrize("value", [0, 1, 2, [], [0], None])
def test_c_bool(same, value):
    same(lambda m: m.c_bool(value).value)


@pytest.mark.parametrize("name,value", [("c_char_p", b"hello"), ("c_char_p", None),
                                        ("c_char_p", "text"), ("c_wchar_p", "h\xe9llo"),
                                        ("c_wchar_p", b"x"), ("c_void_p", 1234),
                                        ("c_void_p", None), ("c_void_p", "x")])
def test_pointer_like_values(same, name, value):
    same(lambda m: getattr(m, name)(value).value)


@pytest.mark.parametrize("expr", ["c_int(42)", "c_double(1.5)", "c_char(b'x')",
                                  "c_bool(True)", "c_void_p()", "c_wchar('q')",
                                  "py_object(42)", "c_char_p()"])
def test_reprs(same, expr):
    same(lambda m: repr(eval(expr, vars(m))))


def test_value_is_mutable_and_shared_with_memory(ct):
    x = ct.c_int(5)
    x.value = 7
    assert ct.cast(ct.pointer(x), ct.POINTER(ct.c_int))[0] == 7


def test_py_object_round_trips_through_memory(ct):
    marker = object()
    box = ct.py_object(marker)
    assert box.value is marker
    assert ct.cast(ct.pointer(box), ct.POINTER(ct.py_object)).contents.value is marker
    with pytest.raises(ValueError):
        ct.py_object().value


def test_subclass_keeps_instances(same):
    def run(m):
        class MyInt(m.c_int):
            pass

        class S(m.Structure):
            _fields_ = [("a", MyInt), ("b", m.c_int)]

        s = S(3, 4)
        return type(s.a).__name__, s.a.value, s.b
    assert same(run) == ("gives", "('MyInt', 3, 4)")


@pytest.mark.parametrize("code", ["i", "x", "ii", 5])
def test_simple_subclass_type_codes(same, code):
    def run(m):
        class T(m._SimpleCData):
            _type_ = code
        return m.sizeof(T)
    same(run)


def test_sizes_and_alignments(same):
    names = INT_TYPES + ["c_float", "c_double", "c_longdouble", "c_bool", "c_char", "c_wchar",
                         "c_char_p", "c_wchar_p", "c_void_p", "py_object"]
    same(lambda m: [(m.sizeof(getattr(m, n)), m.alignment(getattr(m, n))) for n in names])


def test_swapped_types(same):
    def run(m):
        class S(m.BigEndianStructure):
            _fields_ = [("a", m.c_int), ("b", m.c_ushort), ("d", m.c_double)]

        s = S(0x01020304, 0x0506, 1.5)
        return m.string_at(m.addressof(s), m.sizeof(s)), s.a, s.b, s.d
    same(run)


def test_simple_instances_have_a_dict(same):
    def run(m):
        x = m.c_double(2.5)
        before = dict(x.__dict__)
        x.note = "kept"
        return before, x.__dict__, x.value
    same(run)


def test_long_double_encodings_without_the_integer_bit_read_as_nan(same):
    """x87 encodings whose exponent is set but integer bit clear (unnormals,
    pseudo-infinities) are no numbers: C's conversion to double gives NaN."""
    import math

    def run(m):
        values = []
        for exponent, mantissa in ((1, 0), (16383, 1 << 62), (0x7FFF, 0), (16383, 1 << 63)):
            raw = mantissa.to_bytes(8, "little") + exponent.to_bytes(2, "little") + bytes(6)
            value = m.c_longdouble.from_buffer_copy(raw).value
            values.append("nan" if math.isnan(value) else value)
        return values
    same(run)
