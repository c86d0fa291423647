"""Simple types: ``_SimpleCData`` and the ``c_*`` classes, a one-letter ``_type_``
each, plus their byte-swapped twins for Big/LittleEndianStructure fields.

A simple type reads and writes its value with two functions of an address (made
once per type code), so fields, array items and pointer targets share them.  As
in ctypes, a direct subclass of ``_SimpleCData`` converts to and from Python values
wherever it appears; a subclass of such a class stays an instance.
"""

import struct
import sys

from .. import _backend as B
from . import _messages
from . import _core
from ._core import CData, CDataType, CArgObject, POINTER_SIZE, PCHAR, PWCHAR

_BACKEND_NAMES = {
    "c": "char", "b": "signed char", "B": "unsigned char", "h": "short",
    "H": "unsigned short", "i": "int", "I": "unsigned int", "l": "long",
    "L": "unsigned long", "q": "long long", "Q": "unsigned long long",
    "f": "float", "d": "double", "g": "long double", "?": "_Bool", "u": "wchar_t",
    "z": "uintptr_t", "Z": "uintptr_t", "P": "uintptr_t", "O": "uintptr_t", "v": "short",
}
SIMPLE_CODES = "cbBhHiIlLfdgu?zZqQPOv"
_INT_CODES = "bBhHiIlLqQ"


class _Accessor:
    """How one type code reads, converts and writes: made once per code."""

    def __init__(self, code):
        self.code = code
        self.ctype = B.new_primitive_type(_BACKEND_NAMES[code])
        self.pctype = B.new_pointer_type(self.ctype)
        self.size = B.sizeof(self.ctype)
        self.align = B.alignof(self.ctype)
        if code in _INT_CODES:
            bits = 8 * self.size
            self.mask = (1 << bits) - 1
            self.signed = code.islower()
            self.half = 1 << (bits - 1)


_accessors = {}


def accessor(code):
    acc = _accessors.get(code)
    if acc is None:
        acc = _accessors[code] = _Accessor(code)
    return acc


def wrap_int(acc, value):
    """``value`` truncated to the type's width, as C (and ctypes) store it."""
    if not isinstance(value, int):
        try:
            value = value.__index__()
        except AttributeError:
            raise TypeError("'%s' object cannot be interpreted as an integer"
                            % type(value).__name__) from None
    value &= acc.mask
    if acc.signed and value >= acc.half:
        value -= acc.mask + 1
    return value


def _float_of(value):
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        return float(value)
    try:
        return float(value.__float__())
    except AttributeError:
        raise TypeError("must be real number, not %s" % type(value).__name__) from None


def convert(code, value):
    """``(native value, object to keep alive)`` for storing ``value`` in a slot of
    type code ``code``; raises ctypes' TypeError for values that do not fit."""
    if code in _INT_CODES:
        return wrap_int(accessor(code), value), None
    if code in "fdg":
        v = _float_of(value)
        if code == "f" and abs(v) > 3.4028234663852886e38 and v == v and abs(v) != float("inf"):
            v = float("inf") if v > 0 else float("-inf")
        return v, None
    if code == "?":
        return bool(value), None
    if code == "v":
        return (-1 if value else 0), None
    if code == "c":
        if isinstance(value, (bytes, bytearray)) and len(value) == 1:
            return bytes(value), None
        if isinstance(value, int) and 0 <= value < 256:
            return bytes((value,)), None
        raise TypeError("one character bytes, bytearray or integer expected")
    if code == "u":
        if isinstance(value, str) and len(value) == 1:
            return value, None
        raise TypeError("one character unicode string expected")
    if code == "z":
        if value is None:
            return 0, None
        if isinstance(value, int):
            return value & ((1 << (8 * POINTER_SIZE)) - 1), None
        if isinstance(value, bytes):
            # The pointer is to the bytes object's own NUL-terminated storage,
            # which it keeps alive, as in ctypes.
            return _core.bytes_address(value), value
        raise TypeError("bytes or integer address expected instead of %s instance"
                        % type(value).__name__)
    if code == "Z":
        if value is None:
            return 0, None
        if isinstance(value, int):
            return value & ((1 << (8 * POINTER_SIZE)) - 1), None
        if isinstance(value, str):
            mem = B.newp(B.new_array_type(PWCHAR, None), value)
            return _core.address_of_cdata(mem), mem
        raise TypeError("unicode string or integer address expected instead of %s instance"
                        % type(value).__name__)
    if code == "P":
        if value is None:
            return 0, None
        if isinstance(value, int):
            return value & ((1 << (8 * POINTER_SIZE)) - 1), None
        raise TypeError("cannot be converted to pointer")
    if code == "O":
        return id(value), value
    raise ValueError("unknown type code %r" % code)


def read(code, address):
    if code == "z":
        return _core.read_char_p(address)
    if code == "?":
        # Any byte but 0 is true, as C reads it (the backend's _Bool refuses 2..255).
        return B.cast(accessor("B").pctype, address)[0] != 0
    acc = accessor(code)
    raw = B.cast(acc.pctype, address)[0]
    if code in "zZPO":
        if code == "P":
            return raw or None
        if code == "O":
            if not raw:
                raise ValueError("PyObject is NULL")
            return B.object_at(raw)
        if not raw:
            return None
        return B.string(B.cast(PCHAR if code == "z" else PWCHAR, raw))
    if code == "g":
        return float(raw)
    if code == "v":
        return raw != 0
    return raw


def write(code, address, value):
    """Stores ``value`` at ``address``; returns what must be kept alive."""
    native, keeper = convert(code, value)
    if code in "zZPO":
        # An address: one word, without a cdata to store through.
        _core.write_pointer(address, native)
    else:
        B.cast(accessor(code).pctype, address)[0] = native
    return keeper


# struct's standard-size format for each swappable code: by size, since C's
# long is 8 bytes where struct's "l" is always 4.
_SWAP_FORMATS = {code: {2: "h", 4: "i", 8: "q"}[accessor(code).size] for code in "hil"}
_SWAP_FORMATS.update({code.upper(): fmt.upper() for code, fmt in _SWAP_FORMATS.items()})
_SWAP_FORMATS.update({"q": "q", "Q": "Q", "f": "f", "d": "d"})
# One byte has no order: the type is its own other-endian twin, as in ctypes.
_ONE_BYTE = "bBc"


def read_swapped(code, address):
    size = accessor(code).size
    data = _core.read_bytes(address, size)
    order = ">" if sys.byteorder == "little" else "<"
    (value,) = struct.unpack(order + _SWAP_FORMATS[code], data)
    return value


def write_swapped(code, address, value):
    native, keeper = convert(code, value)
    order = ">" if sys.byteorder == "little" else "<"
    _core.write_bytes(address, struct.pack(order + _SWAP_FORMATS[code], native))
    return keeper


class SimpleType(CDataType):
    """The metaclass of simple types: checks ``_type_`` and sets the layout."""

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        code = namespace.get("_type_", getattr(cls, "_type_", None))
        if code is None:
            if any(isinstance(b, SimpleType) and hasattr(b, "_b_code_") for b in bases) \
                    or name == "_SimpleCData":
                return cls
            raise AttributeError(_messages.NO_TYPE)
        if not isinstance(code, str):
            raise TypeError("class must define a '_type_' string attribute")
        if len(code) != 1:
            raise ValueError("class must define a '_type_' attribute which must be "
                             "a string of length 1")
        if code not in SIMPLE_CODES:
            raise AttributeError("class must define a '_type_' attribute which must be\n"
                                 "a single character string containing one of '%s'."
                                 % SIMPLE_CODES)
        B._ctypes_init_slot(cls)
        swapped = namespace.get("_b_swapped_", False)
        cls.value = _Value("value", 0, None if swapped else code, cls)
        acc = accessor(code)
        cls._b_code_ = code
        cls._b_size_ = acc.size
        cls._b_align_ = acc.align
        cls._b_ctype_ = acc.ctype
        cls._b_shape_ = B._CtypesShape(acc.size)
        cls._b_has_pointers_ = code in "zZPO"
        cls._b_plain_ = _SimpleCData in bases
        if "_b_swapped_" not in namespace:
            cls._b_swapped_ = False
        big = (sys.byteorder == "big") != cls._b_swapped_
        # Behind "<" or ">" struct's letters have standard sizes, where "l" is
        # 4 bytes: an 8-byte long is "q", as ctypes writes it.
        letter = {"l": "q", "L": "Q"}.get(code, code) if code in "lL" and acc.size == 8 else code
        cls._b_format_ = (">" if big else "<") + letter
        cls._b_check_retval_ = "_check_retval_" in namespace or any(
            hasattr(b, "_check_retval_") for b in bases)
        if code in _SWAP_FORMATS and "_b_swapped_" not in namespace:
            # Named for its order, as in ctypes (c_int_be), with the native qualname.
            twin_name = name + ("_be" if sys.byteorder == "little" else "_le")
            twin = SimpleType.__new__(mcls, twin_name, (cls,), {
                "_type_": code, "_b_swapped_": True, "__module__": cls.__module__,
                "__qualname__": cls.__qualname__})
            twin._b_plain_ = cls._b_plain_
            if sys.byteorder == "little":
                cls.__ctype_le__, cls.__ctype_be__ = cls, twin
            else:
                cls.__ctype_be__, cls.__ctype_le__ = cls, twin
            twin.__ctype_le__, twin.__ctype_be__ = cls.__ctype_le__, cls.__ctype_be__
        elif code in _ONE_BYTE and "_b_swapped_" not in namespace:
            cls.__ctype_le__ = cls.__ctype_be__ = cls
        return cls

    def from_param(cls, obj):
        if isinstance(obj, cls):
            return obj
        code = getattr(cls, "_b_code_", None)
        if code is None:
            raise TypeError(_messages.ABSTRACT)
        if code in "zZP":
            return _pointer_like_param(cls, code, obj)
        if isinstance(obj, CArgObject) and code in "zZP":
            return obj
        as_parameter = getattr(obj, "_as_parameter_", None)
        if as_parameter is not None and not isinstance(obj, CData):
            return cls.from_param(as_parameter)
        if isinstance(obj, CData) and not isinstance(obj, cls) and code != "?":
            # (a c_bool takes any object's truth, a ctypes object's too)
            raise TypeError(_messages.WRONG_TYPE)
        try:
            return CArgObject(obj, 0, cls(obj))
        except TypeError as e:
            raise TypeError(str(e)) from None

    def _b_load_(cls, address, base, index):
        if cls._b_plain_:
            if cls._b_swapped_:
                return read_swapped(cls._b_code_, address)
            return read(cls._b_code_, address)
        return cls._b_view_(address, base, index)

    def _b_store_(cls, address, value, owner, key):
        if isinstance(value, CData):
            if not isinstance(value, cls) and not (
                    getattr(type(value), "_b_code_", None) == cls._b_code_
                    and type(value)._b_swapped_ == cls._b_swapped_ and not cls._b_plain_):
                raise TypeError(_messages.INCOMPATIBLE
                                % (type(value).__name__, cls.__name__))
            _core.copy_memory(address, value._b_addr, cls._b_size_)
            _core.keep(owner, key, _core.objects_of(value))
            return
        if cls._b_swapped_:
            keeper = write_swapped(cls._b_code_, address, value)
        else:
            keeper = write(cls._b_code_, address, value)
        _core.keep(owner, key, keeper)


def _pointer_like_param(cls, code, obj):
    """``from_param`` of c_char_p, c_wchar_p and c_void_p: they take addresses in
    many spellings (ctypes accepts arrays, pointers, byref() and functions)."""
    Array, _Pointer = _sequences.Array, _sequences._Pointer
    CFuncPtr = _functions.CFuncPtr
    if obj is None:
        return None
    if code == "z" and isinstance(obj, bytes):
        return CArgObject(obj, 0, cls(obj))
    if code == "Z" and isinstance(obj, str):
        return CArgObject(obj, 0, cls(obj))
    if code == "P":
        if isinstance(obj, int):
            return CArgObject(obj, 0, cls(obj))
        if isinstance(obj, bytes):
            return CArgObject(obj, 0, c_char_p(obj))
        if isinstance(obj, str):
            return CArgObject(obj, 0, c_wchar_p(obj))
        if isinstance(obj, (Array, _Pointer, CFuncPtr, CArgObject)):
            return obj
        if isinstance(obj, (c_char_p, c_wchar_p)):
            # As ctypes: the pointer the string instance holds, as a parameter.
            return CArgObject(obj, 0, obj)
    if isinstance(obj, CArgObject):
        target = getattr(type(obj._obj), "_b_code_", None)
        if code == "P" or target == {"z": "c", "Z": "u"}[code]:
            return obj
    if isinstance(obj, (Array, _Pointer)):
        item = type(obj)._type_
        if code == "z" and getattr(item, "_b_code_", None) == "c":
            return obj
        if code == "Z" and getattr(item, "_b_code_", None) == "u":
            return obj
    if isinstance(obj, CData) and getattr(type(obj), "_b_code_", None) in ("z", "Z", "P") \
            and code == "P":
        return obj
    as_parameter = getattr(obj, "_as_parameter_", _core.ABSENT)
    if as_parameter is not _core.ABSENT:
        return cls.from_param(as_parameter)
    raise TypeError(_messages.not_a_pointer(obj, cls.__name__))


class _Value(B._CtypesField):
    """``value`` of simple instances: a plain code in native order is read and
    written by the backend; swapped order, strings, ``py_object`` and values
    to convert in Python come here."""

    __slots__ = ()

    def _b_get_(self, obj):
        cls = type(obj)
        if cls._b_swapped_:
            return read_swapped(cls._b_code_, obj._b_addr)
        if cls._b_code_ == "O":
            if obj._objects is not None and "0" in obj._objects \
                    and id(obj._objects["0"]) == read(
                        "P", obj._b_addr) and obj._b_base_ is None:
                return obj._objects["0"]
        return read(cls._b_code_, obj._b_addr)

    def _b_set_(self, obj, value):
        cls = type(obj)
        if cls._b_swapped_:
            keeper = write_swapped(cls._b_code_, obj._b_addr, value)
        else:
            keeper = write(cls._b_code_, obj._b_addr, value)
        if keeper is not None:
            _core.keep(obj, "0", keeper)


class _SimpleCData(CData, metaclass=SimpleType):
    """The base of simple types; a subclass sets ``_type_`` to a type code."""

    __slots__ = ()

    # At most one value, stored through ``value`` (the backend's loop).
    __init__ = B._CtypesBufferBase._b_init_simple_

    def __repr__(self):
        cls = type(self)
        if not cls._b_plain_:
            return "<%s object at %#x>" % (cls.__name__, id(self))
        if cls._b_code_ == "O":
            try:
                value = self.value
            except ValueError:
                return "%s(<NULL>)" % cls.__name__
            return "%s(%r)" % (cls.__name__, value)
        if cls._b_code_ in "zZ":
            address = read("P", self._b_addr)
            return "%s(%s)" % (cls.__name__, address or None)
        return "%s(%r)" % (cls.__name__, self.value)

    def __bool__(self):
        # As ctypes: whether any byte is set (so c_char(b"\0") and c_double(0.0)
        # are false, -0.0 true), whatever the value would convert to.
        return any(_core.read_bytes(self._b_addr, type(self)._b_size_))

    def __ctypes_from_outparam__(self):
        if type(self)._b_plain_:
            return self.value
        return self


def _simple(name, code, doc=None):
    # No __slots__: as ctypes' own c_int, an instance has a __dict__ (pickled
    # with its memory).
    cls = SimpleType(name, (_SimpleCData,), {"_type_": code, "__module__": "ctypes",
                                             "__qualname__": name})
    if doc:
        cls.__doc__ = doc
    return cls


c_char = _simple("c_char", "c")
c_byte = _simple("c_byte", "b")
c_ubyte = _simple("c_ubyte", "B")
c_short = _simple("c_short", "h")
c_ushort = _simple("c_ushort", "H")
c_int = _simple("c_int", "i")
c_uint = _simple("c_uint", "I")
c_long = _simple("c_long", "l")
c_ulong = _simple("c_ulong", "L")
# As in ctypes, equal sizes give the same class (c_longlong is c_long on LP64).
if accessor("q").size == accessor("l").size:
    c_longlong, c_ulonglong = c_long, c_ulong
else:
    c_longlong = _simple("c_longlong", "q")
    c_ulonglong = _simple("c_ulonglong", "Q")
c_float = _simple("c_float", "f")
c_double = _simple("c_double", "d")
c_longdouble = _simple("c_longdouble", "g")
c_bool = _simple("c_bool", "?")
c_wchar = _simple("c_wchar", "u")
c_char_p = _simple("c_char_p", "z")
c_wchar_p = _simple("c_wchar_p", "Z")
c_void_p = _simple("c_void_p", "P")
py_object = _simple("py_object", "O")
c_voidp = c_void_p


def int_type_of_size(size, signed):
    for cls in ((c_byte, c_short, c_int, c_long, c_longlong) if signed
                else (c_ubyte, c_ushort, c_uint, c_ulong, c_ulonglong)):
        if cls._b_size_ == size:
            return cls
    raise ValueError("no integer type of %d bytes" % size)


c_int8, c_uint8 = c_byte, c_ubyte
c_int16, c_uint16 = int_type_of_size(2, True), int_type_of_size(2, False)
c_int32, c_uint32 = int_type_of_size(4, True), int_type_of_size(4, False)
c_int64, c_uint64 = int_type_of_size(8, True), int_type_of_size(8, False)
c_size_t = int_type_of_size(_core.POINTER_SIZE, False)
c_ssize_t = int_type_of_size(_core.POINTER_SIZE, True)
c_time_t = int_type_of_size(B.sizeof(B.new_primitive_type("long")), True)


# Arrays, pointers and functions are built on simple types; imported last, as
# their modules import this one (an import in a function runs on each call).
from . import _functions, _sequences  # noqa: E402
