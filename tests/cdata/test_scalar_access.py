"""Reading and writing fields and items of every scalar type, through every kind
of cdata that has them: a struct pointer from `new`, a struct reached through
it, an array, a pointer that owns one item and one that owns nothing.
Differential against cffi, value by value, in range, at the edges and beyond."""

import pytest

from differential import outcome

SCALARS = [
    "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int",
    "long", "unsigned long", "long long", "unsigned long long", "int8_t", "uint16_t",
    "int32_t", "uint32_t", "int64_t", "uint64_t", "size_t", "float", "double",
    # enums: integers of their base type, signed, unsigned or 64-bit
    "enum e", "enum u", "enum w",
    # not plain numbers: their own conversions
    "_Bool", "char", "wchar_t", "int *",
]


class IntSub(int):
    pass


class FloatSub(float):
    pass


class Indexable:
    def __index__(self):
        return 3


class Intable:
    def __int__(self):
        return 3


VALUES = [
    0, 1, -1, 5, -5, -6, 257, 127, 128, -128, -129, 255, 256, 2**15 - 1, 2**15, -(2**15) - 1, 2**16,
    2**30 - 1, 2**30, -(2**30), 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**32 - 1, 2**32,
    2**62, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 2**100, -(2**100),
    True, IntSub(7), Indexable(), Intable(), 1.5, -0.0, 0.1, 1e300, float("inf"), FloatSub(2.5),
    None, "x", b"a", "RED",
]

DECLS = """
    enum e { RED, GREEN = 5 };
    enum u { BIG = 4294967295 };
    enum w { WIDE = 4294967296, NEG = -1 };
    struct s { char pad; %s f; int g; };
"""


def declare(ffi, cdecl):
    ffi.cdef(DECLS % cdecl)
    return ffi


def field_through_pointer(ffi, cdecl, value):
    p = ffi.new("struct s *")
    p.f = value
    return p.f, p.g


def field_through_struct(ffi, cdecl, value):
    s = ffi.new("struct s *")[0]
    s.f = value
    return s.f, s.g


def array_item(ffi, cdecl, value):
    a = ffi.new(cdecl + "[3]")
    a[1] = value
    return a[0], a[1], a[2]


def owning_pointer_item(ffi, cdecl, value):
    p = ffi.new(cdecl + " *")
    p[0] = value
    return p[0]


def borrowed_pointer_item(ffi, cdecl, value):
    a = ffi.new(cdecl + "[3]")
    q = ffi.cast(cdecl + " *", a) + 1
    q[0] = value
    q[-1] = value
    return q[-1], q[0], a[2]


ACCESSES = [field_through_pointer, field_through_struct, array_item,
            owning_pointer_item, borrowed_pointer_item]


@pytest.mark.parametrize("access", ACCESSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("cdecl", SCALARS)
def test_every_value_reads_back_or_fails_as_in_cffi(both, access, cdecl):
    r, c = (declare(ffi, cdecl) for ffi in both)
    for value in VALUES:
        mine = outcome(lambda: access(r, cdecl, value))
        theirs = outcome(lambda: access(c, cdecl, value))
        assert mine == theirs, value


@pytest.mark.parametrize("cdecl", ["int", "unsigned char", "int64_t", "enum u", "double", "float"])
def test_values_read_are_exact_python_numbers(ffi, cdecl):
    declare(ffi, cdecl)
    p = ffi.new("struct s *", {"f": 1})
    a = ffi.new(cdecl + "[2]", [1, 1])
    for v in (p.f, a[1]):
        assert type(v) is (float if cdecl in ("double", "float") else int)
        assert v == 1


def test_float_items_round_to_single_precision(ffi):
    a = ffi.new("float[1]")
    a[0] = 0.1
    assert a[0] == 0.10000000149011612
    a[0] = 1e300
    assert a[0] == float("inf")


INDEXES = [-1, 0, 2, 3, 4, 2**31, 2**62, 2**63, 2**64, -(2**63), True, IntSub(1), Indexable(),
           1.0, "1", None]


@pytest.mark.parametrize("cdecl", ["int[3]", "int[]", "double[3]"])
def test_array_indexes_read_and_write_as_in_cffi(both, cdecl):
    r, c = both

    def get(ffi, i):
        return ffi.new(cdecl, 3)[i] if cdecl == "int[]" else ffi.new(cdecl)[i]

    def put(ffi, i):
        a = ffi.new(cdecl, 3) if cdecl == "int[]" else ffi.new(cdecl)
        a[i] = 1
        return list(a)

    for i in INDEXES:
        assert outcome(lambda: get(r, i)) == outcome(lambda: get(c, i)), i
        assert outcome(lambda: put(r, i)) == outcome(lambda: put(c, i)), i


@pytest.mark.parametrize("i", [-1, 1, 2**40])
def test_an_owning_pointer_has_only_item_zero(both, i):
    r, c = both
    assert outcome(lambda: r.new("int *")[i]) == outcome(lambda: c.new("int *")[i])
    with pytest.raises(IndexError, match="can only be indexed by 0"):
        r.new("int *")[i] = 1


def test_null_pointers_refuse_fields_and_items(ffi):
    # cffi itself crashes here: rcffi checks before reading
    ffi.cdef("struct s { int f; };")
    sp = ffi.cast("struct s *", 0)
    ip = ffi.cast("int *", 0)
    accesses = [lambda: sp.f, lambda: setattr(sp, "f", 1), lambda: ip[0],
                lambda: ip.__setitem__(0, 1)]
    for access in accesses:
        with pytest.raises(RuntimeError, match="null pointer"):
            access()


def test_field_names_built_at_run_time_find_the_same_field(ffi):
    declare(ffi, "int")
    p = ffi.new("struct s *")
    name = "".join(["f"])
    setattr(p, name, 9)
    assert getattr(p, name) == 9 == p.f


def test_unknown_fields_and_deletions_fail_as_in_cffi(both):
    r, c = (declare(ffi, "int") for ffi in both)

    def cases(ffi):
        p = ffi.new("struct s *")
        a = ffi.new("int[2]")
        yield lambda: p.nope
        yield lambda: setattr(p, "nope", 1)
        yield lambda: delattr(p, "f")
        yield lambda: a.__delitem__(0)
        yield lambda: p.__class__

    for mine, theirs in zip(cases(r), cases(c)):
        assert outcome(mine)[0] == outcome(theirs)[0]


def test_bit_fields_keep_their_width(both):
    def roundtrip(ffi, value):
        p = ffi.new("struct b *")
        p.a = value
        p.u = value
        return p.a, p.u, p.after

    for ffi in both:
        ffi.cdef("struct b { int a:3; unsigned int u:5; int after; };")
    for value in (0, 1, 3, 4, -4, -5, 31, 32):
        assert outcome(lambda: roundtrip(both[0], value)) == outcome(
            lambda: roundtrip(both[1], value)), value


def test_released_memory_is_refused_by_every_access(ffi):
    # memory from an allocator with a free() is gone after release()
    declare(ffi, "int")
    ffi.cdef("void *malloc(size_t); void free(void *);")
    libc = ffi.dlopen(None)
    new = ffi.new_allocator(libc.malloc, libc.free)
    p = new("struct s *")
    a = new("int[4]")
    view = p[0]
    ffi.release(p)
    ffi.release(a)
    accesses = [lambda: p.f, lambda: setattr(p, "f", 1), lambda: view.f,
                lambda: setattr(view, "f", 1), lambda: a[0],
                lambda: a.__setitem__(0, 1)]
    for access in accesses:
        with pytest.raises(RuntimeError, match="released"):
            access()
