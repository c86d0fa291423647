"""Array lengths written `[...]`: accepted where API mode can measure them."""

import pytest

from rcffi import CDefError, VerificationMissing

DOTS = """
    extern int a[...];
    extern int b[...][4];
    extern int h[3][...];
    typedef int t[...];
    typedef int t2[...][3];
    struct s { int x[...]; };
    typedef struct { int y[...]; } u_t;
"""


def test_declarations_are_accepted_like_cffi(both):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    assert r.list_types() == c.list_types() == (["t", "t2", "u_t"], ["s"], [])


@pytest.mark.parametrize("use", [
    lambda ffi: ffi.typeof("t"),
    lambda ffi: ffi.typeof("t2"),
    lambda ffi: ffi.typeof("t *"),
    lambda ffi: ffi.dlopen(None).a,
    lambda ffi: ffi.dlopen(None).b,
])
def test_using_an_unknown_length_raises_cdef_error_like_cffi(both, use):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    with pytest.raises(CDefError, match=r"\[\.\.\.\].*API mode"):
        use(r)
    assert type(pytest.raises(Exception, use, c).value).__name__ == "CDefError"


@pytest.mark.parametrize("cdecl", ["struct s", "u_t"])
def test_struct_with_unknown_length_field_is_partial_like_cffi(both, cdecl):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    with pytest.raises(VerificationMissing):
        r.sizeof(cdecl)
    assert type(pytest.raises(Exception, c.sizeof, cdecl).value).__name__ == "VerificationMissing"


@pytest.mark.parametrize("src", ["int f(int x[...]);", "typedef void (*cb)(int[...]);"])
def test_unknown_length_in_parameters_is_refused_like_cffi(both, src):
    r, c = both
    with pytest.raises(CDefError) as e:
        r.cdef(src)
    column = src.index("...") + 1
    assert ":1:%d:" % column in str(e.value) and "unsupported '[...]' here" in str(e.value)
    assert str(e.value).endswith(" " * (column - 1) + "^")
    # cffi raises its FFIError, the base class of rcffi's CDefError too.
    assert isinstance(e.value, r.error)
    with pytest.raises(pytest.importorskip("cffi").FFIError):
        c.cdef(src)


def test_unknown_length_in_a_type_string_is_refused(both):
    r, c = both
    with pytest.raises(CDefError, match=r"<type string>:1:5:.*unsupported '\[\.\.\.\]'"):
        r.typeof("int[...]")
    with pytest.raises(pytest.importorskip("cffi").FFIError):
        c.typeof("int[...]")
