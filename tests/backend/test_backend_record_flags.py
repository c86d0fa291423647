"""complete_struct_or_union's flags (other compilers' bitfield rules, bit
numbering, packed) and the limits of records and from_buffer(), through the
backend as cffi's front end drives it."""

import sys

import pytest

from rcffi import _backend as b

MSVC, ARM, BIG_ENDIAN, PACKED, X86, LITTLE = 0x01, 0x02, 0x04, 0x08, 0x10, 0x40


def _record(fields, flags):
    ctype = b.new_struct_type("struct flagged")
    b.complete_struct_or_union(ctype, fields, None, -1, -1, flags)
    return ctype


def _mixed():
    char, short, int_ = (b.new_primitive_type(n) for n in ("char", "short", "int"))
    return [("a", char, -1), ("s", short, 5), ("i", int_, 20), ("d", char, -1)]


def test_gcc_flavours_share_units_msvc_gives_each_type_its_own():
    for flags in (X86 | LITTLE, ARM | LITTLE, X86 | BIG_ENDIAN):
        s = _record(_mixed(), flags)
        assert (b.sizeof(s), b.alignof(s), b.typeoffsetof(s, "d")[1]) == (8, 4, 7)
    s = _record(_mixed(), MSVC | LITTLE)
    assert (b.sizeof(s), b.alignof(s), b.typeoffsetof(s, "d")[1]) == (12, 4, 8)
    assert [f[1].offset for f in s.fields] == [0, 2, 4, 8]


def test_bit_numbering_reaches_memory():
    # s: 5 bits of the short at offset 0 after 'a'; i: 20 bits of the int at 4.
    def raw(flags):
        s = _record(_mixed(), flags)
        p = b.newp(b.new_pointer_type(s), None)
        p.s = -1
        p.i = 1
        assert (p.s, p.i) == (-1, 1)
        return b.buffer(p)[:]

    assert raw(X86 | LITTLE) == bytes([0, 0x1F, 0, 0, 1, 0, 0, 0])
    # Big-endian: bits from the top of each unit, the units stored as the host does.
    short_top = (0x1F << (16 - 5 - 8)).to_bytes(2, sys.byteorder)
    int_top = (1 << (32 - 20)).to_bytes(4, sys.byteorder)
    assert raw(X86 | BIG_ENDIAN)[:7] == short_top + b"\0\0" + int_top[:3]


def test_arm_aligns_for_unnamed_bitfields():
    char, llong = b.new_primitive_type("char"), b.new_primitive_type("long long")
    fields = [("a", char, -1), ("", llong, 3), ("b", char, -1)]
    assert b.alignof(_record(fields, X86 | LITTLE)) == 1
    assert b.alignof(_record(fields, ARM | LITTLE)) == 8


def test_packed_bitfield_reusing_the_previous_unit_is_refused():
    long_, char = b.new_primitive_type("long"), b.new_primitive_type("char")
    ctype = b.new_struct_type("struct tight")
    with pytest.raises(NotImplementedError, match="tight.c"):
        b.complete_struct_or_union(ctype, [("l", long_, 31), ("c", char, 4)],
                                   None, -1, -1, PACKED)
    fits = b.new_struct_type("struct tight_ok")
    b.complete_struct_or_union(fits, [("l", long_, 32), ("c", char, 4)], None, -1, -1, PACKED)
    assert b.sizeof(fits) == 5


def test_struct_of_the_largest_array():
    char = b.new_primitive_type("char")
    huge = b.new_array_type(b.new_pointer_type(char), sys.maxsize)
    s = b.new_struct_type("struct huge")
    b.complete_struct_or_union(s, [("a", huge, -1)])
    assert b.sizeof(s) == sys.maxsize
    two = b.new_struct_type("struct huger")
    with pytest.raises(OverflowError):
        b.complete_struct_or_union(two, [("a", huge, -1), ("b", huge, -1)])


def test_from_buffer_of_open_array_of_empty_items():
    empty = b.new_struct_type("struct nothing")
    b.complete_struct_or_union(empty, [], None, 0)
    open_array = b.new_array_type(b.new_pointer_type(empty), None)
    with pytest.raises(ZeroDivisionError, match="size 0"):
        b.from_buffer(open_array, bytearray(8))
    five = b.new_array_type(b.new_pointer_type(empty), 5)
    assert len(b.from_buffer(five, bytearray(8))) == 5


def test_open_array_before_an_explicitly_placed_member():
    # Explicit offsets may put an array of no length first: its items reach as
    # far as the allocation, over the members after it.
    int_ = b.new_primitive_type("int")
    open_ints = b.new_array_type(b.new_pointer_type(int_), None)
    s = b.new_struct_type("struct overlay")
    b.complete_struct_or_union(s, [("items", open_ints, -1, 0), ("tail", int_, -1, 8)])
    assert b.sizeof(s) == 12
    p = b.newp(b.new_pointer_type(s), {"items": [1], "tail": 5})
    assert (len(p.items), list(p.items), p.tail) == (3, [1, 0, 5], 5)
    p = b.newp(b.new_pointer_type(s), [[1, 2, 3, 4, 5]])
    assert (len(p.items), p.items[4], p.tail) == (5, 5, 3)
