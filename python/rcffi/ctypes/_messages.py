"""Messages the ctypes modules raise from more than one place, each written
once; the texts are CPython ctypes' (its tests match several of them)."""

import sys

ABSTRACT = "abstract class"
BAD_FIELDS = "'_fields_' must be a sequence of (name, C type) pairs"
BAD_PARAMFLAGS = "paramflags must be a sequence of (int [,string [,value]]) tuples"
BUFFER_NOT_CONTIGUOUS = "underlying buffer is not C contiguous"
BUFFER_NOT_WRITABLE = "underlying buffer is not writable"
BYTES_TOO_LONG = "byte string too long"
CANNOT_CONVERT_PARAMETER = "argument %d: TypeError: Don't know how to convert parameter %d"
EXPECTED_GOT = "expected %s instance, got %s"
EXPECTED_INSTANCE = "expected %s instance instead of %s"
INCOMPATIBLE = "incompatible types, %s instance instead of %s instance"
NO_STORAGE_INFO = "_type_ must have storage info"
NO_TYPE = "class must define a '_type_' attribute"
NOT_AN_INSTANCE = "not a ctype instance"
NOT_CALLABLE_OR_ADDRESS = "argument must be callable or integer function address"
NULL_ACCESS = "NULL pointer access"
UNICODE_EXPECTED = "unicode string expected instead of %s instance"
WRONG_TYPE = "wrong type"


def not_a_pointer(obj, type_name):
    """A pointer-like parameter's refusal of ``obj``, in the running
    interpreter's words (3.12 names the object and the type)."""
    if sys.version_info < (3, 12):
        return WRONG_TYPE
    return "'%s' object cannot be interpreted as ctypes.%s" % (type(obj).__name__, type_name)
