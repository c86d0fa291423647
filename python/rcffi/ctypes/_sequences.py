"""Arrays (``T * n``), pointers (``POINTER(T)``) and the conversions between
addresses and objects: ``pointer``, ``cast``, and the address of any value that
may stand for a pointer in a call.
"""

import sys

from .. import _backend as B
from . import _messages
from . import _core
from ._core import CData, CDataType, CArgObject, ArgumentError, POINTER_SIZE, UINTPTR


#: The codes of plain numbers, read in one backend call when consecutive.
_NUMBER_CODES = frozenset("bBhHiIlLqQfd")


def _items(cls, address, indices, base):
    item = cls._type_
    size = item._b_size_
    code = getattr(item, "_b_code_", None) if getattr(item, "_b_plain_", False) else None
    if code is not None and indices.step == 1 and not item._b_swapped_:
        start = address + indices.start * size
        if code in _NUMBER_CODES:
            return _core.read_items(code, start, len(indices))
        if code == "c":
            return _core.read_bytes(start, len(indices))
    values = [item._b_load_(address + i * size, base, i) for i in indices]
    if code == "c":
        return b"".join(values)
    if code == "u":
        return "".join(values)
    return values


class ArrayType(CDataType):
    """The metaclass of arrays: checks ``_type_`` and ``_length_``."""

    #: Its instances read out of memory as views (`_b_load_`).
    _b_loads_view_ = True

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        B._ctypes_init_slot(cls)
        if "_length_" not in namespace and "_type_" not in namespace and \
                not any(isinstance(b, ArrayType) and b.__dict__.get("_b_final_") for b in bases):
            if name == "Array":
                return cls
        length = getattr(cls, "_length_", None)
        if length is None:
            raise AttributeError("class must define a '_length_' attribute")
        if not isinstance(length, int):
            raise TypeError("The '_length_' attribute must be an integer")
        if length < 0:
            raise ValueError("The '_length_' attribute must not be negative")
        item = getattr(cls, "_type_", None)
        if item is None:
            raise AttributeError(_messages.NO_TYPE)
        if not isinstance(item, CDataType) or not _core.is_complete(item):
            raise TypeError(_messages.NO_STORAGE_INFO)
        if item._b_size_ and length > sys.maxsize // item._b_size_:
            raise OverflowError("array too large")
        cls._b_size_ = item._b_size_ * length
        cls._b_align_ = item._b_align_
        cls._b_has_pointers_ = item._b_has_pointers_
        cls._b_ctype_ = B.new_array_type(B.new_pointer_type(item._b_ctype_), length)
        cls._b_final_ = True
        plain = getattr(item, "_b_plain_", False) and not item._b_swapped_
        cls._b_shape_ = B._CtypesShape(cls._b_size_, (item._b_code_ if plain else None,
                                                      item._b_size_, length))
        cls._b_chars_ = getattr(item, "_b_code_", None) if getattr(item, "_b_code_", None) in ("c", "u") \
            else None
        for name, attribute in _TEXT_ATTRIBUTES.get(cls._b_chars_, {}).items():
            setattr(cls, name, attribute)
        # A buffer of an array has the dimensions of the nested arrays and
        # items of the innermost type; as a member or pointee it is one item.
        inner = isinstance(item, ArrayType)
        cls._b_dims_ = (length,) + (item._b_dims_ if inner else ())
        cls._b_innermost_ = item._b_innermost_ if inner else item
        cls._b_format_ = "(%s)%s" % (",".join(map(str, cls._b_dims_)), cls._b_innermost_._b_format_)
        return cls

    def _b_load_(cls, address, base, index):
        return cls._b_view_(address, base, index)

    _b_store_ = _core.store_instance

    def _b_store_text_(cls, address, value):
        """A record field of characters takes text, and only text (not even an
        array of its own type), as in ctypes; the terminator is written when it fits."""
        if cls._b_chars_ == "c":
            if not isinstance(value, bytes):
                raise TypeError("expected bytes, %s found" % type(value).__name__)
            if len(value) > cls._length_:
                raise ValueError("bytes too long (%d, maximum length %d)"
                                 % (len(value), cls._length_))
        elif not isinstance(value, str):
            raise TypeError(_messages.UNICODE_EXPECTED % type(value).__name__)
        elif len(value) > cls._length_:
            raise ValueError("string too long (%d, maximum length %d)"
                             % (len(value), cls._length_))
        _write_terminated(address, value, cls._length_)


class Array(B._CtypesArrayBase, CData, metaclass=ArrayType):
    """A fixed-length C array; subclasses set ``_type_`` and ``_length_``.  The
    backend base indexes arrays of plain simple types itself; it calls
    ``_b_getitem_`` and ``_b_setitem_`` for the rest."""

    __slots__ = ()
    _b_new_instance_ = staticmethod(B._CtypesArrayBase.__new__)

    # Values for the first items (the backend's loop).
    __init__ = B._CtypesArrayBase._b_init_array_

    def __len__(self):
        return type(self)._length_

    def _b_buffer_(self):
        cls = type(self)
        return (self._b_addr, _core.sizeof(self), False, cls._b_innermost_._b_format_, cls._b_dims_,
                cls._b_innermost_._b_size_)

    def _index(self, i):
        length = type(self)._length_
        if i < 0:
            i += length
        if not 0 <= i < length:
            raise IndexError("invalid index")
        return i

    def _b_getitem_(self, key):
        cls = type(self)
        if isinstance(key, slice):
            return _items(cls, self._b_addr, range(*key.indices(cls._length_)), self)
        i = self._index(_index_of(key))
        item = cls._type_
        return item._b_load_(self._b_addr + i * item._b_size_, self, i)

    def _b_setitem_(self, key, value):
        cls = type(self)
        item = cls._type_
        if isinstance(key, slice):
            indices = range(*key.indices(cls._length_))
            # As ctypes: a sequence, by length and index (anything without a
            # length, or a mapping, counts as the wrong size).
            try:
                size = -1 if isinstance(value, dict) else len(value)
            except TypeError:
                size = -1
            if size != len(indices):
                raise ValueError("Can only assign sequence of same size")
            for k, i in enumerate(indices):
                item._b_store_(self._b_addr + i * item._b_size_, value[k], self, "%x" % i)
            return
        i = self._index(_index_of(key))
        item._b_store_(self._b_addr + i * item._b_size_, value, self, "%x" % i)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return "<%s object at %#x>" % (type(self).__name__, id(self))


# As ctypes, text reads and writes all the memory the instance owns, which a
# resize() may have made larger than the type.
def _set_char_value(self, value):
    if not isinstance(value, bytes):
        raise TypeError("bytes expected instead of %s instance" % type(value).__name__)
    size = _core.sizeof(self)
    if len(value) > size:
        raise ValueError(_messages.BYTES_TOO_LONG)
    _write_terminated(self._b_addr, value, size)


def _set_char_raw(self, value):
    data = bytes(memoryview(value))
    if len(data) > _core.sizeof(self):
        raise ValueError(_messages.BYTES_TOO_LONG)
    _core.write_bytes(self._b_addr, data)


def _wchar_value(self):
    return B.string(B.cast(_core.PWCHAR, self._b_addr),
                    _core.sizeof(self) // type(self)._type_._b_size_)


def _set_wchar_value(self, value):
    if not isinstance(value, str):
        raise TypeError(_messages.UNICODE_EXPECTED % type(value).__name__)
    count = _core.sizeof(self) // type(self)._type_._b_size_
    if len(value) > count:
        raise ValueError("string too long")
    _write_terminated(self._b_addr, value, count)


def _write_terminated(address, text, count):
    """``text`` (bytes or str) into the ``count`` characters at ``address``,
    with its terminator when it fits: the old tail is cut off."""
    if isinstance(text, bytes):
        _core.write_bytes(address, text + (b"\0" if len(text) < count else b""))
    else:
        B.cast(B.new_pointer_type(B.new_array_type(_core.PWCHAR, count)), address)[0] = \
            text + ("\0" if len(text) < count else "")


def _cannot_delete(self):
    raise TypeError("can't delete attribute")


def _cannot_delete_raw(self):
    raise AttributeError("cannot delete attribute")


#: What arrays of characters have beyond items, as in ctypes (where other
#: arrays have no ``value``: it is an ordinary instance attribute there).
_TEXT_ATTRIBUTES = {
    "c": {"value": property(B._ctypes_text_value, _set_char_value, _cannot_delete),
          "raw": property(B._ctypes_raw_value, _set_char_raw, _cannot_delete_raw)},
    "u": {"value": property(_wchar_value, _set_wchar_value, _cannot_delete)},
}


def _index_of(key, message="indices must be integers"):
    if isinstance(key, int):
        return key
    try:
        return key.__index__()
    except AttributeError:
        raise TypeError(message) from None


_array_types = {}


def array_type(item, length):
    """``item * length``: the array class, made once per pair."""
    if not isinstance(length, int):
        raise TypeError("can't multiply sequence by non-int of type '%s'"
                        % type(length).__name__)
    if length < 0:
        raise ValueError("Array length must be >= 0, not %d" % length)
    key = (item, length)
    cls = _array_types.get(key)
    if cls is None:
        cls = ArrayType("%s_Array_%d" % (item.__name__, length), (Array,),
                        {"_type_": item, "_length_": length, "__module__": item.__module__})
        _array_types[key] = cls
    return cls


def ARRAY(item, length):
    return item * length


class PointerType(CDataType):
    """The metaclass of pointer types: ``_type_`` is the pointed-to type (set
    later for pointers to incomplete types)."""

    #: Its instances read out of memory as views (`_b_load_`).
    _b_loads_view_ = True

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        cls._b_size_ = POINTER_SIZE
        cls._b_align_ = B.alignof(UINTPTR)
        cls._b_has_pointers_ = True
        cls._b_is_pointer_ = True
        B._ctypes_init_slot(cls)
        if name == "_Pointer" and "_type_" not in namespace:
            return cls
        cls._b_ctype_ = UINTPTR
        item = namespace.get("_type_", getattr(cls, "_type_", None))
        if item is not None:
            cls._b_check_item_(item)
        cls._b_shape_ = _pointer_shape(item)
        cls._b_format_ = _pointer_format(item)
        return cls

    def _b_check_item_(cls, item):
        if not isinstance(item, CDataType):
            raise TypeError(_messages.NO_STORAGE_INFO)

    def set_type(cls, item):
        cls._b_check_item_(item)
        cls._type_ = item
        cls._b_shape_ = _pointer_shape(item)
        cls._b_format_ = _pointer_format(item)

    def _b_pointee_(cls):
        return getattr(cls, "_type_", None) or ()

    def from_param(cls, obj):
        if obj is None or isinstance(obj, cls):
            return obj
        item = getattr(cls, "_type_", None)
        if isinstance(obj, CArgObject) and isinstance(obj._obj, item):
            return obj
        if isinstance(obj, (Array, _Pointer)) and _compatible(type(obj)._type_, item):
            return obj
        if item is not None and isinstance(obj, item):
            return CArgObject(obj, 0)
        item_code = getattr(item, "_b_code_", None)
        if (item_code == "c" and isinstance(obj, bytes)) or (item_code == "u"
                                                            and isinstance(obj, str)):
            return obj
        as_parameter = getattr(obj, "_as_parameter_", _core.ABSENT)
        if as_parameter is not _core.ABSENT:
            return cls.from_param(as_parameter)
        raise TypeError(_messages.EXPECTED_INSTANCE
                        % (cls.__name__, type(obj).__name__))

    def _b_load_(cls, address, base, index):
        return cls._b_view_(address, base, index)

    def _b_store_(cls, address, value, owner, key):
        if value is None:
            _core.write_pointer(address, 0)
            return
        if isinstance(value, tuple):
            value = _core.from_tuple(cls, value)
        if isinstance(value, cls):
            _core.copy_memory(address, value._b_addr, POINTER_SIZE)
            _core.keep(owner, key, _core.objects_of(value))
            return
        if isinstance(value, Array) and _compatible(type(value)._type_, cls._type_):
            _core.write_pointer(address, value._b_addr)
            _core.keep(owner, key, (_core.objects_of(value), value))
            return
        raise _core.mismatch(cls, value)


def _pointer_format(item):
    """The pointee's format behind ``&``, as it is when the pointer type is made."""
    return "&" + (item._b_format_ if item is not None else "B")


def _pointer_shape(item):
    """The backend's description of pointer instances: it indexes pointers to
    plain simple types itself."""
    if item is None or not getattr(item, "_b_plain_", False) or item._b_swapped_:
        return B._CtypesShape(POINTER_SIZE)
    return B._CtypesShape(POINTER_SIZE, (item._b_code_, item._b_size_, 0), pointer=True)


def _compatible(item, target):
    return isinstance(item, type) and isinstance(target, type) and issubclass(item, target)


class _Pointer(B._CtypesPointerBase, CData, metaclass=PointerType):
    """A C pointer; subclasses (made by ``POINTER``) set ``_type_``.  The
    backend base indexes pointers to plain simple types itself; it calls
    ``_b_getitem_`` and ``_b_setitem_`` for the rest."""

    __slots__ = ()
    _b_new_instance_ = staticmethod(B._CtypesPointerBase.__new__)

    # Points at the value, keeping it alive (the backend's loop).
    __init__ = B._CtypesPointerBase._b_init_pointer_

    @property
    def _b_target_(self):
        return _core.read_pointer(self._b_addr)

    def _set_contents(self, value):
        item = type(self)._type_
        # As ctypes 3.11, any instance is accepted, whatever its type.
        if not isinstance(value, CData):
            raise TypeError("expected %s instead of %s" % (item.__name__, type(value).__name__))
        _core.write_pointer(self._b_addr, value._b_addr)
        _core.keep(self, "1", value)
        _core.keep(self, "0", value._objects)

    # Read in the backend: the commonest view.
    contents = property(B._CtypesPointerBase._b_contents_, _set_contents)
    del _set_contents

    def _b_getitem_(self, key):
        cls = type(self)
        item = cls._type_
        address = _core.read_pointer(self._b_addr)
        if isinstance(key, slice):
            if key.stop is None:
                raise ValueError("slice stop is required")
            step = 1 if key.step is None else key.step
            if step == 0:
                raise ValueError("slice step cannot be zero")
            start = key.start if key.start is not None else (0 if step > 0 else None)
            if start is None:
                raise ValueError("slice start is required for step < 0")
            return _items(cls, address, range(start, key.stop, step), self) \
                if hasattr(cls, "_type_") else []
        if not address:
            raise ValueError(_messages.NULL_ACCESS)
        i = _index_of(key, "Pointer indices must be integer")
        return item._b_load_(address + i * item._b_size_, self, i)

    def _b_setitem_(self, key, value):
        item = type(self)._type_
        address = _core.read_pointer(self._b_addr)
        if not address:
            raise ValueError(_messages.NULL_ACCESS)
        i = _index_of(key, "Pointer indices must be integer")
        item._b_store_(address + i * item._b_size_, value, self, "%x" % i)

    def __bool__(self):
        return _core.read_pointer(self._b_addr) != 0

    def __repr__(self):
        return "<%s object at %#x>" % (type(self).__name__, id(self))


_pointer_type_cache = {}


def POINTER(item):
    """The pointer type to ``item`` (a ctypes type, or a name for an incomplete
    type completed later with ``SetPointerType``), made once per type."""
    cls = _pointer_type_cache.get(item)
    if cls is not None:
        return cls
    if isinstance(item, str):
        cls = PointerType("LP_%s" % item, (_Pointer,), {})
        _pointer_type_cache[id(cls)] = cls
        return cls
    if not isinstance(item, CDataType):
        raise TypeError("must be a ctypes type")
    cls = PointerType("LP_%s" % item.__name__, (_Pointer,),
                      {"_type_": item, "__module__": item.__module__})
    _pointer_type_cache[item] = cls
    return cls


def SetPointerType(pointer, cls):
    if _pointer_type_cache.get(cls, None) is not None:
        raise RuntimeError("This type already exists in the cache")
    if id(pointer) not in _pointer_type_cache:
        raise RuntimeError("What's this???")
    pointer.set_type(cls)
    _pointer_type_cache[cls] = pointer
    del _pointer_type_cache[id(pointer)]


def pointer(obj):
    return POINTER(type(obj))(obj)


def address_value(obj):
    """``(address, what to keep alive)`` of any value that stands for a pointer
    in a call or a cast: integers, None, bytes and str, ctypes pointers, arrays,
    byref() results and objects with ``_as_parameter_``."""
    if obj is None:
        return 0, None
    if isinstance(obj, int):
        return obj, None
    if isinstance(obj, CData):
        cls = type(obj)
        if getattr(cls, "_b_is_pointer_", False) or getattr(cls, "_b_code_", None) in ("z", "Z", "P"):
            return _core.read_pointer(obj._b_addr), obj
        return obj._b_addr, obj
    if isinstance(obj, CArgObject):
        if obj._b_value_ is not None:
            return address_value(obj._b_value_)
        return obj._b_address_, obj
    if isinstance(obj, bytes):
        return _core.bytes_address(obj), obj
    if isinstance(obj, str):
        mem = B.newp(B.new_array_type(_core.PWCHAR, None), obj)
        return _core.address_of_cdata(mem), mem
    as_parameter = getattr(obj, "_as_parameter_", _core.ABSENT)
    if as_parameter is not _core.ABSENT:
        return address_value(as_parameter)
    raise TypeError(_messages.WRONG_TYPE)


def is_pointer_type(cls):
    return isinstance(cls, type) and (getattr(cls, "_b_is_pointer_", False)
                                      or getattr(cls, "_b_code_", None) in ("z", "Z", "P"))


_new_pointer = B._CtypesPointerBase.__new__


def cast(obj, typ):
    if type(obj) is int and type(typ) is PointerType and "_type_" in typ.__dict__:
        # The common case (a callback's void * argument), with nothing to keep.
        result = _new_pointer(typ)
        result._b_point_(obj)
        return result
    if isinstance(obj, CData) and not (is_pointer_type(type(obj)) or isinstance(obj, Array)):
        raise ArgumentError("argument 1: TypeError: wrong type")
    if not is_pointer_type(typ):
        raise TypeError("cast() argument 2 must be a pointer type, not %s"
                        % getattr(typ, "__name__", type(typ).__name__))
    try:
        address, keeper = address_value(obj)
    except TypeError as e:
        raise ArgumentError("argument 1: TypeError: %s" % e) from None
    result = typ.__new__(typ)
    _core.write_pointer(result._b_addr, address)
    if isinstance(obj, CData) and obj._b_base_ is None:
        # The result shares the object's own `_objects`, which then also keeps
        # the object alive, as in ctypes.
        if obj._objects is None:
            obj._objects = {}
        result._objects = obj._objects
        if isinstance(obj._objects, dict):
            obj._objects[id(obj)] = obj
    elif isinstance(obj, CData):
        result._objects = {id(obj): obj}
    elif keeper is not None:
        result._objects = {id(keeper): keeper}
    return result
