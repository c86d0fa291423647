"""API mode: set_source() with C source, compile(), the compiler filling the gaps,
extern "Python" and def_extern()."""

import importlib.machinery
import os
import subprocess
import sys
import threading
import time

import pytest

import rcffi
from rcffi import VerificationError


def test_pi_example(build):
    m = build(
        "float pi_approx(int n);",
        """
        static float pi_approx(int n) {
            int i, inside = 0;
            unsigned int seed = 12345;
            for (i = 0; i < n; i++) {
                float x, y;
                seed = seed * 1103515245u + 12345u; x = (seed >> 8) / 16777216.0f;
                seed = seed * 1103515245u + 12345u; y = (seed >> 8) / 16777216.0f;
                if (x * x + y * y < 1.0f) inside++;
            }
            return 4.0f * inside / n;
        }
        """,
        libraries=["m"],
    )
    assert 3.0 < m.lib.pi_approx(100000) < 3.3


def test_functions_called_directly_and_misdeclared_types_still_work(build):
    m = build(
        "long add(long, long); double half(int); int isum(short, long);",
        """
        static int add(int a, int b) { return a + b; }
        static float half(long v) { return v / 2.0f; }
        static long long isum(long long a, long long b) { return a + b; }
        """,
    )
    assert m.lib.add(2, 40) == 42
    assert m.lib.half(5) == 2.5
    assert m.lib.isum(300, 7) == 307


def test_the_compiler_fills_the_gaps(build):
    m = build(
        """
        struct pt { int y; ...; };
        enum e { A, B, ... };
        enum f { C = ..., D };
        typedef int... myint_t;
        typedef float... myfloat_t;
        #define SIZE ...
        #define NEG ...
        static const int LIMIT;
        static const char *const GREETING;
        static const double RATIO;
        myint_t twice(myint_t);
        """,
        """
        #include <stdint.h>
        struct pt { long x; int y; char z; };
        enum e { A = 10, B = 20 };
        enum f { C = -7, D };
        typedef int16_t myint_t;
        typedef double myfloat_t;
        #define SIZE 77
        #define NEG (-5)
        static const int LIMIT = -3;
        static const char *const GREETING = "hi";
        static const double RATIO = 0.25;
        static myint_t twice(myint_t v) { return v * 2; }
        """,
    )
    ffi, lib = m.ffi, m.lib
    assert ffi.sizeof("struct pt") == 16
    assert ffi.offsetof("struct pt", "y") == 8
    p = ffi.new("struct pt *", {"y": 9})
    assert p.y == 9
    assert (lib.A, lib.B, lib.C, lib.D) == (10, 20, -7, -6)
    assert ffi.sizeof("myint_t") == 2 and ffi.sizeof("myfloat_t") == 8
    assert (lib.SIZE, lib.NEG, lib.LIMIT, lib.RATIO) == (77, -5, -3, 0.25)
    assert ffi.string(lib.GREETING) == b"hi"
    assert lib.twice(21) == 42
    with pytest.raises(OverflowError):
        lib.twice(40000)


def test_global_variables_are_fetched_at_each_access(build):
    m = build(
        "extern int counter; extern int tls_value; extern int values[3]; void bump(void);",
        """
        int counter = 5;
        __thread int tls_value = 1;
        int values[3] = {1, 2, 3};
        static void bump(void) { counter++; tls_value++; }
        """,
    )
    lib = m.lib
    assert lib.counter == 5
    lib.bump()
    assert lib.counter == 6
    lib.counter = 100
    lib.bump()
    assert lib.counter == 101
    assert list(lib.values) == [1, 2, 3]
    lib.values[1] = 20
    assert list(lib.values) == [1, 20, 3]
    seen = []

    def other_thread():
        seen.append(lib.tls_value)

    lib.tls_value = 50
    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert seen == [1] and lib.tls_value == 50


def test_macros_as_functions_and_variables(build):
    m = build(
        "int SQUARE(int); extern int errno_like;",
        """
        #define SQUARE(x) ((x) * (x))
        static int storage = 7;
        static int *where(void) { return &storage; }
        #define errno_like (*where())
        """,
    )
    assert m.lib.SQUARE(9) == 81
    assert m.lib.errno_like == 7
    m.lib.errno_like = 8
    assert m.lib.errno_like == 8


def test_a_disagreeing_cdef_is_refused(tmp_path, build):
    # A full struct's layout is compared when the module loads and reported
    # when the struct is used (cffi's message; ffi.verify() refuses the module
    # instead: tests/api_mode/test_verify.py); a function of another signature
    # fails the build.
    m = build("struct s { int a; int b; };", "struct s { long a; int b; };")
    with pytest.raises(rcffi.FFIError, match="struct s: wrong size for field 'a' "):
        m.ffi.new("struct s *")
    ffi = rcffi.FFI()
    ffi.cdef("int f(int *);")
    ffi.set_source("_api_bad2", "static int f(double x) { return (int)x; }")
    with pytest.raises(VerificationError):
        ffi.compile(tmpdir=str(tmp_path))


def test_extern_python(build):
    m = build(
        """
        extern "Python" int on_value(int);
        extern "Python+C" void on_done(void);
        int run(int);
        int run_in_threads(int);
        """,
        """
        #include <pthread.h>
        static int on_value(int);
        void on_done(void);
        static int run(int x) { int r = on_value(x) + 1; on_done(); return r; }
        static void *worker(void *arg) { *(int *)arg = on_value(*(int *)arg); return 0; }
        static int run_in_threads(int n) {
            pthread_t t[4]; int v[4]; int i, total = 0;
            for (i = 0; i < 4; i++) { v[i] = n + i; pthread_create(&t[i], 0, worker, &v[i]); }
            for (i = 0; i < 4; i++) { pthread_join(t[i], 0); total += v[i]; }
            return total;
        }
        """,
        extra_link_args=["-pthread"],
    )
    ffi, lib = m.ffi, m.lib
    done = []

    @ffi.def_extern()
    def on_value(x):
        return x * 10

    @ffi.def_extern(name="on_done")
    def finished():
        done.append(True)

    assert lib.run(4) == 41 and done == [True]
    assert lib.run_in_threads(1) == 10 + 20 + 30 + 40

    @ffi.def_extern(name="on_value")
    def replacement(x):
        return -x

    assert lib.run(4) == -3
    assert ffi.typeof(lib.on_value) is ffi.typeof("int(*)(int)")
    with pytest.raises(rcffi.FFIError, match="def_extern\\('nothing'\\): no 'extern \"Python\"'"):
        ffi.def_extern(name="nothing")(lambda: None)


def test_an_unattached_extern_python_function_says_so_on_the_stderr_descriptor(build, capfd):
    m = build('extern "Python" int later(int); int call(int);',
              "static int later(int); static int call(int x) { return later(x); }")
    assert m.lib.call(3) == 0
    err = capfd.readouterr().err
    assert err == ('extern "Python": function %s.later() called, but no code was attached '
                   "to it yet with @ffi.def_extern().  Returning 0.\n" % m.__name__)


def test_extern_python_errors_return_the_error_value(build):
    m = build(
        'extern "Python" int cb(int); int call(int);',
        "static int cb(int); static int call(int x) { return cb(x); }",
    )
    seen = []

    def hook(args):
        seen.append(args.exc_type)

    @m.ffi.def_extern(error=-1)
    def cb(x):
        raise ValueError(x)

    old = sys.unraisablehook
    sys.unraisablehook = hook
    try:
        assert m.lib.call(3) == -1
    finally:
        sys.unraisablehook = old
    assert seen == [ValueError]


def test_set_source_keywords(build, tmp_path):
    inc = tmp_path / "inc"
    inc.mkdir()
    (inc / "extra.h").write_text("#define EXTRA_BASE 1000\nint extra(int);\n")
    src = tmp_path / "extra.c"
    src.write_text('#include "extra.h"\nint extra(int x) { return EXTRA_BASE + x + OFFSET; }\n')
    m = build(
        "int extra(int); double root(double);\n#define EXTRA_BASE ...",
        '#include "extra.h"\n#include <math.h>\n'
        "static double root(double x) { return sqrt(x); }\n",
        include_dirs=[str(inc)],
        sources=[str(src)],
        define_macros=[("OFFSET", "5")],
        libraries=["m"],
        depends=[str(inc / "extra.h")],
    )
    assert m.lib.extra(1) == 1006 and m.lib.root(81.0) == 9.0 and m.lib.EXTRA_BASE == 1000


def test_pkgconfig(build):
    m = build(
        "const char *zlibVersion(void);",
        "#include <zlib.h>",
        pkgconfig=["zlib"],
    )
    assert m.ffi.string(m.lib.zlibVersion()).startswith(b"1.")


def test_set_source_pkgconfig_adds_the_packages_flags_after_the_callers(tmp_path, monkeypatch):
    (tmp_path / "pc").mkdir()
    (tmp_path / "pc" / "rcffi-probe.pc").write_text(
        "Name: rcffi-probe\nDescription: test package\nVersion: 1.4\n"
        "Cflags: -DFROM_PC=7 -I%s\nLibs: -lm\n" % (tmp_path / "pc_include"))
    monkeypatch.setenv("PKG_CONFIG_PATH", str(tmp_path / "pc"))
    ffi = rcffi.FFI()
    ffi.set_source_pkgconfig("_pc_mod", ["rcffi-probe >= 1.2"], "", libraries=["z"])
    _, _, _, kwds = ffi._source
    assert kwds["libraries"] == ["z", "m"]
    assert kwds["define_macros"] == [("FROM_PC", "7")]
    assert kwds["include_dirs"] == [str(tmp_path / "pc_include")]
    monkeypatch.syspath_prepend(str(tmp_path))
    ffi.cdef("#define FROM_PC ...\ndouble sqrt(double);")
    ffi.compile(tmpdir=str(tmp_path))
    from _pc_mod import lib

    assert lib.FROM_PC == 7 and lib.sqrt(49.0) == 7.0


def test_set_source_pkgconfig_refusals():
    ffi = rcffi.FFI()
    with pytest.raises(TypeError, match="must be a list"):
        ffi.set_source_pkgconfig("_pc_bad", "zlib", "")
    with pytest.raises(rcffi.PkgConfigError):
        ffi.set_source_pkgconfig("_pc_bad", ["no-such-package-rcffi"], "")
    assert issubclass(rcffi.PkgConfigError, rcffi.VerificationError)
    ffi.set_source_pkgconfig("_pc_none", [], "", libraries=["m"])
    assert ffi._source[3] == {"libraries": ["m"]}


def test_unknown_keyword_is_refused():
    ffi = rcffi.FFI()
    with pytest.raises(TypeError, match="bogus"):
        ffi.set_source("_x", "", bogus=1)


def test_generated_c_is_deterministic_and_kept(tmp_path):
    def emit():
        ffi = rcffi.FFI()
        ffi.cdef("int f(int); struct s { int a; ...; };")
        ffi.set_source("_det", "static int f(int x) { return x; } struct s { int a; };")
        ffi.emit_c_code(str(tmp_path / "_det.c"))

    emit()
    first = (tmp_path / "_det.c").read_bytes()
    mtime = os.stat(tmp_path / "_det.c").st_mtime_ns
    time.sleep(0.01)
    emit()
    assert (tmp_path / "_det.c").read_bytes() == first
    assert os.stat(tmp_path / "_det.c").st_mtime_ns == mtime
    # The user's source comes after Python.h (first, as it requires) and
    # rcffi's standard headers, unchanged; the module's PyInit comes last.
    prelude, _, rest = first.partition(b"static int f(int x) { return x; } struct s { int a; };")
    assert prelude.index(b"#include <Python.h>") < prelude.index(b"#include <stddef.h>")
    assert rest.startswith(b"\n") and b"PyMODINIT_FUNC PyInit__det(void)" in rest


def test_compile_leaves_the_c_file_the_object_and_the_module(tmp_path):
    # As cffi (through distutils) leaves them: compiled, then linked.
    ffi = rcffi.FFI()
    ffi.cdef("int f(int);")
    ffi.set_source("pkg._two_steps", "static int f(int x) { return x + 1; }")
    path = ffi.compile(tmpdir=str(tmp_path), stubs=False)
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    assert sorted(os.listdir(tmp_path / "pkg")) == sorted(
        ["_two_steps.c", "_two_steps.o", "_two_steps" + suffix])
    assert path == str(tmp_path / "pkg" / ("_two_steps" + suffix))
    nm = subprocess.run(["nm", str(tmp_path / "pkg" / "_two_steps.o")], capture_output=True,
                        text=True, check=True)
    assert " T PyInit__two_steps" in nm.stdout


def test_an_unchanged_module_is_not_rebuilt_and_new_flags_rebuild_it(tmp_path):
    def build(**kwds):
        ffi = rcffi.FFI()
        ffi.cdef("int f(void);")
        ffi.set_source("_again", "static int f(void) { return N; }", **kwds)
        return ffi.compile(tmpdir=str(tmp_path), stubs=False)

    path = build(define_macros=[("N", "1")])
    built = os.stat(path).st_mtime_ns
    time.sleep(0.01)
    build(define_macros=[("N", "1")])
    assert os.stat(path).st_mtime_ns == built
    time.sleep(0.01)
    build(define_macros=[("N", "2")])
    assert os.stat(path).st_mtime_ns > built
    assert b"-DN=2" in (tmp_path / "_again.c").read_bytes()
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["_again.c", "_again.o", os.path.basename(path)])


def test_generated_code_can_be_written_to_an_open_file(tmp_path):
    import io

    ffi = rcffi.FFI()
    ffi.cdef("int f(int);")
    ffi.set_source("_to_file", "static int f(int x) { return x; }")
    out = io.StringIO()
    ffi.emit_c_code(out)
    assert "static int f(int x) { return x; }" in out.getvalue()
    abi = rcffi.FFI()
    abi.cdef("int g(int);")
    abi.set_source("_to_file_abi", None)
    out = io.StringIO()
    abi.emit_python_code(out)
    namespace = {}
    exec(out.getvalue(), namespace)
    assert namespace["ffi"].typeof("int(*)(int)") is abi.typeof("int(*)(int)")


def test_dotted_module_names_make_packages(build, tmp_path):
    m = build("int one(void);", "static int one(void) { return 1; }", name="pkg_api.sub._mod")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    assert m._built_path == os.path.join(str(tmp_path), "pkg_api", "sub", "_mod" + suffix)
    assert m.lib.one() == 1


def test_lib_introspection(build):
    m = build(
        "int add(int, int); extern int g;\n#define K ...",
        "static int add(int a, int b) { return a + b; } int g = 3;\n#define K 9",
    )
    lib = m.lib
    assert sorted(dir(lib)) == ["K", "add", "g"]
    # Functions are members of the lib's type (so that `lib.add(...)` takes the
    # interpreter's specialised method path); `lib.__dict__` is a fresh dict of
    # every name, as cffi's, globals by their descriptor.
    assert "add" in type(lib).__dict__
    names = lib.__dict__
    assert names == {"K": 9, "add": lib.add, "g": names["g"]} and not isinstance(names["g"], int)
    assert lib.add.__doc__ == "int add(int, int);\n\nCFFI C function from %s.lib" % m.__name__
    assert lib.add.__module__ == m.__name__
    with pytest.raises(TypeError, match=r"^add\(\) takes exactly 2 arguments \(1 given\)$"):
        lib.add(1)
    assert lib.__name__ == m.__name__ + ".lib"
    exec("from %s.lib import add, K" % m.__name__, globals())
    assert add(1, 2) == 3 and K == 9  # noqa: F821
    star = {}
    exec("from %s.lib import *" % m.__name__, star)
    assert sorted(k for k in star if not k.startswith("__")) == ["K", "add"]
    star = {}
    exec("from %s import *" % m.__name__, star)
    assert sorted(k for k in star if not k.startswith("__")) == ["ffi", "lib"]
    with pytest.raises(AttributeError):
        lib.missing


def test_array_lengths_from_the_compiler(build):
    m = build(
        """
        extern int table[...];
        typedef int row_t[...];
        struct holder { int n; int data[...]; ...; };
        """,
        """
        int table[7] = {1, 2, 3, 4, 5, 6, 7};
        typedef int row_t[3];
        struct holder { long pad; int n; int data[5]; };
        """,
    )
    ffi, lib = m.ffi, m.lib
    assert len(lib.table) == 7 and lib.table[6] == 7
    assert ffi.sizeof("row_t") == 12
    assert ffi.sizeof("struct holder") == 32
    assert ffi.offsetof("struct holder", "data") == 12
    h = ffi.new("struct holder *")
    assert len(h.data) == 5


def test_addressof_in_api_mode(build):
    m = build(
        "int add(int, int); extern int g;",
        "static int add(int a, int b) { return a + b; } int g = 3;",
    )
    ffi, lib = m.ffi, m.lib
    f = ffi.addressof(lib, "add")
    assert ffi.typeof(f) is ffi.typeof("int(*)(int, int)") and f(2, 5) == 7
    p = ffi.addressof(lib, "g")
    p[0] = 44
    assert lib.g == 44
    assert ffi.typeof(lib.add) is ffi.typeof("int(*)(int, int)")


def test_the_documents_foo_example(build):
    m = build(
        "int foo(int *, int *, int);",
        """
        static int foo(int *buffer_in, int *buffer_out, int x)
        {
            int i, total = 0;
            for (i = 0; i < x; i++) { buffer_out[i] = 2 * buffer_in[i]; total += buffer_out[i]; }
            return total;
        }
        """,
    )
    ffi, lib = m.ffi, m.lib
    buffer_in = ffi.new("int[]", list(range(1000)))
    buffer_out = ffi.new("int[]", 1000)
    assert lib.foo(buffer_in, buffer_out, 1000) == 2 * sum(range(1000))
    assert buffer_out[999] == 1998


def test_the_documents_passwd_example(build):
    m = build(
        """
        struct passwd { char *pw_name; ...; };
        struct passwd *getpwuid(int uid);
        struct passwd *get_pw_for_root(void);
        """,
        r"""
        #include <sys/types.h>
        #include <pwd.h>
        static struct passwd *get_pw_for_root(void) { return getpwuid(0); }
        """,
    )
    ffi, lib = m.ffi, m.lib
    assert ffi.string(lib.getpwuid(0).pw_name) == b"root"
    assert ffi.string(lib.get_pw_for_root().pw_name) == b"root"


@pytest.mark.parametrize("name", ["../escape_up", "/abs_escape_x", "a/b", "a\\b", "a..b", "",
                                  ".x", "x.", "x-y", "1x", "a b"])
def test_module_names_must_be_dotted_identifiers(tmp_path, name):
    for source in ("int f(void) { return 1; }", None):
        ffi = rcffi.FFI()
        ffi.cdef("int f(void);")
        with pytest.raises(ValueError, match="dotted Python name"):
            ffi.set_source(name, source)
        # Nothing was recorded: compile() still asks for set_source().
        with pytest.raises(ValueError, match="set_source"):
            ffi.compile(tmpdir=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape_up", "/abs_escape_x"])
def test_escaping_module_names_are_refused_like_cffi(name):
    import cffi

    with pytest.raises(ValueError):
        cffi.FFI().set_source(name, None)


def test_dotted_module_names_build_inside_tmpdir(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("int f(void);")
    ffi.set_source("pkg_x._sub_mod", None)
    path = ffi.compile(tmpdir=str(tmp_path))
    assert str(path).startswith(str(tmp_path))


def test_deleting_the_assigned_source_allows_another(build, tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("int one(void);")
    with pytest.raises(AttributeError):
        del ffi._assigned_source
    ffi.set_source("_first_src", "static int one(void) { return 1; }")
    assert ffi._assigned_source[0] == "_first_src"
    with pytest.raises(ValueError, match="several times"):
        ffi.set_source("_second_src", "static int one(void) { return 2; }")
    del ffi._assigned_source
    ffi.set_source("_second_src", "static int one(void) { return 2; }")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    assert ffi.compile(tmpdir=str(tmp_path)).endswith("_second_src" + suffix)


def test_a_global_behind_a_macro_at_null_raises(build):
    m = build(
        "extern int my_value; extern int *(*get_my_value)(void);",
        "int *(*get_my_value)(void);\n#define my_value (*get_my_value())",
    )
    ffi, lib = m.ffi, m.lib
    cell = ffi.new("int *", 41)
    # The callbacks are kept alive here: C holds only their address.
    to_cell = ffi.callback("int *(*)(void)", lambda: cell)
    lib.get_my_value = to_cell
    assert lib.my_value == 41
    lib.my_value = 42
    assert cell[0] == 42
    to_null = ffi.callback("int *(*)(void)", lambda: ffi.NULL)
    lib.get_my_value = to_null
    for action in (lambda: lib.my_value, lambda: setattr(lib, "my_value", 1),
                   lambda: ffi.addressof(lib, "my_value")):
        with pytest.raises(ffi.error, match="at address NULL"):
            action()


def test_a_partial_struct_by_value_is_passed_by_the_compiler(build):
    # The compiler gives the layout, not the members the cdef leaves out, and
    # those may decide how C passes the struct: the glue's uniform wrappers
    # let the compiler pass it (tests/api_mode/test_api_mode_uniform.py refuses the
    # same call through another address), whether or not they would.
    m = build(
        "struct part { int y; ...; }; struct known { int y; ...; }; struct big { int y; ...; };"
        "struct full { int a, b; };"
        "int by_value(struct part); int by_pointer(struct part *); int full(struct full);"
        "int known_one(struct known); int big_one(struct big); struct big make_big(int);",
        "struct part { double pad; int y; }; struct known { int y; float hidden; };"
        "struct big { double a, b; int y; }; struct full { int a, b; };"
        "static int by_value(struct part p) { return p.y; }"
        "static int by_pointer(struct part *p) { return p->y; }"
        "static int full(struct full f) { return f.a + f.b; }"
        "static int known_one(struct known k) { return k.y; }"
        "static int big_one(struct big b) { return b.y; }"
        "static struct big make_big(int y) { struct big b = { 1.0, 2.0, y }; return b; }",
    )
    p = m.ffi.new("struct part *", {"y": 42})
    assert m.lib.by_value(p[0]) == 42
    assert m.lib.by_pointer(p) == 42
    assert m.lib.full([40, 2]) == 42
    assert m.lib.known_one(m.ffi.new("struct known *", {"y": 7})[0]) == 7
    assert m.lib.big_one(m.ffi.new("struct big *", {"y": 9})[0]) == 9
    assert m.lib.make_big(11).y == 11
