"""The lib object of ffi.dlopen(): functions, global variables, constants,
errors at access time, and ffi.dlclose()."""

import pytest

import rcffi


@pytest.fixture
def fresh(testlib_path, testlib_cdef):
    """A new FFI and lib over the test library (tests here write globals and close it)."""
    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef + """
        int t_function_not_in_the_library(int);
        extern int t_variable_not_in_the_library;
    """)
    return ffi, ffi.dlopen(testlib_path)


def test_dir_lists_functions_globals_and_constants(tl):
    _, lib = tl
    names = set(dir(lib))
    for name in ("t_id_int", "t_args16", "t_global_int", "t_global_array", "t_global_struct",
                 "T_ANSWER", "T_NEG_CONST", "T_BLUE", "T_FLAG_HIGH", "t_global_color"):
        assert name in names
    for not_a_lib_name in ("t_binop", "t_s1", "t_color", "t_int_cb", "struct t_s1"):
        assert not_a_lib_name not in names


def test_dir_matches_cffi(tl, ref):
    _, lib = tl
    _, clib = ref
    # cffi 2.0 leaves globals of enum type out of dir() (and cannot read them).
    assert set(dir(lib)) - {"t_global_color"} == set(dir(clib))


def test_integer_constants_from_defines_and_enums(tl, ref):
    _, lib = tl
    _, clib = ref
    assert (lib.T_ANSWER, lib.T_NEG_CONST, lib.T_HEX_CONST) == (42, -17, 0x7FFFFFFF)
    assert (lib.T_RED, lib.T_GREEN, lib.T_BLUE) == (0, 5, -3)
    assert (lib.T_FLAG_LOW, lib.T_FLAG_HIGH) == (1, 0x80000000)
    for name in ("T_ANSWER", "T_NEG_CONST", "T_HEX_CONST", "T_BLUE", "T_FLAG_HIGH"):
        assert getattr(lib, name) == getattr(clib, name)
        assert type(getattr(lib, name)) is int


def test_scalar_globals_are_read_and_written(fresh):
    ffi, lib = fresh
    assert lib.t_global_int == 42 and lib.t_read_global_int() == 42
    lib.t_global_int = -7
    assert lib.t_read_global_int() == -7 and lib.t_global_int == -7
    assert lib.t_global_double == 2.5
    lib.t_global_double = 0.125
    assert lib.t_read_global_double() == 0.125
    assert lib.t_global_color == lib.T_GREEN
    assert ffi.string(lib.t_global_str) == b"global string"
    with pytest.raises(OverflowError):
        lib.t_global_int = 2**40
    with pytest.raises(TypeError):
        lib.t_global_int = "x"
    assert lib.t_read_global_int() == -7


def test_array_globals_point_into_the_library(fresh):
    ffi, lib = fresh
    arr = lib.t_global_array
    assert ffi.typeof(arr) is ffi.typeof("int[5]")
    assert list(arr) == [10, 20, 30, 40, 50]
    arr[2] = 99
    assert lib.t_read_global_array(2) == 99
    assert lib.t_global_array[2] == 99
    lib.t_global_array = [1, 2, 3, 4, 5]
    assert [lib.t_read_global_array(i) for i in range(5)] == [1, 2, 3, 4, 5]
    assert arr[4] == 5  # the earlier cdata sees the library's memory
    assert lib.t_sum_ints(arr, 5) == 15


def test_struct_globals_point_into_the_library(fresh):
    ffi, lib = fresh
    s = lib.t_global_struct
    assert ffi.typeof(s) is ffi.typeof("struct t_s12i")
    assert (s.a, s.b, s.c) == (7, 8, 9)
    s.b = 100
    assert lib.t_read_global_struct_sum() == 7 + 200 + 27
    lib.t_global_struct = {"a": 1, "b": 1, "c": 1}
    assert lib.t_read_global_struct_sum() == 6
    assert s.a == 1
    assert lib.t_sum_s12i(lib.t_global_struct) == 6


def test_missing_symbol_raises_attribute_error_at_access(fresh):
    _, lib = fresh  # dlopen succeeded although two declared symbols are missing
    with pytest.raises(AttributeError, match="t_function_not_in_the_library"):
        lib.t_function_not_in_the_library
    with pytest.raises(AttributeError, match="t_variable_not_in_the_library"):
        lib.t_variable_not_in_the_library
    assert lib.t_id_int(3) == 3  # the rest of the lib still works
    # cffi's out-of-line libs raise ffi.error here: the class is both.
    with pytest.raises(rcffi.FFIError, match="not found in library"):
        lib.t_function_not_in_the_library


def test_undeclared_names(fresh):
    _, lib = fresh
    with pytest.raises(AttributeError, match="not_declared_anywhere"):
        lib.not_declared_anywhere
    with pytest.raises(AttributeError):
        lib.not_declared_anywhere = 1
    with pytest.raises(AttributeError):
        lib.t_id_int = 1  # functions are not assignable
    with pytest.raises(AttributeError):
        lib.T_ANSWER = 1  # nor constants


def test_functions_are_cached_cdata(fresh):
    ffi, lib = fresh
    f = lib.t_args2
    assert lib.t_args2 is f
    assert ffi.typeof(f) is ffi.typeof("long long(*)(int, int)")
    assert repr(f).startswith("<cdata 'long long(*)(int, int)' 0x")


def test_dlclose_then_access_raises(fresh):
    ffi, lib = fresh
    f = lib.t_id_int  # looked up before closing
    ffi.dlclose(lib)
    for name in ("t_id_int", "t_args3", "t_global_int", "t_global_array"):
        with pytest.raises(ValueError, match="closed"):
            getattr(lib, name)
    with pytest.raises(ValueError, match="closed"):
        lib.t_global_int = 1
    with pytest.raises(rcffi.FFIError, match="has already been closed"):
        lib.t_args3
    ffi.dlclose(lib)  # closing twice is harmless
    assert f is not None


def test_dlopen_failure_names_the_library(ffi):
    with pytest.raises(OSError, match="libnothing_here_at_all"):
        ffi.dlopen("/nonexistent/libnothing_here_at_all.so")
    with pytest.raises(OSError, match="nothing_here_either"):
        ffi.dlopen("nothing_here_either")
    with pytest.raises(TypeError):
        ffi.dlopen(42)


def test_two_libs_from_one_ffi(testlib_path, testlib_cdef):
    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef + "double sqrt(double);")
    lib = ffi.dlopen(testlib_path)
    m = ffi.dlopen("m")
    assert m.sqrt(16.0) == 4.0
    assert lib.t_args1(5) == 5
    with pytest.raises(AttributeError):
        m.t_args1


def test_the_lib_keeps_its_ffi_alive(testlib_path, testlib_cdef):
    import gc
    import weakref

    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef)
    lib = ffi.dlopen(testlib_path)
    ffi_ref, lib_ref = weakref.ref(ffi), weakref.ref(lib)
    f = lib.t_id_int
    del ffi
    gc.collect()
    assert ffi_ref() is not None and lib_ref() is not None
    del lib
    gc.collect()
    assert f(4) == 4  # the function keeps its library open


def test_method_call_and_attribute_forms_agree(fresh):
    ffi, lib = fresh
    f = lib.t_args2
    assert lib.t_args2(3, 4) == f(3, 4)
    assert getattr(lib, "t_args2") is f
    assert type(lib).__dict__["t_args2"] is not f  # the type holds a member wrapping it
    assert type(lib).__dict__["t_args2"](3, 4) == f(3, 4)
    with pytest.raises(TypeError):
        lib.t_args2(3)


def test_an_ffi_and_its_lib_are_collected_together(testlib_path, testlib_cdef):
    import gc
    import weakref

    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef)
    lib = ffi.dlopen(testlib_path)
    ffi_ref, lib_ref = weakref.ref(ffi), weakref.ref(lib)
    del lib
    gc.collect()
    assert lib_ref() is not None  # kept by the ffi
    del ffi
    gc.collect()
    assert ffi_ref() is None and lib_ref() is None


def test_star_import_names_and_module_attributes(fresh):
    _, lib = fresh
    names = lib.__all__
    assert names == sorted(names)
    assert "t_id_int" in names and "T_ANSWER" in names
    assert "t_global_int" not in names  # a copy of a global would not follow it
    assert lib.__loader__ is None and lib.__spec__ is None


def test_dict_is_a_fresh_copy_of_the_names(fresh):
    ffi, lib = fresh
    lib.t_global_int = 12
    names = lib.__dict__
    assert sorted(names) == sorted(dir(lib))
    assert names["t_id_int"] == lib.t_id_int and names["T_ANSWER"] == lib.T_ANSWER
    variable = names["t_global_int"]
    assert not isinstance(variable, int)  # the global's descriptor, not a copy of its value
    names["t_id_int"] = "replaced"
    del names["T_ANSWER"]
    assert lib.t_id_int(7) == 7 and "T_ANSWER" in lib.__dict__
    assert lib.__dict__ is not lib.__dict__


def test_the_lib_passes_for_a_module(fresh):
    import pydoc
    import types

    _, lib = fresh
    assert lib.__class__ is types.ModuleType and isinstance(lib, types.ModuleType)
    assert type(lib).__name__ == "Lib"
    assert isinstance(lib.__name__, str)
    text = pydoc.render_doc(lib, renderer=pydoc.plaintext)
    assert "t_id_int" in text and "T_ANSWER" in text


def test_a_non_integer_static_const_is_not_readable_in_abi_mode():
    ffi = rcffi.FFI()
    ffi.cdef("static const double not_exported_anywhere_rcffi;")
    lib = ffi.dlopen(None)
    with pytest.raises(NotImplementedError, match="API mode"):
        lib.not_exported_anywhere_rcffi


def test_the_lib_keeps_its_names_in_slots_not_an_instance_dict(fresh):
    # An instance dict would take attribute reads and method calls off the
    # interpreter's specialised paths (benches/README.md).
    _, lib = fresh
    cls = type(lib)
    assert cls.__dictoffset__ == 0
    assert "T_ANSWER" in cls.__slots__ and "t_id_int" not in cls.__slots__
    assert lib.T_ANSWER == 42 and lib.T_GREEN == 5


def test_a_later_cdef_adds_names_to_an_open_lib(testlib_path, testlib_cdef):
    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef)
    lib = ffi.dlopen(testlib_path)
    ffi.cdef("enum { T_LATE_ENUM = 77 }; int t_not_declared_first(int);")
    assert lib.T_LATE_ENUM == 77
    assert "T_LATE_ENUM" in dir(lib) and lib.__dict__["T_LATE_ENUM"] == 77
    assert "T_LATE_ENUM" in lib.__all__
    with pytest.raises(AttributeError, match="t_not_declared_first"):
        lib.t_not_declared_first
    with pytest.raises(AttributeError):
        lib.T_LATE_ENUM = 1
    ffi.dlclose(lib)
    for name in ("T_LATE_ENUM", "T_ANSWER"):
        with pytest.raises(ValueError, match="closed"):
            getattr(lib, name)


def test_c_names_like_the_libs_own_methods_do_not_break_it():
    ffi = rcffi.FFI()
    ffi.cdef("int abs(int); enum { _address_of = 3, _close = 4 };")
    lib = ffi.dlopen(None)
    assert (lib._address_of, lib._close) == (3, 4)
    assert ffi.addressof(lib, "abs") == lib.abs
    ffi.dlclose(lib)
    with pytest.raises(ValueError, match="closed"):
        lib.abs
