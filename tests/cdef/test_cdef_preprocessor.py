"""The preprocessor of cdef() on the cdef text itself: cffi's `#define NAME
<integer>` and `#define NAME ...`, constant expressions as macro values,
macros expanded in later declarations, conditionals, `#error`, comments, line
continuations and `# 42 "file.h"` line directives. (Real headers:
tests/headers/.)"""

import re
import shutil
import subprocess

import pytest

from rcffi import CDefError


@pytest.mark.parametrize(
    "line, value",
    [
        ("#define A 42", 42), ("#define A 0x2A", 42), ("#define A 0X2a", 42), ("#define A 052", 42),
        ("#define A 0", 0), ("#define A -7", -7), ("#define A -0x10", -16), ("#define A -0", 0),
        ("#define A 10U", 10), ("#define A 10u", 10), ("#define A 10L", 10), ("#define A 10l", 10),
        ("#define A 10UL", 10), ("#define A 10Lu", 10), ("#define A 10lU", 10),
        ("#define A 10LL", 10), ("#define A 10ll", 10), ("#define A 10ULL", 10),
        ("#define A 10LLU", 10), ("#define A 017UL", 15),
        ("#define A 0xFFFFFFFFFFFFFFFFULL", 2**64 - 1), ("#define A -2147483648", -2**31),
    ],
)
def test_integer_defines_match_cffi(both, line, value):
    r, c = both
    r.cdef(line)
    c.cdef(line)
    assert r.dlopen(None).A == c.dlopen(None).A == value


@pytest.mark.parametrize("line, value", [("#define A (3)", 3), ("#define A 0b101", 5)])
def test_integer_defines_cffi_refuses(ffi, line, value):
    ffi.cdef(line)
    assert ffi.dlopen(None).A == value


def test_defines_are_listed_and_redefined_identically(ffi):
    ffi.cdef("#define A 1\n#define A 1\n#define B 2")
    assert ffi.dlopen(None).B == 2
    assert [n for n in ffi._decls.names()] == ["A", "B"]
    with pytest.raises(CDefError, match="'A'"):
        ffi.cdef("#define A 2")


def test_dotdotdot_define_needs_api_mode(both):
    r, c = both
    r.cdef("#define A ...")
    c.cdef("#define A ...")
    assert r._decls.lookup("A") == ("unknown", None)
    with pytest.raises(CDefError, match="'A'.*API mode"):
        r.dlopen(None).A


@pytest.mark.parametrize(
    "line, value",
    [("#define A 1 + 2", 3), ("#define A (1 << 3)", 8), ("#define A ((int)4)", 4),
     ("#define A 'x'", 120), ("#define A ((unsigned char)-1)", 255), ("#define A 0x10UL", 16),
     ("#define B 6\n#define A (B * 7)", 42), ("#define A (2 > 1 ? 10 : 20)", 10)],
)
def test_constant_expression_defines(ffi, line, value):
    ffi.cdef(line)
    assert ffi.dlopen(None).A == value


@pytest.mark.parametrize(
    "line, value",
    [("#define A 1.5", 1.5), ("#define A (-2.5e3f)", -2500.0), ("#define A .25L", 0.25),
     ('#define A "a\\tb" "c\\x41\\101"', b"a\tbcAA"), ('#define V "1.2"\n#define A V', b"1.2")],
)
def test_float_and_string_defines(ffi, line, value):
    ffi.cdef(line)
    got = ffi.dlopen(None).A
    assert got == value and type(got) is type(value)


def test_defines_keep_their_place_among_declarations(ffi):
    ffi.cdef("#define A 1\nextern int x;\n#define B 2\nint f(void);\n#define C ...")
    assert ffi._decls.names() == ["A", "x", "B", "f", "C"]


@pytest.mark.parametrize("line", ["#define A foo", "#define A", "#define A 08",
                                  "#define A(x) x", "#define A f(1)", "#define A 1 +"])
def test_macros_that_are_no_integer_constant_are_only_macros(ffi, line):
    ffi.cdef("extern int x1;\n" + line, override=True)
    assert "A" not in ffi._decls.names()
    with pytest.raises(AttributeError):
        ffi.dlopen(None).A


def test_macros_expand_in_later_declarations(ffi):
    ffi.cdef("#define N 4\n#define PTR(t) t *\n#define EXPORT __attribute__((visibility(\"default\")))\n"
             "struct s { int a[N]; PTR(char) p; };\nEXPORT int f(PTR(int));")
    assert ffi.sizeof("struct s") == 24
    assert ffi.typeof("struct s").fields[1][1].type is ffi.typeof("char *")
    kind, ctype = ffi._decls.lookup("f")
    assert kind == "function" and ctype is ffi.typeof("int(*)(int *)")


def test_define_needs_a_name(ffi):
    with pytest.raises(CDefError, match="'#define' needs a name") as e:
        ffi.cdef("int x1;\n#define 1A 2")
    assert ":2:9:" in str(e.value) and "#define 1A 2" in str(e.value)


def test_conditionals(ffi):
    ffi.cdef("""
        #define V 3
        #if V > 2 && defined(V) && !defined NOPE
        typedef int yes_t;
        #elif 1
        typedef int no1_t;
        #else
        typedef int no2_t;
        #endif
        #ifdef NOPE
        typedef int no3_t;
        #elif V == 3
        typedef long yes2_t;
        #endif
        #ifndef V
        typedef int no4_t;
        #endif
        #undef V
        #if defined(V) || (0 && 1 / 0)
        typedef int no5_t;
        #endif
    """)
    assert ffi.list_types()[0] == ["yes2_t", "yes_t"]


@pytest.mark.parametrize(
    "directive, needle",
    [("#error nope, said he", "#error nope, said he"), ("#if 1", "unterminated #if"),
     ("#endif", "#endif without #if"), ("#else", "#else without #if"),
     ("#frobnicate", "invalid preprocessor directive '#frobnicate'"),
     ("#include <no/such/header.h>", "<no/such/header.h>: file not found"),
     ("#if 1 +", "incomplete #if expression"), ("#if 1 / 0", "division by zero")],
)
def test_directive_errors(ffi, directive, needle):
    with pytest.raises(CDefError, match=re.escape(needle)) as e:
        ffi.cdef("typedef int t;\n  " + directive + "\n")
    assert ":2:" in str(e.value) or ":3:" in str(e.value)


@pytest.mark.parametrize("directive", ["#warning hm", "#ident \"x\"", "#pragma GCC visibility push(default)",
                                       "#", "#pragma once"])
def test_directives_that_change_nothing(ffi, directive):
    ffi.cdef("typedef int t;\n" + directive + "\ntypedef long u;")
    assert ffi.list_types()[0] == ["t", "u"]


def test_define_macros_keyword(ffi):
    ffi.cdef("#if defined(FLAG) && LEVEL == 2\ntypedef int on_t;\n#endif\nextern int a[LEVEL];",
             define_macros=[("FLAG", None), ("LEVEL", "2")])
    assert ffi.list_types()[0] == ["on_t"]
    assert ffi.sizeof(ffi.typeof("int[2]")) == 8


def test_comments_of_both_kinds(both):
    src = """
        /* a block
           comment */ typedef int t1; // a line comment
        typedef /* inline */ long t2; // typedef int nope;
        /* typedef int nope2; */
        #define A 1 /* after a define */
        #define B 2 // after a define
        #define C /* before */ 3
        #define D 4 /* spanning
                       lines */
    """
    r, c = both
    r.cdef(src)
    c.cdef(src)
    assert r.list_types() == c.list_types() == (["t1", "t2"], [], [])
    rl, cl = r.dlopen(None), c.dlopen(None)
    assert [getattr(rl, n) for n in "ABCD"] == [getattr(cl, n) for n in "ABCD"] == [1, 2, 3, 4]


def test_line_continuations(ffi):
    # Bug fixed here: a continued or commented #define, and `#  define`, were refused.
    ffi.cdef("typedef unsigned \\\n int t3;\n#define A \\\n 5\n  #  define B 6\n"
             "# /* c */ define C 7\n#define D \\\r\n 8\n")
    lib = ffi.dlopen(None)
    assert (lib.A, lib.B, lib.C, lib.D) == (5, 6, 7, 8)
    assert ffi.typeof("t3") is ffi.typeof("unsigned int")


def test_unterminated_comments_are_errors(ffi):
    with pytest.raises(CDefError, match="unterminated comment") as e:
        ffi.cdef("int x;\n#define A 1 /* never closed\nint y;")
    assert ":2:13:" in str(e.value)
    with pytest.raises(CDefError, match="unterminated comment"):
        ffi.cdef("int x; /* never closed")


@pytest.mark.parametrize(
    "prefix, where",
    [('# 10 "api.h"\n', "api.h:10:"), ('#line 20 "x.h"\n', "x.h:20:"),
     ('# 5 "a.h"\nint ok;\n# 30\n', "a.h:30:"), ('# 7\n', "<cdef source string>:7:")],
)
def test_line_directives_move_error_positions(ffi, prefix, where):
    with pytest.raises(CDefError) as e:
        ffi.cdef(prefix + "int f(int;")
    assert (where + "10:") in str(e.value) and "int f(int;" in str(e.value)


def test_line_directives_are_otherwise_ignored_like_cffi(both):
    r, c = both
    src = '# 42 "file.h"\ntypedef int t4;\n#line 5 "x.h"\ntypedef int t5;'
    r.cdef(src)
    c.cdef(src)
    assert r.list_types() == c.list_types() == (["t4", "t5"], [], [])


# Object-like macros whose value has C's types: each is compared with what
# gcc computes for the same expansion (a probe compiled here).
TYPED_MACROS = [
    "(1.5 * 2)", "(1.0 / 3)", "(1.1f * 3)", "(2 + 0.5f)", "(1 ? 2.5 : 3)", "((double)1 / 4)",
    "-1U", "(-1UL)", "(0U - 1)", "(-1U / 2)", "1ULL << 40", "-0x80000000", "(-1 < 0U)",
    "(-1L < 0U)", "(0xFFFFFFFF + 1)", "(2147483647 + 1L)", "((int)3.7)", "((int)-3.7)",
    "(unsigned char)300", "((signed char)200)", "((short)70000 * 2)", "'a'", "('\\xff' + 0)",
    "(sizeof(int) * 4)", "(sizeof(long) - 9)", "(~0U >> 4)", "(~0 >> 4)", "(7 % -3)",
    "((unsigned long long)-1 >> 63)", '"ab" "cd"', '"x\\ty"',
]


def gcc_macro_values(tmp_path, macros):
    cc = shutil.which("cc")
    assert cc, "no C compiler to compare with"
    lines = ["#include <stdio.h>",
             'static void show_i(const char *n, long long v) { printf("%s I %lld\\n", n, v); }',
             'static void show_u(const char *n, unsigned long long v) { printf("%s I %llu\\n", n, v); }',
             'static void show_f(const char *n, double v) { printf("%s F %.17g\\n", n, v); }',
             'static void show_s(const char *n, const char *v) { printf("%s S %s\\n", n, v); }',
             "#define SHOW(n, x) _Generic((x), float: show_f, double: show_f, unsigned int: show_u, "
             "unsigned long: show_u, unsigned long long: show_u, char *: show_s, default: show_i)(n, x)"]
    lines += ["#define M%d %s" % (i, m) for i, m in enumerate(macros)]
    lines.append("int main(void) {")
    lines += ['SHOW("M%d", M%d);' % (i, i) for i in range(len(macros))]
    lines.append("return 0; }")
    (tmp_path / "macros.c").write_text("\n".join(lines))
    subprocess.run([cc, "-w", "-o", str(tmp_path / "macros"), str(tmp_path / "macros.c")], check=True)
    out = subprocess.run([str(tmp_path / "macros")], check=True, capture_output=True, text=True).stdout
    answers = {}
    for line in out.splitlines():
        name, kind, value = line.split(" ", 2)
        answers[name] = {"I": int, "F": float, "S": str.encode}[kind](value)
    return answers


def test_typed_macro_values_match_gcc(ffi, tmp_path):
    ffi.cdef("\n".join("#define M%d %s" % (i, m) for i, m in enumerate(TYPED_MACROS)))
    lib = ffi.dlopen(None)
    answers = gcc_macro_values(tmp_path, TYPED_MACROS)
    assert len(answers) == len(TYPED_MACROS)
    ours = {"M%d" % i: getattr(lib, "M%d" % i) for i in range(len(TYPED_MACROS))}
    diffs = ["%s: rcffi %r, gcc %r" % (TYPED_MACROS[int(n[1:])], ours[n], answers[n])
             for n in answers if ours[n] != answers[n] or type(ours[n]) is not type(answers[n])]
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("line", ["#define A (1 / 0)", "#define A (1.5 % 2)", "#define A (1 << 99)",
                                  "#define A (x + 1)", "#define A ((char *)0)", "#define A (~1.5)"])
def test_macros_without_a_constant_value_are_skipped(ffi, line):
    ffi.cdef(line)
    assert "A" not in ffi._decls.names()
