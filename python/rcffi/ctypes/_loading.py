"""Libraries (``CDLL``, ``PyDLL``, ``LibraryLoader`` and the ``cdll``, ``pydll``,
``pythonapi`` instances) and the memory functions (``memmove``, ``memset``,
``string_at``, ``wstring_at``, ``create_string_buffer``,
``create_unicode_buffer``).
"""

import os
import sys
import types

from .. import _backend as B
from . import _core, _messages
from ._core import ArgumentError
from ._functions import (CFuncPtr, FUNCFLAG_CDECL, FUNCFLAG_PYTHONAPI, FUNCFLAG_USE_ERRNO,
                         FUNCFLAG_USE_LASTERROR)
from ._sequences import Array, _Pointer, address_value
from ._simple import c_char, c_int, c_void_p, c_wchar

RTLD_LOCAL = B.RTLD_LOCAL
RTLD_GLOBAL = B.RTLD_GLOBAL
DEFAULT_MODE = RTLD_LOCAL


class CDLL:
    """A shared library; its functions are attributes (or items, by name)."""

    _func_flags_ = FUNCFLAG_CDECL
    _func_restype_ = c_int
    _name = "<uninitialized>"
    _handle = 0
    _FuncPtr = None

    def __init__(self, name, mode=DEFAULT_MODE, handle=None, use_errno=False,
                 use_last_error=False, winmode=None):
        if name is not None and not isinstance(name, (str, bytes, os.PathLike)):
            raise TypeError("expected str, bytes or os.PathLike object, not %s"
                            % type(name).__name__)
        self._name = os.fspath(name) if name is not None else None
        flags = self._func_flags_
        if use_errno:
            flags |= FUNCFLAG_USE_ERRNO
        if use_last_error:
            flags |= FUNCFLAG_USE_LASTERROR

        class _FuncPtr(CFuncPtr):
            _flags_ = flags
            _restype_ = self._func_restype_

        self._FuncPtr = _FuncPtr
        path = self._name
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        try:
            self._lib = B.load_library(path, mode | (B.RTLD_NOW if mode & 3 == 0 else 0))
        except OSError:
            raise
        except Exception as e:
            raise OSError(str(e)) from None
        self._handle = handle if handle is not None else id(self._lib)

    def __repr__(self):
        return "<%s '%s', handle %x at %#x>" % (type(self).__name__, self._name,
                                                self._handle & (sys.maxsize * 2 + 1), id(self))

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        func = self.__getitem__(name)
        setattr(self, name, func)
        return func

    def __getitem__(self, name_or_ordinal):
        func = self._FuncPtr((name_or_ordinal, self))
        if not isinstance(name_or_ordinal, int):
            func.__name__ = name_or_ordinal
        return func


class PyDLL(CDLL):
    """A library of functions that use Python's C API: called with the GIL held,
    and a raised Python exception is raised to the caller."""

    _func_flags_ = FUNCFLAG_CDECL | FUNCFLAG_PYTHONAPI


class LibraryLoader:
    """``cdll.LoadLibrary(name)`` or ``cdll.name``: a library class bound to a
    loader."""

    def __init__(self, dlltype):
        self._dlltype = dlltype

    def __getattr__(self, name):
        if name[0] == "_":
            raise AttributeError(name)
        try:
            dll = self._dlltype(name)
        except OSError:
            raise AttributeError(name) from None
        setattr(self, name, dll)
        return dll

    def __getitem__(self, name):
        return getattr(self, name)

    def LoadLibrary(self, name):
        return self._dlltype(name)

    __class_getitem__ = classmethod(types.GenericAlias)


cdll = LibraryLoader(CDLL)
pydll = LibraryLoader(PyDLL)
pythonapi = PyDLL(None)


def _pointer_argument(obj, position):
    """``(address, what to keep alive)`` of ``obj`` as the ``c_void_p``
    parameter ctypes declares for the memory functions: records and numbers
    are refused with its ArgumentError."""
    # What c_void_p.from_param() passes on as it is (bytes through a c_char_p
    # over their own memory): the same address, without the parameter objects.
    if isinstance(obj, Array):
        return obj._b_addr, obj
    if type(obj) is bytes or isinstance(obj, _Pointer):
        return address_value(obj)
    try:
        return address_value(c_void_p.from_param(obj))
    except TypeError as error:
        raise ArgumentError("argument %d: TypeError: %s" % (position, error)) from None


def _int_argument(value, position, bits, signed):
    """An integer parameter of the memory functions: wrapped to ``bits``, as
    ctypes converts it (anything but an int is its ArgumentError)."""
    if not isinstance(value, int):
        raise ArgumentError("argument %d: TypeError: %s" % (position, _messages.WRONG_TYPE))
    value &= (1 << bits) - 1
    if signed and value >> (bits - 1):
        value -= 1 << bits
    return value


_SIZE_BITS = 8 * _core.POINTER_SIZE


def memmove(dst, src, count):
    """Copies ``count`` bytes; returns the destination address."""
    dst_address, _dst = _pointer_argument(dst, 1)
    src_address, _src = _pointer_argument(src, 2)
    _core.copy_memory(dst_address, src_address, _int_argument(count, 3, _SIZE_BITS, False))
    return dst_address


def memset(dst, c, count):
    address, _keep = _pointer_argument(dst, 1)
    c = _int_argument(c, 2, 32, True)
    count = _int_argument(count, 3, _SIZE_BITS, False)
    if count > 0:
        _core.write_bytes(address, bytes((c & 0xFF,)) * count)
    return address


def string_at(ptr, size=-1):
    """The bytes at ``ptr``: ``size`` of them, or up to the first NUL."""
    address, _keep = _pointer_argument(ptr, 1)
    size = _int_argument(size, 2, 32, True)
    if size < 0:
        return B.string(B.cast(_core.PCHAR, address))
    return _core.read_bytes(address, size)


def wstring_at(ptr, size=-1):
    address, _keep = _pointer_argument(ptr, 1)
    size = _int_argument(size, 2, 32, True)
    if size < 0:
        return B.string(B.cast(_core.PWCHAR, address))
    if size == 0:
        return ""
    return B.unpack(B.cast(_core.PWCHAR, address), size)


def _create_buffer(event, item, text_type, init, size):
    """A mutable array of ``item`` from text (with a NUL added) or of a size."""
    if isinstance(init, text_type):
        if size is None:
            size = len(init) + 1
        sys.audit(event, init, size)
        buf = (item * size)()
        buf.value = init
        return buf
    if isinstance(init, int):
        sys.audit(event, None, init)
        return (item * init)()
    raise TypeError(init)


def create_string_buffer(init, size=None):
    """A mutable ``c_char`` array from bytes (with a NUL added) or of a size."""
    return _create_buffer("ctypes.create_string_buffer", c_char, bytes, init, size)


def create_unicode_buffer(init, size=None):
    """A mutable ``c_wchar`` array from a str (with a NUL added) or of a size."""
    return _create_buffer("ctypes.create_unicode_buffer", c_wchar, str, init, size)


c_buffer = create_string_buffer
