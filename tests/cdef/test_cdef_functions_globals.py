"""Function prototypes and global declarations: variadic functions, `()` as
`(void)`, unnamed parameters, parameter adjustment, qualifiers, calling
conventions, `extern`/`static const` globals and the bare-global warning."""

import shutil
import subprocess
import warnings

import pytest

from rcffi import CDefError


def _decl(ffi, name):
    """(kind, C name) of a declared name, for rcffi or cffi."""
    if hasattr(ffi, "_decls"):
        kind, ctype = ffi._decls.lookup(name)
        return kind, ctype.cname
    for key, (tp, _) in ffi._parser._declarations.items():
        kind, _, declared = key.partition(" ")
        if declared == name:
            return kind, ffi.typeof(tp.get_c_name()).cname if kind == "function" else \
                tp.get_c_name()
    return None


@pytest.mark.parametrize(
    "src, name, cname",
    [
        ("int f(void);", "f", "int(*)()"),
        ("int f();", "f", "int(*)()"),
        ("int f(int, ...);", "f", "int(*)(int, ...)"),
        ("int f(int a, char *b);", "f", "int(*)(int, char *)"),
        ("int f(int, char *);", "f", "int(*)(int, char *)"),
        ("int f(int a[3], int b[][4]);", "f", "int(*)(int *, int(*)[4])"),
        ("int f(int g(int));", "f", "int(*)(int(*)(int))"),
        ("int f(int (*)(void));", "f", "int(*)(int(*)())"),
        ("int f(const char *restrict s, volatile int *const p);", "f", "int(*)(char *, int *)"),
        ("const char *const f(const int);", "f", "char *(*)(int)"),
        ("int __cdecl f(int);", "f", "int(*)(int)"),
        ("void f(void), g(int);", "g", "void(*)(int)"),
        ("void (*signal(int, void (*)(int)))(int);", "signal",
         "void(*(*)(int, void(*)(int)))(int)"),
        ("int (*get_row(int))[4];", "get_row", "int(*(*)(int))[4]"),
        ("inline int f(register int x);", "f", "int(*)(int)"),
        ("static int f(int);", "f", "int(*)(int)"),
        ("extern int f(int);", "f", "int(*)(int)"),
    ],
)
def test_prototypes_match_cffi(both, src, name, cname):
    r, c = both
    r.cdef(src)
    c.cdef(src)
    rkind, rname = _decl(r, name)
    assert rkind == "function" and rname == cname
    assert r.typeof(rname) is r.typeof(c.typeof(cname).cname)


def test_functions_are_called_through_their_declared_types(both):
    r, c = both
    src = """
        int abs(int);
        size_t strlen(const char *restrict);
        int snprintf(char *, size_t, const char *, ...);
        long labs();
        int atoi(const char[]);
    """
    r.cdef(src)
    c.cdef(src)
    rl, cl = r.dlopen(None), c.dlopen(None)
    assert rl.abs(-3) == cl.abs(-3) == 3
    assert rl.strlen(b"abcd") == 4
    buf = r.new("char[32]")
    assert rl.snprintf(buf, 32, b"%d-%s", r.cast("int", 7), r.new("char[]", b"x")) == 3
    assert r.string(buf) == b"7-x"
    assert r.typeof(rl.labs) is r.typeof("long(*)(void)")
    assert rl.atoi(b"42") == 42
    assert r.typeof(rl.atoi).cname == c.typeof(cl.atoi).cname == "int(*)(char *)"


@pytest.mark.parametrize("conv", ["__stdcall", "WINAPI", "__cdecl"])
def test_calling_conventions_are_accepted_and_ignored_off_windows(ffi, conv):
    ffi.cdef("int %s abs(int); typedef int (%s *cb_t)(int);" % (conv, conv))
    assert ffi.dlopen(None).abs(-5) == 5
    assert ffi.typeof("cb_t") is ffi.typeof("int(*)(int)")


@pytest.mark.parametrize(
    "src, name, kind, cname",
    [
        ("extern int x;", "x", "variable", "int"),
        ("extern int a[];", "a", "variable", "int[]"),
        ("extern int a2[4];", "a2", "variable", "int[4]"),
        ("extern char *names[];", "names", "variable", "char *[]"),
        ("extern int (*fp)(int);", "fp", "variable", "int(*)(int)"),
        ("extern int *restrict rp;", "rp", "variable", "int *"),
        ("static int sv;", "sv", "variable", "int"),
        ("static const int FOO;", "FOO", "constant", "int"),
        ("static char *const NAME;", "NAME", "constant", "char *"),
        ("static int (*const fp3)(int);", "fp3", "constant", "int(*)(int)"),
        ("extern const int cx;", "cx", "constant", "int"),
        ("extern void *const p;", "p", "constant", "void *"),
        ("const int cy;", "cy", "constant", "int"),
        ("extern const int carr[3];", "carr", "variable", "int[3]"),
        ("static const int ARR[3];", "ARR", "variable", "int[3]"),
        ("extern const char *str;", "str", "variable", "char *"),
    ],
)
def test_globals_are_variables_or_constants_like_cffi(both, src, name, kind, cname):
    # Bug fixed here: `extern const` globals were writable variables (writing one
    # crashed on read-only memory) and `static const T a[N]` was a constant (which
    # API mode cannot copy out); both now follow cffi.
    r, c = both
    r.cdef(src)
    c.cdef(src)
    assert _decl(r, name) == (kind, cname)
    assert _decl(c, name)[0] == kind


@pytest.fixture(scope="module")
def globals_lib(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    d = tmp_path_factory.mktemp("globals")
    (d / "g.c").write_text(
        "const int cx = 7;\nconst int carr[3] = {1, 2, 3};\nint vx = 5;\n"
        "int va[4] = {1, 2, 3, 4};\nconst char *const greeting = \"hi\";\n"
        "int (*const pick)(int) = 0;\n"
    )
    out = d / "libg.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(d / "g.c")], check=True)
    return str(out)


def test_reading_and_writing_globals(ffi, globals_lib):
    ffi.cdef("""
        extern const int cx;
        extern const int carr[3];
        extern int vx;
        extern int va[];
        extern const char *const greeting;
    """)
    lib = ffi.dlopen(globals_lib)
    assert lib.cx == 7
    with pytest.raises(AttributeError, match="cx"):
        lib.cx = 8
    assert lib.cx == 7
    assert list(lib.carr) == [1, 2, 3]
    assert lib.vx == 5
    lib.vx = 6
    assert lib.vx == 6 and ffi.dlopen(globals_lib).vx == 6
    # Bug fixed here: `extern T a[];` read as a `T[]` of length 0; it is a `T *`
    # as in cffi (ABI and API mode).
    assert ffi.typeof(lib.va) is ffi.typeof("int *")
    assert [lib.va[i] for i in range(4)] == [1, 2, 3, 4]
    assert ffi.string(lib.greeting) == b"hi"
    with pytest.raises(AttributeError):
        lib.greeting = ffi.NULL


def test_static_const_is_read_once(ffi, globals_lib):
    ffi.cdef("static const int cx; extern int vx;")
    lib = ffi.dlopen(globals_lib)
    assert lib.cx == 7
    names = lib.__dict__
    # The constant is kept as its value; the global stays its descriptor.
    assert names["cx"] == 7 and not isinstance(names["vx"], int)


@pytest.mark.parametrize("src", ["int counter;", "int (*hook)(int);", "int x1, *x2, x3[4];",
                                 "int dots[...];"])
def test_bare_global_warns_like_cffi(both, src):
    r, c = both
    with warnings.catch_warnings(record=True) as rw:
        warnings.simplefilter("always")
        r.cdef(src)
    with warnings.catch_warnings(record=True) as cw:
        warnings.simplefilter("always")
        c.cdef(src)
    assert [str(w.message) for w in rw] == [str(w.message) for w in cw]
    assert rw and all(w.category is UserWarning for w in rw)
    assert all("storage class specifier" in str(w.message) for w in rw)


@pytest.mark.parametrize("src", ["extern int x;", "static int y;", "const int z;",
                                 "static const int W;", "int f(int);"])
def test_declarations_with_storage_or_const_do_not_warn(both, src):
    r, c = both
    for ffi in (r, c):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ffi.cdef(src)


def test_unknown_length_global_is_accepted_then_refused_in_abi_mode(ffi):
    ffi.cdef("extern int a[...];")
    with pytest.raises(CDefError, match=r"\[\.\.\.\]"):
        ffi.dlopen(None).a


@pytest.mark.parametrize(
    "src, needle",
    [
        ("void v;", "'v' is declared as 'void'"),
        ("int f(int) = 0;", "only a variable or constant can have an initializer"),
        ("typedef int t = 1;", "only a variable or constant can have an initializer"),
        ("int f(int) { return 0; }", "found '{'"),
        ("int f(void, int);", "cannot have type 'void'"),
    ],
)
def test_invalid_declarations_are_refused(ffi, src, needle):
    with pytest.raises(CDefError, match=needle):
        ffi.cdef(src)


def test_globals_in_api_mode(build):
    m = build(
        "extern int va[]; extern const int cx; static const int ARR[3]; static char *const NAME;",
        "int va[4] = {1, 2, 3, 4}; const int cx = 7; static const int ARR[3] = {4, 5, 6};\n"
        "static char *const NAME = \"rc\";",
    )
    ffi, lib = m.ffi, m.lib
    assert ffi.typeof(lib.va) is ffi.typeof("int *") and lib.va[3] == 4
    assert lib.cx == 7 and list(lib.ARR) == [4, 5, 6] and ffi.string(lib.NAME) == b"rc"
    with pytest.raises(AttributeError):
        lib.cx = 8
