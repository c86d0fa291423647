"""Structure and Union layouts, fields, bitfields, anonymous members, packing."""

import pytest
from differential import error_of


def layout(m, cls):
    return (m.sizeof(cls), m.alignment(cls),
            [(f[0], repr(getattr(cls, f[0]))) for f in cls._fields_])


@pytest.mark.parametrize("fields", [
    "[('a', c_char), ('b', c_int), ('c', c_short)]",
    "[('a', c_double), ('b', c_char)]",
    "[('a', c_char * 3), ('b', c_longlong)]",
    "[('a', c_int, 3), ('b', c_int, 5), ('c', c_short)]",
    "[('a', c_uint, 31), ('b', c_uint, 2)]",
    "[('a', c_short, 4), ('b', c_int, 20), ('c', c_char)]",
    "[('a', c_longlong, 40), ('b', c_int, 30)]",
    "[('a', c_ubyte, 1), ('b', c_ushort, 15), ('c', c_uint, 16)]",
])
@pytest.mark.parametrize("pack", [None, 1, 2])
def test_struct_layouts(same, fields, pack):
    def run(m):
        namespace = {"_fields_": eval(fields, vars(m))}
        if pack:
            namespace["_pack_"] = pack
        return layout(m, type(m.Structure)("S", (m.Structure,), namespace))
    same(run)


def test_union_layout(same):
    def run(m):
        class U(m.Union):
            _fields_ = [("i", m.c_int), ("d", m.c_double), ("c", m.c_char * 11)]
        u = U()
        u.i = 0x41424344
        return layout(m, U), u.c
    same(run)


def test_bitfield_values(same):
    def run(m):
        class B(m.Structure):
            _fields_ = [("a", m.c_int, 3), ("b", m.c_uint, 5), ("c", m.c_short, 7)]
        b = B(-1, 31, 100)
        out = [b.a, b.b, b.c, m.string_at(m.addressof(b), m.sizeof(b))]
        b.a, b.b, b.c = 9, 33, -65
        return out + [b.a, b.b, b.c]
    same(run)


@pytest.mark.parametrize("field", ["('a', c_int, 0)", "('a', c_int, 33)", "('a', c_char, 1)",
                                   "('a', c_double, 2)", "('a', c_void_p, 1)"])
def test_bad_bitfields(same, field):
    same(lambda m: type(m.Structure)("S", (m.Structure,),
                                     {"_fields_": [eval(field, vars(m))]}))


def test_init_and_nesting(same):
    def run(m):
        class P(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_int)]

        class R(m.Structure):
            _fields_ = [("a", P), ("b", P), ("name", m.c_char * 8), ("n", m.c_int * 2)]

        r = R((1, 2), P(3, 4), b"ab")
        r.a.y = 20
        r.n[1] = 9
        return r.a.x, r.a.y, r.b.x, r.name, list(r.n), r.a._b_base_ is r
    same(run)


def test_init_errors(same):
    def run(m):
        class P(m.Structure):
            _fields_ = [("x", m.c_int)]
        return P(1, 2)
    same(run)
    same(lambda m: type(m.Structure)("S", (m.Structure,), {"_fields_": [("x", 1)]}))


def test_anonymous(same):
    def run(m):
        class Inner(m.Union):
            _fields_ = [("i", m.c_int), ("f", m.c_float)]

        class Outer(m.Structure):
            _anonymous_ = ("u",)
            _fields_ = [("tag", m.c_char), ("u", Inner)]

        o = Outer()
        o.i = 7
        return Outer.i.offset, o.u.i, o.i
    same(run)


def test_fields_final_and_subclassing(same):
    def run(m):
        class Base(m.Structure):
            _fields_ = [("a", m.c_int)]

        class Derived(Base):
            _fields_ = [("b", m.c_char)]

        d = Derived(1, b"x")
        try:
            Base._fields_ = []
        except AttributeError as e:
            error = str(e)
        return m.sizeof(Derived), d.a, d.b, error
    same(run)


def test_nested_anonymous(same):
    def run(m):
        class X(m.Structure):
            _fields_ = [("a", m.c_int), ("b", m.c_int)]

        class Y(m.Structure):
            _anonymous_ = ["x"]
            _fields_ = [("pad", m.c_char), ("x", X)]

        class Z(m.Structure):
            _anonymous_ = ["y"]
            _fields_ = [("y", Y), ("c", m.c_int)]

        z = Z()
        z.b = 5
        return Z.b.offset, z.y.x.b, z.b
    same(run)


def test_tuples_initialise_array_and_record_fields(same):
    def run(m):
        class Inner(m.Structure):
            _fields_ = [("x", m.c_short), ("y", m.c_short)]

        class Outer(m.Structure):
            _fields_ = [("a", m.c_int * 3), ("inner", Inner)]

        o = Outer((1, 2), (3, 4))
        return o.a[:], o.inner.x, o.inner.y
    same(run)
    same(lambda m: type("S", (m.Structure,), {"_fields_": [("a", m.c_int * 2)]})((1, 2, 3)))
    same(lambda m: type("S", (m.Structure,), {"_fields_": [("a", m.c_int * 2)]})([1, 2]))


def test_record_bases_take_no_attributes_under_slots(same):
    def run(m):
        class P(m.BigEndianStructure):
            __slots__ = ()
            _fields_ = [("x", m.c_int)]

        p = P(1)
        p.z = 2
    same(run)


def test_pack_limits_and_abstract_bases(same):
    same(lambda m: type(m.Structure)("X", (m.Structure,),
                                     {"_fields_": [("a", m.c_byte)], "_pack_": 2**31}))
    same(lambda m: m.Structure.from_buffer(bytearray(10)))
    same(lambda m: m._CFuncPtr.from_buffer(bytearray(10)))
    same(lambda m: m._SimpleCData.from_param(42))


def test_setstate_takes_attributes_and_memory(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("a", m.c_int)]

        s = S()
        s.__setstate__({"note": 1}, b"\x07\x00\x00\x00")
        out = [s.a, s.note]
        try:
            s.__setstate__([], b"")
        except TypeError:
            out.append("refused")
        return out
    same(run)


def test_other_endian_long_and_one_byte_types(same):
    def run(m):
        class S(m.BigEndianStructure):
            _fields_ = [("a", m.c_byte), ("b", m.c_char), ("c", m.c_long), ("d", m.c_ulong)]

        s = S(-1, b"x", -2**40, 2**63 + 5)
        be = m.c_long.__ctype_be__(-3)
        return (bytes(memoryview(s)), s.a, s.b, s.c, s.d, be.value, bytes(memoryview(be)),
                [t.__ctype_le__ is t and t.__ctype_be__ is t
                 for t in (m.c_byte, m.c_ubyte, m.c_char)])
    same(run)


def test_char_array_fields_store_a_c_string(same):
    def run(m):
        class X(m.Structure):
            _fields_ = [("chars", m.c_char * 5)]

        x = X(b"#" * 5)
        x.chars = b"a\0b\0"
        return bytes(x), x.chars
    same(run)


def test_field_descriptors_refuse_other_objects(same):
    def field(m):
        return type("S", (m.Structure,), {"_fields_": [("f", m.c_int)]}).f

    same(lambda m: field(m).__get__("wrong", 42))
    same(lambda m: field(m).__set__("wrong", 42))


def test_abstract_records_and_pointer_subclasses_make_no_instances(same):
    same(lambda m: type("X", (m.Structure,), {"_abstract_": "yes"})())
    same(lambda m: type("A", (m.POINTER(m.c_ulong),), {})(m.c_ulong(33)))
    same(lambda m: m.POINTER(m.c_ulong)(m.c_ulong(22)).contents.value)


def test_measuring_a_record_without_fields_leaves_it_open(same):
    def run(m):
        class X(m.Structure):
            pass

        before = m.sizeof(X)
        X._fields_ = [("a", m.c_int)]
        return before, m.sizeof(X), m.sizeof(m.Structure)
    same(run)


def test_a_record_class_with_subclasses_keeps_its_layout(same):
    def run(m):
        class Open(m.Structure):
            pass

        class Child(Open):
            pass

        out = []
        for cls in (Open, Child, Open):
            try:
                cls._fields_ = [("a", m.c_int)]
                out.append(m.sizeof(cls))
            except AttributeError as e:
                out.append(str(e))
        return out
    assert same(run) == ("gives", "['_fields_ is final', 4, '_fields_ is final']")


def test_fields_given_by_init_subclass_are_refused(same):
    def run(m):
        class Base(m.Structure):
            def __init_subclass__(cls, **kwargs):
                cls._fields_ = [("a", m.c_int)]

        try:
            type("Sub", (Base,), {})
        except TypeError as e:
            return str(e)
    assert same(run) == ("gives", "'ctypes state is not initialized'")


def test_a_record_cannot_contain_itself(same):
    def run(m):
        class Node(m.Structure):
            pass

        try:
            Node._fields_ = [("value", m.c_int), ("next", Node)]
        except AttributeError as e:
            return str(e)
    assert same(run) == ("gives", "'Structure or union cannot contain itself'")


def test_field_offsets_and_sizes_are_read_only(same):
    def run(m):
        class X(m.Structure):
            _fields_ = [("a", m.c_char), ("b", m.c_int), ("c", m.c_int, 3)]

        refused = []
        for field in (X.b, X.c):
            for attr in ("offset", "size"):
                try:
                    setattr(field, attr, 92)
                except (AttributeError, TypeError):
                    refused.append(attr)
        return refused, X.b.offset, X.b.size, X.c.offset, X.c.size
    assert same(run)[0] == "gives"


def test_other_endian_records_refuse_what_has_no_other_order(same):
    """A union, c_bool, text and address types have no other byte order; every
    field type is converted before any is laid out, so the refusal comes
    first."""
    def run(m):
        class U(m.Union):
            _fields_ = [("x", m.c_int)]

        class S(m.Structure):
            _fields_ = [("x", m.c_int)]

        out = []
        for base in (m.BigEndianStructure, m.BigEndianUnion):
            for ftype in (U, S, m.c_bool, m.c_wchar, m.c_void_p, m.c_longdouble, U * 2):
                out.append(error_of(lambda: type("R", (base,), {"_fields_": [("z", ftype)]})))
            out.append(error_of(lambda: type("R", (base,), {
                "_fields_": [("a", m.c_byte, 65), ("b", m.c_void_p)]})))
        return out
    same(run)


def test_other_endian_simple_types_are_named_for_their_order(same):
    def run(m):
        be = m.c_int.__ctype_be__
        return (be.__name__, be.__qualname__, repr(be(5)), (be * 2).__name__,
                hasattr(m.c_bool, "__ctype_be__"))
    same(run)


def test_bool_bit_fields_share_their_byte():
    """Each _Bool bit field keeps its own bits of the byte, as gcc lays them out
    (CPython 3.11's ctypes writes the whole byte as 0 or 1 here, losing the
    neighbours: not a reference)."""
    import rcffi.ctypes as m

    class Flags(m.Structure):
        _fields_ = [("a", m.c_bool, 1), ("b", m.c_bool, 1), ("c", m.c_bool, 3)]

    flags = Flags()
    flags.b = True
    after_b = bytes(flags)
    flags.c = 5
    after_c = (bytes(flags), flags.a, flags.b, flags.c)
    flags.b = 0
    assert (after_b, after_c, bytes(flags), flags.c) == (
        b"\x02", (b"\x06", False, True, True), b"\x04", True)
    seven = Flags.from_buffer_copy(b"\x07")
    assert (seven.a, seven.b, seven.c) == (True, True, True)
