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


def special_cdata(ffi):
    """One cdata of each kind that cffi gives its own type name, and plain ones."""
    ffi.cdef("struct s { int x; };")
    buf = bytearray(8)
    return {
        "new": ffi.new("int *"),
        "new array": ffi.new("int[3]"),
        "item of an owning struct pointer": ffi.new("struct s *")[0],
        "cast": ffi.cast("int", 1),
        "cast long double": ffi.cast("long double", 1.0),
        "pointer": ffi.cast("int *", 0),
        "slice": ffi.new("int[3]")[0:2],
        "addressof": ffi.addressof(ffi.new("struct s *")[0]),
        "gc": ffi.gc(ffi.cast("int *", 0), lambda p: None),
        "gc of new": ffi.gc(ffi.new("int *"), lambda p: None),
        "from_buffer": ffi.from_buffer(buf),
        "typed from_buffer": ffi.from_buffer("int[]", buf),
        "new_handle": ffi.new_handle(object()),
        "callback": ffi.callback("int(int)", lambda x: x),
    }


def test_special_cdata_types_are_named_as_cffis(both):
    import rcffi

    r, c = both
    mine, theirs = special_cdata(r), special_cdata(c)
    for what, x in mine.items():
        t, their_t = type(x), type(theirs[what])
        names = (t.__name__, t.__qualname__, t.__module__, repr(t))
        assert names == (their_t.__name__, their_t.__qualname__, their_t.__module__,
                         repr(their_t)), what
        assert isinstance(x, r.CData) and isinstance(x, rcffi.FFI.CData), what
        assert issubclass(t, b.CData), what
