"""The primitive-type categories the test suite reads from ``cffi.model``.

Categories: ``i`` integer, ``f`` floating, ``c`` character, ``j`` complex.  The
type names are C's; each is checked to exist in rcffi's backend on import.
"""

from rcffi import _backend

Q_CONST = 0x01
Q_RESTRICT = 0x02
Q_VOLATILE = 0x04

_CHARS = ("char", "wchar_t", "char16_t", "char32_t")
_FLOATS = ("float", "double", "long double")
_COMPLEX = ("_cffi_float_complex_t", "_cffi_double_complex_t")
_INTEGERS = (
    "short", "int", "long", "long long", "signed char", "unsigned char",
    "unsigned short", "unsigned int", "unsigned long", "unsigned long long",
    "_Bool", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
    "int64_t", "uint64_t", "int_least8_t", "uint_least8_t", "int_least16_t",
    "uint_least16_t", "int_least32_t", "uint_least32_t", "int_least64_t",
    "uint_least64_t", "int_fast8_t", "uint_fast8_t", "int_fast16_t",
    "uint_fast16_t", "int_fast32_t", "uint_fast32_t", "int_fast64_t",
    "uint_fast64_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
    "ptrdiff_t", "size_t", "ssize_t",
)


def _table():
    table = {}
    for names, category in ((_CHARS, "c"), (_FLOATS, "f"), (_COMPLEX, "j"), (_INTEGERS, "i")):
        for name in names:
            _backend.new_primitive_type(name)
            table[name] = category
    return table


class PrimitiveType:
    ALL_PRIMITIVE_TYPES = _table()

    def __init__(self, name):
        self.name = name

    def is_char_type(self):
        return self.ALL_PRIMITIVE_TYPES[self.name] == "c"

    def is_integer_type(self):
        return self.ALL_PRIMITIVE_TYPES[self.name] == "i"

    def is_float_type(self):
        return self.ALL_PRIMITIVE_TYPES[self.name] == "f"

    def is_complex_type(self):
        return self.ALL_PRIMITIVE_TYPES[self.name] == "j"
