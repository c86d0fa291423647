"""CDefError diagnostics: syntax errors, unknown identifiers, differing
redefinitions and unsupported constructs, each with line:column, the offending
source line and a caret; errors in run-time type strings name the string."""

import re

import cffi
import pytest

from rcffi import CDefError


def _check(message, line, column, source_line):
    head, text, caret = message.split("\n")[-3:]
    assert ":%d:%d:" % (line, column) in head
    assert text == "    " + source_line
    assert caret == " " * (4 + column - 1) + "^"


@pytest.mark.parametrize(
    "src, line, column, needle",
    [
        ("int a;\nint b = ;\n", 2, 9, "expected an initializer after '='"),
        ("int f(int;", 1, 10, "expected ')', found ';'"),
        ("int x", 1, 6, "expected ',' or ';' after a declarator"),
        ("struct s { int a; }", 1, 20, "found end of input"),
        ("struct s { int a = 3; };", 1, 18, "expected ';', found '='"),
        ("int f(int) { return 0; }", 1, 12, "found '{'"),
        ("int @x;", 1, 5, "unexpected character '@'"),
        ("typedef int t[-1];", 1, 15, "invalid array length -1"),
        ("int f(int a[*]);", 1, 13, "expected a constant expression"),
        ("int int x;", 1, 1, "invalid combination of type specifiers"),
        # Layout errors of a member point at the body of its struct.
        ("struct s {\n  int a:40; };", 1, 10, "wider than its type"),
        ("struct s {\n  float f:3; };", 1, 10, "not an integer type"),
        ("struct s {\n  int a:-1; };", 2, 10, "invalid bit-field width -1"),
        ("struct b {\n  _Bool x:2; };", 1, 10, "wider than its type"),
        ("struct b {\n  char c:9; };", 1, 10, "wider than its type"),
        ("struct b {\n  int x:0; };", 1, 10, "zero width"),
        ("struct b {\n  int a[]; int n; };", 1, 10, "unknown size"),
        ("struct b {\n  void v; };", 1, 10, "unknown size"),
        ("  extern void v;", 1, 15, "'v' is declared as 'void'"),
        ("int f(void, int);", 1, 7, "cannot have type 'void'"),
        ("_Static_assert(1, \"x\");", 1, 1, "unknown type name '_Static_assert'"),
        ("int... v;", 1, 1, "only allowed in a typedef"),
    ],
)
def test_errors_point_at_the_offending_text(ffi, src, line, column, needle):
    with pytest.raises(CDefError, match=re.escape(needle)) as e:
        ffi.cdef(src)
    _check(str(e.value), line, column, src.split("\n")[line - 1])


@pytest.mark.parametrize(
    "src, column, name",
    [("foo_t x;", 1, "foo_t"), ("int f(foo_t);", 7, "foo_t"),
     ("struct s { bar_t b; };", 12, "bar_t"), ("typedef baz_t *p;", 9, "baz_t"),
     ("int f(int, qux_t *);", 12, "qux_t")],
)
def test_unknown_type_names_are_named_like_cffi(both, src, column, name):
    r, c = both
    with pytest.raises(CDefError, match="unknown type name '%s'" % name) as e:
        r.cdef(src)
    _check(str(e.value), 1, column, src)
    with pytest.raises(cffi.CDefError):
        c.cdef(src)


@pytest.mark.parametrize(
    "first, second, needle",
    [
        ("struct s { int a; };", "struct s { long a; };", "'struct s' is already defined"),
        ("union u { int a; };", "union u { int a, b; };", "'union u' is already defined"),
        ("typedef int t;", "typedef long t;", "typedef 't' is already declared"),
        ("int f(int);", "long f(int);", "'f' is already declared differently"),
        ("extern int x;", "extern long x;", "'x' is already declared differently"),
        ("enum e { A };", "enum e { B };", "'enum e' is already defined"),
        ("enum e { A };", "enum f { A };", "'A' is already declared differently"),
        ("#define A 1", "#define A 2", "'A' is already declared differently"),
        ("int f(int);", "extern int f;", "'f' is already declared differently"),
    ],
)
def test_differing_redefinitions_are_errors(ffi, first, second, needle):
    ffi.cdef(first)
    with pytest.raises(CDefError, match=needle) as e:
        ffi.cdef(second)
    assert "<cdef source string>:1:" in str(e.value) and second in str(e.value)


@pytest.mark.parametrize(
    "src",
    ["int f(int); int f(int);", "extern int x; extern int x;", "typedef int t; typedef int t;",
     "struct s { int a; }; struct s { int a; };", "#define A 1\n#define A 1",
     "struct s; struct s; struct s { int a; }; struct s;", "int f(int a); int f(int b);"],
)
def test_identical_redefinitions_are_fine(ffi, src):
    ffi.cdef(src)
    ffi.cdef(src)


def test_identical_redefinitions_that_cffi_also_accepts(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("extern int x; typedef int t;\n#define A 1")
        ffi.cdef("extern int x; typedef int t;\n#define A 1")
    assert r.list_types() == c.list_types() == (["t"], [], [])


def test_a_failed_cdef_declares_nothing_after_the_error(ffi):
    with pytest.raises(CDefError):
        ffi.cdef("typedef int ok_t; int f(int; typedef int later_t;")
    with pytest.raises(CDefError, match="later_t"):
        ffi.typeof("later_t")


@pytest.mark.parametrize(
    "cdecl, needle",
    [("int[", "expected a constant expression"), ("int[3", "expected ']'"), ("foo_t", "unknown type name 'foo_t'"),
     ("struct", "expected"), ("int x y", "unexpected text after the type"),
     ("", "expected a type"), ("int[-1]", "invalid array length")],
)
def test_type_string_errors_name_the_string(ffi, cdecl, needle):
    for use in (ffi.typeof, ffi.new, ffi.sizeof):
        with pytest.raises(CDefError, match=needle) as e:
            use(cdecl)
        msg = str(e.value)
        assert msg.startswith("<type string>:1:") and 'cannot parse type "%s"' % cdecl in msg


def test_function_type_is_not_a_type_string(both):
    r, c = both
    with pytest.raises(CDefError, match="function type") as e:
        r.typeof("int(int)")
    assert "'int(int)'" in str(e.value)
    with pytest.raises(cffi.CDefError, match="function type"):
        c.typeof("int(int)")


def test_cdef_error_is_an_ffi_error_like_cffi():
    import rcffi

    assert issubclass(rcffi.CDefError, rcffi.FFIError)
    assert issubclass(cffi.CDefError, Exception)


def test_non_string_source_is_a_type_error(both):
    r, c = both
    with pytest.raises(TypeError):
        r.cdef(b"int x;")
    with pytest.raises(TypeError):
        c.cdef(b"int x;")
