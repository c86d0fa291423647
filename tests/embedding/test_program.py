"""A C program calling functions of a library written in Python."""

import pytest

pytestmark = pytest.mark.timeout(180)

API = """
    typedef struct { int x, y; } point_t;
    int add(int, int);
    double scale(double, float);
    unsigned char low_byte(unsigned long long);
    _Bool is_even(long);
    void record(short);
    int count(void);
    int norm1(point_t *);
    const char *greeting(void);
    extern int (*c_hook)(int);
"""

INIT = """
    from _prog_emb import ffi, lib
    recorded = []

    @ffi.def_extern()
    def add(x, y):
        return x + y

    @ffi.def_extern()
    def scale(x, f):
        return x * f

    @ffi.def_extern()
    def low_byte(v):
        return v & 0xff

    @ffi.def_extern()
    def is_even(v):
        return v % 2 == 0

    @ffi.def_extern()
    def record(v):
        recorded.append(v)

    @ffi.def_extern()
    def count():
        return len(recorded)

    @ffi.def_extern()
    def norm1(p):
        return abs(p.x) + abs(p.y) + lib.c_hook(0)

    hello = ffi.new("char[]", b"hello from Python")

    @ffi.def_extern()
    def greeting():
        return hello
"""

SOURCE = """
typedef struct { int x, y; } point_t;
CFFI_DLLEXPORT int (*c_hook)(int);
"""

PROGRAM = r"""
#include <stdio.h>
typedef struct { int x, y; } point_t;
int add(int, int);
double scale(double, float);
unsigned char low_byte(unsigned long long);
_Bool is_even(long);
void record(short);
int count(void);
int norm1(point_t *);
const char *greeting(void);
extern int (*c_hook)(int);
static int hook(int v) { return v + 1000; }

int main(void)
{
    point_t p = { -3, 4 };
    c_hook = hook;
    printf("%d %d\n", add(40, 2), add(-7, 3));
    printf("%g\n", scale(1.5, 4.0f));
    printf("%u\n", (unsigned)low_byte(0x1234567890abcdefULL));
    printf("%d %d\n", (int)is_even(10), (int)is_even(7));
    record(1); record(2); record(3);
    printf("%d\n", count());
    printf("%d\n", norm1(&p));
    printf("%s\n", greeting());
    return 0;
}
"""


def test_a_c_program_calls_python_functions(embed):
    built = embed("_prog_emb", API, INIT, SOURCE)
    exe = built.program("prog", PROGRAM)
    out, err = built.run(exe)
    assert out.splitlines() == ["42 -4", "6", "239", "1 0", "3", "1007", "hello from Python"]
    assert err == ""


def test_the_library_has_the_platform_suffix_and_exports_its_functions(embed):
    built = embed("_names_emb", "int twice(int);", None, "")
    assert built.library.endswith("/_names_emb.so")
    with open(built.library, "rb") as f:
        assert b"twice" in f.read()


def test_cffi_start_python_runs_the_init_code_before_any_call(embed):
    source = r"""
    #include <stdio.h>
    CFFI_DLLEXPORT void start_now(void)
    {
        printf("start: %d\n", cffi_start_python());
        fflush(stdout);
    }
    """
    init = "import sys\nsys.stdout.write('init ran\\n')\nsys.stdout.flush()\n"
    built = embed("_start_emb", "", init, source)
    program = "#include <stdio.h>\nvoid start_now(void);\n" \
              "int main(void) { start_now(); start_now(); return 0; }\n"
    out, _ = built.run(built.program("starter", program))
    assert out == "init ran\nstart: 0\nstart: 0\n"


def test_extern_python_callbacks_of_the_cdef_also_start_python(embed):
    init = """
        from _cb_emb import ffi
        @ffi.def_extern()
        def helper(x):
            return x * 3
        @ffi.def_extern()
        def entry(x):
            return x + 1
    """
    source = """
        static int helper(int);
        CFFI_DLLEXPORT int via_helper(int x) { return helper(x); }
    """
    built = embed("_cb_emb", "int entry(int);", init, source,
                  cdef='extern "Python" int helper(int);')
    program = "#include <stdio.h>\nint via_helper(int); int entry(int);\n" \
              "int main(void) { printf(\"%d %d\\n\", via_helper(5), entry(5)); return 0; }\n"
    out, _ = built.run(built.program("cb", program))
    assert out == "15 6\n"


def test_the_callers_errno_survives_the_python_call(embed):
    init = """
        import os
        from _errno_emb import ffi

        @ffi.def_extern()
        def touch(x):
            try:
                os.stat("/nonexistent/rcffi")  # sets errno to ENOENT in C
            except OSError:
                pass
            return x
    """
    built = embed("_errno_emb", "int touch(int);", init)
    program = r"""
    #include <errno.h>
    #include <stdio.h>
    int touch(int);
    int main(void)
    {
        int r;
        touch(0);
        errno = 42;
        r = touch(7);
        printf("%d %d\n", r, errno);
        return 0;
    }
    """
    out, _ = built.run(built.program("errno_prog", program))
    assert out == "7 42\n"


def test_a_program_dlopens_the_library_with_rtld_local(embed):
    # libpython is then only in the library's own scope; extension modules
    # the embedded Python imports (rcffi's, math) still find its symbols.
    init = """
        import math
        from _local_emb import ffi

        @ffi.def_extern()
        def hypot(x, y):
            return math.hypot(x, y)
    """
    built = embed("_local_emb", "double hypot(double, double);", init)
    program = r"""
    #include <dlfcn.h>
    #include <stdio.h>
    int main(int argc, char **argv)
    {
        void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        double (*hypot)(double, double);
        if (handle == NULL) {
            printf("%s\n", dlerror());
            return 1;
        }
        hypot = (double (*)(double, double))dlsym(handle, "hypot");
        printf("%g\n", hypot(3.0, 4.0));
        return 0;
    }
    """
    out, err = built.run(built.program("plugin_host", program, link=False),
                         args=[built.library])
    assert out == "5\n", err


def test_structs_by_value_and_long_double_go_through_the_callback(embed):
    init = """
        from _byvalue_emb import ffi

        @ffi.def_extern()
        def mirror(p):
            return ffi.new("point_t *", [p.y, p.x])[0]

        @ffi.def_extern()
        def third(x):
            return float(x) / 3  # a long double arrives as cdata
    """
    api = "typedef struct { int x, y; } point_t; point_t mirror(point_t); " \
          "long double third(long double);"
    built = embed("_byvalue_emb", api, init, "typedef struct { int x, y; } point_t;")
    program = r"""
    #include <stdio.h>
    typedef struct { int x, y; } point_t;
    point_t mirror(point_t);
    long double third(long double);
    int main(void)
    {
        point_t p = { 1, 2 };
        p = mirror(p);
        printf("%d %d %.6Lf\n", p.x, p.y, third(1.0L));
        return 0;
    }
    """
    out, _ = built.run(built.program("byvalue", program))
    assert out == "2 1 0.333333\n"
