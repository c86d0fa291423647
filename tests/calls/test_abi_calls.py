"""Calling C in ABI mode (issue #5): every argument and result kind, through the
test library tests/c/testlib.c, with differential checks against cffi."""

import ctypes
import math
import struct
import threading

import pytest

# (suffix in the test library, C type, size in bytes, signed)
INT_TYPES = [
    ("schar", "signed char", 1, True),
    ("uchar", "unsigned char", 1, False),
    ("short", "short", 2, True),
    ("ushort", "unsigned short", 2, False),
    ("int", "int", 4, True),
    ("uint", "unsigned int", 4, False),
    ("long", "long", 8, True),
    ("ulong", "unsigned long", 8, False),
    ("llong", "long long", 8, True),
    ("ullong", "unsigned long long", 8, False),
    ("int8", "int8_t", 1, True),
    ("uint8", "uint8_t", 1, False),
    ("int16", "int16_t", 2, True),
    ("uint16", "uint16_t", 2, False),
    ("int32", "int32_t", 4, True),
    ("uint32", "uint32_t", 4, False),
    ("int64", "int64_t", 8, True),
    ("uint64", "uint64_t", 8, False),
    ("size", "size_t", 8, False),
    ("intptr", "intptr_t", 8, True),
]
INT_IDS = [t[0] for t in INT_TYPES]


def int_range(size, signed):
    bits = 8 * size
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def wrap(value, size, signed):
    """The C conversion of an integer to a type of `size` bytes."""
    bits = 8 * size
    value &= (1 << bits) - 1
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def f32(x):
    """`x` rounded to a C float."""
    return struct.unpack("f", struct.pack("f", x))[0]


def outcome(fn, *args):
    """The result of a call, or its exception type: for differential checks."""
    try:
        return ("ok", fn(*args))
    except Exception as e:  # noqa: BLE001 - any exception type is the result here
        return ("raises", type(e))


# ---- integers ----------------------------------------------------------------


@pytest.mark.parametrize("name,ctype,size,signed", INT_TYPES, ids=INT_IDS)
def test_integer_round_trip_extremes(tl, name, ctype, size, signed):
    ffi, lib = tl
    lo, hi = int_range(size, signed)
    f = getattr(lib, "t_id_" + name)
    for v in (lo, lo + 1, 0, 1, hi - 1, hi, hi // 3):
        r = f(v)
        assert r == v and type(r) is int
    assert f(True) == 1
    assert f(ffi.cast(ctype, hi)) == hi


@pytest.mark.parametrize("name,ctype,size,signed", INT_TYPES, ids=INT_IDS)
def test_integer_out_of_range_raises_overflow(tl, name, ctype, size, signed):
    _, lib = tl
    lo, hi = int_range(size, signed)
    f = getattr(lib, "t_id_" + name)
    for bad in (lo - 1, hi + 1, hi + 2**70, lo - 2**70):
        with pytest.raises(OverflowError):
            f(bad)


@pytest.mark.parametrize("name,ctype,size,signed", INT_TYPES, ids=INT_IDS)
def test_integer_wrong_types_raise_type_error(tl, name, ctype, size, signed):
    ffi, lib = tl
    f = getattr(lib, "t_id_" + name)
    for bad in (1.0, "1", b"1", None, [1], ffi.new("int *"), ffi.cast("double", 2.0), f):
        with pytest.raises(TypeError):
            f(bad)


@pytest.mark.parametrize("name,size,signed", [
    ("schar", 1, True), ("uchar", 1, False), ("short", 2, True), ("ushort", 2, False),
    ("int", 4, True), ("uint", 4, False), ("int8", 1, True), ("uint8", 1, False),
    ("int16", 2, True), ("uint16", 2, False),
])
def test_narrow_results_ignore_upper_register_bits(tl, name, size, signed):
    _, lib = tl
    f = getattr(lib, "t_trunc_" + name)
    for v in (-1, 0x1234_5678_9ABC_DEF0, -0x7654_3210_0123_4567, 0x80, 0x8000, 0x8000_0000,
              0xFF, 0x7F, 2**63 - 1, -(2**63)):
        assert f(v) == wrap(v, size, signed)


@pytest.mark.parametrize("name,size,signed", [
    ("schar", 1, True), ("uchar", 1, False), ("short", 2, True), ("ushort", 2, False),
    ("int", 4, True), ("uint", 4, False),
])
def test_narrow_arguments_arrive_in_c_unchanged(tl, name, size, signed):
    _, lib = tl
    lo, hi = int_range(size, signed)
    f = getattr(lib, "t_widen_" + name)
    for v in (lo, -1 if signed else 1, 0, hi):
        assert f(v) == v


def test_char_arguments_and_results_are_bytes(tl):
    ffi, lib = tl
    for c in (b"A", b"\x00", b"\x7f", b"\x80", b"\xff"):
        assert lib.t_id_char(c) == c
    assert lib.t_id_char(ffi.cast("char", b"z")) == b"z"
    for bad in (65, "A", b"AB", b"", None):
        with pytest.raises(TypeError):
            lib.t_id_char(bad)


def test_bool_results_are_python_bools(tl):
    _, lib = tl
    assert lib.t_id_bool(True) is True
    assert lib.t_id_bool(False) is False
    assert lib.t_id_bool(1) is True
    assert lib.t_nonzero(5) is True
    assert lib.t_nonzero(0) is False
    assert lib.t_nonzero(-(2**63)) is True
    assert lib.t_widen_bool(True) == 1 and lib.t_widen_bool(0) == 0
    with pytest.raises(OverflowError):
        lib.t_id_bool(2)
    with pytest.raises(OverflowError):
        lib.t_id_bool(-1)
    with pytest.raises(TypeError):
        lib.t_id_bool(1.0)


def test_enums_are_integers(tl):
    _, lib = tl
    assert lib.t_id_color(lib.T_BLUE) == -3
    assert lib.t_color_is_blue(-3) == 1 and lib.t_color_is_blue(lib.T_GREEN) == 0
    assert lib.t_id_color(-(2**31)) == -(2**31)
    assert lib.t_id_uflag(lib.T_FLAG_HIGH) == 0x80000000
    assert lib.t_id_uflag(2**32 - 1) == 2**32 - 1
    with pytest.raises(OverflowError):
        lib.t_id_color(2**31)
    with pytest.raises(OverflowError):
        lib.t_id_uflag(-1)
    with pytest.raises(TypeError):
        lib.t_id_color(1.5)


# ---- floating point ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["float", "double"])
def test_floating_round_trip_specials(tl, kind):
    _, lib = tl
    f = getattr(lib, "t_id_" + kind)
    signbit = getattr(lib, "t_signbit_" + kind)
    conv = f32 if kind == "float" else float
    for v in (0.0, 1.5, -2.25, 0.1, 1e-30, 3.4e38, -1.0e10, 2.0**-126):
        r = f(v)
        assert type(r) is float and r == conv(v)
    r = f(-0.0)
    assert r == 0.0 and math.copysign(1.0, r) == -1.0
    assert signbit(-0.0) == 1 and signbit(0.0) == 0
    assert f(math.inf) == math.inf and f(-math.inf) == -math.inf
    assert math.isnan(f(math.nan))
    assert f(7) == 7.0 and type(f(7)) is float
    assert f(True) == 1.0


def test_double_extremes(tl):
    import sys

    _, lib = tl
    for v in (sys.float_info.max, -sys.float_info.max, sys.float_info.min, 5e-324):
        assert lib.t_id_double(v) == v
    assert lib.t_add_double(0.1, 0.2) == 0.1 + 0.2


def test_float_rounding_and_overflow(tl):
    _, lib = tl
    assert lib.t_id_float(1e300) == math.inf
    assert lib.t_id_float(-1e300) == -math.inf
    assert lib.t_add_float(0.1, 0.2) == f32(f32(0.1) + f32(0.2))
    assert lib.t_widen_float(0.1) == f32(0.1)


def test_floating_wrong_types(tl):
    ffi, lib = tl
    for f in (lib.t_id_float, lib.t_id_double):
        for bad in ("1.0", b"1", None, [1.0], ffi.new("double *")):
            with pytest.raises(TypeError):
                f(bad)
        with pytest.raises(OverflowError):
            f(2**1100)


def test_long_double_results_are_cdata_without_precision_loss(tl):
    ffi, lib = tl
    third = lib.t_third_ldouble()
    assert ffi.typeof(third) is ffi.typeof("long double")
    assert float(third) == 1.0 / 3.0
    assert lib.t_is_third_ldouble(third) == 1
    assert lib.t_is_third_ldouble(1.0 / 3.0) == 0  # a double is not precise enough
    assert float(lib.t_add_ldouble(1.25, 2.5)) == 3.75
    assert float(lib.t_id_ldouble(-0.0)) == 0.0
    assert math.copysign(1.0, float(lib.t_id_ldouble(-0.0))) == -1.0
    assert float(lib.t_id_ldouble(math.inf)) == math.inf
    assert math.isnan(float(lib.t_id_ldouble(math.nan)))
    assert lib.t_ldouble_to_double(0.1) == 0.1
    with pytest.raises(TypeError):
        lib.t_id_ldouble("1")


def test_complex_arguments_and_results(tl):
    _, lib = tl
    assert lib.t_id_cdouble(1.5 - 2.5j) == 1.5 - 2.5j
    assert lib.t_id_cdouble(3) == 3 + 0j
    assert type(lib.t_id_cdouble(1j)) is complex
    assert lib.t_mul_cdouble(1 + 2j, 3 - 1j) == (1 + 2j) * (3 - 1j)
    assert lib.t_make_cdouble(1.5, -2.5) == 1.5 - 2.5j
    assert lib.t_re_cdouble(4 - 7j) == 4.0 and lib.t_im_cdouble(4 - 7j) == -7.0
    assert lib.t_id_cfloat(0.5 + 0.25j) == 0.5 + 0.25j
    assert lib.t_mul_cfloat(1 + 2j, 3 + 4j) == -5 + 10j
    assert lib.t_make_cfloat(2.5, -0.5) == 2.5 - 0.5j
    assert lib.t_id_cfloat(0.1 + 0.1j) == complex(f32(0.1), f32(0.1))
    assert lib.t_cdouble_mixed(1, 2 + 3j, 4.0, 5 + 6j) == 1 + 4 + 9 + 16 + 25 + 36
    z = lib.t_id_cdouble(complex(math.inf, math.nan))
    assert z.real == math.inf and math.isnan(z.imag)
    with pytest.raises(TypeError):
        lib.t_id_cdouble("1j")


# ---- pointers -------------------------------------------------------------------------


def test_pointer_arguments_and_results(tl):
    ffi, lib = tl
    arr = ffi.new("int[4]", [1, 2, 3, 4])
    q = lib.t_ptr_add(arr, 2)
    assert ffi.typeof(q) is ffi.typeof("int *")
    assert q[0] == 3 and q[1] == 4
    assert lib.t_ptr_add(q, -2)[0] == 1
    assert lib.t_id_ptr(ffi.NULL) == ffi.NULL
    assert lib.t_is_null(ffi.NULL) == 1 and lib.t_is_null(arr) == 0
    p = ffi.new("int *", 5)
    assert lib.t_id_ptr(p) == ffi.cast("void *", p)
    out = ffi.new("int *")
    lib.t_out_int(out, -77)
    assert out[0] == -77
    pp = [ffi.new("int *", 3), ffi.new("int *", 4), ffi.new("int *", 10)]
    assert lib.t_ptr_ptr_sum(pp, 3) == 17


def test_pointer_type_mismatch_raises_type_error(tl):
    ffi, lib = tl
    for bad in (ffi.new("long[2]"), ffi.new("unsigned int[2]"), 0, None, 1.5, "x",
                ffi.new("double *")):
        with pytest.raises(TypeError):
            lib.t_ptr_add(bad, 1)
    with pytest.raises(TypeError):
        lib.t_apply_op(lib.t_id_int, 1, 2)
    for bad in (b"x", "x", [1]):
        with pytest.raises(TypeError):
            lib.t_apply_op(bad, 1, 2)


def test_char_pointer_results_stay_cdata(tl):
    ffi, lib = tl
    s = lib.t_hello()
    assert ffi.typeof(s) is ffi.typeof("char *")
    assert ffi.string(s) == b"hello, world"
    n = lib.t_null_str()
    assert ffi.typeof(n) is ffi.typeof("char *") and n == ffi.NULL


def test_bytes_are_passed_to_char_pointers_without_copy(tl):
    ffi, lib = tl
    data = b"some bytes\x00with a NUL"
    assert lib.t_strlen(data) == 10
    assert lib.t_byte_at(data, 12) == ord("i")
    assert lib.t_byte_at(b"\xff", 0) == 0xFF
    address = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
    seen = lib.t_ptr_diff(data, ffi.cast("char *", 0))
    assert seen == address
    for bad in ("text", bytearray(b"x"), memoryview(b"x")):
        with pytest.raises(TypeError):
            lib.t_strlen(bad)


class _Bytes(bytes):
    pass


@pytest.mark.parametrize("make", [
    "ffi.new('int *', 5)", "ffi.new('int[2]', [5, 6])", "ffi.cast('int *', ffi.new('int *', 7))",
    "ffi.new('long *')", "ffi.NULL", "[8, 9]", "None", "b'xyz'", "_Bytes(b'xyz')",
    "ffi.new('char[]', b'xyz')", "ffi.cast('const char *', ffi.new('char[]', b'xyz'))",
])
def test_pointer_arguments_as_cffi_takes_them(tl, ref, make):
    # The shortest call path passes exact bytes and cdata of the parameter's
    # own type as they are; everything else takes the full conversion.
    def run(ffi, lib):
        def call():
            arg = eval(make, {"ffi": ffi, "_Bytes": _Bytes})
            if isinstance(arg, bytes) or "char" in make:
                return lib.t_strlen(arg), lib.t_byte_at(arg, 1)
            return lib.t_sum_ints(arg, 1 if arg is not None and arg != ffi.NULL else 0)
        return outcome(call)

    assert run(*tl) == run(*ref)


def test_char_buffers_of_any_byte_type_pass_to_char_pointers(tl):
    ffi, lib = tl
    for t in ("char[]", "unsigned char[]", "signed char[]", "uint8_t[]", "int8_t[]"):
        buf = ffi.new(t, b"\x80bc")
        assert lib.t_byte_at(buf, 0) == 0x80
        assert lib.t_strlen(buf) == 3
    buf = ffi.new("char[8]")
    lib.t_fill(buf, 3, ord("q"))
    assert ffi.string(buf) == b"qqq"


def test_lists_and_tuples_become_temporary_arrays(tl):
    ffi, lib = tl
    assert lib.t_sum_ints([1, 2, 3, -4], 4) == 2
    assert lib.t_sum_ints((10, 20), 2) == 30
    assert lib.t_sum_ints([], 0) == 0
    assert lib.t_sum_doubles([0.5, 0.25, 2], 3) == 2.75
    big = list(range(1000))
    assert lib.t_sum_ints(big, 1000) == sum(big)
    with pytest.raises(TypeError):
        lib.t_sum_ints([1, 2.5], 2)
    with pytest.raises(OverflowError):
        lib.t_sum_ints([2**31], 1)


def test_struct_pointers_from_lists_of_initializers(tl):
    ffi, lib = tl
    assert lib.t_sum_s12i_ptr([[1, 2, 3]]) == 14
    assert lib.t_sum_s12i_ptr([{"a": 1, "c": 3}]) == 10
    assert lib.t_sum_s12i_ptr(ffi.new("struct t_s12i *", [1, 2, 3])) == 14
    assert lib.t_sum_s12i_array([[1, 2, 3], {"b": 5}, (0, 0, 1)], 3) == 14 + 10 + 3
    with pytest.raises(TypeError):
        lib.t_sum_s12i_ptr([1, 2, 3])  # items must be struct initializers


def test_str_is_passed_as_wchar_pointer(tl):
    _, lib = tl
    assert lib.t_wcslen("héllo wörld") == 11
    assert lib.t_wchar_at("a\U0001F600b", 1) == 0x1F600
    assert lib.t_wchar_at("a\U0001F600b", 2) == ord("b")
    assert lib.t_wcslen("") == 0
    with pytest.raises(TypeError):
        lib.t_wcslen(b"bytes")


# ---- argument counts and the stack ---------------------------------------------------


@pytest.mark.parametrize("n", range(17))
def test_zero_to_sixteen_arguments(tl, n):
    _, lib = tl
    f = getattr(lib, "t_args%d" % n)
    if n == 0:
        assert f() == 4242
        return
    args = [(-1) ** i * (1000 + 37 * i) for i in range(n)]
    assert f(*args) == sum((i + 1) * a for i, a in enumerate(args))
    extremes = [2**31 - 1 if i % 2 else -(2**31) for i in range(n)]
    assert f(*extremes) == sum((i + 1) * a for i, a in enumerate(extremes))
    with pytest.raises(TypeError):
        f(*args[:-1])
    with pytest.raises(TypeError):
        f(*args, 1)
    with pytest.raises(OverflowError):
        f(*args[:-1], 2**31)


def test_doubles_beyond_the_registers(tl):
    _, lib = tl
    ds = [0.5 * (i + 1) * (-1) ** i for i in range(10)]
    assert lib.t_d10(*ds) == sum((i + 1) * d for i, d in enumerate(ds))
    fs = [0.25 * i for i in range(12)]
    assert lib.t_f12(*fs) == sum((i + 1) * f for i, f in enumerate(fs))
    ints = list(range(-4, 4))
    ds = [1.5 + i for i in range(9)]
    expected = sum((i + 1) * v for i, v in enumerate(ints + ds))
    assert lib.t_i8d9(*ints, *ds) == expected


def test_mixed_integer_and_floating_arguments(tl):
    _, lib = tl
    args = (-7, 2.5, 65535, 0.75, -(2**40), 123, -1.25, True)
    expected = sum((i + 1) * float(a) for i, a in enumerate(args))
    assert lib.t_mixed8(*args) == expected


def test_small_integers_on_the_stack(tl):
    _, lib = tl
    args = (1, -2, 3, -4, 5, -6, -128, 255, -32768, 65535, -(2**31), 2**32 - 1, True)
    assert lib.t_small_stack(*args) == sum((i + 1) * a for i, a in enumerate(args))


def test_pointers_and_doubles_interleaved(tl):
    ffi, lib = tl
    p1, p2, p3 = ffi.new("int *", 2), ffi.new("int *", 3), ffi.new("int *", 5)
    r = lib.t_ptrs_and_doubles(1.0, p1, 2.0, b"abc", 3.0, p2, 4.0, b"hello", 5.0, p3, 6.0)
    assert r == 1 + 2 * 2 + 3 * 2 + 4 * 3 + 5 * 3 + 6 * 3 + 7 * 4 + 8 * 5 + 9 * 5 + 10 * 5 + 11 * 6


# ---- structs by value ---------------------------------------------------------------------

STRUCTS = ["t_s1", "t_s2", "t_s3", "t_s4", "t_s4f", "t_s6", "t_s8i", "t_s8f", "t_s8m", "t_s10",
           "t_s12i", "t_s12f", "t_s16d", "t_s16m", "t_s16fi", "t_s20", "t_s24d", "t_s32",
           "t_s40", "t_sbig", "t_nested", "t_sld"]

# Flattened scalar paths of each struct, in order, with their value kind.
PATHS = {
    "t_s1": ["a"], "t_s2": ["a", "b"], "t_s3": ["a", "b", "c"], "t_s4": ["a", "b"],
    "t_s4f": ["f"], "t_s6": ["a.%d" % k for k in range(6)], "t_s8i": ["a", "b"],
    "t_s8f": ["x", "y"], "t_s8m": ["i", "f"], "t_s10": ["c.%d" % k for k in range(10)],
    "t_s12i": ["a", "b", "c"], "t_s12f": ["a", "b", "c"], "t_s16d": ["x", "y"],
    "t_s16m": ["d", "i"], "t_s16fi": ["f", "i", "d"], "t_s20": ["a.%d" % k for k in range(5)],
    "t_s24d": ["a", "b", "c"], "t_s32": ["a", "b", "c", "d"] + ["e.%d" % k for k in range(4)],
    "t_s40": ["d.%d" % k for k in range(5)],
    "t_sbig": ["a.%d" % k for k in range(20)] + ["tag"],
    "t_nested": ["p.x", "p.y", "in.s", "in.c", "z"], "t_sld": ["x", "tag"],
}


def get_path(cdata, path):
    for step in path.split("."):
        cdata = cdata[int(step)] if step.isdigit() else getattr(cdata, step)
    return cdata


def set_path(cdata, path, value):
    *head, last = path.split(".")
    for step in head:
        cdata = cdata[int(step)] if step.isdigit() else getattr(cdata, step)
    if last.isdigit():
        cdata[int(last)] = value
    else:
        setattr(cdata, last, value)


def sample(ffi, name):
    """A struct of type `name` with distinct small values, and the values."""
    p = ffi.new("struct %s *" % name)
    values = []
    for k, path in enumerate(PATHS[name]):
        v = 1 + (3 * k) % 11
        set_path(p[0], path, v)
        values.append(v)
    return p, values


def scalar(x):
    return float(x)


def test_struct_sizes_match_the_compiler(tl):
    ffi, lib = tl
    for name in STRUCTS + ["t_inner", "t_bf", "t_bf2"]:
        assert ffi.sizeof("struct " + name) == lib.t_sizeof(name.encode()), name
    for name in ["t_u4", "t_u8", "t_u12", "t_uf", "t_u40"]:
        assert ffi.sizeof("union " + name) == lib.t_sizeof(name.encode()), name


@pytest.mark.parametrize("name", STRUCTS)
def test_struct_by_value_argument(tl, name):
    ffi, lib = tl
    p, values = sample(ffi, name)
    expected = sum((k + 1) * v for k, v in enumerate(values))
    assert getattr(lib, "t_sum_" + name[2:])(p[0]) == expected


@pytest.mark.parametrize("name", STRUCTS)
def test_struct_by_value_result(tl, name):
    ffi, lib = tl
    p, values = sample(ffi, name)
    r = getattr(lib, "t_xf_" + name[2:])(p[0])
    assert ffi.typeof(r) is ffi.typeof("struct " + name)
    assert ffi.sizeof(r) == ffi.sizeof("struct " + name)
    got = [scalar(get_path(r, path)) for path in PATHS[name]]
    assert got == [v + k + 1 for k, v in enumerate(values)]
    # the argument was passed by value: the caller's struct is unchanged
    assert [scalar(get_path(p[0], path)) for path in PATHS[name]] == values


def test_struct_results_own_their_memory(tl):
    ffi, lib = tl
    r = lib.t_make_s12i(1, 2, 3)
    assert repr(r).startswith("<cdata 'struct t_s12i' owning 12 bytes>")
    r2 = lib.t_make_s12i(4, 5, 6)
    assert (r.a, r.b, r.c, r2.a) == (1, 2, 3, 4)
    big = lib.t_xf_sbig(ffi.new("struct t_sbig *")[0])
    assert list(big.a) == list(range(1, 21)) and big.tag == 21


def test_structs_from_python_initializers(tl):
    ffi, lib = tl
    assert lib.t_sum_s12i([1, 2, 3]) == 14
    assert lib.t_sum_s12i({"b": 1}) == 2
    assert lib.t_sum_s16d((0.5, 0.25)) == 1.0
    assert lib.t_sum_nested({"p": [1, 2], "in": {"s": 3, "c": 4}, "z": 5}) == 55
    with pytest.raises(TypeError):
        lib.t_sum_s12i(5)
    with pytest.raises(TypeError):
        lib.t_sum_s12i(ffi.new("struct t_s8i *")[0])
    with pytest.raises(TypeError):
        lib.t_sum_s12i(ffi.new("struct t_s12i *"))  # a pointer, not the struct
    with pytest.raises(OverflowError):
        lib.t_sum_s12i([2**31, 0, 0])


def test_structs_between_scalar_arguments(tl):
    _, lib = tl
    r = lib.t_structs_mixed(1, [1, 2, 3], 0.5, [1.5, 2.5], [-1, 2, -3], 7)
    assert r == 1 + 2 * 14 + 3 * 0.5 + 4 * (1.5 + 5.0) + 5 * (-1 + 4 - 9) + 6 * 7


def test_structs_passed_on_the_stack(tl):
    _, lib = tl
    r = lib.t_structs_on_stack(1, 2, 3, 4, 5, 6, [7, 8], 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0,
                               [0.5, 0.25], [1.0, 2.0, 3.0])
    expected = (1 + 4 + 9 + 16 + 25 + 36) + 7 * (7 + 16) + sum((i + 1) * (i + 1.0)
                                                               for i in range(8))
    expected += 9 * (0.5 + 0.5) + 10 * (1 + 4 + 9)
    assert r == expected


def test_struct_returned_through_a_function_pointer(tl):
    _, lib = tl
    maker = lib.t_get_s12i_maker()
    r = maker(-1, 2**31 - 1, -(2**31))
    assert (r.a, r.b, r.c) == (-1, 2**31 - 1, -(2**31))


# ---- unions and bitfield structs by value (rcffi must support them) ------------------------


def test_union_by_value_small(tl):
    ffi, lib = tl
    u = ffi.new("union t_u4 *", {"i": 41})
    assert lib.t_u4_int(u[0]) == 41
    r = lib.t_xf_u4(u[0])
    assert ffi.typeof(r) is ffi.typeof("union t_u4") and r.i == 42
    assert lib.t_u4_from_float(1.5).f == 1.5


def test_union_by_value_mixed_int_and_double(tl):
    ffi, lib = tl
    u = ffi.new("union t_u8 *", {"d": 2.0})
    assert lib.t_u8_double(u[0]) == 2.0
    u.l = 41
    assert lib.t_xf_u8(u[0]).l == 42
    r = lib.t_xf_u12({"a": [1, 2, 3]})
    assert list(r.a) == [2, 4, 6]


def test_union_by_value_all_floating_and_large(tl):
    ffi, lib = tl
    assert lib.t_xf_uf({"d": 1.25}).d == 2.5
    r = lib.t_xf_u40({"d": [0.5] * 5})
    assert list(r.d) == [1.5, 2.5, 3.5, 4.5, 5.5]


def test_bitfield_struct_by_value(tl):
    ffi, lib = tl
    v = ffi.new("struct t_bf *", {"a": 5, "b": -7, "c": 1000, "d": -3})
    assert lib.t_sum_bf(v[0]) == 5 - 70 + 100000 - 3000
    r = lib.t_xf_bf(v[0])
    assert (r.a, r.b, r.c, r.d) == (6, -8, 1003, -6)
    r2 = lib.t_xf_bf2({"x": 1, "y": 100, "z": -5})
    assert (r2.x, r2.y, r2.z) == (0, 101, -15)


# ---- variadic calls ---------------------------------------------------------------------


def test_snprintf_with_every_variadic_kind(tl):
    ffi, _ = tl
    ffi2 = type(ffi)()
    ffi2.cdef("int snprintf(char *, size_t, const char *, ...);")
    libc = ffi2.dlopen(None)
    buf = ffi2.new("char[128]")
    p = ffi2.new("int *")
    n = libc.snprintf(buf, 128, b"%d|%ld|%lld|%.3f|%s|%u|%p|%c|%hhd",
                      ffi2.cast("int", -42), ffi2.cast("long", -(2**40)),
                      ffi2.cast("long long", 2**62), ffi2.cast("double", math.pi),
                      ffi2.new("char[]", b"str"), ffi2.cast("unsigned int", 2**32 - 1),
                      p, ffi2.cast("char", b"Z"), ffi2.cast("signed char", -5))
    expected = "-42|%d|%d|3.142|str|%d|%s|Z|-5" % (
        -(2**40), 2**62, 2**32 - 1, hex(int(ffi2.cast("intptr_t", p))))
    assert ffi2.string(buf).decode() == expected
    assert n == len(expected)


def test_variadic_arguments_must_be_cdata(tl):
    ffi, lib = tl
    for bad in (1, 1.5, b"x", "x", None, [1]):
        with pytest.raises(TypeError) as e:
            lib.t_sum_va(1, bad)
        # cffi's words, naming the argument.
        assert str(e.value) == (
            "argument 2 passed in the variadic part needs to be a cdata object (got %s)"
            % type(bad).__name__
        )
    with pytest.raises(TypeError):
        lib.t_sum_va()  # the fixed argument is still required
    assert lib.t_sum_va(0) == 0


def test_variadic_promotions(tl):
    ffi, lib = tl
    assert lib.t_sum_vd(2, ffi.cast("float", 1.5), ffi.cast("double", 0.25)) == 2.0
    assert lib.t_sum_va(4, ffi.cast("char", b"\x05"), ffi.cast("short", -5),
                        ffi.cast("unsigned char", 200), ffi.cast("_Bool", 1)) == (
        5 - 10 + 600 + 4)
    assert lib.t_sum_va(2, ffi.cast("unsigned short", 65535), ffi.cast("signed char", -128)) == (
        65535 - 256)
    assert lib.t_sum_va(1, ffi.cast("enum t_color", -3)) == -3


def test_variadic_beyond_the_registers(tl):
    ffi, lib = tl
    ds = [ffi.cast("double", 0.5 * i) for i in range(12)]
    assert lib.t_sum_vd(12, *ds) == sum((i + 1) * 0.5 * i for i in range(12))
    ls = [ffi.cast("long long", (-1) ** i * 2**40 + i) for i in range(10)]
    assert lib.t_sum_vll(10, *ls) == sum((i + 1) * int(v) for i, v in enumerate(ls))


def test_more_than_sixteen_variadic_arguments(tl):
    ffi, lib = tl
    values = [(-1) ** i * (i + 1) * 1000 for i in range(40)]
    args = [ffi.cast("int", v) for v in values]
    assert lib.t_sum_va(40, *args) == sum((i + 1) * v for i, v in enumerate(values))


def test_variadic_mixed_kinds(tl):
    ffi, lib = tl
    p = ffi.new("int[1]", [7])
    r = lib.t_va_mixed(b"iuldLps", ffi.cast("int", -1), ffi.cast("unsigned int", 3),
                       ffi.cast("long", -5), ffi.cast("double", 0.5), ffi.cast("long long", 9),
                       p, ffi.new("char[]", b"four"))
    assert r == -1 + 2 * 3 + 3 * -5 + 4 * 0.5 + 5 * 9 + 6 * 7 + 7 * 4


# ---- function pointers ------------------------------------------------------------------


def test_function_pointers_returned_by_c(tl):
    ffi, lib = tl
    add, sub, mul = lib.t_get_op(0), lib.t_get_op(1), lib.t_get_op(2)
    assert ffi.typeof(add) is ffi.typeof("int(*)(int, int)")
    assert (add(3, 4), sub(3, 4), mul(3, 4)) == (7, -1, 12)
    assert lib.t_apply_op(mul, 6, 7) == 42
    with pytest.raises(OverflowError):
        add(2**31, 0)
    ld = lib.t_get_ldop()
    assert float(ld(1.5, 3)) == 4.5


def test_null_function_pointer_raises_runtime_error(tl):
    ffi, lib = tl
    null = lib.t_get_op(99)
    assert null == ffi.NULL
    with pytest.raises(RuntimeError):
        null(1, 2)
    with pytest.raises(RuntimeError):
        ffi.cast("double(*)(double, long double)", 0)(1.0, 2.0)


def test_lib_functions_are_function_pointer_cdata(tl):
    ffi, lib = tl
    f = lib.t_args2
    assert ffi.typeof(f) is ffi.typeof("long long(*)(int, int)")
    assert lib.t_args2 is f
    g = ffi.cast("long long(*)(int, int)", f)
    assert g(1, 2) == 5
    with pytest.raises(TypeError):
        f(1, b=2)
    with pytest.raises(TypeError):
        ffi.cast("int", 3)(1)


# ---- the GIL is released during calls ------------------------------------------------------


@pytest.mark.parametrize("fname", ["t_wait_flag", "t_wait_flag_ld"])
def test_calls_release_the_gil(tl, fname):
    ffi, lib = tl
    flag = ffi.new("int *")
    f = getattr(lib, fname)
    extra = (0.0,) if fname.endswith("_ld") else ()

    def setter():
        flag[0] = 1

    t = threading.Timer(0.05, setter)
    t.start()
    try:
        assert f(flag, 10000, *extra) == 1
    finally:
        t.join()


# ---- differential checks against cffi --------------------------------------------------------


class _Float(float):
    pass



# Struct initializers here are complete: cffi 2.0 leaves the fields a partial
# initializer omits uninitialized in by-value arguments (rcffi zero-fills them,
# see test_structs_from_python_initializers).
DIFF_CALLS = [
    ("t_id_int", (2**31 - 1,)), ("t_id_int", (2**31,)), ("t_id_int", (-(2**31) - 1,)),
    ("t_id_int", (1.0,)), ("t_id_int", ("1",)), ("t_id_int", (None,)), ("t_id_int", (True,)),
    ("t_id_uint64", (2**64 - 1,)), ("t_id_uint64", (2**64,)), ("t_id_uint64", (-1,)),
    ("t_id_schar", (-128,)), ("t_id_schar", (128,)), ("t_id_uchar", (-1,)),
    ("t_id_size", (-1,)), ("t_id_bool", (1,)), ("t_id_bool", (2,)), ("t_id_bool", (0.0,)),
    ("t_id_char", (b"x",)), ("t_id_char", (120,)), ("t_id_char", ("x",)),
    ("t_id_float", (1e300,)), ("t_id_float", (0.1,)), ("t_id_double", (2**1100,)),
    ("t_id_double", ("1",)), ("t_id_double", (3,)), ("t_trunc_uchar", (-1,)),
    ("t_trunc_short", (0x18000,)), ("t_nonzero", (7,)), ("t_id_color", (2**31,)),
    ("t_id_uflag", (-1,)), ("t_id_uflag", (2**31,)), ("t_strlen", (b"hello",)),
    ("t_strlen", ("hello",)), ("t_strlen", (None,)), ("t_strlen", (42,)),
    ("t_sum_ints", ([1, 2, 3], 3)), ("t_sum_ints", ((4, 5), 2)), ("t_sum_ints", ([1.5], 1)),
    ("t_sum_ints", ([2**40], 1)), ("t_sum_ints", ("abc", 3)),
    ("t_sum_s12i_ptr", ([[1, 2, 3]],)), ("t_sum_s12i_ptr", ([1, 2, 3],)),
    ("t_sum_s12i_array", ([[1, 2, 3], {"c": 1}], 2)), ("t_sum_s12i", ([1, 2, 3],)),
    ("t_sum_s12i", ({"a": 4, "b": 5, "c": 6},)), ("t_sum_s12i", (5,)), ("t_sum_s12i", ([1, 2, 3, 4],)),
    ("t_sum_s12i", ([2**40],)), ("t_wcslen", ("héllo",)), ("t_wcslen", (b"x",)),
    ("t_args3", (1, 2)), ("t_args3", (1, 2, 3, 4)), ("t_args16", tuple(range(16))),
    ("t_d10", tuple(float(i) for i in range(10))),
    ("t_i8d9", tuple(range(8)) + tuple(0.5 * i for i in range(9))),
    ("t_small_stack", (1, 2, 3, 4, 5, 6, -128, 255, -32768, 65535, -1, 7, False)),
    ("t_sum_s16d", ((1.5, 2.5),)), ("t_sum_s40", ([[1, 2, 3, 4, 5]],)),
    ("t_sum_sbig", ({"a": list(range(20)), "tag": 3},)),
    ("t_sum_nested", ({"p": [1, 2], "in": [3, 4], "z": 5},)),
    ("t_sum_va", (1, 5)), ("t_sum_va", ()), ("t_is_null", (None,)),
    ("t_ldouble_to_double", (0.1,)), ("t_signbit_double", (-0.0,)),
    # Exact floats take the shortest path, anything else the full conversion.
    ("t_id_double", (1.5,)), ("t_id_double", (float("inf"),)), ("t_id_double", (-0.0,)),
    ("t_id_double", (_Float(2.5),)), ("t_id_double", (True,)), ("t_id_float", (_Float(0.5),)),
    ("t_mixed8", (-1, 2.5, 3, 1.5, 2**40, 7, -0.25, True)),
    ("t_mixed8", (-1, 2, 3, 1.5, 2**40, 7, -0.25, True)),
]


@pytest.mark.parametrize("fname,args", DIFF_CALLS,
                         ids=["%s-%d" % (c[0], i) for i, c in enumerate(DIFF_CALLS)])
def test_results_and_exceptions_match_cffi(tl, ref, fname, args):
    _, lib = tl
    _, clib = ref
    mine = outcome(getattr(lib, fname), *args)
    theirs = outcome(getattr(clib, fname), *args)
    assert mine == theirs


@pytest.mark.parametrize("name", STRUCTS)
def test_struct_results_match_cffi(tl, ref, name):
    ffi, lib = tl
    cffi_ffi, clib = ref
    mine, values = sample(ffi, name)
    theirs = cffi_ffi.new("struct %s *" % name)
    for path, v in zip(PATHS[name], values):
        set_path(theirs[0], path, v)
    fn = "t_xf_" + name[2:]
    r1, r2 = getattr(lib, fn)(mine[0]), getattr(clib, fn)(theirs[0])
    assert [scalar(get_path(r1, p)) for p in PATHS[name]] == [
        scalar(get_path(r2, p)) for p in PATHS[name]]
