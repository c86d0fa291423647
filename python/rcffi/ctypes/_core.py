"""The memory model every rcffi.ctypes type shares.

A ctypes instance is a box over C memory: it either owns a zeroed block that the
backend base allocated with the object (``_b_shape_`` gives the size), or it is a
view at an address in memory it does not own, keeping the object that owns it
alive through ``_b_base_``.  Every type knows its size, alignment and the backend ctype that
stands for it in struct layouts and call signatures (pointers of every kind are
``uintptr_t`` there: they travel in the same registers, and an integer needs no
cdata to be made per call).
"""


from .. import _backend as B
from . import _messages

UINTPTR = B.new_primitive_type("uintptr_t")
CHAR = B.new_primitive_type("char")
PCHAR = B.new_pointer_type(CHAR)
WCHAR = B.new_primitive_type("wchar_t")
PWCHAR = B.new_pointer_type(WCHAR)
VOID = B.new_void_type()
POINTER_SIZE = B.sizeof(UINTPTR)

_char_arrays = {}
# getattr()'s default for _as_parameter_, which may itself be None (NULL).
ABSENT = object()


class ArgumentError(Exception):
    """Raised when a foreign function call cannot convert one of its arguments."""


def char_array_type(length):
    """The backend ``char[length]`` type (``char[]`` for ``None``), made once."""
    t = _char_arrays.get(length)
    if t is None:
        t = _char_arrays[length] = B.new_array_type(PCHAR, length)
    return t


def address_of_cdata(cdata):
    return int(B.cast(UINTPTR, cdata))


# Raw memory at an address, in the backend (no cdata per access).
read_bytes = B._ctypes_read_bytes
read_items = B._ctypes_read_items
read_char_p = B._ctypes_read_char_p
bytes_address = B._ctypes_bytes_address
write_bytes = B._ctypes_write_bytes
copy_memory = B._ctypes_copy
read_pointer = B._ctypes_read_pointer
write_pointer = B._ctypes_write_pointer


def buffer_address(obj, writable):
    """``(address, length, keeper)`` of a Python buffer's memory; ``keeper`` (a
    memoryview, as in ctypes' ``_objects``) holds the export for as long as the
    memory is used."""
    view = memoryview(obj)
    if writable and view.readonly:
        raise TypeError(_messages.BUFFER_NOT_WRITABLE)
    if not view.c_contiguous:
        raise TypeError(_messages.BUFFER_NOT_CONTIGUOUS)
    # An empty buffer still has an address (an instance over it is no NULL).
    cdata = B.from_buffer(char_array_type(None), view.cast("B") if view.format != "B"
                          or view.ndim != 1 else view)
    return address_of_cdata(cdata), view.nbytes, view


class CDataType(type):
    """The metaclass of every ctypes type: the class-level constructors."""

    def from_address(cls, address):
        if not isinstance(address, int):
            raise TypeError("integer expected")
        return cls._b_view_(address, None)

    def _b_checked_view_(cls, obj, offset, writable):
        """A memoryview of ``obj`` holding an instance at ``offset``, or the
        error ctypes gives for it."""
        check_complete(cls)
        view = memoryview(obj)
        if writable and view.readonly:
            raise TypeError(_messages.BUFFER_NOT_WRITABLE)
        if not view.c_contiguous:
            raise TypeError(_messages.BUFFER_NOT_CONTIGUOUS)
        if offset < 0:
            raise ValueError("offset cannot be negative")
        if view.nbytes < offset + cls._b_size_:
            raise ValueError("Buffer size too small (%d instead of at least %d bytes)"
                             % (view.nbytes, offset + cls._b_size_))
        return view

    def from_buffer(cls, obj, offset=0):
        cls._b_checked_view_(obj, offset, True)
        address, _, keeper = buffer_address(obj, True)
        result = cls._b_view_(address + offset, None)
        result._objects = {"ffffffff": keeper}
        return result

    def from_buffer_copy(cls, obj, offset=0):
        view = cls._b_checked_view_(obj, offset, False)
        size = cls._b_size_
        result = cls._b_new_()
        write_bytes(result._b_addr, view.cast("B").tobytes()[offset:offset + size]
                    if view.ndim != 1 or view.format != "B"
                    else view[offset:offset + size].tobytes())
        return result

    def in_dll(cls, dll, name):
        try:
            address = dll._lib.symbol_address(name)
        except (AttributeError, KeyError) as e:
            raise ValueError("symbol '%s' not found" % name) from e
        return cls._b_view_(address, None)

    def from_param(cls, obj):
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, CArgObject) and isinstance(obj._obj, cls._b_pointee_()):
            return obj
        as_parameter = getattr(obj, "_as_parameter_", ABSENT)
        if as_parameter is not ABSENT:
            return cls.from_param(as_parameter)
        raise TypeError(_messages.EXPECTED_INSTANCE
                        % (cls.__name__, type(obj).__name__))

    def _b_pointee_(cls):
        return ()

    def _b_finish_(cls):
        raise TypeError(_messages.ABSTRACT)

    def _b_open_(cls):
        """Whether the type may still get a layout (a record's ``_fields_``)."""
        return False

    def _b_sizeof_(cls):
        if cls._b_ctype_ is not None:
            # Laid out: complete.
            return cls._b_size_
        if cls._b_open_():
            # As ctypes, measuring a record without _fields_ leaves it open to them.
            return 0
        if not is_complete(cls):
            raise TypeError("this type has no size")
        return cls._b_size_

    def __mul__(cls, length):
        return _sequences.array_type(cls, length)

    __rmul__ = __mul__


class CData(B._CtypesBufferBase, metaclass=CDataType):
    """The base of every ctypes instance.  The compiled base holds the state:
    the address (``_b_addr``), the memory it owns (allocated by ``__new__``,
    zeroed) or the owner of the memory it views (``_b_base_``, with the index
    it has there, ``_b_index``) and the objects it keeps alive (``_objects``).
    It exports the memory as a buffer (``memoryview(obj)``), as ``_b_buffer_``
    describes it."""

    __slots__ = ()
    _b_size_ = 0
    # The backend's description of the instances (size, items), set with the layout.
    _b_shape_ = None
    # The backend's constructor, bypassing the Python __new__ of subclasses.
    _b_new_instance_ = staticmethod(B._CtypesBufferBase.__new__)
    _b_align_ = 1
    _b_ctype_ = None
    _b_has_pointers_ = False
    # The PEP 3118 format of one instance in a buffer, as ctypes gives it: a
    # record without a layout (and a union or packed record) is plain bytes.
    _b_format_ = "B"

    @classmethod
    def _b_new_(cls):
        """A zeroed instance that owns its memory, without running ``__init__``."""
        check_complete(cls)
        self = cls.__new__(cls)
        return self

    @classmethod
    def _b_view_(cls, address, base, index=0):
        """An instance over memory at ``address``, owned by ``base`` (or nobody)."""
        return cls._b_new_instance_(cls, B._CTYPES_VIEW, address, base, index)

    def __ctypes_from_outparam__(self):
        return self

    def __hash__(self):
        # Instances are mutable memory; ctypes refuses with this text (and, as
        # there, the type still counts as Hashable).
        raise TypeError("unhashable type")

    def _b_buffer_(self):
        """``(address, size, readonly, format, shape, itemsize)`` of the exported
        buffer: one item of the type's format (arrays give their dimensions)."""
        cls = type(self)
        return self._b_addr, sizeof(self), False, cls._b_format_, (), cls._b_size_

    def __reduce__(self):
        cls = type(self)
        if cls._b_has_pointers_:
            raise ValueError("ctypes objects containing pointers cannot be pickled")
        state = getattr(self, "__dict__", {})
        return (_unpickle, (cls, (state, read_bytes(self._b_addr, cls._b_size_))))

    def __setstate__(self, attributes, data):
        if not isinstance(attributes, dict):
            raise TypeError("__setstate__() argument 1 must be dict, not %s"
                            % type(attributes).__name__)
        try:
            mine = self.__dict__
        except AttributeError:
            # A subclass with __slots__ keeps no attributes (__reduce__ gave none).
            mine = {}
        if not isinstance(mine, dict):
            raise TypeError("%s.__dict__ must be a dictionary, not %s"
                            % (type(self).__name__, type(mine).__name__))
        write_bytes(self._b_addr, bytes(data)[:sizeof(self)])
        mine.update(attributes)


def _unpickle(cls, state):
    obj = cls.__new__(cls)
    obj.__setstate__(*state)
    return obj


def check_complete(cls):
    """Raises unless ``cls`` has a layout; a Structure without ``_fields_`` gets
    its (empty) one now, as it does in ctypes."""
    if cls._b_ctype_ is None:
        cls._b_finish_()


def is_complete(cls):
    try:
        check_complete(cls)
    except TypeError:
        return False
    return True


def from_tuple(cls, args):
    """``cls(*args)``, how ctypes stores a tuple into a record or array field;
    a failure is a RuntimeError naming the type, as in ctypes."""
    try:
        return cls(*args)
    except Exception as e:
        raise RuntimeError("(%s) %s: %s" % (cls.__name__, type(e).__name__, e)) from None


def mismatch(cls, value):
    """The TypeError of storing ``value`` where a ``cls`` instance goes, in
    ctypes' words: another ctypes object is of incompatible type, anything
    else not an instance at all."""
    if isinstance(value, CData):
        return TypeError(_messages.INCOMPATIBLE % (type(value).__name__, cls.__name__))
    return TypeError(_messages.EXPECTED_GOT % (cls.__name__, type(value).__name__))


def store_instance(cls, address, value, owner, key):
    """Stores a ``cls`` instance (records' and arrays' ``_b_store_``): its
    memory copied, what it keeps kept by ``owner`` under ``key``. As ctypes, a
    tuple initialises one (a list does not)."""
    if isinstance(value, tuple):
        value = from_tuple(cls, value)
    if not isinstance(value, cls):
        raise mismatch(cls, value)
    copy_memory(address, value._b_addr, cls._b_size_)
    keep(owner, key, objects_of(value))


def keep(target, key, value):
    """Keeps ``value`` alive as long as ``target``'s root owner, under ``key``
    (the item's index, as ctypes' ``_objects`` does)."""
    if value is None:
        return
    while target._b_base_ is not None:
        key = "%x:%s" % (target._b_index, key)
        target = target._b_base_
    if target._objects is None:
        target._objects = {}
    target._objects[key] = value


def objects_of(value):
    """What storing ``value`` somewhere must keep alive."""
    if isinstance(value, CData):
        return value._objects if value._b_base_ is None else value
    return value


# An argument made ready for a call (ctypes' ``<cparam>``): what ``byref()``
# returns (an instance's address plus an offset, ``_b_value_`` None), or what a
# simple type's ``from_param`` makes of a Python value (``_b_value_`` the instance
# it converted to, ``_obj`` the value, which the call keeps alive). Both live in
# the backend, which reads them in repeated calls.
CArgObject = B.CArgObject
byref = B._ctypes_byref


# ``addressof(obj)`` and ``sizeof(obj_or_type)`` in the backend; the size of a
# type comes from its metaclass (``CDataType._b_sizeof_``).
addressof = B._ctypes_addressof
sizeof = B._ctypes_sizeof


def _type_of(obj_or_type):
    if isinstance(obj_or_type, CDataType):
        return obj_or_type
    if isinstance(obj_or_type, CData):
        return type(obj_or_type)
    return None


def alignment(obj_or_type):
    cls = _type_of(obj_or_type)
    if cls is None or not is_complete(cls):
        raise TypeError("no alignment info")
    return cls._b_align_


def resize(obj, size):
    if not isinstance(obj, CData):
        raise TypeError("excepted ctypes instance")
    cls = type(obj)
    if size < cls._b_size_:
        raise ValueError("minimum size is %d" % cls._b_size_)
    obj._b_resize_(size)


# Arrays are built on the classes above; imported last, as their module
# imports this one (an import inside __mul__ would run on every ``T * n``).
from . import _sequences  # noqa: E402
