"""Structure and Union: ``_fields_`` laid out in Python with ctypes' own rules
(``_pack_``, bitfields that open, continue and widen storage units, byte order),
then described to the backend with explicit offsets, so records travel by value
through libffi with the C compiler's classification.
"""

import sys

from .. import _backend as B
from . import _messages
from . import _core
from ._core import CData, CDataType
from . import _simple

_BITFIELD_CODES = "bBhHiIlLqQ?"
# ctypes reads _pack_ as a C int.
_INT_MAX = 2**31 - 1


class CField(B._CtypesField):
    """A field descriptor on a record class: ``offset``, ``size`` (for bitfields
    ``bits << 16 | bit offset``, as ctypes encodes it).  The backend base reads
    and writes fields of plain simple types itself; it calls ``_b_get_`` and
    ``_b_set_`` for the others."""

    __slots__ = ("name", "type", "_offset", "_size", "index", "bits", "shift", "chars")

    def __new__(cls, name, ftype, offset, index, bits=0, shift=0, owner=None):
        simple = getattr(ftype, "_b_plain_", False) and not ftype._b_swapped_ and not bits
        # Records, arrays and pointers read as views (their _b_load_), but a
        # character array reads as text.
        view = getattr(ftype, "_b_loads_view_", False) and not bits and not _reads_text(ftype)
        return super().__new__(cls, name, offset, ftype._b_code_ if simple else None, owner,
                               (ftype, index) if view else None)

    def __init__(self, name, ftype, offset, index, bits=0, shift=0, owner=None):
        self.name = name
        self.type = ftype
        self._offset = offset
        self.index = index
        self.bits = bits
        self.shift = shift
        self._size = (bits << 16 | shift) if bits else ftype._b_size_
        self.chars = _reads_text(ftype)

    # Read-only, as in ctypes.
    offset = property(lambda self: self._offset)
    size = property(lambda self: self._size)

    def __repr__(self):
        if self.bits:
            return "<Field type=%s, ofs=%d:%d, bits=%d>" % (
                self.type.__name__, self.offset, self.shift, self.bits)
        return "<Field type=%s, ofs=%d, size=%d>" % (self.type.__name__, self.offset, self.size)

    def _b_get_(self, obj):
        if not isinstance(obj, CData):
            raise TypeError(_messages.NOT_AN_INSTANCE)
        address = obj._b_addr + self._offset
        if self.bits:
            return self._get_bits(address)
        if self.chars == "c":
            raw = _core.read_bytes(address, self.type._b_size_)
            return raw.split(b"\0", 1)[0]
        if self.chars == "u":
            return B.string(B.cast(_core.PWCHAR, address), self.type._length_)
        return self.type._b_load_(address, obj, self.index)

    def _b_set_(self, obj, value):
        if not isinstance(obj, CData):
            raise TypeError(_messages.NOT_AN_INSTANCE)
        address = obj._b_addr + self._offset
        if self.bits:
            return self._set_bits(address, value)
        if self.chars:
            if self.chars == "c" and isinstance(value, bytes):
                # A char array field takes a C string: up to its first NUL, as ctypes.
                value = value.split(b"\0", 1)[0]
            return self.type._b_store_text_(address, value)
        self.type._b_store_(address, value, obj, "%x" % self.index)

    def _storage(self, address):
        cls = self.type
        if cls._b_swapped_:
            return _simple.read_swapped(cls._b_code_, address)
        return int(B.cast(self._unit_accessor().pctype, address)[0])

    def _unit_accessor(self):
        """How the storage unit is read and written: a bool's as the byte it is
        (other bit fields share it; the backend's _Bool holds only 0 and 1)."""
        code = self.type._b_code_
        return _simple.accessor("B" if code == "?" else code)

    def _get_bits(self, address):
        value = self._storage(address) >> self.shift
        mask = (1 << self.bits) - 1
        value &= mask
        if self.type._b_code_ in "bhilq" and value >> (self.bits - 1):
            value -= 1 << self.bits
        return bool(value) if self.type._b_code_ == "?" else value

    def _set_bits(self, address, value):
        cls = self.type
        value = _simple.convert(cls._b_code_, value)[0]
        acc = self._unit_accessor()
        unit = self._storage(address) & ((1 << (8 * acc.size)) - 1)
        mask = ((1 << self.bits) - 1) << self.shift
        unit = (unit & ~mask) | ((int(value) << self.shift) & mask)
        if cls._b_swapped_:
            _simple.write_swapped(cls._b_code_, address, _wrap(acc, unit))
        else:
            B.cast(acc.pctype, address)[0] = _wrap(acc, unit)


def _reads_text(ftype):
    """"c" or "u" when a field of `ftype` reads as bytes or str: c_char * n and
    c_wchar * n, as in ctypes; None otherwise."""
    item = getattr(ftype, "_type_", None)
    return getattr(ftype, "_b_chars_", None) if getattr(item, "_b_plain_", False) else None


def _wrap(acc, unit):
    if acc.code in _simple._INT_CODES:
        return _simple.wrap_int(acc, unit)
    return unit


class StructType(CDataType):
    """The metaclass of Structure: lays ``_fields_`` out when the class body or a
    later assignment gives them."""

    #: Its instances read out of memory as views (`_b_load_`).
    _b_loads_view_ = True

    _b_union_ = False

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        for base in bases:
            # A record class with subclasses has its layout for good: theirs
            # start where it ends (ctypes makes it final the same way).
            if isinstance(base, StructType) and base._b_open_():
                type.__setattr__(base, "_b_subclassed_", True)
        B._ctypes_init_slot(cls)
        cls._b_ctype_ = None
        cls._b_shape_ = None
        if "_fields_" in namespace:
            cls._b_layout_(namespace["_fields_"])
        elif any(getattr(b, "_b_ctype_", None) is not None for b in bases):
            base = next(b for b in bases if getattr(b, "_b_ctype_", None) is not None)
            cls._b_ctype_ = base._b_ctype_
            cls._b_shape_ = base._b_shape_
        return cls

    def __setattr__(cls, name, value):
        if name == "_fields_":
            if "_b_shape_" not in cls.__dict__:
                # From __init_subclass__, before the metaclass has set the class up.
                raise TypeError("ctypes state is not initialized")
            if cls.__dict__.get("_b_final_") or cls.__dict__.get("_b_subclassed_"):
                raise AttributeError("_fields_ is final")
            cls._b_layout_(value)
            return
        super().__setattr__(name, value)

    def _b_finish_(cls):
        if not cls._b_open_():
            raise TypeError(_messages.ABSTRACT)
        cls._b_layout_([])

    def _b_open_(cls):
        # ctypes' own bases, and classes declaring _abstract_, have no layout.
        return not cls.__dict__.get("_b_abstract_") and "_abstract_" not in cls.__dict__

    def _b_other_order_(cls, ftype):
        return ftype

    def _b_layout_(cls, fields):
        if not isinstance(fields, (list, tuple)):
            raise TypeError("_fields_ must be a sequence of pairs")
        fields = list(fields)
        pack = cls.__dict__.get("_pack_", 0)
        if "_pack_" in cls.__dict__:
            if not isinstance(pack, int) or isinstance(pack, bool):
                raise TypeError("_pack_ must be an integer")
            if not 0 <= pack <= _INT_MAX:
                raise ValueError("_pack_ must be a non-negative integer")
        big = getattr(cls, "_b_big_endian_", sys.byteorder == "big")
        base = next((b for b in cls.__mro__[1:] if isinstance(b, StructType)
                     and b.__dict__.get("_b_final_")), None)
        union = cls._b_union_
        offset = base._b_size_ if base is not None and not union else 0
        total_align = base._b_align_ if base is not None else 1
        union_size = 0
        index = len(base._b_fields_) if base is not None else 0
        placed = list(base._b_fields_) if base is not None else []
        field_bits = 0
        bit_offset = 0
        descriptors = []
        for i, desc in enumerate(fields):
            if not isinstance(desc, tuple) or len(desc) not in (2, 3):
                raise TypeError(_messages.BAD_FIELDS)
            name, ftype = desc[0], desc[1]
            if not isinstance(name, str):
                raise TypeError(_messages.BAD_FIELDS)
            if ftype is cls:
                raise AttributeError("Structure or union cannot contain itself")
            if not isinstance(ftype, CDataType) or not _core.is_complete(ftype):
                raise TypeError("second item in _fields_ tuple (index %d) must be a C type"
                                % i)
            ftype = cls._b_other_order_(ftype)
            bits = None
            if len(desc) == 3:
                bits = desc[2]
                if getattr(ftype, "_b_code_", None) not in tuple(_BITFIELD_CODES) or \
                        not ftype._b_plain_ and not ftype._b_swapped_:
                    raise TypeError("bit fields not allowed for type %s" % ftype.__name__)
                if not isinstance(bits, int) or bits <= 0 or bits > 8 * ftype._b_size_:
                    raise ValueError("number of bits invalid for bit field")
            size, align = ftype._b_size_, ftype._b_align_
            if pack:
                align = min(pack, align)
            if union:
                offset, field_bits, bit_offset = 0, 0, 0
            if bits and field_bits and size * 8 <= field_bits and bit_offset + bits <= field_bits:
                fofs = offset - size
                shift = field_bits - bit_offset - bits if big else bit_offset
                bit_offset += bits
            elif bits and field_bits and size * 8 >= field_bits and bit_offset + bits <= size * 8:
                offset += size - field_bits // 8
                field_bits = size * 8
                fofs = offset - size
                shift = field_bits - bit_offset - bits if big else bit_offset
                bit_offset += bits
            else:
                if bits:
                    field_bits, bit_offset = size * 8, bits
                    shift = size * 8 - bits if big else 0
                else:
                    field_bits, bit_offset, shift = 0, 0, 0
                if align and offset % align:
                    offset += align - offset % align
                fofs = offset
                offset += size
                total_align = max(total_align, align)
            union_size = max(union_size, offset)
            field = CField(name, ftype, fofs, index, bits or 0, shift, cls)
            descriptors.append(field)
            placed.append(field)
            index += 1
        size = union_size if union else offset
        if total_align:
            size = (size + total_align - 1) // total_align * total_align
        anonymous = cls.__dict__.get("_anonymous_", ())
        names = {f.name: f for f in descriptors}
        for anon in anonymous:
            if anon not in names:
                raise AttributeError("'%s' is specified in _anonymous_ but not in _fields_"
                                     % anon)
        for field in descriptors:
            type.__setattr__(cls, field.name, field)
        for anon in anonymous:
            _lift_anonymous(cls, names[anon], 0)
        type.__setattr__(cls, "_b_fields_", placed)
        type.__setattr__(cls, "_b_size_", size)
        type.__setattr__(cls, "_b_shape_", B._CtypesShape(size, None, placed))
        type.__setattr__(cls, "_b_align_", total_align)
        type.__setattr__(cls, "_b_has_pointers_", any(f.type._b_has_pointers_ for f in placed))
        type.__setattr__(cls, "_b_ctype_", _backend_record(cls, placed, size, total_align))
        type.__setattr__(cls, "_b_pctype_", B.new_pointer_type(cls._b_ctype_))
        type.__setattr__(cls, "_b_final_", True)
        type.__setattr__(cls, "_b_format_", "B" if union or "_pack_" in cls.__dict__ else
                         _record_format(placed, size))
        type.__setattr__(cls, "_fields_", fields)

    def _b_load_(cls, address, base, index):
        return cls._b_view_(address, base, index)

    _b_store_ = _core.store_instance


def _record_format(placed, size):
    """The PEP 3118 format of a structure: every field at its offset, with the
    padding between and after them ("4x"), so that the format's size is the
    structure's and numpy reads it right. (CPython 3.11 writes no padding and
    only the class's own fields; numpy corrects that for its own ctypes objects
    alone.) Bit fields have no format of their own: the storage unit they
    share appears once, named after its first field."""
    parts, end, units = [], 0, set()
    for f in placed:
        if f.bits:
            if (f.offset, f.type._b_size_) in units:
                continue
            units.add((f.offset, f.type._b_size_))
        if f.offset > end:
            parts.append("%dx" % (f.offset - end))
        parts.append("%s:%s:" % (f.type._b_format_, f.name))
        end = max(end, f.offset + f.type._b_size_)
    if size > end:
        parts.append("%dx" % (size - end))
    return "T{%s}" % "".join(parts)


def _lift_anonymous(cls, anon, outer_offset):
    """Makes the fields of the anonymous record field ``anon`` fields of ``cls``."""
    inner = anon.type
    if not isinstance(inner, StructType):
        raise TypeError("_anonymous_ field '%s' must be a structure or union" % anon.name)
    for field in [v for v in vars(inner).values() if isinstance(v, CField)]:
        if field.name in cls.__dict__:
            continue
        lifted = CField(field.name, field.type, outer_offset + anon.offset + field.offset,
                        anon.index, field.bits, field.shift, cls)
        type.__setattr__(cls, field.name, lifted)


_record_counter = [0]


def _backend_record(cls, fields, size, align):
    """The backend struct (or union) with these explicit offsets: bitfields become
    their storage units, once per unit."""
    _record_counter[0] += 1
    name = "%s_%d" % (cls.__name__, _record_counter[0])
    ctype = (B.new_union_type if cls._b_union_ else B.new_struct_type)(name)
    specs, seen = [], set()
    for f in fields:
        key = (f.offset, f.type._b_size_) if f.bits else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        specs.append(("f%d" % len(specs), f.type._b_ctype_, -1, f.offset))
    B.complete_struct_or_union(ctype, specs, None, size, align)
    return ctype


class UnionType(StructType):
    _b_union_ = True


class Structure(CData, metaclass=StructType):
    """A C struct: subclasses list their members in ``_fields_``.  No
    ``__dict__`` here, as in ctypes: a subclass declaring ``__slots__ = ()``
    takes no other attributes."""

    __slots__ = ()
    _b_abstract_ = True

    # Values for the fields in order, then by name (the backend's loop).
    __init__ = B._CtypesBufferBase._b_init_record_


class Union(CData, metaclass=UnionType):
    """A C union: members share the memory."""

    __slots__ = ()
    _b_abstract_ = True

    __init__ = Structure.__init__


def _other_endian(ftype):
    other = "__ctype_be__" if sys.byteorder == "little" else "__ctype_le__"
    swapped = getattr(ftype, other, None)
    if swapped is not None:
        return swapped
    if hasattr(ftype, "_length_") and hasattr(ftype, "_type_"):
        return _other_endian(ftype._type_) * ftype._length_
    if isinstance(ftype, StructType) and not ftype._b_union_:
        # A structure keeps its own order; a union (of either order) is refused.
        return ftype
    raise TypeError("This type does not support other endian: %s" % ftype)


def _swapped_fields(fields):
    """``_fields_`` with every type in the other order, all converted before any
    is laid out (as ctypes, a type without the other order fails first)."""
    if not isinstance(fields, (list, tuple)):
        return fields
    return [(d[0], _other_endian(d[1])) + tuple(d[2:])
            if isinstance(d, tuple) and len(d) in (2, 3) else d for d in fields]


class _SwappedStructType(StructType):
    _b_big_endian_ = sys.byteorder == "little"

    def _b_other_order_(cls, ftype):
        return _other_endian(ftype)

    def _b_layout_(cls, fields):
        super()._b_layout_(_swapped_fields(fields))


class _SwappedUnionType(UnionType):
    _b_big_endian_ = sys.byteorder == "little"

    def _b_other_order_(cls, ftype):
        return _other_endian(ftype)

    def _b_layout_(cls, fields):
        super()._b_layout_(_swapped_fields(fields))


def _swapped(metaclass, base, order):
    """The record class of ``base``'s kind whose fields are stored in ``order``
    (the platform's other byte order)."""
    name = "%sEndian%s" % (order.capitalize(), base.__name__)
    namespace = {"__slots__": (), "__module__": __name__, "__qualname__": name,
                 "__doc__": "A %s whose fields are stored %s-endian." % (base.__name__, order),
                 "_b_abstract_": True, "_swappedbytes_": None}
    return metaclass(name, (base,), namespace)


if sys.byteorder == "little":
    BigEndianStructure = _swapped(_SwappedStructType, Structure, "big")
    BigEndianUnion = _swapped(_SwappedUnionType, Union, "big")
    LittleEndianStructure, LittleEndianUnion = Structure, Union
else:
    LittleEndianStructure = _swapped(_SwappedStructType, Structure, "little")
    LittleEndianUnion = _swapped(_SwappedUnionType, Union, "little")
    BigEndianStructure, BigEndianUnion = Structure, Union
