"""rcffi._backend against cffi's _cffi_backend: the same sequence of primitive
calls on both modules gives the same results, reprs and exception types."""

import re

import _cffi_backend
import pytest

import rcffi
import rcffi._backend

BACKENDS = {"cffi": _cffi_backend, "rcffi": rcffi._backend}


def test_lib_is_the_type_of_api_mode_libs(tmp_path, monkeypatch):
    import importlib

    monkeypatch.syspath_prepend(str(tmp_path))
    ffi = rcffi.FFI()
    ffi.cdef("int one(void);")
    ffi.set_source("_backend_lib_probe", "static int one(void) { return 1; }")
    ffi.compile(tmpdir=str(tmp_path))
    lib = importlib.import_module("_backend_lib_probe").lib
    assert isinstance(lib, rcffi._backend.Lib) and lib.one() == 1


def test_every_public_name_exists():
    public = [n for n in dir(_cffi_backend) if not n.startswith("_")]
    missing = [n for n in public if not hasattr(rcffi._backend, n)]
    assert missing == []
    for name in public:
        ours, theirs = getattr(rcffi._backend, name), getattr(_cffi_backend, name)
        assert isinstance(ours, type) == isinstance(theirs, type), name
        assert callable(ours) == callable(theirs), name
        if isinstance(theirs, int):
            assert ours == theirs, name


def normalise(text):
    """Addresses differ between processes and backends: compare the rest."""
    return re.sub(r"0x[0-9a-f]+", "0x?", text).replace("_cffi_backend.", "").replace(
        "rcffi._backend.", "")


def outcome(scenario, b):
    try:
        return ("ok", scenario(b))
    except Exception as exc:  # the exception type is part of the behaviour
        return ("raises", type(exc).__name__)


def prim(b, name):
    return b.new_primitive_type(name)


def scenario_primitive_types(b):
    out = []
    for name in ["char", "signed char", "unsigned char", "short", "unsigned short", "int",
                 "unsigned int", "long", "unsigned long", "long long", "unsigned long long",
                 "float", "double", "long double", "_Bool", "wchar_t", "char16_t", "char32_t",
                 "int8_t", "uint16_t", "int32_t", "uint64_t", "intptr_t", "size_t", "ssize_t"]:
        t = prim(b, name)
        out.append((repr(t), t.kind, t.cname, b.sizeof(t), b.alignof(t)))
    return out


def scenario_unknown_primitive(b):
    return prim(b, "no such type")


def scenario_pointers_and_arrays(b):
    i = prim(b, "int")
    p = b.new_pointer_type(i)
    a = b.new_array_type(p, 10)
    open_ = b.new_array_type(p, None)
    pa = b.new_pointer_type(a)
    return [repr(x) for x in (p, a, open_, pa)] + [a.length, open_.length, b.sizeof(a),
                                                   repr(a.item), b.getcname(pa, "x")]


def scenario_struct_layout(b):
    i, c, d = prim(b, "int"), prim(b, "char"), prim(b, "double")
    s = b.new_struct_type("struct s")
    before = s.fields
    b.complete_struct_or_union(s, [("a", c, -1), ("b", d, -1), ("bits", i, 3), ("more", i, 5)])
    fields = [(n, repr(f.type), f.offset, f.bitshift, f.bitsize) for n, f in s.fields]
    return [before, repr(s), b.sizeof(s), b.alignof(s), fields, b.typeoffsetof(s, "b")[1]]


def scenario_packed_struct(b):
    c, i = prim(b, "char"), prim(b, "int")
    s = b.new_struct_type("struct p")
    b.complete_struct_or_union(s, [("a", c, -1), ("b", i, -1)], None, -1, -1, 8)
    return [b.sizeof(s), b.alignof(s), [f.offset for _, f in s.fields]]


def scenario_union(b):
    c, d = prim(b, "char"), prim(b, "double")
    u = b.new_union_type("union u")
    b.complete_struct_or_union(u, [("c", b.new_array_type(b.new_pointer_type(c), 9), -1),
                                   ("d", d, -1)])
    return [repr(u), u.kind, b.sizeof(u), b.alignof(u)]


def scenario_enum(b):
    e = b.new_enum_type("enum e", ("A", "B", "C"), (0, 5, -1), prim(b, "int"))
    return [repr(e), e.kind, e.elements, e.relements, b.string(b.cast(e, 5)),
            b.string(b.cast(e, 7)), b.sizeof(e)]


def scenario_function_type(b):
    i = prim(b, "int")
    f = b.new_function_type((i, b.new_pointer_type(prim(b, "char"))), i, 1)
    return [repr(f), f.kind, [repr(a) for a in f.args], repr(f.result), f.ellipsis, f.abi]


def scenario_newp_and_items(b):
    i = prim(b, "int")
    arr = b.new_array_type(b.new_pointer_type(i), None)
    p = b.newp(arr, [1, 2, 3])
    p[1] = 20
    return [normalise(repr(p)), list(p), len(p), b.sizeof(p), b.unpack(p, 3)]


def scenario_newp_errors(b):
    return [outcome(lambda b: b.newp(prim(b, "int"), 1), b),
            outcome(lambda b: b.newp(b.new_pointer_type(prim(b, "unsigned char")), 256), b),
            outcome(lambda b: b.newp(b.new_pointer_type(prim(b, "int")), 1.5), b)]


def scenario_casts(b):
    out = []
    for name, value in [("int", 2**32 + 5), ("unsigned char", -1), ("_Bool", 2),
                        ("double", 7), ("char", b"z"), ("float", 0.1)]:
        out.append(normalise(repr(b.cast(prim(b, name), value))))
    vp = b.new_pointer_type(b.new_void_type())
    out.append(normalise(repr(b.cast(vp, 0))))
    out.append(int(b.cast(prim(b, "intptr_t"), b.cast(vp, 0x1234))))
    return out


def scenario_strings(b):
    c = prim(b, "char")
    arr = b.new_array_type(b.new_pointer_type(c), None)
    s = b.newp(arr, b"hello")
    w = b.newp(b.new_array_type(b.new_pointer_type(prim(b, "wchar_t")), None), "h\u00e9")
    return [b.string(s), b.string(s, 3), b.string(w), b.unpack(s, 5)]


def scenario_buffers_and_memmove(b):
    c = prim(b, "char")
    arr = b.new_array_type(b.new_pointer_type(c), 8)
    p = b.newp(arr, b"abcdefg")
    buf = b.buffer(p)
    src = bytearray(b"XYZ")
    b.memmove(p, src, 3)
    view = b.from_buffer(b.new_array_type(b.new_pointer_type(c), None), src)
    return [bytes(buf), len(buf), buf[1:3], len(view), bytes(b.buffer(view))]


def scenario_handles(b):
    vp = b.new_pointer_type(b.new_void_type())
    obj = ["payload"]
    h = b.newp_handle(vp, obj)
    return [b.from_handle(h) is obj, normalise(repr(b.typeof(h)))]


def scenario_gc_and_release(b):
    seen = []
    i = prim(b, "int")
    p = b.newp(b.new_pointer_type(i), 3)
    q = b.gcp(p, seen.append)
    b.release(q)
    return [len(seen), q[0] if False else p[0]]


def scenario_errno(b):
    b.set_errno(17)
    return b.get_errno()


def scenario_library(b):
    i = prim(b, "int")
    lib = b.load_library(None)
    absf = lib.load_function(b.new_function_type((i,), i, 0), "abs")
    return [absf(-9), normalise(repr(b.typeof(absf)))]


def scenario_callback(b):
    i = prim(b, "int")
    cb = b.callback(b.new_function_type((i, i), i, 0), lambda x, y: x * 10 + y)
    return [cb(4, 2), repr(b.typeof(cb))]


def scenario_typeoffsetof_errors(b):
    s = b.new_struct_type("struct t")
    b.complete_struct_or_union(s, [("a", prim(b, "int"), -1)])
    return [outcome(lambda b: b.typeoffsetof(s, "zz"), b),
            outcome(lambda b: b.typeoffsetof(prim(b, "int"), "a"), b)]


def scenario_rawaddressof(b):
    i = prim(b, "int")
    s = b.new_struct_type("struct r")
    b.complete_struct_or_union(s, [("a", i, -1), ("b", i, -1)])
    p = b.newp(b.new_pointer_type(s), [1, 2])
    q = b.rawaddressof(b.new_pointer_type(i), p[0], 4)
    return [q[0], normalise(repr(b.typeof(q)))]


def scenario_library_variables_and_close(b):
    pp = b.new_pointer_type(b.new_pointer_type(prim(b, "char")))
    i = prim(b, "int")
    lib = b.load_library(None)
    env = lib.read_variable(pp, "environ")
    lib.write_variable(pp, "environ", env)
    same = lib.read_variable(pp, "environ") == env
    lib.close_lib()
    return [same, normalise(repr(b.typeof(env))),
            outcome(lambda b: lib.load_function(b.new_function_type((i,), i, 0), "abs"), b)]


def scenario_ffi_object(b):
    f = b.FFI()
    return [repr(f.typeof("int *")), f.sizeof("long"), normalise(repr(f.new("int[3]", [1, 2]))),
            repr(f.cast("int", 3)), repr(f.NULL), f.string(f.new("char[]", b"ab")),
            f.alignof("double"), isinstance(f.new("int *"), f.CData)]


def scenario_cfield_attributes(b):
    s = b.new_struct_type("struct f")
    b.complete_struct_or_union(s, [("a", prim(b, "short"), -1), ("b", prim(b, "int"), 4)])
    return [(n, repr(f.type), f.offset, f.bitshift, f.bitsize, f.flags) for n, f in s.fields]


def scenario_negative_array_length(b):
    return b.new_array_type(b.new_pointer_type(prim(b, "int")), -42)


def scenario_explicit_offsets_without_total_size(b):
    s = b.new_struct_type("struct e")
    b.complete_struct_or_union(s, [("c", prim(b, "double"), -1, 8), ("a", prim(b, "char"), -1, 2)])
    return [b.sizeof(s), b.alignof(s), [(n, f.offset) for n, f in s.fields]]


def message(run):
    """The exception and its message; rcffi adds which argument of which
    function a conversion error is about, which cffi does not say."""
    try:
        run()
    except Exception as exc:
        text = re.sub(r" \(argument \d+ of '[^']*'\)$", "", str(exc))
        return "%s: %s" % (type(exc).__name__, text)
    return "no error"


def scenario_messages(b):
    i = prim(b, "int")
    opaque_p = b.new_pointer_type(b.new_struct_type("foo"))
    other_p = b.new_pointer_type(b.new_struct_type("foo"))
    open_array = b.new_array_type(b.new_pointer_type(i), None)
    # abs() under a signature taking 'foo *': the argument is refused first.
    take = b.load_library(None).load_function(b.new_function_type((other_p,), i, 0), "abs")
    return [message(lambda: b.unpack(b.cast(opaque_p, 42), 5)),
            message(lambda: take(b.cast(opaque_p, 0))),
            message(lambda: b.newp(open_array, None)),
            message(lambda: b.newp(open_array, 1.5))]


SCENARIOS = {name: fn for name, fn in globals().items() if name.startswith("scenario_")}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_behaviour_on_both_backends(name):
    scenario = SCENARIOS[name]
    theirs = outcome(scenario, _cffi_backend)
    ours = outcome(scenario, rcffi._backend)
    assert ours == theirs


# ---- hostile type shapes: errors, never a crash ------------------------------------------


@pytest.mark.parametrize("name", BACKENDS)
def test_struct_array_no_length_is_a_type_error(name):
    b = BACKENDS[name]
    p = b.new_primitive_type("int")
    s = b.new_struct_type("foo")
    with pytest.raises(TypeError, match="unknown size"):
        b.complete_struct_or_union(s, [("x", b.new_array_type(b.new_pointer_type(p), None), -1),
                                       ("y", p, -1)])


@pytest.mark.parametrize("name", BACKENDS)
def test_arrays_larger_than_the_address_space_are_overflow_errors(name):
    import sys

    b = BACKENDS[name]
    pp = b.new_pointer_type(b.new_pointer_type(b.new_primitive_type("int")))
    for n in (sys.maxsize // 3, sys.maxsize):
        with pytest.raises(OverflowError):
            b.new_array_type(pp, n)


def test_huge_char_arrays_overflow_in_offsets_and_layouts():
    import sys

    b = rcffi._backend
    a = b.new_array_type(b.new_pointer_type(b.new_primitive_type("char")), sys.maxsize)
    assert b.sizeof(a) == sys.maxsize
    assert b.typeoffsetof(a, 5)[1] == 5
    with pytest.raises(OverflowError):
        b.typeoffsetof(b.new_pointer_type(a), 3)
    s = b.new_struct_type("big")
    with pytest.raises(OverflowError):
        b.complete_struct_or_union(s, [("x", a, -1), ("y", a, -1)])


def test_huge_arrays_in_type_strings_are_errors_not_panics():
    import sys

    ffi = rcffi.FFI()
    for text in ("int[%d]" % (sys.maxsize // 3), "char[%d][2]" % sys.maxsize):
        with pytest.raises(rcffi.CDefError, match="larger than the address space"):
            ffi.sizeof(text)
    assert ffi.sizeof("char[%d]" % sys.maxsize) == sys.maxsize


UNPASSABLE = """
    struct empty { };
    union uempty { };
    struct flex { int n; int a[]; };
    struct zero { int n; int a[0]; };
    struct outer { int k; struct zero z; };
"""


@pytest.mark.parametrize(("record", "as_result", "as_argument"), [
    ("struct empty", "cannot be a result", "cannot be an argument"),
    ("union uempty", "cannot be a result", "cannot be an argument"),
    # cffi's wording, which says that API mode (a uniform wrapper) passes them.
    ("struct flex", "not supported as return value.  It is a struct with a zero-length",
     "not supported as argument.  It is a struct with a zero-length"),
    ("struct zero", "not supported as return value.*'API mode' and non-variadic",
     "not supported as argument.*'API mode' and non-variadic"),
    ("struct outer", "not supported as return value", "not supported as argument"),
])
def test_unpassable_records_by_value_are_not_implemented_before_the_call(
        record, as_result, as_argument):
    ffi = rcffi.FFI()
    ffi.cdef(UNPASSABLE)
    # The address is never called: the error comes while preparing the call.
    bogus = ffi.cast("void *", 1)
    result = ffi.cast("%s(*)(void)" % record, bogus)
    with pytest.raises(NotImplementedError, match=as_result):
        result()
    argument = ffi.cast("int(*)(%s)" % record, bogus)
    with pytest.raises(NotImplementedError, match=as_argument):
        argument(ffi.new("%s *" % record)[0])
    # Refused before the arguments are converted, whatever they are.
    with pytest.raises(NotImplementedError, match=as_argument):
        argument(ffi.cast("%s *" % record, 123))
    with pytest.raises(NotImplementedError, match=as_result):
        ffi.callback("%s(*)(void)" % record, lambda: None)


@pytest.mark.parametrize("record", ["struct flex", "struct zero"])
def test_flexible_array_records_by_value_match_cffi(record):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(UNPASSABLE.replace("struct empty { };\n    union uempty { };", ""))
    bogus = ffi.cast("void *", 1)
    with pytest.raises(NotImplementedError):
        ffi.cast("%s(*)(void)" % record, bogus)()
    with pytest.raises(NotImplementedError):
        ffi.cast("int(*)(%s)" % record, bogus)(ffi.new("%s *" % record)[0])


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_long_double_without_the_integer_bit_reads_as_nan(name):
    """An x87 encoding with its exponent set and integer bit clear is no
    number: the conversion to double gives the negative indefinite NaN, as
    cffi (which converts in C) gives."""
    import math

    b = BACKENDS[name]
    pointer = b.new_pointer_type(b.new_primitive_type("long double"))
    values = []
    for exponent, mantissa in ((1, 0), (16383, 1 << 62), (0x7FFF, 0), (16383, 1 << 63)):
        p = b.newp(pointer, None)
        b.buffer(p)[:10] = mantissa.to_bytes(8, "little") + exponent.to_bytes(2, "little")
        value = float(p[0])
        values.append(("nan", math.copysign(1, value)) if math.isnan(value) else value)
    assert values == [("nan", -1.0), ("nan", -1.0), ("nan", -1.0), 1.0]
