"""The preprocessor lines cdef() understands: `#define NAME <integer>` and
`#define NAME ...`, comments, line continuations and `# 42 "file.h"` line
directives; every other directive is a CDefError."""

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
    "line, needle",
    [
        ("#define A 1 + 2", "only integer constants and '...'"),
        ("#define A foo", "only integer constants and '...'"),
        ("#define A", "only integer constants and '...'"),
        ("#define A 1.5", "only integer constants and '...'"),
        ("#define A 'x'", "only integer constants and '...'"),
        ("#define A 08", "only integer constants and '...'"),
        ("#define A(x) x", "function-like macro 'A'"),
        ("#define 1A 2", "needs a name"),
    ],
)
def test_unsupported_defines_are_cdef_errors(both, line, needle):
    r, c = both
    with pytest.raises(CDefError, match=needle) as e:
        r.cdef("int x1;\n" + line)
    assert ":2:2:" in str(e.value) and line in str(e.value)
    assert str(e.value).endswith("\n     ^")
    with pytest.raises(Exception):
        c.cdef(line)


@pytest.mark.parametrize(
    "directive",
    ["#include <stdio.h>", "#ifdef X", "#ifndef X", "#if 0", "#elif 1", "#else", "#endif",
     "#undef A", "#error nope", "#warning hm", "#import <x.h>", "#ident \"x\""],
)
def test_other_directives_are_refused(ffi, directive):
    word = directive.split()[0]
    with pytest.raises(CDefError, match="unsupported preprocessor directive '%s'" % word) as e:
        ffi.cdef("typedef int t;\n  " + directive + "\n")
    assert ":2:4:" in str(e.value) and directive in str(e.value)


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
