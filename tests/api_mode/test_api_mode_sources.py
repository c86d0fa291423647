"""What API-mode sources may assume: the standard headers sources written for
cffi take for granted, Python's headers, C++ (`source_extension='.cpp'`), and
strict warning flags, under which rcffi's glue must stay silent."""

import importlib.machinery
import subprocess
import sys

import pytest

import rcffi

STRICT = ["-Werror", "-Wall", "-Wextra", "-Wconversion", "-Wno-unused-parameter"]


def test_standard_names_need_no_include(build):
    m = build(
        """
        size_t count(const char *);
        ssize_t back(ssize_t);
        wchar_t widen(char);
        int total(int n, ...);
        int fail_with(int);
        bool negate(bool);
        int64_t big(void);
        uint8_t low(unsigned int);
        """,
        """
        static size_t count(const char *s) { return strlen(s); }
        static ssize_t back(ssize_t x) { return -x; }
        static wchar_t widen(char c) { return (wchar_t)c; }
        static int total(int n, ...) {
            va_list ap; int s = 0; va_start(ap, n);
            while (n-- > 0) s += va_arg(ap, int);
            va_end(ap); return s;
        }
        static int fail_with(int e) { errno = e; return -1; }
        static bool negate(bool b) { return !b; }
        static int64_t big(void) { return INT64_MAX; }
        static uint8_t low(unsigned int x) { return (uint8_t)(x & 0xff); }
        """)
    lib, ffi = m.lib, m.ffi
    assert lib.count(b"hello") == 5
    assert lib.back(-7) == 7
    assert lib.widen(b"A") == "A"
    assert lib.total(3, ffi.cast("int", 1), ffi.cast("int", 2), ffi.cast("int", 4)) == 7
    assert lib.fail_with(42) == -1 and ffi.errno == 42
    assert lib.negate(False) is True
    assert lib.big() == 2**63 - 1
    assert lib.low(0x1234) == 0x34


def test_python_h_can_be_included_and_is_not_linked(build):
    m = build("#define PY_MAJOR_VERSION ...\nlong twice(long);",
              '#include "Python.h"\nstatic Py_ssize_t twice(Py_ssize_t x) { return 2 * x; }')
    assert m.lib.twice(21) == 42
    assert m.lib.PY_MAJOR_VERSION == sys.version_info[0]
    # An extension module: Python's symbols come from the interpreter that
    # imports it, never from a libpython it would name.
    dynamic = subprocess.run(["readelf", "-d", m._built_path], capture_output=True, text=True,
                             check=True).stdout
    assert "NEEDED" in dynamic and "libpython" not in dynamic


# Every kind of table entry the glue generates: wrappers (value, pointer and
# bool results), variables, constants (integer and pointer), macros, partial
# structs and enums, typedef int..., [...] lengths, extern "Python" (both kinds).
CDEF_ALL = """
    int add(int, int);
    const char *name(void);
    _Bool flip(_Bool);
    double scale(double, float);
    int sum(int, ...);
    extern int counter;
    static const int LIMIT;
    static const char *const GREETING;
    #define BIG ...
    struct pt { int y; ...; };
    enum colour { RED, GREEN = ..., ... };
    typedef int... small_t;
    typedef float... real_t;
    extern int grid[...];
    struct holder { int xs[...]; ...; };
    extern "Python" int cb(int);
    extern "Python+C" void cb2(struct pt *);
    int call_cb(int);
    struct pt moved(struct pt, short);
    short y_of(struct pt);
"""

SOURCE_ALL = """
    static int add(int a, int b) { return a + b; }
    static const char *name(void) { return "rcffi"; }
    static _Bool flip(_Bool b) { return !b; }
    static double scale(double x, float f) { return x * f; }
    static int sum(int n, ...) {
        va_list ap; int s = 0; va_start(ap, n);
        while (n-- > 0) s += va_arg(ap, int);
        va_end(ap); return s;
    }
    int counter = 3;
    static const int LIMIT = 10;
    static const char *const GREETING = "hi";
    #define BIG 123456789012LL
    struct pt { long x; int y; };
    enum colour { RED, GREEN = 7, BLUE };
    typedef unsigned short small_t;
    typedef double real_t;
    int grid[6];
    struct holder { char pad; int xs[5]; };
    static int cb(int);
    static int call_cb(int x) { return cb(x) + 1; }
    static struct pt moved(struct pt p, short dy) { p.y += dy; return p; }
    static short y_of(struct pt p) { return (short)p.y; }
"""


@pytest.mark.parametrize("extension, source", [
    (".c", SOURCE_ALL),
    (".cpp", 'extern "C" {\n%s\n}' % SOURCE_ALL),
])
def test_glue_is_warning_free_in_c_and_cpp(build, extension, source):
    m = build(CDEF_ALL, source, source_extension=extension, extra_compile_args=STRICT)
    lib, ffi = m.lib, m.ffi
    assert m._built_path.endswith(importlib.machinery.EXTENSION_SUFFIXES[0])

    @ffi.def_extern()
    def cb(x):
        return 2 * x

    assert lib.add(2, 3) == 5
    assert ffi.string(lib.name()) == b"rcffi"
    assert lib.flip(True) is False
    assert lib.scale(1.5, 2.0) == 3.0
    assert lib.sum(2, ffi.cast("int", 5), ffi.cast("int", 6)) == 11
    assert (lib.counter, lib.LIMIT, ffi.string(lib.GREETING), lib.BIG) == (3, 10, b"hi",
                                                                           123456789012)
    assert lib.GREEN == 7
    assert ffi.offsetof("struct pt", "y") == ffi.sizeof("long")
    # Through uniform wrappers (a '...;' struct by value), warning-free too.
    assert lib.y_of(lib.moved(ffi.new("struct pt *", {"y": 5})[0], -9)) == -4
    assert ffi.sizeof("small_t") == 2 and ffi.cast("small_t", -1) == 0xFFFF
    assert ffi.sizeof("real_t") == 8
    assert len(lib.grid) == 6 and ffi.typeof("struct holder").fields[0][1].type.length == 5
    assert lib.call_cb(20) == 41


def test_cpp_source_is_compiled_as_cpp(build):
    # The compiler's answers (a partial struct, a macro, a partial enum) are
    # read from the module's table, whose symbol C++ must not mangle.
    m = build("int cplusplus(void); struct pt { int x; ...; };\n#define K ...\n"
              "enum e { E0, E1, ... };",
              'extern "C" { static int cplusplus(void) { return (int)__cplusplus; } }\n'
              "struct pt { long pad; int x; };\n#define K (-9)\nenum e { E1 = 4, E0 = -3 };",
              source_extension=".cpp")
    assert m.lib.cplusplus() >= 201103
    assert (m.ffi.offsetof("struct pt", "x"), m.ffi.sizeof("struct pt")) == (8, 16)
    assert (m.lib.K, m.lib.E0, m.lib.E1) == (-9, -3, 4)


def test_strict_flags_still_report_the_users_own_warnings(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("int f(void);")
    ffi.set_source("_strict_user", "static int f(void) { long x = 1L << 40; int y = x; return y; }",
                   extra_compile_args=STRICT)
    with pytest.raises(rcffi.VerificationError, match="Wconversion"):
        ffi.compile(tmpdir=str(tmp_path))


def test_nested_unknown_lengths_are_measured(build):
    m = build(
        """
        extern int glob[...][...];
        typedef int mat_t[...][...];
        typedef int open_t[][...];
        struct holder { int a[][...]; };
        struct s { mat_t *p; };
        int corner(mat_t *);
        """,
        """
        int glob[10][5];
        typedef int mat_t[6][7];
        typedef int open_t[][8];
        struct holder { int x; int a[5][3]; };
        struct s { mat_t *p; };
        static int corner(mat_t *m) { return (*m)[5][6]; }
        """)
    ffi, lib = m.ffi, m.lib
    # The resolved types are the interned ones unless those existed before (the
    # type table is per process), so compare what they are, not their identity.
    assert ffi.typeof(lib.glob).cname == "int[10][5]"
    assert ffi.sizeof(lib.glob) == 50 * ffi.sizeof("int") and len(lib.glob[9]) == 5
    assert ffi.sizeof("mat_t") == 42 * ffi.sizeof("int")
    assert len(ffi.new("mat_t")[0]) == 7
    assert ffi.typeof("open_t").item.length == 8
    assert ffi.typeof("struct holder").fields[0][1].type.cname == "int[][3]"
    assert ffi.offsetof("struct holder", "a") == ffi.sizeof("int")
    mat = ffi.new("mat_t")
    mat[5][6] = 99
    assert lib.corner(ffi.addressof(mat)) == 99


def test_unknown_length_typedefs_decay_to_pointers_as_parameters(build):
    m = build(
        """
        typedef int vec_t[...];
        typedef int grid_t[...][...];
        int last(vec_t v, vec_t *pv);
        int far_corner(grid_t g);
        """,
        """
        typedef int vec_t[9];
        typedef int grid_t[4][3];
        static int last(vec_t v, vec_t *pv) { return v[8] + (*pv)[0]; }
        static int far_corner(grid_t g) { return g[3][2]; }
        """)
    ffi, lib = m.ffi, m.lib
    # C adjusts an array parameter to a pointer to its item, whatever its length.
    assert ffi.typeof(lib.last).args[0] is ffi.typeof("int *")
    assert ffi.typeof(lib.last).args[1].item.length == 9
    assert ffi.typeof(lib.far_corner).args[0].item.cname == "int[3]"
    v = ffi.new("vec_t", list(range(1, 10)))
    assert lib.last(v, ffi.addressof(v)) == 10
    assert lib.last(ffi.cast("int *", v), ffi.addressof(v)) == 10
    g = ffi.new("grid_t")
    g[3][2] = -7
    assert lib.far_corner(g) == -7


def test_module_ffi_sizeof_of_an_open_array_is_ffi_error(build):
    m = build("typedef int open_t[][...];", "typedef int open_t[][5];")
    ffi = m.ffi
    # The module's ffi answers as cffi's compiled modules do: ffi.error, not ValueError.
    with pytest.raises(ffi.error, match="don't know the size of ctype 'int\\[\\]\\[5\\]'"):
        ffi.sizeof("open_t")
    p = ffi.new("open_t", 3)
    assert len(p) == 3 and ffi.sizeof(p[2]) == 5 * ffi.sizeof("int")
    assert ffi.sizeof("open_t *") == ffi.sizeof("void *")
