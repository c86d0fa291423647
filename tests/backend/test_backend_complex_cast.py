"""cast() to the complex types takes what cast() to the other number types
takes: characters as their codes, booleans, objects with __complex__."""

import pytest

from rcffi import _backend as b


@pytest.mark.parametrize("name", ["_cffi_float_complex_t", "_cffi_double_complex_t"])
def test_characters_and_booleans_cast_to_complex(name):
    ctype = b.new_primitive_type(name)
    assert complex(b.cast(ctype, b"A")) == 65 + 0j
    assert complex(b.cast(ctype, "\u00e9")) == 0xE9 + 0j
    assert complex(b.cast(ctype, False)) == 0j

    class Pair:
        def __complex__(self):
            return 0.5 - 2j

    assert complex(b.cast(ctype, Pair())) == 0.5 - 2j
    for refused in (b"AB", "", None):
        with pytest.raises(TypeError):
            b.cast(ctype, refused)
