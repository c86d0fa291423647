"""The cdata and buffer classes carry cffi's names (callers compare the reprs),
and the backend still exports the cdata class as CData."""

from rcffi import _backend as b


def test_cdata_class_is_named_as_cffis():
    x = b.cast(b.new_primitive_type("signed char"), -65 + 256)
    assert repr(type(x)) == "<class '_cffi_backend._CDataBase'>"
    assert b.CData is b._CDataBase is type(x).__mro__[-2]
    assert isinstance(b.newp(b.new_pointer_type(b.new_primitive_type("int")), 5), b.CData)


def test_function_cdata_are_of_the_cdata_type_itself():
    import rcffi

    ffi = rcffi.FFI()
    ffi.cdef("int abs(int);")
    f = ffi.dlopen(None).abs
    assert type(f) is ffi.CData is b.CData
    assert f(-3) == 3
    # The other shapes are subtypes named as cffi names them.
    assert isinstance(ffi.cast("int *", 0), b.CData)
    assert type(ffi.cast("int *", 0)).__name__ == "_CDataBase"


def test_buffer_repr_names_cffis_module():
    p = b.newp(b.new_array_type(b.new_pointer_type(b.new_primitive_type("char")), 3), b"ab")
    assert repr(b.buffer(p)).startswith("<_cffi_backend.buffer object at 0x")
