"""The GNU and C11 type forms real headers use, compared with gcc: `_Atomic`
(qualifier and specifier), `__typeof__`, and typedefs with
`__attribute__((aligned))` (a type whose alignment is not its size's)."""

import shutil
import subprocess
import warnings

import pytest

from rcffi import CDefError, CDefWarning, FFI


def gcc_layouts(tmp_path, decls, types):
    """gcc's (sizeof, _Alignof) of each type of `types` after `decls`."""
    cc = shutil.which("cc")
    assert cc, "no C compiler to compare with"
    lines = ["#include <stdio.h>", "#include <stdatomic.h>", decls, "int main(void) {"]
    for t in types:
        lines.append('printf("%%zu %%zu\\n", sizeof(%s), _Alignof(%s));' % (t, t))
    lines.append("return 0; }")
    (tmp_path / "probe.c").write_text("\n".join(lines))
    exe = tmp_path / "probe"
    subprocess.run([cc, "-w", "-o", str(exe), str(tmp_path / "probe.c")], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    return [tuple(int(x) for x in line.split()) for line in out.splitlines()]


def assert_layouts_match_gcc(tmp_path, decls, types):
    ffi = FFI()
    ffi.cdef(decls)
    ours = [(ffi.sizeof(t), ffi.alignof(t)) for t in types]
    assert ours == gcc_layouts(tmp_path, decls, types)
    return ffi


ATOMIC_DECLS = """
typedef _Atomic int aint;
typedef _Atomic(unsigned long long) aull;
typedef _Atomic double adouble;
typedef _Atomic long double aldouble;
typedef _Atomic(char) achar;
typedef int *_Atomic aptr;
struct three { char a[3]; };
typedef _Atomic struct three athree;
struct twelve { int a[3]; };
typedef _Atomic(struct twelve) atwelve;
struct holder { char c; _Atomic short s; aull u; athree t; aptr p; };
"""


def test_atomic_types_have_gcc_layouts(tmp_path):
    types = ["aint", "aull", "adouble", "aldouble", "achar", "aptr", "athree", "atwelve", "struct holder"]
    ffi = assert_layouts_match_gcc(tmp_path, ATOMIC_DECLS, types)
    assert ffi.typeof("aint") is ffi.typeof("int")
    assert ffi.offsetof("struct holder", "p") == gcc_offset(tmp_path, ATOMIC_DECLS, "struct holder", "p")


def gcc_offset(tmp_path, decls, record, field):
    cc = shutil.which("cc")
    src = tmp_path / "off.c"
    src.write_text('#include <stdio.h>\n#include <stddef.h>\n%s\nint main(void) { printf("%%zu", '
                   'offsetof(%s, %s)); return 0; }' % (decls, record, field))
    subprocess.run([cc, "-w", "-o", str(tmp_path / "off"), str(src)], check=True)
    return int(subprocess.run([str(tmp_path / "off")], capture_output=True, text=True).stdout)


@pytest.mark.parametrize("decl, atomic, plain", [
    ("typedef _Atomic _Complex float acf;", "acf", "_Complex float"),
    ("struct four { char a[4]; }; typedef _Atomic struct four afour;", "afour", "struct four"),
    ("struct sixteen { char a[16]; }; typedef _Atomic(struct sixteen) a16;", "a16", "struct sixteen"),
])
def test_atomic_that_changes_the_alignment_is_refused(tmp_path, decl, atomic, plain):
    # gcc aligns these to their size, unlike the plain type: rcffi cannot
    # make such a variant, so it refuses rather than lay it out wrongly.
    (atomic_size, atomic_align), (plain_size, plain_align) = gcc_layouts(tmp_path, decl, [atomic, plain])
    assert atomic_size == plain_size and atomic_align != plain_align
    with pytest.raises(CDefError, match="rcffi cannot represent that type"):
        FFI().cdef(decl)


def test_stdatomic_h_declares_every_typedef():
    ffi = FFI()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CDefWarning)
        ffi.cdef("#include <stdatomic.h>")
    assert ffi.typeof("atomic_int") is ffi.typeof("int")
    assert ffi.sizeof("atomic_llong") == 8


TYPEOF_DECLS = """
extern int counter;
extern double values[7];
int twice(int);
typedef __typeof__(counter) counter_t;
typedef typeof(values) values_t;
typedef __typeof__(struct { char c; long l; }) anon_t;
typedef __typeof(unsigned short *) usp_t;
typedef __typeof__(twice) *twice_p;
"""


def test_typeof_of_types_and_declared_names(tmp_path):
    types = ["counter_t", "values_t", "anon_t", "usp_t", "twice_p"]
    ffi = assert_layouts_match_gcc(tmp_path, TYPEOF_DECLS, types)
    assert ffi.typeof("counter_t") is ffi.typeof("int")
    assert ffi.typeof("values_t") is ffi.typeof("double[7]")
    assert ffi.typeof("twice_p") is ffi.typeof("int(*)(int)")


def test_typeof_of_an_expression_is_refused():
    with pytest.raises(CDefError, match="__typeof__"):
        FFI().cdef("extern int x; typedef __typeof__(x + 1) y_t;")


ALIGNED_DECLS = """
typedef struct { char a[20]; } anon20 __attribute__((__aligned__(16)));
struct named20 { char a[20]; };
typedef struct named20 named20_16 __attribute__((aligned(16)));
typedef struct __attribute__((aligned(16))) { char a[20]; } inside20;
typedef struct { long a[2]; } exact16 __attribute__((aligned(16)));
struct holds { char c; anon20 a; named20_16 b; };
"""


def test_aligned_typedef_of_a_record_keeps_its_size(tmp_path):
    types = ["anon20", "named20_16", "struct named20", "inside20", "exact16", "exact16[3]", "struct holds"]
    ffi = assert_layouts_match_gcc(tmp_path, ALIGNED_DECLS, types)
    assert [name for name, _ in ffi.typeof("named20_16").fields] == ["a"]
    assert ffi.offsetof("struct holds", "b") == gcc_offset(tmp_path, ALIGNED_DECLS, "struct holds", "b")


@pytest.mark.parametrize("array", ["anon20[2]", "named20_16[1]"])
def test_array_of_an_overaligned_typedef_is_refused_as_gcc_does(tmp_path, array):
    cc = shutil.which("cc")
    (tmp_path / "arr.c").write_text(ALIGNED_DECLS + "int n = sizeof(%s);\n" % array)
    gcc = subprocess.run([cc, "-c", "-o", "/dev/null", str(tmp_path / "arr.c")], capture_output=True, text=True)
    assert gcc.returncode != 0 and "not a multiple of its alignment" in gcc.stderr
    ffi = FFI()
    ffi.cdef(ALIGNED_DECLS)
    with pytest.raises(CDefError, match="not a multiple of its alignment"):
        ffi.typeof(array)


def test_aligned_typedef_of_a_scalar_is_still_refused():
    with pytest.raises(CDefError, match="rcffi cannot represent that type"):
        FFI().cdef("typedef int int16a __attribute__((aligned(16)));")


def test_pthread_unwind_buf_has_gcc_layout(tmp_path):
    ffi = FFI()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CDefWarning)
        ffi.cdef("#include <pthread.h>")
    t = "__pthread_unwind_buf_t"
    assert (ffi.sizeof(t), ffi.alignof(t)) == gcc_layouts(tmp_path, "#include <pthread.h>", [t])[0]
