"""Initializers in cdef: `static const int FOO = -43;` makes an integer constant
whose value the cdef gives (in ABI and API mode), as in cffi; other initializers
leave the value to the library. `ffi.integer_const()` reads such constants."""

import pytest

from differential import outcome
from rcffi import CDefError

CDEF = """
    #define BASE 40
    static const int FOOBAZ = -43;
    const long long BIG = 420000000000;
    static const long long NEG = -420000000000;
    int plain = 5;
    static const unsigned char A = 1, B = 2;
    enum e { E0, E1 };
"""


@pytest.mark.parametrize("name", ["FOOBAZ", "BIG", "NEG", "plain", "A", "B", "E1", "BASE"])
def test_values_in_abi_mode_match_cffi(both, name):
    results = []
    for ffi in both:
        ffi.cdef(CDEF)
        lib = ffi.dlopen(None)
        results.append(outcome(lambda: getattr(lib, name)))
    assert results[0] == results[1]
    assert results[0][0] == "gives"


def test_constants_are_ints_and_read_only(ffi):
    ffi.cdef(CDEF)
    lib = ffi.dlopen(None)
    assert type(lib.FOOBAZ) is int and lib.FOOBAZ == -43
    assert "FOOBAZ" in dir(lib)
    with pytest.raises(AttributeError):
        lib.FOOBAZ = 1


def test_an_expression_initializer_is_evaluated(ffi):
    ffi.cdef("#define BASE 40\nstatic const int K = BASE + 2, L = sizeof(int) * 2;")
    lib = ffi.dlopen(None)
    assert (lib.K, lib.L) == (42, 2 * ffi.sizeof("int"))


def test_in_api_mode_the_cdef_value_is_used(build):
    m = build("static const int FOOBAZ = -43; const int globalconst42 = 4321; int get(void);",
              "static const int FOOBAZ = -43; const int globalconst42 = 4321;\n"
              "static int get(void) { return FOOBAZ + globalconst42; }")
    assert (m.lib.FOOBAZ, m.lib.globalconst42, m.lib.get()) == (-43, 4321, 4278)
    assert m.ffi.integer_const("FOOBAZ") == -43


def test_non_integer_initializers_leave_the_value_to_the_library(build):
    m = build('static const double HALF = 0.25; static const char *const NAME = "x";',
              'static const double HALF = 0.5; static const char *const NAME = "rcffi";')
    assert m.lib.HALF == 0.5
    assert m.ffi.string(m.lib.NAME) == b"rcffi"


@pytest.mark.parametrize("src, needle", [
    ("int a = ;", "expected an initializer"),
    ("int f(int) = 0;", "only a variable or constant"),
])
def test_bad_initializers_are_refused(ffi, src, needle):
    with pytest.raises(CDefError, match=needle):
        ffi.cdef(src)


def test_integer_const(ffi):
    ffi.cdef(CDEF + "int func(void); extern int var; static const int LATER;")
    assert [ffi.integer_const(n) for n in ("FOOBAZ", "BIG", "E1", "BASE")] == [
        -43, 420000000000, 1, 40]
    for name in ("func", "var", "LATER"):
        with pytest.raises(ffi.error, match="original 'lib' object"):
            ffi.integer_const(name)
    with pytest.raises(AttributeError, match="not found"):
        ffi.integer_const("nope")


def test_integer_const_of_a_compiled_macro(build):
    m = build("#define ANSWER ...", "#define ANSWER (6 * 7)")
    assert m.ffi.integer_const("ANSWER") == 42 == m.lib.ANSWER
