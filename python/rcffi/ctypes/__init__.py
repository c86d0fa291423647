"""rcffi.ctypes: the interface of CPython's ``ctypes``, in Python over
``rcffi._backend`` (the way PyPy built its ctypes over ``_rawffi``).

``import rcffi.ctypes as ctypes`` gives it directly; ``rcffi.install_as_ctypes()``
makes later ``import ctypes`` give it.
"""

from ._core import (ArgumentError, CArgObject as _CArgObject, CData as _CData,
                    addressof, alignment, byref, resize, sizeof)
from ._functions import (CFUNCTYPE, CFuncPtr as _CFuncPtr, CTYPES_MAX_ARGCOUNT,
                         FUNCFLAG_CDECL as _FUNCFLAG_CDECL,
                         FUNCFLAG_PYTHONAPI as _FUNCFLAG_PYTHONAPI,
                         FUNCFLAG_USE_ERRNO as _FUNCFLAG_USE_ERRNO,
                         FUNCFLAG_USE_LASTERROR as _FUNCFLAG_USE_LASTERROR, PYFUNCTYPE,
                         get_errno, set_errno)
from ._loading import (CDLL, DEFAULT_MODE, RTLD_GLOBAL, RTLD_LOCAL, LibraryLoader, PyDLL,
                       c_buffer, cdll, create_string_buffer, create_unicode_buffer, memmove,
                       memset, pydll, pythonapi, string_at, wstring_at)
from ._records import (BigEndianStructure, BigEndianUnion, LittleEndianStructure,
                       LittleEndianUnion, Structure, Union)
from ._sequences import (ARRAY, POINTER, Array, SetPointerType, _Pointer,
                         _pointer_type_cache, cast, pointer)
from ._simple import (_SimpleCData, c_bool, c_byte, c_char, c_char_p, c_double, c_float,
                      c_int, c_int8, c_int16, c_int32, c_int64, c_long, c_longdouble,
                      c_longlong, c_short, c_size_t, c_ssize_t, c_time_t, c_ubyte, c_uint,
                      c_uint8, c_uint16, c_uint32, c_uint64, c_ulong, c_ulonglong, c_ushort,
                      c_void_p, c_voidp, c_wchar, c_wchar_p, py_object)
from .. import _backend

__version__ = "1.1.0"

# As in ctypes, char and wchar_t pointer parameters take what c_char_p and
# c_wchar_p take: bytes and str too.
POINTER(c_char).from_param = c_char_p.from_param
POINTER(c_wchar).from_param = c_wchar_p.from_param

_FUNCFLAGS = (_FUNCFLAG_CDECL, _FUNCFLAG_PYTHONAPI, _FUNCFLAG_USE_ERRNO,
              _FUNCFLAG_USE_LASTERROR)


def PyObj_FromPtr(address):
    """The object whose address is ``address`` (a forged one crashes, as in ctypes)."""
    return _backend.object_at(address)


def _dlopen(name, mode=DEFAULT_MODE):
    return CDLL(name, mode)


__all__ = [
    "ARRAY", "ArgumentError", "Array", "BigEndianStructure", "BigEndianUnion", "CDLL",
    "CFUNCTYPE", "DEFAULT_MODE", "LibraryLoader", "LittleEndianStructure",
    "LittleEndianUnion", "POINTER", "PYFUNCTYPE", "PyDLL", "RTLD_GLOBAL", "RTLD_LOCAL",
    "SetPointerType", "Structure", "Union", "addressof", "alignment", "byref", "c_bool",
    "c_buffer", "c_byte", "c_char", "c_char_p", "c_double", "c_float", "c_int", "c_int16",
    "c_int32", "c_int64", "c_int8", "c_long", "c_longdouble", "c_longlong", "c_short",
    "c_size_t", "c_ssize_t", "c_time_t", "c_ubyte", "c_uint", "c_uint16", "c_uint32",
    "c_uint64", "c_uint8", "c_ulong", "c_ulonglong", "c_ushort", "c_void_p", "c_voidp",
    "c_wchar", "c_wchar_p", "cast", "cdll", "create_string_buffer", "create_unicode_buffer",
    "get_errno", "memmove", "memset", "pointer", "py_object", "pydll", "pythonapi", "resize",
    "set_errno", "sizeof", "string_at", "wstring_at", "_SimpleCData", "_Pointer",
    "_CFuncPtr", "_CData", "_CArgObject", "_pointer_type_cache", "CTYPES_MAX_ARGCOUNT",
]
