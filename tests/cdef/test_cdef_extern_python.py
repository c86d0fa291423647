"""`extern "Python"` and `extern "Python+C"` declarations, single and braced,
as cdef() records them and as an API-mode module runs them."""

import cffi
import pytest

from rcffi import CDefError


def _cffi_kinds(ffi):
    return {k.partition(" ")[2]: (k.partition(" ")[0], tp.get_c_name())
            for k, (tp, _) in ffi._parser._declarations.items()}


@pytest.mark.parametrize(
    "src, expected",
    [
        ('extern "Python" int cb(int);', {"cb": "int(*)(int)"}),
        ('extern "Python+C" int cb(int);', {"cb": "int(*)(int)"}),
        ('extern "Python" { int cb1(int); void cb2(char *, ...); }',
         {"cb1": "int(*)(int)", "cb2": "void(*)(char *, ...)"}),
        ('extern "Python+C" { int cb1(int); long cb2(void); }',
         {"cb1": "int(*)(int)", "cb2": "long(*)()"}),
        ('extern "Python" int cb(int), cb3(long);', {"cb": "int(*)(int)", "cb3": "int(*)(long)"}),
        ('extern "Python" static int cb(int);', {"cb": "int(*)(int)"}),
        ('extern "Python" { }', {}),
    ],
)
def test_declarations_match_cffi(both, src, expected):
    r, c = both
    r.cdef(src)
    c.cdef(src)
    assert {n: r._decls.lookup(n)[1].cname for n in r._decls.names()} == expected
    kinds = _cffi_kinds(c)
    assert sorted(kinds) == sorted(expected)
    plus_c = "Python+C" in src
    assert {k for k, _ in kinds.values()} <= {"extern_python_plus_c" if plus_c else "extern_python"}


@pytest.mark.parametrize(
    "src, column",
    [('extern "Python" int x;', 21), ('extern "Python" { int a; }', 23),
     ('extern "Python" int (*cb)(int);', 23)],
)
def test_variables_cannot_be_extern_python(both, src, column):
    r, c = both
    with pytest.raises(CDefError, match='extern "Python" only applies to functions') as e:
        r.cdef(src)
    assert ":1:%d:" % column in str(e.value)
    with pytest.raises(cffi.CDefError):
        c.cdef(src)


@pytest.mark.parametrize(
    "src, needle",
    [('extern "Pyhton" int cb(int);', 'unsupported linkage "Pyhton"'),
     ('extern "Python" { int cb(int) }', "expected ',' or ';'")],
)
def test_malformed_extern_blocks(ffi, src, needle):
    with pytest.raises(CDefError, match=needle):
        ffi.cdef(src)


def test_braced_groups_end_at_the_brace(ffi):
    ffi.cdef('extern "Python" { int cb(int); } int after(int); extern int v;')
    assert [ffi._decls.lookup(n)[0] for n in ("cb", "after", "v")] == \
        ["function", "function", "variable"]


def test_extern_python_in_api_mode(build):
    m = build(
        """
        extern "Python" { int twice(int); int thrice(int); }
        extern "Python+C" { long negate(long); }
        extern "Python" void notify(char *);
        int apply_all(int);
        """,
        """
        static int twice(int); static int thrice(int); static void notify(char *);
        long negate(long);
        static int apply_all(int x) { notify("go"); return thrice(twice(x)) + (int)negate(1); }
        """,
    )
    ffi, lib = m.ffi, m.lib
    seen = []

    @ffi.def_extern()
    def twice(x):
        return 2 * x

    @ffi.def_extern()
    def thrice(x):
        return 3 * x

    @ffi.def_extern()
    def negate(x):
        return -x

    @ffi.def_extern()
    def notify(p):
        seen.append(ffi.string(p))

    assert lib.apply_all(5) == 29 and seen == [b"go"]
    # The functions are also callable from Python, with their declared types.
    assert lib.twice(4) == 8 and lib.negate(3) == -3
    assert ffi.typeof(lib.negate) is ffi.typeof("long(*)(long)")
    assert ffi.typeof(lib.notify) is ffi.typeof("void(*)(char *)")


def test_unattached_extern_python_function_reports_and_returns_zero(build):
    m = build('extern "Python" int later(int); int call(int);',
              "static int later(int); static int call(int x) { return later(x) + 1; }")
    assert m.lib.call(3) == 1
