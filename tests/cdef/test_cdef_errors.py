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
        ("struct int { int a; };", 1, 8, "expected a tag name or '{', found 'int'"),
        ("enum double x;", 1, 6, "expected a tag name or '{', found 'double'"),
    ],
)
def test_errors_point_at_the_offending_text(ffi, src, line, column, needle):
    with pytest.raises(CDefError, match=re.escape(needle)) as e:
        ffi.cdef(src)
    _check(str(e.value), line, column, src.split("\n")[line - 1])


@pytest.mark.parametrize("src", ["struct int { int a; };", "enum double x;", "union const *p;"])
def test_a_keyword_is_no_tag_as_in_cffi(both, src):
    r, c = both
    with pytest.raises(cffi.CDefError, match="cannot parse"):
        c.cdef(src)
    with pytest.raises(CDefError, match="cannot parse"):
        r.cdef(src)


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
        ("enum e { A };", "enum f { Z, A };", "'A' is already declared differently"),
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
     ("", "expected a type")],
)
def test_type_string_errors_name_the_string(ffi, cdecl, needle):
    for use in (ffi.typeof, ffi.new, ffi.sizeof):
        with pytest.raises(CDefError, match=needle) as e:
            use(cdecl)
        msg = str(e.value)
        assert msg.startswith('cannot parse "%s"\n<type string>:1:' % cdecl)


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


# ---- nesting limits: no input exhausts the stack --------------------------------------

DEEP_SOURCES = {
    "parenthesized declarator": "int " + "(" * 13500 + "x" + ")" * 13500 + ";",
    "parentheses in an enum value": "enum e { A = " + "(" * 10000 + "1" + ")" * 10000 + " };",
    "nested anonymous structs": "struct s { " + "struct { " * 7000 + "int x; " + "};" * 7000 + " };",
    "function-pointer declarators": "int " + "(*" * 5000 + "f" + ")(int)" * 5000 + ";",
    "function-pointer parameters": "void f(" + "void (*)(" * 5000 + "int" + ")" * 5000 + ");",
    "unary operators": "enum e { A = " + "- " * 20000 + "1 };",
    "casts": "enum e { A = " + "(int)" * 20000 + "1 };",
    "conditional operators": "enum e { A = " + "1 ? " * 20000 + "1" + " : 1" * 20000 + " };",
    "sizeof of nested types": "enum e { A = sizeof(" + "int(*)(" * 5000 + "int" + ")" * 5000 + ") };",
}


@pytest.mark.parametrize("src", DEEP_SOURCES.values(), ids=DEEP_SOURCES.keys())
def test_deep_nesting_is_a_cdef_error_with_its_place(ffi, src):
    with pytest.raises(CDefError, match="nested too deeply") as e:
        ffi.cdef(src)
    assert re.search(r"<cdef source string>:1:\d+: ", str(e.value))


def test_deep_pointer_type_strings_are_refused(ffi):
    for text in ("int" + " *" * 17000, "int" + "[1]" * 17000, "int" + " *" * 201):
        with pytest.raises(CDefError, match="more than 200 levels of pointers"):
            ffi.typeof(text)


def test_typedefs_cannot_stack_past_the_limit(ffi):
    ffi.cdef("typedef int " + "*" * 200 + "p200;")
    assert ffi.sizeof("p200") == ffi.sizeof("void *")
    with pytest.raises(CDefError, match=r":1:15: type with more than 200 levels"):
        ffi.cdef("typedef p200 *q;")


def test_nesting_under_the_limit_matches_cffi(both):
    depth = 40  # pycparser's recursion runs out not far above this
    r, c = both
    for ffi in (r, c):
        ffi.cdef("enum e { A = " + "(" * depth + "7" + ")" * depth + " };")
        ffi.cdef("typedef int " + "(" * depth + "t" + ")" * depth + ";")
        ffi.cdef("struct s { " + "struct { " * depth + "int x; " + "};" * depth + " };")
    assert r.dlopen(None).A == c.dlopen(None).A == 7
    assert r.sizeof("struct s") == c.sizeof("struct s") == 4
    assert r.typeof("t") is r.typeof("int") and c.typeof("t") is c.typeof("int")
    text = "int" + " *" * 150
    assert r.typeof(text).cname == c.typeof(text).cname
    text = "int" + "[2]" * 20
    assert r.sizeof(text) == c.sizeof(text) == 4 * 2**20


def test_nesting_just_under_the_limit_is_accepted(ffi):
    depth = 199
    ffi.cdef("enum e { A = " + "(" * depth + "7" + ")" * depth + " };")
    ffi.cdef("typedef int " + "(" * depth + "t" + ")" * depth + ";")
    ffi.cdef("struct s { " + "struct { " * depth + "int x; " + "};" * depth + " };")
    ffi.cdef("typedef void (*f)(" + "void (*)(" * (depth - 1) + "int" + ")" * (depth - 1) + ");")
    assert ffi.dlopen(None).A == 7
    assert ffi.typeof("t") is ffi.typeof("int")
    assert ffi.sizeof("struct s") == 4
    assert ffi.typeof("f").kind == "function"


SMALL_STACK_SCRIPT = r"""
import threading
from rcffi import FFI, CDefError

threading.stack_size(512 * 1024)
results = []

def run():
    ffi = FFI()
    for src in SOURCES:
        try:
            ffi.cdef(src)
            results.append("accepted")
        except CDefError as e:
            results.append("nested too deeply" in str(e))
    results.append(ffi.typeof("int" + " *" * 200).cname.count("*"))

t = threading.Thread(target=run)
t.start()
t.join()
print(results)
"""


def test_deep_nesting_in_a_small_thread_stack_is_an_error_not_a_crash():
    import subprocess
    import sys

    n = 1000
    sources = [
        "int " + "(" * n + "x" + ")" * n + ";",
        "enum e { A = " + "(" * n + "1" + ")" * n + " };",
        "struct s { " + "struct { " * n + "int x; " + "};" * n + " };",
        "void f(" + "void (*)(" * n + "int" + ")" * n + ");",
    ]
    script = "SOURCES = %r\n%s" % (sources, SMALL_STACK_SCRIPT)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str([True] * len(sources) + [200])


# ---- hostile text: errors, never a Rust panic ------------------------------------------

BIG = "0x8000000000000000"  # 2**63: two of them multiply to 2**126


@pytest.mark.parametrize(
    "src, needle",
    [
        ('"\\', "unterminated string"),
        ('extern "\\', "unterminated string"),
        ('"\\\u00e9', "unterminated string"),
        ("int x; '\\\u00e9", "unterminated character"),
        ("'\\01234'", "unterminated character constant"),
        ("x\u00e9\\", "unexpected character"),
        ("enum e { A = %s * %s + %s * %s };" % (BIG, BIG, BIG, BIG), "constant overflow"),
        ("enum e { A = (0 - %s * %s) - %s * %s, B = A / -1 };" % (BIG, BIG, BIG, BIG),
         "constant overflow"),
        ("enum e { A = (0 - %s * %s) - %s * %s, B = A %% -1 };" % (BIG, BIG, BIG, BIG),
         "constant overflow"),
        ("enum e { A = -((0 - %s * %s) - %s * %s) };" % (BIG, BIG, BIG, BIG),
         "constant overflow"),
        ("enum e { A = (%s * %s - 1) + %s * %s, B };" % (BIG, BIG, BIG, BIG),
         "enumerator value overflow"),
    ],
)
def test_malformed_literals_and_overflowing_constants_are_cdef_errors(ffi, src, needle):
    with pytest.raises(CDefError, match=needle) as e:
        ffi.cdef(src)
    assert re.search(r"<cdef source string>:1:\d+: ", str(e.value))


def test_string_literal_ending_in_a_backslash_matches_cffi(both):
    r, c = both
    with pytest.raises(CDefError, match="unterminated string"):
        r.cdef('"\\')
    with pytest.warns(UserWarning), pytest.raises(cffi.CDefError):
        c.cdef('"\\')


def test_deeply_parenthesized_define_values(ffi):
    n = 100000
    ffi.cdef("#define X " + "(" * n + "5" + ")" * n + "\n#define Y " + "-" * (n + 1) + "5")
    lib = ffi.dlopen(None)
    assert (lib.X, lib.Y) == (5, -5)


HOSTILE_PIECES = [
    '"a\\"b\\', "'\\x", "'\\777'", "'\\\u00e9'", "L'\\", "u'", "/* x", "# 1 \"f.h", "#define Z (",
    "enum e { A = 1 ? : }", "struct { int a : ", "int (*f)(int (*)[", "typedef int t[...",
    "0x", "1e+", ".5", "\u00e9\u00e9", "\\\r", "extern \"Python+C\" {", "int a[sizeof(",
    "enum { A = (char)(", "__attribute__((", "int f(...", "struct s { ...; ",
]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_prefix_of_hostile_text_is_accepted_or_an_exception():
    import rcffi

    outcomes = set()
    for piece in HOSTILE_PIECES:
        for text in (piece, "int x;\n" + piece + " y;"):
            for end in range(len(text) + 1):
                for use in ("cdef", "typeof"):
                    # A Rust panic would be a PanicException, which derives from
                    # BaseException only: it escapes this and fails the test.
                    try:
                        getattr(rcffi.FFI(), use)(text[:end])
                        outcomes.add("accepted")
                    except Exception as e:  # noqa: BLE001 - any ordinary error is fine
                        outcomes.add(type(e).__name__)
    assert "CDefError" in outcomes and "accepted" in outcomes
