"""ffi.dlopen(), the lib object, and calls in ABI mode."""

import math

import pytest


@pytest.fixture
def libc(ffi):
    ffi.cdef("""
        size_t strlen(const char *);
        int abs(int);
        long labs(long);
        double cos(double);
        float fabsf(float);
        int snprintf(char *, size_t, const char *, ...);
        char *strcpy(char *, const char *);
        void *memset(void *, int, size_t);
        int atoi(const char *);
        typedef struct { int quot, rem; } div_t;
        div_t div(int, int);
        int this_symbol_does_not_exist_anywhere(void);
    """)
    return ffi.dlopen(None)


def test_calls_convert_arguments_and_results(libc):
    assert libc.strlen(b"hello") == 5
    assert libc.abs(-4) == 4
    assert libc.labs(-(2**40)) == 2**40
    assert libc.cos(0.0) == 1.0
    assert libc.fabsf(-2.5) == 2.5
    assert libc.atoi(b"1234") == 1234


def test_char_pointer_results_stay_cdata(ffi, libc):
    buf = ffi.new("char[16]")
    r = libc.strcpy(buf, b"copy")
    assert ffi.typeof(r) is ffi.typeof("char *")
    assert ffi.string(r) == b"copy"


def test_struct_results_by_value(libc):
    d = libc.div(17, 5)
    assert (d.quot, d.rem) == (3, 2)
    assert repr(d).startswith("<cdata 'div_t' owning 8 bytes>")


def test_variadic_arguments_must_be_cdata(ffi, libc):
    buf = ffi.new("char[64]")
    n = libc.snprintf(buf, 64, b"%d-%s-%.2f", ffi.cast("int", 42), ffi.new("char[]", b"x"),
                      ffi.cast("double", math.pi))
    assert ffi.string(buf) == b"42-x-3.14"
    assert n == 9
    with pytest.raises(TypeError, match="variadic"):
        libc.snprintf(buf, 64, b"%d", 42)


def test_variadic_float_and_char_are_promoted(ffi, libc):
    buf = ffi.new("char[64]")
    libc.snprintf(buf, 64, b"%.1f %c", ffi.cast("float", 1.5), ffi.cast("char", b"Z"))
    assert ffi.string(buf) == b"1.5 Z"


def test_argument_errors(ffi, libc):
    with pytest.raises(TypeError, match=r"^abs\(\) takes exactly one argument \(0 given\)$"):
        libc.abs()
    with pytest.raises(TypeError, match=r"^abs\(\) takes exactly one argument \(2 given\)$"):
        libc.abs(1, 2)
    with pytest.raises(TypeError, match=r"^'int\(\*\)\(int\)' expects 1 arguments, got 0$"):
        ffi.cast("int(*)(int)", libc.abs)()
    with pytest.raises(TypeError):
        libc.abs("x")
    with pytest.raises(OverflowError):
        libc.abs(2**40)
    with pytest.raises(TypeError):
        libc.strlen(42)


def test_lists_become_temporary_arrays(ffi, libc):
    buf = ffi.new("char[8]")
    libc.memset(buf, ord("a"), 3)
    assert ffi.string(buf) == b"aaa"


def test_function_objects(ffi, libc):
    f = libc.abs
    assert repr(f).startswith("<cdata 'int(*)(int)' 0x")
    assert ffi.typeof(f) is ffi.typeof("int(*)(int)")
    assert libc.abs is f
    assert isinstance(f, ffi.CData)


def test_function_name_module_and_signature(libc):
    assert libc.abs.__name__ == "abs"
    assert libc.strcpy.__name__ == "strcpy"
    assert isinstance(libc.abs.__module__, str)
    assert libc.abs.__doc__.startswith("int abs(int);")
    assert libc.strcpy.__doc__.startswith("char *strcpy(char *, char *);")
    assert libc.snprintf.__doc__.startswith("int snprintf(char *, size_t, char *, ...);")


def test_function_keeps_its_library_open(ffi):
    ffi.cdef("double sqrt(double);")
    sqrt = ffi.dlopen("m").sqrt
    import gc

    gc.collect()
    assert sqrt(16.0) == 4.0


def test_missing_symbol_raises_at_access_not_dlopen(libc):
    with pytest.raises(AttributeError, match="this_symbol_does_not_exist_anywhere"):
        libc.this_symbol_does_not_exist_anywhere


def test_undeclared_name(libc):
    with pytest.raises(AttributeError, match="nothing_declared"):
        libc.nothing_declared


def test_null_function_pointer(ffi):
    f = ffi.cast("int(*)(int)", 0)
    with pytest.raises(RuntimeError):
        f(1)


def test_library_by_bare_name_and_missing_library(ffi):
    ffi.cdef("double sqrt(double);")
    m = ffi.dlopen("m")
    assert m.sqrt(9.0) == 3.0
    with pytest.raises(OSError, match="libnothing_here"):
        ffi.dlopen("/nonexistent/libnothing_here.so")


def test_dlopen_of_a_handle_from_the_programs_own_dlopen(ffi):
    import rcffi

    dl = rcffi.FFI()
    dl.cdef("void *dlopen(const char *, int); int dlclose(void *);")
    libdl = dl.dlopen(None)
    handle = libdl.dlopen(b"libm.so.6", dl.RTLD_NOW)
    assert handle != dl.NULL
    ffi.cdef("double sqrt(double);")
    m = ffi.dlopen(handle)
    assert m.sqrt(25.0) == 5.0
    ffi.dlclose(m)  # forgets the handle; closing it is the program's
    assert libdl.dlclose(handle) == 0
    with pytest.raises(OSError, match="NULL"):
        ffi.dlopen(dl.NULL)
    with pytest.raises(TypeError, match="void \\*"):
        ffi.dlopen(ffi.new("int *"))
    with pytest.raises(TypeError):
        ffi.dlopen(42)


def test_dlclose(ffi):
    ffi.cdef("double sqrt(double);")
    m = ffi.dlopen("m")
    ffi.dlclose(m)
    with pytest.raises(ValueError, match="closed"):
        m.sqrt


def test_global_variables(ffi):
    ffi.cdef("extern char **environ;")
    lib = ffi.dlopen(None)
    env = lib.environ
    assert ffi.typeof(env) is ffi.typeof("char * *")
    assert env[0] != ffi.NULL


def test_rtld_constants(ffi):
    import os

    from rcffi import _backend

    assert ffi.RTLD_NOW == os.RTLD_NOW and ffi.RTLD_GLOBAL == os.RTLD_GLOBAL
    # Every flag the platform's os module knows, with its value, on the
    # backend module and on the FFI class alike (one table: platform.rs).
    names = [n for n in dir(os) if n.startswith("RTLD_")]
    assert {"RTLD_LAZY", "RTLD_NOW", "RTLD_LOCAL", "RTLD_NOLOAD"} <= set(names)
    for name in names:
        assert getattr(_backend, name) == getattr(os, name), name
        assert getattr(_backend.FFI, name) == getattr(os, name), name
        assert getattr(ffi, name) == getattr(os, name), name
